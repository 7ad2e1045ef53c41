"""Index generations: build next to the live one, switch atomically, keep a few, roll back.

Layout of the index home (KB_INDEX):
    CURRENT              name of the live generation (replaced atomically)
    gen-<stamp>/         complete Whoosh indexes (+ catalog.json, build.json)
    .build-<stamp>/      a generation being built (never read by searchers)
    history.jsonl        every switch: which generation went live, when, why (rollback follows it)
    journal.jsonl        document updates made while a rebuild runs (indexer.updates)
    .lock                held by a full rebuild (its pid and start time inside, for `kb status`)
    .writer.lock         held by whoever writes into a live generation (indexer.updates)
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as windex

from indexer.catalog import read_catalog
from kb.store import atomic_write

KEEP_GENERATIONS = 3
HISTORY = "history.jsonl"
BUILD_INFO = "build.json"          # what the build of a generation recorded


class IndexMissing(RuntimeError):
    """No index has been built yet."""


class RebuildRunning(RuntimeError):
    """Another rebuild holds the lock."""


def read_build_info(gen_dir: Path) -> dict:
    """What the build of a generation recorded (build.json; {} when absent or unreadable)."""
    try:
        return json.loads((Path(gen_dir) / BUILD_INFO).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


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


# -- history of switches --------------------------------------------------------------------

def history(home: Path) -> list[dict]:
    """Every switch of the live generation, oldest first ({at, generation, action, ...})."""
    try:
        lines = (Path(home) / HISTORY).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:      # a line cut by a crash: the rest still counts
            continue
    return out


def record_switch(home: Path, generation: str, action: str, **extra) -> None:
    """Append one line to the history (fsync'd: it decides what a rollback returns to)."""
    path = Path(home) / HISTORY
    if not path.exists():
        # adopt generations built before the history existed, so cleanup never takes them
        seed = [g for g in generations(home) if g != generation]
        lines = "".join(json.dumps({"at": None, "generation": g, "action": "adopted"}) + "\n" for g in seed)
        atomic_write(path, lines)
    entry = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "generation": generation,
             "action": action, **extra}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def set_current(home: Path, name: str, action: str, **extra) -> None:
    """Point CURRENT at a complete generation (one atomic file replace) and log the switch."""
    atomic_write(Path(home) / "CURRENT", name + "\n")
    record_switch(home, name, action, **extra)


def swap_generation(home: Path, build_dir: Path, keep: int = KEEP_GENERATIONS,
                    action: str = "reindex", **extra) -> Path:
    """Publish a finished build as the live generation (atomic pointer replace), prune old ones."""
    home = Path(home)
    final = home / ("gen-" + build_dir.name.removeprefix(".build-"))
    os.replace(build_dir, final)
    set_current(home, final.name, action, **extra)
    prune(home, keep)
    return final


def previous_generation(home: Path) -> str | None:
    """The generation that was live before the current one and still exists."""
    home = Path(home)
    live = current_name(home)
    existing = set(generations(home))
    for entry in reversed(history(home)):
        g = entry.get("generation")
        if g and g != live and g in existing and entry.get("action") != "adopted":
            return g
    older = [g for g in sorted(existing) if live is None or g < live]   # homes without history
    return older[-1] if older else None


def rollback(home: Path) -> str:
    """Make the generation live before the current one live again (callers hold the locks)."""
    target = previous_generation(home)
    if not target:
        raise IndexMissing("no earlier generation to roll back to")
    set_current(home, target, "rollback", previous=current_name(home))
    return target


def prune(home: Path, keep: int = KEEP_GENERATIONS) -> None:
    """Delete generations beyond the newest `keep` (never the live one).

    At least two are kept: searchers that opened the generation just replaced finish on it."""
    home = Path(home)
    keep = max(2, keep)
    live = current_name(home)
    for name in generations(home)[:-keep]:
        if name != live:
            shutil.rmtree(home / name, ignore_errors=True)


def clean_stale_builds(home: Path) -> int:
    """Remove what a crashed rebuild left (call while holding the rebuild lock): build folders,
    and a generation renamed into place whose switch never happened (absent from the history)."""
    home = Path(home)
    n = 0
    for p in home.glob(".build-*"):
        shutil.rmtree(p, ignore_errors=True)
        n += 1
    if (home / HISTORY).exists():
        known = {e.get("generation") for e in history(home)} | {current_name(home)}
        for name in generations(home):
            if name not in known:
                shutil.rmtree(home / name, ignore_errors=True)
                n += 1
    return n


def dir_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.stat(os.path.join(root, f)).st_size
            except FileNotFoundError:
                pass
    return total


# -- locks ----------------------------------------------------------------------------------

@contextmanager
def rebuild_lock(home: Path):
    """Exclusive lock for a full rebuild; raises RebuildRunning at once if held.

    The kernel drops the lock when its process dies (even kill -9), so a crash never blocks the
    next run. The file holds the holder's pid and start time for `kb status`."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    f = open(home / ".lock", "a+")
    held = False
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EACCES):
                holder = rebuild_holder(home) or {}
                since = time.strftime("%H:%M:%S", time.localtime(holder.get("started") or time.time()))
                raise RebuildRunning(f"another index rebuild is running (pid {holder.get('pid', '?')}, "
                                     f"since {since})") from None
            raise
        held = True
        f.seek(0)
        f.truncate()
        f.write(json.dumps({"pid": os.getpid(), "started": time.time()}))
        f.flush()
        yield
    finally:
        if held:
            f.truncate(0)
        f.close()


def rebuild_holder(home: Path) -> dict | None:
    """{pid, started} of a running rebuild, or None (read-only: never touches the lock)."""
    try:
        info = json.loads((Path(home) / ".lock").read_text() or "{}")
        pid = int(info["pid"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
    if pid == os.getpid():
        return info
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    # a recycled pid may belong to something else: only a kb process counts
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return info
    return info if (b"kb" in cmd or b"python" in cmd or b"pytest" in cmd) else None


def index_status(home: Path) -> dict:
    """What `kb status` reports: the live generation and its counts, the last reindex, sizes,
    generations kept, a running rebuild and changes waiting in its journal."""
    home = Path(home)
    live = current_name(home)
    gens = generations(home)
    out = {"home": str(home), "live": None, "last_reindex": None, "generations": [],
           "bytes": dir_size(home) if home.is_dir() else 0,
           "rebuild_running": rebuild_holder(home), "journal_pending": 0}
    for g in gens:
        out["generations"].append({"name": g, "live": g == live, "bytes": dir_size(home / g)})
    if live and (home / live).is_dir():
        ix = windex.open_dir(str(home / live))
        try:
            sections, segments = ix.doc_count(), len(ix._segments())
        finally:
            ix.close()
        catalog = read_catalog(home / live)
        out["live"] = {"generation": live, "documents": len(catalog), "sections": sections,
                       "segments": segments, "bytes": dir_size(home / live)}
        info = read_build_info(home / live)
        switches = [e for e in history(home) if e.get("action") in ("reindex", "index")]
        if info or switches:
            last = dict(info)
            for k in ("started", "finished"):
                if last.get(k):
                    last[k + "_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(last[k]))
            if switches:
                last["switched_at"] = switches[-1].get("at")
                last.setdefault("generation", switches[-1].get("generation"))
            last.pop("checks", None)
            last["errors"] = len(last.get("errors") or [])
            out["last_reindex"] = last
    journal = home / "journal.jsonl"
    if out["rebuild_running"] and journal.exists():
        out["journal_pending"] = sum(1 for line in journal.read_text(encoding="utf-8").splitlines() if line.strip())
    return out
