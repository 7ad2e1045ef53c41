"""Turn kb Documents into index records (one per section)."""
from __future__ import annotations

from kb.document import Document


def section_records(doc: Document):
    """Index fields for every section of a document."""
    m = doc.meta
    date = m.get("promulgated") or m.get("answered") or m.get("effective_from")
    for s in doc.sections:
        plain = s.plain_text
        middle = s.breadcrumb[1:-1]
        yield {
            "key": f"{doc.id}#{s.id}",
            "doc_id": doc.id,
            "section_id": s.id,
            "kind": doc.kind,
            "status": m.get("status", "in_force"),
            "in_force": doc.in_force,
            "department": m.get("department") or "",
            "confidentiality": m.get("confidentiality", "public"),
            "allowed": ",".join(m.get("allowed") or []),
            "doc_title": doc.title,
            "heading": s.heading,
            "crumbs": " ".join(middle + list(m.get("tags") or [])),
            "body": plain,
            "reading": s.heading + "\n" + plain,
            "breadcrumb": list(s.breadcrumb),
            "date": date.isoformat() if date else "",
            "order": s.order,
            "length": len(plain),
        }
