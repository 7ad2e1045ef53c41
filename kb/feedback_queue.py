"""The maintainers' queue: what officers flagged as outdated or wrong, and what they could not find.

Four sources: field flags on a section (「この内容は古い/誤り」 with a comment), results marked
「役に立たなかった」 under a search, searches that found nothing, and laws or rules searched by
name that the corpus does not hold (both read from the audit log, where every search is recorded
with its hit count and the names it found missing). A maintainer resolves a flag or feedback, or
closes a zero-result query; the query comes back if officers search it again afterwards.
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass

from sqlalchemy import DateTime, Integer, String, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from kb.audit import flush_all
from kb.db import AuditEvent, Base, Database, utcnow

REASONS = {"outdated": "内容が古い", "wrong": "内容に誤りがある"}
COMMENT_MAX = 500
ZERO_HIT_DAYS = 90


class FieldFlag(Base):
    __tablename__ = "field_flags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    section_id: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    section_heading: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    reason: Mapped[str] = mapped_column(String(20), nullable=False)
    comment: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    department: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open", index=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    resolution: Mapped[str] = mapped_column(String(500), nullable=False, default="")

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


class SearchFeedback(Base):
    """A result an officer marked as not helpful for the query."""
    __tablename__ = "search_feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    doc_id: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    section_id: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open", index=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")


class SearchGapClosure(Base):
    __tablename__ = "search_gap_closures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class FlagRefused(ValueError):
    def __init__(self, message: str, message_ja: str):
        super().__init__(message)
        self.message_ja = message_ja


@dataclass
class SearchGap:
    """A query officers searched without result (or marked results of as not helpful)."""
    query: str
    count: int                 # searches (or not-helpful marks) since it was last closed
    users: int
    last_at: dt.datetime
    results: list[tuple[str, str]] | None = None   # (doc_id, section_id) marked not helpful


def normalize_query(text: str) -> str:
    """The form a query is grouped by: NFKC, spaces collapsed, at most 200 characters."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())[:200]


