"""Write `corpus/asked/` (kb.asked_seeds) from question sets in the `kb eval` format.

Each question goes to the section whose text holds one of its expected phrases (within its `doc`
when the line names one); a phrase found in more than three sections says too little and the
question is left out. Reference questions (警職法2条) are left out: the citation already jumps to
its article. Run on the current index after `kb index`:

    .venv/bin/python bench/seed_asked.py bench/search_train*.jsonl --exclude-near ../shared/eval/dev.jsonl \
        bench/search_fresh*.jsonl
"""
from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from indexer.eval import squash  # noqa: E402
from indexer.search import SearchEngine  # noqa: E402
from kb.anchors import split_key  # noqa: E402
from kb.asked_seeds import ASKED_FOLDER  # noqa: E402
from kb.config import paths  # noqa: E402
from kb.store import atomic_write  # noqa: E402

HEADER = ("# 想定質問（架空）: 現場の警察官がこの文書の条文を探すときの言い方。検索の「質問の言い方」欄に入る。\n"
          "# 実在の照会ではない。編集後は kb index で反映（kb.asked_seeds）。\n")


class Sections:
    """Every section of an index: key, document, squashed text and reading order."""

    def __init__(self, searcher):
        self.rows = [(f["key"], f.get("doc_id", ""), squash(f.get("body", "")), f.get("order") or 0)
                     for f in searcher.all_stored_fields()]
        self.order = {k: o for k, _, _, o in self.rows}
        self.heading = {f["key"]: squash(f.get("heading", "")) for f in searcher.all_stored_fields()}

    def answering(self, case: dict) -> list[str]:
        """Keys of the sections holding an expected phrase (of those, the one whose heading is the
        line's `article` when several do); [] when none or more than three."""
        phrases = [squash(e) for e in case.get("expect") or [] if e]
        keys = [k for k, doc, text, _ in self.rows
                if (not case.get("doc") or doc == case["doc"]) and any(x in text for x in phrases)]
        article = squash(case.get("article", ""))
        named = [k for k in keys if article and (self.heading[k] == article
                                                 or self.heading[k].startswith(article + "（"))]
        if len(keys) > 1 and len(named) == 1:
            return named
        return keys if len(keys) <= 3 else []


def read_cases(files: list[Path]) -> list[dict]:
    return [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def seed_files(cases: list[dict], sections: Sections) -> tuple[dict[str, dict[str, list[str]]], int]:
    """Document → section id → wordings, in reading order; and how many cases were left out."""
    per_doc: dict[str, dict[str, list[str]]] = {}
    left = 0
    for case in cases:
        if case.get("type") == "reference":
            continue
        keys = sections.answering(case)
        left += not keys
        for key in keys:
            doc_id, section = split_key(key)
            wordings = per_doc.setdefault(doc_id, {}).setdefault(section, [])
            if case["query"] not in wordings:
                wordings.append(case["query"])
    return {doc_id: dict(sorted(by_section.items(), key=lambda kv: sections.order.get(f"{doc_id}#{kv[0]}", 0)))
            for doc_id, by_section in sorted(per_doc.items())}, left


def near_copies(cases: list[dict], others: list[dict], ratio: float = 0.8) -> list[dict]:
    """The cases whose wording is nearly that of a question in `others` (difflib ratio ≥ `ratio`):
    an evaluation question must not be in the index by chance."""
    wordings = [o["query"] for o in others]
    out = []
    for case in cases:
        m = difflib.SequenceMatcher(b=case["query"], autojunk=False)
        for w in wordings:
            m.set_seq1(w)
            if m.real_quick_ratio() >= ratio and m.quick_ratio() >= ratio and m.ratio() >= ratio:
                out.append(case)
                break
    return out


def write_seeds(per_doc: dict[str, dict[str, list[str]]], folder: Path) -> None:
    for doc_id, by_section in per_doc.items():
        body = yaml.safe_dump({"document": doc_id, "fictional": True, "sections": by_section},
                              allow_unicode=True, sort_keys=False, width=1000)
        atomic_write(folder / f"{doc_id}.yaml", HEADER + body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, help="folder to write (default: the corpus's asked/)")
    ap.add_argument("--exclude-near", nargs="*", type=Path, default=[],
                    help="question sets (evaluation) whose near copies are left out")
    a = ap.parse_args()
    p = paths()
    sections = Sections(SearchEngine(p.index, p.dictionary).searcher())
    cases = read_cases(a.files)
    near = near_copies(cases, read_cases(a.exclude_near)) if a.exclude_near else []
    cases = [c for c in cases if c not in near]
    if near:
        print(f"{len(near)} questions left out: near copies of a question in {', '.join(map(str, a.exclude_near))}")
    per_doc, left = seed_files(cases, sections)
    out = a.out or p.corpus / ASKED_FOLDER
    write_seeds(per_doc, out)
    kept = sum(len(w) for by_section in per_doc.values() for w in by_section.values())
    print(f"{kept} wordings into {len(per_doc)} files under {out} ({left} questions left out: no single section)")


if __name__ == "__main__":
    main()
