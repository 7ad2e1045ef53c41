"""Full index builds from the corpus into a new generation: index, validate, replay, switch.

A build splits the corpus (in its usual order) into one contiguous part per CPU core; each part
is indexed by a child process into its own Whoosh index and the parts are merged in order, so the
result is the same index a single process builds, document numbers included. Children die with
their parent (PR_SET_PDEATHSIG), so a kill -9 leaves only a .build-* folder, which the next run
removes.
"""
from __future__ import annotations

import ctypes
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import index as windex
from whoosh import query as Q
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from indexer import generations
from indexer.asked import asked_map, read_clicks
from indexer.catalog import catalog_entry, read_catalog, write_catalog
from indexer.dictionary import load_dictionary
from indexer.generations import BUILD_INFO, read_build_info
from indexer.query import FULL, plan_query
from indexer.records import section_records
from indexer.schema import section_schema
from indexer.segwriter import BuildWriter
from indexer.updates import Journal, apply_documents, changed_since, read_changes, with_basis_documents, writer_lock
from kb.document import DocumentError, read_document
from kb.store import LoadError, atomic_write, document_paths

# below this much Markdown, starting child processes costs more than it saves
PARALLEL_MIN_BYTES = 512 * 1024
WRITER_MB = 256


class ValidationFailed(RuntimeError):
    """The new generation does not match the corpus; the live one stays."""


@dataclass
class Indexed:
    """Progress event: one document (or one unreadable file) done."""
    doc_id: str
    sections: int
    characters: int
    nbytes: int
    error: str = ""


@dataclass
class BuildReport:
    generation: str
    documents: int
    sections: int
    characters: int
    seconds: float
    errors: list[LoadError] = field(default_factory=list)
    files: int = 0
    jobs: int = 1
    started: float = 0.0            # epoch seconds
    finished: float = 0.0
    index_seconds: float = 0.0      # tokenise + write (parts in parallel)
    merge_seconds: float = 0.0
    validate_seconds: float = 0.0
    replayed: int = 0               # changes published during the build, replayed before the switch
    checks: list[str] = field(default_factory=list)

    def info(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "errors"}
        d["errors"] = [{"path": e.path, "error": str(e.error)} for e in self.errors]
        return d


# -- indexing one part ----------------------------------------------------------------------

# Segments are written as separate files, not Whoosh's default compound file: a searcher on a
# compound segment copies every sub-file out of its mmap into memory (~650 MB per searcher at 100k
# sections, one searcher per server thread), while separate files are read through the OS page
# cache that all threads and processes share.
def index_paths(paths: list[Path], out_dir: Path, progress=None,
                asked: dict[str, list[str]] | None = None) -> tuple[dict, list[LoadError], int, int]:
    """Index these files into a new Whoosh index in out_dir: (catalog, errors, sections, chars).
    `asked`: section key → officers' wordings (indexer.asked)."""
    ix = windex.create_in(str(out_dir), section_schema())
    catalog: dict = {}
    errors: list[LoadError] = []
    sections = chars = 0
    writer = BuildWriter(ix, limitmb=WRITER_MB, compound=False)
    try:
        for p in paths:
            nbytes = p.stat().st_size
            try:
                doc = read_document(p)
            except DocumentError as e:
                errors.append(LoadError(str(p), e))
                if progress:
                    progress(Indexed(p.stem, 0, 0, nbytes, str(e)))
                continue
            catalog[doc.id] = catalog_entry(doc)
            n = c = 0
            for rec in section_records(doc, asked):
                writer.add_document(**rec)
                n += 1
                c += rec["length"]
            sections += n
            chars += c
            if progress:
                progress(Indexed(doc.id, n, c, nbytes))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    return catalog, errors, sections, chars


