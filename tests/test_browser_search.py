"""An officer on a tablet: type, submit, tap the article, land on it highlighted (real Chromium)."""
from urllib.parse import urlsplit

import pytest

from conftest import browser_sign_in

pytestmark = pytest.mark.browser

QUERY = "交通違反者を交番に同行させるとき"
OKAYAMA = "okayama-chiiki-keisatsu-unei-kitei"
PORTRAIT = {"width": 768, "height": 1024}
LANDSCAPE = {"width": 1024, "height": 768}
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def tablet(browser, live_server, app):
    ctx = browser.new_context(viewport=PORTRAIT, has_touch=True, is_mobile=False, locale="ja-JP",
                              base_url=live_server.url)
    page = ctx.new_page()
    browser_sign_in(page, live_server.url, app)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    ctx.close()
    assert not errors, errors


def search(page, query=QUERY):
    page.goto("/")
    # autofocus, so an officer types at once; Chromium applies it at the first rendering after
    # the load event, so wait for it (fails after 5 s if the field never gets the focus)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'q'", timeout=5000)
    assert page.evaluate("document.activeElement.id") == "q"
    page.fill("#q", query)
    with page.expect_navigation():
        page.press("#q", "Enter")
    return [(c.get_attribute("data-doc"), c.get_attribute("data-section"))
            for c in page.locator("li.card").all()]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_article_is_the_first_card(tablet):
    found = search(tablet)
    assert found, "no result cards"
    assert found[0] == (OKAYAMA, "art-3"), f"first cards: {found[:5]}"


def test_tap_the_card_and_land_on_the_highlighted_article(tablet, artifacts_dir):
    found = search(tablet)
    if (OKAYAMA, "art-3") not in found:  # narrow with the chip an officer would tap
        tablet.click('a.chip[data-kind="regulation"]')
        tablet.wait_for_load_state()
    card = tablet.locator(f'li.card[data-doc="{OKAYAMA}"][data-section="art-3"] a.card-link')
    assert card.count() == 1
    tablet.screenshot(path=str(artifacts_dir / "search-768x1024.png"), full_page=False)
    with tablet.expect_navigation():
        card.tap()
    # the link goes down to the 項 the words were found in (or the article as a whole)
    # and carries the query and section (kb.clicks: 「asked as」 from results pages)
    landed = urlsplit(tablet.url)
    assert landed.path == f"/docs/{OKAYAMA}" and landed.fragment.startswith("art-3") and "s=art-3" in landed.query
    target = landed.fragment
    tablet.wait_for_function(f"() => document.getElementById('{target}').classList.contains('is-target')")
    state = tablet.evaluate(f"""() => {{
        const el = document.getElementById('{target}');
        const r = el.getBoundingClientRect(), bar = document.querySelector('.doc-bar').getBoundingClientRect();
        return {{target: el.matches(':target'), cls: el.className, top: r.top, barBottom: bar.bottom,
                height: innerHeight, bg: getComputedStyle(el).backgroundColor}};
    }}""")
    assert state["target"] and "is-target" in state["cls"]
    assert state["barBottom"] - 1 <= state["top"] < state["height"]           # below the sticky bar, in view
    assert state["bg"] not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    tablet.screenshot(path=str(artifacts_dir / "doc-art3-768x1024.png"))


