"""The corpus on disk: list, read and atomically write Markdown documents."""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kb.document import KIND_DIRS, Document, DocumentError, read_document

SKIP_DIRS = {"dictionary", "asked"}      # the search dictionary, expected questions (YAML)


@dataclass
class LoadError:
    path: str
    error: DocumentError


def document_paths(corpus: Path) -> list[Path]:
    """Every *.md document under the corpus, excluding data folders and README files."""
    corpus = Path(corpus)
    out = []
    for p in sorted(corpus.rglob("*.md")):
        rel = p.relative_to(corpus).parts
        if rel[0] in SKIP_DIRS or p.name.lower() == "readme.md" or any(x.startswith(".") for x in rel):
            continue
        out.append(p)
    return out


def iter_documents(corpus: Path, errors: list[LoadError] | None = None) -> Iterator[Document]:
    """Documents of the corpus; unreadable ones are reported into `errors` (or raised)."""
    for p in document_paths(corpus):
        try:
            yield read_document(p)
        except DocumentError as e:
            if errors is None:
                raise
            errors.append(LoadError(str(p), e))


def atomic_write(path: Path, data: str | bytes, durable: bool = True) -> None:
    """Write via a temp file in the same folder, fsync, then os.replace: never a half-written file.
    `durable=False` skips the fsync, for bulk writers that flush once at the end."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            # mkstemp makes 0600 files; corpus files are ordinary files (0666 less the umask)
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(f.fileno(), 0o666 & ~umask)
            f.write(raw)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def document_path(corpus: Path, kind: str, doc_id: str, year: int | None = None) -> Path:
    """Where a document of this kind and id is stored."""
    folder = Path(corpus) / KIND_DIRS[kind]
    if kind == "inquiry" and year:
        folder = folder / str(year)
    return folder / f"{doc_id}.md"


_DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")


def find_document(corpus: Path, doc_id: str) -> Path | None:
    """Path of the document with this id (file name = id), or None; a few stat calls, no scan."""
    if not _DOC_ID.fullmatch(doc_id or "") or ".." in doc_id:
        return None
    corpus = Path(corpus)
    for folder in KIND_DIRS.values():
        p = corpus / folder / f"{doc_id}.md"
        if p.is_file():
            return p
    for p in sorted((corpus / KIND_DIRS["inquiry"]).glob(f"*/{doc_id}.md")):
        return p
    return None
