"""A maintainer creates and edits documents in the browser's forms (real Flask, real index):
preview, save as a revision, searchable at once, stale edits refused with a diff, history, restore."""
import re

import pytest

from conftest import signed_in
from editor_site import NOTICE, OKAYAMA, editor_app, flashes, form_of, search_hits, writable_site
from kb.document import read_document


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return writable_site(tmp_path_factory.mktemp("editor-edit"))


@pytest.fixture(scope="module")
def app(site):
    return editor_app(site)


@pytest.fixture(scope="module")
def maintainer(app):
    return signed_in(app, "maintainer", "sato", department="地域課")


def edit_form(client, doc_id):
    r = client.get(f"/editor/docs/{doc_id}/edit")
    assert r.status_code == 200
    return form_of(r.get_data(as_text=True))


NEW_MANUAL = {
    "id": "ishitsubutsu-manual", "title": "遺失物取扱マニュアル", "kind": "manual", "status": "in_force",
    "confidentiality": "public", "department": "会計課", "owner": "会計課 遺失物係", "review_by": "2026-09-30",
    "tags": "拾得物、遺失届", "body": "# 遺失物取扱マニュアル\r\n\r\n## 1 受理 {#ki-1}\r\n\r\n"
                                    "拾得物は拾得物件預り書を交付して受理する。ゾウガメの拾得は動物園に照会する。\r\n",
    "message": "初版",
}


def create_manual(client, **changes):
    form = {**form_of(client.get("/editor/new").get_data(as_text=True)), **NEW_MANUAL, **changes}
    form["action"] = "save"
    return client.post("/editor/new", data=form)


def test_a_new_document_is_written_and_searchable_when_the_page_says_so(maintainer, site):
    r = create_manual(maintainer)
    assert r.status_code == 303 and r.headers["Location"].endswith("/docs/ishitsubutsu-manual")
    page = maintainer.get(r.headers["Location"]).get_data(as_text=True)
    messages = flashes(page)
    assert any("作成しました（第1版）" in m for m in messages), messages
    assert any("検索に反映しました" in m for m in messages), messages
    doc = read_document(site.corpus / "manuals" / "ishitsubutsu-manual.md")
    assert doc.meta["owner"] == "会計課 遺失物係" and str(doc.meta["review_by"]) == "2026-09-30"
    assert doc.meta["tags"] == ["拾得物", "遺失届"]
    assert "\r" not in (site.corpus / "manuals" / "ishitsubutsu-manual.md").read_text(encoding="utf-8")
    assert ("ishitsubutsu-manual", "ki-1") in search_hits(maintainer, "ゾウガメ")
    # the same id again is refused with a message, nothing overwritten
    again = create_manual(maintainer, body="# 別物\n")
    assert again.status_code == 422 and "すでにあります" in again.get_data(as_text=True)


def test_preview_renders_with_the_document_renderer_and_writes_nothing(maintainer, site):
    form = edit_form(maintainer, OKAYAMA)
    before = (site.corpus / "regulations" / f"{OKAYAMA}.md").read_text(encoding="utf-8")
    form["body"] += "\n## 第99条（試験） {#art-99}\n\nプレビュー専用の**条文**。\n"
    form["action"] = "preview"
    r = maintainer.post(f"/editor/docs/{OKAYAMA}/edit", data=form)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    preview = html.split('id="preview"', 1)[1]
    assert '<h2 id="art-99">第99条（試験）</h2>' in preview and "<strong>条文</strong>" in preview
    assert (site.corpus / "regulations" / f"{OKAYAMA}.md").read_text(encoding="utf-8") == before
    # the live preview endpoint the page's script calls (JSON, CSRF token in a header)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    live = maintainer.post("/editor/preview", json={"body": "## 第1条 {#art-1}\n\n- 一　<script>x</script>"},
                           headers={"X-CSRFToken": token})
    assert live.status_code == 200 and live.json["sections"] == 1
    assert '<h2 id="art-1">' in live.json["html"] and "<script>" not in live.json["html"]
    assert maintainer.post("/editor/preview", json={"body": "x"}).status_code == 400    # no token


