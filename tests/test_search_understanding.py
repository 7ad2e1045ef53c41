"""Search that understands how officers ask: jargon, kana, variants, numerals, article references."""

import pytest

from indexer.eval import evaluate, load_cases, metrics
from indexer.query import PLAIN
from indexer.search import SearchEngine
from shared_data import EVAL, require

DEV = EVAL / "dev.jsonl"
KEISHOKU = "law-keisatsukan-shokumu-shikko-ho"
OKAYAMA = "okayama-chiiki-keisatsu-unei-kitei"


@pytest.fixture(scope="module")
def engine(corpus_site):
    return SearchEngine(corpus_site.index, corpus_site.corpus / "dictionary")


def keys(result, n=5):
    return [f"{h.doc_id}#{h.section_id}" for h in result.hits[:n]]


@pytest.mark.parametrize("query", ["警職法2条", "警職法第二条", "警職法第２条", "警察官職務執行法第2条",
                                   "警職法 2条", "警職法２条の要件"])
def test_article_reference_in_any_numeral_style_jumps_to_the_article(engine, query):
    r = engine.search(query)
    assert keys(r, 1) == [f"{KEISHOKU}#art-2"]
    assert r.article["url"] == f"/docs/{KEISHOKU}#art-2"
    assert r.article["label"] == "警察官職務執行法 第2条"


@pytest.mark.parametrize("query, key", [
    ("道交法第百二十五条", "law-doro-kotsu-ho#art-125"),
    ("道交法125条", "law-doro-kotsu-ho#art-125"),
    ("規程11条", f"{OKAYAMA}#art-11"),
    ("岡山県警 地域警察運営規程 第16条", f"{OKAYAMA}#art-16"),
    ("銃刀法22条", "law-juto-ho#art-22"),
])
def test_short_law_names_resolve(engine, query, key):
    assert keys(engine.search(query), 1) == [key]


def test_article_number_alone_does_not_jump(engine):
    assert engine.search("第3条").article is None


def test_article_reference_respects_kind_filter(engine):
    from indexer.search import Filters
    r = engine.search("警職法2条", filters=Filters(kinds=("regulation",)))
    assert all(h.kind == "regulation" for h in r.hits)
    assert r.article is None


def test_jargon_abbreviation_finds_the_formal_term(engine):
    assert f"{OKAYAMA}#art-6" in keys(engine.search("PCの塗装の色は？"), 3)   # PC = 警ら用無線自動車
    jargon = engine.search("職質 同行")                                       # 職質 = 職務質問
    assert any("職務質問" in h.text for h in jargon.hits[:3])
    assert set(keys(jargon, 3)) <= set(keys(engine.search("職務質問 同行"), 10))
    assert f"{KEISHOKU}#art-2" in keys(jargon, 5)


def test_hiragana_for_kanji(engine):
    assert f"{OKAYAMA}#art-12" in keys(engine.search("しゅうきゅうび 四交替"), 3)


def test_spelling_variants_meet(engine):
    a = keys(engine.search("勤務交代時の引き継ぎ方法"), 3)
    b = keys(engine.search("勤務交代時の引継ぎ方法"), 3)
    assert f"{OKAYAMA}#art-27" in a and f"{OKAYAMA}#art-27" in b


def test_fullwidth_and_halfwidth_digits_are_one(engine):
    assert keys(engine.search("第１当番日の勤務時間"), 3) == keys(engine.search("第1当番日の勤務時間"), 3)


def test_a_named_law_scopes_the_first_hits(engine):
    r = engine.search("軽犯罪法 のぞき")
    assert all(h.doc_id == "law-keihanzai-ho" for h in r.hits[:3])
    assert "law-keihanzai-ho#art-1" in keys(r, 5)


def test_unknown_words_do_not_empty_the_result(engine):
    r = engine.search("交番 ぴよぴよぷー")
    assert r.total > 0


@pytest.mark.parametrize("query", ["交通法令違反者 同行", "交通違反者を交番に同行させるとき"])
def test_the_article_comes_before_the_inquiry_that_cites_it(engine, query):
    r = engine.search(query)
    assert keys(r, 1) == [f"{OKAYAMA}#art-3"]
    assert r.hits[1].kind == "inquiry"   # inq-2025-0002 answers with 第3条 as its basis


def test_colloquial_question_finds_the_rule(engine):
    r = engine.search("交通違反した人を交番に連れて行くとき誰の指示がいる？")
    assert f"{OKAYAMA}#art-3" in keys(r, 5)


def test_in_force_ranks_above_repealed(site_factory):
    doc = ("---\nid: {id}\ntitle: {title}\nkind: manual\nstatus: {status}\n---\n# {title}\n\n"
           "## 第1条（拾得物） {{#art-1}}\n\n拾得物の届出を受けたときは、拾得物件預り書を交付する。\n")
    site = site_factory({
        "manuals/old.md": doc.format(id="old", title="旧遺失物取扱要領", status="repealed"),
        "manuals/new.md": doc.format(id="new", title="遺失物取扱要領", status="in_force"),
    }, "status")
    r = SearchEngine(site.index).search("拾得物 届出")
    assert [h.doc_id for h in r.hits] == ["new", "old"]
    assert r.hits[1].status == "repealed"


def test_dev_set_quality_and_plain_baseline(corpus_site, engine):
    require(DEV, "the dev evaluation set")
    cases = load_cases(DEV)
    full = metrics(evaluate(engine, cases))
    plain = metrics(evaluate(SearchEngine(corpus_site.index, corpus_site.corpus / "dictionary", PLAIN), cases))
    assert full.zero == 0
    # the first 40 queries (ids d…) the ranking was tuned on stay answered; the 99 harder ones
    # (n…, everyday words and typos) are tracked in docs/search-quality.md, not pinned here
    tuned = metrics(evaluate(engine, [c for c in cases if c.id.startswith("d")]))
    assert tuned.r5 >= 0.95 and tuned.mrr >= 0.85, tuned.row("tuned")
    for m in ("r1", "r5", "mrr"):
        assert getattr(full, m) > getattr(plain, m) + 0.05, (full.row("full"), plain.row("plain"))
