"""Index generations: build next to the live one, switch atomically, keep a few, roll back.

Layout of the index home (KB_INDEX):
    CURRENT              name of the live generation (replaced atomically)
    gen-<stamp>/         complete Whoosh indexes
    .build-<stamp>/      a generation being built (never read by searchers)
    .lock                held by a full rebuild
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from kb.store import atomic_write

KEEP_GENERATIONS = 3


class IndexMissing(RuntimeError):
    """No index has been built yet."""


class RebuildRunning(RuntimeError):
    """Another rebuild holds the lock."""


def current_name(home: Path) -> str | None:
    try:
        name = (Path(home) / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return None
    return name or None


def current_path(home: Path) -> Path:
    """Directory of the live generation."""
    name = current_name(home)
    if not name or not (Path(home) / name).is_dir():
        raise IndexMissing(f"no index in {home}: run `kb index`")
    return Path(home) / name


def generations(home: Path) -> list[str]:
    """Complete generations, oldest first."""
    home = Path(home)
    if not home.is_dir():
        return []
    return sorted(p.name for p in home.iterdir() if p.is_dir() and p.name.startswith("gen-"))


def new_build_dir(home: Path) -> Path:
    """An empty folder for a generation under construction."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    now = time.time_ns()  # names sort in build order: date, time, nanoseconds
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now // 10**9)) + f"-{now % 10**9:09d}"
    path = home / f".build-{stamp}"
    path.mkdir()
    return path


def swap_generation(home: Path, build_dir: Path, keep: int = KEEP_GENERATIONS) -> Path:
    """Publish a finished build as the live generation (atomic pointer replace), prune old ones."""
    home = Path(home)
    final = home / ("gen-" + build_dir.name.removeprefix(".build-"))
    os.replace(build_dir, final)
    atomic_write(home / "CURRENT", final.name + "\n")
    prune(home, keep)
    return final


def rollback(home: Path) -> str:
    """Make the generation before the live one live again."""
    gens = generations(home)
    live = current_name(home)
    older = [g for g in gens if live is None or g < live]
    if not older:
        raise IndexMissing("no earlier generation to roll back to")
    atomic_write(Path(home) / "CURRENT", older[-1] + "\n")
    return older[-1]


def prune(home: Path, keep: int = KEEP_GENERATIONS) -> None:
    """Delete generations beyond the newest `keep` (never the live one) and stale build folders."""
    home = Path(home)
    live = current_name(home)
    for name in generations(home)[:-keep] if keep > 0 else []:
        if name != live:
            shutil.rmtree(home / name, ignore_errors=True)


def clean_stale_builds(home: Path) -> int:
    """Remove build folders left by a crashed rebuild (call while holding the lock)."""
    n = 0
    for p in Path(home).glob(".build-*"):
        shutil.rmtree(p, ignore_errors=True)
        n += 1
    return n


@contextmanager
def rebuild_lock(home: Path):
    """Exclusive lock for a full rebuild; raises RebuildRunning at once if held."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    f = open(home / ".lock", "a+")
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EACCES):
                raise RebuildRunning("another index rebuild is running") from None
            raise
        yield
    finally:
        f.close()
