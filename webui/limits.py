"""Request-size limits: a body over the cap is refused with 413 before anything parses it.

One cap for every route (MAX_CONTENT_LENGTH), a larger one only for the editor's import form
(an official text up to IMPORT_MAX_BYTES, uploaded or pasted, in a multipart body). Flask judges
the Content-Length before reading; gunicorn never buffers a body itself. SERVER_MAX_REQUEST_BYTES,
the largest cap, is waitress' own limit where it serves instead (no fork, webui.server).
"""
from __future__ import annotations

from flask import Flask, request

from kb.importer import MAX_IMPORT_BYTES

MiB = 1024 * 1024
# An edited document travels urlencoded (a Japanese character is 9 bytes as %XX%XX%XX): 4 MiB
# holds the largest law of the corpus (道路交通法, 0.8 MB of UTF-8) with room to grow.
DEFAULT_MAX_REQUEST_BYTES = 4 * MiB
IMPORT_MAX_BYTES = MAX_IMPORT_BYTES     # the official text itself, uploaded or pasted
IMPORT_MAX_REQUEST_BYTES = 3 * IMPORT_MAX_BYTES + MiB   # file, pasted text or the Markdown to save
SERVER_MAX_REQUEST_BYTES = IMPORT_MAX_REQUEST_BYTES
# Routes with their own, larger cap (endpoint -> bytes).
LARGER_BODIES = {"editor.import_text": IMPORT_MAX_REQUEST_BYTES}


def init_app(app: Flask) -> None:
    """Set the caps; registered before any before_request that reads the form."""
    # Flask's defaults are None (no cap) and 500 kB per multipart text part: set both unless the
    # caller (a test_config) chose a value
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_REQUEST_BYTES
    app.config["MAX_FORM_MEMORY_SIZE"] = max(app.config.get("MAX_FORM_MEMORY_SIZE") or 0, DEFAULT_MAX_REQUEST_BYTES)
    app.before_request_funcs.setdefault(None, []).insert(0, _route_cap)


def _route_cap() -> None:
    cap = LARGER_BODIES.get(request.endpoint or "")
    if cap:
        request.max_content_length = cap
        request.max_form_memory_size = cap
