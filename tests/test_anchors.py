"""Section ids and their links are written and read by one grammar (kb.anchors): what one
module writes, every other reads back the same."""
import re

import pytest

from kb.anchors import (
    DOC_LINK_TARGET,
    document_url,
    heading_anchor,
    parse_reference,
    section_key,
    section_url,
    split_key,
)
from kb.document import heading_parts, split_sections


@pytest.mark.parametrize("doc_id, section_id", [
    ("law-keisatsukan-shokumu-shikko-ho", "art-2"), ("okayama-kitei", "art-3-2-para-2"),
    ("notice-2024.1", "ki-2-1"), ("inquiry-2025-0007", "preamble"),
])
def test_keys_urls_links_and_pasted_references_read_back(doc_id, section_id):
    key, url = section_key(doc_id, section_id), section_url(doc_id, section_id)
    assert split_key(key) == (doc_id, section_id)
    assert url == f"{document_url(doc_id)}#{section_id}"
    link = re.fullmatch(rf"\[label\]\({DOC_LINK_TARGET}\)", f"[label]({url})")
    assert link and link.groups() == (doc_id, section_id)
    for pasted in (key, url, f"https://kb.example.lan{url}"):
        assert parse_reference(pasted) == (doc_id, section_id)
    assert parse_reference(document_url(doc_id)) == (doc_id, "") and split_key(doc_id) == (doc_id, "")


def test_a_pasted_reference_that_is_no_section_is_refused():
    assert parse_reference("警職法2条") is None and parse_reference("a b#c") is None


def test_an_explicit_heading_anchor_becomes_the_section_id():
    assert heading_parts("第3条（趣旨）" + heading_anchor("art-3")) == ("第3条（趣旨）", "art-3")
    sections = split_sections(f"# 規程\n\n## 第3条（趣旨）{heading_anchor('sec-x')}\n\n本文。\n", "規程")
    assert [s.id for s in sections if s.heading.startswith("第3条")] == ["sec-x"]
