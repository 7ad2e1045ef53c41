"""Where a full build's time goes: phase timings over the same records, then a cProfile of one
single-process build.

    .venv/bin/python bench/build_profile.py [--corpus corpus] [--top 20]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _timed(label: str, fn) -> float:
    t0 = time.perf_counter()
    fn()
    took = time.perf_counter() - t0
    print(f"  {label:<58} {took:6.2f} s")
    return took


def phases(paths: list[Path]) -> None:
    """Each layer of the build over the same records, warm (dictionary loaded, word cache filled)."""
    from indexer import analysis
    from indexer.build import index_paths
    from indexer.records import section_records
    from indexer.schema import section_schema
    from indexer.segwriter import fast_index
    from kb import sudachi
    from kb.document import read_document

    records = [r for p in paths for r in section_records(read_document(p))]
    texts = [t for r in records for t in (r["body"], r["heading"])]
    fields = {name: fast_index(section_schema()[name]) for name in ("body", "heading", "reading")}

    def tokenize():
        for text in texts:
            for _, chunk in sudachi.chunks(text):
                sudachi.tokenize(chunk, sudachi.MODE_C)

    def analyse():
        analysis._local.memo = {}
        for text in texts:
            analysis._analyse(text)

    def positions():
        analysis._local.memo = {}
        for r in records:
            for name, index in fields.items():
                for _ in index(r[name]):
                    pass

    analyse()       # fill the word cache, as the first documents of a build do
    print(f"{len(records):,} sections, {sum(r['length'] for r in records):,} characters")
    tok = _timed("Sudachi mode C over body and heading", tokenize)
    ana = _timed("+ the word-cache loop (indexer.analysis._analyse)", analyse)
    pos = _timed("+ term positions and values, three text fields", positions)
    with tempfile.TemporaryDirectory() as tmp:
        analysis._local.memo = {}
        total = _timed("whole single-process build (indexer.build.index_paths)",
                       lambda: index_paths(paths, Path(tmp)))
    print(f"  {'Sudachi':<12}{tok:5.2f} s  {tok / total:4.0%}\n"
          f"  {'our analysis':<12}{pos - tok:5.2f} s  {(pos - tok) / total:4.0%}   (word cache {ana - tok:.2f} s)\n"
          f"  {'writing':<12}{total - pos:5.2f} s  {(total - pos) / total:4.0%}   (reading the files, holding postings, "
          "Whoosh's stored fields, posting blocks, term table)")


def profile(paths: list[Path], top: int) -> None:
    from indexer.build import index_paths
    with tempfile.TemporaryDirectory() as tmp:
        prof = cProfile.Profile()
        prof.runcall(index_paths, paths, Path(tmp))
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    print("\ncProfile of the same build, by own time:")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


def main() -> None:
    from bench.engine import machine
    from kb.store import document_paths
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=REPO / "corpus")
    ap.add_argument("--top", type=int, default=20, help="functions listed from the profile")
    a = ap.parse_args()
    print(machine())
    paths = document_paths(a.corpus)
    phases(paths)
    profile(paths, a.top)


if __name__ == "__main__":
    main()
