"""What a reader learns of documents they may not read (issue 14, #3, #4, #10): type-ahead words
and counts, did-you-mean, the 所管 filter, supersession banners, 施行中のみ and /api/docs, each
seen by an officer while a maintainer flips a document's confidentiality in the editor (no
reindex, no restart)."""
from __future__ import annotations

import json
import os
import re
import signal

import pytest

from conftest import free_port, signed_in, start_kb_serve
from desk_site import HttpUser
from editor_site import form_of


def manual(doc_id: str, title: str, department: str, sections: list[str], **meta) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in meta.items())
    body = "\n".join(f"## 第{i}条 （{t[:6]}） {{#art-{i}}}\n\n{t}\n" for i, t in enumerate(sections, 1))
    return (f"---\nid: {doc_id}\ntitle: {title}\nkind: manual\ndepartment: {department}\n{extra}---\n\n"
            f"# {title}\n\n{body}")


FILES = {
    "manuals/light-a.md": manual("light-a", "夜間警戒要領", "地域部地域課", [
        "ルミナリエの会場周辺では雑踏警備を行う。", "ルミナリエの期間中は交通規制を行う。",
        "ルミナリエの警戒には地域課員を充てる。"]),
    "manuals/light-b.md": manual("light-b", "特別警戒実施要領", "生活安全部特別対策室", [
        "ルミナリエの警戒計画はミレナリオ方式による。", "ルミナリエの会場ではミレナリオ班が巡回する。",
        "ルミナリエとミレナリオの連絡は無線で行う。", "ルミナリエの撤収後にミレナリオ班は解散する。"]),
    "manuals/old-rule.md": manual("old-rule", "遺失物取扱要領", "会計課", [
        "遺失物は受理簿に記載する。", "遺失物の保管期間を守る。"]),
}


@pytest.fixture(scope="module")
def site(site_factory):
    return site_factory(FILES, name="restricted-view")


@pytest.fixture(scope="module")
def app(site):
    from webui import create_app
    return create_app(site.config())


def save_as(maintainer, doc_id: str, **changes) -> None:
    form = form_of(maintainer.get(f"/editor/docs/{doc_id}/edit").get_data(as_text=True))
    form.update(changes)
    form["message"] = "公開範囲の変更"
    r = maintainer.post(f"/editor/docs/{doc_id}/edit", data=form)
    assert r.status_code == 303, r.get_data(as_text=True)[:800]


def typeahead(client, q: str) -> dict[str, str]:
    return {s["label"]: s["detail"] for s in client.get("/api/suggest", query_string={"q": q}).get_json()["suggestions"]}


def did_you_mean(client, q: str) -> list[str]:
    html = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    return re.findall(r'<a class="chip" href="[^"]*">([^<]+)</a>', html)


def departments(client) -> list[str]:
    html = client.get("/search").get_data(as_text=True)
    return re.findall(r'<option value="([^"]+)"', html)


def test_flipping_confidentiality_in_the_editor_changes_what_officers_are_offered(app):
    officer, maintainer = signed_in(app, "officer"), signed_in(app, "maintainer")
    # public: seven sections use ルミナリエ, the misspelt ミレナリア is corrected, both titles complete
    assert typeahead(officer, "ルミナリ").get("ルミナリエ") == "7件"
    assert "ミレナリオ" in did_you_mean(officer, "ミレナリア")
    assert "特別警戒実施要領" in typeahead(officer, "特別警戒")
    assert "生活安全部特別対策室" in departments(officer)

    save_as(maintainer, "light-b", confidentiality="restricted")
    # restricted: counts and words from what the officer may read only, at once
    assert typeahead(officer, "ルミナリ").get("ルミナリエ") == "3件"
    assert "ミレナリオ" not in typeahead(officer, "ミレナリ")
    assert "ミレナリオ" not in did_you_mean(officer, "ミレナリア")
    assert "特別警戒実施要領" not in typeahead(officer, "特別警戒")
    assert "生活安全部特別対策室" not in departments(officer)
    # the maintainer still reads it (titles and departments are per reader)
    assert "特別警戒実施要領" in typeahead(maintainer, "特別警戒")
    assert "生活安全部特別対策室" in departments(maintainer)

    save_as(maintainer, "light-b", confidentiality="public")
    assert typeahead(officer, "ルミナリ").get("ルミナリエ") == "7件"
    assert "ミレナリオ" in did_you_mean(officer, "ミレナリア")
    assert "特別警戒実施要領" in typeahead(officer, "特別警戒")


