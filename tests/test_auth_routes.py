"""Who may open what: every route of the app (read from its URL map) for every role and for
someone not signed in. A new route without a row here fails the test."""
from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from conftest import ROLES, api_token, csrf_token, ensure_user, signed_in

PUBLIC = "public"
EVERYONE = frozenset(ROLES)
DESK = frozenset({"desk", "admin"})
EDIT = frozenset({"maintainer", "admin"})
ADMIN = frozenset({"admin"})
# 連携: another prefecture's instance, whose token reads the share feed and nothing else
PEER = frozenset({"peer"})

# endpoint → who may use it (PUBLIC: no sign-in needed)
ACCESS = {
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "health.healthz": PUBLIC,
    "auth.logout": EVERYONE,
    "auth.change_password": EVERYONE,
    "search.search": EVERYONE,
    "docs.view": EVERYONE,
    "api.search": EVERYONE,
    "api.suggest": EVERYONE,
    "api.document": EVERYONE,
    "api.section": EVERYONE,
    "api.openapi": EVERYONE,
    # the unversioned /api/... aliases of the same views (docs/api.md)
    "api_legacy.search": EVERYONE,
    "api_legacy.suggest": EVERYONE,
    "api_legacy.document": EVERYONE,
    "api_legacy.section": EVERYONE,
    "api_legacy.openapi": EVERYONE,
    "admin.users": ADMIN,
    "admin.add_user": ADMIN,
    "admin.set_role": ADMIN,
    "admin.set_active": ADMIN,
    "admin.reset_password": ADMIN,
    "admin.revoke_token": ADMIN,
    "admin.audit_log": ADMIN,
    "desk.index": DESK,
    "desk.new": DESK,
    "desk.edit": DESK,
    "desk.review": DESK,
    "desk.reuse": EDIT,
    "desk.ask": EVERYONE,
    "desk.mine": EVERYONE,
    "admin.audit_csv": ADMIN,
    "feedback.flag_section": EVERYONE,
    "feedback.not_helpful": EVERYONE,
    "editor.index": EDIT,
    "editor.new": EDIT,
    "editor.edit": EDIT,
    "editor.preview": EDIT,
    "editor.history": EDIT,
    "editor.diff": EDIT,
    "editor.show_revision": EDIT,
    "editor.restore": EDIT,
    "editor.import_text": EDIT,
    "editor.deadlines": EDIT,
    "editor.queue": EDIT,
    "editor.resolve_flag": EDIT,
    "editor.close_search": EDIT,
    "share.index": DESK,
    "share.case": DESK,
    "share.approval": DESK,
    "share.held": DESK,
    "share.feed": PEER,
    "guide.help_page": EVERYONE,
    "guide.documents": EVERYONE,
    "desk.queue_fragment": DESK,
    "desk.similar": DESK,
}

# Values for URL variables, chosen so an allowed request does no harm to other tests.
SAMPLE_ARGS = {"doc_id": "law-keisatsu-ho", "filename": "base.css", "username": "matrix-target",
               "token_id": 999999, "section_id": "art-1", "inquiry_id": 1, "revision": 1, "path": "x",
               "flag_id": 999999, "request_id": 999999, "row_id": 999999}


def rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def url_for_rule(rule) -> str:
    url = rule.rule
    for arg in rule.arguments:
        if arg not in SAMPLE_ARGS:
            pytest.fail(f"add a sample value for <{arg}> of {rule.rule} to SAMPLE_ARGS")
        url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", str(SAMPLE_ARGS[arg]), url)
    return url


def test_every_route_has_an_access_rule(app):
    missing = sorted({r.endpoint for r, _ in rules(app)} - ACCESS.keys())
    assert not missing, f"routes without a row in ACCESS: {missing}"


def request(client, method: str, url: str, token: str | None = None):
    data = {"csrf_token": token} if token else {}
    return client.open(url, method=method, data=data)


