"""The officer's tablet at 768×1024 (real Chromium, real corpus): results above the fold,
「本部に照会する」 always in reach, a way in for a first-time user, a document page that keeps its
context and opens at the 項 that matched, highlights of the words that carried the match — with
JavaScript and without."""
from urllib.parse import urlsplit

import pytest

from conftest import TABLET, browser_sign_in

pytestmark = pytest.mark.browser

QUERY = "交通違反者を交番に同行させるとき"
SHOKUMU = "law-keisatsukan-shokumu-shikko-ho"


@pytest.fixture
def tablet(open_as):
    return open_as("officer", "tablet-officer", viewport=TABLET)


@pytest.fixture
def no_js(browser, server, app):
    ctx = browser.new_context(viewport=TABLET, locale="ja-JP", base_url=server.url, java_script_enabled=False)
    page = ctx.new_page()
    browser_sign_in(page, server.url, app, "officer", "tablet-officer-nojs")
    yield page
    ctx.close()


def boxes(page, selector):
    return page.evaluate(f"""[...document.querySelectorAll({selector!r})].map(e => {{
        const r = e.getBoundingClientRect(); return {{top: r.top, bottom: r.bottom, left: r.left, right: r.right,
        width: r.width, height: r.height}}; }})""")


def in_view(page, selector) -> bool:
    b = boxes(page, selector)
    return bool(b) and b[0]["width"] > 0 and 0 <= b[0]["top"] and b[0]["bottom"] <= page.viewport_size["height"]


def test_results_start_above_the_fold_with_three_cards_visible(tablet, artifacts_dir):
    tablet.goto(f"/search?q={QUERY}")
    cards = boxes(tablet, "li.card")
    bar = boxes(tablet, ".ask-bar")[0]
    assert len(cards) >= 3
    assert cards[0]["top"] <= 200, cards[0]
    assert cards[2]["bottom"] <= bar["top"], (cards[:3], bar)          # three whole cards, above the ask bar
    # filters wait behind one 「絞り込み」 control
    assert not tablet.locator("#dept").is_visible() and not tablet.locator("input[name=inforce]").is_visible()
    tablet.click("summary.filter-toggle")
    assert tablet.locator("#dept").is_visible() and tablet.locator("input[name=inforce]").is_visible()
    tablet.click("summary.filter-toggle")
    # the kind chips are one row that scrolls sideways
    chips = boxes(tablet, "nav.chips a.chip")
    assert len({round(c["top"]) for c in chips}) == 1
    assert tablet.evaluate("getComputedStyle(document.querySelector('nav.chips')).overflowX") == "auto"
    assert tablet.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    # snippets keep to three lines; "not helpful" is a compact icon, still a 44 px target
    for card in tablet.locator("li.card").all()[:3]:
        lines = card.evaluate("""c => { const s = c.querySelector('.snippet');
            return s.getBoundingClientRect().height / parseFloat(getComputedStyle(s).lineHeight); }""")
        assert lines <= 3.05
        icon = card.locator("form.not-helpful button").bounding_box()
        assert 44 <= icon["height"] <= 48 and 44 <= icon["width"] <= 48
        assert card.locator("form.not-helpful button").get_attribute("aria-label") == "この結果は役に立たなかった"
    tablet.screenshot(path=str(artifacts_dir / "ui-results-768x1024.png"))


def test_ask_hq_is_in_reach_on_every_results_page_and_home(tablet, artifacts_dir):
    tablet.goto("/")
    assert in_view(tablet, "a.ask-link") and tablet.inner_text("a.ask-link") == "本部に照会する"
    tablet.screenshot(path=str(artifacts_dir / "ui-home-768x1024.png"))
    tablet.goto(f"/search?q={QUERY}&page=2")
    assert in_view(tablet, "a.ask-link")
    tablet.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert in_view(tablet, "a.ask-link")                                    # fixed: still there at the end
    assert "q=" in tablet.get_attribute("a.ask-link", "href")
    # weak results offer it in the page too
    tablet.goto("/search?q=qqqzzzxxx")
    assert tablet.locator(".no-results a", has_text="本部の照会デスクに照会する").count() == 1
    assert in_view(tablet, "a.ask-link")


def test_not_helpful_offers_ask_hq(tablet):
    tablet.goto(f"/search?q={QUERY}")
    card = tablet.locator("li.card").first
    card.locator("form.not-helpful button").click()
    tablet.wait_for_selector("li.card .feedback-done")
    assert card.locator(".feedback-done").inner_text() == "記録しました"
    offer = card.locator("a.ask-after")
    assert offer.is_visible() and offer.inner_text() == "本部に照会する" and "/ask" in offer.get_attribute("href")


