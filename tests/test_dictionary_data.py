"""Shipped search data: the police dictionary (synonyms.yaml) and the fictional sample inquiries."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

import shared_data
from shared_data import require

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SYNONYMS = CORPUS / "dictionary" / "synonyms.yaml"
INQUIRIES = sorted((CORPUS / "inquiries").glob("*/inq-*.md"))
SOURCES = Path(os.environ.get("KB_SOURCES", shared_data.SOURCES))

CATEGORIES = {"地域", "交通", "刑事", "生活安全", "警備", "総務"}
REQUIRED = ("id", "title", "kind", "sample", "category", "received", "answered", "status",
            "confidentiality", "department", "basis", "tags")
# Anchor conventions of docs/corpus-format.md: art-3, art-12-2, table-1, suppl-art-1, and 通達 items
# ki-1-2-a where the kana item is romanised by the importer (ア a, イ i, ウ u, カ ka ...).
ANCHOR = re.compile(r"^(art-\d+(-\d+)*|table-\d+|ki-\d+(-\d+)?(-[a-z]+)?|suppl(-\d+)?(-art-\d+)?)$")
HEADING_ANCHOR = re.compile(r"^#{1,6} .*\{#([A-Za-z0-9_.:-]+)\}\s*$", re.M)
PHONE = re.compile(r"(?<![0-9０-９])[0-9０-９]{2,4}[-－ー‐(（)）][0-9０-９]{2,4}[-－ー‐][0-9０-９]{3,4}(?![0-9０-９])"
                   r"|(?<![0-9])0[0-9]{9,10}(?![0-9])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _known_ids() -> set[str]:
    """Document ids: source texts (id + .txt) and documents already imported into corpus/."""
    ids = {p.stem for p in SOURCES.glob("*.txt")} if SOURCES.is_dir() else set()
    for p in CORPUS.rglob("*.md"):
        if "dictionary" not in p.parts and "inquiries" not in p.parts:
            ids.add(p.stem)
    return ids


def _imported_anchors(doc_id: str) -> set[str] | None:
    """Explicit heading anchors of a document already imported into corpus/, else None."""
    for p in CORPUS.rglob(f"{doc_id}.md"):
        if "dictionary" not in p.parts and "inquiries" not in p.parts:
            return set(HEADING_ANCHOR.findall(p.read_text(encoding="utf-8")))
    return None


def _front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    assert m, f"{path.name}: no front matter"
    return yaml.safe_load(m.group(1)), text[m.end():]


@pytest.fixture(scope="module")
def synonyms() -> dict:
    return yaml.safe_load(SYNONYMS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def known_ids() -> set[str]:
    ids = _known_ids()
    assert ids, "no source texts or imported documents to check ids against"
    return ids


# ---------------------------------------------------------------- synonyms.yaml

def test_synonyms_has_the_four_blocks(synonyms):
    assert set(synonyms) == {"groups", "expansions", "everyday", "law_aliases"}
    assert set(synonyms["everyday"]) == {"acts", "people", "objects", "behaviour", "places", "states", "times", "procedures"}
    assert isinstance(synonyms["groups"], list)
    assert isinstance(synonyms["expansions"], dict)
    assert isinstance(synonyms["law_aliases"], dict)
    assert len(synonyms["groups"]) + len(synonyms["expansions"]) >= 120


def test_groups_are_non_empty_and_do_not_overlap(synonyms):
    seen: dict[str, int] = {}
    for i, group in enumerate(synonyms["groups"]):
        assert isinstance(group, list) and len(group) >= 2, f"group {i}: {group!r}"
        for term in group:
            assert isinstance(term, (str, int)) and str(term).strip(), f"group {i}: empty term"
            term = str(term).strip()
            assert term not in seen, f"{term!r} in groups {seen[term]} and {i}"
            seen[term] = i


def test_expansions_are_one_way_and_non_empty(synonyms):
    grouped = {str(t).strip() for g in synonyms["groups"] for t in g}
    for key, values in synonyms["expansions"].items():
        key = str(key).strip()
        assert key, "empty expansion key"
        assert key not in grouped, f"{key!r} is both an expansion key and a group term"
        assert isinstance(values, list) and values, f"{key!r}: no values"
        values = [str(v).strip() for v in values]
        assert all(values), f"{key!r}: empty value"
        assert len(values) == len(set(values)), f"{key!r}: duplicate value"
        assert key not in values, f"{key!r} expands to itself"


def test_law_aliases_point_to_existing_documents(synonyms, known_ids):
    aliases = synonyms["law_aliases"]
    assert aliases
    for alias, doc_id in aliases.items():
        assert str(alias).strip(), "empty alias"
        assert doc_id in known_ids, f"{alias!r} -> unknown document {doc_id!r}"


def test_every_source_document_has_an_alias(synonyms):
    require(SOURCES, "the corpus sources")
    targets = set(synonyms["law_aliases"].values())
    missing = {p.stem for p in SOURCES.glob("*.txt")} - targets
    assert not missing, f"no alias for {sorted(missing)}"


# ---------------------------------------------------------------- sample inquiries

def test_there_are_enough_sample_inquiries():
    assert len(INQUIRIES) >= 32
    categories = {_front_matter(p)[0].get("category") for p in INQUIRIES}
    assert categories == CATEGORIES


@pytest.mark.parametrize("path", INQUIRIES, ids=lambda p: p.stem)
def test_sample_inquiry_front_matter(path):
    meta, _ = _front_matter(path)
    missing = [k for k in REQUIRED if k not in meta or meta[k] in (None, "", [])]
    assert not missing, f"missing {missing}"
    assert meta["id"] == path.stem
    assert path.parent.name == str(meta["received"])[:4], "file not under its year folder"
    assert meta["kind"] == "inquiry"
    assert meta["sample"] is True
    assert meta["category"] in CATEGORIES
    assert meta["status"] == "in_force"
    assert meta["confidentiality"] in ("public", "internal")
    assert str(meta["received"]) <= str(meta["answered"])


@pytest.mark.parametrize("path", INQUIRIES, ids=lambda p: p.stem)
def test_sample_inquiry_basis_points_to_real_documents(path, known_ids):
    meta, body = _front_matter(path)
    for entry in meta["basis"]:
        doc_id, _, anchor = str(entry).partition("#")
        assert doc_id in known_ids, f"unknown document {doc_id!r}"
        assert ANCHOR.match(anchor), f"bad anchor {anchor!r} in {entry!r}"
        assert f"](/docs/{doc_id}#{anchor})" in body, f"{entry} not linked under 根拠"
        anchors = _imported_anchors(doc_id)
        if anchors is not None:
            assert anchor in anchors, f"{entry}: no such section in the imported document"


@pytest.mark.parametrize("path", INQUIRIES, ids=lambda p: p.stem)
def test_sample_inquiry_body(path):
    meta, body = _front_matter(path)
    assert "> この照会事例は架空のサンプルです。" in body
    assert re.search(r"^# \S", body, re.M), "no # title"
    assert not re.search(r"^#{2,6} ", body, re.M), "an inquiry is one section: no ## headings"
    m = re.search(r"\*\*質問\*\*(.*?)\*\*回答\*\*(.*?)\*\*根拠\*\*(.*)\Z", body, re.S)
    assert m, "質問 / 回答 / 根拠 missing or out of order"
    question, answer, basis = (g.strip() for g in m.groups())
    assert len(question) >= 20
    assert len(answer) >= 50
    assert re.search(r"^- \[[^\]]+\]\(/docs/[a-z0-9-]+#[a-z0-9-]+\)$", basis, re.M)


@pytest.mark.parametrize("path", INQUIRIES, ids=lambda p: p.stem)
def test_sample_inquiry_has_no_contact_data(path):
    text = path.read_text(encoding="utf-8")
    assert not PHONE.search(text), f"phone-like number: {PHONE.search(text).group(0)}"
    assert not EMAIL.search(text), f"e-mail address: {EMAIL.search(text).group(0)}"


def test_everyday_words_lead_to_words_the_texts_use(synonyms):
    """Each value of an everyday word occurs in an official text (after analysis, so 酒類を販売
    counts when 酒類 and 販売 both occur); keys are unique, never group terms, never one character."""
    from indexer.query import analyze_words
    texts = "".join(p.read_text(encoding="utf-8") for kind in ("laws", "regulations", "notices")
                    for p in (CORPUS / kind).glob("*.md"))
    indexed = {w.term for w in analyze_words(texts[:2_000_000], 0)}
    grouped = {str(t).strip() for g in synonyms["groups"] for t in g}
    seen = set(synonyms["expansions"])
    for category, entries in synonyms["everyday"].items():
        for key, values in entries.items():
            assert len(key) > 1 and key not in grouped and key not in seen, f"{category}: {key!r}"
            seen.add(key)
            for value in values:
                assert value in texts or all(w.term in indexed for w in analyze_words(value, 0)), \
                    f"{category}: {key!r} -> {value!r} occurs in no official text"
