"""The single index writer: publishes and edits reach the live generation one commit at a time.

    updater = get_updater(corpus, home)
    updater.update_documents(["kotsu-manual"])    # re-read from the corpus, committed, searchable
    updater.remove_documents(["old-notice"])

Writes are serialised twice: in a process by one worker thread fed by a queue (callers wait for
their commit; queued changes are committed together), across processes (CLI, every web worker,
a rebuild) by an fcntl lock file in the index home. Whoosh's own write lock is therefore never
contended and a LockError never reaches a caller.

While a full rebuild runs it holds journal.jsonl (flock); every change is also appended there and
the rebuild replays the journal into its new generation before the switch, under the same writer
lock, so a publish made during a rebuild is never lost.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import queue
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex

from indexer import generations
from indexer.asked import asked_map, read_clicks
from indexer.catalog import catalog_entry, read_catalog, write_catalog
from indexer.records import section_records
from kb.anchors import split_key
from kb.document import Document, DocumentError, read_document
from kb.store import document_paths, find_document

WRITER_LOCK = ".writer.lock"
JOURNAL = "journal.jsonl"
LOCK_TIMEOUT = 120.0


class IndexBusy(RuntimeError):
    """The index writer lock could not be had in time (message_ja for the UI)."""
    message_ja = "索引の更新が混み合っています。しばらくしてから再度お試しください。"


@dataclass
class UpdateResult:
    generation: str | None
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    journaled: bool = False          # a rebuild was running: it will carry the change over
    seconds: float = 0.0


# -- locks and the journal ------------------------------------------------------------------

@contextmanager
def writer_lock(home: Path, timeout: float = LOCK_TIMEOUT):
    """The cross-process lock for writing into a live generation (waits, then IndexBusy)."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    f = open(home / WRITER_LOCK, "a+")
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    raise IndexBusy(f"index writer lock in {home} busy for {timeout:.0f}s") from None
                time.sleep(0.02)
        yield
    finally:
        f.close()


def active_journal(home: Path) -> Path | None:
    """The journal of a running rebuild, or None. A journal left by a crashed rebuild (nobody
    holds its lock any more) is deleted: its changes are already in the live generation.
    Call under the writer lock."""
    path = Path(home) / JOURNAL
    try:
        f = open(path)
    except FileNotFoundError:
        return None
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EACCES):
                return path
            raise
        path.unlink(missing_ok=True)
        return None


def append_journal(path: Path, changes: list[tuple[str, str]]) -> None:
    with open(path, "a", encoding="utf-8") as f:
        for op, doc_id in changes:
            f.write(json.dumps({"op": op, "id": doc_id, "at": time.time()}) + "\n")
        f.flush()
        os.fsync(f.fileno())


