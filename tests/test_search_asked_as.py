"""How officers asked becomes a low-weight field of the sections the desk cited (「asked as」)."""
import shutil

import pytest

from conftest import REPO_CORPUS, build_site
from indexer.search import Filters, SearchEngine
from indexer.updates import apply_changes
from kb.store import atomic_write

KEISHOKU = "law-keisatsukan-shokumu-shikko-ho"
OFFICIAL = Filters(kinds=("law",))
INQUIRY = """---
id: inq-2026-0901
title: 夜店の呼び込みに付きまとわれた観光客
kind: inquiry
category: 地域
received: 2026-09-01
answered: 2026-09-02
status: in_force
confidentiality: {confidentiality}
department: 地域部地域課
basis:
  - {keishoku}#art-2
source: "架空のサンプル照会事例（テスト用）"
---

# 夜店の呼び込みに付きまとわれた観光客

> この照会事例は架空のサンプルです。

**質問**

繁華街でしつこい呼び込みの男に声を掛けて話を聞きたいのですが、どこまでできますか。

**回答**

警察官職務執行法第2条第1項の要件を満たせば、停止させて質問することができます。
"""


def inquiry(confidentiality="public"):
    return INQUIRY.format(confidentiality=confidentiality, keishoku=KEISHOKU)


@pytest.fixture
def site(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "laws").mkdir(parents=True)
    shutil.copy(REPO_CORPUS / "laws" / f"{KEISHOKU}.md", corpus / "laws")
    shutil.copy(REPO_CORPUS / "laws" / "law-keihanzai-ho.md", corpus / "laws")
    return corpus, tmp_path


def first_law(site, query):
    corpus, base = site
    hits = SearchEngine(base / "index", corpus / "dictionary").search(query, filters=OFFICIAL).hits
    return f"{hits[0].doc_id}#{hits[0].section_id}" if hits else None


def test_the_officers_wording_finds_the_cited_article(site):
    corpus, base = site
    build_site(corpus, base)
    assert first_law(site, "夜店") != f"{KEISHOKU}#art-2"      # the law itself never says so
    atomic_write(corpus / "inquiries" / "2026" / "inq-2026-0901.md", inquiry())
    apply_changes(corpus, base / "index", [("update", "inq-2026-0901")])   # publishing re-indexes the law too
    assert first_law(site, "夜店") == f"{KEISHOKU}#art-2"
    build_site(corpus, base)                                               # and a full build agrees
    assert first_law(site, "夜店") == f"{KEISHOKU}#art-2"
    (corpus / "inquiries" / "2026" / "inq-2026-0901.md").unlink()
    apply_changes(corpus, base / "index", [("remove", "inq-2026-0901")])
    assert first_law(site, "夜店") != f"{KEISHOKU}#art-2"


def test_a_restricted_inquiry_lends_no_words(site):
    corpus, base = site
    atomic_write(corpus / "inquiries" / "2026" / "inq-2026-0901.md", inquiry("restricted"))
    build_site(corpus, base)
    assert first_law(site, "夜店") != f"{KEISHOKU}#art-2"
