"""Indexed words by their reading: a word typed in kana (しょくむしつもん) reaches its kanji form,
and a word with one wrong kanji of the same reading (職務質門) is corrected to the real one."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kb.sudachi import tokenize

_KANJI = re.compile(r"[一-龥々〆ヵヶ]")
_KANJI_RUN = re.compile(r"[一-龥々〆ヵヶ]{2,}")
MAX_WORDS_PER_READING = 3


def reading_of(text: str) -> str:
    """Katakana reading of a word or phrase, as Sudachi reads it."""
    return "".join(m.reading_form() for m in tokenize(text))


@dataclass(frozen=True)
class ReadingIndex:
    """Reading → indexed words with that reading, most used first (kanji words of 2+ characters)."""
    words: dict[str, tuple[str, ...]]
    known: frozenset[str]

    @classmethod
    def from_terms(cls, terms: dict[str, int]) -> ReadingIndex:
        by_reading: dict[str, list[tuple[int, str]]] = {}
        for word, freq in terms.items():
            if len(word) >= 2 and _KANJI.search(word):
                by_reading.setdefault(reading_of(word), []).append((-freq, word))
        words = {r: tuple(w for _, w in sorted(ws)[:MAX_WORDS_PER_READING]) for r, ws in by_reading.items()}
        return cls(words, frozenset(terms))

    def kanji_for(self, katakana: str) -> str | None:
        """The most used indexed word read exactly so (シヨクムシツモン → 職務質問), if any."""
        found = self.words.get(katakana)
        return found[0] if found else None

    def same_reading(self, word: str) -> str | None:
        """An indexed word read like `word` that differs from it in one character (職務質門 →
        職務質問): a wrong kanji picked from the input method's list of the same reading."""
        if word in self.known:
            return None
        for candidate in self.words.get(reading_of(word), ()):
            if len(candidate) == len(word) and sum(a != b for a, b in zip(candidate, word, strict=True)) == 1:
                return candidate
        return None

    def corrections(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, indexed word) for each stretch of kanji the index does not know that is
        one same-reading kanji away from a word it does know. Only stretches Sudachi had to cut
        into single characters are tried: that is how a word with a wrong kanji looks to it."""
        out = []
        for m in _KANJI_RUN.finditer(text):
            if m.group() in self.known:
                continue
            pieces, pos = [], m.start()
            for t in tokenize(m.group()):
                pieces.append((pos, pos + len(t.surface())))
                pos += len(t.surface())
            found = None
            for size in range(len(pieces), 1, -1):
                for i in range(len(pieces) - size + 1):
                    window = pieces[i:i + size]
                    if all(e - s > 1 for s, e in window):
                        continue
                    start, end = window[0][0], window[-1][1]
                    word = self.same_reading(text[start:end])
                    if word:
                        found = (start, end, word)
                        break
                if found:
                    break
            if found:
                out.append(found)
        return out