def split_parts(paths: list[Path], jobs: int) -> list[list[Path]]:
    """Contiguous runs of `paths` with about equal bytes (order kept: the merge keeps it too)."""
    sizes = [p.stat().st_size for p in paths]
    total = sum(sizes) or 1
    parts, cur, acc = [], [], 0
    for p, s in zip(paths, sizes, strict=False):
        cur.append(p)
        acc += s
        if len(parts) < jobs - 1 and acc >= total * (len(parts) + 1) / jobs:
            parts.append(cur)
            cur = []
    parts.append(cur)
    return [p for p in parts if p]


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this child when its parent dies (a kill -9 of `kb reindex`)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)    # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:    # the parent died before the prctl took effect
        os._exit(1)


def _part_main(spec_file: str) -> None:
    """Child process (`python -m indexer.build PART.json`): index one part, one JSON line per
    document on stdout, then write the part's catalog and errors."""
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    parent = spec["parent"]
    _die_with_parent(parent)
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)

    def report(ev: Indexed):
        if os.getppid() != parent:
            os._exit(1)
        out.write(json.dumps(asdict(ev), ensure_ascii=False) + "\n")

    out_dir = Path(spec["out"])
    catalog, errors, sections, chars = index_paths([Path(p) for p in spec["paths"]], out_dir, report,
                                                   spec.get("asked"))
    write_catalog(out_dir, catalog)
    atomic_write(out_dir / "errors.json", json.dumps(
        [{"path": e.path, "error": str(e.error)} for e in errors], ensure_ascii=False))
    out.write(json.dumps({"done": True, "sections": sections, "characters": chars}) + "\n")
    out.close()


