"""The shared objects create_app() keeps in app.extensions, and the accessors views use."""
from __future__ import annotations

from flask import Flask, current_app

from indexer.search import SearchEngine
from webui.document_cache import DocumentCache


def get_engine(app: Flask | None = None) -> SearchEngine:
    return (app or current_app).extensions["kb.engine"]


def get_documents(app: Flask | None = None) -> DocumentCache:
    return (app or current_app).extensions["kb.documents"]
