"""/healthz for the load balancer: 200 when the live index answers, the database is reachable and
(on a cluster node) the corpus change log has been applied, 503 otherwise. No sign-in, no
secrets: the status of each check and the index generation's name."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from webui.extensions import get_engine

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def live_generation() -> str | None:
    """The live index generation's name when it answers a search, else None."""
    try:
        engine = get_engine()
        return engine.generation if engine.searcher().doc_count() > 0 else None
    except Exception as e:                # no index yet, or its volume gone
        log.warning("health check: index not usable: %s", e)
        return None


def database_reachable() -> bool:
    try:
        with current_app.extensions["kb.db"].engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception as e:
        log.warning("health check: database not reachable: %s", e)
        return False


def corpus_caught_up() -> bool:
    """A cluster node serves once it has applied the change log (always true on one machine)."""
    follower = current_app.extensions.get("kb.follower")
    return follower is None or follower.caught_up.is_set()


@bp.get("/healthz")
def healthz():
    generation = live_generation()
    checks = {"index": generation is not None, "database": database_reachable(), "corpus": corpus_caught_up()}
    ok = all(checks.values())
    body = {"status": "ok" if ok else "unavailable", "generation": generation,
            **{name: "ok" if passed else "unavailable" for name, passed in checks.items()}}
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
