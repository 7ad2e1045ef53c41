"""The same application database code on a real PostgreSQL (Debian's server, a throwaway cluster):
migrations, accounts, sessions, tokens, the append-only audit log, and the app on top."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bench.services import postgres_bindir, start_postgres
from conftest import free_port, signed_in


@pytest.fixture(scope="module")
def postgres_url():
    if postgres_bindir() is None:
        pytest.fail("PostgreSQL missing: apt-get install postgresql (make browser-deps installs it)")
    base = Path(tempfile.mkdtemp(prefix="kb-pg-"))
    url, stop = start_postgres(base, free_port())
    try:
        yield url
    finally:
        stop()
        shutil.rmtree(base, ignore_errors=True)


def test_accounts_sessions_tokens_on_postgres(postgres_url):
    import datetime as dt

    from kb.accounts import AccountStore
    from kb.db import open_database
    db = open_database(postgres_url)
    assert db.engine.dialect.name == "postgresql"
    store = AccountStore(db)
    a = store.add_user("pg-officer", "officer", "long-enough-pass-1", department="地域課")
    assert store.authenticate("pg-officer", "long-enough-pass-1") == a
    assert store.authenticate("pg-officer", "wrong-password-0") is None
    key = store.start_session(a, ip="10.0.0.1")
    assert store.session_account(key, idle=dt.timedelta(minutes=5), max_age=dt.timedelta(hours=1)) == a
    store.end_session(key)
    assert store.session_account(key, idle=dt.timedelta(minutes=5), max_age=dt.timedelta(hours=1)) is None
    token_id, token = store.create_token("pg-officer")
    assert store.token_account(token) == a
    store.revoke_token(token_id)
    assert store.token_account(token) is None


def test_audit_log_is_append_only_on_postgres(postgres_url):
    from kb.audit import AuditLog, AuditQuery
    from kb.db import open_database
    db = open_database(postgres_url)
    log = AuditLog(db)
    log.record("search", username="pg-officer", target="交番 同行", detail={"hits": 3})
    assert log.events(AuditQuery(action="search"))[0].target == "交番 同行"
    for sql in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events", "TRUNCATE audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(sql))
    assert log.count(AuditQuery(action="search")) == 1


def test_the_app_runs_on_postgres(postgres_url, corpus_site):
    from webui import create_app
    app = create_app(corpus_site.config(DATABASE_URL=postgres_url))
    assert app.extensions["kb.db"].engine.dialect.name == "postgresql"
    c = signed_in(app, "officer")
    r = c.get("/api/search?q=交番 同行")
    assert r.status_code == 200 and r.json["total"] > 0
    from kb.audit import AuditQuery
    assert app.extensions["kb.audit"].events(AuditQuery(action="api_search", username="test-officer"))
