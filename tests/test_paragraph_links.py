"""Links down to the 項/号 that matched: the search side (kb.paragraphs over a section's plain text)
and the document page (ids on 項 paragraphs and 号 items) agree on every line of the real corpus."""
import re

import pytest

from conftest import REPO_CORPUS
from kb.document import read_document
from kb.paragraphs import anchor_at, article_of, item_number, paragraph_number
from kb.store import document_paths
from webui.render import render_markdown


def test_paragraph_and_item_lines():
    assert paragraph_number("２　前項の措置をとつた場合") == 2
    assert paragraph_number("12　第十二項") == 12
    assert paragraph_number("警察官は、異常な挙動") is None
    assert item_number("一　精神錯乱又は泥酔のため") == 1
    assert item_number("- 二　迷い子、病人") == 2
    assert item_number("(3) 駐在所") == 3 and item_number("（10）　ほか") == 10
    assert item_number("ア 被害届の受理") is None


def test_anchor_of_an_offset_in_an_article():
    text = "警察官は、次の各号のいずれか。\n一　泥酔者\n二　迷い子\n２　前項の措置をとつた場合\n３　二十四時間をこえてはならない。"
    assert anchor_at(text, 3) is None                                   # the first 項 is the article
    assert anchor_at(text, text.index("迷い子")) == "para-1-item-2"
    assert anchor_at(text, text.index("前項")) == "para-2"
    assert anchor_at(text, text.index("二十四")) == "para-3"


@pytest.mark.parametrize("path", document_paths(REPO_CORPUS), ids=lambda p: p.stem)
def test_every_paragraph_link_of_the_corpus_lands_on_an_element(path):
    doc = read_document(path)
    html = str(render_markdown(doc.body, doc.sections, skip_title=True, article_links=True))
    ids = set(re.findall(r' id="([^"]+)"', html))
    missing = set()
    for s in doc.sections:
        text, pos = s.plain_text, 0
        article = article_of(s.id)
        for line in text.split("\n"):
            suffix = anchor_at(text, pos)
            if suffix and f"{article}-{suffix}" not in ids:
                missing.add(f"{article}-{suffix}")
            pos += len(line) + 1
    assert not missing, sorted(missing)[:10]


def test_hits_link_to_the_paragraph_their_words_are_in(app):
    engine = app.extensions["kb.engine"]
    hit = next(h for h in engine.search("保護した者の家族への通知", limit=5).hits
               if h.doc_id == "law-keisatsukan-shokumu-shikko-ho")
    assert hit.target == "/docs/law-keisatsukan-shokumu-shikko-ho#art-3-para-2"
    assert hit.url == "/docs/law-keisatsukan-shokumu-shikko-ho#art-3"        # the API's link is unchanged
    assert "paragraph" not in hit.to_json()


def test_one_character_pieces_are_not_highlighted(app):
    """者, 法 … carried no match: only words of two characters or more are marked."""
    engine = app.extensions["kb.engine"]
    for q in ("保護した者の家族への通知", "泥酔者を保護する法律", "道路交通法第3条の自動車"):
        marks = {m for h in engine.search(q, limit=10).hits for m in re.findall(r"<mark>(.*?)</mark>", h.snippet)}
        assert marks and all(len(m) > 1 for m in marks), (q, marks)
    alone = {m for h in engine.search("銃", limit=5).hits for m in re.findall(r"<mark>(.*?)</mark>", h.snippet)}
    assert alone == {"銃"} or "銃" in alone                               # one word typed alone still shows
