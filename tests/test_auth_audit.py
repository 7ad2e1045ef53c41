"""The audit log: a row for each audited action, browsable and exportable by admins, unchangeable."""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from conftest import api_token, csrf_token, ensure_user, sign_in, signed_in


@pytest.fixture(scope="module")
def app(corpus_site, tmp_path_factory):
    """An app with a database of its own, so the rows counted here are this module's."""
    from webui import create_app
    data = tmp_path_factory.mktemp("audit-data")
    return create_app(corpus_site.config(DATA=str(data)))


def rows(app, action: str, **where) -> list:
    log = app.extensions["kb.audit"]
    from kb.audit import AuditQuery
    found = log.events(AuditQuery(action=action), limit=1000)
    return [e for e in found if all(getattr(e, k) == v for k, v in where.items())]


def test_each_audited_action_writes_a_row(app):
    officer = ensure_user(app, "officer", "audited-officer")
    c = app.test_client()
    assert sign_in(c, officer, "wrong-password-999").status_code == 401
    assert rows(app, "login_failed", target=officer)
    assert sign_in(c, officer).status_code == 302
    assert rows(app, "login", username=officer, role="officer")

    c.get("/search?q=交番 同行&kind=regulation&f=1&inforce=1")
    [e] = rows(app, "search", username=officer)
    detail = json.loads(e.detail)
    assert e.target == "交番 同行" and detail["hits"] > 0 and detail["kinds"] == ["regulation"]
    assert detail["in_force_only"] is True and e.ip == "127.0.0.1" and e.channel == "web"

    c.get("/docs/law-keisatsu-ho")
    assert rows(app, "view_document", username=officer, target="law-keisatsu-ho")

    token = api_token(app, "officer", "audited-system")
    app.test_client().get("/api/search?q=職務質問", headers={"Authorization": f"Bearer {token}"})
    [e] = rows(app, "api_search", username="audited-system")
    assert e.channel == "api" and json.loads(e.detail)["hits"] > 0

    c.post("/logout", data={"csrf_token": csrf_token(c, "/")})
    assert rows(app, "logout", username=officer)


def test_admin_actions_are_audited_and_the_log_can_be_browsed_and_exported(app):
    ensure_user(app, "officer", "role-target")
    admin = signed_in(app, "admin")
    r = admin.post("/admin/users/role-target/role", data={"role": "desk", "csrf_token": csrf_token(admin, "/admin/users")})
    assert r.status_code == 302
    [e] = rows(app, "user_role", target="role-target")
    assert json.loads(e.detail) == {"from": "officer", "to": "desk"} and e.username == "test-admin"

    # a query that a spreadsheet would run as a formula, to check the export defuses it
    signed_in(app, "officer").get("/search?q==HYPERLINK(\"http://evil.example\")")

    page = admin.get("/admin/audit?action=user_role").get_data(as_text=True)
    assert "role-target" in page and "役割変更" in page
    page = admin.get("/admin/audit?user=nobody-at-all").get_data(as_text=True)
    assert "該当する記録はありません" in page

    r = admin.get("/admin/audit.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    body = r.get_data(as_text=True)
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert table[0][:5] == ["id", "at_utc", "user", "role", "action"]
    assert any(row[4] == "user_role" and row[5] == "role-target" for row in table[1:])
    formulas = [row[5] for row in table[1:] if "HYPERLINK" in row[5]]
    assert formulas and all(f.startswith("'=") for f in formulas)
    assert rows(app, "audit_export", username="test-admin")


def test_the_audit_table_cannot_be_changed(app):
    signed_in(app, "officer").get("/search?q=交番")
    db = app.extensions["kb.db"]
    for sql in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(sql))
    assert rows(app, "search")
    # and the app has no route that writes to it: the admin's audit pages only read
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.audit"):
            assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule
    admin = signed_in(app, "admin")
    assert admin.post("/admin/audit", data={"csrf_token": csrf_token(admin, "/")}).status_code == 405


def test_non_admins_cannot_read_the_log(app):
    for role in ("officer", "desk", "maintainer"):
        c = signed_in(app, role)
        assert c.get("/admin/audit").status_code == 403
        assert c.get("/admin/audit.csv").status_code == 403


def test_admin_adds_a_user_who_can_sign_in_with_the_password_shown_once(app):
    import re
    admin = signed_in(app, "admin")
    r = admin.post("/admin/users", data={"username": "new-desk", "role": "desk", "display_name": "照会 花子",
                                         "department": "本部 地域課", "csrf_token": csrf_token(admin, "/admin/users")})
    html = r.get_data(as_text=True)
    password = re.search(r'<code class="one-time-password">([^<]+)</code>', html).group(1)
    assert r.status_code == 200 and len(password) >= 16
    assert sign_in(app.test_client(), "new-desk", password).status_code == 302
    assert rows(app, "user_add", target="new-desk")
    assert password not in json.dumps([e.detail for e in rows(app, "user_add")])
    # the last admin cannot be demoted or disabled, with a Japanese explanation
    admins = [u for u in app.extensions["kb.accounts"].list_users() if u.role == "admin" and u.active]
    assert [a.username for a in admins] == ["test-admin"]
    r = admin.post("/admin/users/test-admin/role",
                   data={"role": "officer", "csrf_token": csrf_token(admin, "/admin/users")}, follow_redirects=True)
    assert "有効なシステム管理者が1人もいなくなる" in r.get_data(as_text=True)
    assert app.extensions["kb.accounts"].get("test-admin").role == "admin"
