"""From what an officer typed to a Whoosh query: analysis, synonyms, field weights, fallback.

The query text is never handed to Whoosh's query parser, so syntax characters (AND, *, ", :, ~)
are plain text and cannot raise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as Q

from indexer.analysis import JapaneseAnalyzer
from indexer.dictionary import SearchDictionary

FIELD_BOOSTS = {"heading": 2.5, "doc_title": 1.2, "crumbs": 1.0, "body": 1.0}
SUBUNIT_WEIGHT = 0.5
SYNONYM_WEIGHT = 0.8


@dataclass
class QueryPlan:
    text: str
    terms: list[list[str]] = field(default_factory=list)   # one group of alternatives per word
    query: Q.Query | None = None
    fallback: Q.Query | None = None
    min_strict: int = 0


@lru_cache(maxsize=1)
def _analyzer():
    return JapaneseAnalyzer()


def term_groups(text: str) -> list[list[tuple[str, float]]]:
    """Analyzed words of the query, each with its compound sub-units at the same position."""
    groups: dict[int, list[tuple[str, float]]] = {}
    for t in _analyzer()(text, positions=True):
        g = groups.setdefault(t.pos, [])
        if all(t.text != x for x, _ in g):
            g.append((t.text, 1.0 if not g else SUBUNIT_WEIGHT))
    return [g for _, g in sorted(groups.items())]


def group_query(alternatives: list[tuple[str, float]]) -> Q.Query:
    return Q.Or([Q.Term(f, term, boost=b * w) for term, w in alternatives
                 for f, b in FIELD_BOOSTS.items()])


def plan_query(text: str, dictionary: SearchDictionary) -> QueryPlan:
    groups = term_groups(text)
    plan = QueryPlan(text=text, terms=[[t for t, _ in g] for g in groups])
    if not groups:
        return plan
    plan.query = Q.Or([group_query(g) for g in groups])
    return plan
