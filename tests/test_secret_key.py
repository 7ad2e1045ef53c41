"""The signing key: every process of a first start (kb serve --workers N on an empty data folder)
ends up with the same key, the one in the file."""
from __future__ import annotations

import multiprocessing

from webui.auth import secret_key

PROCESSES = 6


def _start(data, barrier, keys):
    barrier.wait()
    keys.put(secret_key(data))


def test_concurrent_first_starts_share_one_key(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_SECRET_KEY", raising=False)
    ctx = multiprocessing.get_context("fork")
    for attempt in range(15):          # the race is narrow: several fresh folders
        data = tmp_path / str(attempt)
        barrier, keys = ctx.Barrier(PROCESSES), ctx.Queue()
        procs = [ctx.Process(target=_start, args=(data, barrier, keys)) for _ in range(PROCESSES)]
        for p in procs:
            p.start()
        got = [keys.get(timeout=30) for _ in procs]
        for p in procs:
            p.join(timeout=30)
        on_disk = (data / "secret_key").read_text().strip()
        assert set(got) == {on_disk}, attempt
        assert len(on_disk) == 64 and (data / "secret_key").stat().st_mode & 0o777 == 0o600
        assert [p.name for p in data.iterdir()] == ["secret_key"]      # no temp files left
