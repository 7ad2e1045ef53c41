"""What officers could not use reaches the maintainers: 「この内容は古い/誤り」 flags on a section,
results marked not helpful, searches without results; and the 「見直し期限」 list."""
import datetime as dt
import re

import pytest

from conftest import signed_in
from editor_site import NOTICE, OKAYAMA, editor_app, flashes, form_of, writable_site
from kb.clock import ManualClock
from kb.deadlines import DeadlineList
from kb.frontmatter import set_fields
from kb.store import atomic_write


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return writable_site(tmp_path_factory.mktemp("editor-queue"))


@pytest.fixture(scope="module")
def app(site):
    return editor_app(site)


@pytest.fixture(scope="module")
def officer(app):
    return signed_in(app, "officer", "field-officer", department="岡山東署")


@pytest.fixture(scope="module")
def maintainer(app):
    return signed_in(app, "maintainer")


def token(client, path="/"):
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def queue_rows(client, section):
    html = client.get("/editor/queue").get_data(as_text=True)
    part = re.search(rf'<section id="{section}">(.*?)</section>', html, re.S).group(1)
    return re.findall(r"<tr data-[a-z]+=\"[^\"]*\">.*?</tr>", part, re.S)


def test_an_officer_flags_a_section_and_a_maintainer_resolves_it(officer, maintainer):
    page = officer.get(f"/docs/{OKAYAMA}?flag=art-3").get_data(as_text=True)
    assert re.search(r'class="flag-link" href="\?flag=art-3#report"[^>]*>古い・誤りを報告</a>', page)  # by each article
    assert re.search(r'<option value="art-3" selected>', page)             # preselected from the link
    form = form_of(page.split('id="report"', 1)[1])
    form.update(reason="outdated", comment="連絡先の電話番号が 令和7年4月 に変わっています")
    r = officer.post(f"/docs/{OKAYAMA}/flags", data=form)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/docs/{OKAYAMA}#art-3")
    assert "報告を受け付けました" in " ".join(flashes(officer.get(r.headers["Location"]).get_data(as_text=True)))
    rows = queue_rows(maintainer, "flags")
    assert len(rows) == 1
    row = rows[0]
    assert "内容が古い" in row and "連絡先の電話番号が" in row and "field-officer（岡山東署）" in row
    assert f'href="/docs/{OKAYAMA}#art-3"' in row and "第3条" in row
    assert "この文書への報告" in maintainer.get(f"/editor/docs/{OKAYAMA}/history").get_data(as_text=True)
    flag_id = re.search(r'data-flag="(\d+)"', row).group(1)
    r = maintainer.post(f"/editor/queue/flags/{flag_id}",
                        data={"csrf_token": token(maintainer), "status": "resolved", "resolution": "第3条を更新"})
    assert r.status_code == 303 and queue_rows(maintainer, "flags") == []


def test_a_flag_needs_a_reason_and_a_real_section(officer):
    t = token(officer)
    assert officer.post(f"/docs/{OKAYAMA}/flags", data={"csrf_token": t, "section": "art-3"},
                        headers={"Accept": "application/json"}).status_code == 400
    r = officer.post(f"/docs/{OKAYAMA}/flags", data={"csrf_token": t, "section": "art-999", "reason": "wrong"},
                     headers={"Accept": "application/json"})
    assert r.status_code == 400 and r.json["message_ja"]
    assert officer.post(f"/docs/{OKAYAMA}/flags", data={"section": "art-3", "reason": "wrong"}).status_code == 400
    assert officer.post("/docs/no-such-doc/flags", data={"csrf_token": t}).status_code == 404


