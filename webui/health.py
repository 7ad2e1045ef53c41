"""/healthz for the load balancer: 200 when the live index answers and the database is reachable,
503 otherwise. No sign-in, no secrets: the status of each check and the index generation's name."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from webui import get_engine

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def index_loaded() -> bool:
    try:
        return get_engine().searcher().doc_count() > 0
    except Exception as e:                # no index yet, or its volume gone
        log.warning("health check: index not usable: %s", e)
        return False


def database_reachable() -> bool:
    try:
        with current_app.extensions["kb.db"].engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception as e:
        log.warning("health check: database not reachable: %s", e)
        return False


@bp.get("/healthz")
def healthz():
    checks = {"index": index_loaded(), "database": database_reachable()}
    ok = all(checks.values())
    body = {"status": "ok" if ok else "unavailable", "index": "ok" if checks["index"] else "unavailable",
            "database": "ok" if checks["database"] else "unavailable", "generation": get_engine().generation}
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
