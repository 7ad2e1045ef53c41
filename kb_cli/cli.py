"""The `kb` command line: parse, call the domain or the indexer, print.

Commands import lazily, inside each function, for start-up time (see kb_cli/__init__.py)."""
from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from kb.access import ROLES
from kb.document import KINDS


def _paths():
    from kb.config import paths
    return paths()


def _engine(profile: str = "full"):
    from indexer.query import PROFILES
    from indexer.search import SearchEngine
    p = _paths()
    return SearchEngine(p.index, p.dictionary, PROFILES[profile])


def _fail(message: str, code: int = 1):
    click.echo(f"kb: {message}", err=True)
    sys.exit(code)


@click.group()
def main():
    """Police knowledge base: import, index, search and evaluate the corpus."""
    from kb.filemodes import PRIVATE_UMASK
    os.umask(PRIVATE_UMASK)       # data, index, backups and corpus files: owner-only


@main.command("import")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--kind", type=click.Choice([k for k in KINDS if k != "inquiry"]), default=None)
@click.option("--id", "doc_id", default=None, help="document id (default: file name)")
@click.option("--source", default=None, help="source line for the front matter")
@click.option("--stdout", "to_stdout", is_flag=True, help="print instead of writing into the corpus")
@click.option("--force", is_flag=True, help="overwrite an existing document")
def import_cmd(file: Path, kind, doc_id, source, to_stdout, force):
    """Turn an official plain-text FILE into a structured Markdown document in the corpus.

    FILE may also be a folder with a SOURCES.md (../shared/corpus-sources): every text it lists
    is imported with its file name as id and the source line of its row.
    """
    from kb.document import parse_document
    from kb.importer import MAX_IMPORT_BYTES, import_sources, import_text
    from kb.store import atomic_write, document_path
    if file.is_dir():
        _import_folder(file, force, import_sources)
        return
    if file.stat().st_size > MAX_IMPORT_BYTES:
        _fail(f"{file}: over {MAX_IMPORT_BYTES // (1024 * 1024)} MB; nothing was written")
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        _fail(f"{file}: not valid UTF-8 (byte {e.start}); nothing was written")
    try:
        md = import_text(text, kind=kind, doc_id=doc_id or file.stem, source=source)
    except ValueError as e:
        _fail(f"{file}: {e}")
    if to_stdout:
        click.echo(md, nl=False)
        return
    doc = parse_document(md)
    dest = document_path(_paths().corpus, doc.kind, doc.id)
    if dest.exists() and not force:
        _fail(f"{dest} exists; use --force to overwrite")
    atomic_write(dest, md)
    click.echo(f"{dest}: {len(doc.sections)} sections")


def _import_folder(folder: Path, force: bool, import_sources) -> None:
    if not (folder / "SOURCES.md").is_file():
        _fail(f"{folder}: no SOURCES.md; nothing was written")
    corpus = _paths().corpus
    existing = [p.stem for p in folder.glob("*.txt") if any(corpus.glob(f"*/{p.stem}.md"))]
    if existing and not force:
        _fail(f"{len(existing)} documents exist ({existing[0]} …); use --force to overwrite")
    try:
        reports = import_sources(folder, corpus)
    except ValueError as e:
        _fail(f"{folder}: {e}")
    for doc_id, report in reports.items():
        click.echo(f"{doc_id}: {report.articles} articles, {report.suppl_blocks} 附則")
    click.echo(f"imported {len(reports)} documents into {corpus}")


def _save_click_wordings(p) -> None:
    """Sections opened from results pages by 3+ users (kb.clicks), saved beside the index for the
    「asked as」 field of this and later builds; without an application database, nothing."""
    import os

    from indexer.asked import write_clicks
    from kb.clicks import opened_wordings
    from kb.db import DB_FILE, database_url, open_database
    if not (os.environ.get("KB_DATABASE_URL") or (p.data / DB_FILE).exists()):
        return
    db = open_database(database_url(p.data))
    try:
        write_clicks(p.index, opened_wordings(db))
    finally:
        db.dispose()


def _seed_problems(p) -> list:
    """Expected-question files and entries (corpus/asked/) the build left out; `kb check` says more."""
    from kb.asked_seeds import read_seeds
    return read_seeds(p.corpus).problems


def _report_seed_problems(p) -> None:
    for problem in _seed_problems(p):
        click.echo(f"skipped expected questions {problem.path}: {problem.message}", err=True)


