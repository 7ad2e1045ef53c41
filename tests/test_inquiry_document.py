"""A published inquiry becomes a corpus document with one searchable Q&A section."""
import datetime as dt

import pytest

from kb.document import parse_document
from kb.inquiries import Basis, PublishedInquiry, inquiry_markdown, next_inquiry_id, title_from_question


def sample(**kw):
    base = dict(id="inq-2026-0101", title="交通違反者を交番へ同行させるとき", category="交通",
                question="〔氏名A〕を交番へ同行させたい。\n誰の指示が要りますか？",
                answer="地域幹部の指示を受けてください。", received=dt.date(2026, 11, 2),
                answered=dt.date(2026, 11, 3), department="地域部地域課",
                basis=[Basis("okayama-chiiki-keisatsu-unei-kitei", "art-3", "岡山県警察地域警察運営規程 第3条")])
    base.update(kw)
    return PublishedInquiry(**base)


def test_markdown_parses_as_one_section_with_basis_links():
    doc = parse_document(inquiry_markdown(sample()))
    assert doc.kind == "inquiry" and doc.meta["basis"] == ["okayama-chiiki-keisatsu-unei-kitei#art-3"]
    assert doc.meta["answered"] == dt.date(2026, 11, 3)
    assert [s.id for s in doc.sections] == ["preamble"]
    text = doc.sections[0].plain_text
    assert "質問" in text and "地域幹部の指示" in text and "〔氏名A〕" in text
    assert "](/docs/okayama-chiiki-keisatsu-unei-kitei#art-3)" in doc.body


def test_markdown_injection_in_labels_is_neutralised():
    md = inquiry_markdown(sample(basis=[Basis("x", "art-1", "悪い](javascript:alert(1))[")]))
    assert "](javascript:" not in md


def test_unknown_category_is_refused():
    with pytest.raises(ValueError):
        inquiry_markdown(sample(category="不明"))


def test_ids_and_titles():
    assert next_inquiry_id(["inq-2026-0007", "inq-2025-0100", "other"], 2026) == "inq-2026-0008"
    assert next_inquiry_id([], 2027) == "inq-2027-0001"
    assert title_from_question("拾得物の報労金は？ 詳しくは次のとおり。") == "拾得物の報労金は？"
    assert len(title_from_question("あ" * 100)) == 40


def test_headings_typed_in_the_answer_do_not_split_the_inquiry():
    doc = parse_document(inquiry_markdown(sample(answer="## 見出し\n---\n# 題\n本文")))
    assert [s.id for s in doc.sections] == ["preamble"]
    assert "見出し" in doc.sections[0].plain_text
