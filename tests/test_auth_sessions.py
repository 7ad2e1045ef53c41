"""Sign-in sessions: CSRF on every change, the login rate limit, inactivity expiry, cookies and
security headers, and what ends a session."""
from __future__ import annotations

import pytest

from conftest import TEST_PASSWORD, csrf_token, ensure_user, sign_in, signed_in
from kb.clock import ManualClock
from webui import create_app


def post_rules(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            yield rule


def test_every_post_without_a_csrf_token_is_refused(app):
    from test_auth_routes import url_for_rule
    admin = signed_in(app, "admin")
    checked = 0
    for rule in post_rules(app):
        url = url_for_rule(rule)
        for data in ({}, {"csrf_token": "forged"}):
            r = admin.post(url, data=data)
            assert r.status_code == 400, (url, data, r.status_code)
            assert "フォームの有効期限が切れたか、不正な送信です" in r.get_data(as_text=True)
        checked += 1
    assert checked >= 7
    assert admin.get("/search?q=交番").status_code == 200      # still signed in: nothing was done


def test_login_form_needs_its_csrf_token_too(app):
    c = app.test_client()
    r = c.post("/login", data={"username": ensure_user(app), "password": TEST_PASSWORD})
    assert r.status_code == 400


def test_a_token_from_another_session_is_refused(app):
    a, b = signed_in(app, "admin"), signed_in(app, "admin")
    r = a.post("/admin/users", data={"username": "csrf-victim", "role": "admin", "csrf_token": csrf_token(b, "/")})
    assert r.status_code == 400
    assert app.extensions["kb.accounts"].get("csrf-victim") is None


@pytest.fixture
def fresh_app(corpus_site):
    """An app of its own (its own rate-limit counters) on the shared test database."""
    return create_app(corpus_site.config())


def test_failed_logins_trip_the_rate_limit_with_a_japanese_message(fresh_app):
    name = ensure_user(fresh_app, "officer", "limit-target")
    c = fresh_app.test_client()
    for _ in range(5):
        r = sign_in(c, name, "wrong-password-123")
        assert r.status_code == 401
        assert "ユーザー名またはパスワードが正しくありません" in r.get_data(as_text=True)
    r = sign_in(c, name, "wrong-password-123")
    assert r.status_code == 429
    assert "ログインの失敗が続いたため" in r.get_data(as_text=True)
    # while locked even the right password waits: guessing gains nothing
    assert sign_in(c, name, TEST_PASSWORD).status_code == 429
    # other users at the same address are not locked out by one user's failures
    assert sign_in(c, ensure_user(fresh_app, "desk")).status_code == 302


def test_successful_logins_do_not_count(fresh_app):
    name = ensure_user(fresh_app, "officer")
    for _ in range(8):
        assert sign_in(fresh_app.test_client(), name).status_code == 302


def test_spraying_many_user_names_from_one_address_trips_too(fresh_app):
    c = fresh_app.test_client()
    codes = [sign_in(c, f"nobody-{i}", "wrong-password-123").status_code for i in range(32)]
    assert codes[:30] == [401] * 30 and codes[-1] == 429


def test_session_ends_after_inactivity(corpus_site):
    clock = ManualClock()
    app = create_app(corpus_site.config(SESSION_IDLE_MINUTES=30, CLOCK=clock))
    c = signed_in(app, "officer")
    assert c.get("/search?q=交番").status_code == 200
    clock.advance(minutes=29)
    assert c.get("/search?q=交番").status_code == 200
    clock.advance(minutes=31)
    r = c.get("/search?q=交番")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "一定時間操作がなかったため、ログアウトしました" in page
    assert c.get("/search?q=交番").status_code == 302          # the old session stays ended


def test_activity_keeps_the_session(corpus_site):
    clock = ManualClock()
    app = create_app(corpus_site.config(SESSION_IDLE_MINUTES=30, CLOCK=clock))
    c = signed_in(app, "officer")
    for _ in range(3):                 # 60 minutes in all, never 30 without a request
        clock.advance(minutes=20)
        assert c.get("/search?q=交番").status_code == 200


def test_session_ends_after_its_maximum_age_even_when_active(corpus_site):
    clock = ManualClock()
    app = create_app(corpus_site.config(SESSION_IDLE_MINUTES=30, SESSION_MAX_HOURS=1, CLOCK=clock))
    c = signed_in(app, "officer")
    clock.advance(minutes=25)
    assert c.get("/search?q=交番").status_code == 200
    clock.advance(minutes=25)
    assert c.get("/search?q=交番").status_code == 200
    clock.advance(minutes=15)
    assert c.get("/search?q=交番").status_code == 302


def test_sign_out_ends_the_session_for_a_copied_cookie(app):
    c = signed_in(app, "officer")
    cookie = c.get_cookie("kb_session").value
    r = c.post("/logout", data={"csrf_token": csrf_token(c, "/")})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    thief = app.test_client()
    thief.set_cookie("kb_session", cookie)
    assert thief.get("/search?q=交番").status_code == 302


def test_password_change_and_disabling_end_sessions(app):
    store = app.extensions["kb.accounts"]
    name = ensure_user(app, "officer", "ends-sessions")
    c = signed_in(app, "officer", name)
    store.set_password(name, TEST_PASSWORD + "x")
    assert c.get("/").status_code == 302
    store.set_password(name, TEST_PASSWORD)
    c = signed_in(app, "officer", name)
    store.set_active(name, False)
    assert c.get("/").status_code == 302
    assert sign_in(app.test_client(), name).status_code == 401    # disabled: no new sign-in either
    store.set_active(name, True)


def test_cookie_flags(app):
    c = app.test_client()
    r = sign_in(c, ensure_user(app))
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = app.test_client()
    r = https.post("/login", base_url="https://kb.example", headers={"Referer": "https://kb.example/login"}, data={
        "username": ensure_user(app), "password": TEST_PASSWORD,
        "csrf_token": csrf_token_https(https)})
    assert r.status_code == 302
    assert "Secure" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in r.headers


def csrf_token_https(client) -> str:
    import re
    html = client.get("/login", base_url="https://kb.example").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("path", ["/login", "/search?q=交番", "/docs/law-keisatsu-ho", "/api/search?q=交番"])
def test_security_headers(client, path):
    r = client.get(path)
    csp = r.headers["Content-Security-Policy"]
    script_src = [d for d in csp.split(";") if d.strip().startswith("script-src")][0]
    assert "'self'" in script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["Cache-Control"] == "no-store"


def test_templates_have_no_inline_script():
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "webui" / "templates"
    for path in root.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline <script> in {path}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler in {path}"


def test_login_page_says_searches_are_logged(app):
    html = app.test_client().get("/login").get_data(as_text=True)
    assert "記録されます" in html and 'meta charset="utf-8"' in html


def test_users_change_their_own_password(app):
    name = ensure_user(app, "officer", "changes-own-password")
    me, elsewhere = signed_in(app, "officer", name), signed_in(app, "officer", name)

    def change(current, new, again=None):
        return me.post("/account/password", data={
            "current_password": current, "new_password": new, "new_password_again": again or new,
            "csrf_token": csrf_token(me, "/account/password")})
    for args, message in [(("wrong-password-000", "brand-new-passphrase-1"), "現在のパスワードが正しくありません"),
                          ((TEST_PASSWORD, "brand-new-passphrase-1", "brand-new-passphrase-2"), "一致しません"),
                          ((TEST_PASSWORD, "short"), "12文字以上")]:
        r = change(*args)
        assert r.status_code == 400 and message in r.get_data(as_text=True), args
    r = change(TEST_PASSWORD, "brand-new-passphrase-1")
    assert r.status_code == 302
    assert me.get("/search?q=交番").status_code == 200               # this session goes on
    assert elsewhere.get("/search?q=交番").status_code == 302        # the others end
    assert sign_in(app.test_client(), name).status_code == 401        # the old password is gone
    assert sign_in(app.test_client(), name, "brand-new-passphrase-1").status_code == 302
    app.extensions["kb.accounts"].set_password(name, TEST_PASSWORD)
