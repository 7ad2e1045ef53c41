"""Turn kb Documents into index records (one per section)."""
from __future__ import annotations

from kb.anchors import section_key
from kb.document import Document

# Prior weight of a section, multiplied into its score (indexer.scoring): what officers look for
# first. Measured on the dev set.
KIND_WEIGHT = {"law": 1.0, "regulation": 1.0, "notice": 1.0, "manual": 1.0, "inquiry": 0.6}
NOT_IN_FORCE_WEIGHT = 0.6
SUPPLEMENTARY_WEIGHT = 0.5


def section_weight(doc: Document, section_id: str) -> float:
    w = KIND_WEIGHT.get(doc.kind, 1.0)
    if not doc.in_force:
        w *= NOT_IN_FORCE_WEIGHT
    if section_id.startswith("suppl"):
        w *= SUPPLEMENTARY_WEIGHT
    return w


def section_records(doc: Document, asked: dict[str, list[str]] | None = None):
    """Index fields for every section of a document (with how officers asked for it, if known)."""
    m = doc.meta
    date = m.get("promulgated") or m.get("answered") or m.get("effective_from")
    origin = m.get("origin") if isinstance(m.get("origin"), dict) else None
    source = {k: str(origin.get(k, "")) for k in ("org", "published", "updated")} if origin else None
    for s in doc.sections:
        plain = s.plain_text
        middle = s.breadcrumb[1:-1]
        # what a section is about, in the words people ask with: title, chapters, tags, caption
        context = "\n".join([doc.title, *middle, *(m.get("tags") or []), s.heading])
        yield {
            "key": section_key(doc.id, s.id),          # the unique key = a hit's stable id
            "doc_id": doc.id,
            "section_id": s.id,
            "kind": doc.kind,
            "status": m.get("status", "in_force"),
            "in_force": doc.in_force,
            "department": m.get("department") or "",
            "confidentiality": m.get("confidentiality", "public"),
            "allowed": ",".join(m.get("allowed") or []),
            "shared": origin is not None,
            "origin": source,
            "doc_title": doc.title,
            "heading": s.heading,
            "body": context + "\n" + plain,
            "_stored_body": plain,
            "reading": context + "\n" + plain,
            "breadcrumb": list(s.breadcrumb),
            "date": date.isoformat() if date else "",
            "order": s.order,
            "length": len(plain),
            "weight": round(section_weight(doc, s.id) * 100),
            "asked": "\n".join((asked or {}).get(section_key(doc.id, s.id), ())) or None,
        }
