"""Importing other prefectures' bundles: de-duplication, newer versions, withdrawals, the publish
gate, and the corpus files imported cases become (corpus/inquiries/shared/).

The ledger (shared_cases) remembers every (organisation, case id) with its content hash, so a
bundle imported twice changes nothing and an older bundle never brings back a withdrawn or newer
case. A case the anonymiser still finds personal data in is held for the local desk, never
published. Nothing here touches the index: the caller publishes `ImportReport.index` and
`.remove` through the single index writer.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from kb import publish_gate
from kb.access import open_to_every_reader
from kb.db import Base, Database, utcnow
from kb.desk import DeskError
from kb.exchange import Bundle, Citation, SharedCase, article_label, article_section, moment_key
from kb.inquiries import Basis, _paragraphs
from kb.store import atomic_write

SHARED_FOLDER = Path("inquiries") / "shared"
STATES = {"published": "公開", "held": "保留（要確認）", "withdrawn": "取り下げ", "discarded": "不採用"}

Resolver = Callable[[Citation], Basis | None]
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class SharedCaseRow(Base):
    """The ledger: one row per (organisation, case id) ever received."""
    __tablename__ = "shared_cases"
    __table_args__ = (UniqueConstraint("org", "case_id", name="uq_shared_cases_org_case"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org: Mapped[str] = mapped_column(String(100), nullable=False)
    case_id: Mapped[str] = mapped_column(String(100), nullable=False)
    hash: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    updated: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    doc_id: Mapped[str] = mapped_column(String(200), nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    record: Mapped[str] = mapped_column(Text, nullable=False, default="")       # the case, while held
    findings: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    withdrawn_at: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)

    def case(self) -> SharedCase:
        raw = json.loads(self.record)
        return SharedCase(**{**raw, "citations": [Citation(**{"label": "", **c}) for c in raw["citations"]]})

    def finding_list(self) -> list[dict]:
        return json.loads(self.findings)


@dataclass
class ImportReport:
    org: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    older: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    index: list[str] = field(default_factory=list)       # doc ids to (re)index
    remove: list[str] = field(default_factory=list)      # doc ids to remove from the index

    def summary(self) -> str:
        return (f"{self.org}: {len(self.added)} added, {len(self.updated)} updated, {len(self.withdrawn)} withdrawn, "
                f"{len(self.held)} held for review, {len(self.unchanged)} unchanged, {len(self.older)} older ignored")

    def summary_ja(self) -> str:
        return (f"{self.org}：追加 {len(self.added)}件、更新 {len(self.updated)}件、取り下げ {len(self.withdrawn)}件、"
                f"保留（要確認） {len(self.held)}件、変更なし {len(self.unchanged)}件")


def local_doc_id(org: str, case_id: str) -> str:
    """The corpus id of an imported case: ext-<organisation digest>-<its case id>."""
    return f"ext-{hashlib.sha256(org.encode('utf-8')).hexdigest()[:8]}-{case_id}"


def gate_findings(case: SharedCase) -> list[dict]:
    """Personal data the publish gate still finds in a received case (empty: it may be published).
    The same gate as a local publish (kb.publish_gate), so both hold the same things back."""
    text = "\n".join((case.title, case.question, case.answer))
    return [{"type": lk.type, "label": lk.label, "text": lk.text} for lk in publish_gate.leaks(text)]


def gate_all(cases: list[SharedCase], parallel_from: int = 200) -> list[list[dict]]:
    """gate_findings of many cases; a large import uses every core (the gate is the slow part)."""
    workers = os.cpu_count() or 1
    if len(cases) < parallel_from or workers < 2:
        return [gate_findings(c) for c in cases]
    first = gate_findings(cases[0])      # loads the dictionary here, so the forked workers share it
    with ProcessPoolExecutor(max_workers=workers) as pool:
        rest = cases[1:]
        return [first, *pool.map(gate_findings, rest, chunksize=max(1, len(rest) // (workers * 8)))]


def resolver_from_catalog(catalog: dict[str, dict]) -> Resolver:
    """Citations → this prefecture's sections: by e-Gov law ID, else by the document's own title."""
    by_law: dict[str, str] = {}
    by_title: dict[str, str] = {}
    for doc_id, e in catalog.items():
        if e.get("kind") == "inquiry" or not open_to_every_reader(e):
            continue
        if e.get("law_id"):
            by_law.setdefault(e["law_id"], doc_id)
        by_title.setdefault(e.get("title", ""), doc_id)

    def resolve(c: Citation) -> Basis | None:
        doc_id = by_law.get(c.law_id) if c.law_id else by_title.get(c.title)
        if doc_id is None:
            return None
        entry = catalog[doc_id]
        sections = set(entry.get("sections") or ())
        section = article_section(c)
        if c.paragraph and f"{section}-p{c.paragraph}" in sections:
            section = f"{section}-p{c.paragraph}"
        if section not in sections:
            section = ""                     # the law is here, the article is not: the document
        label = " ".join(x for x in (entry.get("title", ""), article_label(c.article, c.paragraph) if section else "") if x)
        return Basis(doc_id, section, label)
    return resolve


def imported_markdown(case: SharedCase, resolve: Resolver) -> str:
    """The corpus file of an imported case: the source's text, dates and citations, with links to
    this prefecture's own articles where the cited law exists here."""
    found = [(c, resolve(c)) for c in case.citations]
    meta = {
        "id": local_doc_id(case.org, case.case_id), "title": case.title, "kind": "inquiry", "category": case.category,
        "received": dt.date.fromisoformat(case.published), "answered": dt.date.fromisoformat(case.published),
        "status": "in_force", "confidentiality": "internal", "department": "",
        "basis": [b.key for _, b in found if b is not None], "tags": list(case.tags),
        "source": f"他県事例（{case.org}）",
        "origin": {"org": case.org, "case_id": case.case_id, "hash": case.hash, "published": case.published,
                   "updated": case.updated},
    }
    if case.sample:
        meta["sample"] = True
    front = yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=False)
    updated = case.updated[:10]
    body = [f"# {case.title}", "", f"> 他県事例（{case.org}）：{case.published} 公開、{updated} 更新。"]
    if case.sample:
        body += [">", "> この照会事例は架空のサンプルです。"]
    body += ["", "**質問**", "", _paragraphs(case.question), "", "**回答**", "", _paragraphs(case.answer)]
    if found:
        body += ["", "**根拠**", ""]
        for c, b in found:
            label = c.label.replace("[", "［").replace("]", "］")
            body.append(f"- [{b.label or label}]({b.url.rstrip('#')})" if b else f"- {label}（この県の文書にはありません）")
    return f"---\n{front}---\n\n" + "\n".join(body) + "\n"


