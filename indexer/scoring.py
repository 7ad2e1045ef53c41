"""BM25F multiplied by each section's prior weight (kind, validity, 附則), read from a column."""
from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from heapq import nlargest

import numpy as np
from whoosh import query as Q
from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length


class WeightedBM25F(scoring.BM25F):
    """BM25F whose every term score is multiplied by the section's `weight` column (percent)."""

    def scorer(self, searcher, fieldname, text, qf=1):
        inner = super().scorer(searcher, fieldname, text, qf)
        reader = searcher.reader()
        if not reader.has_column("weight"):
            return inner
        return _PriorScorer(inner, _weights(reader))


def _weights(reader) -> list:
    """The weight column of a segment as a plain list, read once per reader (a column reader
    decodes on every access, and scoring asks once per matching posting)."""
    cached = getattr(reader, "_kb_weights", None)
    if cached is None:
        cached = list(reader.column_reader("weight"))
        reader._kb_weights = cached
    return cached


class _PriorScorer(scoring.BaseScorer):
    def __init__(self, inner, weights):
        self.inner = inner
        self.weights = weights

    # Weights never exceed 100 %, so the inner scorer's upper bounds stay valid upper bounds and
    # Whoosh's block-quality skipping keeps working.
    def supports_block_quality(self):
        return self.inner.supports_block_quality()

    def max_quality(self):
        return self.inner.max_quality()

    def block_quality(self, matcher):
        return self.inner.block_quality(matcher)

    def score(self, matcher):
        return self.inner.score(matcher) * (self.weights[matcher.id()] or 100) / 100.0


# -- term-at-a-time evaluation ------------------------------------------------------------------
# Whoosh scores one posting at a time through a tree of matcher objects (~20 µs a posting in pure
# Python), and counts hits with a second walk. For the queries we build (terms under Or and And)
# the same BM25F scores can be summed term by term from posting lists kept as flat arrays: a
# posting then costs one multiply-add in a loop, the hit count is the size of the accumulator and
# facet counts are set intersections. Scores, order (score, then document number) and counts are
# Whoosh's own for sums (tests/test_search_fast_path.py compares them); a DisjunctionMax (text or
# 「asked as」, the better of the two) is evaluated here as Whoosh documents it, per document, which
# Whoosh's own matcher does not do (the same test checks it against single-term scores); any other
# query type falls back.


POSTINGS_BUDGET = 6_000_000   # postings kept decoded across all terms (≈12 bytes each)


class Unsupported(Exception):
    """The query holds a node the term-at-a-time path does not evaluate (Whoosh answers)."""


class LRU:
    """A bounded, thread-safe map whose entries have a size (postings)."""

    def __init__(self, budget: int):
        self.budget, self.used = budget, 0
        self._d: OrderedDict = OrderedDict()     # key → (value, size)
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            v = self._d.get(key)
            if v is None:
                return None
            self._d.move_to_end(key)
            return v[0]

    def put(self, key, value, size: int):
        with self._lock:
            if key in self._d:
                return
            self._d[key] = (value, size)
            self.used += size
            while self.used > self.budget and len(self._d) > 1:
                _, (_, old_size) = self._d.popitem(last=False)
                self.used -= old_size

    def clear(self):
        with self._lock:
            self._d.clear()
            self.used = 0


_postings = LRU(POSTINGS_BUDGET)
_columns = LRU(4_000_000)        # per-segment lists (lengths → norms, priors), sized by documents


def clear_caches() -> None:
    """Forget every decoded posting list and column (benchmarks measure the cold path with it)."""
    _postings.clear()
    _columns.clear()


def leaf_key(reader) -> tuple:
    """Identity of a segment's content: deletions only accumulate within a segment."""
    seg = reader.segment()
    if seg is None:                  # an empty index: nothing to cache, nothing to confuse
        return ("empty", id(reader))
    return (seg.segment_id(), reader.doc_count_all(), len(reader.deleted_docs_set))


def _norms(reader, fieldname: str, B: float, K1: float, avgfl: float, lkey: tuple | None = None) -> list:
    """K1 × ((1 − B) + B × length / avgfl) for every document of the segment (BM25's denominator);
    lkey: the segment's leaf_key when the caller has it."""
    key = ("norms", lkey or leaf_key(reader), fieldname, B, K1, avgfl)
    out = _columns.get(key)
    if out is None:
        n = reader.doc_count_all()
        # the lengths column of the segment (one byte a document), as doc_field_length reads it
        perdoc = reader._perdoc
        col = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        table = [K1 * ((1 - B) + B * (byte_to_length(b) if b else 1) / avgfl) for b in range(256)]
        out = [table[0]] * n if col is None else [table[b] for b in col]
        _columns.put(key, out, n)
    return out


