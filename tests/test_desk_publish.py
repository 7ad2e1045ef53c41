"""The desk over real HTTP: record an answered inquiry, review its masked spans (unmask a false
positive, mask a missed word), confirm, publish — and an officer's search finds it (how fast:
bench/publish_searchable.py)."""
import re

import pytest

from conftest import LiveServer
from desk_site import OKAYAMA, HttpUser, desk_app, desk_site, flashes, record_form, review_post, span_boxes
from waiting import wait_for


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return desk_site(tmp_path_factory.mktemp("desk-publish"))


@pytest.fixture(scope="module")
def app(site):
    return desk_app(site)


@pytest.fixture(scope="module")
def server(app):
    s = LiveServer(app, threads=6).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def desk_user(server, app):
    return HttpUser(server.url, app, "desk")


@pytest.fixture(scope="module")
def officer(server, app):
    return HttpUser(server.url, app, "officer")


def record(user, **changes) -> int:
    r = user.post("/desk/new", {"csrf_token": user.csrf("/desk/new"), **record_form(**changes)})
    assert r.status == 302, r.text[:500]
    m = re.search(r"/desk/(\d+)/review$", r.location)
    assert m, r.location
    return int(m.group(1))


def publish(user, inquiry_id: int, unmask=(), **extra):
    page = user.get(f"/desk/{inquiry_id}/review").text
    return user.post(f"/desk/{inquiry_id}/review", review_post(page, "publish", unmask, confirmed="1", **extra))


def found_by(officer, query: str, doc_id: str) -> bool:
    return any(d == doc_id for d, _ in officer.search_hits(query))


def test_record_review_publish_and_an_officer_finds_it(desk_user, officer, site):
    inquiry_id = record(desk_user, question="岡山東警察署の交番で、山田太郎さん（45歳、電話090-1234-5678）が"
                                            "駐輪中の自転車を盗まれたと届け出ました。勤務先はみどり精機です。"
                                            "臨場した交番勤務員はどこまで初動措置を執るべきですか。")
    page = desk_user.get(f"/desk/{inquiry_id}/review").text
    files = set((site.corpus / "inquiries").rglob("*.md"))
    spans = {text: checked for _, checked, text in span_boxes(page, "question")}
    assert spans.get("山田太郎") and spans.get("45歳") and spans.get("090-1234-5678"), spans
    assert "岡山東警察署" not in spans                        # a police unit stays
    assert 'class="pii-type">氏名' in page and "〔氏名A〕" in page

    # the desk unmasks the age (decides it is harmless) and masks a word the anonymiser missed
    r = desk_user.post(f"/desk/{inquiry_id}/review",
                       review_post(page, "apply", unmask=("45歳",), add_text="みどり精機", add_part="question",
                                   add_type="org_identifying"))
    assert r.status == 200 and "マスクを変更しました" in r.text
    assert "勤務先は〔勤務先等〕です" in r.text and "45歳" in r.text

    # publishing the page seen *before* the change is refused: the desk confirms what is published
    stale = desk_user.post(f"/desk/{inquiry_id}/review", review_post(page, "publish", unmask=("45歳",),
                                                                     confirmed="1"))
    assert stale.status == 409 and "もう一度確認してください" in stale.text
    assert set((site.corpus / "inquiries").rglob("*.md")) == files

    # without the confirmation box nothing is published
    page = desk_user.get(f"/desk/{inquiry_id}/review").text
    r = desk_user.post(f"/desk/{inquiry_id}/review", review_post(page, "publish", unmask=("45歳",)))
    assert r.status == 422 and "確認しました" in r.text
    assert set((site.corpus / "inquiries").rglob("*.md")) == files

    r = publish(desk_user, inquiry_id, unmask=("45歳",), confidentiality="internal")
    assert r.status == 302, flashes(r.text)
    doc_id = _published_id(site, inquiry_id, desk_user)
    wait_for(lambda: found_by(officer, "自転車 盗難 初動措置 交番勤務員", doc_id), timeout=30,
             what="the officer's search to find the published inquiry")   # speed: bench/publish_searchable.py

    doc_id = _published_id(site, inquiry_id, desk_user)
    text = next((site.corpus / "inquiries").glob(f"*/{doc_id}.md")).read_text(encoding="utf-8")
    assert "山田" not in text and "090-1234-5678" not in text and "みどり精機" not in text
    assert "〔氏名A〕" in text and "45歳" in text and "〔勤務先等〕" in text
    assert "〔氏名A〕には被害届" in text or "〔氏名A〕さんには被害届" in text     # one person, one letter and "confidentiality: internal" in text
    assert f"{OKAYAMA}#art-3" in text and "岡山東警察署" in text

    # the raw text is gone from the database; the desk page says so
    inq = desk_user.get(f"/desk/{inquiry_id}").text
    assert "山田太郎" not in inq and "公開" in inq


def _published_id(site, inquiry_id, user) -> str:
    page = user.get("/desk/").text
    m = re.search(rf'<tr data-inquiry="{inquiry_id}">.*?/docs/(inq-\d{{4}}-\d{{4}})', page, re.S)
    assert m, "published inquiry not in the desk's list"
    return m.group(1)


def test_desk_pages_are_for_the_desk_only(officer, server, app):
    assert officer.get("/desk/").status == 403
    assert officer.get("/desk/new").status == 403
    maintainer = HttpUser(server.url, app, "maintainer")
    assert maintainer.get("/desk/").status == 403
    assert maintainer.get("/desk/reuse").status == 200


def test_bad_input_gets_a_japanese_message_not_a_trace(desk_user):
    r = desk_user.post("/desk/new", {"csrf_token": desk_user.csrf("/desk/new"),
                                     **record_form(question="", basis_add="no-such-doc#art-1")})
    assert r.status == 422 and "根拠に指定した条文が見つかりません" in r.text
    r = desk_user.post("/desk/new", {"csrf_token": desk_user.csrf("/desk/new"), **record_form(question=" ")})
    assert r.status == 422 and "質問の内容を入力してください" in r.text
    assert desk_user.get("/desk/999999").status == 404


def test_kept_internal_is_not_published(desk_user, site):
    inquiry_id = record(desk_user, question="佐藤花子さんの件で、部内だけで共有したい照会です。")
    page = desk_user.get(f"/desk/{inquiry_id}/review").text
    before = set((site.corpus / "inquiries").rglob("*.md"))
    r = desk_user.post(f"/desk/{inquiry_id}/review", review_post(page, "internal"))
    assert r.status == 302
    assert set((site.corpus / "inquiries").rglob("*.md")) == before
    listing = desk_user.get("/desk/").text
    assert re.search(rf'<tr data-inquiry="{inquiry_id}">.*?非公開', listing, re.S)