class ShareLedger:
    """The import side: the ledger in the database and the imported cases' corpus files."""

    def __init__(self, db: Database, corpus: Path):
        self.db = db
        self.corpus = Path(corpus)

    def path_of(self, doc_id: str) -> Path:
        return self.corpus / SHARED_FOLDER / f"{doc_id}.md"

    def apply(self, bundle: Bundle, resolve: Resolver) -> ImportReport:
        """Apply a verified bundle: files first, then the ledger in one transaction (a crash in
        between leaves files a repeat import rewrites identically)."""
        report = ImportReport(bundle.org)
        writes: dict[str, str] = {}
        deletes: set[str] = set()
        with self.db.session() as s:
            rows = {r.case_id: r for r in s.scalars(select(SharedCaseRow).where(SharedCaseRow.org == bundle.org))}
            fresh = []
            for case in bundle.cases:
                row = rows.get(case.case_id)
                if row is not None and not self._is_newer(row, case):
                    (report.unchanged if row.hash == case.hash else report.older).append(case.case_id)
                else:
                    fresh.append(case)
            for case, findings in zip(fresh, gate_all(fresh), strict=False):
                row = rows.get(case.case_id)
                if row is None:
                    row = rows[case.case_id] = SharedCaseRow(org=case.org, case_id=case.case_id,
                                                             doc_id=local_doc_id(case.org, case.case_id), state="new")
                    s.add(row)
                was_published = row.state == "published"
                (report.updated if was_published else report.added).append(case.case_id)
                row.hash, row.updated, row.imported_at = case.hash, case.updated, utcnow()
                row.findings = json.dumps(findings, ensure_ascii=False)
                if findings:
                    row.state, row.record = "held", json.dumps(_case_json(case), ensure_ascii=False)
                    report.held.append(case.case_id)
                    if was_published:
                        deletes.add(row.doc_id)
                else:
                    row.state, row.record = "published", ""
                    writes[row.doc_id] = imported_markdown(case, resolve)
                    deletes.discard(row.doc_id)
            for w in bundle.withdrawals:
                row = rows.get(w.case_id)
                if row is None:
                    # never received: remembered, so an older bundle cannot bring it in later
                    row = rows[w.case_id] = SharedCaseRow(org=w.org, case_id=w.case_id, state="withdrawn",
                                                          doc_id=local_doc_id(w.org, w.case_id), updated=w.withdrawn,
                                                          withdrawn_at=w.withdrawn)
                    s.add(row)
                    continue
                if row.state == "withdrawn" or (row.updated and moment_key(w.withdrawn) < moment_key(row.updated)):
                    report.unchanged.append(w.case_id)
                    continue
                if row.state == "published":
                    deletes.add(row.doc_id)
                    writes.pop(row.doc_id, None)
                row.state, row.record, row.withdrawn_at = "withdrawn", "", w.withdrawn
                report.withdrawn.append(w.case_id)
            self._write(writes, deletes)
        report.index = sorted(writes)
        report.remove = sorted(deletes)
        return report

    @staticmethod
    def _is_newer(row: SharedCaseRow, case: SharedCase) -> bool:
        if row.state == "withdrawn":
            return bool(row.withdrawn_at) and moment_key(case.updated) > moment_key(row.withdrawn_at)
        if row.hash == case.hash:
            return False
        return not row.updated or moment_key(case.updated) >= moment_key(row.updated)

    def _write(self, writes: dict[str, str], deletes: set[str]) -> None:
        many = len(writes) > 50
        for doc_id, text in writes.items():
            atomic_write(self.path_of(doc_id), text, durable=not many)
        if many:
            os.sync()                    # one flush for a large import instead of one per file
        for doc_id in deletes:
            self.path_of(doc_id).unlink(missing_ok=True)

    # -- the desk's look at held cases -------------------------------------------------------
    def rows(self, states=("held",), limit: int = 200) -> list[SharedCaseRow]:
        with self.db.session() as s:
            return list(s.scalars(select(SharedCaseRow).where(SharedCaseRow.state.in_(states))
                                  .order_by(SharedCaseRow.imported_at.desc()).limit(limit)))

    def counts(self) -> dict[str, int]:
        with self.db.session() as s:
            return dict(s.execute(select(SharedCaseRow.state, func.count()).group_by(SharedCaseRow.state)).all())

    def decide_held(self, row_id: int, publish: bool, resolve: Resolver) -> SharedCaseRow:
        """The local desk looked at a held case: publish it as received, or leave it out."""
        with self.db.session() as s:
            row = s.get(SharedCaseRow, row_id)
            if row is None or row.state != "held":
                raise DeskError(f"no held case {row_id}", "この事例は保留中ではありません。")
            if publish:
                atomic_write(self.path_of(row.doc_id), imported_markdown(row.case(), resolve))
                row.state = "published"
            else:
                row.state = "discarded"
            row.record = "" if publish else row.record
            return row


def _case_json(case: SharedCase) -> dict:
    return {**case.content(), "citations": [c.to_json() for c in case.citations]}