def test_without_javascript_not_helpful_and_filters_still_work(no_js):
    no_js.goto(f"/search?q={QUERY}")
    assert no_js.locator(".ask-bar a.ask-link").is_visible()
    with no_js.expect_navigation():
        no_js.locator("li.card form.not-helpful button").first.click()
    flash = no_js.locator(".flash")
    assert "ご意見を記録しました" in flash.inner_text()
    assert flash.locator("a.ask-after", has_text="本部に照会する").count() == 1
    no_js.click("summary.filter-toggle")                                 # <details> opens without script
    no_js.uncheck("input[name=inforce]")
    with no_js.expect_navigation():
        no_js.click("button.apply")
    assert "f=1" in no_js.url and "inforce=1" not in no_js.url              # 施行中のみ is off now
    no_js.click("summary.filter-toggle")
    assert not no_js.is_checked("input[name=inforce]")


def test_weak_results_offer_ask_hq(tablet):
    tablet.goto("/search?q=鉄道警察隊&kind=regulation&f=1&inforce=1")        # one hit in the real corpus
    assert tablet.locator("li.card").count() in (1, 2)
    offer = tablet.locator(".weak-results a.button", has_text="本部に照会する")
    assert offer.is_visible() and "q=" in offer.get_attribute("href")
    tablet.goto(f"/search?q={QUERY}")
    assert tablet.locator(".weak-results").count() == 0


def test_help_and_document_list(tablet):
    assert tablet.goto("/help").status == 200
    assert tablet.locator("header a", has_text="使い方").count() == 1
    text = tablet.inner_text("main")
    for words in ("調べる", "表示の意味", "施行中", "廃止", "本部に照会する"):
        assert words in text
    assert tablet.goto("/docs/").status == 200
    groups = tablet.locator("section.doc-group h2").all_inner_texts()
    assert any(g.startswith("法令") for g in groups) and any(g.startswith("規則・訓令") for g in groups)
    juto = tablet.locator('li[data-doc="law-juto-ho"]')
    juto.locator("summary .chapter-count").click()
    chapters = juto.locator("ol.chapters a")
    assert chapters.count() >= 5 and chapters.first.is_visible()
    assert "総則" in chapters.first.inner_text()
    with tablet.expect_navigation():
        chapters.first.click()
    anchor = tablet.url.split("#", 1)[1]
    assert tablet.locator(f"[id='{anchor}']").count() == 1                # the chapter is on the page


def test_document_keeps_its_context_and_opens_at_the_paragraph(tablet, artifacts_dir):
    tablet.goto("/search?q=保護した者の家族への通知")
    results = tablet.url
    card = tablet.locator(f'li.card[data-doc="{SHOKUMU}"][data-section="art-3"] a.card-link')
    href = urlsplit(card.get_attribute("href"))                               # down to the 項 that matched,
    assert (href.path, href.fragment) == (f"/docs/{SHOKUMU}", "art-3-para-2") and "s=art-3" in href.query  # query kept
    with tablet.expect_navigation():
        card.click()
    tablet.wait_for_function("() => document.getElementById('art-3-para-2').classList.contains('is-target')")
    state = tablet.evaluate("""() => {
        const p = document.getElementById('art-3-para-2'), bar = document.querySelector('.doc-bar');
        const r = p.getBoundingClientRect(), b = bar.getBoundingClientRect();
        return {top: r.top, barBottom: b.bottom, barTop: b.top, bg: getComputedStyle(p).backgroundColor,
                next: document.getElementById('art-3-para-3').classList.contains('is-target'),
                where: bar.innerText};
    }""")
    assert state["barTop"] == 0 and state["top"] >= state["barBottom"] - 1        # not under the bar
    assert state["bg"] not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)") and not state["next"]
    assert "警察官職務執行法" in state["where"] and "第三条" in state["where"]
    back = tablet.get_attribute(".doc-bar a.back-link", "href")
    assert back.startswith("/search?") and results.endswith(back)          # the very results page
    tablet.screenshot(path=str(artifacts_dir / "ui-document-768x1024.png"))
    # the bar stays and follows the article in view
    tablet.evaluate("document.getElementById('art-6').scrollIntoView()")
    tablet.wait_for_function("() => document.querySelector('.doc-bar-article').textContent.includes('第六条')")
    assert boxes(tablet, ".doc-bar")[0]["top"] == 0
    # one set of tools for the article in view; the report form opens in place
    assert not tablet.locator(".doc-body .article-tools").first.is_visible()
    tablet.click(".doc-bar .bar-flag")
    report = tablet.locator("#report")
    assert report.is_visible() and tablet.input_value("#flag-section") == "art-6"
    placed = tablet.evaluate("""() => { const r = document.getElementById('report');
        let n = r.previousElementSibling; while (n && !/^H[1-6]$/.test(n.tagName)) n = n.previousElementSibling;
        return n && n.id; }""")
    assert placed == "art-6"
    box = report.bounding_box()
    assert 0 <= box["y"] < TABLET["height"]
    with tablet.expect_navigation():
        tablet.click(".doc-bar a.back-link")
    assert tablet.url == results


