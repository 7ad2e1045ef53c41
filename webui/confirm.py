"""A second look before an action that cannot be taken back with one tap (パスワード再発行,
無効にする, 版の復元). The form carries data-confirm: with JavaScript a dialog asks and adds
confirmed=1; without it the server answers the first post with a page that asks the same question
and posts the same fields again, so the rule lives here once."""
from __future__ import annotations

from flask import render_template, request


def confirmation_page(question: str, action_label: str, cancel_url: str):
    """None when the post was confirmed; otherwise the page (200) that asks `question`."""
    if request.form.get("confirmed") == "1":
        return None
    fields = [(k, v) for k in request.form for v in request.form.getlist(k) if k not in ("confirmed", "csrf_token")]
    return render_template("confirm.html", question=question, action_label=action_label, fields=fields,
                           action=request.path, cancel_url=cancel_url)
