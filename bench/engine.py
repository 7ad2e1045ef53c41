"""Engine latency: p50/p95/p99 of searches (no result cache) at the real corpus and synthetic
10k/100k sections, beside SQLite FTS5 (bm25) over the same Sudachi tokens, in one run.

    .venv/bin/python bench/engine.py                  # real + 10k
    .venv/bin/python bench/engine.py --sizes real,10000,100000
"""
from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
QUERIES = Path(__file__).with_name("queries.txt")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?") if Path("/proc/cpuinfo").exists() else "?"
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"machine: nproc {len(os.sched_getaffinity(0))} ({cpu}), {mem:.0f} GiB RAM, "
            f"Python {platform.python_version()}, load average {load}")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def build_index(corpus: Path, home: Path) -> float:
    from indexer.build import rebuild
    t = time.perf_counter()
    rebuild(corpus, home)
    return time.perf_counter() - t


def whoosh_latencies(home: Path, corpus: Path, queries, rounds: int) -> tuple[list[float], list[float]]:
    """(first pass, later rounds): the first pass after emptying the posting-list cache (every
    term read from disk once), then `rounds` passes with it warm. No result cache in either."""
    from indexer import scoring
    from indexer.search import SearchEngine
    engine = SearchEngine(home, corpus / "dictionary")
    for q in queries:                                     # warm: searcher, vocabularies, Sudachi
        engine._search_uncached(q)
    scoring.clear_caches()
    first = []
    for q in queries:
        t = time.perf_counter()
        engine._search_uncached(q)
        first.append((time.perf_counter() - t) * 1000)
    out = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            engine._search_uncached(q)                    # what a new query costs (no result cache)
            out.append((time.perf_counter() - t) * 1000)
    return first, out


def fts5_latencies(corpus: Path, queries, rounds: int) -> tuple[list[float], int]:
    """SQLite FTS5 over the analyzer's terms of the same indexed text, OR of the query's terms."""
    from indexer.analysis import JapaneseAnalyzer
    from indexer.records import section_records
    from kb.store import iter_documents
    analyzer = JapaneseAnalyzer()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE s USING fts5(key UNINDEXED, body, tokenize='unicode61 remove_diacritics 0')")
    rows = 0
    for doc in iter_documents(corpus):
        batch = []
        for rec in section_records(doc):
            terms = " ".join(t.text.replace('"', "") for t in analyzer(rec["body"]))
            batch.append((rec["key"], terms))
        db.executemany("INSERT INTO s VALUES (?, ?)", batch)
        rows += len(batch)
    db.commit()

    def match(q):
        terms = {t.text.replace('"', "") for t in analyzer(q)}
        return " OR ".join(f'"{t}"' for t in terms if t.strip())

    out = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            m = match(q)                                  # analysis counts, as for Whoosh
            if m:
                db.execute("SELECT key FROM s WHERE s MATCH ? ORDER BY bm25(s) LIMIT 10", (m,)).fetchall()
            out.append((time.perf_counter() - t) * 1000)
    return out, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="real,10000", help="comma list: real and/or section counts")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workdir", type=Path, help="keep synthetic corpora and indexes here and reuse "
                    "them on the next run (default: a temporary folder)")
    a = ap.parse_args()
    queries = [q for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]
    print(machine())
    print(f"{len(queries)} queries × {a.rounds} rounds, no result cache; 'first p95': the first pass "
          f"after emptying the posting-list cache")
    print(f"{'corpus':<10} {'sections':>9} {'build s':>8} | {'whoosh p50':>10} {'p95':>7} {'p99':>7} "
          f"{'first p95':>9} | {'fts5 p50':>8} {'p95':>7} {'p99':>7} | p95 ratio")
    with tempfile.TemporaryDirectory(prefix="kb-engine-") as tmp:
        tmp = a.workdir or Path(tmp)
        for size in a.sizes.split(","):
            if size == "real":
                corpus = REPO / "corpus"
            elif (tmp / f"corpus-{size}").is_dir():
                corpus = tmp / f"corpus-{size}"
            else:
                from bench.synth import make_corpus
                corpus = make_corpus(int(size), tmp / f"corpus-{size}")
            home = tmp / f"index-{size}"
            build = build_index(corpus, home) if not (home / "CURRENT").is_file() else float("nan")
            first, w = whoosh_latencies(home, corpus, queries, a.rounds)
            f, rows = fts5_latencies(corpus, queries, a.rounds)
            print(f"{size:<10} {rows:>9} {build:>8.1f} | {statistics.median(w):>10.1f} {pct(w, .95):>7.1f} "
                  f"{pct(w, .99):>7.1f} {pct(first, .95):>9.1f} | {statistics.median(f):>8.1f} {pct(f, .95):>7.1f} {pct(f, .99):>7.1f} | "
                  f"{pct(w, .95) / max(pct(f, .95), 1e-6):.2f}", flush=True)


if __name__ == "__main__":
    main()
