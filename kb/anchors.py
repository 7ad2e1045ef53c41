"""How a section is named: ids unique within a document, and its name outside the document.

- `UniqueIds`: the first `x` stays `x`, the next ones become `x-2`, `x-3`, … Shared by the section
  splitter, the importer and the HTML renderer so that a heading gets the same id in all three.
  Linear in the number of ids: each base remembers the next suffix to try, so 10,000 headings with
  one text cost 10,000 steps, not 50 million (the editor's preview of a large paste used to pin a CPU).
- `section_key` / `section_url`: `<doc_id>#<section_id>` (a hit's stable id) and its place in the
  web UI. Both halves come from the corpus (the file's `id` and the heading's anchor, explicit
  `{#art-3}` or derived by `kb.document.anchor_for`), never from the index, so the name survives
  reindexing. `split_key` reads a key back; `document_url` is the document's page.
- The grammar of links and pasted references (`DOC_LINK_TARGET`, `parse_reference`) and of the
  explicit anchor at the end of a Markdown heading (`HEADING_ANCHOR`, `heading_anchor`). Every
  module that writes or reads these names uses this one (issue 15).
"""
from __future__ import annotations

import re


def section_key(doc_id: str, section_id: str) -> str:
    """The stable id of a section: `okayama-chiiki-keisatsu-unei-kitei#art-3`."""
    return f"{doc_id}#{section_id}"


def split_key(key: str) -> tuple[str, str]:
    """(doc_id, section_id) of `doc#section`; section_id is "" for a bare document id."""
    doc_id, _, section_id = str(key).partition("#")
    return doc_id, section_id


def document_url(doc_id: str) -> str:
    """The document view: `/docs/<doc_id>`."""
    return f"/docs/{doc_id}"


def section_url(doc_id: str, section_id: str) -> str:
    """The section (or a 項/号 anchor inside it, kb.paragraphs) in the document view:
    `/docs/<doc_id>#<section_id>`."""
    return f"{document_url(doc_id)}#{section_id}"


# `/docs/<doc_id>` with an optional `#<section_id>`, as Markdown links and pasted references hold it
DOC_LINK_TARGET = r"/docs/([^)#\s]+)(?:#([^)\s]+))?"


# a pasted reference: `doc#section`, `/docs/doc#section` or a full link to either
_REFERENCE = re.compile(r"(?:/docs/)?([A-Za-z0-9][A-Za-z0-9_.-]{0,199})(?:#([A-Za-z0-9_.-]{1,200}))?")


def parse_reference(value: str) -> tuple[str, str] | None:
    """(doc_id, section_id) of a pasted section reference or link ("" for a whole document)."""
    if "://" in value:                 # the path of a full link (the desk used to drop its slash)
        value = "/" + value.split("://", 1)[-1].partition("/")[2]
    m = _REFERENCE.fullmatch(value)
    return (m.group(1), m.group(2) or "") if m else None


# ` {#art-3}` at the end of a Markdown heading line
HEADING_ANCHOR = r"[ \t]*\{#([A-Za-z0-9_.:-]+)\}[ \t]*$"


def heading_anchor(anchor: str) -> str:
    """The explicit anchor a Markdown heading carries: ` {#art-3}`."""
    return f" {{#{anchor}}}"


class UniqueIds:
    """Hands out unique ids; `used` holds every id given (or reserved) so far."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._next: dict[str, int] = {}
        self.probes = 0            # set lookups made: the operation count the tests bound

    def take(self, base: str) -> str:
        """`base` if still free, else `base-N` with the smallest free N ≥ 2."""
        self.probes += 1
        if base not in self.used:
            self.used.add(base)
            return base
        n = self._next.get(base, 2)
        while True:
            self.probes += 1
            candidate = f"{base}-{n}"
            n += 1
            if candidate not in self.used:
                break
        self._next[base] = n
        self.used.add(candidate)
        return candidate