@pytest.mark.parametrize("who", ["anonymous", *ROLES, "peer"])
def test_role_by_route_matrix(app, who):
    ensure_user(app, "officer", "matrix-target")
    problems = []
    reader = None if who == "anonymous" else signed_in(app, who)
    for rule, method in rules(app):
        allowed = ACCESS.get(rule.endpoint)
        if allowed is None:
            continue                     # reported by test_every_route_has_an_access_rule
        url = url_for_rule(rule)
        # state-changing requests get a fresh session each (a sign-out must not end the next check)
        client = reader if method == "GET" or reader is None else signed_in(app, who)
        if client is None:
            client = app.test_client()
        token = csrf_token(client, "/login" if reader is None else "/") if method != "GET" else None
        r = request(client, method, url, token)
        status = r.status_code
        if allowed == PUBLIC:
            ok = status < 500 and status != 403
        elif who == "anonymous":
            expected = 401 if url.startswith("/api/") else 302
            ok = status == expected and (status == 401 or "/login" in r.headers["Location"])
        elif who in allowed:
            to_login = "/login" in r.headers.get("Location", "") and rule.endpoint != "auth.logout"
            ok = status not in (401, 403) and not to_login
        else:
            ok = status == 403
        if not ok:
            problems.append(f"{who} {method} {url} -> {status}")
    assert not problems, "\n".join(problems)


def test_api_answers_401_json_without_a_valid_token(app):
    c = app.test_client()
    for headers in ({}, {"Authorization": "Bearer kbt_not-a-real-token"}, {"Authorization": "Basic eDp5"}):
        r = c.get("/api/search?q=交番", headers=headers)
        assert r.status_code == 401 and r.is_json and r.json["error"]["message_ja"], headers


def test_api_token_works_and_stops_when_revoked_or_user_disabled(app):
    c = app.test_client()
    token = api_token(app, "officer", "token-user")
    ok = c.get("/api/search?q=交番", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.json["total"] > 0
    assert "Set-Cookie" not in ok.headers               # a token request starts no session
    store = app.extensions["kb.accounts"]
    store.set_active("token-user", False)
    assert c.get("/api/search?q=交番", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    store.set_active("token-user", True)          # disabling revoked it for good (docs/decisions.md)
    assert c.get("/api/search?q=交番", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    token = api_token(app, "officer", "token-user")
    assert c.get("/api/search?q=交番", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    token_id = [t["id"] for t in store.list_tokens("token-user")][-1]
    store.revoke_token(token_id)
    assert c.get("/api/search?q=交番", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_token_opens_the_api_only(app):
    token = api_token(app, "admin", "token-admin")
    r = app.test_client().get("/admin/users", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_pages_redirect_to_login_and_come_back(app):
    c = app.test_client()
    r = c.get("/search?q=交番")
    assert r.status_code == 302
    assert "/login?next=/search?q%3D" in r.headers["Location"] or "next=" in r.headers["Location"]
    name = ensure_user(app, "officer")
    r = c.post("/login", data={"username": name, "password": "test-only-passphrase-42",
                               "csrf_token": csrf_token(c), "next": "/search?q=交番"})
    assert r.status_code == 302 and unquote(r.headers["Location"]) == "/search?q=交番"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_login_never_redirects_off_site(app, target):
    c = app.test_client()
    r = c.post("/login", data={"username": ensure_user(app, "officer"), "password": "test-only-passphrase-42",
                               "csrf_token": csrf_token(c), "next": target})
    assert r.status_code == 302 and r.headers["Location"] == "/search"


def test_peer_token_reads_the_share_feed_and_nothing_else(app):
    c = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(app, 'peer', 'peer-token-user')}"}
    for path in ("/api/search?q=交番", "/api/suggest?q=交", "/api/docs/law-keisatsu-ho"):
        r = c.get(path, headers=headers)
        assert r.status_code == 403 and r.is_json, path
    feed = c.get("/api/share/feed", headers=headers)
    assert feed.status_code != 403
    officer = {"Authorization": f"Bearer {api_token(app, 'officer', 'token-user-2')}"}
    assert c.get("/api/share/feed", headers=officer).status_code == 403
