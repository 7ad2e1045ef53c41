"""What officers tell the maintainers: a section is outdated or wrong, a search result did not help."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for

from kb.feedback_queue import FlagRefused
from webui.auth import audit, current_account, requires, safe_next
from webui.document_page import load_readable

bp = Blueprint("feedback", __name__)


def queue():
    return current_app.extensions["kb.feedback_queue"]


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.post("/docs/<doc_id>/flags")
@requires("read")
def flag_section(doc_id: str):
    """「この内容は古い/誤り」 on one section of a document, with a short comment."""
    doc = load_readable(doc_id).doc           # 404 for what the officer may not read
    section_id = request.form.get("section", "")
    section = next((s for s in doc.sections if s.id == section_id), None)
    back = url_for("docs.view", doc_id=doc_id) + (f"#{section_id}" if section else "")
    if section is None:
        return _answer(400, "報告する条文・項目を選んでください。", back)
    a = current_account()
    try:
        flag = queue().flag_section(doc_id, section.id, " > ".join(section.breadcrumb[1:]) or section.heading,
                                    request.form.get("reason", ""), request.form.get("comment", ""),
                                    user_id=a.id, username=a.username, department=a.department)
    except FlagRefused as e:
        return _answer(400, e.message_ja, back)
    audit("flag_section", f"{doc_id}#{section.id}", reason=flag.reason, comment=flag.comment, flag=flag.id)
    return _answer(200, "報告を受け付けました。文書の管理者が確認します。", back)


@bp.post("/feedback/not-helpful")
@requires("read")
def not_helpful():
    """A search result marked 「役に立たなかった」 for its query."""
    a = current_account()
    query = request.form.get("q", "")
    back = safe_next(request.form.get("next"))
    try:
        queue().mark_not_helpful(query, request.form.get("doc", ""), request.form.get("section", ""),
                                 user_id=a.id, username=a.username)
    except FlagRefused as e:
        return _answer(400, e.message_ja, back)
    audit("search_not_helpful", query, doc=request.form.get("doc", ""), section=request.form.get("section", ""))
    return _answer(200, "ご意見を記録しました。検索の改善に使います。答えが見つからないときは、本部に照会できます。",
                   back, "ask-hq")


def _answer(status: int, message_ja: str, back: str, category: str = "message"):
    """JSON for the page's script, otherwise a flash and back to the page (303)."""
    if wants_json():
        return jsonify(ok=status == 200, message_ja=message_ja), status
    if status != 200 and not back:
        abort(status)
    flash(message_ja, category if status == 200 else "error")
    return redirect(back, 303)
