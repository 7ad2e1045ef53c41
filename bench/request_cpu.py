"""CPU of one natural-language `/api/search` request, end to end inside one process, by stage.

    .venv/bin/python bench/request_cpu.py [--requests 300] [--profile 25]

The app is built as `kb serve`'s worker builds it (KB_CORPUS / KB_INDEX / KB_DATA, default
./corpus and instance/), the result cache is off and every query is distinct: a question plus one
extra word (bench/nl_queries.py). Requests go through the WSGI app (Flask's test client: no
socket, no HTTP parsing), with an officer's API token. Prints CPU ms per request (median, p95)
and, with --profile N, the N functions with most own time, grouped by stage.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.nl_queries import distinct_queries  # noqa: E402

STAGES = {   # where a function's file lives -> the stage of the request it belongs to
    "sudachipy": "Sudachi", "indexer/analysis": "Sudachi", "kb/sudachi": "Sudachi",
    "indexer/query": "concepts", "indexer/readings": "concepts", "indexer/refs": "concepts",
    "whoosh": "scoring (Whoosh)", "indexer/scoring": "scoring", "indexer/search": "search",
    "indexer/snippets": "snippets", "indexer/facets": "facets", "json": "JSON",
    "webui/auth": "sign-in check", "flask_login": "sign-in check", "kb/accounts": "sign-in check",
    "sqlalchemy": "database", "kb/audit": "audit", "werkzeug": "Flask/Werkzeug", "flask": "Flask/Werkzeug",
}


def stage_of(filename: str) -> str:
    for key, stage in STAGES.items():
        if f"/{key}" in filename or filename.startswith(key):
            return stage
    return "other"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    args = ap.parse_args()
    os.environ["KB_RESULT_CACHE"] = "0"
    os.environ.setdefault("KB_CORPUS", str(REPO / "corpus"))
    os.environ.setdefault("KB_INDEX", str(REPO / "instance" / "index"))
    if not (Path(os.environ["KB_INDEX"]) / "CURRENT").is_file():
        subprocess.run([sys.executable, "-m", "kb_cli.cli", "index"], check=True)
    with tempfile.TemporaryDirectory(prefix="kb-cpu-") as tmp:
        os.environ["KB_DATA"] = tmp
        from bench.access import api_headers, create_credentials
        headers = api_headers(create_credentials(dict(os.environ)))
        from kb.audit import flush_all
        from webui import create_app
        client = create_app().test_client()
        qs = distinct_queries(args.requests + 50)
        for q in qs[:50]:                       # warm up every code path once
            assert client.get("/api/search", query_string={"q": q}, headers=headers).status_code == 200
        flush_all()
        costs = []
        prof = cProfile.Profile() if args.profile else None
        for q in qs[50:]:
            t0 = time.process_time()
            if prof:
                prof.enable()
            r = client.get("/api/search", query_string={"q": q}, headers=headers)
            if prof:
                prof.disable()
            costs.append((time.process_time() - t0) * 1000)
            assert r.status_code == 200, r.status_code
        t0 = time.process_time()
        flush_all()                              # the audit writer thread's share, spread per request
        audit_ms = (time.process_time() - t0) * 1000 / len(costs)
    costs.sort()
    from bench.engine import machine
    print(machine())
    print(f"/api/search, {len(costs)} distinct natural-language queries, result cache off, in-process")
    print(f"  CPU ms per request: median {statistics.median(costs):.2f}  mean {statistics.fmean(costs):.2f}  "
          f"p95 {costs[int(0.95 * len(costs)) - 1]:.2f}  (+ audit flush at the end {audit_ms:.2f})")
    if prof:
        st = pstats.Stats(prof)
        by_stage: dict[str, float] = {}
        for (filename, _, _), (_, _, tottime, _, _) in st.stats.items():
            by_stage[stage_of(filename)] = by_stage.get(stage_of(filename), 0) + tottime
        total = sum(by_stage.values())
        print("  own time by stage (profiled, so slower than above):")
        for stage, t in sorted(by_stage.items(), key=lambda kv: -kv[1]):
            print(f"    {stage:<18} {t * 1000 / len(costs):6.2f} ms  {100 * t / total:4.0f} %")
        st.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