def test_a_restricted_successor_changes_nothing_an_officer_sees(app):
    officer, maintainer = signed_in(app, "officer"), signed_in(app, "maintainer")

    def seen() -> tuple:
        page = officer.get("/docs/old-rule").get_data(as_text=True)
        api = officer.get("/api/docs/old-rule").get_json()
        in_force = officer.get("/api/search", query_string={"q": "遺失物 受理簿", "in_force": "1"}).get_json()
        hit = officer.get("/api/search", query_string={"q": "遺失物 受理簿"}).get_json()["hits"][0]
        return (("置き換えられています" in page, "新しい文書を見る" in page, "new-rule" in page),
                (api["status"], api["in_force"], api.get("superseded_by")),
                sorted({h["doc_id"] for h in in_force["hits"]}), (hit["doc_id"], hit["status"], hit["in_force"]),
                "企画室" in departments(officer))

    before = seen()
    assert before[2] == ["old-rule"]
    # a maintainer adds a restricted successor: the editor rewrites old-rule to superseded
    r = maintainer.post("/editor/new", data={
        **form_of(maintainer.get("/editor/new?kind=manual").get_data(as_text=True)),
        "id": "new-rule", "title": "遺失物取扱要領（改定）", "kind": "manual", "department": "企画室",
        "confidentiality": "restricted", "supersedes": "old-rule", "status": "in_force",
        "body": "# 遺失物取扱要領（改定）\n\n## 第1条 （受理） {#art-1}\n\n遺失物は電子受理簿に記載する。\n",
        "message": "改定"})
    assert r.status_code == 303, r.get_data(as_text=True)[:800]
    with open(f"{app.config['CORPUS']}/manuals/old-rule.md", encoding="utf-8") as f:
        assert "superseded_by: new-rule" in f.read()
    assert seen() == before
    assert officer.get("/docs/new-rule").status_code == 404
    # the maintainer, who reads the successor, sees the supersession
    page = maintainer.get("/docs/old-rule").get_data(as_text=True)
    assert "新しい文書を見る" in page
    assert maintainer.get("/api/docs/old-rule").get_json()["superseded_by"] == "new-rule"


def test_with_two_workers_a_restriction_reaches_the_worker_that_did_not_save(site_factory):
    """`kb serve --workers 2`: the save runs in one worker; every answer of both afterwards (20
    fresh connections, each to either worker) counts and offers only what the officer may read."""
    site = site_factory(FILES, name="restricted-view-workers")
    from webui import create_app
    app = create_app(site.config())
    env = dict(os.environ, KB_CORPUS=str(site.corpus), KB_INDEX=str(site.index), KB_DATA=str(site.data))
    port = free_port()
    proc = start_kb_serve(env, port, workers=2)
    try:
        base = f"http://127.0.0.1:{port}"
        officer, maintainer = HttpUser(base, app, "officer"), HttpUser(base, app, "maintainer")

        def offered(q: str) -> dict[str, str]:
            r = officer.get("/api/suggest", q=q)
            assert r.status == 200
            return {s["label"]: s["detail"] for s in json.loads(r.text)["suggestions"]}

        assert {offered("ルミナリ").get("ルミナリエ") for _ in range(20)} == {"7件"}   # both workers warm
        assert all("ミレナリオ" in offered("ミレナリ") for _ in range(4))
        assert all("ミレナリオ" in officer.get("/search", q="ミレナリア").text for _ in range(4))
        form = form_of(maintainer.get("/editor/docs/light-b/edit").text)
        form.update(confidentiality="restricted", message="公開範囲の変更")
        assert maintainer.post("/editor/docs/light-b/edit", form).status == 303
        assert {offered("ルミナリ").get("ルミナリエ") for _ in range(20)} == {"3件"}
        assert not any("ミレナリオ" in offered("ミレナリ") for _ in range(20))
        assert not any("ミレナリオ" in officer.get("/search", q="ミレナリア").text for _ in range(20))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
