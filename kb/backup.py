"""Backups of what cannot be rebuilt: the corpus and the application data (SQLite databases).

A backup is a folder:
    manifest.json        what is inside, when, sizes and SHA-256 of every file
    corpus.tar.gz        the corpus folder
    data/<rel path>      every *.sqlite / *.db under KB_DATA, copied with SQLite's online backup
                         API (consistent while the app writes), and the other small data files
The index is left out: `kb reindex` rebuilds it from the corpus.

It is written into DEST.partial and renamed to DEST at the end, so a folder named DEST is always
a complete backup. Restore checks every checksum first, then swaps each part in atomically.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from kb.filemodes import PRIVATE_DIR, make_private
from kb.intents import SUFFIX as INTENT_SUFFIX

MANIFEST = "manifest.json"
CORPUS_TAR = "corpus.tar.gz"
DB_SUFFIXES = (".sqlite", ".sqlite3", ".db")
# SQLite's side files are never copied: the backup API reads through them
SKIP_SUFFIXES = ("-wal", "-shm", "-journal", ".lock", ".tmp")
FORMAT = 1


class BackupError(RuntimeError):
    """A backup or restore that cannot proceed (message for logs and the CLI)."""


@dataclass
class BackupReport:
    dest: Path
    documents: int = 0
    databases: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def is_database(path: Path) -> bool:
    return path.suffix.lower() in DB_SUFFIXES


def data_files(data: Path, exclude: list[Path] = ()) -> list[Path]:
    """Files under KB_DATA worth keeping, relative paths; folders in `exclude` (the index) skipped."""
    data = Path(data)
    if not data.is_dir():
        return []
    skip = [Path(e).resolve() for e in exclude if e]
    out = []
    for root, dirs, files in os.walk(data):
        r = Path(root).resolve()
        # index homes (a CURRENT pointer inside) are rebuilt by `kb reindex`, never backed up
        dirs[:] = [d for d in dirs if (r / d).resolve() not in skip and not d.startswith(".")
                   and not (r / d / "CURRENT").is_file()]
        for f in files:
            if f.endswith(SKIP_SUFFIXES) or f.startswith("."):
                continue
            out.append((Path(root) / f).relative_to(data))
    return sorted(out)


def sqlite_copy(src: Path, dest: Path) -> None:
    """Copy a live SQLite database consistently (online backup API, works under WAL)."""
    s = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    d = sqlite3.connect(str(dest))
    try:
        with d:
            s.backup(d)
    finally:
        d.close()
        s.close()


def backup(corpus: Path, data: Path, dest: Path, exclude: list[Path] = (), force: bool = False) -> BackupReport:
    """Write a complete backup folder at `dest` (refuses an existing one unless force)."""
    t0 = time.perf_counter()
    corpus, data, dest = Path(corpus), Path(data), Path(dest)
    if dest.exists() and not force:
        raise BackupError(f"{dest} exists; choose a new folder or use --force to replace it")
    if not corpus.is_dir():
        raise BackupError(f"no corpus at {corpus}")
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True, mode=PRIVATE_DIR)
    make_private(partial)                 # restricted documents, password hashes: owner-only
    report = BackupReport(dest)
    try:
        with tarfile.open(partial / CORPUS_TAR, "w:gz") as tar:
            tar.add(corpus, arcname="corpus", filter=_no_hidden)
        report.documents = sum(1 for _ in corpus.rglob("*.md"))
        entries = {CORPUS_TAR: {"sha256": _sha256(partial / CORPUS_TAR)}}
        for rel in data_files(data, exclude):
            target = partial / "data" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if is_database(data / rel) and _is_sqlite(data / rel):
                sqlite_copy(data / rel, target)
                report.databases.append(str(rel))
                kind = "sqlite"
            else:
                shutil.copy2(data / rel, target)
                report.files.append(str(rel))
                kind = "file"
            entries[f"data/{rel}"] = {"sha256": _sha256(target), "kind": kind}
        for name, e in entries.items():
            e["bytes"] = (partial / name).stat().st_size
            report.bytes += e["bytes"]
        manifest = {"format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "corpus": str(corpus), "data": str(data), "documents": report.documents,
                    "files": entries}
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        make_private(partial)
        _fsync_tree(partial)
        if dest.exists():
            old = dest.with_name(dest.name + f".old-{os.getpid()}")
            os.replace(dest, old)
            os.replace(partial, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(partial, dest)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    report.seconds = time.perf_counter() - t0
    return report


def _no_hidden(info: tarfile.TarInfo):
    """Hidden files stay out (the write lock, quarantined orphans), except a killed write's intent:
    it travels with its file, so the restored installation settles it (kb.reconcile)."""
    parts = Path(info.name).parts
    if info.isfile() and parts[-1].startswith(".") and parts[-1].endswith(INTENT_SUFFIX) \
            and not any(p.startswith(".") for p in parts[1:-1]):
        return info
    return None if any(p.startswith(".") for p in parts[1:]) else info


def _is_sqlite(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(16) == b"SQLite format 3\x00" or path.stat().st_size == 0


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            fd = os.open(os.path.join(dirpath, f), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def read_manifest(src: Path) -> dict:
    try:
        m = json.loads((Path(src) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{src} is not a kb backup (no {MANIFEST})") from None
    if m.get("format") != FORMAT:
        raise BackupError(f"{src}: unknown backup format {m.get('format')!r}")
    return m


def verify(src: Path) -> dict:
    """Check every file of a backup against its manifest; returns the manifest."""
    src = Path(src)
    m = read_manifest(src)
    for name, e in m["files"].items():
        p = src / name
        if not p.is_file() or _sha256(p) != e["sha256"]:
            raise BackupError(f"{src}: {name} is missing or damaged (checksum mismatch)")
    return m


def restore(src: Path, corpus: Path, data: Path, force: bool = False) -> BackupReport:
    """Put a backup back: the corpus folder swapped in by rename, each database replaced in one
    SQLite transaction (safe for connections the app holds open). Refuses to overwrite a
    non-empty corpus or existing data files unless force."""
    t0 = time.perf_counter()
    src, corpus, data = Path(src), Path(corpus), Path(data)
    m = verify(src)
    data_entries = {n.removeprefix("data/"): e for n, e in m["files"].items() if n.startswith("data/")}
    if not force:
        clash = []
        if corpus.exists() and any(corpus.iterdir()):
            clash.append(str(corpus))
        clash += [str(data / rel) for rel in data_entries if (data / rel).exists()]
        if clash:
            raise BackupError("refusing to overwrite " + ", ".join(clash[:5]) + "; use --force")
    report = BackupReport(src)
    # 1. the corpus: unpack beside it, then swap folders by rename
    staging = corpus.with_name(f".{corpus.name}.restore-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with tarfile.open(src / CORPUS_TAR, "r:gz") as tar:
            tar.extractall(staging, filter="data")
        new = staging / "corpus"
        if corpus.exists():
            old = corpus.with_name(f".{corpus.name}.replaced-{os.getpid()}")
            os.replace(corpus, old)
            os.replace(new, corpus)
            shutil.rmtree(old, ignore_errors=True)
        else:
            corpus.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new, corpus)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.documents = sum(1 for _ in corpus.rglob("*.md"))
    # 2. application data
    for rel, e in sorted(data_entries.items()):
        source, target = src / "data" / rel, data / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if e.get("kind") == "sqlite":
            if target.exists():
                # into the live file, in one transaction: open connections see old or new, never half
                s, d = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(str(target))
                try:
                    s.backup(d)
                finally:
                    d.close()
                    s.close()
            else:
                tmp = target.with_name(f".{target.name}.restore")
                tmp.unlink(missing_ok=True)
                sqlite_copy(source, tmp)
                os.replace(tmp, target)
            report.databases.append(rel)
        else:
            tmp = target.with_name(f".{target.name}.restore")
            shutil.copy2(source, tmp)
            os.replace(tmp, target)
            report.files.append(rel)
        make_private(target)
    report.seconds = time.perf_counter() - t0
    return report
