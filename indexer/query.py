"""From what an officer typed to a Whoosh query: analysis, synonyms, readings, field weights.

The query text is never handed to Whoosh's query parser, so syntax characters (AND, *, ", :, ~)
are plain text and cannot raise. A query is a list of *concepts*: one word of the query (with its
compound sub-units), one dictionary term found in it (with its synonyms), or one word typed in kana
(matched against readings); a section that matches more concepts ranks higher.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as Q

from indexer.analysis import JapaneseAnalyzer, to_katakana
from indexer.dictionary import SearchDictionary
from indexer.readings import ReadingIndex
from kb.sudachi import tokenize


@dataclass(frozen=True)
class Ranking:
    """Every knob of query building; FULL is decided by measurement on the dev set
    (docs/search-quality.md), PLAIN is the baseline it is compared with (`kb eval --compare`)."""
    fields: tuple[tuple[str, float], ...] = (("body", 1.0),)  # heading and title are in body
    subunit_weight: float = 0.5
    synonyms: bool = True
    synonym_weight: float = 0.8
    everyday: bool = True                # the dictionary's everyday words → words of the law
    readings: bool = True
    reading_weight: float = 0.6
    phrase_boost: float = 0.0
    coord_scale: float | None = None     # bonus for sections matching more concepts
    tiebreak: float | None = None        # alternatives of a concept: max + tiebreak × rest (None: sum)
    question_words: bool = True
    references: bool = True              # 警職法2条 jumps to the article it names
    scoping: bool = True                 # a named law, rule or 通達 lifts its own sections
    scope_boost: float = 0.0             # 0: its sections first (a tier); >0: their scores × this
    priors: bool = True                  # section weights (kind, validity, 附則)
    asked_as_max: bool = True            # a word in both text and 「asked as」 counts once, the better
    #                                      of the two (summed, seeded sections drew unseeded questions)
    asked_as_weight: float = 1.0         # officers' wordings of questions a section answered (and its
    #                                      expected questions, corpus/asked/): 0.3 → 1.0 measured (docs/search-quality.md)
    and_first: int = 0                   # >0: all concepts required unless that finds fewer hits
    coverage_weight: float = 0.5         # >0: the top hits re-ordered by the share of the query
    coverage_depth: int = 30             # they cover (indexer.rerank), mixed in at this weight
    near_words: bool = False             # a concept also covered by a near word (ja-ginza vectors);
    #                                      off: it cost general/ one query in 600 (docs/search-quality.md)
    near_min_sim: float = 0.5            # a near word counts from this similarity,
    near_weight: float = 1.0             # at this share of it, for a word used in at most
    near_max_sections: int | None = 0     # this many sections (0: words no text uses; None: any)
    kana_sentences: bool = True          # a question typed wholly in kana read word by word (kana_sentence)


FULL = Ranking()
PLAIN = Ranking(fields=(("body", 1.0),), subunit_weight=0.0, synonyms=False, readings=False, tiebreak=None,
                phrase_boost=0.0, coord_scale=None, question_words=False, references=False,
                scoping=False, priors=False, asked_as_weight=0.0, coverage_weight=0.0, near_words=False)
PROFILES = {"full": FULL, "plain": PLAIN}

# Words that carry no topic in a question (normalized forms): 〜するとき誰の指示がいる？
QUESTION_WORDS = {"為る", "居る", "有る", "成る", "出来る", "時", "事", "物", "誰", "何", "何処", "方",
                  "如何", "良い", "いい", "要る", "必要", "場合", "もの", "こと", "とき", "ため", "其の",
                  "此の", "彼の", "どう", "の", "か", "とか", "ね", "よ", "言う", "思う", "て", "いる",
                  "ある", "なる", "できる", "する", "貰う", "呉れる", "話", "付く", "就く", "上",
                  "ついて", "関する", "おく", "置く", "しまう", "仕舞う"}
# A word typed in kana for want of kanji: a whole space-separated chunk of 3+ kana (しゅうきゅうび).
_KANA_WORD = re.compile(r"(?:(?<=\s)|^)[ぁ-ゖァ-ヺー]{3,}(?=\s|$)")
_ASCII = re.compile(r"[a-z0-9]")
_HIRAGANA = re.compile(r"[ぁ-ゖー]+")
KANA_SENTENCE = 8                        # kana typed without a space this long is a phrase, not a word
# Jargon written in katakana (ガサ, ホシ, ブツ) is that word only as written: Sudachi reads it as the
# common word of the same sound (傘, 星, 物), which a question also contains (もの → 物); and only as a
# word of its own, not inside a longer katakana word (スリ in スリップ, クスリ).
_KATAKANA = re.compile(r"[ァ-ヺー]+")


@dataclass
class Concept:
    """One thing the query asks for, with every way the corpus may say it."""
    text: str
    query: Q.Query
    terms: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)


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

    @property
    def needles(self) -> tuple[str, ...]:
        """Strings to mark in snippets: what was typed, its normalized forms and its synonyms.
        One-character pieces (者, 法, 条, 3: function words, sub-units of compounds, numbers) mark
        half a text without saying why it matched, so they count only when the query is that one word."""
        alone = len(self.concepts) == 1
        return tuple(sorted({n for c in self.concepts for n in (c.text, *c.terms, *c.synonyms)
                             if len(n) > 1 or (alone and n == c.text.strip() and not n.isdigit())}))


@lru_cache(maxsize=1)
def _analyzer():
    return JapaneseAnalyzer()


@dataclass
class _Word:
    pos: int
    start: int
    end: int
    alternatives: list[tuple[str, float]]

    @property
    def term(self) -> str:
        return self.alternatives[0][0]


def analyze_words(text: str, subunit_weight: float = FULL.subunit_weight) -> list[_Word]:
    """Analyzed words, each with its compound sub-units (same position) and offsets."""
    words: dict[int, _Word] = {}
    for t in _analyzer()(text, positions=True, chars=True):
        w = words.get(t.pos)
        if w is None:
            words[t.pos] = _Word(t.pos, t.startchar, t.endchar, [(t.text, 1.0)])
        elif subunit_weight > 0 and all(t.text != x for x, _ in w.alternatives):
            w.alternatives.append((t.text, subunit_weight))
    return [w for _, w in sorted(words.items())]


class QueryBuilder:
    """Builds Whoosh queries for one ranking profile."""

    def __init__(self, ranking: Ranking = FULL, reading_vocab: frozenset[str] = frozenset(),
                 readings: ReadingIndex | None = None):
        self.r = ranking
        self.reading_vocab = reading_vocab
        self.readings = readings

    def either(self, alternatives: list[Q.Query]) -> Q.Query:
        """Ways of saying one thing: the best match counts (plus a little of the others), so a
        concept with many synonyms does not outweigh a concept with none."""
        if self.r.tiebreak is None:
            return Q.Or(alternatives)
        return Q.DisjunctionMax(alternatives, tiebreak=self.r.tiebreak)

    def field_or(self, term: str, weight: float) -> Q.Query:
        qs = [Q.Term(f, term, boost=b * weight) for f, b in self.r.fields]
        if self.r.asked_as_weight:
            qs.append(Q.Term("asked", term, boost=self.r.asked_as_weight * weight))
        if len(qs) == 1:
            return qs[0]
        return Q.DisjunctionMax(qs) if self.r.asked_as_max else Q.Or(qs)

    def words_query(self, words: list[_Word], weight: float = 1.0) -> Q.Query | None:
        """All words of a phrase (each in any field), plus a phrase bonus in body and heading."""
        parts = []
        for word in words:
            alts = [self.field_or(t, w * weight) for t, w in word.alternatives]
            parts.append(alts[0] if len(alts) == 1 else self.either(alts))
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        if not self.r.phrase_boost:
            return Q.And(parts)
        main = [w.term for w in words]
        b = self.r.phrase_boost * weight
        return Q.AndMaybe(Q.And(parts), Q.Or([Q.Phrase("body", main, boost=b),
                                              Q.Phrase("heading", main, boost=b)]))

    def text_query(self, text: str, weight: float = 1.0) -> Q.Query | None:
        return self.words_query(analyze_words(text, self.r.subunit_weight), weight)

    def reading_query(self, kana: str, as_kanji: bool = True) -> Q.Query | None:
        """A word typed in kana, as the sequence of indexed readings it spells (しゅうきゅうび →
        シュウキュウビ; けいさつてちょう → ケイサツ + テチョウ)."""
        katakana = to_katakana(kana)
        # the whole word read as one indexed word (しょくむしつもん → 職務質問) is searched as if
        # typed in kanji, instead of as a sequence of readings
        word = self.readings.kanji_for(katakana) if as_kanji and self.readings and len(katakana) >= 3 else None
        if word:
            return self.text_query(word)
        pieces = segment_reading(katakana, self.reading_vocab)
        if not pieces:
            return None
        w = self.r.reading_weight
        qs = [Q.Term("reading", p, boost=w) for p in pieces]
        return qs[0] if len(qs) == 1 else Q.And(qs)

    def kana_sentence(self, kana: str, offset: int, words: list[_Word]) -> list[tuple[Concept, list[_Word]]]:
        """A whole question typed in kana (たいほしてからけんさつにおくるまでの…). Sudachi reads most of
        its words (たいほ → 逮捕), but cuts some it does not know in kana into pieces (けん|さつ). Of the
        stretches between its word boundaries that read as an indexed kanji word, as many characters
        as possible, those that join pieces it cut become concepts of their own (ケンサツ → 検察),
        with the words inside them; particles, endings and verbs are never such a stretch."""
        assert self.readings is not None
        katakana = to_katakana(kana)
        cuts, pos = [0], 0
        nouns: list[tuple[int, int]] = []
        for t in tokenize(kana):
            end = pos + len(t.surface())
            if t.part_of_speech()[0] in ("名詞", "接尾辞", "接頭辞"):
                nouns.append((pos, end))
            cuts.append(end)
            pos = end

        def readable(i: int, j: int) -> bool:
            """i..j joins two or more of Sudachi's pieces, all of them nouns or affixes."""
            inside = [(a, b) for a, b in nouns if i <= a and b <= j]
            return len(inside) >= 2 and sum(b - a for a, b in inside) == j - i
        # best[i]: (characters read as words, -pieces, pieces) up to cut i
        best: dict[int, tuple[int, int, list[tuple[int, int, str]]]] = {0: (0, 0, [])}
        for a, i in enumerate(cuts):
            if i not in best:
                continue
            got, neg, pieces = best[i]
            for j in cuts[a + 1:a + 6]:
                cand = (got, neg, pieces)                       # skip to j: nothing read
                word = self.readings.kanji_for(katakana[i:j]) if readable(i, j) else None
                if word and word not in QUESTION_WORDS:
                    cand = (got + j - i, neg - 1, pieces + [(i, j, word)])
                if j not in best or cand[:2] > best[j][:2]:
                    best[j] = cand
        out = []
        for i, j, word in best.get(len(kana), (0, 0, []))[2]:
            inside = [w for w in words if offset + i <= w.start and w.end <= offset + j]
            q = self.text_query(word)
            if q is not None:
                out.append((Concept(kana[i:j], q, [word]), inside))
        return out

    def as_kanji(self, text: str, dictionary: SearchDictionary) -> str:
        """Words typed wholly in hiragana that read as one indexed word (しょくむしつもん → 職務質問)
        written in kanji, so that the dictionary meets them as it meets the kanji (職質); a
        dictionary key in kana (けいさつてちょう) stays, and katakana is left as typed (ガサ is
        jargon, not 傘)."""
        if not (self.r.readings and self.readings):
            return text

        def kanji(m: re.Match) -> str:
            word = m.group()
            if not _HIRAGANA.fullmatch(word) or word in dictionary.expansions:
                return word
            return self.readings.kanji_for(to_katakana(word)) or word if self.readings else word
        return _KANA_WORD.sub(kanji, text)

    def plan(self, text: str, dictionary: SearchDictionary) -> QueryPlan:
        text = self.as_kanji(unicodedata.normalize("NFKC", text), dictionary)
        plan = QueryPlan(text=text)
        words = analyze_words(text, self.r.subunit_weight)
        stop = QUESTION_WORDS if self.r.question_words else set()
        used: set[int] = set()
        matches = dictionary_matches(text, dictionary, words) if self.r.synonyms else []
        if not self.r.everyday:
            matches = [m for m in matches if m[2] not in dictionary.everyday]
        for start, end, key in matches:
            inside = [w for w in words if w.start >= start and w.end <= end]
            alts = [q for q in [self.words_query(inside)] if q is not None]
            alts += [q for q in (self.text_query(e, self.r.synonym_weight)
                                 for e in dictionary.equivalents(key)) if q is not None]
            if self.r.readings and _KANA_WORD.fullmatch(key):
                # the dictionary already gives the kanji (けいさつてちょう: [警察手帳]): readings only
                alts += [q for q in [self.reading_query(key, as_kanji=False)] if q is not None]
            if not alts:
                continue
            used.update(w.pos for w in inside)
            plan.concepts.append(Concept(text[start:end], alts[0] if len(alts) == 1 else self.either(alts),
                                         [key] + [w.term for w in inside], dictionary.equivalents(key)))
        if self.r.readings:
            for m in _KANA_WORD.finditer(text):
                if any(s <= m.start() < e for s, e, _ in matches):
                    continue
                if self.r.kana_sentences and len(m.group()) >= KANA_SENTENCE and self.readings \
                        and not self.readings.kanji_for(to_katakana(m.group())):
                    for concept, inside in self.kana_sentence(m.group(), m.start(), words):
                        plan.concepts.append(concept)
                        used.update(w.pos for w in inside)
                    continue              # the rest as Sudachi reads it (たいほ → 逮捕), word by word
                rq = self.reading_query(m.group())
                inside = [w for w in words if w.start >= m.start() and w.end <= m.end()]
                wq = self.words_query([w for w in inside if w.term not in stop])
                if rq is None:
                    continue
                used.update(w.pos for w in inside)
                plan.concepts.append(Concept(m.group(), self.either([q for q in (wq, rq) if q is not None]),
                                             [m.group()]))
        for w in words:
            if w.pos in used or w.term in stop:
                continue
            plan.concepts.append(Concept(text[w.start:w.end], self.words_query([w]),
                                         [t for t, _ in w.alternatives]))
        if not plan.concepts:
            # only question words: search them anyway rather than finding nothing
            plan.concepts = [Concept(text[w.start:w.end], self.words_query([w]),
                                     [t for t, _ in w.alternatives]) for w in words]
        if plan.concepts:
            qs = [c.query for c in plan.concepts]
            plan.query = qs[0] if len(qs) == 1 else Q.Or(qs, scale=self.r.coord_scale)
            if self.r.and_first and len(qs) > 1:
                plan.query, plan.fallback, plan.min_strict = Q.And(qs), plan.query, self.r.and_first
        return plan


