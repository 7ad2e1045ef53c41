"""Typos and kana: a wrong kanji of the same reading is corrected, a word typed in kana finds its kanji."""
import pytest

from indexer.search import SearchEngine
from indexer.suggest import suggest_terms


@pytest.fixture(scope="module")
def engine(corpus_site):
    return SearchEngine(corpus_site.index, corpus_site.corpus / "dictionary")


def keys(result, n=10):
    return [f"{h.doc_id}#{h.section_id}" for h in result.hits[:n]]


@pytest.mark.parametrize("typo, fixed", [("職務質門 要件", "職務質問 要件"), ("職務質門要件", "職務質問要件"),
                                         ("交番相段員", "交番相談員"), ("駐在書の勤務", "駐在所の勤務")])
def test_one_wrong_kanji_of_the_same_reading_is_suggested(engine, typo, fixed):
    r = engine.search(typo)
    assert fixed in suggest_terms(engine, typo, hits=r.total)


@pytest.mark.parametrize("query", ["職務質問 要件", "人を付けた", "酔っ払いを保護した", "拳銃使用"])
def test_correct_queries_get_no_suggestion(engine, query):
    r = engine.search(query)
    assert suggest_terms(engine, query, hits=r.total) == []


def test_edit_distance_guesses_for_short_words_only_when_hits_are_few(engine):
    assert "ドローン" in suggest_terms(engine, "ドローンン", hits=40)
    assert suggest_terms(engine, "交番 ドロン", hits=0)
    assert suggest_terms(engine, "交番 ドロン", hits=40) == []


def test_whole_word_in_hiragana_finds_what_the_kanji_finds(engine):
    kana, kanji = engine.search("しょくむしつもん"), engine.search("職務質問")
    assert kana.total > 0
    assert keys(kana, 5) == keys(kanji, 5)


def test_a_question_typed_wholly_in_kana_reads_words_sudachi_cuts_up(engine):
    """けんさつ is cut by Sudachi into けん|さつ (冊); read as one indexed word it is 検察."""
    q = "たいほしてからけんさつにおくるまでのじかんせいげん"
    terms = [t for c in engine.plan(q).concepts for t in c.terms]
    assert "検察" in terms and "逮捕" in terms and "時間" in terms
    assert "仕手" not in terms          # し|て is a verb and a particle, never read as a word
    # the time limits of 刑訴法 第二百三条 ff. (犯罪捜査規範 第135条, the report when they are missed,
    # may come first: officers ask it in the same words)
    assert "law-keiji-sosho-ho" in [h.doc_id for h in engine.search(q).hits[:3]]
