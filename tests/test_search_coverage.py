"""The top hits re-ordered by how much of the query they cover (indexer.rerank): a section that
matches every word asked beats one that repeats a single rare word, and a word no text uses
counts through a near word of the section; nothing that matches no query word is ever found."""
from dataclasses import replace

import numpy as np
import pytest

from conftest import build_site
from indexer.query import FULL
from indexer.rerank import near_credit, section_words
from indexer.search import SearchEngine
from indexer.vectors import row_of, word_hash
from kb.store import atomic_write

NO_COVERAGE = replace(FULL, coverage_weight=0.0)
NEAR = replace(FULL, near_words=True)    # measured, off by default (docs/search-quality.md)

SECTIONS = {
    # repeats one rare word of the query and nothing else of it
    "m-repeat": "盗難の記録。盗難の件数。盗難の傾向。盗難の分析。盗難の予防。盗難の統計。",
    # every word of the query once, in a longer text
    "m-all": "自転車の盗難にあった人から届出を受けたときは、防犯登録の番号を確かめ、"
             "受理した日時と場所を書き留めて、本署の担当係へ速やかに連絡する。",
    # a word near in meaning (泥酔) to one no text uses (酔っ払い)
    "m-near": "路上で泥酔して動けない者を見つけたときは、安全な場所で保護し、家族に連絡する。",
    "m-other": "迷子を見つけたときは保護し、家族に連絡する。",
}
# common words: in many sections, so they weigh little in BM25
FILLER = "自転車の届出の受付。窓口で自転車の届出を受け付ける。"


def manual(doc_id: str, text: str) -> str:
    return (f"---\nid: {doc_id}\ntitle: 手引 {doc_id}\nkind: manual\nstatus: in_force\n"
            f"confidentiality: public\n---\n\n# 手引 {doc_id}\n\n{text}\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("coverage")
    corpus = base / "corpus"
    docs = dict(SECTIONS, **{f"m-filler-{i}": FILLER for i in range(8)})
    for doc_id, text in docs.items():
        atomic_write(corpus / "manuals" / f"{doc_id}.md", manual(doc_id, text))
    return build_site(corpus, base)


def ids(site, query, ranking=FULL):
    result = SearchEngine(site.index, site.corpus / "dictionary", ranking).search(query, highlight_hits=False)
    return [h.doc_id for h in result.hits], result.total


def test_a_section_covering_every_word_beats_one_repeating_a_rare_word(site):
    before, total_before = ids(site, "自転車 盗難 届出", NO_COVERAGE)
    after, total_after = ids(site, "自転車 盗難 届出")
    assert before[0] == "m-repeat"
    assert after[0] == "m-all"
    # the same sections are found: only their order changed
    assert total_after == total_before and sorted(after) == sorted(before)


def test_a_word_no_text_uses_counts_through_a_near_word_of_the_section(site):
    without, _ = ids(site, "酔っ払い 保護")
    with_near, _ = ids(site, "酔っ払い 保護", NEAR)
    assert without[0] == "m-other"          # both match 保護 only; the shorter one wins
    assert with_near[0] == "m-near"         # 泥酔 is near 酔っ払い


def test_near_words_never_find_a_section_that_matches_no_query_word(site):
    hits, total = ids(site, "酔っ払い", NEAR)
    assert total == 0 and hits == []


def test_near_credit_leaves_out_words_merged_into_the_same_vector(site):
    # the pruned table gives 職務質問 the row of 警察官: a merge, not a meaning
    shared = row_of("職務質問")
    assert shared is not None and shared == row_of("警察官")
    credit = near_credit("職務質問", [np.array([shared])], 0.0)
    assert credit.tolist() == [0.0]


def test_section_words_hold_the_vector_rows_of_each_section(site):
    engine = SearchEngine(site.index, site.corpus / "dictionary")
    searcher = engine.searcher()
    docnum = next(searcher.document_numbers(doc_id="m-near"))
    sub, offset = [(s, o) for s, o in searcher.leaf_searchers() if o <= docnum][-1]
    words = section_words(sub.reader())
    local = docnum - offset
    assert row_of("泥酔") in words.rows[words.start[local]:words.start[local + 1]].tolist()


@pytest.mark.parametrize("word", ["職務質問", "a", "酔っ払い", "abcdefgh", "abcdefghi", "中華人民共和国の首都", ""])
def test_word_keys_are_spacys_hash(word):
    from spacy.strings import hash_string
    assert word_hash(word) == hash_string(word)
