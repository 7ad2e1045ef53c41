"""Sign-in and the guard every request passes.

Flask-Login keeps the signed-in user; its id is the key of a row in `login_sessions`, so a session
idles out, ends at sign-out and ends everywhere when a password or role changes. Other systems send
`Authorization: Bearer <token>` to /api/*. Every view names the permission it needs with
@requires(...); a view without one is refused (deny by default). CSRF (Flask-WTF) guards every
state-changing request made with a cookie; failed sign-ins are limited (webui.login_limit).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from kb.access import NO_ACCESS, Access, for_role
from kb.accounts import Account, AccountError, AccountStore
from kb.audit import AuditLog
from webui.errors import error_response
from webui.login_limit import LoginLimiter, login_name
from webui.login_store import COUNTS_FILE, storage_uri

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = {"auth.login", "static", "health.healthz"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
AUDIT_NOTICE = ("この端末での検索・閲覧・操作は、適正な業務利用を確認するため、"
                "利用者・日時とともに記録されます。")

csrf = CSRFProtect()


class SignedIn(UserMixin):
    """The Flask-Login user: an account and the key of its sign-in session (or its API token)."""

    def __init__(self, account: Account, key: str, channel: str = "web"):
        self.account, self.key, self.channel = account, key, channel

    def get_id(self) -> str:
        return self.key

    @property
    def is_active(self) -> bool:
        return self.account.active


def requires(permission: str):
    """Mark a view with the permission it needs (kb.accounts.PERMISSIONS); the guard enforces it."""
    def mark(view):
        view.permission = permission
        return view
    return mark


def current_account() -> Account | None:
    return current_user.account if current_user.is_authenticated else None


def access() -> Access:
    """What the signed-in user may read (kb.access), as the search filter and every view take it."""
    a = current_account()
    if a is None:
        return NO_ACCESS
    return for_role(a.role, a.groups())


def can_read(meta: dict) -> bool:
    """The document-level form of the same rule (views answer 404 when it says no)."""
    return access().can_read_meta(meta)


def client_ip() -> str:
    return request.remote_addr or ""


def audit(action: str, target: str = "", **detail) -> None:
    """One audit row for the current user (if any) and request."""
    a = current_account()
    current_app.extensions["kb.audit"].record(
        action, user_id=a.id if a else None, username=a.username if a else "", role=a.role if a else "",
        target=target, detail=detail, ip=client_ip(), channel=current_user.channel if a else "web")


# -- app wiring ----------------------------------------------------------------------------------
class SessionCookies(SecureCookieSessionInterface):
    """The signed session cookie is HttpOnly and SameSite=Lax always, Secure when served over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def secret_key(data: Path) -> str:
    """KB_SECRET_KEY, or a random key kept in the data folder (created once, owner-only)."""
    if os.environ.get("KB_SECRET_KEY"):
        return os.environ["KB_SECRET_KEY"]
    path = Path(data) / "secret_key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".secret_key.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        # a link never replaces an existing file: of concurrent first starts (kb serve --workers N),
        # the first key in place is the one every process reads below
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def init_app(app) -> None:
    """Accounts, audit, sessions, CSRF and the guard on the database create_app opened."""
    db = app.extensions["kb.db"]
    app.extensions["kb.accounts"] = AccountStore(db, clock=app.config["CLOCK"])
    app.extensions["kb.audit"] = AuditLog(db)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(Path(app.config["DATA"]))
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False      # the guard calls csrf.protect() itself
    app.session_interface = SessionCookies()

    manager = LoginManager()
    manager.init_app(app)

    @manager.user_loader
    def load_session(key: str):
        cfg = current_app.config
        idle = dt.timedelta(minutes=cfg["SESSION_IDLE_MINUTES"])
        account = current_app.extensions["kb.accounts"].session_account(
            key, idle=idle, max_age=dt.timedelta(hours=cfg["SESSION_MAX_HOURS"]),
            touch_after=min(dt.timedelta(seconds=30), idle / 4))
        return SignedIn(account, key) if account else None

    @manager.request_loader
    def load_token(req):
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not req.path.startswith("/api/"):
            return None
        token = header[len("Bearer "):].strip()
        account = current_app.extensions["kb.accounts"].token_account(token)
        return SignedIn(account, "", channel="api") if account else None

    csrf.init_app(app)
    _rate_limit_login(app)
    app.register_error_handler(429, rate_limited_page)
    app.before_request(guard)
    app.after_request(security_headers)

    @app.context_processor
    def signed_in_user():
        return {"account": current_account(), "audit_notice": AUDIT_NOTICE}

    @app.errorhandler(CSRFError)
    def csrf_refused(e):
        return error_response(400, "フォームの有効期限が切れたか、不正な送信です。ページを読み込み直してからやり直してください。",
                              "CSRF token missing or invalid")


