"""A two-node cluster on loopback, one node killed mid-run: do searches fail, and how fast do the
nodes agree again?

    .venv/bin/python bench/cluster.py [--seconds 20] [--clients 20] [--workers 1] [--corpus corpus]

Installs Debian's postgresql, redis-server and haproxy with apt-get when missing, then starts,
all in a temporary folder and on 127.0.0.1 only: a throwaway PostgreSQL (the shared database and
corpus change log), Redis (the shared sign-in counters), two nodes (`kb serve`, each with its own
copy of the corpus and of the index) and haproxy with deploy/haproxy.cfg. Then:

1. `--clients` closed-loop clients send distinct natural-language searches through haproxy for
   `--seconds`; every answer other than 200 with hits JSON is a failed search. haproxy retries a
   search on the other node when its node dies before answering, but not once the answer has
   started: a response cut off by the kill is retried once by the client, as a reload would, and
   counted apart (`cut and retried`); only a search that fails again is a failed one;
2. at 30 % of the run node 2 is killed with SIGKILL (its whole process group, like a dead machine);
3. a desk inquiry is recorded and published through node 1 (the survivor);
4. node 2 is restarted; catch-up = restart until node 2's own search finds that inquiry
   (start-up, the change log applied, the index updated);
5. a second inquiry is published through node 1; publish→other node = from the publish (node 1
   answered the desk: the case is in its corpus, its index and the change log) until node 2's
   own search finds it (NOTIFY, follow, index commit). How long node 1 took to answer the desk
   under the load is printed beside it.

Everything it started is stopped at the end, also on an error. The last line is exactly
`cluster: searches N, failed F, publish→other node S s, catch-up C s`.
"""
from __future__ import annotations

import argparse
import glob
import html as htmllib
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
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
from bench import services  # noqa: E402  (the repository on the path first, as the other benches)

KB = [sys.executable, "-m", "kb_cli.cli"]
QUERIES = Path(__file__).with_name("queries.txt")
EXTRA_WORDS = ["交番", "夜間", "休日", "管轄", "手続", "記録", "報告", "様式", "注意", "要件", "判断", "対応",
               "初動", "連絡", "確認", "実務", "留意", "場合", "方法", "根拠"]
PASSWORD = "bench-only-passphrase-42"
BASIS = "okayama-chiiki-keisatsu-unei-kitei#art-3"
APT_PACKAGES = {"postgresql": lambda: glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                "redis-server": lambda: shutil.which("redis-server") or os.path.exists("/usr/bin/redis-server"),
                "haproxy": lambda: shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy")}


def say(msg: str) -> None:
    print(msg, flush=True)


def ensure_packages() -> None:
    missing = [name for name, present in APT_PACKAGES.items() if not present()]
    if not missing:
        return
    sudo = [] if os.getuid() == 0 else ["sudo"]
    say(f"installing {' '.join(missing)} (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *missing], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, seconds: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {seconds:.0f} s")
        time.sleep(interval)


class Stack:
    """Everything the run started, stopped in reverse order by stop()."""

    def __init__(self, base: Path):
        self.base = base
        self.procs: list[subprocess.Popen] = []
        self.cleanups: list = []

    def spawn(self, cmd, log_name: str, env=None, group: bool = False) -> subprocess.Popen:
        log = open(self.base / f"{log_name}.log", "ab")
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=group)
        log.close()
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM) if _own_group(proc) else proc.terminate()
                except ProcessLookupError:
                    pass
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _kill(proc)
                proc.wait(timeout=5)
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as e:               # keep stopping the rest
                say(f"cleanup failed: {e}")


def _own_group(proc) -> bool:
    try:
        return os.getpgid(proc.pid) == proc.pid
    except ProcessLookupError:
        return False


def _kill(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL) if _own_group(proc) else proc.kill()
    except ProcessLookupError:
        pass


# -- the shared services -------------------------------------------------------------------------

