"""The document view: the whole text with article anchors, a table of contents and its status."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request

from indexer.generations import IndexMissing
from kb.anchors import section_key
from kb.audit import OPENED_FROM_SEARCH as OPENED
from kb.crossrefs import document_names, resolve_references
from kb.document import KIND_LABELS, is_in_force
from kb.succession import as_seen_by
from webui.auth import audit, can_read, requires
from webui.extensions import get_documents as documents
from webui.render import render_markdown

bp = Blueprint("docs", __name__)


def readable_id(doc_id: str) -> bool:
    """May the reader know of document `doc_id`? (True for an id outside the corpus.)"""
    item = documents().get(str(doc_id))
    return item is None or can_read(item.doc.meta)


def meta_as_seen(doc) -> dict:
    """The document's metadata for this reader: successors they may not read left out."""
    return as_seen_by(doc.meta, readable_id)


def load_readable(doc_id: str):
    """The cached document if the user may read it; 404 otherwise (as if it did not exist)."""
    item = documents().get(doc_id)
    if item is None or not can_read(item.doc.meta):
        abort(404)
    return item


def table_of_contents(doc) -> list[dict]:
    """Entries for the TOC: structural headings (章・節) as labels, sections as links."""
    entries, previous = [], []
    for s in doc.sections:
        if "-p" in s.id and s.heading.endswith("項以下"):
            continue
        ancestors = s.breadcrumb[1:-1]
        for depth, name in enumerate(ancestors):
            if previous[:depth + 1] != ancestors[:depth + 1]:
                entries.append({"id": None, "text": name, "depth": depth})
        previous = ancestors
        entries.append({"id": s.id, "text": s.heading, "depth": len(ancestors)})
    return entries


def citation_links(doc):
    """The linker for this document's citations (kb.crossrefs), or None without an index."""
    try:
        library = current_app.extensions["kb.engine"].link_library()
    except IndexMissing:
        return None
    local = document_names(doc.body)

    def links(text: str, section_id: str):
        return [(r.start, r.end, r.url) for r in resolve_references(text, doc.id, section_id, library, local)
                if r.url]
    return links


@bp.route("/docs/<doc_id>")
@requires("read")
def view(doc_id: str):
    item = load_readable(doc_id)
    audit("view_document", doc_id)
    opened_from = request.args.get("q", "").strip()
    if opened_from and request.args.get("s") in {sec.id for sec in item.doc.sections}:
        # a section opened from a results page: its query may become 「asked as」 (kb.clicks)
        audit(OPENED, section_key(doc_id, request.args['s']), query=opened_from[:200])
    doc = item.doc
    if "view" not in item.rendered:
        item.rendered["view"] = (
            render_markdown(doc.body, doc.sections, skip_title=True, article_links=True,
                            cross_refs=citation_links(doc),
                            external_links=doc.kind != "inquiry"),     # a case's URLs stay text
            table_of_contents(doc),
        )
    html, toc = item.rendered["view"]
    meta = meta_as_seen(doc)
    successor = meta.get("superseded_by")
    successor_in_corpus = bool(successor) and documents().exists(str(successor))
    return render_template("docs/view.html", doc=doc, meta=meta, in_force=is_in_force(meta), html=html, toc=toc,
                           kind_label=KIND_LABELS.get(doc.kind, doc.kind), back=results_page(),
                           successor=successor, successor_in_corpus=successor_in_corpus)


def results_page() -> str | None:
    """The results page the officer came from (path and query, from the Referer), else None."""
    ref = urlsplit(request.referrer or "")
    if ref.netloc != request.host or ref.path not in ("/", "/search") or "q=" not in ref.query:
        return None
    return f"{ref.path}?{ref.query}"