def _index_parallel(parts: list[list[Path]], build_dir: Path, progress,
                    asked: dict | None = None) -> tuple[list[Path], int, int]:
    """Index the parts in child processes (plain subprocesses: no multiprocessing re-import of
    the caller's __main__); returns the part folders in corpus order."""
    dirs, procs = [], []
    sel = selectors.DefaultSelector()
    try:
        for n, part in enumerate(parts):
            d = build_dir / ".parts" / str(n)
            d.mkdir(parents=True)
            dirs.append(d)
            spec = d.parent / f"{n}.json"
            spec.write_text(json.dumps({"parent": os.getpid(), "out": str(d), "paths": [str(p) for p in part],
                                        "asked": asked or {}}, ensure_ascii=False), encoding="utf-8")
            p = subprocess.Popen([sys.executable, "-m", "indexer.build", str(spec)],
                                 stdout=subprocess.PIPE, cwd=str(Path(__file__).resolve().parent.parent))
            procs.append(p)
            sel.register(p.stdout, selectors.EVENT_READ, n)
        done: dict[int, dict] = {}
        pending = {n: b"" for n in range(len(procs))}
        open_pipes = len(procs)
        while open_pipes:
            for key, _ in sel.select(timeout=1.0):
                n = key.data
                chunk = os.read(key.fileobj.fileno(), 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    open_pipes -= 1
                    continue
                pending[n] += chunk
                *lines, pending[n] = pending[n].split(b"\n")
                for line in lines:
                    msg = json.loads(line)
                    if msg.get("done"):
                        done[n] = msg
                    elif progress:
                        progress(Indexed(**msg))
        for n, p in enumerate(procs):
            if p.wait(timeout=60) != 0 or n not in done:
                raise RuntimeError(f"index worker {n} exited with {p.returncode}")
        return (dirs, sum(m["sections"] for m in done.values()),
                sum(m["characters"] for m in done.values()))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
            p.stdout.close()
        sel.close()


def join_parts(dirs: list[Path], build_dir: Path) -> tuple[dict, list[LoadError]]:
    """Make the parts' segments the segments of one index, in order, without rewriting them
    (Whoosh's add_reader would re-encode every posting: 8 s of 19 on the real corpus).
    Scores are unchanged (Whoosh takes term statistics over all segments); each later
    incremental commit merges small segments as usual."""
    catalog: dict = {}
    errors: list[LoadError] = []
    segments = []
    for d in dirs:      # in corpus order: document numbers as in a one-process build
        part = windex.open_dir(str(d))
        for seg in part._segments():
            for name in os.listdir(d):
                if name.startswith(f"{seg.indexname}_{seg.segid}"):
                    os.replace(d / name, build_dir / name)
            segments.append(seg)
        part.close()
        catalog.update(read_catalog(d))
        for e in json.loads((d / "errors.json").read_text(encoding="utf-8")):
            errors.append(LoadError(e["path"], DocumentError(e["error"], e["error"])))
    TOC(section_schema(), segments, 0).write(FileStorage(str(build_dir)), "MAIN")
    return catalog, errors


def write_generation(corpus: Path, build_dir: Path, progress=None, jobs: int | None = None,
                     asked_before=None, clicks: dict | None = None) -> BuildReport:
    """Index every document of the corpus into an empty folder (in parallel when it pays).
    `asked_before`: lend only the wording of inquiries received before this date (time split)."""
    t0 = time.perf_counter()
    started = time.time()
    paths = document_paths(corpus)
    asked = asked_map(corpus, asked_before, clicks=clicks)
    nbytes = sum(p.stat().st_size for p in paths)
    if jobs is None:     # automatic: every core, when the corpus is big enough to pay for it
        jobs = (os.cpu_count() or 1) if nbytes >= PARALLEL_MIN_BYTES else 1
    jobs = max(1, min(jobs, len(paths)))
    parts = split_parts(paths, jobs) if jobs > 1 else [paths]
    report = BuildReport(build_dir.name, 0, 0, 0, 0.0, files=len(paths), jobs=len(parts), started=started)
    if len(parts) <= 1:
        catalog, errors, sections, chars = index_paths(paths, build_dir, progress, asked)
        report.index_seconds = time.perf_counter() - t0
    else:
        dirs, sections, chars = _index_parallel(parts, build_dir, progress, asked)
        report.index_seconds = time.perf_counter() - t0
        t1 = time.perf_counter()
        catalog, errors = join_parts(dirs, build_dir)
        shutil.rmtree(build_dir / ".parts", ignore_errors=True)
        report.merge_seconds = time.perf_counter() - t1
    write_catalog(build_dir, catalog)
    report.documents, report.sections, report.characters = len(catalog), sections, chars
    report.errors = errors
    report.seconds = time.perf_counter() - t0
    return report


# -- validation -----------------------------------------------------------------------------

def validate_generation(gen_dir: Path, report: BuildReport, dictionary: Path | None = None,
                        probes: int = 5) -> list[str]:
    """Check a built generation before it goes live; raises ValidationFailed.

    Counts: every readable file is a catalogued document, the index holds exactly the sections
    built and the catalog lists, for exactly the catalogued documents. Queries: the titles of a
    few documents spread over the corpus, searched like an officer would (synonyms included),
    find their own document."""
    checks = []
    catalog = read_catalog(gen_dir)
    if report.documents + len(report.errors) != report.files or len(catalog) != report.documents:
        raise ValidationFailed(f"{report.files} files, {len(report.errors)} unreadable, but "
                               f"{report.documents} documents built and {len(catalog)} catalogued")
    checks.append(f"documents: {len(catalog)} = {report.files} files - {len(report.errors)} unreadable")
    ix = windex.open_dir(str(gen_dir))
    try:
        with ix.searcher() as s:
            listed = sum(len(e["sections"]) for e in catalog.values())
            if not s.doc_count() == report.sections == listed:
                raise ValidationFailed(f"index holds {s.doc_count()} sections, built {report.sections}, "
                                       f"catalog lists {listed}")
            indexed_docs = {t.decode("utf-8") for t in s.reader().lexicon("doc_id")}
            if indexed_docs != set(catalog):
                raise ValidationFailed(f"documents in the index and the catalog differ: "
                                       f"{sorted(indexed_docs ^ set(catalog))[:5]}")
            checks.append(f"sections: {s.doc_count()} indexed = {report.sections} built = catalog")
            ids = sorted(catalog)
            step = max(1, len(ids) // max(1, probes))
            d = load_dictionary(dictionary)
            for doc_id in ids[::step][:probes]:
                title = catalog[doc_id]["title"][:200]
                plan = plan_query(title, d, FULL, frozenset())
                if plan.query is None:
                    continue
                hits = s.search(plan.query, limit=1, filter=Q.Term("doc_id", doc_id))
                if not hits.scored_length() or s.search(plan.query, limit=1).scored_length() == 0:
                    raise ValidationFailed(f"query {title!r} does not find {doc_id}")
                checks.append(f"query {title!r} finds {doc_id}")
    finally:
        ix.close()
    return checks


# -- the whole rebuild ----------------------------------------------------------------------

def rebuild(corpus: Path, home: Path, progress=None, jobs: int | None = None,
            validate: bool = True, keep: int = generations.KEEP_GENERATIONS, asked_before=None) -> BuildReport:
    """Build a complete new generation and switch to it; the live one serves until the switch.

    Changes published meanwhile (indexer.updates) are journaled and replayed into the new
    generation under the writer lock, right before the switch."""
    home = Path(home)
    with generations.rebuild_lock(home):
        generations.clean_stale_builds(home)
        build_dir = generations.new_build_dir(home)
        journal = Journal(home)
        try:
            with writer_lock(home):
                journal.open()
            report = write_generation(corpus, build_dir, progress, jobs, asked_before, read_clicks(home))
            if validate:
                t = time.perf_counter()
                report.checks = validate_generation(build_dir, report, Path(corpus) / "dictionary")
                report.validate_seconds = time.perf_counter() - t
            with writer_lock(home):
                changes = journal.changes()
                if changes:
                    apply_documents(build_dir, with_basis_documents(corpus, build_dir, read_changes(corpus, changes)),
                                    asked_map(corpus, clicks=read_clicks(home)))
                    report.replayed = len(changes)
                    _check_consistent(build_dir)
                report.finished = time.time()
                report.generation = "gen-" + build_dir.name.removeprefix(".build-")
                atomic_write(build_dir / BUILD_INFO, json.dumps(report.info(), ensure_ascii=False))
                report.generation = generations.swap_generation(
                    home, build_dir, keep, seconds=round(report.seconds, 2),
                    documents=report.documents, sections=report.sections).name
                journal.close()
            return report
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        finally:
            journal.close()


def _check_consistent(gen_dir: Path) -> None:
    """After a replay: the index holds exactly the sections the catalog lists."""
    catalog = read_catalog(gen_dir)
    ix = windex.open_dir(str(gen_dir))
    try:
        listed = sum(len(e["sections"]) for e in catalog.values())
        if ix.doc_count() != listed:
            raise ValidationFailed(f"after replay the index holds {ix.doc_count()} sections, catalog {listed}")
    finally:
        ix.close()


def rollback(corpus: Path, home: Path) -> tuple[str, int]:
    """Return to the generation live before this one and bring it up to the corpus (documents
    published since it was built are re-applied). Returns (generation, documents re-applied)."""
    home = Path(home)
    with generations.rebuild_lock(home):
        with writer_lock(home):
            target = generations.previous_generation(home)
            if not target:
                raise generations.IndexMissing("no earlier generation to roll back to")
            gen_dir = home / target
            info = read_build_info(gen_dir)
            since = info.get("started") or gen_dir.stat().st_mtime
            changes = changed_since(corpus, read_catalog(gen_dir), since)
            if changes:
                apply_documents(gen_dir, read_changes(corpus, changes), asked_map(corpus, clicks=read_clicks(home)))
            generations.rollback(home)
            return target, len(changes)


if __name__ == "__main__":
    _part_main(sys.argv[1])
