"""`kb check`: lint the whole corpus (front matter, ids, links, cross-references, sizes, validity)."""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kb.anchors import DOC_LINK_TARGET, split_key
from kb.asked_seeds import read_seeds
from kb.crossrefs import Library, build_library, document_names, resolve_references
from kb.document import MAX_SECTION_CHARS, Document, DocumentError, read_document
from kb.store import document_paths

_DOC_LINK = re.compile(rf"\]\({DOC_LINK_TARGET}\)")


@dataclass
class Finding:
    level: str            # error | warning
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    unresolved: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    documents: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    def add(self, level, path, line, message):
        self.findings.append(Finding(level, str(path), line, message))


def _line_of(path: Path, needle: str) -> int | None:
    try:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return n
    except (OSError, UnicodeDecodeError):
        pass
    return None


def check_corpus(corpus: Path, aliases: dict[str, str], today: dt.date | None = None) -> Report:
    report = Report()
    today = today or dt.date.today()
    docs: list[Document] = []
    for path in document_paths(corpus):
        try:
            docs.append(read_document(path))
        except DocumentError as e:
            report.add("error", e.path or path, e.line, str(e).split(": ", 1)[-1] if e.line else str(e))
    report.documents = len(docs)
    by_id = defaultdict(list)
    for d in docs:
        by_id[d.id].append(d)
    for doc_id, same in by_id.items():
        if len(same) > 1:
            for d in same:
                report.add("error", d.path, _line_of(Path(d.path), "id:"),
                           f"duplicate id {doc_id!r} (also in {', '.join(x.path for x in same if x is not d)})")
    library = build_library(docs, aliases)
    for d in docs:
        _check_document(d, library, report, today, by_id)
    _check_seeds(corpus, library, report)
    return report


def _check_seeds(corpus: Path, library: Library, report: Report) -> None:
    """Expected questions (kb.asked_seeds) that cannot be read or name no section of the corpus."""
    seeds = read_seeds(corpus)
    for p in seeds.problems:
        report.add("error", p.path, None, p.message)
    for key, (path, section) in seeds.sections.items():
        doc_id, _ = split_key(key)
        _check_target(Path(path), f"{section}:", doc_id, section, library, report)


def _check_document(d: Document, library: Library, report: Report, today, by_id) -> None:
    path = Path(d.path)
    if path.stem != d.id:
        report.add("warning", path, _line_of(path, "id:"), f"file name does not match id {d.id!r}")
    m = d.meta
    until = m.get("effective_until")
    if m["status"] == "in_force" and until and until < today:
        report.add("error", path, _line_of(path, "effective_until:"),
                   f"effective_until {until} has passed but status is in_force (set repealed/superseded)")
    for key in ("supersedes", "superseded_by"):
        values = m.get(key) or []
        for v in [values] if isinstance(values, str) else values:
            if re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(v)) and str(v) not in by_id:
                report.add("warning", path, _line_of(path, f"{key}:"), f"{key} names unknown document {v!r}")
    for target in m.get("basis") or []:
        doc_id, section = split_key(target)
        _check_target(path, target, doc_id, section, library, report)
    for match in _DOC_LINK.finditer(d.body):
        _check_target(path, match.group(0), match.group(1), match.group(2) or "", library, report)
    local = document_names(d.body)
    for s in d.sections:
        if len(s.text) > MAX_SECTION_CHARS:
            report.add("warning", path, None, f"section {s.id} has {len(s.text)} characters "
                                              f"(over {MAX_SECTION_CHARS}, no 項 boundary to split at)")
        for ref in resolve_references(s.plain_text, d.id, s.id, library, local):
            if not ref.url:
                report.unresolved[d.id].append(f"{s.id}: {ref.text} ({ref.reason})")


def _check_target(path, shown, doc_id, section, library: Library, report: Report):
    line = _line_of(path, shown)
    if doc_id not in library.sections:
        report.add("error", path, line, f"link to unknown document {doc_id!r}")
    elif section and section not in library.sections[doc_id]:
        report.add("error", path, line, f"link to missing section {doc_id}#{section}")
