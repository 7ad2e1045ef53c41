"""Write intents: what a corpus write is about to do, recorded before the file is touched.

A desk publish and an editor save each write a corpus file and a database record. A process
killed between the two used to leave a case file nobody decided to publish, or a revision without
its author. Now each write first puts an intent beside its target (`.<name>.intent`, JSON: who,
what, the text's SHA-256), holds the corpus write lock until its database commit, then removes
the intent. kb.reconcile finishes or undoes whatever intent a dead process left (at start-up, in
`kb check` and before `kb reindex`). The lock is an flock, so it ends with its process.
"""
from __future__ import annotations

import fcntl
import json
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from kb.store import atomic_write

LOCK_FILE = ".writes.lock"
SUFFIX = ".intent"
_thread_lock = threading.RLock()         # flock is per open file: one holder per process at a time


def crash_point(name: str) -> None:
    """Fault injection for the kill tests: KB_CRASH_AT=<name> ends the process right here, as a
    `kill -9` would (no cleanup, no atexit, no flush)."""
    if os.environ.get("KB_CRASH_AT") == name:
        os._exit(137)


@contextmanager
def write_lock(corpus: Path):
    """The corpus write lock (exclusive, across processes and threads)."""
    corpus = Path(corpus)
    corpus.mkdir(parents=True, exist_ok=True)
    with _thread_lock:
        fd = os.open(corpus / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)                 # closing releases the flock


def intent_path(target: Path) -> Path:
    target = Path(target)
    return target.with_name(f".{target.name}{SUFFIX}")


def record_intent(target: Path, **fields) -> None:
    atomic_write(intent_path(target), json.dumps(fields, ensure_ascii=False))


def clear_intent(target: Path) -> None:
    """Remove the intent; on a volume that refuses even that, kb.reconcile removes it later
    (it finds the write finished or never done)."""
    discard(intent_path(target))


def discard(path: Path) -> None:
    """Delete a file if it is there and the volume lets us (a cleanup after a failed write)."""
    try:
        Path(path).unlink(missing_ok=True)
    except OSError:
        pass


def read_intent(target: Path) -> dict | None:
    try:
        return json.loads(intent_path(target).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def pending_intents(corpus: Path) -> list[tuple[Path, dict]]:
    """(target file, intent) of every intent left in the corpus."""
    out = []
    for p in sorted(Path(corpus).rglob(f".*{SUFFIX}")):
        target = p.with_name(p.name[1:-len(SUFFIX)])
        try:
            out.append((target, json.loads(p.read_text(encoding="utf-8"))))
        except ValueError:
            out.append((target, {}))
    return out
