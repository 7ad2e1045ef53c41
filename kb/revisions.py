"""Revisions of corpus documents: every save from the editor is one, with author, time and message.

The database keeps each revision's full text; the corpus file is written atomically with the same
text, so the file is always the newest revision. The first revision of a document that existed
before the editor is its text on disk ("baseline"); a file changed behind the editor's back (git,
`kb import --force`) becomes an "external" revision the next time the document is touched, so a
save based on the older text is refused as stale instead of overwriting it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, defer, mapped_column

from kb.db import Base, Database, utcnow
from kb.document import Document, DocumentError, parse_document, split_front_matter
from kb.frontmatter import DOC_ID, normalize_newlines, set_fields
from kb.intents import clear_intent, crash_point, read_intent, record_intent, write_lock
from kb.store import atomic_write, document_path, find_document

ACTIONS = {"baseline": "既存のファイル", "external": "ファイルの直接変更", "create": "新規作成",
           "edit": "編集", "restore": "復元", "import": "取り込み", "link": "置き換えの連動"}


class Revision(Base):
    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("doc_id", "number", name="uq_revisions_doc_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)          # 1, 2, … per document
    path: Mapped[str] = mapped_column(String(500), nullable=False)        # relative to the corpus
    text: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)       # a key of ACTIONS
    message: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    restored_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    author_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)


@dataclass(frozen=True)
class Author:
    """Who saves: an account (kb.accounts.Account has the same fields) or the system."""
    id: int | None
    username: str
    name: str


SYSTEM = Author(None, "", "（システム）")


class EditRefused(DocumentError):
    """A save that cannot be made as asked (message_ja for the page)."""

    def __init__(self, message: str, message_ja: str):
        super().__init__(message, message_ja)


class StaleEdit(EditRefused):
    """The edit started from an older revision than the current one: nothing was written."""

    def __init__(self, current: Revision, base: int | None, submitted: str):
        super().__init__(
            f"{current.doc_id}: edit based on revision {base} but revision {current.number} is current",
            f"編集を始めた後に、{current.author_name or current.author or '別の経路'}さんが"
            f"この文書を更新しました（第{current.number}版）。あなたの変更は保存していません。"
            "下の差分で現在の内容を確認し、必要な変更を反映してから保存し直してください。")
        self.current, self.base, self.submitted = current, base, submitted


class StorageFailed(EditRefused):
    """The corpus volume refused the file (read-only, full): nothing was saved."""

    def __init__(self, message: str):
        super().__init__(message, "ファイルを保存できませんでした（保存先の容量不足か、書き込みできない状態です）。"
                                  "変更は保存していません。入力した内容は下に残っています。システム管理者に連絡してください。")


@dataclass
class SaveResult:
    revision: Revision | None         # None when the text was unchanged
    document: Document
    path: Path
    linked: list[Revision] = field(default_factory=list)   # other documents updated with it

    @property
    def changed_ids(self) -> list[str]:
        """Documents whose files changed (to re-index)."""
        ids = [self.document.id] if self.revision else []
        return ids + [r.doc_id for r in self.linked]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RevisionStore:
    """Revisions in the database and the corpus files they are written to."""

    def __init__(self, db: Database, corpus: Path):
        self.db = db
        self.corpus = Path(corpus)
        self._lock = threading.RLock()     # one save at a time per process; the unique
        # (doc_id, number) constraint refuses the loser of a race between processes

    # -- reading -------------------------------------------------------------------------------
    def head(self, doc_id: str) -> Revision | None:
        """The current revision (the file on disk), recording a baseline or external change first."""
        with self._lock, self.db.session() as s:
            return self._sync(s, doc_id)

    def history(self, doc_id: str) -> list[Revision]:
        """Every revision, newest first, without their texts (revision() has them)."""
        with self._lock, self.db.session() as s:
            self._sync(s, doc_id)
            return list(s.scalars(select(Revision).options(defer(Revision.text, raiseload=True))
                                  .where(Revision.doc_id == doc_id).order_by(Revision.number.desc())))

    def revision(self, doc_id: str, number: int) -> Revision | None:
        with self.db.session() as s:
            return s.scalar(select(Revision).where(Revision.doc_id == doc_id, Revision.number == number))

    def recent(self, limit: int = 20) -> list[Revision]:
        """The newest saves over all documents (baselines left out)."""
        with self.db.session() as s:
            return list(s.scalars(select(Revision).options(defer(Revision.text, raiseload=True))
                                  .where(Revision.action != "baseline").order_by(Revision.id.desc()).limit(limit)))

    # -- writing -------------------------------------------------------------------------------
    def create(self, text: str, author: Author, message: str = "", action: str = "create") -> SaveResult:
        """A new document; refused when a document with its id exists."""
        text = normalize_newlines(text)
        doc = parse_document(text)
        if not DOC_ID.fullmatch(doc.id):
            raise EditRefused(f"invalid id {doc.id!r}",
                              "文書IDは半角英小文字・数字・ハイフンで、2文字以上にしてください（例: chiiki-manual-2025）")
        with self._lock:
            existing = find_document(self.corpus, doc.id)
            if existing is not None:
                raise EditRefused(f"{doc.id}: exists at {existing}",
                                  f"文書ID「{doc.id}」の文書はすでにあります。別のIDにするか、その文書を編集してください。")
            path = document_path(self.corpus, doc.kind, doc.id, _year(doc))
            with self.db.session() as s:
                last = s.scalar(select(func.max(Revision.number)).where(Revision.doc_id == doc.id)) or 0
                rev = self._write(s, doc.id, last + 1, path, text, author, message, action)
            result = SaveResult(rev, doc, path)
            result.linked = self._link_succession(doc, author)
            return result

    def save(self, doc_id: str, text: str, base: int | None, author: Author, message: str = "",
             action: str = "edit", restored_from: int | None = None) -> SaveResult:
        """A new revision of an existing document, if `base` is still the current revision."""
        text = normalize_newlines(text)
        doc = parse_document(text)
        if doc.id != doc_id:
            raise EditRefused(f"id changed from {doc_id!r} to {doc.id!r}",
                              "文書IDは変更できません。別のIDにする場合は新しい文書として作成してください。")
        with self._lock:
            with self.db.session() as s:
                head = self._sync(s, doc_id)
                if head is None:
                    raise EditRefused(f"{doc_id}: no such document", "この文書は見つかりません。")
                if base != head.number:
                    s.expunge(head)       # keep its loaded fields through the rollback
                    raise StaleEdit(head, base, text)
                old_kind = _kind_of(head.text)
                if old_kind and old_kind != doc.kind:
                    raise EditRefused(f"{doc_id}: kind changed from {old_kind} to {doc.kind}",
                                      "種別は変更できません。別の種別にする場合は新しい文書として作成してください。")
                path = self.corpus / head.path
                if text == head.text:
                    return SaveResult(None, doc, path)
                try:
                    rev = self._write(s, doc_id, head.number + 1, path, text, author, message, action,
                                      restored_from)
                except IntegrityError:
                    s.rollback()
                    raise StaleEdit(self.head(doc_id), base, text) from None
            result = SaveResult(rev, doc, path)
            if action != "link":
                result.linked = self._link_succession(doc, author)
            return result

    def restore(self, doc_id: str, number: int, base: int | None, author: Author, message: str = "") -> SaveResult:
        """Make an old revision's text current again, as a new revision."""
        old = self.revision(doc_id, number)
        if old is None:
            raise EditRefused(f"{doc_id}: no revision {number}", "指定された版はありません。")
        return self.save(doc_id, old.text, base, author, message or f"第{number}版を復元",
                         action="restore", restored_from=number)

    # -- internals -----------------------------------------------------------------------------
    def _sync(self, s: Session, doc_id: str) -> Revision | None:
        """The newest revision after recording the file's text if it is not the newest yet."""
        head = s.scalar(select(Revision).where(Revision.doc_id == doc_id)
                        .order_by(Revision.number.desc()).limit(1))
        path = find_document(self.corpus, doc_id)
        if path is None:
            return head
        text = path.read_bytes().decode("utf-8", errors="replace")
        if head is not None and head.sha256 == sha256(text):
            return head
        pending = read_intent(path)
        if pending and pending.get("sha256") == sha256(text):
            return head                   # a save between its file and its commit: not external
        action = "baseline" if head is None else "external"
        rev = Revision(doc_id=doc_id, number=(head.number + 1) if head else 1,
                       path=path.relative_to(self.corpus).as_posix(), text=text, sha256=sha256(text),
                       action=action, message=ACTIONS[action], author_name=SYSTEM.name, created_at=utcnow())
        s.add(rev)
        try:
            s.commit()
        except IntegrityError:            # another process recorded it first
            s.rollback()
            return s.scalar(select(Revision).where(Revision.doc_id == doc_id)
                            .order_by(Revision.number.desc()).limit(1))
        return rev

    def _write(self, s: Session, doc_id: str, number: int, path: Path, text: str, author: Author,
               message: str, action: str, restored_from: int | None = None) -> Revision:
        """Insert the revision, write the file, commit (a failed file write leaves no revision).

        The intent (who, which revision, the text's hash) is written before the file, under the
        corpus write lock, so a process killed between file and commit leaves enough for
        kb.reconcile to record the revision with its author."""
        rev = Revision(doc_id=doc_id, number=number, path=path.relative_to(self.corpus).as_posix(),
                       text=text, sha256=sha256(text), action=action, message=(message or "").strip()[:500],
                       restored_from=restored_from, author_id=author.id, author=author.username[:64],
                       author_name=(author.name or author.username)[:100], created_at=utcnow())
        with write_lock(self.corpus):
            s.add(rev)
            s.flush()                     # the unique constraint speaks before the file is touched
            try:
                record_intent(path, kind="save", doc_id=doc_id, number=number, sha256=rev.sha256,
                              action=action, message=rev.message, restored_from=restored_from,
                              author_id=author.id, author=rev.author, author_name=rev.author_name)
                crash_point("save:intent")
                atomic_write(path, text)
            except OSError as e:
                clear_intent(path)
                raise StorageFailed(f"{doc_id}: corpus not writable: {e}") from e
            crash_point("save:file-written")
            s.commit()
            clear_intent(path)
        return rev

    def _link_succession(self, doc: Document, author: Author) -> list[Revision]:
        """Superseding links both ways: a document this one supersedes gets status superseded and
        superseded_by this one; the document named as this one's successor lists it in supersedes."""
        linked = []
        for old_id in doc.meta.get("supersedes") or []:
            if old_id == doc.id:
                continue
            rev = self._update_other(old_id, author, f"「{doc.title}」（{doc.id}）に置き換えられたため",
                                     lambda m: None if (m.get("status") == "superseded"
                                                        and m.get("superseded_by") == doc.id)
                                     else {"status": "superseded", "superseded_by": doc.id})
            if rev:
                linked.append(rev)
        successor = doc.meta.get("superseded_by")
        if successor and successor != doc.id:
            def add_to_supersedes(m):
                current = m.get("supersedes") or []
                current = [current] if isinstance(current, str) else list(current)
                return None if doc.id in current else {"supersedes": current + [doc.id]}
            rev = self._update_other(str(successor), author, f"「{doc.title}」（{doc.id}）の後継として",
                                     add_to_supersedes)
            if rev:
                linked.append(rev)
        return linked

    def _update_other(self, doc_id: str, author: Author, message: str, change) -> Revision | None:
        if find_document(self.corpus, doc_id) is None:
            return None                   # a citation of a document outside the corpus
        head = self.head(doc_id)
        try:
            raw, _, _ = split_front_matter(head.text)
            changes = change(raw)
            if not changes:
                return None
            return self.save(doc_id, set_fields(head.text, changes), head.number, author, message,
                             action="link").revision
        except DocumentError:
            return None                   # a broken file stays for `kb check` to report


def _kind_of(text: str) -> str | None:
    try:
        return split_front_matter(text)[0].get("kind")
    except DocumentError:
        return None


def _year(doc: Document) -> int | None:
    if doc.kind != "inquiry":
        return None
    day = doc.meta.get("answered") or doc.meta.get("received") or dt.date.today()
    return day.year
