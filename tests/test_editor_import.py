"""A maintainer uploads an official plain text: the structure found is shown before anything is
saved; saving writes the same document as `kb import` and makes it searchable."""
import re

import pytest

from conftest import signed_in
from editor_site import editor_app, flashes, form_of, search_hits, writable_site
from kb.importer import import_text

KITEI = """
○岡山県警察遺失物取扱規程

令和7年3月1日

警察本部訓令第9号

岡山県警察遺失物取扱規程を次のように定める。

岡山県警察遺失物取扱規程

第1章 総則

（趣旨）

第1条 この規程は、遺失物法の施行に関し必要な事項を定めるものとする。

（受理）

第2条 警察署長は、拾得物の提出を受けたときは、拾得物件預り書を交付しなければならない。

２ 前項の預り書は、別表第1に定める様式による。

第2章 保管

（保管の方法）

第3条 拾得物は、別表第2に定める区分により保管する。ワラビー用の檻は別に定める。

附 則

この訓令は、令和7年4月1日から施行する。

別表第1（第2条関係）

区分 様式
拾得物件預り書 様式第1号

別表第2（第3条関係）

区分 保管場所
現金 金庫
"""
DOC_ID = "okayama-ishitsubutsu-kitei"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return editor_app(writable_site(tmp_path_factory.mktemp("editor-import")))


@pytest.fixture(scope="module")
def maintainer(app):
    return signed_in(app, "maintainer")


def upload(client, data: bytes, filename="kitei.txt", **fields):
    token = form_of(client.get("/editor/import").get_data(as_text=True))["csrf_token"]
    from io import BytesIO
    return client.post("/editor/import", content_type="multipart/form-data",
                       data={"csrf_token": token, "action": "parse", "kind": "", "doc_id": DOC_ID,
                             "source": "岡山県警察 公表訓令", "file": (BytesIO(data), filename), **fields})


def count(html, name):
    return int(re.search(rf'class="count-{name}">(\d+)', html).group(1))


def test_the_structure_is_shown_before_saving_and_nothing_is_written(maintainer, app):
    r = upload(maintainer, KITEI.encode("utf-8"))
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert re.search(r'class="import-title">岡山県警察遺失物取扱規程<', html)
    assert (count(html, "articles"), count(html, "chapters"), count(html, "tables")) == (3, 2, 2)
    assert "附則の条 0" in html and "#art-3" in html and "#table-2" in html
    assert '<h3 id="art-2">第2条（受理）</h3>' in html                # the document view's renderer
    corpus = app.config["CORPUS"]
    from pathlib import Path
    assert not (Path(corpus) / "regulations" / f"{DOC_ID}.md").exists()


def test_saving_writes_what_kb_import_writes_and_it_is_searchable(maintainer, app):
    from pathlib import Path
    form = form_of(upload(maintainer, KITEI.encode("utf-8")).get_data(as_text=True))
    assert form["action"] == "save" and "base" not in form
    r = maintainer.post("/editor/import", data=form)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/docs/{DOC_ID}")
    messages = flashes(maintainer.get(r.headers["Location"]).get_data(as_text=True))
    assert any("取り込みしました（第1版）" in m for m in messages) and any("検索に反映しました" in m for m in messages)
    path = Path(app.config["CORPUS"]) / "regulations" / f"{DOC_ID}.md"
    assert path.read_text(encoding="utf-8") == import_text(KITEI, doc_id=DOC_ID, source="岡山県警察 公表訓令")
    assert (DOC_ID, "art-3") in search_hits(maintainer, "ワラビー")
    history = maintainer.get(f"/editor/docs/{DOC_ID}/history").get_data(as_text=True)
    assert "取り込み" in history


def test_shift_jis_files_are_read_and_a_reimport_becomes_a_new_revision(maintainer, app):
    amended = KITEI.replace("ワラビー用の檻", "カンガルー用の檻")
    html = upload(maintainer, amended.encode("cp932")).get_data(as_text=True)
    assert "はすでにあります（第1版）" in html
    form = form_of(html)
    assert form["base"] == "1"
    assert maintainer.post("/editor/import", data=form).status_code == 303
    assert (DOC_ID, "art-3") in search_hits(maintainer, "カンガルー")
    assert not search_hits(maintainer, "ワラビー")


def test_a_text_without_structure_is_refused_with_a_japanese_message(maintainer):
    r = upload(maintainer, "お知らせ\n\n明日は晴れです。\n".encode(), kind="regulation")
    assert r.status_code == 422 and 'class="form-error"' in r.get_data(as_text=True)
    r = upload(maintainer, b"\x81\x00\xff\xfe\x80" * 10)
    assert r.status_code == 422


def test_officers_cannot_import(app):
    assert signed_in(app, "officer").get("/editor/import").status_code == 403
