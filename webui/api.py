"""The JSON API (v1): the same hits as `kb search --json`, documents and their sections.

The contract is webui/openapi.yaml (served at /api/v1/openapi.json). The blueprint is registered
twice: at /api/v1 and, as the deprecated alias of the same views, at /api (see docs/api.md).
"""
from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, jsonify, request

from indexer.search import MAX_LIMIT, Filters
from indexer.suggest import TYPEAHEAD_LIMIT
from kb.anchors import document_url, section_key, section_url
from kb.document import KINDS, is_in_force
from webui.auth import access, audit, requires
from webui.document_page import load_readable, meta_as_seen
from webui.errors import error_response
from webui.extensions import get_engine as engine
from webui.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
LEGACY_NAME, LEGACY_PREFIX = "api_legacy", "/api"      # the unversioned alias of v1

MAX_PAGE = 100
_DIGITS = re.compile(r"[0-9]{1,6}")


class BadParameter(ValueError):
    def __init__(self, message: str, message_ja: str):
        super().__init__(message)
        self.message_ja = message_ja


@bp.errorhandler(BadParameter)
def bad_parameter(e: BadParameter):
    return error_response(400, e.message_ja, str(e))


@bp.after_request
def mark_deprecated_alias(response):
    """Answers on the unversioned alias name their v1 successor (RFC 8594 / RFC 9745 style)."""
    if request.blueprint == LEGACY_NAME:
        successor = "/api/v1" + request.path[len(LEGACY_PREFIX):]
        response.headers["Deprecation"] = "true"
        response.headers["Link"] = f'<{successor}>; rel="successor-version"'
    return response


def _int_arg(name: str, default: int, low: int, high: int, label_ja: str) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    # plain ASCII digits only: int() would also take " 5", "1_0" and other scripts' digits
    value = int(raw) if _DIGITS.fullmatch(raw) else None
    if value is None or not low <= value <= high:
        raise BadParameter(f"{name} must be an integer from {low} to {high}",
                           f"{label_ja}は{low}から{high}までの整数で指定してください")
    return value


@bp.get("/search")
@requires("read")
def search():
    """GET /api/v1/search?q=&limit=&kind=&page=&in_force=1 → SearchResult.to_json()."""
    q = request.args.get("q")
    if q is None or not q.strip():
        raise BadParameter("q is required", "検索語（q）を指定してください")
    limit = _int_arg("limit", 10, 1, MAX_LIMIT, "件数（limit）")
    page = _int_arg("page", 1, 1, MAX_PAGE, "ページ（page）")
    kinds = request.args.getlist("kind")
    for k in kinds:
        if k not in KINDS:
            raise BadParameter(f"kind must be one of {', '.join(KINDS)}",
                               f"種別（kind）は {', '.join(KINDS)} のいずれかで指定してください")
    in_force = request.args.get("in_force", "0")
    if in_force not in ("0", "1"):
        raise BadParameter("in_force must be 0 or 1", "in_force は 0 か 1 で指定してください")
    filters = Filters(kinds=tuple(kinds), in_force_only=in_force == "1", access=access())
    result = engine().search(q, limit=limit, page=page, filters=filters)
    audit("api_search", q[:300], hits=result.total, page=page, kinds=kinds, in_force_only=in_force == "1")
    return jsonify(result.to_json())


@bp.get("/suggest")
@requires("read")
def suggest():
    """GET /api/v1/suggest?q= → type-ahead completions (law names, article captions, frequent words)."""
    q = request.args.get("q", "")[:100]
    limit = _int_arg("limit", TYPEAHEAD_LIMIT, 1, 20, "件数（limit）")
    reader = access()
    snap = engine().snapshot()               # completions and catalog of one state of the index
    found = snap.typeahead().complete(q, lambda doc_id: reader.can_read_entry(snap.catalog.get(doc_id)), limit)
    return jsonify({"query": q, "suggestions": [c.to_json() for c in found]})


def _json_value(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


@bp.get("/docs/<doc_id>")
@requires("read")
def document(doc_id: str):
    """GET /api/v1/docs/<id> → metadata (ISO dates) and sections [{id, heading, breadcrumb, text}]."""
    doc = load_readable(doc_id).doc
    audit("api_document", doc.id)
    meta = meta_as_seen(doc)
    body = {k: _json_value(v) for k, v in meta.items()}
    body["in_force"] = is_in_force(meta)
    body["url"] = document_url(doc.id)
    body["sections"] = [{"id": s.id, "heading": s.heading, "breadcrumb": list(s.breadcrumb),
                         "text": s.text} for s in doc.sections]
    return jsonify(body)


@bp.get("/docs/<doc_id>/sections/<section_id>")
@requires("read")
def section(doc_id: str, section_id: str):
    """GET /api/v1/docs/<id>/sections/<section_id> → one section, by a hit's stable id."""
    doc = load_readable(doc_id).doc
    meta = meta_as_seen(doc)   # a successor the reader may not read is not shown (status, in force)
    found = next((s for s in doc.sections if s.id == section_id), None)
    if found is None:
        return error_response(404, "指定の条・節は、この文書にありません。", "no such section in this document")
    audit("api_document", section_key(doc.id, found.id))
    return jsonify({"id": section_key(doc.id, found.id), "doc_id": doc.id, "section_id": found.id,
                    "doc_title": doc.title, "kind": doc.kind, "status": meta["status"],
                    "in_force": is_in_force(meta), "heading": found.heading,
                    "breadcrumb": list(found.breadcrumb), "text": found.text,
                    "url": section_url(doc.id, found.id)})


@bp.get("/openapi.json")
@requires("read")
def openapi():
    """GET /api/v1/openapi.json → this API's OpenAPI 3.1 document (no data)."""
    return jsonify(openapi_document())
