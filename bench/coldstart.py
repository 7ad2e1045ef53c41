"""Cold start (process start → first answered search over HTTP) and peak server RSS.

    .venv/bin/python bench/coldstart.py                    # real corpus
    .venv/bin/python bench/coldstart.py --sections 100000  # synthetic corpus of that size
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


def main():
    from bench.engine import QUERIES, machine
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sections", type=int, default=0, help="synthetic corpus size (0: the real corpus)")
    ap.add_argument("--workdir", type=Path, help="reuse (or keep) the synthetic corpus and index of "
                    "bench/engine.py --workdir here")
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
        from indexer.build import read_build_info, rebuild
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
        proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    with urllib.request.urlopen(urllib.request.Request(url, headers=api_headers(token)),
                                                timeout=30) as r:
                        json.load(r)
                    break
                except OSError:
                    if time.perf_counter() - t0 > 120 or proc.poll() is not None:
                        raise SystemExit("server did not answer")
                    time.sleep(0.02)
            cold = time.perf_counter() - t0
            queries = [q for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]
            cookie = page_headers(f"http://127.0.0.1:{port}")
            for q in queries:
                urllib.request.urlopen(urllib.request.Request(
                    f"http://127.0.0.1:{port}/search?q=" + urllib.parse.quote(q), headers=cookie)).read()
            rss = peak_rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"corpus: {info.get('sections', '?')} sections ({info.get('characters', 0):,} chars)")
    print(f"cold start (process start → first search answered): {cold:.2f} s")
    print(f"peak server RSS after {len(queries)} page searches: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
