"""The live generation's catalog.json: what searchers know of each document without opening it
(title, kind, sections, confidentiality, ...), read and written in one place."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from kb.citations import defined_names, law_id_of
from kb.document import OFFICIAL_KINDS, Document
from kb.store import atomic_write

CATALOG = "catalog.json"
LAW_SUFFIXES = ("法", "規則", "規範", "規程", "令")
_SHORT_NAME = re.compile(r"[一-龥々ァ-ヺー・]{3,10}")


def catalog_entry(doc: Document) -> dict:
    """What searchers need to know of a document without opening it."""
    m = doc.meta
    return {"title": doc.title, "kind": doc.kind, "status": m["status"], "in_force": doc.in_force,
            "path": doc.path, "confidentiality": m["confidentiality"], "allowed": m["allowed"],
            "department": m["department"], "sections": [s.id for s in doc.sections],
            "basis": list(m.get("basis") or []), "headings": [s.heading for s in doc.sections],
            "defines": law_short_names(doc),
            "superseded_by": str(m["superseded_by"]) if m.get("superseded_by") else None,
            "law_id": law_id_of(m), "sharing": m.get("sharing") or "local",
            "origin": (m.get("origin") or {}).get("org", "") if isinstance(m.get("origin"), dict) else ""}


def law_short_names(doc: Document) -> dict[str, str]:
    """Short names an official text gives other laws with 「以下「刑訴法」という」: {short: full}.
    Generic ones (法, 規則, 新法, 旧法, 改正法) name something different in every text."""
    if doc.kind not in OFFICIAL_KINDS:
        return {}
    return {short: full for short, full in defined_names(doc.body).items()
            if _SHORT_NAME.fullmatch(short) and short.endswith(LAW_SUFFIXES)
            and not any(w in short for w in ("新", "旧", "改正")) and short != full}


def write_catalog(gen_dir: Path, catalog: dict) -> None:
    atomic_write(Path(gen_dir) / CATALOG, json.dumps(catalog, ensure_ascii=False))


def read_catalog(gen_dir: Path) -> dict:
    try:
        return json.loads((Path(gen_dir) / CATALOG).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def catalog_stamp(gen_dir: Path) -> tuple | None:
    """What changes when catalog.json is replaced (an os.replace gives a new inode)."""
    try:
        st = os.stat(Path(gen_dir) / CATALOG)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)
