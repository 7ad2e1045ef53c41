"""Finish or undo corpus writes a dead process left half done (kb.intents), and find case files
no published inquiry stands behind.

- publish intent, inquiry not published → the case file is removed (never indexed, never
  served); the inquiry stays 回答済 with its raw text, for the desk to decide again.
- save intent, file already written, revision missing → the revision is recorded with the
  author from the intent, plus its audit row; the caller re-indexes the document.
- any other intent (file never written) is dropped: the old file and revision stand.
- a desk-written case file no published inquiry stands behind is moved to corpus/.orphans/.
Runs at web start-up, before `kb reindex`/`kb index`, and `kb check` reports what it would do.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kb.audit import AuditLog
from kb.db import Database, utcnow
from kb.desk import Inquiry
from kb.document import DocumentError, split_front_matter
from kb.inquiries import SOURCE
from kb.intents import clear_intent, pending_intents, write_lock
from kb.revisions import Revision

QUARANTINE = ".orphans"         # hidden: outside every corpus listing, the index and the backups


@dataclass
class Reconciled:
    removed_cases: list[str] = field(default_factory=list)     # case files of unfinished publishes
    quarantined: list[str] = field(default_factory=list)       # desk-written files without a record
    completed_saves: list[str] = field(default_factory=list)   # doc ids whose revision was recorded
    dropped: list[str] = field(default_factory=list)           # intents whose file was never written

    @property
    def changed_ids(self) -> list[str]:
        """Documents to (re-)index or remove from the index."""
        return self.removed_cases + self.quarantined + self.completed_saves


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes().decode("utf-8", errors="replace").encode("utf-8")).hexdigest()
    except FileNotFoundError:
        return None


def _published(s, doc_id: str) -> bool:
    return s.scalar(select(Inquiry.id).where(Inquiry.doc_id == doc_id, Inquiry.status == "published")) is not None


def reconcile(db: Database, corpus: Path) -> Reconciled:
    """Settle every intent left in the corpus (under the corpus write lock)."""
    corpus = Path(corpus)
    out = Reconciled()
    if not pending_intents(corpus) and not orphan_case_files(db, corpus):
        return out                    # the usual start: nothing to settle, no lock taken
    with write_lock(corpus):
        for target, intent in pending_intents(corpus):
            doc_id = str(intent.get("doc_id") or target.stem)
            if intent.get("kind") == "publish":
                with db.session() as s:
                    if not _published(s, doc_id) and target.exists():
                        target.unlink()
                        out.removed_cases.append(doc_id)
            elif intent.get("kind") == "save" and _sha(target) == intent.get("sha256"):
                if _record_revision(db, corpus, target, intent):
                    out.completed_saves.append(doc_id)
            else:
                out.dropped.append(doc_id)
            clear_intent(target)
        for path, _reason in orphan_case_files(db, corpus):
            # kept out of the corpus (never indexed, never served), not deleted: `kb check` names it
            dest = corpus / QUARANTINE / path.relative_to(corpus)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, dest)
            out.quarantined.append(path.stem)
    if out.changed_ids:
        AuditLog(db).record("write_reconciled", username="（システム）", target=",".join(out.changed_ids)[:300],
                            detail={"removed_cases": out.removed_cases, "quarantined": out.quarantined,
                                    "completed_saves": out.completed_saves},
                            channel="system")
    return out


def _record_revision(db: Database, corpus: Path, target: Path, intent: dict) -> bool:
    """The revision a killed save wrote to disk but never committed, with its author."""
    text = target.read_bytes().decode("utf-8", errors="replace")
    doc_id, number = str(intent["doc_id"]), int(intent["number"])
    try:
        with db.session() as s:
            if s.scalar(select(Revision.id).where(Revision.doc_id == doc_id, Revision.number == number)):
                return False
            s.add(Revision(doc_id=doc_id, number=number, path=target.relative_to(corpus).as_posix(), text=text,
                           sha256=intent["sha256"], action=intent.get("action") or "edit",
                           message=str(intent.get("message") or "")[:500], restored_from=intent.get("restored_from"),
                           author_id=intent.get("author_id"), author=str(intent.get("author") or "")[:64],
                           author_name=str(intent.get("author_name") or "")[:100], created_at=utcnow()))
    except IntegrityError:
        return False
    AuditLog(db).record(f"document_{intent.get('action') or 'edit'}", user_id=intent.get("author_id"),
                        username=str(intent.get("author") or ""), target=doc_id,
                        detail={"revision": number, "message": intent.get("message") or "", "reconciled": True})
    return True


def orphan_case_files(db: Database, corpus: Path) -> list[tuple[Path, str]]:
    """(path, reason) of case files no published inquiry stands behind: an unfinished publish's
    file, or a desk-written file (source 本部照会デスク回答) whose doc id no inquiry was published as.
    The second rule is skipped while the database holds no published inquiry at all (a fresh or
    wrong database must not condemn a whole corpus)."""
    out: list[tuple[Path, str]] = []
    for target, intent in pending_intents(corpus):
        if intent.get("kind") == "publish" and target.exists():
            with db.session() as s:
                if not _published(s, str(intent.get("doc_id") or target.stem)):
                    out.append((target, "a publish was interrupted before its record was saved"))
    with db.session() as s:
        published = {d for d in s.scalars(select(Inquiry.doc_id).where(Inquiry.status == "published")) if d}
    if not published:
        return out
    listed = {p for p, _ in out}
    for path in sorted((Path(corpus) / "inquiries").rglob("inq-*.md")):
        if path in listed or path.stem in published:
            continue
        try:
            meta = split_front_matter(path.read_text(encoding="utf-8"))[0]
        except (DocumentError, UnicodeDecodeError):
            continue
        if meta.get("source") == SOURCE and not meta.get("sample"):
            out.append((path, "no published inquiry has this id (written by the desk, never recorded)"))
    return out