def start_postgres(stack: Stack) -> str:
    url, stop = services.start_postgres(stack.base / "pg", free_port(), "max_connections=200")
    stack.cleanups.append(stop)
    return url


def start_redis(stack: Stack) -> str:
    port = free_port()
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    stack.spawn([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                 "--dir", str(stack.base)], "redis")
    wait_until(lambda: _redis_ping(port), 20, "redis")
    return f"redis://127.0.0.1:{port}/0"


def _redis_ping(port: int) -> bool:
    import socket
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_haproxy(stack: Stack, port: int, nodes: list[int]) -> None:
    env = {**os.environ, "KB_LB_BIND": f"127.0.0.1:{port}",
           **{f"KB_NODE{i + 1}": f"127.0.0.1:{p}" for i, p in enumerate(nodes)}}
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    stack.spawn([binary, "-db", "-f", str(REPO / "deploy" / "haproxy.cfg")], "haproxy", env=env)
    wait_until(lambda: _status(f"http://127.0.0.1:{port}/healthz") == 200, 30, "haproxy")


# -- the nodes -----------------------------------------------------------------------------------

class Node:
    def __init__(self, stack: Stack, name: str, env: dict, port: int, workers: int):
        self.stack, self.name, self.env, self.port, self.workers = stack, name, env, port, workers
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Node:
        self.proc = self.stack.spawn([*KB, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--workers", str(self.workers)], self.name, env=self.env, group=True)
        return self

    def wait_healthy(self, seconds: float = 120) -> None:
        wait_until(lambda: self.proc.poll() is None and _status(self.url + "/healthz") == 200
                   or _dead(self), seconds, f"{self.name} healthy", 0.1)
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited: see {self.stack.base / (self.name + '.log')}")

    def kill(self) -> None:
        """SIGKILL to the node's whole process group: no cleanup, like a machine dying."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def _dead(node: Node) -> bool:
    return node.proc.poll() is not None


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def node_env(base: Path, name: str, shared: dict) -> dict:
    home = base / name
    return {**os.environ, **shared, "KB_CORPUS": str(home / "corpus"), "KB_DATA": str(home / "data"),
            "KB_INDEX": str(home / "data" / "index"), "KB_NODE_NAME": name, "PYTHONUNBUFFERED": "1"}


def prepare_nodes(base: Path, corpus: Path, names: list[str], shared: dict) -> list[dict]:
    """Each node gets its own corpus copy and a copy of one freshly built index."""
    envs = [node_env(base, n, shared) for n in names]
    for env in envs:
        shutil.copytree(corpus, env["KB_CORPUS"], ignore=shutil.ignore_patterns(".*"))
        Path(env["KB_DATA"]).mkdir(parents=True)
    first = envs[0]
    built = subprocess.run([*KB, "index"], env=first, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if built.returncode:
        raise RuntimeError(f"kb index failed: {built.stderr[-500:]}")
    for env in envs[1:]:
        shutil.copytree(first["KB_INDEX"], env["KB_INDEX"], ignore=shutil.ignore_patterns(".*.lock", "*.lock"))
    return envs


def add_users(env: dict) -> str:
    """A desk user for publishing and an officer's API token for searching (the shared database)."""
    for user, role in (("bench-desk", "desk"), ("bench-officer", "officer")):
        subprocess.run([*KB, "user", "add", user, "--role", role, "--password-stdin"], env=env, check=True,
                       input=PASSWORD + "\n", text=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([*KB, "token", "create", "bench-officer"], env=env, check=True, text=True,
                         capture_output=True)
    return out.stdout.strip().splitlines()[0]


# -- the load ------------------------------------------------------------------------------------

def distinct_queries() -> list[str]:
    base = [q.strip() for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]
    return [f"{q} {w}" for w in EXTRA_WORDS for q in base]


class Load:
    """Closed-loop clients on keep-alive connections to haproxy, each its own share of queries."""

    def __init__(self, port: int, token: str, clients: int):
        self.port, self.token, self.clients = port, token, clients
        self.queries = distinct_queries()
        self.searches = self.failed = self.retried = 0
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(clients)]

    def start(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)

    def _client(self, n: int) -> None:
        conn: http.client.HTTPConnection | None = None
        k = n
        while not self._stop.is_set():
            q = self.queries[k % len(self.queries)]
            k += self.clients
            ok, why, retried, conn = self._search(conn, q)
            if retried:                   # the answer was cut off mid-way (its node died): once more
                ok, why, _, conn = self._search(conn, q)
            with self._lock:
                self.searches += 1
                self.retried += retried
                if not ok:
                    self.failed += 1
                    self.failures.append(why)

    def _search(self, conn, q: str):
        """(ok, why, cut off mid-answer, the connection to reuse) for one search."""
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request("GET", "/api/search?" + urllib.parse.urlencode({"q": q}),
                         headers={"Authorization": f"Bearer {self.token}"})
            r = conn.getresponse()
            body = r.read()
            ok = r.status == 200 and "hits" in json.loads(body)
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
            return ok, f"HTTP {r.status}", False, conn
        except (OSError, http.client.HTTPException, ValueError) as e:
            if conn is not None:
                conn.close()
            cut = isinstance(e, (http.client.IncompleteRead, http.client.RemoteDisconnected, ConnectionResetError))
            return False, f"{type(e).__name__}: {e}", cut, None


# -- the desk ------------------------------------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class DeskUser:
    """The desk over HTTP like a browser: cookies, CSRF tokens, the review form."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect)
        page = self.request("GET", "/login")[1]
        status, _, _ = self.request("POST", "/login", {"username": "bench-desk", "password": PASSWORD,
                                                       "csrf_token": hidden(page, "csrf_token")})
        if status != 302:
            raise RuntimeError(f"desk sign-in refused ({status})")

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.read().decode("utf-8"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)

    def record(self, word: str) -> int:
        csrf = hidden(self.request("GET", "/desk/new")[1], "csrf_token")
        form = {"csrf_token": csrf, "received_at": "2026-11-20T09:30", "channel": "電話",
                "asking_unit": "岡山東警察署地域課", "category": "地域", "basis_add": BASIS,
                "question": f"【架空事例】{word}について、交番での取扱いを教えてください。",
                "answer": f"{word}は地域幹部の指示を受けて取り扱います。"}
        status, text, headers = self.request("POST", "/desk/new", form)
        m = re.search(r"/desk/(\d+)/review$", headers.get("Location", ""))
        if status != 302 or not m:
            raise RuntimeError(f"recording refused ({status}): {text[:300]}")
        return int(m.group(1))

    def publish(self, inquiry_id: int) -> str:
        page = self.request("GET", f"/desk/{inquiry_id}/review")[1]
        form = {"csrf_token": hidden(page, "csrf_token"), "digest": hidden(page, "digest"), "action": "publish",
                "title": hidden(page, "title") or "交番での取扱い（架空事例）",
                "department": hidden(page, "department"), "confirmed": "1"}
        chosen = re.search(r'name="confidentiality" value="([^"]+)" checked', page)
        if chosen:
            form["confidentiality"] = chosen.group(1)
        for part in ("question", "answer"):
            form[f"mask_{part}"] = re.findall(
                rf'<input type="checkbox" class="pii-toggle" name="mask_{part}" value="(\d+)" ?checked', page)
        status, text, _ = self.request("POST", f"/desk/{inquiry_id}/review", form)
        if status != 302:
            errors = re.findall(r'<div class="flash-error"[^>]*>(.*?)</div>', text, re.S)
            raise RuntimeError(f"publish refused ({status}): {errors or text[:300]}")
        desk = self.request("GET", "/desk/")[1]
        m = re.search(rf'<tr data-inquiry="{inquiry_id}">.*?/docs/(inq-[0-9-]+)', desk, re.S)
        if not m:
            raise RuntimeError("published inquiry not in the desk's list")
        return m.group(1)


def hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{name}"[^>]*? value="([^"]*)"', page)
    return htmllib.unescape(m.group(1)) if m else ""


def finds(node: Node, token: str, word: str, doc_id: str) -> bool:
    req = urllib.request.Request(node.url + "/api/search?" + urllib.parse.urlencode({"q": word}),
                                 headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return any(h.get("doc_id") == doc_id for h in json.loads(r.read())["hits"])
    except (OSError, ValueError, KeyError):
        return False


# -- the run -------------------------------------------------------------------------------------

def run(args, stack: Stack) -> str:
    pg = start_postgres(stack)
    redis = start_redis(stack)
    shared = {"KB_DATABASE_URL": pg, "KB_RATELIMIT_STORAGE_URI": redis, "KB_SECRET_KEY": secrets.token_hex(32),
              "KB_FOLLOW_POLL_SECONDS": "2"}
    envs = prepare_nodes(stack.base, Path(args.corpus), ["node1", "node2"], shared)
    token = add_users(envs[0])
    nodes = [Node(stack, f"node{i + 1}", env, free_port(), args.workers).start() for i, env in enumerate(envs)]
    for node in nodes:
        node.wait_healthy()
    lb_port = free_port()
    start_haproxy(stack, lb_port, [n.port for n in nodes])
    survivor, victim = nodes
    desk = DeskUser(survivor.url)
    words = ["架空照会甲号事案", "架空照会乙号事案"]      # no digits or romaji: nothing for 「要確認」
    say(f"load: {args.clients} clients through haproxy for {args.seconds:.0f} s")
    t0 = time.monotonic()
    load = Load(lb_port, token, args.clients).start()
    time.sleep(args.seconds * 0.3)
    victim.kill()
    say(f"{victim.name} killed (SIGKILL) at {time.monotonic() - t0:.1f} s")
    first = desk.publish(desk.record(words[0]))
    say(f"published {first} through {survivor.name} while {victim.name} is down")
    restart = time.monotonic()
    victim.start()
    wait_until(lambda: finds(victim, token, words[0], first), 120, "catch-up", 0.1)
    catch_up = time.monotonic() - restart
    say(f"{victim.name} restarted and found {first} after {catch_up:.2f} s")
    inquiry = desk.record(words[1])
    asked = time.monotonic()
    second = desk.publish(inquiry)
    published = time.monotonic()
    answered = published - asked
    wait_until(lambda: finds(victim, token, words[1], second), 60, "publish→other node", 0.05)
    spread = time.monotonic() - published
    say(f"published {second} through {survivor.name} (the desk's page answered in {answered:.2f} s); "
        f"{victim.name} found it after {spread:.2f} s")
    time.sleep(max(0.0, args.seconds - (time.monotonic() - t0)))
    load.stop()
    elapsed = time.monotonic() - t0
    if load.failures:
        say("failures: " + "; ".join(sorted(set(load.failures))[:5]))
    say(f"cut and retried: {load.retried} (answers cut off by the kill, each retried once)")
    say(f"{load.searches / elapsed:.0f} searches/s over {elapsed:.1f} s; logs in {stack.base}" if args.keep
        else f"{load.searches / elapsed:.0f} searches/s over {elapsed:.1f} s")
    return (f"cluster: searches {load.searches}, failed {load.failed}, "
            f"publish→other node {spread:.2f} s, catch-up {catch_up:.2f} s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=1, help="kb serve --workers per node")
    ap.add_argument("--corpus", default=str(REPO / "corpus"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = ap.parse_args(argv)
    ensure_packages()
    base = Path(tempfile.mkdtemp(prefix="kb-cluster-"))
    os.chmod(base, 0o755)
    stack = Stack(base)
    try:
        line = run(args, stack)
    finally:
        stack.stop()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
