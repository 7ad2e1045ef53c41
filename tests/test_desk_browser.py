"""The desk in real Chromium: an officer asks HQ from the results page (with the article they
opened), the desk answers with a basis picked by search-as-you-type, reviews the highlighted spans
(unmask one, mask a selected word), confirms and publishes; the officer finds it and sees it in
「自分の照会」."""
import re

import pytest

from conftest import TABLET
from desk_site import OKAYAMA, desk_app, desk_site

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return desk_app(desk_site(tmp_path_factory.mktemp("desk-browser"), with_samples=False))


def test_ask_answer_review_publish_in_the_browser(open_as, artifacts_dir):
    officer = open_as("officer", "browser-officer", viewport=TABLET)
    officer.goto("/search?q=" + "初動的な措置の範囲")
    card = officer.locator(f'li.card[data-doc="{OKAYAMA}"]').first
    section = card.get_attribute("data-section")
    with officer.expect_navigation():
        card.locator("a.card-link").click()
    officer.go_back()
    with officer.expect_navigation():
        officer.click("a.ask-link")
    assert officer.input_value("#question") == "初動的な措置の範囲"
    assert officer.locator(f'input[name=viewed][value="{OKAYAMA}#{section}"]').is_checked()
    officer.fill("#question", "高橋次郎さん宅の空き巣に臨場しました。初動的な措置はどこまで執ればよいですか。")
    with officer.expect_navigation():
        officer.click("form.ask-form button[type=submit]")
    assert officer.url.endswith("/my-inquiries") and "確認中" in officer.inner_text("main")

    desk = open_as("desk", "browser-desk")
    desk.goto("/desk/")
    row = desk.locator("tr[data-inquiry]", has_text="高橋次郎さん宅")
    with desk.expect_navigation():
        row.locator("a", has_text="回答する").click()
    assert "初動的な措置の範囲" in desk.inner_text("main")              # the officer's query
    desk.fill("#answer", "規程第3条の措置を執り、高橋さんの被害届を受理して専務員に引き継いでください。")
    desk.fill("#basis-search", "初動的な措置の範囲")
    desk.wait_for_selector("#basis-results button.basis-hit")
    desk.locator("#basis-results button.basis-hit", has_text="第3条").first.click()
    assert desk.locator(f'#basis-list input[name=basis][value="{OKAYAMA}#art-3"]').is_checked()
    with desk.expect_navigation():
        desk.click("form.desk-form > button[type=submit]")
    assert re.search(r"/desk/\d+/review$", desk.url)

    # the chips: tap one to keep it, and mask a selected word the anonymiser left
    assert desk.locator(".review-text .pii mark", has_text="高橋次郎").count() == 1
    assert "〔氏名A〕さんの被害届" in desk.inner_text("#masked-answer")
    desk.screenshot(path=str(artifacts_dir / "desk-review-1280x900.png"), full_page=True)
    chip = desk.locator(".pii-chips[data-part=answer] .chip", has_text="高橋").first
    chip.click()
    assert "is-unmasked" in chip.get_attribute("class")
    assert desk.locator(".review-pending").count() == 1
    desk.evaluate("""() => {
        const box = document.querySelector('.review-text[data-part=question]');
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const i = node.textContent.indexOf('空き巣');
            if (i >= 0) {
                const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 3);
                const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
                box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
                return;
            }
        }
    }""")
    assert desk.input_value("#add_text") == "空き巣" and desk.input_value("#add_part") == "question"
    with desk.expect_navigation():
        desk.click(".apply-row button[value=apply]")
    assert "マスクを変更しました" in desk.inner_text(".flash")
    assert "空き巣" not in desk.inner_text("#masked-question")
    assert desk.input_value("#title") == ""                    # the desk writes the title itself
    assert "高橋さん" in desk.inner_text("#masked-answer")
    # put the answer's mask back, then write a title, confirm and publish
    desk.locator(".pii-chips[data-part=answer] .chip", has_text="高橋").first.click()
    with desk.expect_navigation():
        desk.click(".apply-row button[value=apply]")
    assert "〔氏名A〕さんの被害届" in desk.inner_text("#masked-answer")
    desk.fill("#title", "侵入盗の被害届を受けたときの初動措置")
    desk.check("input[name=confirmed]")
    with desk.expect_navigation():
        desk.click("button[value=publish]")
    flash = desk.inner_text(".flash")
    assert "公開しました" in flash and "検索に反映しました" in flash
    doc_id = re.search(r"inq-\d{4}-\d{4}", flash).group(0)

    officer.goto("/search?q=" + "空き巣 初動的な措置 専務員")
    assert officer.locator(f'li.card[data-doc="{doc_id}"]').count() == 1
    officer.goto("/my-inquiries")
    text = officer.inner_text("main")
    assert "公開" in text and "高橋" not in text and "被害届を受理して専務員に引き継いで" in text
    officer.screenshot(path=str(artifacts_dir / "desk-my-inquiries-768x1024.png"), full_page=True)