def test_filter_chips_change_the_hits(tablet):
    everything = search(tablet)
    tablet.click('a.chip[data-kind="notice"]')
    tablet.wait_for_load_state()
    notices = [c.get_attribute("data-doc") for c in tablet.locator("li.card").all()]
    assert notices and set(notices) == {"npa-tsutatsu-2022-keisatsu-unei"}
    assert tablet.locator('a.chip.is-on[data-kind="notice"]').count() == 1
    tablet.click('a.chip[data-kind="notice"]')  # tap again: off
    tablet.wait_for_load_state()
    again = [(c.get_attribute("data-doc"), c.get_attribute("data-section"))
             for c in tablet.locator("li.card").all()]
    assert again == everything


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE, PHONE], ids=["768", "1024", "375"])
def test_no_horizontal_scroll_and_screenshots(browser, live_server, app, artifacts_dir, size):
    ctx = browser.new_context(viewport=size, has_touch=True, locale="ja-JP", base_url=live_server.url)
    page = ctx.new_page()
    browser_sign_in(page, live_server.url, app)
    name = f"{size['width']}x{size['height']}"
    try:
        for slug, url in [("search", f"/search?q={QUERY}"), ("doc", f"/docs/{OKAYAMA}"),
                          ("law", "/docs/law-doro-kotsu-ho-shikorei"), ("zero", "/search?q=qqqzzzxxx"),
                          ("home", "/")]:
            page.goto(url)
            assert no_horizontal_scroll(page), f"{url} scrolls sideways at {name}"
            if slug != "law":
                page.screenshot(path=str(artifacts_dir / f"{slug}-{name}.png"))
    finally:
        ctx.close()


def test_touch_targets_and_text_sizes(tablet):
    search(tablet)
    small = tablet.evaluate("""() => {
        const bad = [];
        for (const el of document.querySelectorAll('a.chip, button, a.card-link, a.page, input:not([type=checkbox]), select, label.chip, .site-name')) {
            const r = el.getBoundingClientRect();
            if (r.width && (r.width < 44 || r.height < 44)) bad.push([el.className || el.tagName, r.width, r.height]);
        }
        for (const el of document.querySelectorAll('body *')) {
            if (!el.childNodes.length || ![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
            const size = parseFloat(getComputedStyle(el).fontSize);
            if (size < 14 && el.getClientRects().length) bad.push([el.tagName, el.className, size]);
        }
        return bad;
    }""")
    assert small == []
    tablet.goto(f"/docs/{OKAYAMA}")
    sizes = tablet.evaluate("""[...document.querySelectorAll('a.copy-link, details.toc summary, .doc-bar button, .doc-bar a')]
        .map(e => e.getBoundingClientRect()).filter(r => r.width).map(r => Math.min(r.width, r.height))""")
    assert sizes and min(sizes) >= 44


def test_copy_link_button(browser, live_server, app):
    ctx = browser.new_context(viewport=PORTRAIT, base_url=live_server.url)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = ctx.new_page()
    browser_sign_in(page, live_server.url, app)
    try:
        page.goto(f"/docs/{OKAYAMA}#art-3")
        page.click(".doc-bar .bar-copy")            # one copy button, for the article in view
        page.wait_for_selector(".copy-status:not([hidden])")
        assert "コピーしました" in page.inner_text(".copy-status")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == f"{live_server.url}/docs/{OKAYAMA}#art-3"
        # Without clipboard access the URL is shown to copy by hand.
        page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
        page.evaluate("document.getElementById('art-4').scrollIntoView()")
        page.wait_for_function("() => document.querySelector('.doc-bar-article').textContent.startsWith('第4条')")
        page.click(".doc-bar .bar-copy")
        assert page.input_value(".copy-fallback") == f"{live_server.url}/docs/{OKAYAMA}#art-4"
    finally:
        ctx.close()


def test_page_works_without_javascript(browser, live_server, app):
    ctx = browser.new_context(viewport=PORTRAIT, java_script_enabled=False, base_url=live_server.url)
    page = ctx.new_page()
    browser_sign_in(page, live_server.url, app)
    try:
        page.goto("/")
        page.fill("#q", QUERY)
        with page.expect_navigation():
            page.press("#q", "Enter")
        assert page.locator("li.card").count() > 0
        page.goto(f"/docs/{OKAYAMA}#art-3")
        assert page.evaluate("document.getElementById('art-3').matches(':target')")
        assert page.evaluate("getComputedStyle(document.getElementById('art-3')).backgroundColor") != "rgba(0, 0, 0, 0)"
    finally:
        ctx.close()