_key_terms_cache: dict[tuple, dict[tuple[str, ...], str]] = {}


def key_sequences(dictionary: SearchDictionary) -> dict[tuple[str, ...], str]:
    """Dictionary keys as sequences of analyzed terms, so 訪ねて meets the key 訪ねる."""
    cached = _key_terms_cache.get(id(dictionary))
    if cached is not None and cached[0] is dictionary:
        return cached[1]
    seqs = {}
    for key in dictionary.expansions:
        terms = tuple(w.term for w in analyze_words(key, 0))
        if _KATAKANA.fullmatch(key) and terms != (key,):
            continue                      # matched by its surface only (below)
        if terms and (len(terms) > 1 or not _ASCII.match(key)):
            seqs.setdefault(terms, key)
    _key_terms_cache[id(dictionary)] = (dictionary, seqs)
    return seqs


def dictionary_matches(text: str, dictionary: SearchDictionary,
                       words: list | None = None) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, key) of dictionary terms in the query, longest first: by
    surface (PC, 職質) or by analyzed terms (訪ねて回る → 訪ねる)."""
    low = text.lower()
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(low)
    if words:
        seqs = key_sequences(dictionary)
        longest = max((len(k) for k in seqs), default=0)
        i = 0
        while i < len(words):
            for n in range(min(longest, len(words) - i), 0, -1):
                key = seqs.get(tuple(w.term for w in words[i:i + n]))
                if key:
                    start, end = words[i].start, words[i + n - 1].end
                    found.append((start, end, key))
                    for k in range(start, end):
                        taken[k] = True
                    i += n - 1
                    break
            i += 1
    for key in sorted(dictionary.expansions, key=len, reverse=True):
        start = low.find(key)
        while start != -1:
            end = start + len(key)
            ascii_edge = _ASCII.match(key) and (
                (start > 0 and _ASCII.match(low[start - 1])) or (end < len(low) and _ASCII.match(low[end])))
            kana_edge = _KATAKANA.match(key[0]) and start > 0 and _KATAKANA.match(low[start - 1]) \
                or _KATAKANA.match(key[-1]) and end < len(low) and _KATAKANA.match(low[end])
            if not ascii_edge and not kana_edge and not any(taken[start:end]):
                found.append((start, end, key))
                for i in range(start, end):
                    taken[i] = True
            start = low.find(key, end)
    return sorted(found)


def segment_reading(kana: str, vocab: frozenset[str], longest: int = 16) -> list[str] | None:
    """Split a katakana string into the fewest readings known to the index (None if it cannot)."""
    n = len(kana)
    if not n or not vocab:
        return None
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(min(n, i + longest), i, -1):
            piece = kana[i:j]
            if piece in vocab and (best[j] is None or len(best[i]) + 1 < len(best[j])):
                best[j] = best[i] + [piece]
    return best[n]


def plan_query(text: str, dictionary: SearchDictionary, ranking: Ranking = FULL,
               reading_vocab: frozenset[str] = frozenset(), readings: ReadingIndex | None = None) -> QueryPlan:
    return QueryBuilder(ranking, reading_vocab, readings).plan(text, dictionary)
