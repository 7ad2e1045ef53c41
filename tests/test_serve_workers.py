"""`kb serve --workers 2` (gunicorn): two worker processes answer on one port, a killed worker is
replaced while searches keep answering, SIGHUP replaces them all without a failed request, and
SIGTERM stops them together with their queued audit rows written."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from conftest import free_port, start_kb_serve
from kb.audit import AuditLog, AuditQuery
from kb.db import database_url, open_database
from waiting import wait_for, wait_for_http


def serve_with_officer(corpus_site, tmp_path, name: str, workers: int):
    """`kb serve --workers N` on the corpus site, with an officer's API token:
    (process, port, token, data folder)."""
    data = tmp_path / "data"
    env = dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(corpus_site.index), KB_DATA=str(data))
    kb = [sys.executable, "-m", "kb_cli.cli"]
    subprocess.run([*kb, "user", "add", name, "--role", "officer", "--password-stdin"], env=env,
                   input="queue-check-passphrase-9\n", text=True, check=True, capture_output=True)
    token = subprocess.run([*kb, "token", "create", name], env=env, text=True,
                           capture_output=True, check=True).stdout.strip()
    port = free_port()
    return start_kb_serve(env, port, workers), port, token, data


@pytest.mark.parametrize("workers", [1, 2])
def test_queued_search_audit_rows_are_written_before_a_stop(corpus_site, tmp_path, workers):
    """Search rows wait in each process's audit queue while the database is locked; SIGTERM then
    still leaves every one of them in the database once the lock goes."""
    proc, port, token, data = serve_with_officer(corpus_site, tmp_path, "audit-officer", workers)

    def search(q: str) -> None:
        url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": q})
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        assert urllib.request.urlopen(req, timeout=30).status == 200

    queries = [f"職務質問 {n}" for n in range(40)]
    lock = sqlite3.connect(data / "kb.sqlite3", timeout=30, isolation_level=None, check_same_thread=False)
    try:
        for q in queries[:2]:         # every worker has its token check done before the lock
            search(q)
        lock.execute("BEGIN IMMEDIATE")       # no writer gets in: the audit rows stay queued
        for q in queries[2:]:
            search(q)
        threading.Timer(1.0, lambda: lock.execute("ROLLBACK")).start()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        lock.close()
    db = open_database(database_url(data))
    try:
        rows = AuditLog(db).events(AuditQuery(action="api_search"), limit=1000)
        assert sorted(e.target for e in rows) == sorted(queries)
        assert {e.username for e in rows} == {"audit-officer"}
    finally:
        db.dispose()


def test_two_worker_processes_share_the_port_and_stop_together(corpus_site, tmp_path):
    env = dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(corpus_site.index),
               KB_DATA=str(tmp_path / "data"))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kb_cli.cli", "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        out = ""
        while "serving on" not in out:
            line = proc.stdout.readline()
            assert line, out
            out += line
        assert "2 process(es)" in out
        wait_for_http(f"http://127.0.0.1:{port}/login", while_alive=proc)
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 2
        for _ in range(20):
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10)
            assert page.status == 200 and "ログイン" in page.read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    def gone(pid: str) -> bool:
        return not os.path.exists(f"/proc/{pid}") or "Z" in open(f"/proc/{pid}/stat").read().split()[2]
    wait_for(lambda: all(gone(pid) for pid in children), timeout=10, what="the workers to exit",
             ignore=(FileNotFoundError,))


# -- a worker that dies, a graceful reload ---------------------------------------------------------
def _workers(master: int) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return {int(pid) for pid in out}


class _Searcher(threading.Thread):
    """One officer searching back to back over HTTP until stopped: answers and failures counted."""

    def __init__(self, port: int, token: str):
        super().__init__(daemon=True)
        self.port, self.token = port, token
        self.answered = 0
        self.failures: list[str] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stopped.is_set():
            n += 1
            url = f"http://127.0.0.1:{self.port}/api/search?" + urllib.parse.urlencode({"q": f"職務質問 同行 {n}"})
            req = urllib.request.Request(url, headers={"Authorization": f"Bearer {self.token}"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    assert r.status == 200 and "hits" in json.loads(r.read())
                self.answered += 1
            except (OSError, AssertionError, ValueError) as e:
                self.failures.append(f"{type(e).__name__}: {e}")


@pytest.fixture()
def served(corpus_site, tmp_path):
    """`kb serve --workers 2` with an officer's API token: (process, port, token)."""
    proc, port, token, _ = serve_with_officer(corpus_site, tmp_path, "reload-officer", 2)
    wait_for(lambda: len(_workers(proc.pid)) == 2, what="two workers")
    yield proc, port, token
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0


@contextmanager
def searching(port: int, token: str):
    """An officer searching back to back while the block runs (after the first answers)."""
    officer = _Searcher(port, token)
    officer.start()
    try:
        wait_for(lambda: officer.answered >= 5, what="first searches")
        yield officer
    finally:
        officer.stopped.set()
        officer.join(timeout=60)


def keeps_answering(officer: _Searcher, what: str) -> None:
    answered = officer.answered
    wait_for(lambda: officer.answered >= answered + 10, what=f"searches after {what}")


def test_a_killed_worker_is_replaced_and_searches_keep_answering(served):
    proc, port, token = served
    with searching(port, token) as officer:
        before = _workers(proc.pid)
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        replaced = wait_for(lambda: (now := _workers(proc.pid)) - before and len(now) == 2 and now,
                            what="a new worker in place of the killed one")
        assert victim not in replaced and len(replaced & before) == 1
        keeps_answering(officer, "the kill")
    assert proc.poll() is None, "the server stayed up"
    # a request in the killed worker's hands at that instant may fail; nothing after it does
    assert len(officer.failures) <= 1, officer.failures


def test_sighup_replaces_every_worker_without_a_failed_search(served):
    proc, port, token = served
    with searching(port, token) as officer:
        before = _workers(proc.pid)
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: not (_workers(proc.pid) & before) and len(_workers(proc.pid)) == 2,
                 what="both workers replaced")
        keeps_answering(officer, "the reload")
    assert proc.poll() is None
    assert officer.failures == []
