"""Full index builds from the corpus into a new generation."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex

from indexer import generations
from indexer.records import section_records
from indexer.schema import section_schema
from kb.store import LoadError, iter_documents


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
    writer = ix.writer(limitmb=256)
    try:
        for doc in iter_documents(corpus, errors):
            docs += 1
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
