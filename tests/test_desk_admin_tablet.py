"""The desk, the maintainers and the admins at 768×1024 (real Chromium, a writable copy of the real
corpus): the desk sees new inquiries arrive, answers with one-tap basis and similar cases, the
officer sees 「回答あり」; diffs marked within the line, the editor at the flagged article, a
searchable document list; confirmations, first sign-in, errors next to their field, one date style."""
import re
import urllib.error
import urllib.request

import pytest

from conftest import TABLET, browser_sign_in
from desk_site import OKAYAMA, HttpUser, desk_app, desk_site, hidden
from editor_site import form_of

pytestmark = pytest.mark.browser

ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return desk_app(desk_site(tmp_path_factory.mktemp("desk-admin-tablet")))


def ask(server, app, username: str, question: str, viewed: str = "") -> None:
    officer = HttpUser(server.url, app, "officer", username, department="岡山東警察署地域課")
    page = officer.get("/ask", q="初動的な措置の範囲", **({"viewed": viewed} if viewed else {})).text
    r = officer.post("/ask", {"csrf_token": hidden(page, "csrf_token"), "query": "初動的な措置の範囲",
                              "question": question, "asking_unit": "岡山東警察署地域課", "category": "地域",
                              **({"viewed": viewed} if viewed else {})})
    assert r.status == 302, r.text[:300]


def first_sign_in(ctx, username: str, password: str):
    """Sign in with an issued password in a fresh context; the page must land on 「パスワードの設定」."""
    page = ctx.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form.stacked-form button[type=submit]")
    assert page.url.endswith("/account/password")
    return page


def test_a_new_inquiry_appears_on_the_open_desk_page(open_as, server, app):
    desk = open_as("desk", "tablet-desk", viewport=TABLET)
    desk.goto("/desk/")
    before = int(desk.inner_text(".desk-link [data-open-count]"))
    desk.evaluate("window.__sameDocument = true")                # gone if the page reloads
    ask(server, app, "tablet-officer-1", "架空：交番で拾得物の届出を受けたとき、どの様式で受理しますか。")
    desk.wait_for_selector("#queue tr[data-inquiry]:has-text('拾得物の届出')", timeout=5000)
    assert desk.evaluate("window.__sameDocument") is True
    desk.wait_for_function(f"() => document.querySelector('.desk-link [data-open-count]').textContent === '{before + 1}'",
                           timeout=5000)
    assert "新しい照会が届きました" in desk.inner_text(".live-status")
    assert "未回答" in desk.inner_text("#queue")                          # status words that say what they mean