class FeedbackQueue:
    def __init__(self, db: Database):
        self.db = db

    # -- field flags ---------------------------------------------------------------------------
    def flag_section(self, doc_id: str, section_id: str, section_heading: str, reason: str, comment: str,
                     *, user_id: int | None, username: str, department: str = "") -> FieldFlag:
        if reason not in REASONS:
            raise FlagRefused(f"unknown reason {reason!r}", "報告の種類を選んでください。")
        comment = " ".join((comment or "").split())
        if len(comment) > COMMENT_MAX:
            raise FlagRefused("comment too long", f"コメントは{COMMENT_MAX}文字以内にしてください。")
        flag = FieldFlag(doc_id=doc_id, section_id=section_id, section_heading=section_heading[:300],
                         reason=reason, comment=comment, user_id=user_id, username=username[:64],
                         department=department[:100], created_at=utcnow())
        with self.db.session() as s:
            s.add(flag)
        return flag

    def flags(self, status: str = "open", doc_id: str | None = None, limit: int = 200) -> list[FieldFlag]:
        """Flags in this state, oldest first (the longest waiting at the top)."""
        q = select(FieldFlag).where(FieldFlag.status == status)
        if doc_id:
            q = q.where(FieldFlag.doc_id == doc_id)
        with self.db.session() as s:
            return list(s.scalars(q.order_by(FieldFlag.id).limit(limit)))

    def open_flag_counts(self) -> dict[str, int]:
        """Open flags per document."""
        with self.db.session() as s:
            rows = s.execute(select(FieldFlag.doc_id, func.count()).where(FieldFlag.status == "open")
                             .group_by(FieldFlag.doc_id))
            return {doc_id: n for doc_id, n in rows}

    def resolve_flag(self, flag_id: int, username: str, resolution: str = "", status: str = "resolved") -> FieldFlag:
        if status not in ("resolved", "dismissed"):
            raise FlagRefused(f"unknown status {status!r}", "処理の種類が正しくありません。")
        with self.db.session() as s:
            flag = s.get(FieldFlag, flag_id)
            if flag is None:
                raise FlagRefused(f"no flag {flag_id}", "この報告は見つかりません。")
            flag.status, flag.resolved_at, flag.resolved_by = status, utcnow(), username[:64]
            flag.resolution = " ".join((resolution or "").split())[:500]
            return flag

    # -- not helpful ---------------------------------------------------------------------------
    def mark_not_helpful(self, query: str, doc_id: str, section_id: str, *, user_id: int | None,
                         username: str) -> SearchFeedback:
        query = normalize_query(query)
        if not query:
            raise FlagRefused("empty query", "検索語がありません。")
        fb = SearchFeedback(query=query, doc_id=doc_id[:200], section_id=section_id[:200], user_id=user_id,
                            username=username[:64], created_at=utcnow())
        with self.db.session() as s:
            s.add(fb)
        return fb

    def not_helpful(self, limit: int = 100) -> list[SearchGap]:
        """Open not-helpful marks grouped by query, most marked first."""
        with self.db.session() as s:
            rows = list(s.scalars(select(SearchFeedback).where(SearchFeedback.status == "open")
                                  .order_by(SearchFeedback.id)))
        groups: dict[str, SearchGap] = {}
        users: dict[str, set] = {}
        for fb in rows:
            g = groups.setdefault(fb.query, SearchGap(fb.query, 0, 0, fb.created_at, []))
            g.count += 1
            g.last_at = max(g.last_at, fb.created_at)
            if (fb.doc_id, fb.section_id) not in g.results:
                g.results.append((fb.doc_id, fb.section_id))
            users.setdefault(fb.query, set()).add(fb.username)
        for q, g in groups.items():
            g.users = len(users[q])
        return sorted(groups.values(), key=lambda g: (-g.count, -g.last_at.timestamp()))[:limit]

    def resolve_not_helpful(self, query: str, username: str) -> int:
        """Resolve every open mark of this query; returns how many."""
        with self.db.session() as s:
            marks = list(s.scalars(select(SearchFeedback).where(SearchFeedback.status == "open",
                                                                SearchFeedback.query == normalize_query(query))))
            for fb in marks:
                fb.status, fb.resolved_at, fb.resolved_by = "resolved", utcnow(), username[:64]
            return len(marks)

    # -- zero-result searches --------------------------------------------------------------------
    def zero_hit_searches(self, days: int = ZERO_HIT_DAYS, limit: int = 100,
                          now: dt.datetime | None = None) -> list[SearchGap]:
        """Queries searched without any hit in the last `days`, not closed since; most searched first."""
        since = (now or utcnow()) - dt.timedelta(days=days)
        # the audit detail is JSON from json.dumps: the hit count reads `"hits": 0,` or `"hits": 0}`
        zero = or_(AuditEvent.detail.like('%"hits": 0,%'), AuditEvent.detail.like('%"hits": 0}%'))
        flush_all()
        with self.db.session() as s:
            events = s.execute(select(AuditEvent.target, AuditEvent.detail, AuditEvent.username, AuditEvent.at)
                               .where(AuditEvent.action == "search", AuditEvent.at >= since, zero)
                               .order_by(AuditEvent.id)).all()
            closed = dict(s.execute(select(SearchGapClosure.query, func.max(SearchGapClosure.closed_at))
                                    .group_by(SearchGapClosure.query)).all())
        def gaps():
            for target, detail, username, at in events:
                try:
                    info = json.loads(detail or "{}")
                    if info.get("hits") != 0 or info.get("missing"):
                        continue  # a search for a law the corpus lacks is a missing document, not a gap
                except (json.JSONDecodeError, AttributeError):
                    continue
                yield normalize_query(target), username, at
        return _grouped(gaps(), closed, limit)

    # -- documents officers looked for that the corpus does not hold --------------------------
    def missing_documents(self, days: int = ZERO_HIT_DAYS, limit: int = 100,
                          now: dt.datetime | None = None) -> list[SearchGap]:
        """Laws and rules searched by name that the corpus lacks (遺失物法), grouped by name, most
        searched first; closed like a zero-result query (by name), back when searched again."""
        since = (now or utcnow()) - dt.timedelta(days=days)
        flush_all()
        with self.db.session() as s:
            events = s.execute(select(AuditEvent.detail, AuditEvent.username, AuditEvent.at)
                               .where(AuditEvent.action == "search", AuditEvent.at >= since,
                                      AuditEvent.detail.like('%"missing": ["%'))
                               .order_by(AuditEvent.id)).all()
            closed = dict(s.execute(select(SearchGapClosure.query, func.max(SearchGapClosure.closed_at))
                                    .group_by(SearchGapClosure.query)).all())
        def names():
            for detail, username, at in events:
                try:
                    found = json.loads(detail or "{}").get("missing") or []
                except (json.JSONDecodeError, AttributeError):
                    continue
                for name in found:
                    yield normalize_query(str(name)), username, at
        return _grouped(names(), closed, limit)

    def close_search_gap(self, query: str, username: str, note: str = "") -> None:
        q = normalize_query(query)
        if not q:
            raise FlagRefused("empty query", "検索語がありません。")
        with self.db.session() as s:
            s.add(SearchGapClosure(query=q, closed_at=utcnow(), closed_by=username[:64],
                                   note=" ".join((note or "").split())[:500]))


def _grouped(searches, closed: dict, limit: int) -> list[SearchGap]:
    """(query, user, time) rows as SearchGaps: grouped by query, skipping empty ones and those
    closed since; most searched first, then most recent."""
    groups: dict[str, SearchGap] = {}
    users: dict[str, set] = {}
    for q, username, at in searches:
        if not q or (q in closed and at <= closed[q]):
            continue
        g = groups.setdefault(q, SearchGap(q, 0, 0, at))
        g.count += 1
        g.last_at = max(g.last_at, at)
        users.setdefault(q, set()).add(username)
    for q, g in groups.items():
        g.users = len(users[q])
    return sorted(groups.values(), key=lambda g: (-g.count, -g.last_at.timestamp()))[:limit]
