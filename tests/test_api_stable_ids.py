"""A hit's id (`doc_id#section_id`) is a name an integrator can store: after a real `kb reindex`
of a changed corpus (a new document ahead of all others, an edited one), every stored id still
opens the same section, although the index numbers every section differently."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import REPO, api_token, build_site
from kb.store import find_document
from webui import create_app

QUERIES = ["職務質問 同行", "警職法2条", "遺失物 届出", "酒気帯び 呼気", "交番 勤務"]
NEW_DOC = """---
id: aaa-stable-id-check
title: 安定識別子確認要領（試験用の架空文書）
kind: inquiry
sample: true
---
# 安定識別子確認要領（試験用の架空文書）

## 第1条（職務質問の記録） {#art-1}

職務質問を行ったときは、同行の有無を含めて記録しなければならない。

## 第2条（遺失物の届出） {#art-2}

遺失物の届出を受けたときは、交番勤務員が受理する。
"""


def _docnums(app, ids: list[str]) -> dict[str, int]:
    searcher = app.extensions["kb.engine"].searcher()
    return {i: searcher.document_number(key=i) for i in ids}


def test_stored_hit_ids_open_the_same_sections_after_a_reindex(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    site = build_site(corpus, tmp_path)
    app = create_app(site.config())
    c = app.test_client()
    auth = {"Authorization": f"Bearer {api_token(app)}"}

    stored = {}                                    # what an integrator keeps: id → the section seen
    for q in QUERIES:
        for hit in c.get("/api/v1/search", query_string={"q": q, "limit": 5}, headers=auth).json["hits"]:
            assert hit["id"] == f"{hit['doc_id']}#{hit['section_id']}"
            assert hit["url"] == f"/docs/{hit['doc_id']}#{hit['section_id']}"
            stored[hit["id"]] = (hit["heading"], hit["breadcrumb"])
    assert len(stored) >= 10
    generation, before = app.extensions["kb.engine"].generation, _docnums(app, list(stored))

    (corpus / "inquiries" / "2024").mkdir()         # sorts first: every section after it moves
    (corpus / "inquiries" / "2024" / "aaa-stable-id-check.md").write_text(NEW_DOC, encoding="utf-8")
    edited = find_document(corpus, next(iter(stored)).split("#")[0])      # a document a hit came from
    edited.write_text(edited.read_text(encoding="utf-8") + "\n（この文書は索引の試験のため追記されています。）\n",
                      encoding="utf-8")
    env = {**os.environ, "KB_CORPUS": str(site.corpus), "KB_INDEX": str(site.index), "KB_DATA": str(site.data)}
    run = subprocess.run([sys.executable, "-m", "kb_cli.cli", "reindex"], env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr

    found = c.get("/api/v1/search", query_string={"q": "安定識別子確認要領 職務質問"}, headers=auth).json
    assert app.extensions["kb.engine"].generation != generation           # the app follows the new index
    assert "aaa-stable-id-check#art-1" in {h["id"] for h in found["hits"]}
    after = _docnums(app, list(stored))
    assert all(before[i] != after[i] for i in stored), (before, after)   # the index renumbered them all
    for sid, (heading, breadcrumb) in stored.items():
        doc_id, section_id = sid.split("#")
        r = c.get(f"/api/v1/docs/{doc_id}/sections/{section_id}", headers=auth)
        assert r.status_code == 200, sid
        assert (r.json["id"], r.json["heading"], r.json["breadcrumb"]) == (sid, heading, breadcrumb)