def _rate_limit_login(app) -> None:
    """Failed sign-ins per account and per address (webui.login_limit)."""
    cfg = app.config
    uri = cfg.get("RATELIMIT_STORAGE_URI") or storage_uri(Path(cfg["DATA"]) / COUNTS_FILE)
    app.extensions["kb.limiter"] = LoginLimiter(uri,
                                                cfg["LOGIN_RATE_LIMIT"], cfg["LOGIN_RATE_LIMIT_PER_ADDRESS"])


def guard():
    """Sign-in, permission and CSRF checks before any view runs."""
    endpoint = request.endpoint
    if endpoint is None:
        return None                       # 404/405 follow; they reveal nothing
    api = request.path.startswith("/api/")
    if endpoint in PUBLIC_ENDPOINTS:
        csrf.protect() if request.method == "POST" else None
        return None
    if not current_user.is_authenticated:
        if api:
            return jsonify({"error": {"message": "sign in or send a valid API token",
                                      "message_ja": "ログインするか、有効なAPIトークンを送ってください。"}}), 401
        if session.pop("_user_id", None):
            flash("一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。")
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
    if current_user.channel != "api":
        csrf.protect()                    # only for POST/PUT/PATCH/DELETE (WTF_CSRF_METHODS)
        if current_account().must_change_password and endpoint not in ("auth.change_password", "auth.logout"):
            return redirect(url_for("auth.change_password"))
    view = current_app.view_functions.get(endpoint)
    permission = getattr(view, "permission", None)
    if permission is None:
        log.error("route %s has no permission rule: refused", endpoint)
        abort(403)
    if not current_account().may(permission):
        abort(403)
    return None


def security_headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static":
        h.setdefault("Cache-Control", "no-store")      # police data stays out of shared caches
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


# -- views ---------------------------------------------------------------------------------------
def safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme), else the search page."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
                and "\\" not in target:
            return target
    return url_for("search.search")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    error, status = None, 200
    username = ""
    if request.method == "POST":
        username = login_name(request.form.get("username"))
        password = request.form.get("password", "")[:1024]
        store = current_app.extensions["kb.accounts"]
        limiter = current_app.extensions["kb.limiter"]
        attempt = limiter.begin(username, client_ip())
        if not attempt.allowed:
            audit("login_limited", username, scope="account")
            abort(429)
        account = store.authenticate(username, password) if username and password else None
        if account is None:
            limiter.failed(client_ip())
            audit("login_failed", username)
            if attempt.address_over:
                abort(429)
            error, status = "ユーザー名またはパスワードが正しくありません。", 401
        elif attempt.address_over and not attempt.first_try:
            # a busy address lets through a right password at an account's first try only
            audit("login_limited", username, scope="address")
            abort(429)
        else:
            limiter.succeeded(username)
            key = store.start_session(account, ip=client_ip())
            session.clear()
            login_user(SignedIn(account, key))
            audit("login")
            return redirect(safe_next(request.form.get("next")))
    return render_template("auth/login.html", error=error, username=username,
                           next=request.values.get("next", "")), status


@bp.post("/logout")
@requires("read")
def logout():
    if current_user.channel == "web":
        audit("logout")
        current_app.extensions["kb.accounts"].end_session(current_user.key)
    logout_user()
    session.clear()
    flash("ログアウトしました。")
    return redirect(url_for("auth.login"))


def rate_limited_page(e):
    """429 on the sign-in form: the form again, with a Japanese explanation."""
    if request.endpoint == "auth.login":
        return render_template("auth/login.html", username=login_name(request.form.get("username")),
                               next=request.values.get("next", ""),
                               error="ログインの失敗が続いたため、しばらく受け付けを停止しています。"
                                     "1分ほど待ってから、もう一度お試しください。"), 429
    return error_response(429)


@bp.route("/account/password", methods=["GET", "POST"])
@requires("read")
def change_password():
    """Every user changes their own password (first sign-in with an issued one, or at will);
    the user's other sessions end, this one continues under a new key."""
    if current_user.channel != "web":
        abort(403)
    store = current_app.extensions["kb.accounts"]
    error = error_field = None
    if request.method == "POST":
        a = current_account()
        new = request.form.get("new_password", "")[:1024]
        if store.authenticate(a.username, request.form.get("current_password", "")[:1024]) is None:
            error, error_field = "現在のパスワードが正しくありません。", "current_password"
        elif new != request.form.get("new_password_again", ""):
            error, error_field = "新しいパスワードが一致しません。", "new_password_again"
        elif request.form.get("current_password", "") == new:
            error, error_field = "今までと違うパスワードにしてください。", "new_password"
        else:
            try:
                store.set_password(a.username, new)
            except AccountError as e:
                error, error_field = e.message_ja, "new_password"
        if error is None:
            audit("user_password", a.username, by="self")
            key = store.start_session(a, ip=client_ip())
            login_user(SignedIn(a, key))
            flash("パスワードを変更しました。ほかの端末のログインは終了しました。")
            return redirect(url_for("search.search"))
    return render_template("auth/password.html", error=error, error_field=error_field,
                           first=current_account().must_change_password), (400 if error else 200)
