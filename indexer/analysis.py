"""Whoosh analysis chains built on SudachiPy.

`SudachiTokenizer` works like Elasticsearch's analysis-sudachi in search mode: split mode C, with
the A sub-units of a compound at the same position, `normalized_form()` as the term, and character
offsets from `begin()`/`end()` so that highlighting lands on the original text.
"""
from __future__ import annotations

import unicodedata

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from kb import sudachi

STOP_POS = {"助詞", "助動詞", "補助記号", "空白"}
# Sudachi cannot tokenize more than ~49 KB at once; sections are far smaller, queries are cut earlier.
MAX_CHUNK = 8000


def _chunks(text: str):
    """(offset, chunk) pieces under Sudachi's input limit, cut at line ends where possible."""
    start = 0
    while start < len(text):
        end = min(len(text), start + MAX_CHUNK)
        if end < len(text):
            nl = text.rfind("\n", start, end)
            if nl > start:
                end = nl + 1
        yield start, text[start:end]
        start = end


class SudachiTokenizer(Tokenizer):
    """Yields Sudachi morphemes (mode C plus A sub-units) as Whoosh tokens."""

    def __init__(self, subunits: bool = True, reading: bool = False):
        self.subunits = subunits
        self.reading = reading

    def __eq__(self, other):
        return (type(other) is type(self) and other.subunits == self.subunits
                and other.reading == self.reading)

    def _term(self, m) -> str:
        return m.reading_form() if self.reading else m.normalized_form()

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos
        for offset, chunk in _chunks(value):
            for m in sudachi.tokenize(chunk, sudachi.MODE_C):
                if m.part_of_speech()[0] in STOP_POS:
                    continue
                parts = [m]
                if self.subunits:
                    subs = m.split(sudachi.MODE_A)
                    if len(subs) > 1:
                        parts += list(subs)
                seen = set()
                for i, p in enumerate(parts):
                    text = self._term(p)
                    if not text or text in seen or (i and p.part_of_speech()[0] in STOP_POS):
                        continue
                    seen.add(text)
                    t.text = text
                    t.boost = 1.0
                    t.stopped = False
                    if keeporiginal:
                        t.original = p.surface()
                    if positions:
                        t.pos = pos
                    if chars:
                        t.startchar = start_char + offset + p.begin()
                        t.endchar = start_char + offset + p.end()
                    yield t
                pos += 1


class NfkcFilter(Filter):
    """NFKC-normalises terms (全角英数 → 半角), so ＰＣ and PC meet."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = unicodedata.normalize("NFKC", t.text)
            yield t


def JapaneseAnalyzer():
    """The analyzer for text fields, at index and query time alike."""
    return SudachiTokenizer() | NfkcFilter() | LowercaseFilter()


_HIRA_TO_KATA = {c: c + 0x60 for c in range(ord("ぁ"), ord("ゖ") + 1)}


def to_katakana(text: str) -> str:
    return text.translate(_HIRA_TO_KATA)


def ReadingAnalyzer():
    """Katakana readings of the words (and compound parts), for queries typed in kana."""
    return SudachiTokenizer(subunits=True, reading=True) | NfkcFilter()
