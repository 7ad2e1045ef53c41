"""Facet counts for the search page: how many hits each kind would give for the same query."""
from __future__ import annotations

from dataclasses import replace

from whoosh import sorting


def kind_counts(searcher, plan, filters) -> dict[str, int]:
    """Hits per kind under every filter except the kind filter itself (so chips can show counts)."""
    from indexer.search import filter_query
    mask = filter_query(replace(filters, kinds=()))
    facet = {"kind": sorting.FieldFacet("kind", maptype=sorting.Count)}
    results = searcher.search(plan.query, limit=None, scored=False, filter=mask, groupedby=facet)
    # Same rule as run_plan: the broader fallback query answers when the strict one finds too little.
    if plan.fallback is not None and len(results) < plan.min_strict:
        results = searcher.search(plan.fallback, limit=None, scored=False, filter=mask, groupedby=facet)
    return {str(k): int(v) for k, v in results.groups("kind").items()}


def field_values(engine, field: str) -> list[str]:
    """Distinct indexed values of an ID field (e.g. every department), for filter chips."""
    reader = engine.searcher().reader()
    if field not in reader.schema:
        return []
    return sorted(v for v in reader.field_terms(field) if v)
