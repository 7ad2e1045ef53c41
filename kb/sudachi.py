"""One Sudachi dictionary per process, one tokenizer per thread (Sudachi tokenizers are not thread-safe)."""
from __future__ import annotations

import threading
from functools import lru_cache

from sudachipy import Dictionary, SplitMode

_local = threading.local()

# Sudachi refuses an input over ~49 KB; sections and queries are far smaller, long pastes are not.
MAX_CHUNK = 8000      # characters (3 bytes each in UTF-8 at most for Japanese)

MODE_A = SplitMode.A
MODE_B = SplitMode.B
MODE_C = SplitMode.C


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """The sudachidict-core dictionary, loaded once per process."""
    return Dictionary(dict="core")


def tokenizer():
    """A tokenizer for the calling thread (created on first use)."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        tok = dictionary().create()
        _local.tokenizer = tok
    return tok


def tokenize(text: str, mode: SplitMode = SplitMode.C):
    """Morphemes of `text` in the given split mode."""
    return tokenizer().tokenize(text, mode)


def chunks(text: str, limit: int = MAX_CHUNK):
    """(offset, piece) of `text` under Sudachi's input limit, cut after a line end or 。 where
    possible, so no word is split. The one chunker for the analyzer and the anonymiser."""
    start = 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind("。", start, end))
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


# SudachiPy 0.6 (the version GiNZA needs) joins an unknown katakana run into one word that is not
# flagged OOV but carries this placeholder id, shared by every such word (オオアリクイ, センザンコウ).
PLACEHOLDER_WORD_ID = 0x0FFFFFFF


def is_unknown(m) -> bool:
    """True for a word the dictionary does not hold: OOV, or a joined katakana placeholder."""
    return m.is_oov() or m.word_id() == PLACEHOLDER_WORD_ID


@lru_cache(maxsize=8192)
def also_a_name(word: str) -> bool:
    """True when the dictionary also holds `word` as a person's name (桑原, 大石: common words too)."""
    return any(m.part_of_speech()[2] == "人名" for m in dictionary().lookup(word))