@main.command("index")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="worker processes (default: CPU cores)")
def index_cmd(jobs):
    """Rebuild the whole index from the corpus and switch to it atomically."""
    from indexer.build import ValidationFailed, rebuild
    from indexer.generations import RebuildRunning
    p = _paths()
    _reconcile(p)
    _save_click_wordings(p)
    try:
        report = rebuild(p.corpus, p.index, jobs=jobs)
    except RebuildRunning as e:
        _fail(f"{e}; try again when it has finished", 75)
    except ValidationFailed as e:
        _fail(f"new index rejected, the live one stays: {e}")
    for err in report.errors:
        click.echo(f"skipped {err.error}", err=True)
    _report_seed_problems(p)
    click.echo(f"indexed {report.documents} documents, {report.sections} sections "
               f"({report.characters:,} chars) in {report.seconds:.1f}s -> {report.generation}")


def _progress_bar(corpus: Path, enabled: bool | None):
    """A tqdm bar over the corpus bytes (documents, sections, rate, ETA) on stderr."""
    from tqdm import tqdm

    from kb.store import document_paths
    paths = document_paths(corpus)
    bar = tqdm(total=sum(p.stat().st_size for p in paths), unit="B", unit_scale=True,
               desc="reindex", file=sys.stderr, disable=(not sys.stderr.isatty()) if enabled is None else not enabled,
               dynamic_ncols=True, mininterval=0.5)
    state = {"docs": 0, "sections": 0, "chars": 0}

    def progress(ev):
        state["docs"] += 1
        state["sections"] += ev.sections
        state["chars"] += ev.characters
        bar.set_postfix_str(f"{state['docs']}/{len(paths)} docs, {state['sections']:,} sections", refresh=False)
        bar.update(ev.nbytes)
    return bar, progress


@main.command("reindex")
@click.option("--rollback", is_flag=True, help="return to the generation live before this one")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="worker processes (default: CPU cores)")
@click.option("--keep", type=click.IntRange(2, 100), default=None, help="generations to keep (default 3)")
@click.option("--progress/--no-progress", default=None, help="progress bar on stderr (default: when a terminal)")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def reindex_cmd(rollback, jobs, keep, progress, as_json):
    """Build a new index generation from the corpus, validate it and switch to it atomically.

    The live generation serves searches until the switch; web workers pick up the new one on
    their next request. Documents published meanwhile are carried over. Exit codes: 0 done,
    1 failed or rejected (the live index stays), 75 another rebuild is running."""
    import logging

    from indexer import build, generations
    from indexer.updates import IndexBusy
    p = _paths()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if rollback:
        _reconcile(p)        # the rollback re-applies files changed since: a killed publish's too
        try:
            gen, resynced = build.rollback(p.corpus, p.index)
        except generations.RebuildRunning as e:
            _fail(f"{e}; roll back when it has finished", 75)
        except (generations.IndexMissing, IndexBusy) as e:
            _fail(str(e))
        click.echo(f"rolled back to {gen}; {resynced} documents changed since it was built re-applied")
        return
    _reconcile(p)
    _save_click_wordings(p)
    bar, on_doc = _progress_bar(p.corpus, progress)
    try:
        report = build.rebuild(p.corpus, p.index, progress=on_doc, jobs=jobs,
                               keep=keep or generations.KEEP_GENERATIONS)
    except generations.RebuildRunning as e:
        bar.close()
        _fail(f"{e}; nothing done", 75)
    except build.ValidationFailed as e:
        bar.close()
        _fail(f"new index rejected, the live one stays: {e}")
    except Exception as e:
        bar.close()
        _fail(f"reindex failed, the live index stays: {type(e).__name__}: {e}")
    bar.close()
    if as_json:
        info = report.info()
        info["expected_questions_skipped"] = [{"path": x.path, "error": x.message} for x in _seed_problems(p)]
        click.echo(json.dumps(info, ensure_ascii=False))
        return
    for err in report.errors:
        click.echo(f"skipped {err.path}: {err.error}", err=True)
    _report_seed_problems(p)
    for check in report.checks:
        click.echo(f"ok   {check}")
    rate = report.characters / report.seconds if report.seconds else 0
    click.echo(f"indexed {report.documents} documents, {report.sections:,} sections "
               f"({report.characters:,} chars) in {report.seconds:.1f}s ({rate:,.0f} chars/s, "
               f"{report.jobs} processes); {report.replayed} changes published meanwhile replayed "
               f"-> {report.generation}")


