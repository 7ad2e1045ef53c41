"""Anonymiser recall and precision per type, keep-words masked, and speed, on a pii_*.jsonl file.

Usage: .venv/bin/python bench/anonymize_eval.py [FILE] [--verbose] [--speed-rounds N] [--long-sizes 2000,20000,80000]
(default FILE: ../shared/eval/pii_dev.jsonl relative to the repository root)

Reports the whole file, then the lines whose id starts with "p" (the first 30) and with "q" (the
70 added later) separately, then the time to anonymise a 2,000-character inquiry (median of N runs,
GiNZA already loaded) and the time per 1,000 characters at 2k, 20k and 80k characters (linear-time).

- An expected item {type, text} is found when every occurrence of its text is covered by one
  masked span (of any type). 「要確認」 spans are not masked and do not count as found.
- Precision: masked spans that overlap some expected occurrence / all masked spans.
- A keep-word is masked when any masked span overlaps one of its occurrences.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.anonymize import TYPE_ALIASES, analyse  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "eval" / "pii_dev.jsonl"


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out, i = [], text.find(needle)
    while needle and i >= 0:
        out.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return out


def evaluate(records: list[dict], verbose: bool = False, detect=None) -> dict:
    """Counts per type over `records`; `detect(text)` (default: the anonymiser) gives .spans and .review."""
    found, total = defaultdict(int), defaultdict(int)
    pred_ok, pred_all = defaultdict(int), defaultdict(int)
    keep_masked, keep_total, review = 0, 0, 0
    started = time.perf_counter()
    for rec in records:
        text = rec["text"]
        result = (detect or analyse)(text)
        spans = result.spans
        review += len(result.review)
        if verbose:
            for s in result.review:
                print(f"  要確認 {rec.get('id')} {s.type} {s.text!r}")
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
    return {"texts": len(records), "found": found, "total": total, "pred_ok": pred_ok, "pred_all": pred_all,
            "keep_masked": keep_masked, "keep_total": keep_total, "review": review, "seconds": seconds}


def report(title: str, r: dict) -> None:
    types = sorted(set(r["total"]) | set(r["pred_all"]))
    print(f"\n{title}  ({r['texts']} texts, {r['seconds'] * 1000 / max(1, r['texts']):.1f} ms/text)")
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
    print(f"keep-words masked: {r['keep_masked']} of {r['keep_total']}; 要確認 spans: {r['review']}")


def inquiry_of(records: list[dict], chars: int) -> str:
    """A long inquiry made of the set's fictional texts, cut at `chars` (dense with names: a worst case)."""
    out, n = [], 0
    while n < chars:
        for rec in records:
            out.append(rec["text"])
            n += len(rec["text"])
            if n >= chars:
                break
    return "".join(out)[:chars]


def speed(records: list[dict], rounds: int, sizes: list[int]) -> None:
    analyse("山田太郎さんから届出。")            # load Sudachi and GiNZA once, as a server does
    print(f"\nspeed on {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.2f}):")
    newer = [r for r in records if str(r.get("id", "")).startswith("q")]
    for label, source in (("", records), (" (from the new q… lines)", newer)):
        if not source:
            continue
        text = inquiry_of(source, 2000)
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            analyse(text)
            times.append((time.perf_counter() - t) * 1000)
        print(f"2,000-character inquiry{label}: median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, "
              f"max {max(times):.0f} ms over {rounds} runs")
    for size in sizes:
        text = inquiry_of(records, size)
        t = time.perf_counter()
        analyse(text)
        ms = (time.perf_counter() - t) * 1000
        print(f"{size:>6} characters: {ms:7.0f} ms  ({ms * 1000 / size:.1f} ms per 1,000 characters)")


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv or "-v" in argv
    rounds, sizes = 11, [2000, 20000, 80000]
    if "--speed-rounds" in argv:
        rounds = int(argv[argv.index("--speed-rounds") + 1])
        argv = argv[:argv.index("--speed-rounds")] + argv[argv.index("--speed-rounds") + 2:]
    if "--long-sizes" in argv:
        sizes = [int(n) for n in argv[argv.index("--long-sizes") + 1].split(",") if n]
        argv = argv[:argv.index("--long-sizes")] + argv[argv.index("--long-sizes") + 2:]
    args = [a for a in argv if not a.startswith("-")]
    path = Path(args[0]) if args else DEFAULT
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    report(f"{path} (all)", evaluate(records, verbose))
    for prefix, name in (("p", "old lines (p…)"), ("q", "new lines (q…)")):
        subset = [r for r in records if str(r.get("id", "")).startswith(prefix)]
        if subset:
            report(name, evaluate(subset))
    if rounds > 0:
        speed(records, rounds, sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
