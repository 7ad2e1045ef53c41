"""The audit log: who did what and when, append-only (no update or delete path; the database
refuses both with triggers, see migrations/versions/0001_accounts_audit.py).

Rows of the frequent read actions (searches and document views, one per request) are queued and
inserted by a background thread per process, in one transaction per batch, so a search does not
wait for a database write; every other action is written before the request answers. Readers of
the log flush the queue first, and so do a normal exit and `kb serve`'s SIGTERM handler; only a
hard kill loses the rows queued in its last milliseconds.
"""
from __future__ import annotations

import atexit
import csv
import datetime as dt
import io
import json
import logging
import os
import queue
import threading
import time
import weakref
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from kb.db import AuditEvent, Database, utcnow

# Actions written by the app; the admin page offers them as a filter.
ACTIONS = {
    "login": "ログイン", "login_failed": "ログイン失敗", "login_limited": "ログイン制限", "logout": "ログアウト",
    "search": "検索", "view_document": "文書閲覧", "api_search": "API検索", "api_document": "API文書取得",
    "open_from_search": "検索結果から閲覧",
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
    "write_reconciled": "中断した書き込みの整理",
    "share_request": "全国共有の申請", "share_approve": "全国共有の承認", "share_refuse": "全国共有の差戻し",
    "share_withdraw": "全国共有の取り下げ", "share_feed": "共有フィードの取得", "share_import": "他県事例の取込",
    "share_held_publish": "保留事例の公開", "share_held_discard": "保留事例の不採用",
    "share_trust": "信頼する組織の登録", "share_untrust": "信頼する組織の削除", "share_export": "共有バンドルの書き出し",
    "inquiry_publish_override": "個人情報の検査を理由付きで通した公開",
}
# Written by the background writer: one row per search or document view.
QUEUED_ACTIONS = frozenset({"search", "api_search", "view_document", "api_document", "open_from_search"})
OPENED_FROM_SEARCH = "open_from_search"   # target doc#section, detail {"query": …} (kb.clicks)
EXPORT_LIMIT = 100_000
BATCH_ROWS = 500
_INSERT = insert(AuditEvent)
log = logging.getLogger(__name__)


class _Writer:
    """A queue of audit rows and the thread that inserts them (started in each process on first
    use: threads do not survive a fork)."""

    def __init__(self, engine):
        self.engine = engine
        self.queue: queue.Queue = queue.Queue()
        self.pid = 0
        self.lock = threading.Lock()

    def put(self, row: dict) -> None:
        if self.pid != os.getpid():
            with self.lock:
                if self.pid != os.getpid():
                    self.queue = queue.Queue()
                    threading.Thread(target=self._run, args=(self.queue,), name="kb-audit", daemon=True).start()
                    self.pid = os.getpid()
        self.queue.put(row)

    def _run(self, q: queue.Queue) -> None:
        while True:
            rows = [q.get()]
            while len(rows) < BATCH_ROWS:
                try:
                    rows.append(q.get_nowait())
                except queue.Empty:
                    break
            try:
                self._insert(rows)
            finally:
                for _ in rows:
                    q.task_done()

    def _insert(self, rows: list[dict]) -> None:
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    conn.execute(_INSERT, rows)
                return
            except Exception:       # a locked or unreachable database: retry, then say what is lost
                log.exception("audit: writing %d rows failed (attempt %d)", len(rows), attempt + 1)
                time.sleep(0.5)
        log.error("audit: rows not written: %s", json.dumps(rows, ensure_ascii=False, default=str))

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every row queued by this process is in the database (or timeout)."""
        if self.pid != os.getpid():
            return
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.002)


_WRITERS: weakref.WeakSet[_Writer] = weakref.WeakSet()


def flush_all(timeout: float = 10.0) -> None:
    """Flush every audit queue of this process (before reading the log directly, and at exit)."""
    for w in list(_WRITERS):
        w.flush(timeout)


atexit.register(flush_all)


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
        self._writer = _Writer(db.engine)
        _WRITERS.add(self._writer)

    def record(self, action: str, *, user_id: int | None = None, username: str = "", role: str = "",
               target: str = "", detail: dict | None = None, ip: str = "", channel: str = "web") -> None:
        row = {"at": utcnow(), "user_id": user_id, "username": username[:64], "role": role[:20],
               "action": action[:40], "target": target[:300],
               "detail": json.dumps(detail or {}, ensure_ascii=False, default=str),
               "ip": ip[:64], "channel": channel[:10]}
        if action in QUEUED_ACTIONS:
            self._writer.put(row)
            return
        with self.db.engine.begin() as conn:
            conn.execute(_INSERT, row)

    def flush(self) -> None:
        """Every row this process queued is in the database when this returns."""
        flush_all()

    def count(self, q: AuditQuery = AuditQuery()) -> int:
        self.flush()
        with self.db.session() as s:
            return s.scalar(select(func.count()).select_from(AuditEvent).where(*q.where())) or 0

    def events(self, q: AuditQuery = AuditQuery(), limit: int = 50, offset: int = 0) -> list[AuditEvent]:
        """Newest first."""
        self.flush()
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


# What a spreadsheet reads as the start of a formula, after it drops leading blanks and folds
# full-width forms (＝＋－＠) to ASCII (OWASP "CSV injection").
_FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_LEADING_BLANKS = " \t\r\n\u3000"


def _cell(value: str) -> str:
    """The value, prefixed with an apostrophe when a spreadsheet would run it as a formula."""
    first = value.lstrip(_LEADING_BLANKS)[:1]
    return "'" + value if first in _FORMULA_STARTS or value[:1] in ("\t", "\r") else value
