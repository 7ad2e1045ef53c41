"""Compare the anonymiser's spans on two trees: masked and 「要確認」 spans per text, saved on one, compared on the other.

    .venv/bin/python bench/anonymize_diff.py --save /tmp/before.json FILE...   # on the old tree
    .venv/bin/python bench/anonymize_diff.py --against /tmp/before.json FILE... # on the new tree

Each changed span is marked as labelled personal data or a keep-word. FILE: pii_*.jsonl files
(`text`, optional `pii` and `keep`). Default: pii_dev, bench/pii_train*.jsonl and
bench/ordinary_text.jsonl; the blind sets (pii_fresh*) only when named, since this prints their
lines. Texts are matched by file and id, so the two lists may differ.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.anonymize_eval import DEFAULT  # noqa: E402
from kb.anonymize import analyse  # noqa: E402


def default_files() -> list[Path]:
    return [DEFAULT, *sorted((ROOT / "bench").glob("pii_train*.jsonl")), ROOT / "bench" / "ordinary_text.jsonl"]


def records(files: list[Path]):
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                rec = json.loads(line)
                yield f"{path.name}:{rec.get('id', '')}:{n}", rec


def spans_of(text: str) -> dict[str, list[list]]:
    d = analyse(text)
    return {"masked": [[s.type, s.text] for s in d.spans], "review": [[s.type, s.text] for s in d.review]}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--against", type=Path)
    args = ap.parse_args(argv)
    recs = dict(records(args.files or default_files()))
    now = {key: spans_of(rec["text"]) for key, rec in recs.items()}
    if args.save:
        args.save.write_text(json.dumps(now, ensure_ascii=False), encoding="utf-8")
        print(f"{len(now)} texts saved to {args.save}")
        return 0
    before = json.loads(args.against.read_text(encoding="utf-8"))
    changed = gained = lost = 0
    for key in sorted(set(now) & set(before)):
        if now[key] == before[key]:
            continue
        changed += 1
        labelled = {p["text"] for p in recs[key].get("pii") or []}
        keep = recs[key].get("keep") or []
        print(key)
        for tier in ("masked", "review"):
            old, new = {tuple(x) for x in before[key][tier]}, {tuple(x) for x in now[key][tier]}
            for mark, items in (("+", new - old), ("-", old - new)):
                for kind, text in sorted(items):
                    note = "personal data" if any(text in p or p in text for p in labelled) else (
                        "KEEP-WORD" if any(text in k or k in text for k in keep) else "")
                    if tier == "masked":
                        gained += mark == "+"
                        lost += mark == "-"
                    print(f"  {mark} {tier:<6} {kind:<15} {text}  {note}")
    print(f"\n{changed} of {len(set(now) & set(before))} texts changed; masked spans +{gained} -{lost}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
