"""A cluster node follows the corpus change log (kb.changelog) into its own corpus and index.

    follower = Follower(db, corpus, home, data, node="kb1").start()   # a daemon thread
    follower.catch_up()                                              # or one pass, now

One pass reads the rows after the node's last applied sequence (kept in DATA/corpus_applied_seq),
writes the files (kb.changelog.apply_to_corpus), sends the changed documents through the single
index writer (indexer.updates), then records the new sequence. Rows this node wrote itself are
already in its index (the write path indexed them); rows of other nodes are always re-indexed,
so a pass cut short by a crash is simply done again. Every web worker of a node runs a follower;
an flock in DATA makes them take turns, and a follower that waited finds the work done.

The thread wakes on PostgreSQL's NOTIFY kb_corpus_changes and, on any database, every
`poll_seconds` anyway (a lost notification or connection costs at most one interval).
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import Any

import psycopg

from indexer.updates import get_updater
from kb.changelog import CHANNEL, apply_to_corpus, changes_after, latest_per_document
from kb.db import Database
from kb.document import DocumentError
from kb.store import atomic_write

STATE_FILE = "corpus_applied_seq"
LOCK_FILE = ".follow.lock"
POLL_SECONDS = 5.0
BATCH = 500
log = logging.getLogger(__name__)


def applied_seq(data: Path) -> int:
    try:
        return int((Path(data) / STATE_FILE).read_text().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def set_applied_seq(data: Path, seq: int) -> None:
    atomic_write(Path(data) / STATE_FILE, f"{seq}\n")


class Follower:
    def __init__(self, db: Database, corpus: Path, home: Path, data: Path, node: str,
                 poll_seconds: float = POLL_SECONDS):
        self.db, self.corpus, self.home, self.data = db, Path(corpus), Path(home), Path(data)
        self.node = node
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self.caught_up = threading.Event()     # set after the first full pass (a node's readiness)
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    # -- one pass ---------------------------------------------------------------------------
    def catch_up(self) -> int:
        """Apply every row not applied yet; the node's applied sequence afterwards."""
        self.data.mkdir(parents=True, exist_ok=True)
        with open(self.data / LOCK_FILE, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)          # the node's workers take turns
            seq = applied_seq(self.data)
            while rows := changes_after(self.db, seq, BATCH):
                changed = set(apply_to_corpus(self.corpus, rows))
                changed |= {r.doc_id for r in latest_per_document(rows).values() if r.node != self.node}
                if changed:
                    self._index(sorted(changed))
                seq = rows[-1].seq
                set_applied_seq(self.data, seq)
            return seq

    def _index(self, doc_ids: list[str]) -> None:
        """Through the single index writer; a document that does not parse is left out (its file is
        in the corpus, `kb check` names it) instead of stopping the node's following for good."""
        updater = get_updater(self.corpus, self.home)
        try:
            updater.update_documents(doc_ids)
        except DocumentError:
            for doc_id in doc_ids:
                try:
                    updater.update_documents([doc_id])
                except DocumentError as e:
                    log.error("change log: %s not indexed: %s", doc_id, e)

    # -- the thread -------------------------------------------------------------------------
    def start(self) -> Follower:
        """Start following in this process (again after a fork: threads do not survive one)."""
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return self
        self._pid = os.getpid()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kb-follow", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        wait = self._listener()          # listening before the first pass: nothing falls between
        while not self._stop.is_set():
            try:
                self.catch_up()
                self.caught_up.set()
            except Exception:              # the database or index is away: try again next time
                log.exception("following the corpus change log failed; retrying")
            wait()

    def _listener(self):
        """A function that returns on a notification or after poll_seconds."""
        if self.db.engine.dialect.name != "postgresql":
            return lambda: self._stop.wait(self.poll_seconds)
        state: dict[str, Any] = {"conn": None}
        try:
            state["conn"] = self._listen()
        except Exception:
            log.warning("LISTEN %s failed; polling until it works", CHANNEL)

        def wait():
            try:
                if state["conn"] is None:
                    state["conn"] = self._listen()
                for _ in state["conn"].notifies(timeout=self.poll_seconds, stop_after=1):
                    pass
            except Exception:
                log.warning("LISTEN %s lost; polling until it is back", CHANNEL)
                self._close(state.pop("conn", None))
                state["conn"] = None
                self._stop.wait(self.poll_seconds)
        return wait

    def _listen(self):
        url = self.db.engine.url.set(drivername="postgresql")
        conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    @staticmethod
    def _close(conn) -> None:
        try:
            if conn is not None:
                conn.close()
        except Exception:
            pass
