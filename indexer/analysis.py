"""Whoosh analysis chains built on SudachiPy.

`SudachiTokenizer` works like Elasticsearch's analysis-sudachi in search mode: split mode C, with
the A sub-units of a compound at the same position, `normalized_form()` as the term, and character
offsets from `begin()`/`end()` so that highlighting lands on the original text.
"""
from __future__ import annotations

import threading
import unicodedata

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from kb import sudachi

STOP_POS = {"助詞", "助動詞", "補助記号", "空白"}
# What a dictionary word contributes to the index is fixed by the dictionary: its normalized form,
# reading, part of speech and A-unit split. It is worked out once per word id and process, so the
# index-time path costs one Sudachi pass (shared by the body and reading fields, which analyse the
# same text) and a dict lookup per morpheme. Words Sudachi does not know (OOV: numerals, line ends)
# are not cached: their word id only names a part of speech, and their reading depends on the
# context (一 is read イチ or ヒト).
_WORDS: dict[int, tuple | None] = {}
_local = threading.local()
_MEMO_SIZE = 4


def _terms(parts, reading: bool) -> tuple[str, ...]:
    """Distinct terms of a morpheme and its sub-units, sub-units in stop classes left out."""
    out: list[str] = []
    for i, p in enumerate(parts):
        text = p.reading_form() if reading else p.normalized_form()
        if text and text not in out and not (i and p.part_of_speech()[0] in STOP_POS):
            out.append(text)
    return tuple(out)


def _word(m):
    """A mode-C morpheme's terms, or None for a stop word: (normalized, reading) with its A sub-units,
    then (normalized, reading) of the morpheme alone."""
    if m.part_of_speech()[0] in STOP_POS:
        return None
    parts = [m]
    subs = m.split(sudachi.MODE_A)
    if len(subs) > 1:
        parts += list(subs)
    return _terms(parts, False), _terms(parts, True), _terms(parts[:1], False), _terms(parts[:1], True)


def _analyse(text: str) -> list:
    """The cached word entries of a text's mode-C morphemes, stop words left out; the last few
    texts of this thread are memoised (body and reading fields get the same text in turn)."""
    memo = getattr(_local, "memo", None)
    if memo is None:
        memo = _local.memo = {}
    entries = memo.get(text)
    if entries is not None:
        return entries
    entries = []
    words = _WORDS
    for _, chunk in sudachi.chunks(text):
        for m in sudachi.tokenize(chunk, sudachi.MODE_C):
            wid = m.word_id()
            known = not sudachi.is_unknown(m)       # unknown words share ids: never cached
            entry = words.get(wid, False) if known else False
            if entry is False:
                entry = _word(m)
                if known:
                    words[wid] = entry
            if entry is not None:
                entries.append(entry)
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[text] = entries
    return entries


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
        if chars or keeporiginal:
            yield from self._with_offsets(t, value, positions, chars, keeporiginal, start_pos, start_char)
            return
        # index time and plain analysis: the cached word entries
        field = (0 if self.subunits else 2) + (1 if self.reading else 0)
        pos = start_pos
        for entry in _analyse(value):
            for text in entry[field]:
                t.text = text
                t.boost = 1.0
                t.stopped = False
                if positions:
                    t.pos = pos
                yield t
            pos += 1

    def _with_offsets(self, t, value, positions, chars, keeporiginal, start_pos, start_char):
        """Tokens with character offsets (query analysis, highlighting): straight from Sudachi."""
        pos = start_pos
        for offset, chunk in sudachi.chunks(value):
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


# Filters whose output for a term depends on the term alone: the build applies them once per
# distinct word instead of once per token.
_TERM_MAPS = {NfkcFilter: lambda s: unicodedata.normalize("NFKC", s), LowercaseFilter: str.lower}


def term_positions(analyzer):
    """For a Sudachi tokenizer followed by per-term filters, a function text -> {term: positions}
    holding exactly the tokens the analyzer yields at index time, in order; None for any other
    analyzer. The build writer indexes through it without a Token per term."""
    items = getattr(analyzer, "items", [analyzer])
    tokenizer, filters = items[0], items[1:]
    if type(tokenizer) is not SudachiTokenizer or any(type(f) not in _TERM_MAPS for f in filters):
        return None
    maps = [_TERM_MAPS[type(f)] for f in filters]
    field = (0 if tokenizer.subunits else 2) + (1 if tokenizer.reading else 0)
    final: dict[tuple, tuple] = {}      # a word's terms -> the same after the filters

    def filtered(terms: tuple) -> tuple:
        out = []
        for term in terms:
            for fn in maps:
                term = fn(term)
            out.append(term)
        final[terms] = out = tuple(out)
        return out

    def positions(text: str) -> dict[str, list[int]]:
        poses: dict[str, list[int]] = {}
        for pos, entry in enumerate(_analyse(text)):
            terms = entry[field]
            for term in final.get(terms) or filtered(terms):
                p = poses.get(term)
                if p is None:
                    poses[term] = [pos]
                else:
                    p.append(pos)
        return poses

    return positions