def test_an_edit_is_a_revision_with_author_and_message_and_shows_in_the_document(maintainer, app, site):
    form = edit_form(maintainer, NOTICE)
    assert form["base"] == "1"
    form["body"] = form["body"].replace("\n## ", "\n受付簿はカピバラ台帳と呼ぶ。\n\n## ", 1)
    form.update(message="受付簿の呼び名を追記", action="save")
    r = maintainer.post(f"/editor/docs/{NOTICE}/edit", data=form)
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    assert "カピバラ台帳" in maintainer.get(f"/docs/{NOTICE}").get_data(as_text=True)
    assert [d for d, _ in search_hits(maintainer, "カピバラ台帳")] == [NOTICE]
    history = maintainer.get(f"/editor/docs/{NOTICE}/history").get_data(as_text=True)
    assert "受付簿の呼び名を追記" in history and "試験maintainer" in history
    assert re.findall(r'data-revision="(\d+)"', history) == ["2", "1"]
    # the front matter was not touched: the diff is the one body line
    diff = maintainer.get(f"/editor/docs/{NOTICE}/diff?from=1&to=2").get_data(as_text=True)
    assert diff.count("<ins>") == 2 and "<del>" not in diff          # the sentence and a blank line
    split = maintainer.get(f"/editor/docs/{NOTICE}/diff?from=1&to=2&view=split").get_data(as_text=True)
    assert 'class="new ins">受付簿はカピバラ台帳と呼ぶ。' in split


def test_a_stale_edit_is_refused_with_a_diff_and_the_text_kept(app, site):
    sato, suzuki = signed_in(app, "maintainer", "sato2"), signed_in(app, "maintainer", "suzuki")
    mine, theirs = edit_form(sato, OKAYAMA), edit_form(suzuki, OKAYAMA)
    assert mine["base"] == theirs["base"]
    mine["body"] = mine["body"].replace("地域警察の運営に関し必要な事項", "地域警察の運営に関し必要な事項（佐藤修正）", 1)
    mine.update(action="save", message="佐藤の修正")
    assert sato.post(f"/editor/docs/{OKAYAMA}/edit", data=mine).status_code == 303
    theirs["body"] = theirs["body"].replace("（趣旨）", "（趣旨・鈴木修正）", 1)
    theirs.update(action="save", message="鈴木の修正")
    r = suzuki.post(f"/editor/docs/{OKAYAMA}/edit", data=theirs)
    html = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "保存していません" in html and "ほかの人の更新と重なっています" in html
    assert re.search(r'class="new">### 第1条（趣旨<ins>.*?・鈴木修正.*?</ins>）', html)    # their change, within the line
    assert re.search(r'class="old">この規程は、地域警察運営規則[^<]*<del>.*?佐藤修正', html)  # 佐藤's words they lack
    on_disk = (site.corpus / "regulations" / f"{OKAYAMA}.md").read_text(encoding="utf-8")
    assert "佐藤修正" in on_disk and "鈴木修正" not in on_disk
    # the form still holds 鈴木's text, now based on the current revision: saving again is deliberate
    again = form_of(html)
    assert "鈴木修正" in again["body"] and int(again["base"]) == int(mine["base"]) + 1
    again["body"] = again["body"].replace("地域警察の運営に関し必要な事項を", "地域警察の運営に関し必要な事項（佐藤修正）を", 1)
    again["action"] = "save"
    assert suzuki.post(f"/editor/docs/{OKAYAMA}/edit", data=again).status_code == 303
    on_disk = (site.corpus / "regulations" / f"{OKAYAMA}.md").read_text(encoding="utf-8")
    assert "佐藤修正" in on_disk and "鈴木修正" in on_disk


def test_restore_makes_an_old_revision_current_as_a_new_one(maintainer, site):
    create_manual(maintainer, id="restore-manual", body="# 復元の試験\n\n## 1 手順 {#ki-1}\n\nアルマジロ手順。\n")
    form = edit_form(maintainer, "restore-manual")
    form["body"] = form["body"].replace("アルマジロ手順。", "ハリネズミ手順。")
    form["action"] = "save"
    maintainer.post("/editor/docs/restore-manual/edit", data=form)
    assert search_hits(maintainer, "ハリネズミ") and not search_hits(maintainer, "アルマジロ")
    page = maintainer.get("/editor/docs/restore-manual/revisions/1").get_data(as_text=True)
    assert "アルマジロ手順" in page and 'name="base" value="2"' in page
    ask = maintainer.post("/editor/docs/restore-manual/revisions/1/restore",
                          data={"base": "2", "message": "誤った変更を戻す", "csrf_token": form["csrf_token"]})
    assert ask.status_code == 200 and "第1版の内容に戻しますか" in ask.get_data(as_text=True)   # asked first
    assert "ハリネズミ" in (site.corpus / "manuals" / "restore-manual.md").read_text(encoding="utf-8")
    r = maintainer.post("/editor/docs/restore-manual/revisions/1/restore",
                        data={"base": "2", "message": "誤った変更を戻す", "csrf_token": form["csrf_token"],
                              "confirmed": "1"})
    assert r.status_code == 303
    path = site.corpus / "manuals" / "restore-manual.md"
    assert "アルマジロ手順" in path.read_text(encoding="utf-8")
    assert search_hits(maintainer, "アルマジロ") and not search_hits(maintainer, "ハリネズミ")
    history = maintainer.get("/editor/docs/restore-manual/history").get_data(as_text=True)
    assert re.findall(r'data-revision="(\d+)"', history) == ["3", "2", "1"]
    assert "復元（第1版から）" in history and "誤った変更を戻す" in history
    # restoring from a page that is out of date is refused
    stale = maintainer.post("/editor/docs/restore-manual/revisions/2/restore",
                            data={"base": "2", "csrf_token": form["csrf_token"], "confirmed": "1"})
    assert stale.status_code == 303 and "復元しませんでした" in " ".join(
        flashes(maintainer.get(stale.headers["Location"]).get_data(as_text=True)))