def test_document_bar_names_the_law_and_article_on_a_phone(open_as, artifacts_dir):
    phone = open_as("officer", "phone-officer", viewport={"width": 375, "height": 812})
    phone.goto("/search?q=保護した者の家族への通知")
    with phone.expect_navigation():
        phone.locator(f'li.card[data-doc="{SHOKUMU}"][data-section="art-3"] a.card-link').click()
    phone.wait_for_function("() => document.getElementById('art-3-para-2').classList.contains('is-target')")
    phone.wait_for_function("() => document.querySelector('.doc-bar-article').textContent.includes('第三条')")
    state = phone.evaluate("""() => { const cut = e => e.scrollWidth > e.clientWidth + 1;
        const t = document.querySelector('.doc-bar-title'), a = document.querySelector('.doc-bar-article');
        const bar = document.querySelector('.doc-bar').getBoundingClientRect();
        return {titleCut: cut(t), articleCut: cut(a), barBottom: bar.bottom, barTop: bar.top,
                top: document.getElementById('art-3-para-2').getBoundingClientRect().top,
                flag: document.querySelector('.doc-bar .bar-flag').getBoundingClientRect().height,
                wide: document.documentElement.scrollWidth > document.documentElement.clientWidth}; }""")
    assert not state["titleCut"] and not state["articleCut"], state               # 警察官職務執行法 第三条（保護）
    assert state["barTop"] == 0 and state["top"] >= state["barBottom"] - 1, state   # the 項 is not under the bar
    assert state["flag"] >= 44 and not state["wide"], state
    phone.screenshot(path=str(artifacts_dir / "ui-document-375x812.png"))


def test_deep_link_to_a_paragraph_without_javascript(no_js):
    no_js.goto(f"/docs/{SHOKUMU}#art-3-para-3")
    target = no_js.evaluate("""() => { const p = document.getElementById('art-3-para-3');
        return {target: p.matches(':target'), bg: getComputedStyle(p).backgroundColor, top: p.getBoundingClientRect().top}; }""")
    assert target["target"] and target["bg"] not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert 0 <= target["top"] < TABLET["height"]
    assert no_js.locator(".doc-body .article-tools").first.is_visible()     # per-article tools without script


def test_article_reference_opens_the_named_paragraph(tablet):
    tablet.goto("/search?q=警職法3条2項")
    # the named article is the first card and opens at the named 項: no second button for it
    first = tablet.locator("li.card").first
    assert first.get_attribute("data-doc") == SHOKUMU and first.get_attribute("data-section") == "art-3"
    assert urlsplit(first.locator("a.card-link").get_attribute("href")).fragment == "art-3-para-2"
    assert tablet.locator("p.jump").count() == 0
    top = boxes(tablet, "li.card")[0]["top"]
    assert top <= 200, top
    # on a later page it is not among the cards: the button takes the way back to it
    tablet.goto("/search?q=警職法3条2項&page=2")
    assert tablet.get_attribute("p.jump a", "href") == f"/docs/{SHOKUMU}#art-3-para-2"


def test_highlights_are_words_not_single_characters(tablet):
    tablet.goto("/search?q=保護した者の家族への通知")
    marks = tablet.locator("li.card .snippet mark").all_inner_texts()
    assert marks and all(len(m) > 1 for m in marks), marks
    assert {"保護", "家族", "通知"} <= set(marks)


def test_synonym_note_uses_the_dictionarys_spelling(tablet):
    tablet.goto("/search?q=交番")
    note = tablet.inner_text(".summary .expanded")
    assert "PB" in note and "pb" not in note
