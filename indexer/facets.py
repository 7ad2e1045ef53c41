"""Facet counts for the search page: how many hits each kind would give for the same query."""
from __future__ import annotations

from dataclasses import replace

from whoosh import sorting


def kind_counts(searcher, plan, filters, also_in_force=frozenset()) -> dict[str, int]:
    """Hits per kind under every filter except the kind filter itself (so chips can show counts)."""
    from indexer.search import filter_query
    mask = filter_query(replace(filters, kinds=()), also_in_force)
    facet = {"kind": sorting.FieldFacet("kind", maptype=sorting.Count)}
    # the same set run_plan counts: the broad query when an AND-first tier is in use
    query = plan.fallback if plan.fallback is not None else plan.query
    results = searcher.search(query, limit=None, scored=False, filter=mask, groupedby=facet)
    return {str(k): int(v) for k, v in results.groups("kind").items()}


def field_values(engine, field: str) -> list[str]:
    """Distinct indexed values of an ID field (e.g. every department), for filter chips."""
    reader = engine.searcher().reader()
    if field not in reader.schema:
        return []
    return sorted(v for v in reader.field_terms(field) if v)
