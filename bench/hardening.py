"""Figures behind issue 14's linear-time and cache fixes: heading-id de-duplication, the editor
preview and the importer on 1× and 10× input, and the reader vocabulary rebuilt after a change.

    .venv/bin/python bench/hardening.py [--n 800] [--rounds 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
REPO = Path(__file__).resolve().parent.parent


def median_seconds(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=800, help="headings / articles at 1×")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from kb.anchors import UniqueIds
    from kb.document import split_sections
    from kb.importer import parse_structure
    from webui.render import render_markdown

    print(f"machine: {os.cpu_count()} CPUs (nproc), python {sys.version.split()[0]}")

    def ids(n):                  # 100 ids per heading of the other rows: long enough to time
        u = UniqueIds()
        for _ in range(100 * n):
            u.take("h-same")

    def preview(n):
        body = "\n".join(f"## 同じ見出し\n\n本文{i}。\n" for i in range(n))
        render_markdown(body, split_sections(body, "t"))

    def importer(n):
        parse_structure("\n".join(f"第{i}条　この規程は、試験のために定める。" for i in range(1, n + 1)), "regulation")

    print(f"{'work':<28}{'1× s':>10}{'10× s':>10}{'ratio':>8}")
    for name, fn in (("unique heading ids ×100", ids), ("editor preview (same heading)", preview),
                     ("import (articles)", importer)):
        fn(args.n // 4)
        one = median_seconds(lambda fn=fn: fn(args.n), args.rounds)
        ten = median_seconds(lambda fn=fn: fn(10 * args.n), args.rounds)
        print(f"{name:<28}{one:>10.4f}{ten:>10.4f}{ten / one:>8.1f}")

    from indexer.build import rebuild
    from indexer.search import SearchEngine
    from indexer.suggest import open_vocabulary
    home = Path(tempfile.mkdtemp()) / "index"
    rebuild(REPO / "corpus", home)
    engine = SearchEngine(home, REPO / "corpus" / "dictionary")
    reader = engine.searcher().reader()
    catalog = dict(engine.catalog)
    plain = median_seconds(lambda: open_vocabulary(reader, catalog), args.rounds)
    some = {d: {**e, "confidentiality": "restricted"} if i < 3 else e for i, (d, e) in enumerate(catalog.items())}
    restricted = median_seconds(lambda: open_vocabulary(reader, some), args.rounds)
    print(f"reader vocabulary rebuild: {plain:.3f} s (no restricted documents), {restricted:.3f} s "
          f"(3 restricted), {len(catalog)} documents")


if __name__ == "__main__":
    main()
