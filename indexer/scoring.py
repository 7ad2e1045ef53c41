"""BM25F multiplied by each section's prior weight (kind, validity, 附則), read from a column."""
from __future__ import annotations

from whoosh import scoring


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
