"""Search-quality evaluation over JSON Lines files of queries with expected phrases."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from indexer.query import FULL, PLAIN, Ranking

_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """NFKC with all white space removed: how expected phrases are compared."""
    return _WS.sub("", unicodedata.normalize("NFKC", text or ""))


@dataclass
class Case:
    query: str
    expect: list[str]
    type: str = ""
    id: str = ""


@dataclass
class CaseResult:
    case: Case
    rank: int | None          # 1-based rank of the first relevant hit within the top 10
    total: int


@dataclass
class Metrics:
    n: int = 0
    r1: float = 0.0
    r5: float = 0.0
    r10: float = 0.0
    mrr: float = 0.0
    zero: int = 0

    def row(self, label: str) -> str:
        return (f"{label:<12} n={self.n:<3} R@1={self.r1:.3f} R@5={self.r5:.3f} "
                f"R@10={self.r10:.3f} MRR@10={self.mrr:.3f} zero={self.zero}")


def load_cases(path: Path) -> list[Case]:
    cases = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{n}: not JSON: {e}") from None
        cases.append(Case(o["query"], list(o.get("expect") or []), o.get("type", ""), o.get("id", "")))
    return cases


def first_relevant(hits, expect: list[str]) -> int | None:
    phrases = [squash(e) for e in expect if e]
    for i, h in enumerate(hits, 1):
        text = squash(h.text)
        if any(p in text for p in phrases):
            return i
    return None


def evaluate(engine, cases: list[Case], search_kwargs: dict | None = None) -> list[CaseResult]:
    out = []
    for c in cases:
        res = engine.search(c.query, limit=10, highlight_hits=False, **(search_kwargs or {}))
        out.append(CaseResult(c, first_relevant(res.hits, c.expect), res.total))
    return out


def metrics(results: list[CaseResult]) -> Metrics:
    m = Metrics(n=len(results))
    if not results:
        return m
    for r in results:
        k = r.rank
        m.r1 += k is not None and k <= 1
        m.r5 += k is not None and k <= 5
        m.r10 += k is not None and k <= 10
        m.mrr += 1.0 / k if k else 0.0
        m.zero += r.total == 0
    for a in ("r1", "r5", "r10", "mrr"):
        setattr(m, a, getattr(m, a) / len(results))
    return m


def by_type(results: list[CaseResult]) -> dict[str, Metrics]:
    groups = defaultdict(list)
    for r in results:
        groups[r.case.type or "-"].append(r)
    return {t: metrics(rs) for t, rs in sorted(groups.items())}


# Each component of the full ranking, and the ranking without it (`kb eval --ablate`).
COMPONENTS: dict[str, dict] = {
    "subunits": {"subunit_weight": 0.0},
    "synonyms": {"synonyms": False},
    "everyday": {"everyday": False},
    "readings": {"readings": False},
    "kana_sentences": {"kana_sentences": False},
    "question_words": {"question_words": False},
    "references": {"references": False},
    "scoping": {"scoping": False},
    "priors": {"priors": False},
    "asked_as": {"asked_as_weight": 0.0},
    "coverage": {"coverage_weight": 0.0},
    "near_words": {"near_words": False},
}


def ablations(full: Ranking = FULL) -> list[tuple[str, Ranking]]:
    """(label, ranking): plain, full, and full minus each component that is switched on."""
    out = [("plain", PLAIN), ("full", full)]
    for name, change in COMPONENTS.items():
        if all(hasattr(full, k) for k in change):
            variant = replace(full, **change)
            if variant != full:
                out.append((f"-{name}", variant))
    return out


def halves(results: list[CaseResult]) -> tuple[Metrics, Metrics]:
    """Metrics of the odd-numbered and the even-numbered cases (1-based): tune on one half,
    read the other as unseen."""
    return metrics(results[0::2]), metrics(results[1::2])


def ablation_table(rows: list[tuple[str, list[CaseResult]]]) -> list[str]:
    """A Markdown table: R@1, R@5, MRR@10 overall, R@5 and MRR@10 of the odd and even halves,
    and R@5 per type, one row per configuration."""
    types = sorted({r.case.type or "-" for _, results in rows for r in results})
    head = (["config", "R@1", "R@5", "MRR@10", "R@5 odd", "R@5 even", "MRR odd", "MRR even"]
            + [f"R@5 {t}" for t in types])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, results in rows:
        m, per = metrics(results), by_type(results)
        odd, even = halves(results)
        cells = [label, f"{m.r1:.3f}", f"{m.r5:.3f}", f"{m.mrr:.3f}",
                 f"{odd.r5:.3f}", f"{even.r5:.3f}", f"{odd.mrr:.3f}", f"{even.mrr:.3f}"]
        cells += [f"{per[t].r5:.2f}" if t in per else "" for t in types]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
