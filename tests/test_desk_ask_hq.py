"""The KCS loop from the field: an officer presses 「本部に照会する」 on the search results, the form
carries the query and the articles looked at, the desk answers and publishes, and the officer sees
the published answer in 「自分の照会」; maintainers see how often each section was the basis."""
import html as htmllib
import re

import pytest

from conftest import signed_in
from desk_site import FAQ_TITLE, OKAYAMA, desk_app, desk_site, flashes, hidden, review_post


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return desk_app(desk_site(tmp_path_factory.mktemp("desk-ask")))


def test_search_results_offer_ask_hq_with_the_query(app):
    officer = signed_in(app, "officer", "ask-officer-1")
    page = officer.get("/search", query_string={"q": "交番 初動的な措置"}).get_data(as_text=True)
    m = re.search(r'<a class="button secondary ask-link" href="([^"]+)">本部に照会する</a>', page)
    assert m, "no 本部に照会する on the results page"
    ask = officer.get(htmllib.unescape(m.group(1))).get_data(as_text=True)
    assert re.search(r'<textarea id="question" name="question"[^>]*>交番 初動的な措置</textarea>', ask)
    assert hidden(ask, "query") == "交番 初動的な措置"


def test_the_whole_loop(app):
    officer = signed_in(app, "officer", "ask-officer-2", department="岡山西警察署地域課")
    desk = signed_in(app, "desk", "ask-desk")

    # the officer searched and opened an article before asking
    officer.get("/search", query_string={"q": "初動的な措置 範囲"})
    assert officer.get(f"/docs/{OKAYAMA}").status_code == 200
    ask = officer.get("/ask", query_string={"q": "初動的な措置 範囲", "viewed": f"{OKAYAMA}#art-3"}).get_data(as_text=True)
    assert f'value="{OKAYAMA}#art-3" checked' in ask and "岡山県警察地域警察運営規程 第3条" in ask
    assert 'name="asking_unit" maxlength="200" value="岡山西警察署地域課"' in ask
    r = officer.post("/ask", data={"csrf_token": hidden(ask, "csrf_token"), "query": "初動的な措置 範囲",
                                   "question": "鈴木一郎さん方の空き巣で臨場しました。専務員の到着前にどこまで措置を執れますか。",
                                   "asking_unit": "岡山西警察署地域課", "category": "地域",
                                   "viewed": [f"{OKAYAMA}#art-3"]})
    assert r.status_code == 302 and r.headers["Location"].endswith("/my-inquiries")
    mine = officer.get("/my-inquiries").get_data(as_text=True)
    assert "受付" in mine and "本部照会デスクで確認中です" in mine and "鈴木一郎さん方" in mine

    # it is in the desk's queue, with the query and the article the officer looked at
    queue = desk.get("/desk/").get_data(as_text=True)
    m = re.search(r'<tr data-inquiry="(\d+)">(?:(?!</tr>).)*鈴木一郎さん方', queue, re.S)
    assert m, "the officer's inquiry is not in the desk's queue"
    inquiry_id = int(m.group(1))
    view = desk.get(f"/desk/{inquiry_id}").get_data(as_text=True)
    assert "現場の検索語：「初動的な措置 範囲」" in view and "岡山県警察地域警察運営規程 第3条" in view

    # the desk answers with a basis picked as doc#section, reviews and publishes
    r = desk.post(f"/desk/{inquiry_id}", data={
        "csrf_token": hidden(view, "csrf_token"), "received_at": hidden(view, "received_at"), "channel": "端末",
        "asking_unit": "岡山西警察署地域課", "category": "地域",
        "question": "鈴木一郎さん方の空き巣で臨場しました。専務員の到着前にどこまで措置を執れますか。",
        "answer": "規程第3条第1項第1号の措置（被害届の受理、現場保存、参考人の確保など）を執り、専務員に引き継ぎます。",
        "basis_add": f"/docs/{OKAYAMA}#art-3"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/desk/{inquiry_id}/review"), flashes(r.get_data(as_text=True))
    page = desk.get(f"/desk/{inquiry_id}/review").get_data(as_text=True)
    assert "〔氏名A〕さん方" in page
    r = desk.post(f"/desk/{inquiry_id}/review", data=review_post(page, "publish", confirmed="1"))
    assert r.status_code == 302, flashes(r.get_data(as_text=True))
    assert any("検索に反映しました" in f for f in flashes(desk.get("/desk/").get_data(as_text=True)))

    # the officer sees the published answer (anonymised) in 自分の照会
    mine = officer.get("/my-inquiries").get_data(as_text=True)
    assert "公開" in mine and "鈴木" not in mine and FAQ_TITLE in mine        # the title the desk wrote
    assert "被害届の受理、現場保存" in mine
    doc = re.search(r'href="/docs/(inq-\d{4}-\d{4})"', mine).group(1)
    published = officer.get(f"/docs/{doc}")
    assert published.status_code == 200                              # internal: officers read it
    assert "〔氏名A〕さん方" in published.get_data(as_text=True) and "鈴木" not in published.get_data(as_text=True)

    # another officer's list is their own
    other = signed_in(app, "officer", "ask-officer-3")
    assert "鈴木" not in other.get("/my-inquiries").get_data(as_text=True)
    assert doc not in other.get("/my-inquiries").get_data(as_text=True)

    # maintainers see the section's reuse: samples in the index + this answer
    maintainer = signed_in(app, "maintainer", "reuse-maintainer")
    reuse = maintainer.get("/desk/reuse").get_data(as_text=True)
    row = re.search(rf'<tr data-section="{OKAYAMA}#art-3">(.*?)</tr>', reuse, re.S)
    assert row, "section not in the reuse table"
    published = int(re.search(r'class="count published">(\d+)<', row.group(1)).group(1))
    recorded = int(re.search(r'class="count recorded">(\d+)<', row.group(1)).group(1))
    assert published >= 2 and recorded == 1        # ≥1 sample cites it, and the inquiry just published

    # who did what is in the audit log
    from kb.audit import ACTIONS, AuditQuery
    log = app.extensions["kb.audit"]
    for action, user in (("inquiry_ask", "ask-officer-2"), ("inquiry_view", "ask-desk"),
                         ("inquiry_answer", "ask-desk"), ("inquiry_publish", "ask-desk")):
        assert action in ACTIONS             # labelled in the admin filter
        assert log.count(AuditQuery(username=user, action=action, text=f"inquiry:{inquiry_id}")) >= 1, action


def test_officers_cannot_open_the_desk_or_reuse(app):
    officer = signed_in(app, "officer", "ask-officer-4")
    assert officer.get("/desk/").status_code == 403
    assert officer.get("/desk/reuse").status_code == 403
    assert signed_in(app, "desk", "ask-desk-2").get("/desk/reuse").status_code == 403


def test_an_empty_question_is_refused_in_japanese(app):
    officer = signed_in(app, "officer", "ask-officer-5")
    ask = officer.get("/ask").get_data(as_text=True)
    r = officer.post("/ask", data={"csrf_token": hidden(ask, "csrf_token"), "question": "  ", "category": "地域"})
    assert r.status_code == 422 and "質問の内容を入力してください" in r.get_data(as_text=True)


def test_documents_opened_recently_are_offered_without_javascript(app):
    officer = signed_in(app, "officer", "ask-officer-6")
    officer.get(f"/docs/{OKAYAMA}")
    ask = officer.get("/ask", query_string={"q": "交番の名称"}).get_data(as_text=True)
    assert f'name="viewed" value="{OKAYAMA}#" checked' in ask and "岡山県警察地域警察運営規程" in ask


def test_a_refused_record_keeps_the_picked_basis(app):
    desk = signed_in(app, "desk", "ask-desk-3")
    page = desk.get("/desk/new").get_data(as_text=True)
    r = desk.post("/desk/new", data={"csrf_token": hidden(page, "csrf_token"), "question": "", "channel": "電話",
                                     "category": "地域", "basis": [f"{OKAYAMA}#art-5"]})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and f'value="{OKAYAMA}#art-5" checked' in html and "第5条" in html
