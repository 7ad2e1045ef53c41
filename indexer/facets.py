"""Distinct indexed values for filter choices (e.g. every 所管 in the editor's form)."""
from __future__ import annotations


def field_values(engine, field: str) -> list[str]:
    """Distinct indexed values of an ID field (e.g. every department), for filter chips."""
    reader = engine.searcher().reader()
    if field not in reader.schema:
        return []
    return sorted(v for v in reader.field_terms(field) if v)
