"""Full-reindex time and throughput, beside the Sudachi floor, and publish→searchable latency.

    .venv/bin/python bench/reindex.py                  # real corpus, 1 and 2 processes, + 100k synthetic
    .venv/bin/python bench/reindex.py --sections 0     # real corpus only
    .venv/bin/python bench/reindex.py --jobs 2 --sections 100000

For each corpus: characters indexed, seconds and characters/second of `rebuild()` (the code of
`kb reindex`, validation and switch included) per process count, and the time Sudachi alone takes
to tokenise the same section texts once in mode C (the floor: the analyzers tokenise each text
for the body and the reading fields). Then the latency of `IndexUpdater.update_documents()` until
the change is searchable. The synthetic corpus repeats the real sections under new document ids
(bench/synth.py `make_corpus` is used when present; otherwise the small generator below).
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def make_corpus_fallback(n_sections: int, dest: Path) -> Path:
    """Documents of the real corpus copied under new ids until n_sections sections exist."""
    from kb.document import KIND_DIRS
    from kb.store import atomic_write, document_paths, read_document
    docs = [(p, read_document(p)) for p in document_paths(REPO / "corpus")]
    dest = Path(dest)
    shutil.copytree(REPO / "corpus" / "dictionary", dest / "dictionary", dirs_exist_ok=True)
    total, copy = 0, 0
    while total < n_sections:
        for path, doc in docs:
            if total >= n_sections:
                break
            new_id = f"{doc.id}-s{copy}"
            text = path.read_text(encoding="utf-8").replace(f"id: {doc.id}", f"id: {new_id}", 1)
            atomic_write(dest / KIND_DIRS[doc.kind] / f"{new_id}.md", text)
            total += len(doc.sections)
        copy += 1
    return dest


def make_corpus(n_sections: int, dest: Path) -> Path:
    try:
        from bench.synth import make_corpus as synth
    except ImportError:
        return make_corpus_fallback(n_sections, dest)
    synth(n_sections, dest)
    return Path(dest)


def sudachi_floor(corpus: Path) -> tuple[float, int]:
    """Seconds to tokenise every section's indexed text once (mode C), and its characters."""
    from indexer.records import section_records
    from kb import sudachi
    from kb.store import iter_documents
    from kb.sudachi import chunks
    texts = [r["body"] for d in iter_documents(corpus, []) for r in section_records(d)]
    sudachi.tokenize("準備")
    t0 = time.perf_counter()
    for text in texts:
        for _, chunk in chunks(text):
            sudachi.tokenize(chunk, sudachi.MODE_C)
    return time.perf_counter() - t0, sum(len(t) for t in texts)


def reindex(corpus: Path, home: Path, jobs: int):
    from indexer.build import rebuild
    return rebuild(corpus, home, jobs=jobs)


def publish_latency(corpus: Path, home: Path, n: int = 5) -> list[float]:
    """Seconds from update_documents() to the new text being found by a search engine."""
    from indexer.search import SearchEngine
    from indexer.updates import IndexUpdater
    from kb.store import atomic_write, document_paths
    engine = SearchEngine(home, corpus / "dictionary")
    updater = IndexUpdater(corpus, home)
    path = document_paths(corpus)[0]
    original = path.read_text(encoding="utf-8")
    out = []
    try:
        for i in range(n):
            word = f"ベンチ確認語{'アイウエオ'[i]}"
            atomic_write(path, original.rstrip("\n") + f"\n\n{word}を記載する。\n")
            t0 = time.perf_counter()
            updater.update_documents([path.stem])
            while not engine.search(word).total:
                time.sleep(0.001)
            out.append(time.perf_counter() - t0)
    finally:
        atomic_write(path, original)
        updater.update_documents([path.stem])
        updater.close()
    return out


def bench(label: str, corpus: Path, jobs_list: list[int], tmp: Path, latency: bool) -> None:
    floor, chars = sudachi_floor(corpus)
    print(f"\n{label}: {chars:,} characters of section text")
    print(f"  Sudachi alone, mode C once over the same text: {floor:6.1f} s  {chars / floor:>10,.0f} chars/s")
    home = None
    for jobs in jobs_list:
        home = tmp / f"index-{label}-{jobs}"
        r = reindex(corpus, home, jobs)
        print(f"  reindex, {r.jobs} process{'es' if r.jobs > 1 else '  '}: {r.seconds + r.validate_seconds:6.1f} s  "
              f"{chars / (r.seconds + r.validate_seconds):>10,.0f} chars/s  "
              f"({r.documents:,} documents, {r.sections:,} sections; index {r.index_seconds:.1f} s, "
              f"join {r.merge_seconds:.2f} s, validate {r.validate_seconds:.2f} s)")
    if latency and home is not None:
        lat = publish_latency(corpus, home)
        print(f"  publish→searchable (update_documents, one document, {len(lat)} runs): "
              f"median {statistics.median(lat) * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sections", type=int, default=100_000, help="synthetic corpus size (0: skip)")
    ap.add_argument("--jobs", type=int, action="append", help="process counts to compare (default 1 and 2)")
    args = ap.parse_args()
    jobs = args.jobs or [1, 2]
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="kb-bench-reindex-") as t:
        tmp = Path(t)
        # copy the corpus: the latency run edits a document
        real = tmp / "real"
        shutil.copytree(REPO / "corpus", real)
        bench("real corpus", real, jobs, tmp, latency=True)
        if args.sections:
            t0 = time.perf_counter()
            synth = make_corpus(args.sections, tmp / "synth")
            print(f"\n(synthetic corpus of {args.sections:,} sections written in {time.perf_counter() - t0:.0f} s)")
            bench(f"synthetic {args.sections:,} sections", synth, jobs, tmp, latency=True)


if __name__ == "__main__":
    main()
