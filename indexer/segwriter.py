"""A Whoosh segment writer for full builds: the stock SegmentWriter, minus two per-posting costs.

- The posting pool checks its memory limit by counting postings instead of asserting types and
  summing sizes on every posting.
- When the segment is flushed, Whoosh looks up each posting's field length through a column
  reader (a bounds check, lookup and decode per posting: a quarter of the build under the
  profiler); here the length columns are decoded once into lists.

Everything written is byte for byte what the stock writer writes (tests/test_build_writer.py).
"""
from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]
# what a pooled posting costs in memory (a 5-tuple, its term and value bytes, a float), roughly
POSTING_BYTES = 200


class _CountingPool(PostingPool):
    """PostingPool that spills a sorted run to disk every `limitmb` worth of postings, by count."""

    def __init__(self, tempstore, segment, limitmb=128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._room = self.limit // POSTING_BYTES

    def add(self, item):
        current = self.current
        current.append(item)
        if len(current) >= self._room:
            self.save()


class _SegmentLengths:
    """doc_field_length() of a just-written segment, from lists decoded once per field."""

    def __init__(self, perdoc_reader, doccount: int):
        self._reader = perdoc_reader
        self._doccount = doccount
        self._fields: dict[str, list[int]] = {}

    def _load(self, fieldname: str) -> list[int]:
        lenfield = _lenfield(fieldname)
        if not self._reader.has_column(lenfield):
            lengths = [0] * self._doccount
        else:
            col = self._reader.column_reader(lenfield, LENGTHS_COLUMN)
            lengths = [_LENGTH_OF_BYTE[b] for b in col]
        self._fields[fieldname] = lengths
        return lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._fields.get(fieldname)
        if lengths is None:
            lengths = self._load(fieldname)
        return lengths[docnum]


class BuildWriter(SegmentWriter):
    """SegmentWriter with a counting pool, whose flush reads field lengths from decoded lists."""

    def __init__(self, ix, limitmb=128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _CountingPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _SegmentLengths(pdr, pdr.doc_count_all()) if pdr else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr:
            pdr.close()
