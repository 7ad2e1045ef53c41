"""A Whoosh segment writer for full builds: the stock SegmentWriter's output, without its
per-token and per-posting Python work.

- Text fields over a Sudachi chain are indexed from `indexer.analysis.term_positions` (cached
  terms per word) instead of a Whoosh Token per term.
- Postings are kept grouped by term as documents arrive (document numbers only grow), instead of
  one tuple per posting sorted at the end; past `limitmb` the groups are spilled to disk as sorted
  runs and merged back by term.
- Each term's postings go into the posting blocks a block at a time, with field lengths from
  lists decoded once per field, instead of one `add_posting` call and length lookup per posting.

Everything written is byte for byte what the stock writer writes (tests/test_build_writer.py).
"""
from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3TermInfo, _lenfield
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

from indexer.analysis import term_positions

_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]
# what a held posting costs in memory (list slots, its value bytes, a float), roughly
POSTING_BYTES = 160


def fast_index(field):
    """A function text -> field.index(text) (the same tuples) for a Positions or Frequency field
    over a Sudachi chain, or None for any other field."""
    positions = term_positions(field.analyzer) if getattr(field, "analyzer", None) else None
    fmt = field.format
    if positions is None or type(fmt) not in (Positions, Frequency):
        return None
    fb = float(fmt.field_boost)
    if type(fmt) is Positions:
        value = fmt.encode
    else:
        def value(poslist):
            return pack_uint(len(poslist))

    def index(text: str):
        for term, poslist in positions(text).items():
            n = len(poslist)
            yield term.encode("utf-8"), n, n * fb, value(poslist)

    return index


