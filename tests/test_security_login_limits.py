"""Sign-in limits (issue 14, #2 and #7): failures counted per account and per address, a correct
password let through a busy address, the name normalised as sign-in does, counted atomically, and
the client's own address behind the shipped proxy configuration."""
from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import subprocess
import threading
import urllib.parse
from pathlib import Path

import pytest

from conftest import REPO, TEST_PASSWORD, csrf_token, ensure_user, free_port, sign_in, start_kb_serve
from desk_site import hidden
from waiting import wait_for_http

WRONG = "wrong-password-123"


@pytest.fixture
def fresh_app(corpus_site, tmp_path):
    """An app of its own on the shared test database, with counters of its own in the shipped
    default storage (a SQLite file, webui.login_store); `limits`' memory:// storage is not atomic
    under 40 parallel tries (it sometimes let fewer through than allowed)."""
    from webui import create_app
    from webui.login_store import COUNTS_FILE, storage_uri
    return create_app(corpus_site.config(RATELIMIT_STORAGE_URI=storage_uri(tmp_path / COUNTS_FILE)))


def failures(app, name: str) -> int:
    from kb.audit import AuditQuery
    audit = app.extensions["kb.audit"]
    return sum(1 for e in audit.events(AuditQuery(action="login_failed"), limit=10_000) if e.target == name)


def test_a_stranger_flooding_failures_does_not_lock_out_other_users(fresh_app):
    users = [ensure_user(fresh_app, "officer", f"station-{n}") for n in range(4)]
    stranger = fresh_app.test_client()
    codes = [sign_in(stranger, f"guess-{secrets.token_hex(4)}", WRONG).status_code for _ in range(70)]
    assert codes[:30] == [401] * 30 and set(codes[30:]) == {429}       # the address is over its limit
    for name in users:                 # same address (the station's NAT), right passwords: let through
        assert sign_in(fresh_app.test_client(), name).status_code == 302
    # a wrong password from the busy address is still refused
    assert sign_in(fresh_app.test_client(), users[0], WRONG).status_code == 429


@pytest.mark.parametrize("variant", [" {}", "{} ", "\t{}", "  {}\t"])
def test_a_name_with_spaces_is_limited_like_the_name(fresh_app, variant):
    name = ensure_user(fresh_app, "officer", "spaced-target")
    c = fresh_app.test_client()
    for _ in range(5):
        assert sign_in(c, name, WRONG).status_code == 401
    assert sign_in(c, variant.format(name), WRONG).status_code == 429
    assert sign_in(fresh_app.test_client(), variant.format(name), TEST_PASSWORD).status_code == 429


