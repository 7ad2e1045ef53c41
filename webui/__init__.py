"""The Flask web UI and JSON API: create_app() wires the corpus, the search engine and blueprints."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from indexer.search import SearchEngine
from kb.clock import SYSTEM_CLOCK
from kb.config import paths
from kb.db import database_url, open_database
from kb.document import KIND_LABELS
from kb.filemodes import make_private
from webui import admin, api, auth, cluster, desk, document_page, editor, feedback, guide, health, limits, search, share
from webui.dates import status_label, wareki
from webui.document_cache import DocumentCache
from webui.errors import error_response, register_errors
from webui.extensions import get_documents, get_engine
from webui.indexing import reconcile_at_start

__all__ = ["create_app", "error_response", "get_documents", "get_engine"]


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; test_config may set CORPUS, INDEX and DATA (default: KB_* or ./corpus)."""
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
        CLOCK=SYSTEM_CLOCK,                # sessions, purge and review deadlines (tests: ManualClock)
        # a cluster node's name (webui.cluster); unset on a single machine
        NODE_NAME=os.environ.get("KB_NODE_NAME", ""),
        FOLLOW_POLL_SECONDS=float(os.environ.get("KB_FOLLOW_POLL_SECONDS", 5)),
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # DefaultJSONProvider's setting
    make_private(Path(app.config["DATA"]))        # hashes, raw inquiries, audit: owner-only
    if os.environ.get("KB_PROXY_FIX") == "1":      # behind one reverse proxy that terminates TLS
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    # the data: corpus, search engine and database, shared by every blueprint below
    corpus = Path(app.config["CORPUS"])
    app.extensions["kb.engine"] = SearchEngine(Path(app.config["INDEX"]), corpus / "dictionary")
    app.extensions["kb.documents"] = DocumentCache(corpus)
    app.extensions["kb.db"] = open_database(app.config.get("DATABASE_URL")
                                            or database_url(Path(app.config["DATA"])))

    # extensions and blueprints, each registered here and nowhere else
    limits.init_app(app)
    auth.init_app(app)                    # sign-in, the guard, CSRF; registers nothing but auth.bp
    editor.init_app(app)
    desk.init_app(app)
    share.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(guide.bp)        # /help and /docs/ (before docs.view's /docs/<id>)
    app.register_blueprint(document_page.bp)
    app.register_blueprint(api.bp)                                       # /api/v1/...
    app.register_blueprint(api.bp, url_prefix=api.LEGACY_PREFIX, name=api.LEGACY_NAME)  # alias
    app.register_blueprint(admin.bp)
    app.register_blueprint(editor.bp)      # maintainers' editor, deadlines and feedback queue
    app.register_blueprint(feedback.bp)    # officers' flags and 「役に立たなかった」 (the feedback queue)
    app.register_blueprint(desk.bp)        # consultation desk, 本部に照会する, 自分の照会
    app.register_blueprint(share.bp)       # 全国共有 and the peers' feed
    app.add_template_filter(wareki)
    app.add_template_global(status_label)
    app.add_template_global(KIND_LABELS, "KIND_LABELS")  # type: ignore[arg-type]  # a dict, not a callable
    register_errors(app)
    reconcile_at_start(app)
    app.register_blueprint(health.bp)      # /healthz for the load balancer
    cluster.init_app(app)                  # a cluster node follows the change log (KB_NODE_NAME)
    return app
