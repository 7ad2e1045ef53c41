"""「直接指定」 of the desk's answer form takes articles as people write them (銃刀法22条), through
the same article-reference parser as the search box, on the real corpus."""
import re

from conftest import csrf_token, signed_in


def test_basis_by_article_name(app):
    desk = signed_in(app, "desk", "article-names-desk")
    form = {"csrf_token": csrf_token(desk, "/desk/new"), "received_at": "2026-11-20T09:30:15", "channel": "電話",
            "asking_unit": "架空警察署", "category": "生活安全", "question": "架空：刃物の携帯について。",
            "answer": "架空：銃刀法第22条によります。", "basis_add": "銃刀法22条、警職法第2条第2項"}
    r = desk.post("/desk/new", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    review = desk.get(r.headers["Location"]).get_data(as_text=True)
    labels = re.findall(r'<a href="/docs/([^"]+)">([^<]+)</a>', review)
    assert ("law-juto-ho#art-22", "銃砲刀剣類所持等取締法 第二十二条") in labels
    assert any(href == "law-keisatsukan-shokumu-shikko-ho#art-2" for href, _ in labels)
    # what names no article is refused with the words as typed, and nothing is recorded
    form.update(basis_add="銃刀法9999条", csrf_token=csrf_token(desk, "/desk/new"))
    bad = desk.post("/desk/new", data=form)
    assert bad.status_code == 422 and "銃刀法9999条" in bad.get_data(as_text=True)