@main.command("status")
@click.option("--json", "as_json", is_flag=True)
def status_cmd(as_json):
    """The live index generation, its counts, the last reindex, sizes and generations kept."""
    from indexer.generations import index_status
    p = _paths()
    st = index_status(p.index)
    st["mismatch"] = _index_mismatch(p) if st["live"] else None
    if as_json:
        click.echo(json.dumps(st, ensure_ascii=False, indent=1))
        return
    if not st["live"]:
        click.echo(f"no index in {p.index}: run `kb reindex`")
    else:
        live = st["live"]
        click.echo(f"live generation  {live['generation']}")
        click.echo(f"documents        {live['documents']:,}   sections {live['sections']:,}"
                   f"   segments {live['segments']}")
        last = st["last_reindex"] or {}
        if last:
            click.echo(f"last reindex     {last.get('finished_at', '?')} "
                       f"({last.get('seconds', 0):.1f}s, {last.get('characters', 0):,} chars)")
        click.echo(f"index size       {live['bytes'] / 1e6:.1f} MB (all generations {st['bytes'] / 1e6:.1f} MB)")
    click.echo(f"generations kept {len(st['generations'])}: " +
               ", ".join(g["name"] + (" (live)" if g["live"] else "") for g in st["generations"]))
    if st["rebuild_running"]:
        click.echo(f"rebuild running  pid {st['rebuild_running']['pid']}")
    if st["journal_pending"]:
        click.echo(f"journal          {st['journal_pending']} changes waiting for the running rebuild")
    m = st["mismatch"]
    if m and (m["not_indexed"] or m["not_in_corpus"]):
        click.echo(f"warning: the index and the corpus disagree ({m['indexed']} documents indexed, "
                   f"{m['files']} files in the corpus)")
        if m["not_indexed"]:
            click.echo(f"  not in the index: {', '.join(m['not_indexed'][:10])}"
                       f"{' …' if len(m['not_indexed']) > 10 else ''}")
        if m["not_in_corpus"]:
            click.echo(f"  in the index but not in the corpus: {', '.join(m['not_in_corpus'][:10])}"
                       f"{' …' if len(m['not_in_corpus']) > 10 else ''}")
        click.echo("  run `kb check`, then `kb reindex`")
    sys.exit(0 if st["live"] else 1)


def _index_mismatch(p) -> dict:
    """Documents the live index and the corpus files do not agree on (by id = file name)."""
    from indexer.catalog import read_catalog
    from indexer.generations import current_path
    from kb.store import document_paths
    indexed = set(read_catalog(current_path(p.index)))
    files = {path.stem for path in document_paths(p.corpus)}
    return {"indexed": len(indexed), "files": len(files), "not_indexed": sorted(files - indexed),
            "not_in_corpus": sorted(indexed - files)}


@main.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="replace an existing backup at DEST")
def backup_cmd(dest, force):
    """Back up the corpus and every SQLite database (and data file) under KB_DATA into DEST."""
    from kb.backup import BackupError, backup
    p = _paths()
    try:
        r = backup(p.corpus, p.data, dest, exclude=[p.index], force=force)
    except BackupError as e:
        _fail(str(e))
    click.echo(f"backed up {r.documents} documents, {len(r.databases)} databases "
               f"({', '.join(r.databases) or '-'}), {len(r.files)} other files, "
               f"{r.bytes / 1e6:.1f} MB in {r.seconds:.1f}s -> {r.dest}")


@main.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="overwrite the existing corpus and databases")
@click.option("--reindex/--no-reindex", default=True, show_default=True, help="rebuild the index afterwards")
def restore_cmd(src, force, reindex):
    """Restore the corpus and databases from a `kb backup` folder (checksums verified first)."""
    from kb.backup import BackupError, restore
    p = _paths()
    try:
        r = restore(src, p.corpus, p.data, force=force)
    except BackupError as e:
        _fail(str(e))
    click.echo(f"restored {r.documents} documents, {len(r.databases)} databases, "
               f"{len(r.files)} other files from {src} in {r.seconds:.1f}s")
    if reindex:
        from indexer.build import rebuild
        from indexer.generations import RebuildRunning
        _reconcile(p)        # a backup taken before a killed write was settled carries its intent
        try:
            report = rebuild(p.corpus, p.index)
        except RebuildRunning as e:
            _fail(f"{e}; run `kb reindex` when it has finished", 75)
        click.echo(f"reindexed {report.documents} documents -> {report.generation}")
    else:
        click.echo("run `kb reindex` so that searches match the restored corpus")


def _search_kwargs(kind, limit):
    from indexer.search import Filters
    return {"limit": limit, "filters": Filters(kinds=tuple(kind))}


def _print_result(res):
    click.echo(f"「{res.query}」 {res.total}件 ({res.elapsed_ms:.0f} ms)")
    if res.message:
        click.echo(res.message)
    for i, h in enumerate(res.hits, 1):
        click.echo(f"{i:>2}. {' > '.join(h.breadcrumb)}  [{h.score:.2f}]")
        click.echo(f"    {h.url}")
        text = h.text.replace("\n", " ")
        click.echo(f"    {text[:120]}{'…' if len(text) > 120 else ''}")


