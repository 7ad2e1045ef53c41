"""Front matter, defaults, bad input and article-level sections."""
import datetime as dt

import pytest

from kb.document import MAX_SECTION_CHARS, DocumentError, anchor_for, parse_document
from kb.store import LoadError, atomic_write, iter_documents

MINIMAL = "---\nid: memo\ntitle: 手書きメモ\nkind: manual\n---\n本文だけの文書。\n"


def test_only_id_title_kind_are_required():
    doc = parse_document(MINIMAL)
    assert doc.meta["status"] == "in_force"
    assert doc.meta["confidentiality"] == "public"
    assert doc.meta["tags"] == [] and doc.meta["effective_until"] is None
    assert [s.id for s in doc.sections] == ["preamble"]
    assert doc.sections[0].breadcrumb == ["手書きメモ"]


@pytest.mark.parametrize("text, needle", [
    ("no front matter", "front matter"),
    ("---\nid: [unclosed\n---\nx", "malformed"),
    ("---\ntitle: t\nkind: manual\n---\nx", "id"),
    ("---\nid: a\ntitle: t\nkind: novel\n---\nx", "kind"),
    ("---\nid: a\ntitle: t\nkind: manual\npromulgated: 令和6年\n---\nx", "ISO date"),
])
def test_bad_front_matter_gets_a_clear_message(text, needle):
    with pytest.raises(DocumentError) as e:
        parse_document(text, "x.md")
    assert needle in str(e.value)
    assert e.value.message_ja
    assert str(e.value).startswith("x.md")


def test_invalid_utf8_is_reported_not_crashed():
    with pytest.raises(DocumentError) as e:
        parse_document(MINIMAL.encode() + b"\xff\xfe", "bad.md")
    assert "UTF-8" in str(e.value)


def test_sections_carry_breadcrumbs_and_explicit_anchors():
    doc = parse_document(
        "---\nid: k\ntitle: 規程\nkind: regulation\npromulgated: 2024-12-23\n---\n# 規程\n\n"
        "## 第1章 総則 {#ch-1}\n\n### 第3条（初動的な措置の範囲等） {#art-3}\n\n本文\n\n"
        "## 別表第1（第14条関係） {#table-1}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert doc.meta["promulgated"] == dt.date(2024, 12, 23)
    assert [s.id for s in doc.sections] == ["art-3", "table-1"]
    assert doc.sections[0].breadcrumb == ["規程", "第1章 総則", "第3条（初動的な措置の範囲等）"]


def test_anchor_without_explicit_id_is_stable():
    assert anchor_for("第１２条の２（見出し）") == "art-12-2"
    assert anchor_for("別表第2") == "table-2"
    assert anchor_for("概要") == anchor_for("概要") != anchor_for("目的")


def test_long_article_splits_at_kou_boundaries():
    para = "あ" * 900
    body = f"## 第5条 {{#art-5}}\n\n{para}\n\n２　{para}\n\n３　{para}\n\n４　{para}\n"
    doc = parse_document("---\nid: l\ntitle: 法\nkind: law\n---\n" + body)
    ids = [s.id for s in doc.sections]
    assert ids[0] == "art-5" and len(ids) >= 2
    assert all(i.startswith("art-5-p") for i in ids[1:])
    assert all(len(s.text) <= MAX_SECTION_CHARS for s in doc.sections)
    assert doc.sections[1].text.startswith(("２", "３", "４"))


def test_atomic_write_replaces_whole_file(tmp_path):
    p = tmp_path / "manuals" / "a.md"
    atomic_write(p, MINIMAL)
    atomic_write(p, MINIMAL.replace("手書きメモ", "改訂メモ"))
    assert "改訂メモ" in p.read_text()
    assert [x.name for x in p.parent.iterdir()] == ["a.md"]


def test_corpus_loader_reports_bad_files_and_keeps_good_ones(tmp_path):
    atomic_write(tmp_path / "manuals" / "good.md", MINIMAL)
    (tmp_path / "manuals" / "bad.md").write_bytes(b"---\nid: x\n")
    errors: list[LoadError] = []
    docs = list(iter_documents(tmp_path, errors))
    assert [d.id for d in docs] == ["memo"]
    assert len(errors) == 1 and errors[0].path.endswith("bad.md")
