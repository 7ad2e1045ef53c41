"""System administration (admin role): users and roles, and the audit log with CSV export."""
from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from kb.access import ROLES
from kb.accounts import AccountError, random_password
from kb.audit import ACTIONS, AuditQuery
from kb.era import JST
from webui.auth import audit, current_account, requires
from webui.confirm import confirmation_page
from webui.dates import wareki

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE = 50


def accounts():
    return current_app.extensions["kb.accounts"]


@bp.app_template_filter("jst")
def jst(value: dt.datetime | None) -> str:
    """Stored naive UTC → 令和8年11月25日 18:03:12 (JST): the same date style as documents' dates."""
    if value is None:
        return ""
    local = value.replace(tzinfo=dt.UTC).astimezone(JST)
    return f"{wareki(local.date())} {local:%H:%M:%S}"


@bp.app_template_filter("audit_detail")
def audit_detail(raw: str) -> str:
    """{"hits": 3, "kinds": []} → hits: 3 (empty values left out): readable in a table cell."""
    try:
        detail = json.loads(raw or "{}")
    except ValueError:
        return raw
    if not isinstance(detail, dict):
        return raw
    return " / ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                      for k, v in detail.items() if v not in ("", [], None, {}))


@bp.get("/users")
@requires("admin")
def users():
    return render_template("admin/users.html", users=accounts().list_users(), roles=ROLES,
                           tokens=accounts().list_tokens())


@bp.post("/users")
@requires("admin")
def add_user():
    f = request.form
    password = random_password()
    try:
        a = accounts().add_user(f.get("username", "").strip(), f.get("role", ""), password,
                                display_name=f.get("display_name", "").strip()[:100],
                                department=f.get("department", "").strip()[:100], must_change_password=True)
    except AccountError as e:
        flash(e.message_ja, "error")
        return redirect(url_for("admin.users"))
    audit("user_add", a.username, role=a.role, department=a.department)
    return render_template("admin/password_once.html", username=a.username, password=password,
                           created=True)


def _change(action: str, username: str, apply) -> Response:
    try:
        detail = apply() or {}
    except AccountError as e:
        flash(e.message_ja, "error")
        return redirect(url_for("admin.users"))
    audit(action, username, **detail)
    flash(f"{username} を更新しました。")
    return redirect(url_for("admin.users"))


@bp.post("/users/<username>/role")
@requires("admin")
def set_role(username: str):
    def apply():
        old, new = accounts().set_role(username, request.form.get("role", ""))
        return {"from": old, "to": new}
    return _change("user_role", username, apply)


@bp.post("/users/<username>/active")
@requires("admin")
def set_active(username: str):
    active = request.form.get("active") == "1"
    if not active and username == current_account().username:
        flash("自分自身は無効にできません。", "error")
        return redirect(url_for("admin.users"))
    if not active:
        ask = confirmation_page(f"{username} を無効にしますか？ログイン中の端末もすべてログアウトされます。",
                                "無効にする", url_for("admin.users"))
        if ask:
            return ask
    return _change("user_enable" if active else "user_disable", username,
                   lambda: accounts().set_active(username, active))


@bp.post("/users/<username>/password")
@requires("admin")
def reset_password(username: str):
    """A new random password, shown once; the user's sessions end."""
    ask = confirmation_page(f"{username} のパスワードを再発行しますか？今のパスワードは使えなくなり、"
                            "ログイン中の端末もすべてログアウトされます。", "再発行する", url_for("admin.users"))
    if ask:
        return ask
    password = random_password()
    try:
        accounts().set_password(username, password, must_change=True)
    except AccountError as e:
        flash(e.message_ja, "error")
        return redirect(url_for("admin.users"))
    audit("user_password", username)
    return render_template("admin/password_once.html", username=username, password=password, created=False)


@bp.post("/tokens/<int:token_id>/revoke")
@requires("admin")
def revoke_token(token_id: int):
    return _change("token_revoke", str(token_id), lambda: {"user": accounts().revoke_token(token_id)})


def audit_query(args) -> AuditQuery:
    def day(name):
        try:
            return dt.date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None
    action = args.get("action", "")
    return AuditQuery(username=args.get("user", "").strip()[:64], action=action if action in ACTIONS else "",
                      since=day("since"), until=day("until"), text=args.get("text", "").strip()[:100])


@bp.get("/audit")
@requires("admin")
def audit_log():
    q = audit_query(request.args)
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    log = current_app.extensions["kb.audit"]
    total = log.count(q)
    events = log.events(q, limit=PAGE, offset=(page - 1) * PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", q=q, events=events, total=total, page=page,
                           pages=max(1, -(-total // PAGE)), args=args, actions=ACTIONS, roles=ROLES)


@bp.get("/audit.csv")
@requires("admin")
def audit_csv():
    q = audit_query(request.args)
    body = current_app.extensions["kb.audit"].to_csv(q)
    audit("audit_export", "audit.csv", filters={k: v for k, v in request.args.items() if v})
    stamp = dt.datetime.now(JST).strftime("%Y%m%d-%H%M")
    return Response(body, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})
