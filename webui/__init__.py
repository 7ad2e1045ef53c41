"""The Flask web UI and JSON API: create_app() wires the corpus, the search engine and blueprints."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

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


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; test_config may set CORPUS, INDEX and DATA (default: KB_* or ./corpus)."""
    import os
    from kb.config import paths

    app = Flask(__name__, instance_relative_config=False)
    p = paths()
    app.config.from_mapping(
        CORPUS=str(p.corpus), INDEX=str(p.index), DATA=str(p.data),
        PAGE_SIZE=10,
        # Sign-in sessions end after this much inactivity, and after SESSION_MAX_HOURS in any case.
        SESSION_IDLE_MINUTES=float(os.environ.get("KB_SESSION_IDLE_MINUTES", 30)),
        SESSION_MAX_HOURS=float(os.environ.get("KB_SESSION_MAX_HOURS", 12)),
        SESSION_COOKIE_SECURE=os.environ.get("KB_COOKIE_SECURE") == "1",   # else: Secure over HTTPS
        SESSION_COOKIE_NAME="kb_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,          # a form's token lives as long as the sign-in session
        # Failed sign-ins allowed per account (user name), and per client address over all names.
        LOGIN_RATE_LIMIT=os.environ.get("KB_LOGIN_RATE_LIMIT", "5 per minute;20 per hour"),
        LOGIN_RATE_LIMIT_PER_ADDRESS=os.environ.get("KB_LOGIN_RATE_LIMIT_PER_ADDRESS", "30 per minute;200 per hour"),
        # where the sign-in counters live: "" = a SQLite file in DATA (shared by the workers of one
        # machine, webui.login_store), redis://host:port (shared by the nodes), memory:// (per process)
        RATELIMIT_STORAGE_URI=os.environ.get("KB_RATELIMIT_STORAGE_URI", ""),
        DATABASE_URL=os.environ.get("KB_DATABASE_URL"),
        # a cluster node's name (webui.cluster); unset on a single machine
        NODE_NAME=os.environ.get("KB_NODE_NAME", ""),
        FOLLOW_POLL_SECONDS=float(os.environ.get("KB_FOLLOW_POLL_SECONDS", 5)),
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    from kb.filemodes import make_private
    make_private(Path(app.config["DATA"]))        # hashes, raw inquiries, audit: owner-only
    if os.environ.get("KB_PROXY_FIX") == "1":      # behind one reverse proxy that terminates TLS
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    from indexer.search import SearchEngine
    from webui.documents import DocumentCache
    corpus = Path(app.config["CORPUS"])
    app.extensions["kb.engine"] = SearchEngine(Path(app.config["INDEX"]), corpus / "dictionary")
    app.extensions["kb.documents"] = DocumentCache(corpus)

    from webui import admin, api, auth, docs, editor, guide, limits, search
    from webui.dates import status_label, wareki
    limits.init_app(app)
    auth.init_app(app)
    app.register_blueprint(search.bp)
    app.register_blueprint(guide.bp)        # /help and /docs/ (before docs.view's /docs/<id>)
    app.register_blueprint(docs.bp)
    app.register_blueprint(api.bp)                                       # /api/v1/...
    app.register_blueprint(api.bp, url_prefix=api.LEGACY_PREFIX, name=api.LEGACY_NAME)  # alias
    app.register_blueprint(admin.bp)
    app.register_blueprint(editor.bp)      # maintainers' editor and queue (+ officers' feedback)
    app.register_blueprint(__import__("webui.desk").desk.bp)   # consultation desk, 本部に照会する, 自分の照会
    app.register_blueprint(__import__("webui.share").share.bp)  # 全国共有 and the peers' feed
    app.add_template_filter(wareki)
    app.add_template_global(status_label)
    from kb.document import KIND_LABELS
    app.add_template_global(KIND_LABELS, "KIND_LABELS")
    register_errors(app)
    from webui.indexing import reconcile_at_start
    reconcile_at_start(app)
    from webui import cluster, health
    app.register_blueprint(health.bp)      # /healthz for the load balancer
    cluster.init_app(app)
    return app


def get_engine(app=None):
    from flask import current_app
    return (app or current_app).extensions["kb.engine"]


def get_documents(app=None):
    from flask import current_app
    return (app or current_app).extensions["kb.documents"]


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
    from indexer.generations import IndexMissing

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