@main.command("search")
@click.argument("query", required=False, default="")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--kind", multiple=True, type=click.Choice(KINDS))
@click.option("--json", "as_json", is_flag=True, help="JSON output")
@click.option("--batch", type=click.File("r", encoding="utf-8"), help="one query per line (JSON with 'query' or plain)")
def search_cmd(query, limit, kind, as_json, batch):
    """Search the index."""
    from indexer.generations import IndexMissing
    engine = _engine()
    kwargs = _search_kwargs(kind, limit)
    try:
        if batch:
            for line in batch:
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                q = line
                if line.lstrip().startswith("{"):
                    try:
                        q = json.loads(line).get("query", "")
                    except json.JSONDecodeError:
                        q = line
                res = engine.search(str(q), **kwargs)
                click.echo(json.dumps(res.to_json(), ensure_ascii=False) if as_json else "")
                if not as_json:
                    _print_result(res)
            return
        res = engine.search(query, **kwargs)
    except IndexMissing:
        _fail("no index yet: run `kb index` first")
    if as_json:
        click.echo(json.dumps(res.to_json(), ensure_ascii=False))
    else:
        _print_result(res)


@main.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--verbose", "-v", is_flag=True, help="one line per query")
@click.option("--compare", is_flag=True,
              help="also run the plain configuration (Sudachi C normalized BM25, body only, no "
                   "synonyms/readings/boosts) in the same process and print both")
@click.option("--ablate", is_flag=True,
              help="in one process: plain, full, and full without each component (Markdown table)")
def eval_cmd(file, verbose, compare, ablate):
    """Recall@1/5/10 and MRR@10 of the search on a JSON Lines file of queries."""
    from indexer.eval import by_type, evaluate, load_cases, metrics
    from indexer.generations import IndexMissing
    try:
        cases = load_cases(file)
    except (ValueError, KeyError) as e:
        _fail(f"{file}: {e}")
    try:
        if ablate:
            from indexer.eval import ablation_table, ablations
            from indexer.search import SearchEngine
            p = _paths()
            rows = [(label, evaluate(SearchEngine(p.index, p.dictionary, ranking), cases))
                    for label, ranking in ablations()]
            for line in ablation_table(rows):
                click.echo(line)
            return
        if compare:
            import time
            rows = []
            for profile in ("plain", "full"):
                t0 = time.perf_counter()
                m = metrics(evaluate(_engine(profile), cases))
                rows.append(m.row(profile) + f" ({(time.perf_counter() - t0) * 1000 / max(1, len(cases)):.1f} ms/query)")
            for row in rows:
                click.echo(row)
            return
        results = evaluate(_engine(), cases)
    except IndexMissing:
        _fail("no index yet: run `kb index` first")
    if verbose:
        for r in results:
            click.echo(f"{r.case.id:<6} {r.case.type:<10} rank={r.rank or '-':<3} {r.case.query}")
    for t, m in by_type(results).items():
        click.echo(m.row(t))
    click.echo(metrics(results).row("ALL"))


@main.command("train-anonymiser")
@click.argument("files", nargs=-1, required=True, type=click.File("r", encoding="utf-8"))
@click.option("--official", "official", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="a corpus whose official texts (laws, rules, notices) are read as text with no personal data")
@click.option("--every", default=2, show_default=True, help="take every N-th section of the official texts")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="where to write the model "
              "(default: the one the anonymiser uses, kb/models/pii_crf.bin)")
def train_anonymiser_cmd(files, official, every, out):
    """Train the anonymiser's tagger on labelled fictional inquiries (FILES: JSON Lines with 'text'
    and 'pii' [{type, text}]; every occurrence of an item's text is a span of its type)."""
    from kb import pii_model, pii_training
    examples: list = []
    try:
        for f in files:
            examples += pii_training.inquiry_examples(f, f.name)
    except pii_training.TrainingDataError as e:
        _fail(f"{e}; nothing was trained")
    inquiries = len(examples)
    if official:
        examples += pii_training.official_examples(official, every)
    path = out or pii_model.MODEL_PATH
    pii_training.train(examples, path)
    click.echo(f"trained on {inquiries} inquiries from {len(files)} files and {len(examples) - inquiries} "
               f"sections of official texts: {path}")


# The most the desk's form takes in one inquiry (kb.desk: question 5,000 + answer 10,000).
ANONYMIZE_MAX_CHARS = 15_000