def test_queue_answers_304_while_nothing_changed(server, app):
    """The desk page polls this often: an unchanged queue costs a 304 and no body."""
    desk = HttpUser(server.url, app, "desk", "tablet-desk-http")
    first = desk.get("/desk/queue")
    etag = {k.lower(): v for k, v in first.headers.items()}.get("etag")
    assert first.status == 200 and etag and 'id="queue"' in first.text
    req = urllib.request.Request(server.url + "/desk/queue", headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as unchanged:         # urllib reports a 304 as an error
        desk.opener.open(req, timeout=30)
    assert unchanged.value.code == 304


def test_answering_with_viewed_articles_article_names_and_similar_cases(open_as, server, app, artifacts_dir):
    ask(server, app, "tablet-officer-2", "架空：山田一郎さん宅の空き巣に臨場しました。初動的な措置はどこまで執ればよいですか。",
        viewed=f"{OKAYAMA}#art-3")
    desk = open_as("desk", "tablet-desk-2", viewport=TABLET)
    desk.goto("/desk/")
    row = desk.locator("#queue tr[data-inquiry]", has_text="山田一郎さん宅")
    with desk.expect_navigation():
        row.locator("a", has_text="回答する").click()
    # the officer's viewed article: one tap makes it a basis
    chip = desk.locator(f'.viewed-basis label.chip-toggle:has(input[value="{OKAYAMA}#art-3"])')
    assert chip.bounding_box()["height"] >= 44
    chip.click()
    assert desk.locator(f'.viewed-basis input[value="{OKAYAMA}#art-3"]').is_checked()
    # the basis search is as wide as the form
    widths = desk.evaluate("""() => [document.getElementById('basis-search').getBoundingClientRect().width,
                                     document.querySelector('fieldset.basis').getBoundingClientRect().width]""")
    assert widths[0] >= 0.85 * widths[1]
    # similar published cases beside the answer, following what is typed
    similar = desk.locator("aside.similar .similar-list a")
    assert similar.count() >= 1
    desk.fill("#answer", "遺失届出書の様式で受理してください。")
    desk.wait_for_function("() => document.querySelector('aside.similar .similar-list a')", timeout=5000)
    # 直接指定 takes the article as people write it
    desk.fill("#basis_add", "地域警察運営規程5条")
    desk.fill("#answer", "規程第3条の措置を執り、山田さんの被害届を受理してください。")
    with desk.expect_navigation():
        desk.click("form.desk-form > button[type=submit]")
    assert re.search(r"/desk/\d+/review$", desk.url)
    basis = desk.inner_text(".review-result")
    assert "岡山県警察地域警察運営規程 第3条" in basis and "岡山県警察地域警察運営規程 第5条" in basis
    desk.screenshot(path=str(artifacts_dir / "ui-desk-review-768x1024.png"))

    # the officer sees 「回答あり」 with a count, and the count clears once seen
    officer = open_as("officer", "tablet-officer-2", viewport=TABLET)
    officer.goto("/")
    assert "回答あり 1" in officer.inner_text("header .mine-link")
    officer.click("header .mine-link")
    item = officer.locator(".my-inquiries li", has_text="山田一郎さん宅")
    assert "回答あり" in item.inner_text() and item.locator(".badge.is-new").count() == 1
    assert "非公開" not in officer.inner_text("main")
    officer.goto("/")
    assert "回答あり" not in officer.inner_text("header .mine-link")


PHONE = {"width": 375, "height": 812}


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["768x1024", "375x812"])
def test_the_queue_reads_on_a_tablet_and_a_phone(open_as, server, app, artifacts_dir, viewport):
    """A status badge and 「回答する」 stay on one line; on a phone an inquiry is a block whose
    question gets the full width (not a column a few characters wide)."""
    ask(server, app, f"tablet-officer-q{viewport['width']}", "架空：自転車の防犯登録を照会したいとき、どこに問い合わせますか。")
    desk = open_as("desk", "tablet-desk-q", viewport=viewport)
    desk.goto("/desk/")
    row = desk.locator("#queue tr[data-inquiry]", has_text="防犯登録").first
    m = row.evaluate("""r => { const b = r.querySelector('.badge'), a = r.querySelector('.q-actions a');
        return {badge: b.getBoundingClientRect().height, line: parseFloat(getComputedStyle(b).lineHeight),
                actionLines: a.getClientRects().length, action: a.getBoundingClientRect().height,
                question: r.querySelector('.q-question').getBoundingClientRect().width,
                table: r.closest('table').getBoundingClientRect().width}; }""")
    assert m["badge"] <= m["line"] + 8, m                                    # one line of text
    assert m["actionLines"] == 1, m
    assert desk.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    if viewport is PHONE:
        assert m["question"] >= 0.9 * m["table"], m
        assert m["action"] >= 44, m                                          # a finger's target
        desk.screenshot(path=str(artifacts_dir / "ui-desk-queue-375x812.png"))


def test_unknown_article_name_is_refused_next_to_the_button(open_as):
    desk = open_as("desk", "tablet-desk-3", viewport=TABLET)
    desk.goto("/desk/new")
    desk.fill("#question", "架空：質問です。")
    desk.fill("#answer", "架空：回答です。")
    desk.fill("#basis_add", "存在しない法99条")
    with desk.expect_navigation():
        desk.click("form.desk-form > button[type=submit]")
    error = desk.locator("form.desk-form .field-error[role=alert]")
    assert error.is_visible() and "存在しない法99条" in error.inner_text()
    assert error.locator(".error-icon").evaluate("e => getComputedStyle(e).width") == "20px"          # the icon shows
    assert desk.evaluate("getComputedStyle(document.querySelector('.field-error')).color") == "rgb(160, 0, 28)"
    assert desk.input_value("#question") == "架空：質問です。"                   # nothing lost