def test_parallel_wrong_passwords_get_exactly_the_allowed_checks(fresh_app):
    name = ensure_user(fresh_app, "officer", f"parallel-{secrets.token_hex(3)}")
    clients = [fresh_app.test_client() for _ in range(40)]
    tokens = [csrf_token(c) for c in clients]
    codes: list[int] = []
    start = threading.Barrier(len(clients))

    def attempt(c, token):
        start.wait()
        r = c.post("/login", data={"username": name, "password": WRONG, "csrf_token": token})
        codes.append(r.status_code)
    threads = [threading.Thread(target=attempt, args=ct) for ct in zip(clients, tokens, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [401] * 5 + [429] * 35
    assert failures(fresh_app, name) == 5            # five password checks, not twelve


def test_a_correct_password_starts_the_count_again(fresh_app):
    name = ensure_user(fresh_app, "officer", "clears-count")
    c = fresh_app.test_client()
    for _ in range(4):
        assert sign_in(c, name, WRONG).status_code == 401
    assert sign_in(fresh_app.test_client(), name).status_code == 302
    for _ in range(5):
        assert sign_in(c, name, WRONG).status_code == 401


def test_the_shipped_configuration_trusts_one_proxy_hop():
    env = (REPO / "deploy" / "kb.env").read_text(encoding="utf-8").splitlines()
    assert "KB_PROXY_FIX=1" in env
    service = (REPO / "deploy" / "kb-web.service").read_text(encoding="utf-8")
    assert "--host 127.0.0.1" in service and "EnvironmentFile=/etc/kb/kb.env" in service


def test_behind_the_proxy_limits_and_audit_see_the_clients_own_address(corpus_site, monkeypatch):
    from webui import create_app
    monkeypatch.setenv("KB_PROXY_FIX", "1")
    app = create_app(corpus_site.config())
    name = ensure_user(app, "officer", "behind-proxy")

    def from_address(ip: str, password: str):
        c = app.test_client()
        c.environ_base.update(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ip)
        return sign_in(c, f"proxied-{secrets.token_hex(3)}" if password == WRONG else name, password)

    for _ in range(31):                # one client's flood uses up its own address' allowance …
        last = from_address("203.0.113.7", WRONG)
    assert last.status_code == 429
    assert from_address("198.51.100.9", WRONG).status_code == 401      # … not the proxy's
    assert from_address("198.51.100.10", TEST_PASSWORD).status_code == 302
    from kb.audit import AuditQuery
    rows = app.extensions["kb.audit"].events(AuditQuery(action="login"), limit=50)
    assert any(e.target == "" and e.username == name and e.ip == "198.51.100.10" for e in rows)
    flood = [e for e in app.extensions["kb.audit"].events(AuditQuery(action="login_failed"), limit=500)
             if e.target.startswith("proxied-")]
    assert {e.ip for e in flood} >= {"203.0.113.7", "198.51.100.9"} and "127.0.0.1" not in {e.ip for e in flood}


def test_the_counter_storage_is_configurable(corpus_site):
    from webui import create_app
    app = create_app(corpus_site.config(RATELIMIT_STORAGE_URI="memory://"))
    assert type(app.extensions["kb.limiter"].storage).__name__ == "MemoryStorage"
    assert Path(REPO / "deploy" / "kb.env").read_text(encoding="utf-8").count("KB_RATELIMIT_STORAGE_URI=") == 1


# -- through the shipped haproxy config (a cluster's one proxy) -----------------------------------
def _sign_in_from(source: str, port: int, name: str, forwarded_for: str | None) -> int:
    """A wrong-password sign-in from the local address `source` (127.0.0.x), optionally with an
    X-Forwarded-For header of the client's own making; the status code."""
    def request(method: str, body: str = "", headers: dict | None = None) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
        conn.request(method, "/login", body=body.encode(), headers=headers or {})
        return conn.getresponse()
    page = request("GET")
    cookie = page.getheader("Set-Cookie", "").split(";", 1)[0]
    token = hidden(page.read().decode(), "csrf_token")
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    form = urllib.parse.urlencode({"username": name, "password": WRONG, "csrf_token": token})
    return request("POST", form, headers).status


def test_through_the_shipped_haproxy_config_the_audit_has_the_clients_address(corpus_site, tmp_path):
    """deploy/haproxy.cfg in front of a node with KB_PROXY_FIX=1 (deploy/kb-node.env): the app sees
    the address the client connected from, whether or not the client sent an X-Forwarded-For of
    its own (a forged one would let it pick the address its failures count against)."""
    from kb.audit import AuditQuery
    from webui import create_app
    data = tmp_path / "data"
    env = dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(corpus_site.index), KB_DATA=str(data),
               KB_PROXY_FIX="1")
    node, lb = free_port(), free_port()
    proc = start_kb_serve(env, node)
    balancer = subprocess.Popen([shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f",
                                 str(REPO / "deploy" / "haproxy.cfg")],
                                env=dict(os.environ, KB_LB_BIND=f"127.0.0.1:{lb}", KB_NODE1=f"127.0.0.1:{node}",
                                         KB_NODE2=f"127.0.0.1:{node}"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_http(f"http://127.0.0.1:{lb}/healthz", while_alive=balancer)
        assert _sign_in_from("127.0.0.3", lb, "via-lb-plain", None) == 401
        assert _sign_in_from("127.0.0.3", lb, "via-lb-forged", "203.0.113.9") == 401
    finally:
        balancer.terminate()
        balancer.wait(timeout=30)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    app = create_app({"TESTING": True, "CORPUS": str(corpus_site.corpus), "INDEX": str(corpus_site.index),
                      "DATA": str(data)})
    rows = app.extensions["kb.audit"].events(AuditQuery(action="login_failed"), limit=50)
    assert {e.target: e.ip for e in rows if e.target.startswith("via-lb-")} == \
        {"via-lb-plain": "127.0.0.3", "via-lb-forged": "127.0.0.3"}
