"""A way in for a first-time user: 使い方 (/help) and the list of what is in the collection (/docs/),
by kind, with the chapters (章・編) of each law and regulation."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, render_template

from indexer.generations import current_path
from kb.document import KIND_LABELS, KINDS, anchor_for, heading_parts
from webui.auth import access, requires
from webui.extensions import get_engine as engine

bp = Blueprint("guide", __name__)

_CHAPTER = re.compile(r"^#{2,3}[ \t]+(第[一二三四五六七八九十百0-9０-９]+[編章](?:の[一二三四五六七八九十]+)?[ \t　].*)$", re.M)
LISTED_INQUIRIES = 0         # published cases are many and found by search; the list gives their count


@lru_cache(maxsize=256)
def chapters_of(path: str, stamp: int) -> tuple[tuple[str, str], ...]:
    """(heading, element id) of each 編・章 heading of a corpus file (cached per file version)."""
    text = Path(path).read_text(encoding="utf-8")
    out = []
    for m in _CHAPTER.finditer(text):
        heading, anchor = heading_parts(m.group(1).strip())
        out.append((heading, anchor or anchor_for(heading)))
    return tuple(out)


def chapters(entry: dict, corpus: Path) -> tuple[tuple[str, str], ...]:
    path = Path(entry.get("path") or "")
    if not path.is_absolute():
        path = corpus / path
    try:
        return chapters_of(str(path), path.stat().st_mtime_ns)
    except OSError:
        return ()


@bp.get("/help")
@requires("read")
def help_page():
    return render_template("guide/help.html")


@bp.get("/docs/")
@requires("read")
def documents():
    current_path(engine().home)          # raises IndexMissing → 503 page
    engine().searcher()                  # brings the catalog up to the live generation
    reader = access()
    corpus = Path(current_app.config["CORPUS"])
    groups = {k: [] for k in KINDS}
    for doc_id, e in engine().catalog.items():
        if e.get("kind") not in groups or not reader.can_read_entry(e):
            continue
        groups[e["kind"]].append({"id": doc_id, "title": e["title"], "in_force": e.get("in_force", True),
                                  "status": e.get("status", "in_force"), "sections": len(e.get("sections", [])),
                                  "chapters": chapters(e, corpus) if e["kind"] in ("law", "regulation") else ()})
    for items in groups.values():
        items.sort(key=lambda d: d["title"])
    return render_template("guide/documents.html", groups=[(k, KIND_LABELS[k], groups[k]) for k in KINDS if groups[k]])
