"""`kb serve --workers 2`: two waitress processes answer on one port and stop together."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import free_port, start_kb_serve
from waiting import wait_for, wait_for_http


@pytest.mark.parametrize("workers", [1, 2])
def test_queued_search_audit_rows_are_written_before_a_stop(corpus_site, tmp_path, workers):
    """Search rows wait in each process's audit queue while the database is locked; SIGTERM then
    still leaves every one of them in the database once the lock goes."""
    import sqlite3
    import threading

    from kb.audit import AuditLog, AuditQuery
    from kb.db import database_url, open_database
    data = tmp_path / "data"
    env = dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(corpus_site.index), KB_DATA=str(data))
    kb = [sys.executable, "-m", "kb_cli.cli"]
    subprocess.run([*kb, "user", "add", "audit-officer", "--role", "officer", "--password-stdin"], env=env,
                   input="queue-check-passphrase-9\n", text=True, check=True, capture_output=True)
    token = subprocess.run([*kb, "token", "create", "audit-officer"], env=env, text=True,
                           capture_output=True, check=True).stdout.strip()
    port = free_port()
    proc = start_kb_serve(env, port, workers)

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
