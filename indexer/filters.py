"""The search filters (kind, 所管, 施行中のみ, 他県事例, the reader's access) as Whoosh queries,
the document sets they allow, and the hit counts per kind the filter chips show."""
from __future__ import annotations

from dataclasses import dataclass, replace

from whoosh import query as Q
from whoosh import sorting

from indexer.scoring import LRU, leaf_key
from kb.access import RESTRICTED, Access


@dataclass
class Filters:
    kinds: tuple[str, ...] = ()
    department: str | None = None
    in_force_only: bool = False
    include_shared: bool = True      # 他県事例を含む
    # Confidentiality levels and roles the caller may read (None = everything, e.g. the CLI).
    access: Access | None = None


def filter_query(f: Filters, also_in_force=frozenset()):
    """A Whoosh filter query for the chosen filters and the reader's access (None = no filter).
    also_in_force: documents in force for this reader although indexed as superseded."""
    parts = []
    if f.kinds:
        parts.append(Q.Or([Q.Term("kind", k) for k in f.kinds]))
    if f.department:
        parts.append(Q.Term("department", f.department))
    if f.in_force_only:
        in_force = Q.Term("in_force", True)
        parts.append(Q.Or([in_force] + [Q.Term("doc_id", d) for d in sorted(also_in_force)])
                     if also_in_force else in_force)
    if not f.include_shared:
        parts.append(Q.Not(Q.Term("shared", True)))
    if f.access is not None:
        parts.append(access_query(f.access))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


def access_query(access: Access):
    """kb.access.Access.can_read written over the indexed confidentiality and allowed fields."""
    allowed = [Q.Term("confidentiality", lvl) for lvl in access.levels if lvl != RESTRICTED]
    if RESTRICTED in access.levels:
        allowed.append(Q.Term("confidentiality", RESTRICTED))
    elif access.groups:
        allowed.append(Q.And([Q.Term("confidentiality", RESTRICTED),
                              Q.Or([Q.Term("allowed", g) for g in access.groups])]))
    return Q.Or(allowed) if allowed else Q.NullQuery


_masks = LRU(2_000_000)      # document numbers of filters, all filters together


def mask_docs(searcher, mask) -> frozenset | None:
    """The document numbers a filter query allows (None = all), cached per index state: the
    same few filters (access level, in force, kind) come with every search."""
    if mask is None:
        return None
    key = (tuple(leaf_key(sub.reader()) for sub, _ in searcher.leaf_searchers()), repr(mask))
    docs = _masks.get(key)
    if docs is None:
        docs = frozenset(searcher.docs_for_query(mask))
        _masks.put(key, docs, len(docs) + 1)
    return docs


def kind_counts(searcher, plan, filters: Filters, matches: dict | None,
                also_in_force=frozenset()) -> dict[str, int]:
    """Hits per kind under every filter except the kind filter itself (so chips can show counts):
    set intersections over the matches run_plan counted (the broad query's when an AND-first tier
    is in use), or a second Whoosh query when run_plan had no term-at-a-time matches."""
    if matches is None:
        return whoosh_kind_counts(searcher, plan, filters, also_in_force)
    allowed = mask_docs(searcher, filter_query(replace(filters, kinds=()), also_in_force))
    found = matches.keys() if allowed is None else matches.keys() & allowed
    out = {}
    for kind in searcher.reader().field_terms("kind"):
        n = len(found & (mask_docs(searcher, Q.Term("kind", kind)) or frozenset()))
        if n:
            out[str(kind)] = n
    return out


def whoosh_kind_counts(searcher, plan, filters: Filters, also_in_force=frozenset()) -> dict[str, int]:
    """kind_counts by a grouped Whoosh query (the reference the fast path is tested against)."""
    mask = filter_query(replace(filters, kinds=()), also_in_force)
    facet = {"kind": sorting.FieldFacet("kind", maptype=sorting.Count)}
    # the same set run_plan counts: the broad query when an AND-first tier is in use
    query = plan.fallback if plan.fallback is not None else plan.query
    results = searcher.search(query, limit=None, scored=False, filter=mask, groupedby=facet)
    return {str(k): int(v) for k, v in results.groups("kind").items()}
