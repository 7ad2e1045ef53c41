"""Sign-in limits hold across processes: `kb serve --workers 2` gives a client exactly the configured
number of failed sign-ins, however the attempts fall on the two workers, with the counters in Redis
(a cluster; Debian's redis-server, a throwaway instance) and with the single machine's default (a
SQLite file in KB_DATA)."""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import free_port, start_kb_serve

ALLOWED = 3
ATTEMPTS = 12


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(server):
        pytest.fail("redis-server missing: apt-get install redis-server (make browser-deps installs it)")
    port = free_port()
    proc = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path_factory.mktemp("redis"))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, "redis-server did not start"
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def failed_sign_in(base: str, name: str, start: threading.Barrier) -> int:
    """One browser: its own cookies and form token, then a wrong password; the HTTP status."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
    page = opener.open(base + "/login", timeout=30).read().decode("utf-8")
    token = re.search(r'name="csrf_token"[^>]*? value="([^"]*)"', page).group(1)
    body = urllib.parse.urlencode({"username": name, "password": "wrong-password-123", "csrf_token": token}).encode()
    start.wait()
    try:
        return opener.open(urllib.request.Request(base + "/login", data=body), timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.parametrize("storage", ["redis", "default"])
def test_with_2_workers_a_client_gets_exactly_the_configured_number_of_failed_sign_ins(
        corpus_site, tmp_path, request, storage):
    env = dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(corpus_site.index),
               KB_DATA=str(tmp_path / "data"), KB_LOGIN_RATE_LIMIT=f"{ALLOWED} per minute")
    env.pop("KB_RATELIMIT_STORAGE_URI", None)
    if storage == "redis":
        env["KB_RATELIMIT_STORAGE_URI"] = request.getfixturevalue("redis_url")
    name = "limited-officer"
    subprocess.run([sys.executable, "-m", "kb_cli.cli", "user", "add", name, "--role", "officer", "--password-stdin"],
                   env=env, input="right-passphrase-77\n", text=True, check=True, capture_output=True)
    port = free_port()
    proc = start_kb_serve(env, port, workers=2)
    try:
        start = threading.Barrier(ATTEMPTS)
        codes: list[int] = []
        base = f"http://127.0.0.1:{port}"
        threads = [threading.Thread(target=lambda: codes.append(failed_sign_in(base, name, start)))
                   for _ in range(ATTEMPTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(codes) == [401] * ALLOWED + [429] * (ATTEMPTS - ALLOWED), codes
        # one more, after the burst, on whichever worker: still refused
        assert failed_sign_in(f"http://127.0.0.1:{port}", name, threading.Barrier(1)) == 429
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