@main.command("anonymize")
@click.option("--json", "as_json", is_flag=True)
@click.option("--batch", type=click.File("r", encoding="utf-8"), help="JSON Lines with a 'text' field")
def anonymize_cmd(as_json, batch):
    """Mask personal data in text read from standard input (or --batch FILE).

    One text holds at most ANONYMIZE_MAX_CHARS characters, the most the desk's form takes
    (question and answer); a longer one is refused before the anonymiser sees it."""
    from kb.anonymize import anonymize
    if batch:
        for n, line in enumerate(batch, 1):
            if not line.strip():
                continue
            if len(line) > 8 * ANONYMIZE_MAX_CHARS:        # JSON escapes make a line longer than its text
                _fail(f"line {n}: over {ANONYMIZE_MAX_CHARS:,} characters; nothing after line {n - 1} was masked")
            try:
                text = json.loads(line)["text"]
            except (json.JSONDecodeError, KeyError, TypeError):
                _fail(f"line {n}: expected a JSON object with a 'text' field")
            if not isinstance(text, str) or len(text) > ANONYMIZE_MAX_CHARS:
                _fail(f"line {n}: 'text' must be a string of at most {ANONYMIZE_MAX_CHARS:,} characters; "
                      f"nothing after line {n - 1} was masked")
            r = anonymize(text)
            click.echo(json.dumps(r.to_json(), ensure_ascii=False) if as_json else r.text)
        return
    text = sys.stdin.read(ANONYMIZE_MAX_CHARS + 1)
    if len(text) > ANONYMIZE_MAX_CHARS:
        _fail(f"input over {ANONYMIZE_MAX_CHARS:,} characters (the desk's form takes no more); "
              "split it and run once per part")
    r = anonymize(text)
    if as_json:
        click.echo(json.dumps(r.to_json(), ensure_ascii=False))
    else:
        click.echo(r.text, nl=not r.text.endswith("\n"))


@main.command("check")
@click.option("--list-unresolved", is_flag=True, help="print every citation that links nowhere")
def check_cmd(list_unresolved):
    """Lint the corpus: front matter, duplicate ids, links, cross-references, sizes, validity."""
    from indexer.dictionary import load_dictionary
    from kb.check import check_corpus
    p = _paths()
    report = check_corpus(p.corpus, load_dictionary(p.dictionary).law_aliases)
    for f in report.findings:
        click.echo(str(f))
    interrupted = _interrupted_writes(p)
    for line in interrupted:
        click.echo(line)
    unresolved = sum(len(v) for v in report.unresolved.values())
    if list_unresolved:
        for doc_id, items in sorted(report.unresolved.items()):
            for item in items:
                click.echo(f"{doc_id}#{item}: unresolved citation")
    elif unresolved:
        click.echo(f"{unresolved} citations stay plain text (not in the corpus); --list-unresolved shows them")
    click.echo(f"checked {report.documents} documents: {len(report.errors) + len(interrupted)} errors, "
               f"{len(report.findings) - len(report.errors)} warnings")
    sys.exit(1 if report.errors or interrupted else 0)


def _interrupted_writes(p) -> list[str]:
    """Errors for case files no published inquiry stands behind and writes left half done."""
    from kb.db import database_url, open_database
    from kb.intents import pending_intents
    from kb.reconcile import orphan_case_files
    if not p.data.is_dir() and not os.environ.get("KB_DATABASE_URL"):
        return []                     # no application data: a corpus checked on its own
    db = open_database(database_url(p.data))
    out = [f"{path}: error: orphan case file: {reason}; it is never indexed "
           "(the next `kb serve` or `kb reindex` takes it out of the corpus)"
           for path, reason in orphan_case_files(db, p.corpus)]
    orphans = {line.split(":", 1)[0] for line in out}
    out += [f"{target}: error: an interrupted {intent.get('kind', 'write')} left its intent; the next "
            "`kb serve` or `kb reindex` settles it" for target, intent in pending_intents(p.corpus)
            if str(target) not in orphans]
    return out


def _reconcile(p) -> None:
    """Settle interrupted writes before a rebuild reads the corpus (kb.reconcile)."""
    from kb.db import database_url, open_database
    from kb.reconcile import reconcile
    if not p.data.is_dir() and not os.environ.get("KB_DATABASE_URL"):
        return
    done = reconcile(open_database(database_url(p.data)), p.corpus)
    for doc_id in done.removed_cases:
        click.echo(f"removed the case file {doc_id}: its publish was interrupted", err=True)
    for doc_id in done.quarantined:
        click.echo(f"moved {doc_id} to corpus/.orphans: no published inquiry stands behind it", err=True)
    for doc_id in done.completed_saves:
        click.echo(f"recorded the interrupted save of {doc_id} with its author", err=True)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 64),
              help="threads per worker (searches are CPU under one GIL: more threads, longer tails)")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="processes sharing the port  [default: one per core]")
