"""What the 「asked as」 field is worth, measured with a time split (docs/search-quality.md).

For each cutoff date, the index lends only the wording of inquiries received before it; the
questions of the inquiries received on or after it are searched (official texts only, so the
inquiry itself cannot answer), and a hit counts when it is one of that inquiry's basis sections.
Each cutoff is scored with the field on and off, in one process over the same index.

    .venv/bin/python bench/asked_split.py [--cutoffs 2026-01-01,2026-05-01,2026-08-01]
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.engine import machine  # noqa: E402  (after the path set-up above)
from indexer.asked import _NOTE, _QUESTION, INQUIRY_FOLDER  # noqa: E402
from indexer.build import rebuild  # noqa: E402
from indexer.query import FULL  # noqa: E402
from indexer.search import Filters, SearchEngine  # noqa: E402
from kb.document import read_document  # noqa: E402
from kb.store import document_paths  # noqa: E402

OFFICIAL = Filters(kinds=("law", "regulation", "notice", "manual"))


def questions(corpus: Path, since: dt.date):
    """(question, basis keys) of the public inquiries received on or after `since`."""
    for path in document_paths(corpus):
        if path.relative_to(corpus).parts[0] != INQUIRY_FOLDER:
            continue
        doc = read_document(path)
        received = doc.meta.get("received")
        if received is None or received < since or not doc.meta.get("basis"):
            continue
        m = _QUESTION.search(doc.body)
        text = re.sub(r"\s+", " ", _NOTE.sub("", m.group(1))).strip() if m else doc.title
        yield text, set(doc.meta["basis"])


def score(engine: SearchEngine, cases) -> tuple[float, float, float, int]:
    r1 = r5 = mrr = 0.0
    for text, basis in cases:
        hits = engine.search(text, limit=10, filters=OFFICIAL, highlight_hits=False).hits
        rank = next((i for i, h in enumerate(hits, 1) if f"{h.doc_id}#{h.section_id}" in basis), None)
        r1 += rank == 1
        r5 += rank is not None and rank <= 5
        mrr += 1 / rank if rank else 0.0
    n = max(1, len(cases))
    return r1 / n, r5 / n, mrr / n, len(cases)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO / "corpus"))
    ap.add_argument("--cutoffs", default="2026-01-01,2026-05-01,2026-08-01")
    args = ap.parse_args()
    corpus = Path(args.corpus).resolve()
    print(machine())
    print("| cutoff | older lend | newer asked | asked as | R@1 | R@5 | MRR@10 |")
    print("|---|---|---|---|---|---|---|")
    for cutoff in [dt.date.fromisoformat(c) for c in args.cutoffs.split(",")]:
        home = Path(tempfile.mkdtemp(prefix="asked-split-"))
        try:
            rebuild(corpus, home, jobs=1, validate=False, asked_before=cutoff)
            cases = list(questions(corpus, cutoff))
            older = sum(1 for p in document_paths(corpus) if p.relative_to(corpus).parts[0] == INQUIRY_FOLDER
                        and (d := read_document(p).meta.get("received")) and d < cutoff)
            for label, ranking in (("off", replace(FULL, asked_as_weight=0.0)), ("on", FULL)):
                engine = SearchEngine(home, corpus / "dictionary", ranking)
                r1, r5, mrr, n = score(engine, cases)
                print(f"| {cutoff} | {older} | {n} | {label} | {r1:.3f} | {r5:.3f} | {mrr:.3f} |")
        finally:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
