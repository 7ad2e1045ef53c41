"""What the expected questions (corpus/asked/, kb.asked_seeds) are worth on wordings they do not hold.

Two measures, each over indexes built here from a copy of the corpus, for several weights of the
「asked as」 field in one process:

- **folds**: the seed sets are split into k folds by line; for each fold an index is built with
  the others' wordings only, and the fold's questions are searched (an unseen wording, whose
  article may or may not have other wordings);
- **other sets** (`--also`): question sets written apart from the seeds, searched on an index with
  every seed wording.

    .venv/bin/python bench/asked_seeds_cv.py bench/search_train*.jsonl \\
        --also ../shared/eval/dev.jsonl bench/search_fresh.jsonl bench/search_fresh2.jsonl
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.engine import machine  # noqa: E402
from bench.seed_asked import Sections, read_cases, seed_files, write_seeds  # noqa: E402
from indexer.build import rebuild  # noqa: E402
from indexer.eval import first_relevant  # noqa: E402
from indexer.query import FULL  # noqa: E402
from indexer.search import SearchEngine  # noqa: E402
from kb.asked_seeds import ASKED_FOLDER  # noqa: E402


def build(corpus: Path, cases: list[dict], sections: Sections | None, work: Path) -> tuple[Path, Path, Sections]:
    """A copy of the corpus whose expected questions are those of `cases`, and its index."""
    copy = work / "corpus"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns(ASKED_FOLDER))
    home = work / "index"
    if sections is None:       # the sections do not depend on the seeds: read them once
        rebuild(copy, home, jobs=1, validate=False)
        sections = Sections(SearchEngine(home, copy / "dictionary").searcher())
    write_seeds(seed_files(cases, sections)[0], copy / ASKED_FOLDER)
    rebuild(copy, home, jobs=1, validate=False)
    return copy, home, sections


def ranks(copy: Path, home: Path, cases: list[dict], weights: list[float]) -> dict[float, list[tuple[str, int | None]]]:
    out: dict[float, list] = {}
    for w in weights:
        engine = SearchEngine(home, copy / "dictionary", replace(FULL, asked_as_weight=w))
        out[w] = [(c.get("type", "-"), first_relevant(engine.search(c["query"], limit=10, highlight_hits=False).hits,
                                                      c["expect"])) for c in cases]
    return out


def row(label: str, w: float, results: list[tuple[str, int | None]]) -> str:
    def m(rs):
        n = max(1, len(rs))
        return (sum(r == 1 for _, r in rs if r) / n, sum(r <= 5 for _, r in rs if r) / n,
                sum(1 / r for _, r in rs if r) / n)
    by_type = defaultdict(list)
    for t, r in results:
        by_type[t].append((t, r))
    r1, r5, mrr = m(results)
    types = " ".join(f"{t} {m(v)[0]:.2f}/{m(v)[1]:.2f}" for t, v in sorted(by_type.items()))
    return f"| {label} | {w} | {len(results)} | {r1:.3f} | {r5:.3f} | {mrr:.3f} | {types} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path, help="the seed question sets")
    ap.add_argument("--also", nargs="*", type=Path, default=[], help="sets written apart from the seeds")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--weights", default="0,0.3,0.7,1.0")
    ap.add_argument("--corpus", type=Path, default=REPO / "corpus")
    a = ap.parse_args()
    weights = [float(x) for x in a.weights.split(",")]
    cases = read_cases(a.files)
    print(machine())
    print("| set | asked-as weight | questions | R@1 | R@5 | MRR@10 | R@1/R@5 by type |")
    print("|---|---|---|---|---|---|---|")
    work = Path(tempfile.mkdtemp(prefix="asked-seeds-"))
    try:
        sections = None
        pooled: dict[float, list] = defaultdict(list)
        for k in range(a.folds):
            held = [c for i, c in enumerate(cases) if i % a.folds == k]
            rest = [c for i, c in enumerate(cases) if i % a.folds != k]
            copy, home, sections = build(a.corpus, rest, sections, work / "fold")
            for w, rs in ranks(copy, home, held, weights).items():
                pooled[w] += rs
        for w in weights:
            print(row(f"folds ({a.folds})", w, pooled[w]))
        if a.also:
            copy, home, _ = build(a.corpus, cases, sections, work / "all")
            for path in a.also:
                for w, rs in ranks(copy, home, read_cases([path]), weights).items():
                    print(row(path.name, w, rs))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
