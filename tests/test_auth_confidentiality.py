"""A restricted document is invisible to those it does not name, through every path: hits,
snippets, counts, facets, suggestions, the JSON API, article jumps and the document view."""
from __future__ import annotations

import re

import pytest

from conftest import signed_in

SECRET_WORD = "ヤマセミ符号"
SECRET_TITLE = "特殊事案秘匿対応要領"

SAMPLES = {
    "regulations/junkai-kitei.md": """---
id: junkai-kitei
title: 巡回連絡実施規程
kind: regulation
confidentiality: public
---
### 第1条（巡回連絡）

地域警察官は、受持区を巡回連絡し、住民の要望を聴く。

### 第2条（記録）

巡回連絡の結果は、巡回連絡簿に記録する。
""",
    "manuals/naibu-tebiki.md": """---
id: naibu-tebiki
title: 巡回連絡の手引
kind: manual
confidentiality: internal
---
### 第1条（手順）

巡回連絡の際は、身分証明書を呈示する。
""",
    "manuals/himitsu-yoryo.md": f"""---
id: himitsu-yoryo
title: {SECRET_TITLE}
kind: manual
confidentiality: restricted
allowed: [刑事課, desk]
---
### 第1条（符号）

特殊事案の連絡には{SECRET_WORD}を用い、巡回連絡を装って接触する。

### 第2条（保管）

{SECRET_WORD}の一覧は、刑事課長が保管する。
""",
}


@pytest.fixture(scope="module")
def site(site_factory):
    return site_factory(SAMPLES, "confidential")


@pytest.fixture(scope="module")
def app(site):
    from webui import create_app
    return create_app(site.config())


def readers(app):
    return {
        "officer": signed_in(app, "officer", "chiiki-officer", department="地域課"),
        "officer-keiji": signed_in(app, "officer", "keiji-officer", department="刑事課"),
        "desk": signed_in(app, "desk"),
        "maintainer": signed_in(app, "maintainer"),
    }


EXPECT_VISIBLE = {"officer": False, "officer-keiji": True, "desk": True, "maintainer": True}


def test_every_path(app):
    for who, c in readers(app).items():
        visible = EXPECT_VISIBLE[who]
        # hits and snippets on the page, and the JSON API
        html = c.get(f"/search?q={SECRET_WORD}&f=1&inforce=0").get_data(as_text=True)
        found = "".join(re.findall(r'<li class="card".*?</li>', html, re.S))
        assert (SECRET_WORD in found.replace("<mark>", "").replace("</mark>", "")) == visible, who
        assert ('data-doc="himitsu-yoryo"' in html) == visible, who
        assert ("一致する条文は見つかりませんでした" in html) != visible, who
        api = c.get("/api/search", query_string={"q": SECRET_WORD}).json
        assert (api["total"] > 0) == visible and ("himitsu-yoryo" in {h["doc_id"] for h in api["hits"]}) == visible, who
        assert SECRET_WORD not in str({k: v for k, v in api.items() if k != "query"}) or visible, who
        # counts and facets of a word the restricted document shares with the others
        api = c.get("/api/search", query_string={"q": "巡回連絡", "limit": 100}).json
        docs = {h["doc_id"] for h in api["hits"]}
        assert docs >= {"junkai-kitei", "naibu-tebiki"}
        assert api["total"] == (4 if visible else 3), (who, api["total"])
        html = c.get("/search?q=巡回連絡&f=1&inforce=0").get_data(as_text=True)
        assert ("4件" in html) == visible and ("3件" in html) != visible, who
        # suggestions: type-ahead by title and word, did-you-mean from the vocabulary
        for prefix in ("特殊事案", "ヤマセミ", SECRET_TITLE[:4]):
            found = c.get("/api/suggest", query_string={"q": prefix}).json["suggestions"]
            assert (any(SECRET_TITLE in str(s) or SECRET_WORD in str(s) or "himitsu" in str(s) for s in found)) <= visible, (who, found)
        html = c.get("/search?q=ヤマセミ符合&f=1&inforce=0").get_data(as_text=True)
        assert SECRET_WORD not in html or visible, who
        # the document itself: 404, like a document that does not exist
        assert c.get("/docs/himitsu-yoryo").status_code == (200 if visible else 404), who
        assert c.get("/api/docs/himitsu-yoryo").status_code == (200 if visible else 404), who
        # a reference by name and article jumps only for those who may read it
        api = c.get("/api/search", query_string={"q": f"{SECRET_TITLE}第2条"}).json
        assert ((api.get("article") or {}).get("doc_id") == "himitsu-yoryo") == visible, (who, api.get("article"))


def test_the_restricted_document_is_not_in_the_404_page(app):
    c = readers(app)["officer"]
    for url in ("/docs/himitsu-yoryo", "/docs/nonexistent-doc"):
        r = c.get(url)
        assert r.status_code == 404
        assert SECRET_TITLE not in r.get_data(as_text=True)
    # the same answer for an existing restricted document and a missing one
    a = c.get("/api/docs/himitsu-yoryo").json
    b = c.get("/api/docs/nonexistent-doc").json
    assert a == b
