"""One Sudachi dictionary per process, one tokenizer per thread (Sudachi tokenizers are not thread-safe)."""
from __future__ import annotations

import threading
from functools import lru_cache

from sudachipy import Dictionary, SplitMode

_local = threading.local()

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


# SudachiPy 0.6 (the version GiNZA needs) joins an unknown katakana run into one word that is not
# flagged OOV but carries this placeholder id, shared by every such word (オオアリクイ, センザンコウ).
PLACEHOLDER_WORD_ID = 0x0FFFFFFF


def is_unknown(m) -> bool:
    """True for a word the dictionary does not hold: OOV, or a joined katakana placeholder."""
    return m.is_oov() or m.word_id() == PLACEHOLDER_WORD_ID
