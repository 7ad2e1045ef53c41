"""The editor in real Chromium: live preview while typing, save and searchable, a stale edit shown
as a diff with the text kept, an officer's flag and 「役に立たなかった」 from the pages they use."""
import re

import pytest

from conftest import TABLET
from editor_site import NOTICE, OKAYAMA, editor_app, writable_site

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return editor_app(writable_site(tmp_path_factory.mktemp("editor-browser")))


def test_live_preview_then_save_and_find_it(open_as, artifacts_dir):
    page = open_as("maintainer", "browser-sato")
    page.goto(f"/docs/{NOTICE}")
    with page.expect_navigation():
        page.click(".doc-tools a:text('編集')")
    body = page.locator("#body")
    body.click()
    page.keyboard.press("Control+End")
    body.type("\n## 9 試験の項目 {#ki-9}\n\nテンジクネズミ通報の扱い。\n")
    # the preview follows the typing (server-rendered, no button pressed)
    page.wait_for_selector('#preview h2#ki-9:text("9 試験の項目")', timeout=5000)
    assert "テンジクネズミ通報の扱い。" in page.inner_text("#preview")
    page.screenshot(path=str(artifacts_dir / "editor-edit-1280x900.png"), full_page=False)
    page.fill("input[name=message]", "試験の項目を追加")
    with page.expect_navigation():
        page.click("button.save")
    assert page.url.endswith(f"/docs/{NOTICE}")
    flash = page.inner_text(".flash")
    assert "保存しました" in flash and "検索に反映しました" in flash
    page.goto("/search?q=テンジクネズミ")
    assert page.locator(f'li.card[data-doc="{NOTICE}"][data-section="ki-9"]').count() == 1
    # history → compare the two versions
    page.goto(f"/editor/docs/{NOTICE}/history")
    with page.expect_navigation():
        page.click("text=選んだ2つの版を比較")
    assert page.locator("table.diff ins", has_text="テンジクネズミ通報の扱い。").count() == 1


def test_a_stale_edit_shows_the_diff_and_keeps_the_text(open_as, artifacts_dir):
    sato = open_as("maintainer", "browser-sato2")
    suzuki = open_as("maintainer", "browser-suzuki")
    for p in (sato, suzuki):
        p.goto(f"/editor/docs/{OKAYAMA}/edit")
    text = sato.input_value("#body")
    sato.fill("#body", text.replace("（趣旨）", "（趣旨・佐藤）", 1))
    with sato.expect_navigation():
        sato.click("button.save")
    suzuki.fill("#body", suzuki.input_value("#body").replace("（定義）", "（定義・鈴木）", 1))
    with suzuki.expect_navigation():
        suzuki.click("button.save")
    conflict = suzuki.locator("#conflict")
    assert conflict.is_visible()
    assert "保存していません" in conflict.inner_text()
    # lines edited in place: the words added or removed are marked within the line
    assert conflict.locator("table.diff-split td.new ins", has_text="・鈴木").count() == 1
    assert conflict.locator("table.diff-split td.old del", has_text="・佐藤").count() == 1
    # what the other maintainer changed since this edit started, on its own
    assert conflict.locator("table.diff-inline tr.line-change ins", has_text="・佐藤").count() == 1
    assert "（定義・鈴木）" in suzuki.input_value("#body")
    suzuki.screenshot(path=str(artifacts_dir / "editor-conflict-1280x900.png"), full_page=False)


