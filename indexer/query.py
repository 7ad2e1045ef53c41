"""From what an officer typed to a Whoosh query: analysis, synonyms, readings, field weights.

The query text is never handed to Whoosh's query parser, so syntax characters (AND, *, ", :, ~)
are plain text and cannot raise. A query is a list of *concepts*: one word of the query (with its
compound sub-units) or one dictionary term found in it (with its synonyms); a section that matches
more concepts ranks higher, and the strict plan (all concepts) falls back to any concept.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as Q

from indexer.analysis import JapaneseAnalyzer, ReadingBigramTokenizer
from indexer.dictionary import SearchDictionary

# Field weights; decided by measurement on the dev set (see docs/search-quality.md).
FIELD_BOOSTS = {"heading": 2.5, "doc_title": 1.2, "crumbs": 1.0, "body": 1.0}
SUBUNIT_WEIGHT = 0.5
SYNONYM_WEIGHT = 0.8
READING_WEIGHT = 0.6
PHRASE_BOOST = 1.5
# Words that carry no topic in a question (normalized forms): 〜するとき誰の指示がいる？
QUESTION_WORDS = {"為る", "居る", "有る", "成る", "出来る", "時", "事", "物", "誰", "何", "何処", "方",
                  "如何", "良い", "いい", "要る", "必要", "場合", "もの", "こと", "とき", "ため", "其の",
                  "此の", "彼の", "どう", "の", "か", "とか", "ね", "よ", "言う", "思う", "て", "いる",
                  "ある", "なる", "できる", "する", "貰う", "呉れる", "話"}
# A word typed in kana for want of kanji: a whole space-separated chunk of 3+ kana (しゅうきゅうび).
_KANA_WORD = re.compile(r"(?:(?<=\s)|^)[ぁ-ゖァ-ヺー]{3,}(?=\s|$)")
_ASCII = re.compile(r"[a-z0-9]")


@dataclass
class Concept:
    """One thing the query asks for, with every way the corpus may say it."""
    text: str
    query: Q.Query
    terms: list[str] = field(default_factory=list)


@dataclass
class QueryPlan:
    text: str
    concepts: list[Concept] = field(default_factory=list)
    query: Q.Query | None = None
    fallback: Q.Query | None = None
    min_strict: int = 0

    @property
    def terms(self) -> list[str]:
        return [t for c in self.concepts for t in c.terms]


@lru_cache(maxsize=1)
def _analyzer():
    return JapaneseAnalyzer()


@dataclass
class _Word:
    pos: int
    start: int
    end: int
    alternatives: list[tuple[str, float]]


def analyze_words(text: str) -> list[_Word]:
    """Analyzed words, each with its compound sub-units (same position) and offsets."""
    words: dict[int, _Word] = {}
    for t in _analyzer()(text, positions=True, chars=True):
        w = words.get(t.pos)
        if w is None:
            words[t.pos] = _Word(t.pos, t.startchar, t.endchar, [(t.text, 1.0)])
        elif all(t.text != x for x, _ in w.alternatives):
            w.alternatives.append((t.text, SUBUNIT_WEIGHT))
    return [w for _, w in sorted(words.items())]


def _field_or(term: str, weight: float) -> Q.Query:
    return Q.Or([Q.Term(f, term, boost=b * weight) for f, b in FIELD_BOOSTS.items()])


def words_query(words: list[_Word], weight: float = 1.0) -> Q.Query | None:
    """All words of a phrase (each in any field), plus a phrase bonus in body and heading."""
    parts = [Q.Or([_field_or(t, w * weight) for t, w in word.alternatives]) for word in words]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    main = [w.alternatives[0][0] for w in words]
    return Q.AndMaybe(Q.And(parts), Q.Or([Q.Phrase("body", main, boost=PHRASE_BOOST * weight),
                                          Q.Phrase("heading", main, boost=PHRASE_BOOST * weight)]))


def text_query(text: str, weight: float = 1.0) -> Q.Query | None:
    return words_query(analyze_words(text), weight)


def reading_query(kana: str) -> Q.Query | None:
    """A kana word matched against the reading bigrams of the sections."""
    grams = [t.text for t in ReadingBigramTokenizer(kana_input=True)(kana)]
    if not grams:
        return None
    if len(grams) == 1:
        return Q.Term("reading", grams[0], boost=READING_WEIGHT)
    return Q.Or([Q.Phrase("reading", grams, boost=READING_WEIGHT * 2),
                 Q.Or([Q.Term("reading", g, boost=READING_WEIGHT / len(grams)) for g in grams],
                      minmatch=max(2, int(len(grams) * 0.6)))])


def dictionary_matches(text: str, dictionary: SearchDictionary) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, key) of dictionary terms in the query, longest first."""
    low = text.lower()
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(low)
    for key in sorted(dictionary.expansions, key=len, reverse=True):
        start = low.find(key)
        while start != -1:
            end = start + len(key)
            ascii_edge = _ASCII.match(key) and (
                (start > 0 and _ASCII.match(low[start - 1])) or (end < len(low) and _ASCII.match(low[end])))
            if not ascii_edge and not any(taken[start:end]):
                found.append((start, end, key))
                for i in range(start, end):
                    taken[i] = True
            start = low.find(key, end)
    return sorted(found)


def plan_query(text: str, dictionary: SearchDictionary) -> QueryPlan:
    text = unicodedata.normalize("NFKC", text)
    plan = QueryPlan(text=text)
    words = analyze_words(text)
    matches = dictionary_matches(text, dictionary)
    used: set[int] = set()
    for start, end, key in matches:
        inside = [w for w in words if w.start >= start and w.end <= end]
        alts = [q for q in [words_query(inside)] if q is not None]
        alts += [q for q in (text_query(e, SYNONYM_WEIGHT) for e in dictionary.equivalents(key)) if q is not None]
        if not alts:
            continue
        used.update(w.pos for w in inside)
        plan.concepts.append(Concept(text[start:end], Q.Or(alts), [key]))
    kana_spans = [(m.start(), m.end()) for m in _KANA_WORD.finditer(text)]
    for start, end in kana_spans:
        if any(s <= start < e for s, e, _ in matches):
            continue
        rq = reading_query(text[start:end])
        inside = [w for w in words if w.start >= start and w.end <= end]
        wq = words_query([w for w in inside if w.alternatives[0][0] not in QUESTION_WORDS])
        if rq is None:
            continue
        used.update(w.pos for w in inside)
        plan.concepts.append(Concept(text[start:end], Q.Or([q for q in (wq, rq) if q is not None]),
                                     [text[start:end]]))
    for w in words:
        if w.pos in used or w.alternatives[0][0] in QUESTION_WORDS:
            continue
        plan.concepts.append(Concept(text[w.start:w.end], words_query([w]),
                                     [t for t, _ in w.alternatives]))
    if not plan.concepts:
        # only question words: search them anyway rather than finding nothing
        plan.concepts = [Concept(text[w.start:w.end], words_query([w]), [t for t, _ in w.alternatives])
                         for w in words]
    if plan.concepts:
        qs = [c.query for c in plan.concepts]
        plan.query = Q.Or(qs, scale=0.9) if len(qs) > 1 else qs[0]
    return plan
