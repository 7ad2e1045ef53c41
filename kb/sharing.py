"""Sharing scope of a published inquiry: 部内 (this prefecture, the default) or 全国.

The scope lives in the inquiry's front matter (`sharing: national`, `shared_at`, and
`sharing_withdrawn_at` once withdrawn), so the corpus stays the source of truth and the export is
a read of the corpus. Choosing 全国 is a request that a second, different desk member approves
after reading the masked text again (share_requests in the application database). Cases imported
from other prefectures (`origin:`) are never shared as this prefecture's own.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from kb.access import open_to_every_reader
from kb.anchors import DOC_LINK_TARGET, split_key
from kb.db import Base, Database, utcnow
from kb.desk import DeskError
from kb.document import Document, DocumentError, parse_document, split_front_matter
from kb.exchange import Citation, SharedCase, Withdrawal, citation_for, moment_key, now_iso
from kb.frontmatter import set_fields
from kb.store import atomic_write, document_paths, find_document

SCOPES = {"local": "部内", "national": "全国"}
REQUEST_STATUSES = {"pending": "承認待ち", "approved": "承認済み", "refused": "差戻し"}
_BASIS_LINK = re.compile(rf"^- \[(.+?)\]\({DOC_LINK_TARGET}\)", re.M)


class ShareRequest(Base):
    """A desk member asks to share an inquiry 全国; another one approves or refuses."""
    __tablename__ = "share_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending", index=True)
    requested_by: Mapped[str] = mapped_column(String(64), nullable=False)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    digest: Mapped[str] = mapped_column(String(64), nullable=False)          # the text the requester saw
    decided_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    @property
    def status_label(self) -> str:
        return REQUEST_STATUSES.get(self.status, self.status)


@dataclass
class LocalCase:
    """An inquiry of this prefecture as the sharing page lists it."""
    doc: Document
    path: Path

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def scope(self) -> str:
        return "national" if self.doc.meta.get("sharing") == "national" else "local"

    @property
    def question(self) -> str:
        return qa_parts(self.doc.body)[0]

    @property
    def answer(self) -> str:
        return qa_parts(self.doc.body)[1]

    @property
    def digest(self) -> str:
        return text_digest(self.doc)


def qa_parts(body: str) -> tuple[str, str]:
    """(question, answer) Markdown of an inquiry's body (inquiry_markdown's layout)."""
    m = re.search(r"^\*\*質問\*\*\s*\n(.*?)^\*\*回答\*\*\s*\n(.*?)(?=^\*\*根拠\*\*|\Z)", body, re.S | re.M)
    if not m:
        return "", ""
    return m.group(1).strip(), m.group(2).strip()


def text_digest(doc: Document) -> str:
    """What a desk member confirmed reading: title, masked question and answer."""
    q, a = qa_parts(doc.body)
    return hashlib.sha256("\0".join((doc.title, q, a)).encode("utf-8")).hexdigest()[:32]


def _shareable(corpus: Path, doc_id: str) -> LocalCase:
    path = find_document(corpus, doc_id)
    if path is None:
        raise DeskError(f"no document {doc_id}", "指定の事例は見つかりませんでした。")
    doc = parse_document(path.read_bytes(), str(path))
    if doc.kind != "inquiry":
        raise DeskError(f"{doc_id} is not an inquiry", "照会事例だけを全国に共有できます。")
    if doc.meta.get("origin"):
        raise DeskError(f"{doc_id} came from another prefecture", "他県から受け取った事例は、自県の事例として共有できません。")
    if not open_to_every_reader(doc.meta):
        raise DeskError(f"{doc_id} is restricted", "限定の事例は全国に共有できません。")
    return LocalCase(doc, path)


class ShareStore:
    """Requests, approvals and withdrawals of the 全国 scope; files written atomically, the caller
    re-indexes the returned doc id through the single writer."""

    def __init__(self, db: Database, corpus: Path):
        self.db = db
        self.corpus = Path(corpus)
        self._lock = threading.Lock()

    def case(self, doc_id: str) -> LocalCase:
        return _shareable(self.corpus, doc_id)

    def get(self, request_id: int) -> ShareRequest:
        with self.db.session() as s:
            r = s.get(ShareRequest, request_id)
            if r is None:
                raise DeskError(f"no share request {request_id}", "指定の共有申請は見つかりませんでした。")
            return r

    def pending(self) -> list[ShareRequest]:
        with self.db.session() as s:
            return list(s.scalars(select(ShareRequest).where(ShareRequest.status == "pending")
                                  .order_by(ShareRequest.requested_at)))

    def request(self, doc_id: str, by: str, digest: str) -> ShareRequest:
        case = self.case(doc_id)
        if case.scope == "national":
            raise DeskError(f"{doc_id} is already shared", "この事例はすでに全国に共有されています。")
        if digest != case.digest:
            raise DeskError("case changed since shown", "表示した後に事例の内容が変わりました。もう一度確認してください。")
        with self.db.session() as s:
            if s.scalar(select(ShareRequest).where(ShareRequest.doc_id == doc_id, ShareRequest.status == "pending")):
                raise DeskError(f"{doc_id} has a pending request", "この事例はすでに承認待ちです。")
            r = ShareRequest(doc_id=doc_id, requested_by=by, digest=digest, status="pending", requested_at=utcnow())
            s.add(r)
            s.flush()
            return r

    def decide(self, request_id: int, by: str, approve: bool, digest: str) -> ShareRequest:
        """Approve (the case becomes 全国) or refuse; never by the requester, and only for the
        text the approver was shown."""
        with self._lock, self.db.session() as s:
            r = s.get(ShareRequest, request_id)
            if r is None or r.status != "pending":
                raise DeskError(f"request {request_id} is not pending", "この申請はすでに処理されています。")
            if by == r.requested_by:
                raise DeskError("the approver must be another account",
                                "申請した本人は承認できません。別の照会デスク担当者が承認してください。")
            case = self.case(r.doc_id)
            if approve:
                if digest != case.digest or digest != r.digest:
                    raise DeskError("case changed since the request", "申請の後に事例の内容が変わりました。申請し直してください。")
                text = case.path.read_text(encoding="utf-8")
                atomic_write(case.path, set_fields(text, {"sharing": "national", "shared_at": now_iso()}))
            r.status, r.decided_by, r.decided_at = ("approved" if approve else "refused"), by, utcnow()
            return r

    def withdraw(self, doc_id: str) -> LocalCase:
        """Back to 部内: the next export carries a withdrawal, and importers remove the case."""
        case = self.case(doc_id)
        if case.scope != "national":
            raise DeskError(f"{doc_id} is not shared", "この事例は全国に共有されていません。")
        text = case.path.read_text(encoding="utf-8")
        atomic_write(case.path, set_fields(text, {"sharing": "local", "sharing_withdrawn_at": now_iso()}))
        return self.case(doc_id)


# -- export ----------------------------------------------------------------------------------------
class _CitedDocs:
    """Front matter of the documents cases cite, read once each."""

    def __init__(self, corpus: Path):
        self.corpus = corpus
        self._meta: dict[str, dict | None] = {}

    def meta(self, doc_id: str) -> dict | None:
        if doc_id not in self._meta:
            path = find_document(self.corpus, doc_id)
            try:
                self._meta[doc_id] = split_front_matter(path.read_text(encoding="utf-8"))[0] if path else None
            except (DocumentError, OSError, UnicodeDecodeError):
                self._meta[doc_id] = None
        return self._meta[doc_id]


def case_citations(doc: Document, cited: _CitedDocs) -> list[Citation]:
    labels = {(m.group(2), m.group(3) or ""): m.group(1) for m in _BASIS_LINK.finditer(doc.body)}
    out = []
    for key in doc.meta.get("basis") or []:
        doc_id, section = split_key(key)
        label = labels.get((doc_id, section), "")
        meta = cited.meta(doc_id)
        if meta is None:
            out.append(Citation(label=label or key, title=label or doc_id))
        else:
            out.append(citation_for(key, meta, label))
    return out


def shared_case(doc: Document, org: str, cited: _CitedDocs) -> SharedCase:
    m = doc.meta
    q, a = qa_parts(doc.body)
    published = m.get("answered") or m.get("received") or dt.date.today()
    return SharedCase(org=org, case_id=doc.id, title=doc.title, question=q, answer=a, category=m.get("category", ""),
                      published=published.isoformat(), updated=str(m.get("shared_at") or now_iso()),
                      tags=list(m.get("tags") or []), citations=case_citations(doc, cited),
                      sample=bool(m.get("sample")))


def export_records(corpus: Path, org: str, since: dt.datetime | None = None) -> tuple[list[SharedCase], list[Withdrawal]]:
    """Every 全国 case of this prefecture and every withdrawal (changed at or after `since`);
    imported cases (`origin:`) are never among them."""
    corpus = Path(corpus)
    cited = _CitedDocs(corpus)
    cases, withdrawals = [], []
    folder = corpus / "inquiries"
    for path in document_paths(folder) if folder.is_dir() else []:
        raw = path.read_bytes()
        if b"\nsharing:" not in raw[:4000]:
            continue                      # never shared: no need to parse it
        try:
            doc = parse_document(raw, str(path))
        except DocumentError:
            continue                      # `kb check` reports it
        m = doc.meta
        if doc.kind != "inquiry" or m.get("origin") or not open_to_every_reader(m):
            continue
        if m.get("sharing") == "national":
            case = shared_case(doc, org, cited)
            if since is None or moment_key(case.updated) >= since:
                cases.append(case)
        elif m.get("sharing_withdrawn_at"):
            w = Withdrawal(org=org, case_id=doc.id, withdrawn=str(m["sharing_withdrawn_at"]))
            if since is None or moment_key(w.withdrawn) >= since:
                withdrawals.append(w)
    return cases, withdrawals


def local_cases(corpus: Path, limit: int = 500) -> list[LocalCase]:
    """This prefecture's inquiries (not imported ones), newest id first, for the sharing page."""
    out = []
    folder = Path(corpus) / "inquiries"
    for path in sorted(document_paths(folder), key=lambda p: p.stem, reverse=True) if folder.is_dir() else []:
        if path.parent.name == "shared":
            continue
        try:
            doc = parse_document(path.read_bytes(), str(path))
        except DocumentError:
            continue
        if doc.kind == "inquiry" and not doc.meta.get("origin") and open_to_every_reader(doc.meta):
            out.append(LocalCase(doc, path))
        if len(out) >= limit:
            break
    return out
