"""The JSON API: the `kb search --json` hits over HTTP, documents with sections, 400s in JSON."""
import json
import os
import subprocess
import sys

import pytest

from indexer.search import Access, Filters
from kb.store import find_document, read_document


def test_search_returns_the_cli_json(client, corpus_site):
    q = "酒気帯び 呼気 ミリグラム"
    env = dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(corpus_site.index),
               KB_DATA=str(corpus_site.data))
    p = subprocess.run([sys.executable, "-m", "kb_cli.cli", "search", q, "--json", "--limit", "5"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    cli = json.loads(p.stdout)
    r = client.get("/api/search", query_string={"q": q, "limit": 5})
    assert r.status_code == 200 and r.mimetype == "application/json"
    api = r.json
    assert set(api) == set(cli)
    assert cli["hits"] and api["hits"] == cli["hits"]
    assert (api["total"], api["query"], api["limit"], api["page"]) == (cli["total"], cli["query"], 5, 1)


def test_search_hits_equal_the_engine_with_kind_and_page(client, app):
    r = client.get("/api/search?q=交番&kind=regulation&kind=notice&limit=3&page=2")
    assert r.status_code == 200
    expected = app.extensions["kb.engine"].search(
        "交番", limit=3, page=2, filters=Filters(kinds=("regulation", "notice"), access=Access()))
    assert r.json["hits"] == [h.to_json() for h in expected.hits]
    assert len(r.json["hits"]) == 3 and {h["kind"] for h in r.json["hits"]} <= {"regulation", "notice"}
    assert r.json["total"] == expected.total


def test_internal_documents_need_a_signed_in_reader(app, client, corpus_site):
    from kb.store import document_paths
    internal = [d for d in (read_document(p) for p in document_paths(corpus_site.corpus))
                if d.meta["confidentiality"] == "internal"]
    assert internal, "the corpus has internal samples"
    doc = internal[0]
    r = client.get("/api/search", query_string={"q": doc.title, "limit": 100})
    assert doc.id in {h["doc_id"] for h in r.json["hits"]}          # an officer reads internal ones
    assert client.get(f"/api/docs/{doc.id}").status_code == 200
    anonymous = app.test_client()
    r = anonymous.get("/api/search", query_string={"q": doc.title})
    assert r.status_code == 401 and r.json["error"]["message_ja"]
    assert anonymous.get(f"/api/docs/{doc.id}").status_code == 401


@pytest.mark.parametrize("query, field", [
    ("", "q"), ("q=", "q"), ("q=%20%20", "q"),
    ("q=a&limit=0", "limit"), ("q=a&limit=101", "limit"), ("q=a&limit=ten", "limit"), ("q=a&limit=1.5", "limit"),
    ("q=a&page=0", "page"), ("q=a&page=-1", "page"), ("q=a&page=x", "page"), ("q=a&page=101", "page"),
    ("q=a&limit=", "limit"), ("q=a&limit=%205", "limit"), ("q=a&page=1_0", "page"), ("q=a&page=%D9%A3", "page"),
    ("q=a&kind=statute", "kind"), ("q=a&kind=law&kind=", "kind"), ("q=a&in_force=yes", "in_force"),
])
def test_bad_parameters_are_400_json(client, query, field):
    r = client.get(f"/api/search?{query}")
    assert r.status_code == 400 and r.mimetype == "application/json"
    err = r.json["error"]
    assert field in err["message"] and err["message_ja"]
    assert all(ord(c) < 128 for c in err["message"])


@pytest.mark.parametrize("q", ["a" * 10_000, "警職法" + "2条" * 5_000, "交番\x00", '"(*:~', "<script>", "第",
                               "AND NOT", "*" * 10_000])
def test_odd_queries_are_answered(client, q):
    r = client.get("/api/v1/search", query_string={"q": q})
    assert r.status_code == 200 and isinstance(r.json["hits"], list)
    if len(q) > 200:
        assert len(r.json["query"]) == 200 and "200文字" in r.json["message"]
    r = client.get("/api/v1/suggest", query_string={"q": q})
    assert r.status_code == 200 and r.json["query"] == q[:100]


def test_document_json(client, corpus_site):
    doc_id = "okayama-chiiki-keisatsu-unei-kitei"
    r = client.get(f"/api/docs/{doc_id}")
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.json
    doc = read_document(find_document(corpus_site.corpus, doc_id))
    assert body["id"] == doc_id and body["title"] == "岡山県警察地域警察運営規程"
    assert body["kind"] == "regulation" and body["in_force"] is True
    assert body["promulgated"] == "2024-12-23" and body["effective_from"] == "2025-01-01"
    assert body["sections"] == [{"id": s.id, "heading": s.heading, "breadcrumb": s.breadcrumb,
                                 "text": s.text} for s in doc.sections]
    art3 = next(s for s in body["sections"] if s["id"] == "art-3")
    assert art3["breadcrumb"][0] == "岡山県警察地域警察運営規程" and "第3条" in art3["heading"]


def test_api_errors_are_json(client):
    r = client.get("/api/docs/no-such-doc")
    assert r.status_code == 404 and r.json["error"]["message"] == "not found"
    assert "見つかりません" in r.json["error"]["message_ja"]
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and "error" in r.json
    r = client.post("/api/search?q=交番")
    assert r.status_code == 405 and "error" in r.json
    assert r.headers["Allow"].split(", ") and "GET" in r.headers["Allow"]      # RFC 9110
    assert "POST" not in r.headers["Allow"]