class TermPool(PostingPool):
    """Postings grouped by (field, term): three lists each (document numbers, weights, values).
    Spilled runs hold the groups in term order; `groups()` merges them back."""

    def __init__(self, tempstore, segment, limitmb=128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.terms: dict[str, dict[bytes, tuple[list, list, list]]] = {}    # field -> term -> lists
        self.count = 0
        self._room = max(1, self.limit // POSTING_BYTES)
        self._lastdoc = -1
        self._ordered = True     # False once a posting arrives for an earlier document

    def add_field(self, fieldname: str, docnum: int, items) -> int:
        """Hold one document's postings of one field; returns the sum of their frequencies."""
        terms = self.terms.get(fieldname)
        if terms is None:
            terms = self.terms[fieldname] = {}
        length = added = 0
        for tbytes, freq, weight, vbytes in items:
            length += freq
            added += 1
            group = terms.get(tbytes)
            if group is None:
                terms[tbytes] = group = ([], [], [])
            group[0].append(docnum)
            group[1].append(weight)
            group[2].append(vbytes)
        self.fieldnames.add(fieldname)
        if docnum < self._lastdoc:
            self._ordered = False
        self._lastdoc = docnum
        self.count += added
        if self.count >= self._room:
            self.save()
        return length

    def add(self, item):
        """Whoosh's pool interface: one (fieldname, tbytes, docnum, weight, vbytes) posting."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_field(fieldname, docnum, [(tbytes, 1, weight, vbytes if vbytes is not None else b"")])

    def save(self):
        """Spill the held groups as one sorted run."""
        if self.terms:
            self.current = list(self._held())
            self.terms = {}
            super().save()
        self.count = 0

    def groups(self):
        """(fieldname, tbytes, docnums, weights, values) per term, in term order."""
        if not self.runs:
            merged = self._held()
        else:
            merged = self._combined(self.items())    # spills the rest, merges the runs
        for group in merged:
            if not self._ordered:
                rows = sorted(zip(group[2], group[3], group[4], strict=False))
                group = (group[0], group[1], *map(list, zip(*rows, strict=False)))
            yield group

    def _held(self):
        for f in sorted(self.terms):
            terms = self.terms[f]
            for t in sorted(terms):
                g = terms[t]
                yield f, t, g[0], g[1], g[2]

    @staticmethod
    def _combined(runs):
        """Join the pieces of a term that landed in different runs (in document order)."""
        pending = None
        for f, t, ids, weights, values in runs:
            if pending is not None and pending[0] == f and pending[1] == t:
                pending[2].extend(ids)
                pending[3].extend(weights)
                pending[4].extend(values)
                continue
            if pending is not None:
                yield pending
            pending = (f, t, list(ids), list(weights), list(values))
        if pending is not None:
            yield pending

    def iter_postings(self):
        for f, t, ids, weights, values in self.groups():
            for posting in zip(ids, weights, values, strict=False):
                yield (f, t, *posting)


class _SegmentLengths:
    """Field lengths of a just-written segment, decoded once per field into lists."""

    def __init__(self, perdoc_reader, doccount: int):
        self._reader = perdoc_reader
        self._doccount = doccount
        self._fields: dict[str, list[int]] = {}

    def of_field(self, fieldname: str) -> list[int]:
        lengths = self._fields.get(fieldname)
        if lengths is None:
            lenfield = _lenfield(fieldname)
            if self._reader is None or not self._reader.has_column(lenfield):
                lengths = [0] * self._doccount
            else:
                col = self._reader.column_reader(lenfield, LENGTHS_COLUMN)
                lengths = [_LENGTH_OF_BYTE[b] for b in col]
            self._fields[fieldname] = lengths
        return lengths


def _add_term(postwriter, ids: list, weights: list, values: list, lengths: list[int]) -> None:
    """What W3PostingsWriter.add_posting does for each posting of a term, a block at a time."""
    limit = postwriter._blocklimit
    for start in range(0, len(ids), limit):
        if len(postwriter._ids) >= limit:
            postwriter._write_block()
        block_ids = ids[start:start + limit]
        block_weights = weights[start:start + limit]
        postwriter._ids.extend(block_ids)
        postwriter._weights.extend(block_weights)
        top = max(block_weights)
        if top > postwriter._maxweight:
            postwriter._maxweight = top
        block_values = values[start:start + limit]
        if all(block_values):
            postwriter._values.extend(block_values)
        else:
            postwriter._values.extend(v for v in block_values if v)
        block_lengths = [n for n in map(lengths.__getitem__, block_ids) if n]
        if block_lengths:
            low, high = min(block_lengths), max(block_lengths)
            if postwriter._minlength is None or low < postwriter._minlength:
                postwriter._minlength = low
            if high > postwriter._maxlength:
                postwriter._maxlength = high


class BuildWriter(SegmentWriter):
    """SegmentWriter for a fresh index: fast text analysis, grouped postings, block-wise writing."""

    def __init__(self, ix, limitmb=128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        schema = self.schema
        # vectors and spelling words take Whoosh's own path
        self._plain = not any(f.vector or f.separate_spelling() for _, f in schema.items())
        self._fast = {name: fast_index(f) for name, f in schema.items() if f.indexed}

    def add_document(self, **fields):
        if not self._plain or any(name.startswith("_") and name.endswith("_boost") for name in fields):
            return super().add_document(**fields)      # boosts: Whoosh's own path
        self._check_state()
        schema, docnum, perdoc, pool = self.schema, self.docnum, self.perdocwriter, self.pool
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    fast = self._fast[name]
                    if fast and isinstance(value, str):
                        items = fast(value)
                    else:   # weights as the stock writer leaves them: times a field boost of 1.0
                        items = ((t, freq, float(w), v if v is not None else b"")
                                 for t, freq, w, v in field.index(value))
                    length = pool.add_field(name, docnum, items)
                    if not field.scorable:
                        length = 0
                # what is stored may differ from what is indexed ("_stored_body")
                stored = fields.get(f"_stored_{name}", value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _SegmentLengths(pdr, pdr.doc_count_all() if pdr else self.docnum)
        fw = self.fieldwriter
        lastfn = None
        for fieldname, tbytes, ids, weights, values in self.pool.groups():
            if fieldname != lastfn:
                if lastfn is not None:
                    fw.finish_field()
                field = self.schema[fieldname]
                fw.start_field(fieldname, field)
                flens = lengths.of_field(fieldname)
                lastfn = fieldname
            fw._btext = tbytes                              # fw.start_term(tbytes)
            fw._postwriter.start_postings(field.format, W3TermInfo())
            _add_term(fw._postwriter, ids, weights, values, flens)
            fw.finish_term()
        if lastfn is not None:
            fw.finish_field()
        fw.close()
        if pdr:
            pdr.close()
