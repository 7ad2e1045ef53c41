"""Cold start (process start → first answered search over HTTP) and peak server RSS.

    .venv/bin/python bench/coldstart.py                    # real corpus
    .venv/bin/python bench/coldstart.py --sections 100000  # synthetic corpus of that size
    .venv/bin/python bench/coldstart.py --workers 2        # as deployed (kb serve --workers 2)

With several workers, memory is reported per process (peak RSS) and for the whole server as the
sum of proportional set sizes (PSS: pages shared between the processes, such as the index files
in the page cache, counted once in total).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def server_pids(pid: int) -> list[int]:
    """The server process and its worker processes."""
    return [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]


def main():
    from bench.engine import QUERIES, machine
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sections", type=int, default=0, help="synthetic corpus size (0: the real corpus)")
    ap.add_argument("--workdir", type=Path, help="reuse (or keep) the synthetic corpus and index of "
                    "bench/engine.py --workdir here")
    ap.add_argument("--workers", type=int, default=1, help="server processes (kb serve --workers)")
    a = ap.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="kb-cold-") as tmp:
        tmp = Path(tmp)
        corpus, index = REPO / "corpus", tmp / "index"
        if a.sections:
            base = a.workdir or tmp
            corpus, index = base / f"corpus-{a.sections}", base / f"index-{a.sections}"
            if not corpus.is_dir():
                from bench.synth import make_corpus
                make_corpus(a.sections, corpus)
        from indexer.build import rebuild
        from indexer.generations import read_build_info
        if not (index / "CURRENT").is_file():
            rebuild(corpus, index)
        from indexer.generations import current_path
        info = read_build_info(current_path(index))
        env = dict(os.environ, KB_CORPUS=str(corpus), KB_INDEX=str(index), KB_DATA=str(tmp / "data"))
        from bench.access import api_headers, create_credentials, page_headers
        token = create_credentials(env)
        port = free_port()
        url = f"http://127.0.0.1:{port}/api/search?q=" + urllib.parse.quote("交番 同行")
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kb_cli.cli", "serve", "--port", str(port),
                                 "--workers", str(a.workers)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    with urllib.request.urlopen(urllib.request.Request(url, headers=api_headers(token)),
                                                timeout=30) as r:
                        json.load(r)
                    break
                except OSError as e:
                    if time.perf_counter() - t0 > 120 or proc.poll() is not None:
                        raise SystemExit("server did not answer") from e
                    time.sleep(0.02)
            cold = time.perf_counter() - t0
            queries = [q for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]
            cookie = page_headers(f"http://127.0.0.1:{port}")
            for q in queries:
                urllib.request.urlopen(urllib.request.Request(
                    f"http://127.0.0.1:{port}/search?q=" + urllib.parse.quote(q), headers=cookie)).read()
            pids = server_pids(proc.pid)
            rss = [peak_rss_mib(pid) for pid in pids]
            pss = sum(pss_mib(pid) for pid in pids)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"corpus: {info.get('sections', '?')} sections ({info.get('characters', 0):,} chars)")
    print(f"cold start (process start → first search answered): {cold:.2f} s")
    if len(rss) == 1:
        print(f"peak server RSS after {len(queries)} page searches: {rss[0]:.0f} MiB")
    else:
        print(f"after {len(queries)} page searches, {a.workers} workers: peak RSS per process "
              + ", ".join(f"{r:.0f}" for r in rss) + f" MiB; whole server (PSS) {pss:.0f} MiB")


if __name__ == "__main__":
    main()
