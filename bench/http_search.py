"""HTTP search latency under load: `kb serve` as `make run` starts it, 20 closed-loop clients.

    .venv/bin/python bench/http_search.py [--seconds 20] [--clients 20] [--workers N] [--cached]
    .venv/bin/python bench/http_search.py --url http://127.0.0.1:8000   # a server already running

By default every request is a distinct natural-language question plus one extra word
(bench/nl_queries.py) and the server's result cache is off (KB_RESULT_CACHE=0): what twenty
officers typing their own questions cost. `--queries fixed` sends bench/queries.txt round and
round instead; `--cached` then adds a second run with the result cache on and the fixed list,
printed beside the honest figure and labelled cached. The server is started without --workers or
--threads (gunicorn, one worker per core), like `make run`, unless they are given.

Uses KB_CORPUS / KB_INDEX when set (and the index exists); otherwise indexes ./corpus into a
temporary folder first. Loopback only. Prints p50/p95/p99 latency, requests/s, errors, the
server's CPU per request (all its processes, from /proc) and the machine.

The clients share the server's cores, so what they cost is part of every figure. The default
client is one asyncio loop with a keep-alive connection per client (like a browser behind the
proxy), costing ~0.1 ms of CPU a request; `--client urllib` is the earlier one: a thread per client,
a new connection and urllib's machinery per request (~1 ms of CPU, under one GIL, so responses
also wait for the client's own threads).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.nl_queries import distinct_queries  # noqa: E402

QUERIES = Path(__file__).with_name("queries.txt")
DEV_QUERIES = Path(os.environ.get("KB_EVAL_DEV", REPO.parent / "shared" / "eval" / "dev.jsonl"))
BUILTIN_QUERIES = [
    "交通違反者を交番に同行させるとき", "職務質問", "泥酔者 保護", "警職法7条", "拳銃 使用 要件",
    "酒気帯び運転", "遺失物", "交番相談員", "刃物 携帯", "被害届 受理", "現行犯逮捕 管轄外",
    "古物 不正品", "警察手帳 提示", "交通事故 救護義務", "四交替制 週休日", "道路交通法第72条",
]


def queries() -> list[str]:
    """The engine benchmark's fixed list (bench/queries.txt: the dev queries and more)."""
    if QUERIES.is_file():
        return [q for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]
    out = list(BUILTIN_QUERIES)
    if DEV_QUERIES.is_file():
        for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["query"])
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_index(tmp: Path) -> dict:
    """Environment for the server: the configured index, or a fresh one of ./corpus."""
    env = dict(os.environ)
    index = env.get("KB_INDEX")
    if index and (Path(index) / "CURRENT").is_file():
        return env
    env.setdefault("KB_CORPUS", str(REPO / "corpus"))
    env["KB_INDEX"] = str(tmp / "index")
    env["KB_DATA"] = str(tmp / "data")
    print(f"indexing {env['KB_CORPUS']} into {env['KB_INDEX']} …", flush=True)
    subprocess.run([sys.executable, "-m", "kb_cli.cli", "index"], env=env, check=True, timeout=1800)
    return env


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise SystemExit("server did not start")


def client(base: str, path: str, qs: list[str], offset: int, stop_at: float,
           latencies: list[float], errors: list[str], headers: dict) -> None:
    i = offset
    while time.monotonic() < stop_at:
        q = qs[i % len(qs)]
        i += 1
        url = f"{base}{path}?" + urllib.parse.urlencode({"q": q})
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
                r.read()
                ok = r.status == 200 and not r.url.split("?")[0].endswith("/login")
        except (urllib.error.URLError, OSError) as e:
            ok = False
            errors.append(f"{e} (after {time.perf_counter() - t0:.1f} s, {q[:20]})")
        if ok:
            latencies.append(time.perf_counter() - t0)