def _priors(reader):
    """The weight column as factors, an array (None when the index has none)."""
    if not reader.has_column("weight"):
        return None
    key = ("priors", leaf_key(reader))
    out = _columns.get(key)
    if out is None:
        out = np.array([(w or 100) / 100.0 for w in _weights(reader)], dtype=np.float64)
        _columns.put(key, out, len(out))
    return out


def _read_postings(reader, fieldname: str, btext: bytes) -> tuple[array, array]:
    """(ids, weights) of a term in one segment, deleted documents left out, block by block."""
    m = reader.postings(fieldname, btext)
    deleted = None
    if isinstance(m, FilterMatcher):
        deleted, m = reader.deleted_docs_set, m.child
    ids, ws = array("i"), array("d")
    while m.is_active():
        m._read_ids()
        m._read_weights()
        ids.fromlist(list(m._ids))
        ws.fromlist(list(m._weights))
        m._next_block()
    if deleted:
        keep = [i for i, d in enumerate(ids) if d not in deleted]
        ids, ws = array("i", (ids[i] for i in keep)), array("d", (ws[i] for i in keep))
    return ids, ws


_ABSENT = (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float64))


def _postings_of(reader, fieldname: str, btext: bytes, norms_key=None, norms=None, lkey: tuple | None = None):
    """(ids, values) arrays of a term in one segment, cached (a term the segment lacks too):
    values are the weights, or with norms the BM25 part that depends on the document,
    tf / (tf + norm) (the rest is the term's idf)."""
    key = ("post", lkey or leaf_key(reader), fieldname, btext, norms_key)
    out = _postings.get(key)
    if out is None:
        if (fieldname, btext) not in reader:
            out = _ABSENT
        else:
            ids, ws = _read_postings(reader, fieldname, btext)
            if norms is not None:
                ws = array("d", [tf / (tf + norms[d]) for d, tf in zip(ids, ws, strict=False)])
            out = (np.frombuffer(ids, dtype=np.int32).astype(np.intp), np.frombuffer(ws, dtype=np.float64))
        _postings.put(key, out, max(1, len(out[0])))
    return out


class _Acc:
    """Scores of one segment's documents, summed term by term: a dense array and which
    documents any term matched (a match may score 0.0)."""
    __slots__ = ("scores", "hit")

    def __init__(self, n: int):
        self.scores = np.zeros(n, dtype=np.float64)
        self.hit = np.zeros(n, dtype=bool)

    def add(self, ids, values) -> None:
        # ids of one posting list are distinct, so this is acc[d] = acc[d] + v for each, in order
        self.scores[ids] += values
        self.hit[ids] = True

    def __len__(self) -> int:
        return int(np.count_nonzero(self.hit))


class _Leaf:
    """One segment as the evaluator sees it: its reader, document offset and the top searcher."""

    def __init__(self, top, sub, offset, weighting, avgfl: dict):
        self.top, self.reader, self.offset, self.w = top, sub.reader(), offset, weighting
        self.schema = self.reader.schema
        self.n = self.reader.doc_count_all()
        self.key = leaf_key(self.reader)
        self.avgfl = avgfl            # fieldname → the top searcher's average length, per search

    def term(self, q: Q.Term, factor: float, acc: _Acc) -> None:
        """Add factor × the term's BM25F score to every document the term is in."""
        fieldname = q.fieldname
        if fieldname not in self.schema:
            return
        field = self.schema[fieldname]
        try:
            btext = field.to_bytes(q.text)
        except ValueError:
            return
        f = factor * q.boost
        if not field.scorable or not isinstance(self.w, scoring.BM25F):
            ids, ws = _postings_of(self.reader, fieldname, btext, lkey=self.key)
            if len(ids):
                acc.add(ids, f * ws)
            return
        B = self.w._field_B.get(fieldname, self.w.B)
        K1 = self.w.K1
        avgfl = self.avgfl.get(fieldname)
        if avgfl is None:
            avgfl = self.avgfl[fieldname] = self.top.avg_field_length(fieldname) or 1
        norms = _norms(self.reader, fieldname, B, K1, avgfl, self.key)
        ids, parts = _postings_of(self.reader, fieldname, btext, (B, K1, avgfl), norms, self.key)
        if not len(ids):
            return
        f *= self.top.idf(fieldname, btext) * (K1 + 1)
        acc.add(ids, f * parts)

    def evaluate(self, q, factor: float = 1.0, acc: _Acc | None = None) -> _Acc:
        """Scores of the documents q matches in this segment (local numbers), added into acc."""
        acc = _Acc(self.n) if acc is None else acc
        cls = type(q)
        if cls is Q.Term:
            self.term(q, factor, acc)
        elif cls is Q.Or and not q.scale and not q.minmatch:
            for sub in q.subqueries:
                self.evaluate(sub, factor * q.boost, acc)
        elif cls is Q.And:
            parts = [self.evaluate(sub, factor * q.boost) for sub in q.subqueries]
            if not parts:
                return acc
            parts.sort(key=len)        # stable, as the sum below adds in this order
            common = parts[0].hit.copy()
            total = parts[0].scores.copy()
            for p in parts[1:]:
                common &= p.hit
                total += p.scores
            ids = np.flatnonzero(common)
            acc.add(ids, total[ids])
        elif cls is Q.DisjunctionMax:
            # the best alternative counts, plus tiebreak × the others (Whoosh's own DisMax matcher
            # takes the max of its two sides even when they stand on different documents)
            parts = [self.evaluate(sub, factor * q.boost) for sub in q.subqueries]
            if not parts:
                return acc
            hit = np.logical_or.reduce([p.hit for p in parts])
            stacked = np.vstack([p.scores for p in parts])
            best = stacked.max(axis=0)
            if q.tiebreak:
                best = best + q.tiebreak * (stacked.sum(axis=0) - best)
            ids = np.flatnonzero(hit)
            acc.add(ids, best[ids])
        elif q is Q.NullQuery or cls is type(Q.NullQuery):
            pass
        else:
            raise Unsupported(cls.__name__)
        return acc