def test_receipt_time_keeps_its_seconds_and_dates_have_one_style(open_as):
    desk = open_as("desk", "tablet-desk-4", viewport=TABLET)
    desk.goto("/desk/new")
    desk.fill("input[name=received_at]", "2026-11-20T09:30:15")
    desk.fill("#question", "架空：受付時刻の秒の確認です。")
    with desk.expect_navigation():
        desk.click("form.desk-form > button[type=submit]")
    assert desk.input_value("input[name=received_at]") == "2026-11-20T09:30:15"
    desk.goto("/desk/")
    main = desk.inner_text("main")
    assert "令和8年11月20日 09:30:15" in main and not ISO_DATE_TIME.search(main)


def test_confirmations_and_first_sign_in(open_as, browser, server, app):
    admin = open_as("admin", "tablet-admin", viewport=TABLET)
    admin.goto("/admin/users")
    admin.fill("#new-username", "tablet-newcomer")
    with admin.expect_navigation():
        admin.click("text=追加する（初期パスワードを発行）")
    issued = admin.inner_text(".one-time-password")
    assert len(issued) == 20 and not set(issued) & set("lI1O0o")             # no look-alikes
    # 「パスワード再発行」 asks first; 「やめる」 changes nothing
    admin.goto("/admin/users")
    row = admin.locator('tr[data-user="tablet-newcomer"]')
    row.locator("button", has_text="パスワード再発行").click()
    dialog = admin.locator("dialog.confirm-dialog")
    assert dialog.is_visible() and "パスワードを再発行しますか" in dialog.inner_text()
    dialog.locator("button", has_text="やめる").click()
    assert not dialog.is_visible() and admin.url.endswith("/admin/users")
    # 「無効にする」 asks too
    row.locator("button", has_text="無効にする").click()
    assert dialog.is_visible() and "無効にしますか" in dialog.inner_text()
    dialog.locator("button", has_text="やめる").click()
    assert "有効" in row.inner_text()
    # the newcomer is sent to set their own password before anything else
    ctx = browser.new_context(viewport=TABLET, locale="ja-JP", base_url=server.url)
    try:
        page = first_sign_in(ctx, "tablet-newcomer", issued)
        assert "自分のパスワードを設定してください" in page.inner_text("h1")
        page.goto("/search?q=交番")
        assert page.url.endswith("/account/password")                       # nothing else until then
        page.fill("#current_password", issued)
        page.fill("#new_password", "tablet-own-passphrase-7")
        page.fill("#new_password_again", "tablet-own-passphrase-8")
        with page.expect_navigation():
            page.click("form.stacked-form button[type=submit]")
        error = page.locator("#new_password_again-error")
        assert error.get_attribute("role") == "alert" and "一致しません" in error.inner_text()
        assert page.get_attribute("#new_password_again", "aria-invalid") == "true"
        page.fill("#current_password", issued)
        page.fill("#new_password", "tablet-own-passphrase-7")
        page.fill("#new_password_again", "tablet-own-passphrase-7")
        with page.expect_navigation():
            page.click("form.stacked-form button[type=submit]")
        assert "/account/password" not in page.url
    finally:
        ctx.close()
    # a reissued password, confirmed in the dialog, sends the user to set their own again
    admin.goto("/admin/users")
    row.locator("button", has_text="パスワード再発行").click()
    with admin.expect_navigation():
        dialog.locator("button.danger").click()
    assert "パスワードを再発行しました" in admin.inner_text("h1")
    reissued = admin.inner_text(".one-time-password")
    assert reissued != issued and not set(reissued) & set("lI1O0o")
    ctx = browser.new_context(viewport=TABLET, locale="ja-JP", base_url=server.url)
    try:
        page = first_sign_in(ctx, "tablet-newcomer", reissued)
        page.goto("/")
        assert page.url.endswith("/account/password")
    finally:
        ctx.close()


