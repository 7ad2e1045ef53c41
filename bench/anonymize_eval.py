"""Anonymiser recall and precision per type, and keep-words masked, on a pii_*.jsonl file.

Usage: .venv/bin/python bench/anonymize_eval.py [FILE] [--verbose]
(default FILE: ../shared/eval/pii_dev.jsonl relative to the repository root)

- An expected item {type, text} is found when every occurrence of its text is covered by one
  predicted span (of any type).
- Precision: predicted spans that overlap some expected occurrence / all predicted spans.
- A keep-word is masked when any predicted span overlaps one of its occurrences.
"""
from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.anonymize import TYPE_ALIASES, anonymize  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "eval" / "pii_dev.jsonl"


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out, i = [], text.find(needle)
    while needle and i >= 0:
        out.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return out


def evaluate(path: Path, verbose: bool = False) -> dict:
    found, total = defaultdict(int), defaultdict(int)
    pred_ok, pred_all = defaultdict(int), defaultdict(int)
    keep_masked, keep_total = 0, 0
    started = time.perf_counter()
    n = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        n += 1
        text = rec["text"]
        spans = anonymize(text).spans
        expected_occ = []
        for item in rec.get("pii", []):
            typ = TYPE_ALIASES.get(item["type"], item["type"])
            occ = occurrences(text, item["text"])
            expected_occ += occ
            total[typ] += 1
            ok = bool(occ) and all(any(s.start <= b and e <= s.end for s in spans) for b, e in occ)
            found[typ] += ok
            if verbose and not ok:
                print(f"  MISS {rec.get('id')} {typ} {item['text']!r}")
        for s in spans:
            pred_all[s.type] += 1
            hit = any(s.start < e and b < s.end for b, e in expected_occ)
            pred_ok[s.type] += hit
            if verbose and not hit:
                print(f"  FALSE {rec.get('id')} {s.type} {s.text!r}")
        for word in rec.get("keep", []):
            keep_total += 1
            if any(s.start < e and b < s.end for b, e in occurrences(text, word) for s in spans):
                keep_masked += 1
                if verbose:
                    print(f"  KEEP-MASKED {rec.get('id')} {word!r}")
    seconds = time.perf_counter() - started
    return {"texts": n, "found": found, "total": total, "pred_ok": pred_ok, "pred_all": pred_all,
            "keep_masked": keep_masked, "keep_total": keep_total, "seconds": seconds}


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv or "-v" in argv
    args = [a for a in argv if not a.startswith("-")]
    path = Path(args[0]) if args else DEFAULT
    r = evaluate(path, verbose)
    types = sorted(set(r["total"]) | set(r["pred_all"]))
    print(f"{path}  ({r['texts']} texts, {r['seconds'] * 1000 / max(1, r['texts']):.1f} ms/text)")
    print(f"{'type':<16}{'recall':>16}{'precision':>18}")
    for t in types:
        tot, fnd = r["total"][t], r["found"][t]
        pa, po = r["pred_all"][t], r["pred_ok"][t]
        rec = f"{fnd / tot:.3f} ({fnd}/{tot})" if tot else "-"
        prec = f"{po / pa:.3f} ({po}/{pa})" if pa else "-"
        print(f"{t:<16}{rec:>16}{prec:>18}")
    tot, fnd = sum(r["total"].values()), sum(r["found"].values())
    pa, po = sum(r["pred_all"].values()), sum(r["pred_ok"].values())
    print(f"{'overall':<16}{f'{fnd / max(1, tot):.3f} ({fnd}/{tot})':>16}{f'{po / max(1, pa):.3f} ({po}/{pa})':>18}")
    print(f"keep-words masked: {r['keep_masked']} of {r['keep_total']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
