"""Term-at-a-time search (indexer.scoring) gives Whoosh's own scores, order, counts and facets."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from whoosh import query as Q

from indexer.filters import whoosh_kind_counts
from indexer.query import FULL
from indexer.scoring import match_scores, supported, top_docs
from indexer.search import Access, Filters, SearchEngine, filter_query, kind_counts, mask_docs

QUERIES = [q for q in (Path(__file__).resolve().parent.parent / "bench" / "queries.txt")
           .read_text(encoding="utf-8").splitlines() if q.strip()]


@pytest.fixture(scope="module")
def engine(corpus_site):
    # Whoosh's DisjunctionMaxMatcher takes the max of its two sides even when they stand on
    # different documents, so the comparison with Whoosh uses the plain sum of text and 「asked as」
    # (test_the_better_of_text_and_asked_as_counts checks the max on its own)
    return SearchEngine(corpus_site.index, corpus_site.corpus / "dictionary", replace(FULL, asked_as_max=False))


@pytest.mark.parametrize("filters", [Filters(), Filters(in_force_only=True, access=Access()),
                                     Filters(kinds=("law", "regulation"))], ids=["all", "public", "kinds"])
def test_same_ranking_and_count_as_whoosh(engine, filters):
    s = engine.searcher()
    assert len(s.leaf_searchers()) > 1        # document numbers of later segments are offset
    mask = filter_query(filters)
    for q in QUERIES:
        plan = engine.plan(q)
        assert supported(plan.query), q
        # Whoosh without limit scores every match (its limited search may skip blocks it should not)
        whoosh = s.search(plan.query, limit=None, filter=mask)
        expected = [(h.docnum, h.score) for h in whoosh][:20]
        scores, allowed = match_scores(s, plan.query), mask_docs(s, mask)
        got = top_docs(scores, 20, allowed)
        assert [d for d, _ in got] == [d for d, _ in expected], q
        assert [round(x, 9) for _, x in got] == [round(x, 9) for _, x in expected], q
        assert len(scores.keys() & allowed if allowed is not None else scores) == len(whoosh), q


def test_facets_match_a_second_whoosh_query(engine):
    s = engine.searcher()
    filters = Filters(kinds=("inquiry",), in_force_only=True, access=Access())
    for q in QUERIES[:20]:
        plan = engine.plan(q)
        matches = match_scores(s, plan.query)
        assert kind_counts(s, plan, filters, matches) == whoosh_kind_counts(s, plan, filters), q


def test_the_better_of_text_and_asked_as_counts(corpus_site):
    """A word in a section's text and in its 「asked as」 wordings scores the better of the two,
    not their sum; in one of them only, that one."""
    s = SearchEngine(corpus_site.index, corpus_site.corpus / "dictionary").searcher()
    for word in ("職質", "交番", "酔っ払い", "免許証"):
        body, asked = Q.Term("body", word), Q.Term("asked", word, boost=0.7)
        in_body, in_asked = match_scores(s, body), match_scores(s, asked)
        both = in_body.keys() & in_asked.keys()
        assert in_asked, word                       # the repository's expected questions say it
        got = match_scores(s, Q.DisjunctionMax([body, asked]))
        assert got.keys() == in_body.keys() | in_asked.keys()
        for d, score in got.items():
            assert score == pytest.approx(max(in_body.get(d, 0.0), in_asked.get(d, 0.0))), (word, d)
        assert not both or any(got[d] < in_body[d] + in_asked[d] for d in both)