class Journal:
    """Held by a rebuild from before it reads the corpus until after its switch."""

    def __init__(self, home: Path):
        self.path = Path(home) / JOURNAL
        self._f = None

    def open(self) -> Journal:
        """Start recording (call under the writer lock, so no change falls between)."""
        self._f = open(self.path, "w", encoding="utf-8")
        fcntl.flock(self._f, fcntl.LOCK_EX)
        return self

    def changes(self) -> list[tuple[str, str]]:
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                e = json.loads(line)
                out.append((e["op"], e["id"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
        return out

    def close(self) -> None:
        if self._f is not None:
            self.path.unlink(missing_ok=True)
            self._f.close()
            self._f = None


# -- applying changes to one generation -----------------------------------------------------

def read_changes(corpus: Path, changes: list[tuple[str, str]]) -> dict[str, Document | None]:
    """The final state of every changed document: its Document, or None to remove it.
    The last change of a document wins; an update of a file that is gone is a removal."""
    final: dict[str, str] = {}
    for op, doc_id in changes:
        final.pop(doc_id, None)
        final[doc_id] = op
    out: dict[str, Document | None] = {}
    for doc_id, op in final.items():
        path = find_document(corpus, doc_id) if op == "update" else None
        out[doc_id] = read_document(path) if path else None
    return out


def with_basis_documents(corpus: Path, gen_dir: Path, docs: dict[str, Document | None]) -> dict[str, Document | None]:
    """The changed documents plus every document a changed inquiry cites (before or after the
    change): their sections' 「asked as」 wording (indexer.asked) changes with the inquiry."""
    catalog = read_catalog(gen_dir)
    cited: set[str] = set()
    for doc_id, doc in docs.items():
        old = catalog.get(doc_id, {}).get("basis") or []
        new = (doc.meta.get("basis") or []) if doc is not None else []
        cited.update(split_key(k)[0] for k in (*old, *new))
    out = dict(docs)
    for doc_id in sorted(cited - set(docs)):
        path = find_document(corpus, doc_id)
        if path:
            out[doc_id] = read_document(path)
    return out


def apply_documents(gen_dir: Path, docs: dict[str, Document | None],
                    asked: dict[str, list[str]] | None = None) -> None:
    """Replace (or remove) these documents in one generation: one Whoosh commit, then its
    catalog.json replaced atomically (searchers reload it when its mtime changes)."""
    if not docs:
        return
    ix = windex.open_dir(str(gen_dir))
    catalog = read_catalog(gen_dir)
    # our writer lock is held, so Whoosh's own lock is free; the timeout only covers the unforeseen
    writer = ix.writer(timeout=10.0, delay=0.05, compound=False)   # see indexer.build
    try:
        for doc_id, doc in docs.items():
            writer.delete_by_term("doc_id", doc_id)
            catalog.pop(doc_id, None)
            if doc is not None:
                for rec in section_records(doc, asked):
                    writer.add_document(**rec)
                catalog[doc_id] = catalog_entry(doc)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    write_catalog(gen_dir, catalog)


def apply_changes(corpus: Path, home: Path, changes: list[tuple[str, str]]) -> UpdateResult:
    """Apply ("update"|"remove", doc_id) changes to the live generation (journaled during a
    rebuild). Takes the writer lock; returns when the commit is done."""
    t0 = time.perf_counter()
    home = Path(home)
    with writer_lock(home):
        docs = read_changes(corpus, changes)
        journal = active_journal(home)
        if journal:
            append_journal(journal, changes)
        try:
            live = generations.current_path(home)
        except generations.IndexMissing:
            if journal:       # the first build is running: it will replay the journal
                return UpdateResult(None, journaled=True)
            raise
        docs = with_basis_documents(corpus, live, docs)
        apply_documents(live, docs, asked_map(corpus, clicks=read_clicks(home)))
    return UpdateResult(live.name, [d for d, doc in docs.items() if doc is not None],
                        [d for d, doc in docs.items() if doc is None], bool(journal),
                        time.perf_counter() - t0)


# -- the in-process queue -------------------------------------------------------------------

@dataclass
class _Job:
    changes: list[tuple[str, str]]
    done: threading.Event = field(default_factory=threading.Event)
    result: UpdateResult | None = None
    error: BaseException | None = None


class IndexUpdater:
    """The one door for document changes into the index; safe from any thread or process."""

    def __init__(self, corpus: Path, home: Path):
        self.corpus = Path(corpus)
        self.home = Path(home)
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def update_documents(self, doc_ids, timeout: float | None = None) -> UpdateResult:
        """Re-read these documents from the corpus into the index; returns once searchable."""
        return self._submit([("update", d) for d in doc_ids], timeout)

    def remove_documents(self, doc_ids, timeout: float | None = None) -> UpdateResult:
        """Take these documents out of the index (whether or not their files remain)."""
        return self._submit([("remove", d) for d in doc_ids], timeout)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def _submit(self, changes, timeout) -> UpdateResult:
        job = _Job(list(changes))
        if not job.changes:
            return UpdateResult(generations.current_name(self.home))
        self._ensure_worker()
        self._queue.put(job)
        if not job.done.wait(timeout):
            raise IndexBusy(f"index update not committed within {timeout}s")
        if job.error is not None:
            raise job.error
        return job.result

    def _ensure_worker(self):
        with self._start:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="kb-index-writer", daemon=True)
                self._thread.start()

    def _work(self):
        while True:
            job = self._queue.get()
            if job is None:
                return
            batch = [job]
            while True:      # group commit: everything queued meanwhile goes in the same commit
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._queue.put(None)
                    break
                batch.append(nxt)
            self._run(batch)

    def _run(self, batch: list[_Job]):
        try:
            result = apply_changes(self.corpus, self.home, [c for j in batch for c in j.changes])
            for j in batch:
                j.result = result
        except DocumentError:
            if len(batch) == 1:
                batch[0].error = _current_exception()
            else:     # one broken document must not fail its neighbours' publishes
                for j in batch:
                    self._run([j])
                return
        except BaseException:
            for j in batch:
                j.error = _current_exception()
        for j in batch:
            j.done.set()


def _current_exception() -> BaseException:
    return sys.exc_info()[1]


_updaters: dict[tuple[str, str], IndexUpdater] = {}
_updaters_lock = threading.Lock()


def get_updater(corpus: Path, home: Path) -> IndexUpdater:
    """The process's updater for this corpus and index home (one worker thread per home)."""
    key = (str(Path(corpus).resolve()), str(Path(home).resolve()))
    with _updaters_lock:
        u = _updaters.get(key)
        if u is None:
            u = _updaters[key] = IndexUpdater(corpus, home)
        return u


def changed_since(corpus: Path, catalog: dict, since: float) -> list[tuple[str, str]]:
    """Changes that bring a generation built at `since` (epoch seconds) up to the corpus:
    documents whose file is newer or new to it, and documents gone from the corpus."""
    out, seen = [], set()
    for p in document_paths(corpus):
        seen.add(p.stem)
        if p.stem not in catalog or p.stat().st_mtime >= since - 1:
            out.append(("update", p.stem))
    out += [("remove", d) for d in catalog if d not in seen]
    return out
