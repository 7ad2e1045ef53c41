"""This app as a node of a cluster (docs/operations.md): its writes go into the corpus change log,
and it follows the log written by the other nodes (indexer.follow).

A node has a name (KB_NODE_NAME); without one the app is the single-machine default and neither
logs nor follows anything.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app

from indexer.follow import Follower
from kb.changelog import record_changes

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Start following the change log (after auth.init_app opened the database)."""
    node = app.config.get("NODE_NAME")
    if not node:
        return
    follower = Follower(app.extensions["kb.db"], Path(app.config["CORPUS"]), Path(app.config["INDEX"]),
                        Path(app.config["DATA"]), node, poll_seconds=float(app.config["FOLLOW_POLL_SECONDS"]))
    app.extensions["kb.follower"] = follower
    follower.start()
    # a server that forks after building the app loses the thread: start it again in the worker

    @app.before_request
    def follow_in_this_worker() -> None:
        follower.start()


def record_corpus_writes(doc_ids: list[str]) -> None:
    """Log the saved documents for the other nodes (nothing on a single machine)."""
    node = current_app.config.get("NODE_NAME")
    if node and doc_ids:
        record_changes(current_app.extensions["kb.db"], Path(current_app.config["CORPUS"]), doc_ids, node)