def test_not_helpful_results_reach_the_queue(officer, maintainer):
    html = officer.get("/search", query_string={"q": "交番 勤務"}).get_data(as_text=True)
    card = re.search(r'<li class="card".*?</li>', html, re.S).group(0)
    form = form_of(card)
    assert form["q"] == "交番 勤務" and form["doc"] and form["section"] and form["next"].startswith("/search?")
    r = officer.post("/feedback/not-helpful", data=form, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json["ok"]
    r = officer.post("/feedback/not-helpful", data=form)                  # without the page's script
    assert r.status_code == 303 and r.headers["Location"] == form["next"]
    rows = queue_rows(maintainer, "not-helpful")
    assert len(rows) == 1 and "交番 勤務" in rows[0]
    assert re.search(r"<td>2</td><td>1</td>", rows[0])                   # two marks by one officer
    maintainer.post("/editor/queue/searches", data={"csrf_token": token(maintainer), "q": "交番 勤務",
                                                    "kind": "not_helpful"})
    assert queue_rows(maintainer, "not-helpful") == []


def test_searches_without_results_reach_the_queue_until_closed(officer, maintainer):
    for _ in range(2):
        officer.get("/search", query_string={"q": "ツチブタ 飼育"})
    officer.get("/search", query_string={"q": "交番"})                    # has results: not listed
    rows = queue_rows(maintainer, "zero-hits")
    assert [re.search(r'data-query="([^"]+)"', r).group(1) for r in rows] == ["ツチブタ 飼育"]
    assert "<td>2</td><td>1</td>" in rows[0]
    maintainer.post("/editor/queue/searches", data={"csrf_token": token(maintainer), "q": "ツチブタ 飼育",
                                                    "kind": "zero_hits", "note": "マニュアル作成予定"})
    assert queue_rows(maintainer, "zero-hits") == []
    officer.get("/search", query_string={"q": "ツチブタ 飼育"})     # asked again later: back
    assert len(queue_rows(maintainer, "zero-hits")) == 1


def test_a_law_the_corpus_lacks_is_said_and_queued_as_a_missing_document(officer, maintainer):
    page = officer.get("/search", query_string={"q": "遺失物法4条"}).get_data(as_text=True)
    assert "遺失物法は収録されていません" in page
    officer.get("/search", query_string={"q": "遺失物法 拾得物"})
    page = officer.get("/search", query_string={"q": "地域警察運営規程3条"}).get_data(as_text=True)
    assert "収録されていません" not in page                       # a rule the corpus holds
    rows = queue_rows(maintainer, "missing-documents")
    assert [re.search(r'data-missing="([^"]+)"', r).group(1) for r in rows] == ["遺失物法"]
    assert "<td>2</td><td>1</td>" in rows[0]
    assert not any("遺失物法" in r for r in queue_rows(maintainer, "zero-hits"))  # not a zero-result search
    maintainer.post("/editor/queue/searches", data={"csrf_token": token(maintainer), "q": "遺失物法",
                                                    "kind": "missing", "note": "収録予定"})
    assert queue_rows(maintainer, "missing-documents") == []


def test_the_review_list_shows_what_is_due(maintainer, site):
    today = dt.date.today()
    for doc_id, folder, due, owner in ((OKAYAMA, "regulations", today - dt.timedelta(days=3), "地域課 企画係"),
                                       (NOTICE, "notices", today + dt.timedelta(days=10), "総務課")):
        path = site.corpus / folder / f"{doc_id}.md"
        atomic_write(path, set_fields(path.read_text(encoding="utf-8"),
                                      {"review_by": due, "owner": owner, "department": "地域部地域課"}))
    html = maintainer.get("/editor/review").get_data(as_text=True)

    def group(state):
        return re.findall(r'<tr data-doc="([^"]+)">', re.search(rf'id="review-{state}">(.*?)</section>', html, re.S).group(1))
    assert group("overdue") == [OKAYAMA] and group("due") == [NOTICE]
    assert "3日超過" in html and "あと10日" in html and "地域課 企画係" in html
    other = maintainer.get("/editor/review", query_string={"dept": "交通部"}).get_data(as_text=True)
    assert OKAYAMA not in other
    dashboard = maintainer.get("/editor/").get_data(as_text=True)
    assert re.search(r"見直し期限切れ <strong>1</strong>件 ／ 30日以内 <strong>1</strong>件", dashboard)


def test_officers_do_not_see_the_queue(officer):
    assert officer.get("/editor/queue").status_code == 403
    assert officer.get("/editor/review").status_code == 403


def test_review_deadlines_count_days_on_the_lists_clock(site):
    path = site.corpus / "regulations" / f"{OKAYAMA}.md"
    atomic_write(path, set_fields(path.read_text(encoding="utf-8"), {"review_by": dt.date(2026, 12, 31)}))
    clock = ManualClock(dt.datetime(2026, 11, 1, 12, 0))
    deadlines = DeadlineList(site.corpus, clock=clock)

    def okayama():
        return next(i for i in deadlines.items() if i.doc_id == OKAYAMA)
    assert (okayama().days_left, okayama().state) == (60, "later")
    clock.advance(days=45)
    assert (okayama().days_left, okayama().state) == (15, "due")
    clock.advance(days=20)
    assert (okayama().days_left, okayama().state) == (-5, "overdue")
