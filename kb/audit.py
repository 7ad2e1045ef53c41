"""The audit log: who did what and when, append-only (no update or delete path; the database
refuses both with triggers, see migrations/versions/0001_accounts_audit.py)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from kb.db import AuditEvent, Database, utcnow

# Actions written by the app; the admin page offers them as a filter.
ACTIONS = {
    "login": "ログイン", "login_failed": "ログイン失敗", "logout": "ログアウト",
    "search": "検索", "view_document": "文書閲覧", "api_search": "API検索", "api_document": "API文書取得",
    "user_add": "ユーザー追加", "user_role": "役割変更", "user_disable": "無効化", "user_enable": "有効化",
    "user_password": "パスワード変更", "token_create": "トークン発行", "token_revoke": "トークン失効",
    "audit_export": "監査ログ出力",
    "document_create": "文書作成", "document_edit": "文書編集", "document_restore": "版の復元",
    "document_import": "文書取込", "document_link": "置換関係の更新",
    "flag_section": "誤り・古い内容の報告", "flag_resolved": "報告の対応済み", "flag_dismissed": "報告の却下",
    "search_not_helpful": "役に立たなかった検索", "search_gap_closed": "検索不備の対応済み",
    "inquiry_record": "照会の記録", "inquiry_update": "照会の更新", "inquiry_answer": "照会への回答",
    "inquiry_view": "照会の閲覧", "inquiry_publish": "照会の公開", "inquiry_internal": "照会の非公開",
    "inquiry_ask": "本部への照会", "inquiry_purge": "照会の元の文の削除",
}
EXPORT_LIMIT = 100_000
_INSERT = insert(AuditEvent)


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the admin's audit page (all optional)."""
    username: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None      # inclusive
    text: str = ""                    # substring of target or detail

    def where(self):
        clauses = []
        if self.username:
            clauses.append(AuditEvent.username == self.username)
        if self.action:
            clauses.append(AuditEvent.action == self.action)
        if self.since:
            clauses.append(AuditEvent.at >= dt.datetime.combine(self.since, dt.time()))
        if self.until:
            clauses.append(AuditEvent.at < dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time()))
        if self.text:
            like = "%" + self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append(AuditEvent.target.like(like, escape="\\") | AuditEvent.detail.like(like, escape="\\"))
        return clauses


class AuditLog:
    def __init__(self, db: Database):
        self.db = db

    def record(self, action: str, *, user_id: int | None = None, username: str = "", role: str = "",
               target: str = "", detail: dict | None = None, ip: str = "", channel: str = "web") -> None:
        with self.db.engine.begin() as conn:     # one prepared Core insert: one per search, keep it cheap
            conn.execute(_INSERT, {
                "at": utcnow(), "user_id": user_id, "username": username[:64], "role": role[:20],
                "action": action[:40], "target": target[:300],
                "detail": json.dumps(detail or {}, ensure_ascii=False, default=str),
                "ip": ip[:64], "channel": channel[:10]})

    def count(self, q: AuditQuery = AuditQuery()) -> int:
        with self.db.session() as s:
            return s.scalar(select(func.count()).select_from(AuditEvent).where(*q.where())) or 0

    def events(self, q: AuditQuery = AuditQuery(), limit: int = 50, offset: int = 0) -> list[AuditEvent]:
        """Newest first."""
        with self.db.session() as s:
            return list(s.scalars(select(AuditEvent).where(*q.where())
                                  .order_by(AuditEvent.id.desc()).limit(limit).offset(offset)))

    def to_csv(self, q: AuditQuery = AuditQuery(), limit: int = EXPORT_LIMIT) -> str:
        """CSV (UTF-8 with BOM, so spreadsheet software reads the Japanese), newest first.
        Cells that a spreadsheet would run as a formula are prefixed with an apostrophe."""
        out = io.StringIO()
        out.write("\ufeff")
        w = csv.writer(out)
        w.writerow(["id", "at_utc", "user", "role", "action", "target", "detail", "ip", "channel"])
        for e in self.events(q, limit=limit):
            w.writerow([e.id, e.at.isoformat(timespec="seconds"), *(_cell(v) for v in (
                e.username, e.role, e.action, e.target, e.detail, e.ip, e.channel))])
        return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
