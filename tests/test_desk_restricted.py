"""A restricted document is never the basis of an inquiry nor offered as a viewed article: every
officer reads inquiries, and the basis label names the document."""
import pytest

from conftest import signed_in
from desk_site import hidden

SECRET = """---
id: secret-manual
title: 極秘の捜査手法要領
kind: manual
confidentiality: restricted
allowed: [desk]
department: 刑事部
---
# 極秘の捜査手法要領

## 第1条（目的） {#art-1}

この要領は、特殊な捜査手法の運用を定める。
"""
OPEN = """---
id: koban-yoryo
title: 交番勤務要領
kind: manual
department: 地域課
---
# 交番勤務要領

## 第1条（同行） {#art-1}

交通法令違反者を交番に同行させるときは、地域幹部の指示を受ける。
"""


@pytest.fixture(scope="module")
def app(site_factory):
    from webui import create_app
    site = site_factory({"manuals/secret-manual.md": SECRET, "manuals/koban-yoryo.md": OPEN}, "desk-restricted")
    return create_app(site.config())


def test_restricted_sections_cannot_be_a_basis(app):
    desk = signed_in(app, "desk", "restricted-desk")
    assert desk.get("/docs/secret-manual").status_code == 200          # the desk may read it
    page = desk.get("/desk/new").get_data(as_text=True)
    form = {"csrf_token": hidden(page, "csrf_token"), "question": "同行の指示は？", "channel": "電話",
            "category": "地域", "answer": "地域幹部の指示です。"}
    r = desk.post("/desk/new", data={**form, "basis_add": "secret-manual#art-1"})
    assert r.status_code == 422 and "根拠に指定した条文が見つかりません" in r.get_data(as_text=True)
    r = desk.post("/desk/new", data={**form, "basis_add": "koban-yoryo#art-1"})
    assert r.status_code == 302


def test_restricted_documents_are_not_offered_as_viewed(app):
    desk = signed_in(app, "desk", "restricted-desk-2")
    desk.get("/docs/secret-manual")
    ask = desk.get("/ask", query_string={"q": "捜査手法", "viewed": "secret-manual#art-1"}).get_data(as_text=True)
    assert "極秘" not in ask
