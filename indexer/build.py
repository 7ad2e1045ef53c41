"""Full index builds from the corpus into a new generation."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex

from indexer import generations
from indexer.records import section_records
from indexer.schema import section_schema
from kb.document import Document
from kb.store import LoadError, atomic_write, iter_documents

CATALOG = "catalog.json"


def catalog_entry(doc: Document) -> dict:
    """What searchers need to know of a document without opening it."""
    m = doc.meta
    return {"title": doc.title, "kind": doc.kind, "status": m["status"], "in_force": doc.in_force,
            "path": doc.path, "confidentiality": m["confidentiality"], "allowed": m["allowed"],
            "department": m["department"], "sections": [s.id for s in doc.sections],
            "basis": list(m.get("basis") or []), "headings": [s.heading for s in doc.sections]}


def write_catalog(gen_dir: Path, catalog: dict) -> None:
    atomic_write(Path(gen_dir) / CATALOG, json.dumps(catalog, ensure_ascii=False))


def read_catalog(gen_dir: Path) -> dict:
    try:
        return json.loads((Path(gen_dir) / CATALOG).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


@dataclass
class BuildReport:
    generation: str
    documents: int
    sections: int
    characters: int
    seconds: float
    errors: list[LoadError] = field(default_factory=list)


def write_generation(corpus: Path, build_dir: Path, progress=None) -> BuildReport:
    """Index every document of the corpus into an empty folder."""
    t0 = time.perf_counter()
    ix = windex.create_in(str(build_dir), section_schema())
    errors: list[LoadError] = []
    docs = sections = chars = 0
    catalog = {}
    writer = ix.writer(limitmb=256)
    try:
        for doc in iter_documents(corpus, errors):
            docs += 1
            catalog[doc.id] = catalog_entry(doc)
            for rec in section_records(doc):
                writer.add_document(**rec)
                sections += 1
                chars += rec["length"]
            if progress:
                progress(doc)
        writer.commit(optimize=True)
    except BaseException:
        writer.cancel()
        raise
    write_catalog(build_dir, catalog)
    return BuildReport(build_dir.name, docs, sections, chars, time.perf_counter() - t0, errors)


def rebuild(corpus: Path, home: Path, progress=None) -> BuildReport:
    """Build a complete new generation and switch to it; the live one serves until the switch."""
    with generations.rebuild_lock(home):
        generations.clean_stale_builds(home)
        build_dir = generations.new_build_dir(home)
        try:
            report = write_generation(corpus, build_dir, progress)
        except BaseException:
            import shutil
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        report.generation = generations.swap_generation(home, build_dir).name
        return report