def serve_cmd(host, port, threads, workers):
    """Serve the web UI and JSON API with gunicorn (dead workers restarted, SIGHUP reloads)."""
    from kb.accounts import ensure_first_admin
    from webui.server import default_workers, serve
    workers = workers or default_workers()
    store = _accounts()
    password = ensure_first_admin(store)
    store.db.dispose()            # workers open their own connections
    if password:
        click.echo("初回起動のため、システム管理者アカウントを作成しました（この表示は一度だけです）:\n"
                   f"  ユーザー名: admin\n  パスワード: {password}\n"
                   "  最初のログインで自分のパスワードを設定します（コマンドでは: .venv/bin/kb user passwd admin）")
    click.echo(f"serving on http://{host}:{port}/ with {workers} process(es) (Ctrl+C to stop)")
    sys.stdout.flush()
    serve(host, port, threads, workers)


# -- the consultation desk ------------------------------------------------------------------------
@main.command("purge")
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="keep raw inquiry text this many days (default: KB_RAW_RETENTION_DAYS or 90)")
def purge_cmd(days):
    """Delete the raw question and answer of unpublished inquiries received more than DAYS ago."""
    from kb.db import database_url, open_database
    from kb.desk import DeskStore, retention_days
    p = _paths()
    db = open_database(database_url(p.data))
    days = days or retention_days()
    purged = DeskStore(db, p.corpus).purge(days)
    import getpass

    from kb.audit import AuditLog
    AuditLog(db).record("inquiry_purge", username=f"cli:{getpass.getuser()}"[:64], target=f"{days} days",
                        detail={"inquiries": purged}, channel="cli")
    click.echo(f"purged the raw text of {len(purged)} inquiries received more than {days} days ago")


# -- accounts and API tokens ------------------------------------------------------------------------
def _accounts():
    from kb.accounts import AccountStore
    from kb.db import database_url, open_database
    return AccountStore(open_database(database_url(_paths().data)))


@contextmanager
def _refused():
    """A refused account change ends the command with both messages."""
    from kb.accounts import AccountError
    try:
        yield
    except AccountError as e:
        _fail(f"{e}（{e.message_ja}）")


def _audit_cli(store, action: str, target: str, **detail):
    import getpass

    from kb.audit import AuditLog
    AuditLog(store.db).record(action, username=f"cli:{getpass.getuser()}"[:64], target=target,
                              detail=detail, channel="cli")


def _read_password(from_stdin: bool, username: str) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return click.prompt(f"{username} のパスワード", hide_input=True, confirmation_prompt=True)


@main.group("user")
def user_group():
    """Accounts: add, passwd, disable, enable, role, list."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(list(ROLES)))
@click.option("--name", "display_name", default="", help="display name (氏名)")
@click.option("--department", default="", help="所属 (restricted documents may name it)")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
def user_add(username, role, display_name, department, password_stdin):
    store = _accounts()
    with _refused():
        a = store.add_user(username, role, _read_password(password_stdin, username), display_name, department)
    _audit_cli(store, "user_add", a.username, role=role, department=department)
    click.echo(f"added {a.username} ({a.role_label})")


@user_group.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
def user_passwd(username, password_stdin):
    store = _accounts()
    with _refused():
        store.set_password(username, _read_password(password_stdin, username))
    _audit_cli(store, "user_password", username)
    click.echo(f"password of {username} changed; its sessions have ended")


def _set_active(username: str, active: bool):
    store = _accounts()
    with _refused():
        store.set_active(username, active)
    _audit_cli(store, "user_enable" if active else "user_disable", username)
    click.echo(f"{username} {'enabled' if active else 'disabled'}")


@user_group.command("disable")
@click.argument("username")
def user_disable(username):
    _set_active(username, False)


@user_group.command("enable")
@click.argument("username")
def user_enable(username):
    _set_active(username, True)


@user_group.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(list(ROLES)))
def user_role(username, role):
    store = _accounts()
    with _refused():
        old, new = store.set_role(username, role)
    _audit_cli(store, "user_role", username, **{"from": old, "to": new})
    click.echo(f"{username}: {old} -> {new}")


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def user_list(as_json):
    users = _accounts().list_users()
    if as_json:
        click.echo(json.dumps([{"username": u.username, "display_name": u.display_name, "role": u.role,
                                "department": u.department, "active": u.active} for u in users],
                              ensure_ascii=False, indent=2))
        return
    for u in users:
        click.echo(f"{u.username}\t{u.role}\t{'active' if u.active else 'disabled'}\t{u.display_name}\t{u.department}")


@main.group("token")
def token_group():
    """API tokens for other systems (Authorization: Bearer <token>)."""


@token_group.command("create")
@click.argument("username")
@click.option("--label", default="", help="what the token is for")
def token_create(username, label):
    store = _accounts()
    with _refused():
        token_id, token = store.create_token(username, label)
    _audit_cli(store, "token_create", username, token_id=token_id, label=label)
    click.echo(token)
    click.echo(f"token {token_id} for {username}: shown once, store it now", err=True)


@token_group.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id):
    store = _accounts()
    with _refused():
        owner = store.revoke_token(token_id)
    _audit_cli(store, "token_revoke", str(token_id), user=owner)
    click.echo(f"token {token_id} of {owner} revoked")


@token_group.command("list")
@click.argument("username", required=False)
def token_list(username):
    for t in _accounts().list_tokens(username):
        state = f"revoked {t['revoked_at']:%Y-%m-%d}" if t["revoked_at"] else "active"
        click.echo(f"{t['id']}\t{t['user']}\t{t['prefix']}…\t{state}\t{t['label']}")


# -- inter-prefecture sharing (docs/exchange-format.md) ----------------------------------------------
@main.group("share")
def share_group():
    """Share 全国 inquiries with other prefectures: keys, trust, export, import, pull."""


@contextmanager
def _share_refused():
    """A refused share command ends with both messages and exit code 2; nothing was changed."""
    from kb.exchange import ExchangeError
    try:
        yield
    except ExchangeError as e:
        _fail(f"{e}（{e.message_ja}）", 2)


def _share_audit(action: str, target: str, **detail):
    import getpass

    from kb.audit import AuditLog
    from kb.db import database_url, open_database
    AuditLog(open_database(database_url(_paths().data))).record(
        action, username=f"cli:{getpass.getuser()}"[:64], target=target, detail=detail, channel="cli")


@share_group.command("init")
@click.option("--org", required=True, help="this prefecture's organisation name, e.g. 岡山県警察")
def share_init(org):
    """Make this instance's Ed25519 key pair under KB_DATA/share/ (once)."""
    from kb.trust import init_org
    with _share_refused():
        key = init_org(_paths().data, org)
    click.echo(f"key pair for {key.org} created ({key.fingerprint}); give `kb share pubkey` to the other prefectures")


