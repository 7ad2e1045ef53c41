"""Police jargon in katakana is matched as written and as a word of its own, not as the common word
Sudachi reads it as or inside a longer katakana word."""
from __future__ import annotations

import pytest

from indexer.search import SearchEngine


@pytest.fixture(scope="module")
def engine(corpus_site):
    return SearchEngine(corpus_site.index, corpus_site.corpus / "dictionary")


def expanded_to(engine, text: str) -> set[str]:
    return {s for c in engine.plan(text).concepts for s in c.synonyms}


@pytest.mark.parametrize("jargon, ordinary, value", [
    ("ブツを押さえた", "どのようなものか", "証拠物"),     # Sudachi: ブツ → 物, and もの → 物
    ("ガサ入れの前に", "傘を持っていた", "捜索"),        # ガサ → 傘
    ("ホシが割れた", "星がきれいな夜", "被疑者"),        # ホシ → 星
    ("駅でスリに遭った", "路面がスリップした", "窃盗"),  # a key inside a longer katakana word
    ("シャブの売人", "シャブシャブ店に行った", "覚醒剤"),
])
def test_katakana_jargon_expands_only_where_it_is_written(engine, jargon, ordinary, value):
    assert value in expanded_to(engine, jargon)
    assert value not in expanded_to(engine, ordinary)