def test_confirmation_without_javascript(browser, server, app):
    ctx = browser.new_context(viewport=TABLET, locale="ja-JP", base_url=server.url, java_script_enabled=False)
    try:
        page = ctx.new_page()
        browser_sign_in(page, server.url, app, "admin", "tablet-admin-nojs")
        HttpUser(server.url, app, "officer", "tablet-target")
        page.goto("/admin/users")
        with page.expect_navigation():
            page.locator('tr[data-user="tablet-target"] button', has_text="無効にする").click()
        assert "tablet-target を無効にしますか" in page.inner_text("h1")
        assert page.url.endswith("/users/tablet-target/active")
        with page.expect_navigation():
            page.click("button.danger")
        assert "無効" in page.inner_text('tr[data-user="tablet-target"]')
    finally:
        ctx.close()


def test_diff_within_the_line_and_the_editor_at_the_flagged_article(open_as, server, app, artifacts_dir):
    maintainer = HttpUser(server.url, app, "maintainer", "tablet-maint-http")
    form = form_of(maintainer.get(f"/editor/docs/{OKAYAMA}/edit").text)
    assert "初動的な措置の範囲は" in form["body"]
    form.update(action="save", message="一字の修正", body=form["body"].replace("初動的な措置の範囲は", "初動的な措置の範囲を", 1))
    r = maintainer.post(f"/editor/docs/{OKAYAMA}/edit", form)
    assert r.status == 303, r.text[:500]

    editor = open_as("maintainer", "tablet-maint", viewport=TABLET)
    editor.goto(f"/editor/docs/{OKAYAMA}/diff")
    assert "@@" not in editor.inner_text("main")
    changed = editor.locator("table.diff tr.line-change")
    assert changed.count() == 1
    visible = "e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('')"
    assert changed.locator("del").evaluate(visible) == "は" and changed.locator("ins").evaluate(visible) == "を"
    assert "第3条" in editor.inner_text("table.diff caption")                 # where, in words
    editor.screenshot(path=str(artifacts_dir / "ui-editor-diff-768x1024.png"))

    # an officer's flag → the editor opens at that article
    officer = HttpUser(server.url, app, "officer", "tablet-flagger")
    doc = officer.get(f"/docs/{OKAYAMA}").text
    assert officer.post(f"/docs/{OKAYAMA}/flags", {"csrf_token": hidden(doc, "csrf_token"), "section": "art-20",
                                                   "reason": "outdated", "comment": "架空：所属名が古い"}).status == 303
    editor.goto("/editor/queue")
    with editor.expect_navigation():
        editor.locator("#flags tr[data-flag]", has_text="所属名が古い").locator("a", has_text="この箇所を編集").click()
    selected = editor.evaluate("""() => { const b = document.getElementById('body');
        return b.value.slice(b.selectionStart, b.selectionEnd); }""")
    assert "{#art-20}" in selected and "報告された箇所" in editor.inner_text(".focus-note")
    # metadata inputs are 44 px targets
    heights = editor.evaluate("""[...document.querySelectorAll('.field-grid input:not([type=hidden]), .field-grid select')]
        .map(e => e.getBoundingClientRect().height).filter(h => h)""")
    assert heights and min(heights) >= 44


def test_document_list_in_the_maintainers_page(open_as):
    page = open_as("maintainer", "tablet-maint-2", viewport=TABLET)
    page.goto("/editor/")
    rows = page.locator(".doc-table tr[data-doc]")
    total = rows.count()
    assert total >= 3
    page.fill("#find", "地域警察運営")
    visible = [r.get_attribute("data-doc") for r in rows.all() if r.is_visible()]
    assert OKAYAMA in visible and len(visible) < total
    assert page.inner_text(".doc-count") == f"{len(visible)}件"
    page.goto("/editor/?find=" + "地域警察運営")                               # the same without script
    assert page.locator(".doc-table tr[data-doc]").count() == len(visible)
