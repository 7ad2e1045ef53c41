"""Type-ahead and did-you-mean follow the live index (indexer.live) with no reindex and no
restart (issue 15, bug 1): a document's confidentiality flipped both ways through the index
updater (the editor's path), the moment between the updater's commit and its catalog, and a
short name added to the search dictionary."""
from __future__ import annotations

import json
import re

import pytest

from conftest import signed_in
from indexer.updates import get_updater
from kb.store import atomic_write

FLIPPED = ("night-a", "night-b", "night-c", "night-d")


def manual(doc_id: str, title: str, confidentiality: str, sentences: list[str]) -> str:
    body = "\n".join(f"## 第{i}条 {{#art-{i}}}\n\n{t}\n" for i, t in enumerate(sentences, 1))
    return (f"---\nid: {doc_id}\ntitle: {title}\nkind: manual\ndepartment: 地域部地域課\n"
            f"confidentiality: {confidentiality}\n---\n\n# {title}\n\n{body}")


def night(doc_id: str, confidentiality: str) -> str:
    n = FLIPPED.index(doc_id) + 1
    return manual(doc_id, f"夜間特別警戒要領その{n}", confidentiality, [
        f"カムイミンタラの会場では第{n}班が警戒する。", "カムイミンタラの期間中は交通規制を行う。"])


@pytest.fixture(scope="module")
def site(site_factory):
    files = {f"manuals/{d}.md": night(d, "public") for d in FLIPPED}
    files["manuals/day.md"] = manual("day", "日中警戒要領", "public", [
        "雑踏警備は地域課員が行う。", "交通規制は交通課員が行う。", "遺失物は会計課に引き継ぐ。"])
    return site_factory(files, name="typeahead-confidentiality")


@pytest.fixture(scope="module")
def app(site):
    from webui import create_app
    return create_app(site.config())


def flip(site, confidentiality: str) -> None:
    """Rewrite the four documents and commit them through the index updater, as the editor does."""
    for d in FLIPPED:
        atomic_write(site.corpus / "manuals" / f"{d}.md", night(d, confidentiality))
    result = get_updater(site.corpus, site.index).update_documents(list(FLIPPED))
    assert sorted(result.updated) == sorted(FLIPPED) and not result.journaled


def offered(client, q: str) -> dict[str, str]:
    r = client.get("/api/suggest", query_string={"q": q})
    assert r.status_code == 200
    return {s["label"]: s["detail"] for s in r.get_json()["suggestions"]}


def hits(client, q: str) -> int:
    return client.get("/api/search", query_string={"q": q}).get_json()["total"]


def did_you_mean(client, q: str) -> list[str]:
    html = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    return re.findall(r'<a class="chip" href="[^"]*">([^<]+)</a>', html)


def reading_vocab(app) -> frozenset[str]:
    return app.extensions["kb.engine"].snapshot().reading_vocab()


def test_restricting_and_opening_documents_changes_the_type_ahead_at_once(app, site):
    officer, maintainer = signed_in(app, "officer"), signed_in(app, "maintainer")
    assert hits(officer, "カムイミンタラ") == 8
    assert offered(officer, "カムイミン").get("カムイミンタラ") == "8件"
    assert "カムイミンタラ" in did_you_mean(officer, "カムイミンタル")

    flip(site, "restricted")
    assert hits(officer, "カムイミンタラ") == 0
    assert "カムイミンタラ" not in offered(officer, "カムイミン")
    assert not any(t.startswith("夜間特別警戒要領") for t in offered(officer, "夜間特別"))
    assert "カムイミンタラ" not in did_you_mean(officer, "カムイミンタル")
    assert not reading_vocab(app) & {"カムイミンタラ", "カムイ", "ミンタラ"}     # kana queries either
    # shared vocabularies leave restricted words out for every reader; titles are per reader
    assert hits(maintainer, "カムイミンタラ") == 8
    assert any(t.startswith("夜間特別警戒要領") for t in offered(maintainer, "夜間特別"))

    flip(site, "public")
    assert reading_vocab(app) & {"カムイミンタラ", "カムイ", "ミンタラ"}
    assert hits(officer, "カムイミンタラ") == 8
    assert offered(officer, "カムイミン").get("カムイミンタラ") == "8件"
    assert any(t.startswith("夜間特別警戒要領") for t in offered(officer, "夜間特別"))
    assert "カムイミンタラ" in did_you_mean(officer, "カムイミンタル")


def test_words_the_index_marks_restricted_stay_out_while_the_catalog_lags(app, site):
    # the updater commits the sections first and replaces catalog.json after: a vocabulary
    # built in between reads the new sections with the old catalog
    from whoosh import index as windex

    from indexer.generations import current_path
    from indexer.suggest import open_vocabulary
    catalog_before = json.loads((current_path(site.index) / "catalog.json").read_text(encoding="utf-8"))
    assert catalog_before["night-a"]["confidentiality"] == "public"
    flip(site, "restricted")
    try:
        ix = windex.open_dir(str(current_path(site.index)))
        with ix.reader() as reader:
            assert "カムイミンタラ" not in open_vocabulary(reader, catalog_before)
            assert "雑踏" in open_vocabulary(reader, catalog_before)     # the open document's words stay
        ix.close()
    finally:
        flip(site, "public")


def test_a_short_name_added_to_the_dictionary_completes_without_reindex(app, site):
    officer = signed_in(app, "officer")
    dictionary = site.corpus / "dictionary" / "synonyms.yaml"
    atomic_write(dictionary, "law_aliases:\n  日中要領: day\n")
    assert offered(officer, "日中要").get("日中要領") == "日中警戒要領"
    atomic_write(dictionary, "law_aliases:\n  日中要領: day\n  昼間警戒要領: day\n")
    assert offered(officer, "昼間警").get("昼間警戒要領") == "日中警戒要領"
