"""How a section is named outside its document: `<doc_id>#<section_id>` (a hit's stable id), and
its place in the web UI.

Both halves come from the corpus (the file's `id` and the heading's anchor, explicit `{#art-3}` or
derived by `kb.document.anchor_for`), never from the index, so the name survives reindexing.
"""
from __future__ import annotations


def section_key(doc_id: str, section_id: str) -> str:
    """The stable id of a section: `okayama-chiiki-keisatsu-unei-kitei#art-3`."""
    return f"{doc_id}#{section_id}"


def section_url(doc_id: str, section_id: str) -> str:
    """The section in the document view: `/docs/<doc_id>#<section_id>`."""
    return f"/docs/{doc_id}#{section_id}"
