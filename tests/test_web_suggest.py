"""Type-ahead completions (GET /api/suggest) and citation links in the document view."""
import re

OKAYAMA = "okayama-chiiki-keisatsu-unei-kitei"


def suggestions(client, q, **params):
    r = client.get("/api/suggest", query_string={"q": q, **params})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()["suggestions"]


def test_caption_prefix_offers_the_article(client):
    found = suggestions(client, "初動")
    assert found[0]["label"] == "初動的な措置の範囲等"
    assert found[0]["url"] == f"/docs/{OKAYAMA}#art-3"
    assert found[0]["kind"] == "heading"


def test_short_law_name_offers_the_law(client):
    found = suggestions(client, "警職")
    assert {"label": "警職法", "kind": "document", "url": "/docs/law-keisatsukan-shokumu-shikko-ho",
            "detail": "警察官職務執行法"} in found


def test_frequent_words_complete(client):
    labels = [s["label"] for s in suggestions(client, "週休")]
    assert "週休日" in labels


def test_empty_unknown_and_odd_queries(client):
    assert suggestions(client, "") == []
    assert suggestions(client, "ぴよぴよぷー") == []
    assert isinstance(suggestions(client, '"(*:~' * 50), list)
    assert client.get("/api/suggest", query_string={"q": "警", "limit": 0}).status_code == 400
    assert len(suggestions(client, "第", limit=3)) <= 3


def test_citations_in_the_text_link_to_the_cited_article(client):
    html = client.get(f"/docs/{OKAYAMA}").get_data(as_text=True)
    # 「地域警察運営規則（…以下「規則」という。）」: the 規程 names the national 規則 「規則」
    links = re.findall(r'<a href="([^"]+)" class="xref"[^>]*>([^<]+)</a>', html)
    assert ("/docs/law-chiiki-keisatsu-unei-kisoku#art-5", "規則第5条第1項") in links
    # headings are never turned into links
    assert not re.search(r'<h\d[^>]*>[^<]*<a [^>]*xref', html)


def test_unresolvable_citations_stay_plain_text(client):
    html = client.get("/docs/law-keisatsukan-shokumu-shikko-ho").get_data(as_text=True)
    assert "刑事訴訟に関する法律" in html
    assert not re.search(r'class="xref"[^>]*>[^<]*刑事訴訟', html)


def test_did_you_mean_replaces_only_the_unknown_word(client):
    html = client.get("/search", query_string={"q": "ドローンン 活用"}).get_data(as_text=True)
    assert re.search(r'class="did-you-mean">.*>ドローン 活用</a>', html)


def test_jargon_is_explained_not_corrected(client):
    html = client.get("/search", query_string={"q": "職質 同行"}).get_data(as_text=True)
    assert "言い換えも検索しました：職質 → 職務質問" in html
    assert "did-you-mean" not in html


def test_api_reports_expansions_and_article(client):
    body = client.get("/api/search", query_string={"q": "職質 同行"}).get_json()
    assert {"term": "職質", "synonyms": ["職務質問"]} in body["expanded"]
    body = client.get("/api/search", query_string={"q": "警職法2条"}).get_json()
    assert body["article"]["url"] == "/docs/law-keisatsukan-shokumu-shikko-ho#art-2"
