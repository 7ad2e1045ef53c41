"""A query that names a law or rule the corpus does not hold says so (遺失物法は収録されていません)."""
import pytest

from indexer.search import SearchEngine


@pytest.fixture(scope="module")
def engine(corpus_site):
    return SearchEngine(corpus_site.index, corpus_site.corpus / "dictionary")


@pytest.mark.parametrize("query, missing", [
    ("遺失物法4条", ["遺失物法"]), ("暴対法で中止命令", ["暴対法"]), ("迷惑防止条例 盗撮", ["迷惑防止条例"]),
    ("遺失物法と刑法", ["遺失物法"]),
])
def test_a_law_the_corpus_lacks_is_named(engine, query, missing):
    r = engine.search(query)
    assert r.missing == missing
    assert r.to_json()["missing"] == missing


@pytest.mark.parametrize("query", ["刑法235条", "道路交通法施行令 別表第六", "警職法2条", "酔っ払い防止法",
                                   "職務質問の方法", "違法な客引き", "就業規則", "財布を拾った"])
def test_laws_the_corpus_holds_and_ordinary_words_are_not(engine, query):
    assert engine.search(query).missing == []


def test_short_names_the_texts_define_name_their_law(engine):
    # 犯罪捜査規範 第1条: 刑事訴訟法（昭和二十三年法律第百三十一号。以下「刑訴法」という。）;
    # the dictionary does not list 刑訴法: the name comes from the text itself
    r = engine.search("刑訴法199条")
    assert r.article["url"] == "/docs/law-keiji-sosho-ho#art-199"
    assert r.missing == []
