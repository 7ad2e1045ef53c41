"""The HTTP errors a user can meet: a Japanese page, or {"error": {...}} JSON under /api/."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from indexer.generations import IndexMissing

log = logging.getLogger(__name__)

# Japanese and English texts for the HTTP errors a user can meet.
ERROR_TEXTS = {
    400: ("リクエストの内容が正しくありません。", "bad request"),
    403: ("この操作を行う権限がありません。", "forbidden"),
    404: ("お探しのページは見つかりませんでした。", "not found"),
    405: ("この操作はできません。", "method not allowed"),
    413: ("送信された内容が大きすぎるため、受け付けませんでした。内容を減らしてからもう一度お試しください。",
          "request body too large"),
    429: ("短時間に操作が集中したため、受け付けを一時停止しています。しばらく待ってからお試しください。", "too many requests"),
    500: ("システムでエラーが発生しました。時間をおいて再度お試しください。", "internal server error"),
    503: ("索引がまだ作成されていません。kb index を実行してください", "no index yet: run `kb index`"),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message_ja: str | None = None, message: str | None = None):
    """A Japanese page, or {"error": {...}} JSON under /api/, never a stack trace."""
    ja, en = ERROR_TEXTS.get(status) or ERROR_TEXTS[400 if status < 500 else 500]
    message_ja, message = message_ja or ja, message or en
    if wants_json():
        return jsonify({"error": {"message": message, "message_ja": message_ja}}), status
    return render_template("error.html", status=status, message_ja=message_ja), status


def register_errors(app: Flask) -> None:
    @app.errorhandler(IndexMissing)
    def index_missing(e):
        return error_response(503)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        body, status = error_response(e.code or 500)
        response = app.make_response((body, status))
        if isinstance(e, MethodNotAllowed) and e.valid_methods:
            response.headers["Allow"] = ", ".join(e.valid_methods)     # RFC 9110: a 405 says what is allowed
        return response

    @app.errorhandler(Exception)
    def unexpected(e):
        log.exception("unhandled error on %s", request.path)
        return error_response(500)