def test_what_an_officer_reports_reaches_the_maintainers_queue(open_as, artifacts_dir):
    page = open_as("officer", "browser-officer", viewport=TABLET)
    page.goto(f"/docs/{OKAYAMA}#art-3")
    page.click(".doc-bar .bar-flag")                    # the report form opens in place, no page load
    assert page.locator("#report details").get_attribute("open") is not None
    assert page.input_value("#flag-section") == "art-3"
    page.check("input[name=reason][value=wrong]")
    page.fill("#flag-comment", "第3条の所属名が古い")
    page.screenshot(path=str(artifacts_dir / "editor-flag-768x1024.png"), full_page=False)
    with page.expect_navigation():
        page.click(".flag-form button[type=submit]")
    assert "報告を受け付けました" in page.inner_text(".flash")

    page.goto("/search?q=交番 勤務")
    first = page.locator("li.card").first
    url = page.url
    first.locator("form.not-helpful button").click()
    page.wait_for_selector("li.card .feedback-done")
    assert page.url == url                                        # recorded without leaving the page
    assert first.locator(".feedback-done").inner_text() == "記録しました"

    page = open_as("maintainer", "browser-maint")
    page.goto("/editor/queue")
    flags = page.locator("#flags tr[data-flag]")
    assert flags.count() == 1 and "第3条の所属名が古い" in flags.inner_text()
    assert page.locator('#not-helpful tr[data-query="交番 勤務"]').count() == 1
    with page.expect_navigation():
        flags.locator("button:text('対応済み')").click()
    assert page.locator("#flags tr[data-flag]").count() == 0
    assert re.search("報告を処理済みにしました", page.inner_text(".flash"))


KITEI = """○岡山県警察落とし物規程

令和7年3月1日

警察本部訓令第9号

岡山県警察落とし物規程

（趣旨）

第1条 この規程は、落とし物の取扱いに関し必要な事項を定める。

（保管）

第2条 拾得物は、別表第1の区分により保管する。オオアリクイ型の保管箱を用いる。

別表第1（第2条関係）

区分 保管場所
現金 金庫
"""


def test_create_import_review_and_restore(open_as, tmp_path, artifacts_dir):
    import datetime as dt
    page = open_as("maintainer", "browser-maint2")
    # create, with a review date that has passed
    page.goto("/editor/new")
    page.fill("input[name=id]", "browser-manual")
    page.fill("input[name=title]", "ブラウザ試験マニュアル")
    page.select_option("select[name=kind]", "manual")
    page.fill("input[name=review_by]", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    page.fill("input[name=owner]", "試験係")
    page.fill("#body", "# ブラウザ試験マニュアル\n\n## 1 手順 {#ki-1}\n\nセンザンコウ手順。\n")
    page.wait_for_selector('#preview h2#ki-1')
    with page.expect_navigation():
        page.click("button.save")
    assert "作成しました（第1版）" in page.inner_text(".flash")
    page.goto("/editor/review")
    row = page.locator('#review-overdue tr[data-doc="browser-manual"]')
    assert row.count() == 1 and "1日超過" in row.inner_text() and "試験係" in row.inner_text()

    # import: the structure first, then save
    source = tmp_path / "kitei.txt"
    source.write_bytes(KITEI.encode("cp932"))
    page.goto("/editor/import")
    page.set_input_files("input[name=file]", str(source))
    page.fill("input[name=doc_id]", "okayama-otoshimono-kitei")
    with page.expect_navigation():
        page.click("text=構造を確認する")
    assert page.inner_text(".count-articles") == "2" and page.inner_text(".count-tables") == "1"
    page.screenshot(path=str(artifacts_dir / "editor-import-1280x900.png"), full_page=False)
    with page.expect_navigation():
        page.click("text=この内容で保存")
    assert page.url.endswith("/docs/okayama-otoshimono-kitei")
    page.goto("/search?q=オオアリクイ")
    assert page.locator('li.card[data-doc="okayama-otoshimono-kitei"]').count() == 1

    # edit, then restore the first revision from its page
    page.goto("/editor/docs/browser-manual/edit")
    page.fill("#body", page.input_value("#body").replace("センザンコウ", "ツチブタ"))
    with page.expect_navigation():
        page.click("button.save")
    page.goto("/editor/docs/browser-manual/revisions/1")
    page.click("text=この版の内容に戻す")
    dialog = page.locator("dialog.confirm-dialog")      # a second look first
    assert dialog.is_visible() and "第1版の内容に戻しますか" in dialog.inner_text()
    with page.expect_navigation():
        dialog.locator("button.danger").click()
    assert "第1版の内容に復元しました（第3版）" in page.inner_text(".flash")
    assert "センザンコウ手順。" in page.inner_text(".doc-body")
