"""`kb import` turns an official plain text into a corpus document that indexes and searches."""
import json
import os
import subprocess
import sys

from shared_data import SOURCES, require

KITEI = """○架空県警察遺失物取扱規程

令和7年4月1日

警察訓令第3号

架空県警察遺失物取扱規程を次のように定める。

（趣旨）

第1条 この規程は、遺失物の取扱いに関し必要な事項を定めるものとする。

（拾得物の受理）

第2条 拾得物の提出を受けたときは、拾得物件預り書を交付しなければならない。

2 前項の場合において、拾得者の氏名を確認するものとする。

附則

この訓令は、令和7年5月1日から施行する。
"""


def kb(args, env, input=None):
    return subprocess.run([sys.executable, "-m", "kb_cli.cli", *args], env=env, input=input,
                          capture_output=True, text=True, timeout=120)


def test_import_index_search(tmp_path):
    src = tmp_path / "ishitsubutsu.txt"
    src.write_text(KITEI, encoding="utf-8")
    env = dict(os.environ, KB_CORPUS=str(tmp_path / "corpus"), KB_INDEX=str(tmp_path / "index"))
    p = kb(["import", str(src), "--kind", "regulation", "--source", "架空県警察 (fictional test text)"], env)
    assert p.returncode == 0, p.stderr
    md = (tmp_path / "corpus" / "regulations" / "ishitsubutsu.md").read_text(encoding="utf-8")
    assert "number: 警察訓令第3号" in md and "promulgated: 2025-04-01" in md
    assert "effective_from: 2025-05-01" in md and "{#art-2}" in md
    assert "source: 架空県警察 (fictional test text)" in md
    # importing again without --force refuses and keeps the file
    again = kb(["import", str(src)], env)
    assert again.returncode != 0 and "--force" in again.stderr
    assert kb(["index"], env).returncode == 0
    out = json.loads(kb(["search", "拾得物件預り書", "--json"], env).stdout)
    assert out["hits"][0]["url"] == "/docs/ishitsubutsu#art-2"
    assert out["hits"][0]["breadcrumb"][-1] == "第2条（拾得物の受理）"


def test_import_rejects_invalid_utf8_and_writes_nothing(tmp_path):
    src = tmp_path / "bad.txt"
    src.write_bytes("第1条 本文".encode("shift_jis"))
    env = dict(os.environ, KB_CORPUS=str(tmp_path / "corpus"))
    p = kb(["import", str(src)], env)
    assert p.returncode != 0 and "UTF-8" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "corpus").exists()


def test_import_to_stdout(tmp_path):
    src = tmp_path / "k.txt"
    src.write_text(KITEI, encoding="utf-8")
    p = kb(["import", str(src), "--stdout"], dict(os.environ, KB_CORPUS=str(tmp_path / "corpus")))
    assert p.returncode == 0 and p.stdout.startswith("---\n") and "第1条（趣旨）" in p.stdout
    assert not (tmp_path / "corpus").exists()


def test_import_sources_folder_refuses_overwrite_without_force(tmp_path):
    sources = require(SOURCES, "the corpus sources")
    env = dict(os.environ, KB_CORPUS=str(tmp_path / "corpus"), KB_INDEX=str(tmp_path / "index"))
    p = kb(["import", str(sources)], env)
    assert p.returncode == 0, p.stderr
    assert f"imported {len(list(sources.glob('*.txt')))} documents" in p.stdout
    keiho = (tmp_path / "corpus" / "laws" / "law-keiho.md").read_text(encoding="utf-8")
    assert "source: e-Gov 法令データ (ledmonster/japanese-law @ 9d02cc59), 140AC0000000045" in keiho
    again = kb(["import", str(sources)], env)
    assert again.returncode != 0 and "--force" in again.stderr
    assert (tmp_path / "corpus" / "laws" / "law-keiho.md").read_text(encoding="utf-8") == keiho
