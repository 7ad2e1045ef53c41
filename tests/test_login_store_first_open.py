"""Workers opening the sign-in counters' new SQLite file at the same moment all count: none gets
"database is locked" (which the sign-in page turned into a 500 with `kb serve --workers 2`)."""
from __future__ import annotations

import multiprocessing as mp

from webui.login_store import SQLiteStorage, storage_uri

PROCESSES = 8
ROUNDS = 40


def _count_once(path, barrier, results):
    storage = SQLiteStorage(storage_uri(path))
    barrier.wait()                       # every process opens the new file at once
    try:
        storage.acquire_entry("login/officer", 1000, 60)
        results.put("ok")
    except Exception as e:               # the failure under test, reported to the parent
        results.put(repr(e))


def test_processes_opening_a_new_counts_file_at_once_all_count(tmp_path):
    ctx = mp.get_context("fork")
    for n in range(ROUNDS):
        path = tmp_path / f"round{n}" / "login_counts.sqlite3"
        barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
        procs = [ctx.Process(target=_count_once, args=(path, barrier, results)) for _ in range(PROCESSES)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=60)
        outcomes = [results.get(timeout=10) for _ in procs]
        assert outcomes == ["ok"] * PROCESSES, (n, outcomes)
        assert SQLiteStorage(storage_uri(path)).get("login/officer") == PROCESSES
