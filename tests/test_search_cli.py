"""The `kb` command line over a real index: search output, the JSON contract, batch, odd queries."""
import json
import os
import subprocess
import sys

import pytest

from kb.store import atomic_write

KB = [sys.executable, "-m", "kb_cli.cli"]
DOC = """---
id: koban
title: 交番勤務要領
kind: manual
department: 地域課
---
# 交番勤務要領

## 第1章 総則 {#ch-1}

### 第3条（同行） {#art-3}

交通法令違反者を交番に同行させるときは、地域幹部の指示を受けなければならない。

### 第4条（記録） {#art-4}

取扱いの結果は、<script>alert(1)</script> 所定の簿冊に記録する。
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli")
    atomic_write(base / "corpus" / "manuals" / "koban.md", DOC)
    e = dict(os.environ, KB_CORPUS=str(base / "corpus"), KB_INDEX=str(base / "index"),
             KB_DATA=str(base / "data"))
    run(["index"], e)
    return e


def run(args, env, input=None, check=True):
    p = subprocess.run(KB + args, env=env, input=input, capture_output=True, text=True, timeout=120)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def test_search_json_contract(env):
    out = json.loads(run(["search", "交通法令違反者 同行", "--json"], env).stdout)
    assert out["query"] == "交通法令違反者 同行" and out["total"] >= 1
    hit = out["hits"][0]
    assert set(hit) >= {"doc_id", "doc_title", "kind", "section_id", "heading", "breadcrumb",
                        "text", "snippet", "url", "score"}
    assert (hit["doc_id"], hit["section_id"]) == ("koban", "art-3")
    assert hit["breadcrumb"] == ["交番勤務要領", "第1章 総則", "第3条（同行）"]
    assert hit["url"] == "/docs/koban#art-3"
    assert "<mark" in hit["snippet"] and "同行" in hit["text"]


def test_snippet_escapes_html_from_the_corpus(env):
    out = json.loads(run(["search", "簿冊", "--json"], env).stdout)
    assert out["hits"] and "<script>" not in out["hits"][0]["snippet"]


def test_human_output_names_the_article(env):
    out = run(["search", "同行"], env).stdout
    assert "第3条（同行）" in out and "/docs/koban#art-3" in out


@pytest.mark.parametrize("query", ['AND OR NOT', '"unbalanced', "(*:~^", "第3条)", "　", "", "a" * 10000,
                                   "同行" * 5000, "\\", "{}[]"])
def test_odd_queries_never_trace_back(env, query):
    p = run(["search", query, "--json"], env)
    out = json.loads(p.stdout)
    assert "Traceback" not in p.stderr
    assert isinstance(out["hits"], list)
    if len(query) > 200:
        assert "先頭" in out["message"]


def test_batch_keeps_order_and_accepts_plain_lines(env, tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text('{"query": "同行"}\n簿冊\n\n{"query": "存在しない語句ですよ"}\n', encoding="utf-8")
    lines = run(["search", "--batch", str(f), "--json"], env).stdout.splitlines()
    results = [json.loads(x) for x in lines]
    assert [r["query"] for r in results] == ["同行", "簿冊", "存在しない語句ですよ"]
    assert results[0]["hits"][0]["section_id"] == "art-3"
    assert results[1]["hits"][0]["section_id"] == "art-4"


def test_kind_filter(env):
    out = json.loads(run(["search", "同行", "--kind", "law", "--json"], env).stdout)
    assert out["total"] == 0


def test_missing_index_is_a_clear_message(tmp_path):
    e = dict(os.environ, KB_INDEX=str(tmp_path / "none"), KB_CORPUS=str(tmp_path))
    p = run(["search", "同行"], e, check=False)
    assert p.returncode != 0 and "kb index" in p.stderr and "Traceback" not in p.stderr


def test_eval_prints_metrics_and_summary_last(env, tmp_path):
    f = tmp_path / "dev.jsonl"
    f.write_text(json.dumps({"query": "交番に同行", "expect": ["地域幹部の指示"], "type": "question"},
                            ensure_ascii=False) + "\n" +
                 json.dumps({"query": "簿冊", "expect": ["存在しない句"], "type": "keyword"},
                            ensure_ascii=False) + "\n", encoding="utf-8")
    lines = run(["eval", str(f)], env).stdout.strip().splitlines()
    assert lines[-1].startswith("ALL") and "R@1=0.500" in lines[-1] and "MRR@10=0.500" in lines[-1]
    assert any(x.startswith("question") and "R@1=1.000" in x for x in lines)


def test_eval_ablate_prints_full_and_each_component_removed(env, tmp_path):
    f = tmp_path / "dev.jsonl"
    f.write_text(json.dumps({"query": "交代で連れて行く", "expect": ["交番に同行"], "type": "paraphrase"},
                            ensure_ascii=False) + "\n", encoding="utf-8")
    # same index, a corpus folder of its own for the dictionary (the module's corpus stays as it is)
    atomic_write(tmp_path / "corpus" / "dictionary" / "synonyms.yaml", "expansions:\n  連れて行く: [同行]\n")
    env = dict(env, KB_CORPUS=str(tmp_path / "corpus"))
    rows = {line.split("|")[1].strip(): line for line in
            run(["eval", str(f), "--ablate"], env).stdout.strip().splitlines()[2:]}
    assert {"plain", "full", "-synonyms", "-readings", "-references", "-priors"} <= set(rows)
    # 連れて行く reaches 同行 only through the dictionary: without synonyms the query misses
    assert "| 1.000 |" in rows["full"] and "| 0.000 |" in rows["-synonyms"]
