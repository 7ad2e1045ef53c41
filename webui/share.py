"""Inter-prefecture sharing in the web app: the desk's 全国 requests, second-member approvals and
withdrawals, its look at held imported cases, and GET /api/share/feed for peer instances (連携).

Files are written by kb.sharing / kb.share_import and re-indexed through the single writer."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for

from kb.desk import DeskError
from kb.exchange import ExchangeError, moment_key, write_bundle
from kb.share_import import STATES, ShareLedger, resolver_from_catalog
from kb.sharing import SCOPES, ShareStore, export_records, local_cases
from kb.trust import own_key, own_org, trusted_entries
from webui.auth import audit, current_account, requires
from webui.errors import error_response
from webui.extensions import get_engine
from webui.indexing import reindex

bp = Blueprint("share", __name__)
FEED_TYPE = "application/x-ndjson; charset=utf-8"


def init_app(app) -> None:
    """The sharing stores on the database and corpus create_app opened."""
    db, corpus = app.extensions["kb.db"], Path(app.config["CORPUS"])
    app.extensions["kb.share"] = ShareStore(db, corpus)
    app.extensions["kb.share_ledger"] = ShareLedger(db, corpus)


def shares() -> ShareStore:
    return current_app.extensions["kb.share"]


def ledger() -> ShareLedger:
    return current_app.extensions["kb.share_ledger"]


def resolver():
    engine = get_engine()
    engine.searcher()                  # the catalog of the live generation
    return resolver_from_catalog(engine.catalog)


@bp.get("/desk/share/")
@requires("inquiries")
def index():
    data = Path(current_app.config["DATA"])
    return render_template("share/index.html", cases=local_cases(Path(current_app.config["CORPUS"])),
                           pending=shares().pending(), held=ledger().rows(("held",)), counts=ledger().counts(),
                           org=own_org(data), trusted=trusted_entries(data), scopes=SCOPES, states=STATES)


@bp.route("/desk/share/case/<doc_id>", methods=["GET", "POST"])
@requires("inquiries")
def case(doc_id: str):
    """One case's masked text and scope; POST action=request (全国を申請) or withdraw (部内に戻す)."""
    try:
        found = shares().case(doc_id)
    except DeskError:
        abort(404)
    if request.method == "GET":
        pending = [r for r in shares().pending() if r.doc_id == doc_id]
        return render_template("share/case.html", case=found, pending=pending[0] if pending else None, scopes=SCOPES)
    me = current_account().username
    try:
        if request.form.get("action") == "withdraw":
            shares().withdraw(doc_id)
            audit("share_withdraw", doc_id)
            flash(f"事例 {doc_id} の全国共有を取り下げました（部内に戻しました）。次回の書き出しで他県に取り下げが伝わります。")
            status = reindex([doc_id])
        else:
            r = shares().request(doc_id, me, request.form.get("digest", ""))
            audit("share_request", doc_id, request_id=r.id, digest=r.digest)
            flash(f"事例 {doc_id} の全国共有を申請しました。別の照会デスク担当者の承認で共有されます。")
            status = ""
    except DeskError as e:
        flash(e.message_ja)
        return redirect(url_for("share.case", doc_id=doc_id))
    if status:
        flash(status)
    return redirect(url_for("share.index"))


@bp.route("/desk/share/<int:request_id>", methods=["GET", "POST"])
@requires("inquiries")
def approval(request_id: int):
    """The approval page: the masked text again; only another desk member may approve."""
    try:
        req = shares().get(request_id)
        found = shares().case(req.doc_id)
    except DeskError:
        abort(404)
    me = current_account().username
    if request.method == "GET":
        return render_template("share/approve.html", req=req, case=found, own_request=req.requested_by == me)
    approve = request.form.get("action") == "approve"
    try:
        if approve and request.form.get("confirmed") != "1":
            raise DeskError("not confirmed", "共有する内容を読み、「個人情報が含まれていないことを確認しました」にチェックを入れてください。")
        req = shares().decide(request_id, me, approve, request.form.get("digest", ""))
    except DeskError as e:
        flash(e.message_ja)
        return render_template("share/approve.html", req=shares().get(request_id), case=found,
                               own_request=req.requested_by == me), 422
    audit("share_approve" if approve else "share_refuse", req.doc_id, request_id=req.id,
          requested_by=req.requested_by, digest=req.digest)
    if approve:
        flash(f"事例 {req.doc_id} を全国共有にしました（申請：{req.requested_by}、承認：{me}）。")
        status = reindex([req.doc_id])
        if status:
            flash(status)
    else:
        flash(f"事例 {req.doc_id} の全国共有の申請を差し戻しました。")
    return redirect(url_for("share.index"))


@bp.post("/desk/share/held/<int:row_id>")
@requires("inquiries")
def held(row_id: int):
    """A held imported case after the desk's look: publish as received, or leave out."""
    publish = request.form.get("action") == "publish"
    try:
        row = ledger().decide_held(row_id, publish, resolver())
    except DeskError as e:
        flash(e.message_ja)
        return redirect(url_for("share.index"))
    audit("share_held_publish" if publish else "share_held_discard", row.doc_id, org=row.org, case_id=row.case_id)
    flash(f"{row.org} の事例 {row.case_id} を" + ("公開しました。" if publish else "公開しないことにしました。"))
    if publish:
        status = reindex([row.doc_id])
        if status:
            flash(status)
    return redirect(url_for("share.index"))


def since_arg(raw: str | None) -> dt.datetime | None:
    """?since= as a date (its midnight in JST) or an ISO time with offset."""
    if not raw:
        return None
    try:
        moment = moment_key(raw.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None     # a time needs its offset


@bp.get("/api/v1/share/feed")
@bp.get("/api/share/feed")           # the unversioned alias, like the other /api routes
@requires("share_feed")
def feed():
    """GET /api/share/feed?since= → this prefecture's signed bundle (JSON Lines) for a peer."""
    raw = request.args.get("since")
    since = since_arg(raw)
    if raw is not None and since is None:       # an empty or malformed since= is refused
        return error_response(400, "since は YYYY-MM-DD か時差付きの ISO 8601 の日時で指定してください",
                              "since must be YYYY-MM-DD or an ISO 8601 time with offset")
    try:
        key = own_key(Path(current_app.config["DATA"]))
    except ExchangeError as e:
        return error_response(503, e.message_ja, str(e))
    cases, withdrawals = export_records(Path(current_app.config["CORPUS"]), key.org, since)
    body = write_bundle(key.org, key.private_key, cases, withdrawals, since=raw)
    audit("share_feed", key.org, since=raw, cases=len(cases), withdrawals=len(withdrawals))
    return Response(body, mimetype=FEED_TYPE)
