"""The corpus change log: every corpus write of a cluster node, in order, with the full text.

In a cluster (docs/operations.md) each node keeps its own corpus/ and index, and the database
(PostgreSQL) is shared. A node that writes a document (editor save or restore, import, desk
publish, share import) appends one row per document to `corpus_changes`: its sequence number,
the path under corpus/, the whole file (NULL for a removal) and the node's name. Every node
follows the log (indexer.follow) and brings its own files up to the newest row of each document,
so the last row of a document wins on every node alike.

    seq = record_changes(db, corpus, ["kotsu-manual"], node="kb1")
    rows = changes_after(db, applied)            # what this node has not applied yet
    changed = apply_to_corpus(corpus, rows)      # files written or removed, by document id

On PostgreSQL the append also sends NOTIFY kb_corpus_changes (delivered at commit), so followers
wake at once; on SQLite they poll. A single machine writes no rows (no node name is configured).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import DateTime, Integer, String, Text, func, select, text
from sqlalchemy.orm import Mapped, mapped_column

from kb.db import Base, Database, utcnow
from kb.intents import discard, write_lock
from kb.store import atomic_write, find_document

CHANNEL = "kb_corpus_changes"


class CorpusChange(Base):
    """One document's new state (its text, or None when it left the corpus)."""
    __tablename__ = "corpus_changes"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    path: Mapped[str] = mapped_column(String(300), nullable=False, default="")   # under corpus/, posix
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    node: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


@dataclass(frozen=True)
class Change:
    """A row as the follower needs it (detached from any session)."""
    seq: int
    doc_id: str
    path: str
    text: str | None
    node: str


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_changes(db: Database, corpus: Path, doc_ids: list[str], node: str) -> int | None:
    """Append the current state of these documents (read under the corpus write lock, so no
    follower rewrites a file between the read and the row); the last sequence number."""
    corpus = Path(corpus)
    rows = []
    with write_lock(corpus):
        for doc_id in dict.fromkeys(doc_ids):
            path = find_document(corpus, doc_id)
            if path is None:
                rows.append(CorpusChange(doc_id=doc_id, path="", text=None, sha256="", node=node))
                continue
            body = path.read_text(encoding="utf-8")
            rows.append(CorpusChange(doc_id=doc_id, path=path.relative_to(corpus).as_posix(), text=body,
                                     sha256=digest(body), node=node))
        if not rows:
            return None
        with db.session() as s:
            s.add_all(rows)
            s.flush()
            last = rows[-1].seq
            if s.bind.dialect.name == "postgresql":
                s.execute(text("SELECT pg_notify(:channel, :seq)"), {"channel": CHANNEL, "seq": str(last)})
    return last


def changes_after(db: Database, seq: int, limit: int = 500) -> list[Change]:
    """Rows after `seq`, oldest first (at most `limit`)."""
    with db.session() as s:
        rows = s.scalars(select(CorpusChange).where(CorpusChange.seq > seq)
                         .order_by(CorpusChange.seq).limit(limit)).all()
        return [Change(r.seq, r.doc_id, r.path, r.text, r.node) for r in rows]


def head(db: Database) -> int:
    """The newest sequence number (0 for an empty log)."""
    with db.session() as s:
        return s.scalar(select(func.max(CorpusChange.seq))) or 0


def latest_per_document(rows: list[Change]) -> dict[str, Change]:
    out: dict[str, Change] = {}
    for row in rows:
        out.pop(row.doc_id, None)
        out[row.doc_id] = row
    return out


def safe_target(corpus: Path, rel: str) -> Path:
    """corpus/rel, refusing a path that leaves the corpus or hides in a dot folder."""
    parts = PurePosixPath(rel).parts
    if not rel or PurePosixPath(rel).is_absolute() or any(p in ("..", "") or p.startswith(".") for p in parts) \
            or not rel.endswith(".md"):
        raise ValueError(f"unsafe corpus path in the change log: {rel!r}")
    return Path(corpus).joinpath(*parts)


def apply_to_corpus(corpus: Path, rows: list[Change]) -> list[str]:
    """Bring the corpus files to the newest row of each document; the ids whose file changed."""
    corpus = Path(corpus)
    changed = []
    with write_lock(corpus):
        for doc_id, row in latest_per_document(rows).items():
            current = find_document(corpus, doc_id)
            if row.text is None:
                if current is not None:
                    discard(current)
                    changed.append(doc_id)
                continue
            target = safe_target(corpus, row.path)
            if current is not None and current != target:
                discard(current)            # the document moved (e.g. its kind changed)
            try:
                same = target.read_text(encoding="utf-8") == row.text
            except (FileNotFoundError, UnicodeDecodeError):
                same = False
            if not same:
                atomic_write(target, row.text)
                changed.append(doc_id)
    return changed
