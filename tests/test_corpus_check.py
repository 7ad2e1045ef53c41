"""`kb check` over a corpus, and cross-references that become links."""
import datetime as dt
import os
import subprocess
import sys

from kb.check import check_corpus
from kb.crossrefs import build_library, document_names, resolve_references
from kb.document import parse_document
from kb.store import atomic_write

RULE = """---
id: kisoku
title: 地域警察運営規則
kind: law
---
## 第3条（初動） {#art-3}

初動的な措置をとる。

## 第5条（勤務） {#art-5}

勤務の種別は、次のとおりとする。
"""
KITEI = """---
id: kitei
title: 地域警察運営規程
kind: regulation
---
## 第1条（趣旨） {#art-1}

この規程は、地域警察運営規則（昭和44年国家公安委員会規則第5号。以下「規則」という。）の規定により定める。

## 第2条（措置） {#art-2}

規則第5条第1項の勤務については前条による。刑事訴訟法第二百十二条の規定を準用する。第1条を見よ。
"""


def library(*texts):
    docs = [parse_document(t) for t in texts]
    return docs, build_library(docs, {"地域規則": "kisoku"})


def test_citations_resolve_to_sections():
    docs, lib = library(RULE, KITEI)
    kitei = docs[1]
    art2 = next(s for s in kitei.sections if s.id == "art-2")
    refs = resolve_references(art2.plain_text, "kitei", "art-2", lib, document_names(kitei.body))
    links = {r.text: r.url for r in refs}
    assert links["規則第5条第1項"] == "/docs/kisoku#art-5"       # a name the document defines
    assert links["前条"] == "/docs/kitei#art-1"                     # relative to the article
    assert links["第1条"] == "/docs/kitei#art-1"                    # the same document
    unresolved = [r for r in refs if r.url is None]
    assert [r.text for r in unresolved] == ["刑事訴訟法第二百十二条"]  # not in the corpus: plain text


def test_check_finds_errors_with_file_and_line(tmp_path):
    atomic_write(tmp_path / "laws" / "kisoku.md", RULE)
    atomic_write(tmp_path / "regulations" / "kitei.md", KITEI)
    atomic_write(tmp_path / "manuals" / "dup.md", RULE.replace("kind: law", "kind: manual"))
    atomic_write(tmp_path / "manuals" / "broken.md", "---\nid: broken\ntitle: [x\n---\n")
    atomic_write(tmp_path / "manuals" / "old.md",
                 "---\nid: old\ntitle: 旧要領\nkind: manual\neffective_until: 2020-03-31\n---\n"
                 "本文。[規則第9条](/docs/kisoku#art-9)\n")
    report = check_corpus(tmp_path, {}, today=dt.date(2026, 1, 1))
    errors = [str(f) for f in report.errors]
    assert any("duplicate id 'kisoku'" in e for e in errors)
    assert any("broken.md:" in e and "malformed" in e for e in errors)
    assert any("old.md:5" in e and "effective_until" in e for e in errors)
    assert any("old.md:7" in e and "missing section kisoku#art-9" in e for e in errors)
    assert any("刑事訴訟法第二百十二条" in x for x in report.unresolved["kitei"])


def test_check_command_exit_status(tmp_path):
    atomic_write(tmp_path / "laws" / "kisoku.md", RULE)
    env = dict(os.environ, KB_CORPUS=str(tmp_path))
    ok = subprocess.run([sys.executable, "-m", "kb_cli.cli", "check"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and "0 errors" in ok.stdout
    atomic_write(tmp_path / "laws" / "bad.md", "---\nid: bad\n---\n")
    bad = subprocess.run([sys.executable, "-m", "kb_cli.cli", "check"], env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "bad.md" in bad.stdout and "1 errors" in bad.stdout


def test_repository_corpus_passes_check():
    from pathlib import Path

    from indexer.dictionary import load_dictionary
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    report = check_corpus(corpus, load_dictionary(corpus / "dictionary").law_aliases)
    assert report.documents > 50
    assert not report.errors, "\n".join(map(str, report.errors))