def pct(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def typeahead_prefixes(qs: list[str]) -> list[str]:
    """What a type-ahead box sends while a query is typed: its first 1–6 characters."""
    out = []
    for q in qs:
        q = q.replace(" ", "")
        out += [q[:n] for n in range(1, min(6, len(q)) + 1)]
    return out


def load_threads(base: str, path: str, qs: list[str], clients: int, seconds: float, headers: dict):
    """`clients` urllib threads asking `path` back to back: (latencies ms sorted, errors, s)."""
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds
    t0 = time.perf_counter()
    # each client its own share of the queries: no two ask the same one (a cache answers nothing)
    threads = [threading.Thread(target=client, args=(base, path, qs[n::clients], 0, stop_at, latencies, errors,
                                                     headers))
               for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    return sorted(x * 1000 for x in latencies), errors, time.perf_counter() - t0


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response: (status, whether the connection stays open)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
    if "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    elif fields.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        return status, False
    return status, fields.get("connection", "").lower() != "close"


async def _client(host: str, port: int, path: str, qs: list[str], offset: int, stop_at: float,
                  latencies: list[float], errors: list[str], headers: dict) -> None:
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    reader = writer = None
    i = offset
    while time.monotonic() < stop_at:
        q = qs[i % len(qs)]
        i += 1
        request = (f"GET {path}?{urllib.parse.urlencode({'q': q})} HTTP/1.1\r\n"
                   f"Host: {host}:{port}\r\n{extra}\r\n").encode("ascii")
        t0 = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            status, keep = await asyncio.wait_for(_response(reader), timeout=30)
        except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as e:
            errors.append(f"{type(e).__name__} {e} (after {time.perf_counter() - t0:.1f} s, {q[:20]})")
            status, keep = 0, False
        if status == 200:
            latencies.append(time.perf_counter() - t0)
        elif status:
            errors.append(f"HTTP {status} ({q[:20]})")
        if not keep and writer is not None:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def load_asyncio(base: str, path: str, qs: list[str], clients: int, seconds: float, headers: dict):
    """`clients` keep-alive connections on one event loop: (latencies ms sorted, errors, s)."""
    u = urllib.parse.urlsplit(base)
    latencies: list[float] = []
    errors: list[str] = []

    async def run():
        stop_at = time.monotonic() + seconds
        # each client its own share of the queries: no two ask the same one (a cache answers nothing)
        await asyncio.gather(*(_client(u.hostname, u.port, path, qs[n::clients], 0, stop_at, latencies, errors,
                                       headers) for n in range(clients)))
    t0 = time.perf_counter()
    asyncio.run(run())
    return sorted(x * 1000 for x in latencies), errors, time.perf_counter() - t0


LOADERS = {"asyncio": load_asyncio, "urllib": load_threads}


def report(label: str, lat: list[float], errors: list[str], elapsed: float, cpu_ms: float | None = None) -> None:
    print(f"{label}: {len(lat)} ok, {len(errors)} errors, {len(lat) / elapsed:.1f} req/s"
          + (f", server CPU {cpu_ms:.2f} ms/request" if cpu_ms is not None else ""))
    if lat:
        print(f"  latency ms: p50 {pct(lat, 50):.0f}  p95 {pct(lat, 95):.0f}  p99 {pct(lat, 99):.0f}  "
              f"max {lat[-1]:.0f}  mean {statistics.fmean(lat):.0f}")
    if errors:
        print("  first errors:", *sorted(set(errors))[:3], sep="\n    ")


def server_cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the server's processes and their children alive now (a gunicorn master
    and its workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    every = set(pids)
    for pid in pids:
        every |= {int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                 text=True).stdout.split()}
    total = 0.0
    for p in every:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def listening_pids(port: int) -> list[int]:
    """The processes that listen on a loopback port (with their children, the whole server)."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    return sorted({int(p) for p in re.findall(r"pid=(\d+)", out)})


def start_server(env: dict, args, cache: bool) -> tuple[subprocess.Popen, str]:
    env = dict(env)
    if not cache:
        env["KB_RESULT_CACHE"] = "0"
    port = free_port()
    cmd = [sys.executable, "-m", "kb_cli.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    # a pipe nobody reads would fill with the server's warnings and stall it
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/login", proc)
    return proc, base


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        proc.kill()


def measure(base: str, pids: list[int], args, qs: list[str], headers: dict, clients: int, seconds: float):
    """Warm up, then the load: (latencies, errors, elapsed, server CPU ms per request or None)."""
    for q in qs[:40]:  # warm up: Sudachi, searchers and postings in every worker, once
        url = f"{base}{args.path}?" + urllib.parse.urlencode({"q": q})
        urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60).read()
    cpu0 = server_cpu_seconds(pids) if pids else None
    lat, errors, elapsed = LOADERS[args.client](base, args.path, qs[40:], clients, seconds, headers)
    cpu = (server_cpu_seconds(pids) - cpu0) * 1000 / max(1, len(lat) + len(errors)) if pids else None
    return lat, errors, elapsed, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--suggest-seconds", type=float, default=0, help="type-ahead phase (0: skip)")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--threads", type=int, default=0, help="threads per worker (default: kb serve's)")
    ap.add_argument("--workers", type=int, default=0, help="server processes (default: kb serve's, one per core)")
    ap.add_argument("--path", default="/api/search", choices=["/search", "/api/search"])
    ap.add_argument("--queries", default="distinct", choices=["distinct", "fixed"],
                    help="distinct natural-language questions (default) or bench/queries.txt round and round")
    ap.add_argument("--cached", action="store_true",
                    help="also a run with the result cache on and the fixed list, printed beside, labelled cached")
    ap.add_argument("--url", default="", help="load a server already running (its KB_DATA must be this one's)")
    ap.add_argument("--client", default="asyncio", choices=sorted(LOADERS),
                    help="load generator (see the module docstring)")
    ap.add_argument("--no-cache", action="store_true", help="(the default now; kept for old command lines)")
    args = ap.parse_args()
    seconds = max(1.0, min(args.seconds, 3600))
    clients = max(1, min(args.clients, 200))
    # every (question, word) pair once (~35,000: none repeats below ~1,700 req/s for 20 s)
    qs = distinct_queries(40 + int(seconds * 2000)) if args.queries == "distinct" else queries()
    from bench.access import api_headers, create_credentials, page_headers
    runs = []
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        if args.url:
            env = dict(os.environ)
            token = create_credentials(env)
            base = args.url.rstrip("/")
            headers = api_headers(token) if args.path.startswith("/api/") else page_headers(base)
            pids = listening_pids(urllib.parse.urlsplit(base).port or 80)
            runs.append(("", measure(base, pids, args, qs, headers, clients, seconds)))
        else:
            env = prepare_index(Path(tmp))
            token = create_credentials(env)
            proc, base = start_server(env, args, cache=False)
            try:
                headers = api_headers(token) if args.path.startswith("/api/") else page_headers(base)
                runs.append(("", measure(base, [proc.pid], args, qs, headers, clients, seconds)))
                if args.suggest_seconds > 0:
                    urllib.request.urlopen(urllib.request.Request(f"{base}/api/suggest?q=%E8%AD%A6",
                                                                  headers=api_headers(token)), timeout=60).read()
                    fixed = queries()
                    sugg = load_asyncio if args.client == "asyncio" else load_threads
                    runs.append(("suggest", sugg(base, "/api/suggest", typeahead_prefixes(fixed), clients,
                                                 args.suggest_seconds, api_headers(token)) + (None,)))
            finally:
                stop_server(proc)
            if args.cached:
                proc, base = start_server(env, args, cache=True)
                try:
                    headers = api_headers(token) if args.path.startswith("/api/") else page_headers(base)
                    fixed = queries()
                    runs.append(("cached", measure(base, [proc.pid], args, fixed + fixed, headers, clients, seconds)))
                finally:
                    stop_server(proc)

    from bench.engine import machine
    print(machine())
    server = args.url or (f"kb serve, {args.workers or 'one per core'} worker(s)"
                          + (f" × {args.threads} threads" if args.threads else ""))
    print(f"{clients} {args.client} keep-alive clients, closed loop, {seconds:.0f} s; server: {server}")
    for label, (lat, errors, elapsed, cpu) in runs:
        if label == "suggest":
            report(f"GET /api/suggest ({len(typeahead_prefixes(queries()))} prefixes)", lat, errors, elapsed)
        elif label == "cached":
            report(f"CACHED (result cache on, {len(queries())} repeated queries) GET {args.path}",
                   lat, errors, elapsed, cpu)
        else:
            what = (f"distinct natural-language queries, {len(set(qs))} pairs" if args.queries == "distinct"
                    else f"{len(qs)} fixed queries")
            report(f"GET {args.path} ({what}, result cache {'off' if not args.url else 'as served'})",
                   lat, errors, elapsed, cpu)


if __name__ == "__main__":
    main()
