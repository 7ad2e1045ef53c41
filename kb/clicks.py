"""Sections officers opened from a results page, as 「asked as」 wordings (see indexer.asked).

A click counts only with care: the query and section must have been opened together by at
least MIN_USERS different users; a click the same user followed by 「役に立たなかった」 for that
query and section is ignored; the query text passes through the anonymiser before it is used.
Opens are read from the audit log (action OPENED, target doc#section, detail {"query": …}).
"""
from __future__ import annotations

import json

from sqlalchemy import select

from kb.anonymize import anonymize
from kb.audit import OPENED_FROM_SEARCH as OPENED
from kb.audit import flush_all
from kb.db import AuditEvent, Database
from kb.feedback_queue import SearchFeedback, normalize_query

MIN_USERS = 3


def opened_wordings(db: Database, min_users: int = MIN_USERS) -> dict[str, list[str]]:
    """Section key → anonymised queries that at least `min_users` users opened it from."""
    flush_all()
    with db.session() as s:
        opens = s.execute(select(AuditEvent.target, AuditEvent.detail, AuditEvent.username, AuditEvent.at)
                          .where(AuditEvent.action == OPENED)).all()
        marks = s.execute(select(SearchFeedback.query, SearchFeedback.doc_id, SearchFeedback.section_id,
                                 SearchFeedback.username, SearchFeedback.created_at)).all()
    unhelpful: dict[tuple[str, str, str], list] = {}
    for query, doc_id, section_id, username, at in marks:
        unhelpful.setdefault((query, f"{doc_id}#{section_id}", username), []).append(at)
    users: dict[tuple[str, str], set[str]] = {}
    for key, detail, username, at in opens:
        try:
            query = normalize_query(str(json.loads(detail or "{}").get("query") or ""))
        except (json.JSONDecodeError, AttributeError):
            continue
        if not query or any(t >= at for t in unhelpful.get((query, key, username), ())):
            continue
        users.setdefault((query, key), set()).add(username)
    out: dict[str, list[str]] = {}
    for (query, key), who in sorted(users.items()):
        if len(who) >= min_users:
            out.setdefault(key, []).append(anonymize(query).text)
    return out
