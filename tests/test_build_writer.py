"""The build's shortcuts change nothing: the cached analysis yields Sudachi's own tokens, and the
build writer writes the bytes Whoosh's stock writer writes, spilled pool runs included."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh.writing import SegmentWriter

from conftest import REPO_CORPUS
from indexer.analysis import JapaneseAnalyzer, ReadingAnalyzer
from indexer.records import section_records
from indexer.schema import section_schema
from indexer.segwriter import BuildWriter
from kb import sudachi
from kb.document import read_document
from kb.store import document_paths

# compounds with sub-units, numerals Sudachi does not know (read イチ or ヒト by context), stop
# words, full-width letters, a line end, and a word repeated
TEXTS = [
    "警察官職務執行法第二条第一項の規定により職務質問を行う。",
    "一人で二つの事件を一日に扱った。第一号及び第十二号の場合",
    "ＰＣのパトカーで現場に急行し、初動的な措置を講ずる。\n\n交通違反者への対応は交通違反者の取扱い",
    "㍿の表記とﾃｽﾄ。",
]


def _records(limit: int = 12) -> list[dict]:
    docs = [read_document(p) for p in document_paths(REPO_CORPUS)[:limit]]
    return [r for d in docs for r in section_records(d)]


@pytest.mark.parametrize("analyzer", [JapaneseAnalyzer, ReadingAnalyzer])
def test_cached_analysis_equals_sudachi(analyzer):
    """Index-time tokens (word cache, no offsets) are the tokens of the uncached offset path."""
    a = analyzer()
    texts = TEXTS + [r["body"] for r in _records(4)]
    for text in texts:
        for _ in range(2):      # the second pass is served from the word cache and the memo
            cached = [(t.text, t.pos) for t in a(text, positions=True)]
            direct = [(t.text, t.pos) for t in a(text, positions=True, chars=True)]
            assert cached == direct, text[:40]
    # the texts do reach both paths of the cache: dictionary words and unknown (OOV) ones
    morphemes = [m for text in TEXTS for m in sudachi.tokenize(text)]
    assert any(m.is_oov() for m in morphemes) and any(not m.is_oov() for m in morphemes)


def _segment_digests(d: Path) -> dict[str, str]:
    out = {}
    for name in sorted(os.listdir(d)):
        if name.endswith((".pst", ".trm", ".col", ".sto", ".fln", ".vec")):
            out[name.rsplit(".", 1)[-1]] = hashlib.sha256((d / name).read_bytes()).hexdigest()
    return out


def _write(writer_class, out: Path, records: list[dict], limitmb: float, first: list[dict] = ()) -> dict[str, str]:
    """Index `records` with writer_class into a new index (after `first`, written by the stock
    writer and merged in by an optimising commit); the digests of its segment files."""
    out.mkdir()
    ix = windex.create_in(str(out), section_schema())
    if first:
        w = SegmentWriter(ix, compound=False)
        for rec in first:
            w.add_document(**rec)
        w.commit()
    w = writer_class(ix, limitmb=limitmb, compound=False)
    if isinstance(w, BuildWriter):        # the schema's text fields do take the fast path
        assert all(w._fast[name] for name in ("body", "heading", "reading"))
    for rec in records:
        w.add_document(**rec)
    w.commit(optimize=bool(first))
    ix.close()
    return _segment_digests(out)


@pytest.mark.parametrize("limitmb", [256, 0.02])      # 0.02 MB: the pool spills ~100 sorted runs
def test_build_writer_writes_the_stock_bytes(tmp_path, limitmb):
    records = _records()
    stock = _write(SegmentWriter, tmp_path / "stock", records, limitmb)
    fast = _write(BuildWriter, tmp_path / "fast", records, limitmb)
    assert {"pst", "trm", "col"} <= set(stock)
    assert fast == stock
    ix = windex.open_dir(str(tmp_path / "fast"))
    with ix.searcher() as s:
        assert s.doc_count() == len(records)
        assert s.reader().has_column("weight")


def test_build_writer_merging_an_existing_segment_writes_the_stock_bytes(tmp_path):
    """Postings of an existing segment reach the pool one by one (Whoosh's add_reader), some of
    them for earlier documents than the ones held: still the stock bytes."""
    records = _records()
    first, rest = records[:20], records[20:]
    stock = _write(SegmentWriter, tmp_path / "stock", rest, 0.05, first)
    fast = _write(BuildWriter, tmp_path / "fast", rest, 0.05, first)
    assert {"pst", "trm", "col"} <= set(stock)
    assert fast == stock
