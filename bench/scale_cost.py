"""Engine CPU per query at growing synthetic corpora: the cost model behind docs/scale.md.

    .venv/bin/python bench/scale_cost.py --sizes 10000,100000 [--queries 300] [--workdir DIR]
    nice .venv/bin/python bench/scale_cost.py --sizes 1000000 --workdir /var/tmp/kb-scale   # long

Each size is a corpus recombined from the real one (bench/synth.py), indexed with `kb index`'s
build, then searched in one process with the result cache off: distinct natural-language queries
(bench/nl_queries.py), first a pass that fills the posting-list cache, then the measured pass.
Prints, per size: build time, index size on disk, CPU ms per query (median, p95; process time,
so other load on the machine counts less than in wall-clock figures) and the searcher's RSS.
With --workdir the corpora and indexes are kept and reused by the next run.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.engine import build_index, machine, pct  # noqa: E402
from bench.nl_queries import distinct_queries  # noqa: E402


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def disk_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def cpu_per_query(home: Path, corpus: Path, queries: list[str]) -> tuple[list[float], list[float]]:
    """(first pass, measured pass) CPU ms of engine searches, the result cache off."""
    os.environ["KB_RESULT_CACHE"] = "0"
    from indexer import scoring
    from indexer.search import SearchEngine
    engine = SearchEngine(home, corpus / "dictionary")
    engine._search_uncached("職務質問")              # open the searcher and vocabularies
    scoring.clear_caches()
    half = len(queries) // 2
    first, warm = [], []
    for out, qs in ((first, queries[:half]), (warm, queries[half:])):
        for q in qs:
            t = time.process_time()
            engine._search_uncached(q)
            out.append((time.process_time() - t) * 1000)
    return first, warm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma list of section counts")
    ap.add_argument("--queries", type=int, default=300, help="distinct queries (half warm-up)")
    ap.add_argument("--workdir", type=Path, help="keep corpora and indexes here and reuse them")
    a = ap.parse_args()
    queries = distinct_queries(a.queries)
    print(machine())
    print(f"{len(queries)} distinct natural-language queries, result cache off; 'cold': the first half, "
          f"posting-list cache emptied before it; 'warm': the second half")
    print(f"{'sections':>9} {'build s':>8} {'index MiB':>9} | {'warm CPU ms p50':>15} {'p95':>6} | "
          f"{'cold p50':>8} {'p95':>6} | {'RSS MiB':>7}", flush=True)
    with tempfile.TemporaryDirectory(prefix="kb-scale-") as tmp:
        work = a.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for size in (int(s) for s in a.sizes.split(",")):
            corpus = work / f"corpus-{size}"
            if not corpus.is_dir():
                from bench.synth import make_corpus
                make_corpus(size, corpus)
            home = work / f"index-{size}"
            build = build_index(corpus, home) if not (home / "CURRENT").is_file() else float("nan")
            cold, warm = cpu_per_query(home, corpus, queries)
            print(f"{size:>9} {build:>8.1f} {disk_mib(home):>9.0f} | {statistics.median(warm):>15.2f} "
                  f"{pct(warm, .95):>6.2f} | {statistics.median(cold):>8.2f} {pct(cold, .95):>6.2f} | "
                  f"{rss_mib():>7.0f}", flush=True)


if __name__ == "__main__":
    main()