def test_repealing_and_superseding_show_in_search_and_link_both_ways(maintainer, site):
    create_manual(maintainer, id="kotsu-manual-2024", title="交通事故処理要領（旧）",
                  body="# 交通事故処理要領（旧）\n\n## 1 現場 {#ki-1}\n\nオカピ方式で実況見分する。\n")
    assert search_hits(maintainer, "オカピ", inforce="1", f="1")
    create_manual(maintainer, id="kotsu-manual-2025", title="交通事故処理要領", supersedes="kotsu-manual-2024",
                  body="# 交通事故処理要領\n\n## 1 現場 {#ki-1}\n\nオカピ方式をやめ、図面で実況見分する。\n")
    old = read_document(site.corpus / "manuals" / "kotsu-manual-2024.md")
    assert (old.meta["status"], old.meta["superseded_by"]) == ("superseded", "kotsu-manual-2025")
    # flagged in search (all documents), hidden under 施行中のみ (the default)
    html = maintainer.get("/search", query_string={"q": "オカピ", "f": "1"}).get_data(as_text=True)
    card = re.search(r'<li class="card" data-doc="kotsu-manual-2024".*?</li>', html, re.S).group(0)
    assert "廃止" in card
    assert [d for d, _ in search_hits(maintainer, "オカピ")] == ["kotsu-manual-2025"]
    # both documents link to each other
    old_page = maintainer.get("/docs/kotsu-manual-2024").get_data(as_text=True)
    assert 'class="successor" href="/docs/kotsu-manual-2025"' in old_page
    new_page = maintainer.get("/docs/kotsu-manual-2025").get_data(as_text=True)
    assert re.search(r'置き換え前</dt><dd><a href="/docs/kotsu-manual-2024">交通事故処理要領（旧）</a>', new_page)


def test_form_errors_keep_the_input_and_name_the_field(maintainer):
    form = edit_form(maintainer, NOTICE)
    form.update(review_by="来年の春", action="save", body=form["body"] + "\n追記した段落。\n")
    r = maintainer.post(f"/editor/docs/{NOTICE}/edit", data=form)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "見直し期限は YYYY-MM-DD の形で入力してください" in html
    assert "追記した段落。" in html
    bad = {**form, "review_by": "", "extra": "source: [unclosed"}
    assert "YAML の書式が正しくありません" in maintainer.post(f"/editor/docs/{NOTICE}/edit", data=bad).get_data(as_text=True)


def test_only_maintainers_and_admins_edit(app):
    officer = signed_in(app, "officer")
    assert officer.get("/editor/").status_code == 403
    assert officer.get(f"/editor/docs/{OKAYAMA}/edit").status_code == 403
    assert "文書の管理" not in officer.get(f"/docs/{OKAYAMA}").get_data(as_text=True)
    admin = signed_in(app, "admin")
    assert admin.get("/editor/").status_code == 200
    page = admin.get(f"/docs/{OKAYAMA}").get_data(as_text=True)
    assert f'href="/editor/docs/{OKAYAMA}/edit"' in page


def test_the_form_offers_every_indexed_department(site):
    # issue 15, bug 2: the 所管 list was always empty (the editor passed a path where the engine
    # was expected, and the error was swallowed)
    from kb.store import document_paths
    expected = sorted({read_document(p).meta["department"] for p in document_paths(site.corpus)} - {""})
    assert expected
    client = signed_in(editor_app(site), "maintainer", "kato")
    html = client.get("/editor/new").get_data(as_text=True)
    datalist = re.search(r'<datalist id="departments">(.*?)</datalist>', html, re.S).group(1)
    assert re.findall(r'<option value="([^"]+)">', datalist) == expected