def supported(q) -> bool:
    cls = type(q)
    if cls is Q.Term or q is Q.NullQuery:
        return True
    if cls is Q.Or:
        return not q.scale and not q.minmatch and all(supported(s) for s in q.subqueries)
    if cls in (Q.And, Q.DisjunctionMax):
        return all(supported(s) for s in q.subqueries)
    return False


class Scores(dict):
    """{docnum: score} of every match (global numbers), with the same as two arrays for ranking."""

    def __init__(self, docs, values):
        super().__init__(zip(docs.tolist(), values.tolist(), strict=False))
        self.docs, self.values = docs, values


def match_scores(searcher, q) -> Scores:
    """Every document q matches (global numbers) with its final score, prior included."""
    weighting = searcher.weighting
    all_docs, all_values = [], []
    avgfl: dict = {}
    for sub, offset in searcher.leaf_searchers():
        leaf = _Leaf(searcher, sub, offset, weighting, avgfl)
        local = leaf.evaluate(q)
        ids = np.flatnonzero(local.hit)
        values = local.scores[ids]
        priors = _priors(leaf.reader) if isinstance(weighting, WeightedBM25F) else None
        if priors is not None:
            values = values * priors[ids]
        all_docs.append(ids + offset if offset else ids)
        all_values.append(values)
    if len(all_docs) == 1:
        return Scores(all_docs[0], all_values[0])
    return Scores(np.concatenate(all_docs) if all_docs else np.zeros(0, dtype=np.intp),
                  np.concatenate(all_values) if all_values else np.zeros(0))


_allowed_arrays: OrderedDict = OrderedDict()    # id(allowed set) → (the set, its sorted array)
_allowed_lock = threading.Lock()


def _allowed_array(allowed: frozenset) -> np.ndarray:
    """A filter's document numbers as a sorted array (the same few filter sets come every time;
    the set is held with its array, so its id names it)."""
    with _allowed_lock:
        hit = _allowed_arrays.get(id(allowed))
        if hit is None or hit[0] is not allowed:
            hit = (allowed, np.array(sorted(allowed), dtype=np.intp))
            _allowed_arrays[id(allowed)] = hit
            while len(_allowed_arrays) > 16:
                _allowed_arrays.popitem(last=False)
        return hit[1]


def top_docs(scores: dict[int, float], n: int, allowed=None) -> list[tuple[int, float]]:
    """The n best (docnum, score), higher score first and the lower document number on ties
    (Whoosh's order); allowed: a set of document numbers to keep (None = all)."""
    if isinstance(scores, Scores):
        docs, values = scores.docs, scores.values
        if allowed is not None:
            keep = np.isin(docs, _allowed_array(allowed)) if isinstance(allowed, frozenset) \
                else np.fromiter((d in allowed for d in docs.tolist()), dtype=bool, count=len(docs))
            docs, values = docs[keep], values[keep]
        order = np.lexsort((docs, -values))[:n]
        return list(zip(docs[order].tolist(), values[order].tolist(), strict=False))
    items = scores.items()
    if allowed is not None:
        items = ((d, s) for d, s in items if d in allowed)
    best = nlargest(n, items, key=lambda it: (it[1], -it[0]))
    return best


class ScoredDoc:
    """A hit of the term-at-a-time path, read like a Whoosh Hit (h["key"], h.fields(), h.score)."""
    __slots__ = ("searcher", "docnum", "score", "_fields")

    def __init__(self, searcher, docnum: int, score: float):
        self.searcher, self.docnum, self.score, self._fields = searcher, docnum, score, None

    def fields(self) -> dict:
        if self._fields is None:
            self._fields = self.searcher.stored_fields(self.docnum)
        return self._fields

    def __getitem__(self, name):
        return self.fields()[name]

    def get(self, name, default=None):
        return self.fields().get(name, default)
