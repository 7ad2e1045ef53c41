"""「Asked as」: how officers worded the questions a section answered, indexed with that section.

Every published inquiry pairs an officer's question with the sections the desk cited as its
basis. Its title and question (anonymised and reviewed before publishing) become a low-weight
field of each basis section, so the next officer who asks the same thing in other words lands on
the article itself, not only on the inquiry. Only public inquiries lend their wording: a
restricted one must not make a public section findable by its words.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from kb.asked_seeds import read_seeds
from kb.document import Document, DocumentError, read_document
from kb.store import atomic_write, document_paths

INQUIRY_FOLDER = "inquiries"
# Wordings from results pages (kb.clicks, anonymised, 3+ users), saved in the index home by
# `kb index` / `kb reindex` so that every later build and publish uses the same set.
CLICKS_FILE = "asked-clicks.json"
_QUESTION = re.compile(r"\*\*質問\*\*\s*(.*?)\s*(?:\*\*回答\*\*|$)", re.S)
_NOTE = re.compile(r"^>.*$", re.M)     # 「この照会事例は架空のサンプルです。」


def officer_wording(doc: Document) -> str:
    """The inquiry's title and question, as the officer (and the desk's FAQ title) put it."""
    m = _QUESTION.search(doc.body)
    question = _NOTE.sub("", m.group(1)).strip() if m else ""
    return "\n".join(x for x in (doc.title, question) if x)


def write_clicks(home: Path, wordings: dict[str, list[str]]) -> None:
    Path(home).mkdir(parents=True, exist_ok=True)
    atomic_write(Path(home) / CLICKS_FILE, json.dumps(wordings, ensure_ascii=False, sort_keys=True))


def read_clicks(home: Path) -> dict[str, list[str]]:
    try:
        data = json.loads((Path(home) / CLICKS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return {str(k): [str(x) for x in v] for k, v in data.items() if isinstance(v, list)}


def asked_map(corpus: Path, received_before: dt.date | None = None,
              docs: list[Document] | None = None, clicks: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Section key → wordings of the public inquiries that cite it as their basis (optionally only
    those received before a date: the time split of docs/search-quality.md), then the queries
    officers opened it from (`clicks`), then its expected questions (kb.asked_seeds)."""
    if docs is None:
        docs = []
        for path in document_paths(corpus):
            if INQUIRY_FOLDER not in path.relative_to(corpus).parts[:1]:
                continue
            try:
                docs.append(read_document(path))
            except DocumentError:
                continue     # the build reports unreadable files itself
    out: dict[str, list[str]] = {}
    for doc in docs:
        m = doc.meta
        if doc.kind != "inquiry" or m.get("confidentiality", "public") != "public":
            continue
        received = m.get("received")
        if received_before and (not isinstance(received, dt.date) or received >= received_before):
            continue
        wording = officer_wording(doc)
        for key in m.get("basis") or []:
            out.setdefault(str(key), []).append(wording)
    for key, queries in (clicks or {}).items():
        out.setdefault(key, []).extend(queries)
    for key, wordings in read_seeds(corpus).wordings.items():
        out.setdefault(key, []).extend(wordings)
    return out