@share_group.command("pubkey")
def share_pubkey():
    """Print the public key line other prefectures register with `kb share trust`."""
    from kb.trust import own_key
    with _share_refused():
        click.echo(own_key(_paths().data).public_line())


@share_group.command("trust")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="the organisation the key belongs to, as its bundles name it")
def share_trust(file, org):
    """Accept bundles of ORG signed with the key in FILE."""
    from kb.trust import trust
    with _share_refused():
        fp = trust(_paths().data, file.read_text(encoding="utf-8"), org)
    _share_audit("share_trust", org, fingerprint=fp)
    click.echo(f"trusting {org} ({fp})")


@share_group.command("untrust")
@click.argument("org")
def share_untrust(org):
    """Stop accepting bundles of ORG (its imported cases stay until withdrawn)."""
    from kb.trust import untrust
    with _share_refused():
        untrust(_paths().data, org)
    _share_audit("share_untrust", org)
    click.echo(f"no longer trusting {org}; its imported cases stay until withdrawn or removed")


def _since(value: str | None):
    from kb.exchange import moment_key
    if not value:
        return None
    try:
        return moment_key(value)
    except ValueError:
        _fail(f"--since must be YYYY-MM-DD or an ISO 8601 time with offset, not {value!r}", 2)


@share_group.command("export")
@click.option("--since", default=None, help="only cases and withdrawals changed since (YYYY-MM-DD)")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def share_export(since, out):
    """Write every 全国 case and withdrawal of this prefecture as a signed bundle."""
    from kb.exchange import write_bundle
    from kb.sharing import export_records
    from kb.store import atomic_write
    from kb.trust import own_key
    p = _paths()
    with _share_refused():
        key = own_key(p.data)
    cases, withdrawals = export_records(p.corpus, key.org, _since(since))
    atomic_write(out, write_bundle(key.org, key.private_key, cases, withdrawals, since=since))
    _share_audit("share_export", str(out), cases=len(cases), withdrawals=len(withdrawals), since=since)
    click.echo(f"{out}: {len(cases)} cases, {len(withdrawals)} withdrawals of {key.org}")


BULK_IMPORT = 500          # changed cases from which an import rebuilds the index instead of updating it


