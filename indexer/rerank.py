"""Second stage over the best BM25 hits: how much of the query each section covers.

BM25 sums the concepts a section matches, so one rare word repeated in a section (手 in 手信号)
can outrank a section that matches most of what was asked. Over the top hits the score is mixed
with the section's *coverage*: the share of the query's concepts, weighted by idf, that the section
matches. A concept the section does not match may still count through a near word
(indexer.vectors): the section's own word closest in meaning, at that similarity. Only sections
the query already matches are re-ordered, so a query with no hit still finds nothing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from indexer import vectors
from indexer.query import QueryPlan, Ranking
from indexer.scoring import LRU, ScoredDoc, match_scores, supported, top_docs

_rows = LRU(8_000_000)           # per segment: the vector rows of each section's words


@dataclass(frozen=True)
class _SectionWords:
    """The vector rows of every section of one segment, as one flat array (CSR)."""
    start: np.ndarray              # rows of section d: rows[start[d]:start[d + 1]]
    rows: np.ndarray


def section_words(reader) -> _SectionWords:
    """Rows of the words each section of a segment uses, read from the body postings once per
    segment (a segment's postings never change; deleted sections are never candidates)."""
    seg = reader.segment()
    key = ("rows", seg.segment_id() if seg is not None else id(reader))
    cached = _rows.get(key)
    if cached is not None:
        return cached
    per_doc: list[list[int]] = [[] for _ in range(reader.doc_count_all())]
    if "body" in reader.schema:
        for btext in reader.lexicon("body"):
            r = vectors.row_of(btext.decode("utf-8"))
            if r is None:
                continue
            for d in reader.postings("body", btext).all_ids():
                per_doc[d].append(r)
    start = np.zeros(len(per_doc) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in per_doc], out=start[1:])
    flat = np.fromiter((r for x in per_doc for r in x), dtype=np.int64, count=int(start[-1]))
    out = _SectionWords(start, flat)
    _rows.put(key, out, len(flat) + len(start))
    return out


def _candidate_rows(searcher, docnums: list[int]) -> list[np.ndarray]:
    """The word rows of each candidate section (global document numbers)."""
    leaves = searcher.leaf_searchers()
    out = []
    for d in docnums:
        for i in range(len(leaves) - 1, -1, -1):
            sub, offset = leaves[i]
            if d >= offset:
                words = section_words(sub.reader())
                local = d - offset
                out.append(words.rows[words.start[local]:words.start[local + 1]])
                break
        else:
            out.append(np.zeros(0, dtype=np.int64))
    return out


def near_credit(term: str, candidate_rows: list[np.ndarray], min_sim: float) -> np.ndarray:
    """For each candidate, the similarity of its word nearest in meaning to `term` (0 below
    min_sim). The row of `term` itself is left out: pruning merged other words into it (the table
    gives 職務質問 the row of 警察官), so sharing it is no evidence of meaning."""
    out = np.zeros(len(candidate_rows), dtype=np.float32)
    r = vectors.row_of(term)
    if r is None:
        return out
    _, table = vectors.word_table()
    lengths = [len(x) for x in candidate_rows]
    if not sum(lengths):
        return out
    flat = np.concatenate(candidate_rows)
    # einsum, not BLAS: a small matrix-vector product in OpenBLAS here costs milliseconds
    sims = np.einsum("ij,j->i", table[flat], table[r])
    sims[flat == r] = 0.0
    pos = 0
    for i, n in enumerate(lengths):
        if n:
            best = float(sims[pos:pos + n].max())
            out[i] = best if best >= min_sim else 0.0
        pos += n
    return out


def ranked_by_coverage(searcher, plan: QueryPlan, allowed, wanted: int, ranking: Ranking):
    """(hits, total, scores) like indexer.search.ranked for the plan's query, with the best
    `ranking.coverage_depth` hits re-ordered by (1 − w) × score / best score + w × coverage;
    None when the plan is not a plain sum of concepts (the caller ranks it as usual)."""
    concepts = plan.concepts
    if plan.fallback is not None or not concepts or not all(supported(c.query) for c in concepts):
        return None
    if plan.query is None:
        return None
    if len(concepts) > 1 and (getattr(plan.query, "scale", None) or plan.query.boost != 1.0):
        return None
    # the query's score is the sum of its concepts' scores: evaluate them one by one, keeping
    # which sections each matched
    per_concept = [match_scores(searcher, c.query) for c in concepts]
    scores: dict[int, float] = {}
    for part in per_concept:
        get = scores.get
        for d, s in part.items():
            scores[d] = get(d, 0.0) + s
    depth = max(wanted, ranking.coverage_depth)
    best = top_docs(scores, depth, allowed)
    total = len(scores) if allowed is None else len(scores.keys() & allowed)
    if len(best) > 1 and len(concepts) > 1:
        best = _reorder(searcher, best, concepts, per_concept, ranking)
    return [ScoredDoc(searcher, d, s) for d, s in best[:wanted]], total, scores


def _reorder(searcher, best, concepts, per_concept, ranking: Ranking):
    n = searcher.doc_count_all()
    docnums = [d for d, _ in best]
    dfs = [searcher.doc_frequency("body", c.terms[0]) if c.terms else 0 for c in concepts]
    weights = np.array([math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in dfs])
    matched = np.array([[d in part for d in docnums] for part in per_concept], dtype=np.float32)
    if ranking.near_words:
        rows = _candidate_rows(searcher, docnums)
        for i, c in enumerate(concepts):
            cap = ranking.near_max_sections
            if c.terms and not matched[i].all() and (cap is None or dfs[i] <= cap):
                near = near_credit(c.terms[0], rows, ranking.near_min_sim) * ranking.near_weight
                matched[i] = np.maximum(matched[i], near)
    coverage = weights @ matched / (weights.sum() or 1.0)
    top = best[0][1] or 1.0
    w = ranking.coverage_weight
    mixed = [((1 - w) * s / top + w * float(cov)) * top for (_, s), cov in zip(best, coverage, strict=False)]
    order = sorted(range(len(best)), key=lambda i: (-mixed[i], docnums[i]))
    return [(docnums[i], mixed[i]) for i in order]