def _import_bundle(data: bytes, origin: str):
    """Verify, apply and publish through the single index writer; print the report and return the
    verified bundle (exits 2 when it is refused)."""
    import time

    from indexer.generations import IndexMissing
    from indexer.updates import IndexBusy, get_updater
    from kb.db import database_url, open_database
    from kb.exchange import read_bundle
    from kb.share_import import ShareLedger, resolver_from_catalog
    from kb.trust import own_org, trusted_keys
    p = _paths()
    t0 = time.perf_counter()
    with _share_refused():
        bundle = read_bundle(data, trusted_keys(p.data), own_org(p.data))
    t_verify = time.perf_counter()
    engine = _engine()
    try:
        engine.searcher()
        catalog = engine.catalog
    except IndexMissing:
        catalog = {}
    db = open_database(database_url(p.data))
    t_prepare = time.perf_counter()
    report = ShareLedger(db, p.corpus).apply(bundle, resolver_from_catalog(catalog))
    t_apply = time.perf_counter()
    note = ""
    if (report.index or report.remove) and os.environ.get("KB_NODE_NAME"):
        # a cluster node: the other nodes follow the change log (docs/operations.md, "Cluster")
        from kb.changelog import record_changes
        record_changes(db, p.corpus, [*report.remove, *report.index], os.environ["KB_NODE_NAME"])
    if len(report.index) + len(report.remove) >= BULK_IMPORT:
        # many cases: one new generation by the parallel build writer beats thousands of updates
        from indexer.build import rebuild
        from indexer.generations import RebuildRunning
        try:
            rebuild(p.corpus, p.index)
            report.index = report.remove = []
        except RebuildRunning:
            pass                 # the running rebuild journals the updates below
    if report.index or report.remove:
        updater = get_updater(p.corpus, p.index)
        try:
            if report.remove:
                updater.remove_documents(report.remove)
            if report.index:
                updater.update_documents(report.index)
        except IndexBusy:
            note = " (index busy: `kb reindex` or the next publish brings them in)"
        except IndexMissing:
            note = " (no index yet: run `kb index`)"
    t_index = time.perf_counter()
    import getpass

    from kb.audit import AuditLog
    AuditLog(db).record("share_import", target=bundle.org, username=f"cli:{getpass.getuser()}"[:64], channel="cli",
                        detail={"from": origin, "added": len(report.added), "updated": len(report.updated),
                                "withdrawn": len(report.withdrawn), "held": len(report.held),
                                "unchanged": len(report.unchanged)})
    click.echo(report.summary() + note)
    click.echo(f"verify {t_verify - t0:.2f} s, open index and database {t_prepare - t_verify:.2f} s, "
               f"apply (gate, files, ledger) {t_apply - t_prepare:.2f} s, index {t_index - t_apply:.2f} s", err=True)
    return bundle


@share_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def share_import(file):
    """Verify a bundle, import its new and newer cases, apply withdrawals, publish (exit 2: refused)."""
    _import_bundle(file.read_bytes(), str(file))


@share_group.command("pull")
@click.argument("url")
@click.option("--token", envvar="KB_SHARE_TOKEN", default=None, help="the peer (連携) API token of that instance")
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="read the token from this file (keeps it out of the process list)")
@click.option("--since", default=None,
              help="only changes since (YYYY-MM-DD); default: since the last pull from URL (an hour's overlap)")
@click.option("--full", is_flag=True, help="everything the instance shares, whatever was pulled before")
@click.option("--timeout", default=120.0, show_default=True, type=float)
@click.option("--max-mb", default=256.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="refuse a feed larger than this (10,000 cases are about 16 MB)")
def share_pull(url, token, token_file, since, full, timeout, max_mb):
    """Fetch GET /api/v1/share/feed of another instance and import it."""
    import datetime as dt
    import urllib.error
    import urllib.parse
    import urllib.request

    from kb.exchange import moment_key
    from kb.trust import last_pull, record_pull
    data_dir = _paths().data
    if not since and not full and (last := last_pull(data_dir, url)):
        since = (moment_key(last) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    if token_file:
        token = token_file.read_text(encoding="utf-8").strip()
    if not token:
        _fail("a token is needed: --token, --token-file or KB_SHARE_TOKEN", 2)
    _since(since)
    feed = url if "/share/feed" in url else url.rstrip("/") + "/api/v1/share/feed"
    if since:
        feed += ("&" if "?" in feed else "?") + urllib.parse.urlencode({"since": since})
    req = urllib.request.Request(feed, headers={"Authorization": f"Bearer {token}", "Accept": "application/x-ndjson"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            cap = int(max_mb * 1024 * 1024)
            data = r.read(cap + 1)           # a peer's feed is read into memory: never more than the cap
    except urllib.error.HTTPError as e:
        detail = e.read()[:300].decode("utf-8", "replace")
        _fail(f"{feed}: HTTP {e.code}: {detail}", 1)
    except (urllib.error.URLError, OSError) as e:
        _fail(f"{feed}: {e}", 1)
    if len(data) > cap:
        _fail(f"{feed}: the feed is larger than {max_mb:g} MB; nothing was imported "
              "(pull changes since a date with --since, or raise --max-mb)", 2)
    bundle = _import_bundle(data, feed)
    if bundle.created:
        record_pull(data_dir, url, bundle.created)


if __name__ == "__main__":
    main()
