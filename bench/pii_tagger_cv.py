"""What the anonymiser's trained tagger adds on inquiries it was not trained on.

Usage: .venv/bin/python bench/pii_tagger_cv.py [--rules-from DIR] [--every N] HELD.jsonl [HELD2.jsonl …]

For each held-out set, a tagger is trained on the other development sets (and the official texts of
`corpus/`, as `make train-anonymiser` does), then the held-out set is scored twice in one process:
the rules alone (with GiNZA) and the rules plus that tagger's confident spans (kb.anonymize._tagged,
the same checks as in production). The held-out sets were themselves used to write rules, so the
rules look better here than on unseen text; `--rules-from DIR` takes the rules' spans from another
checkout instead (say `git worktree add /tmp/old 7898a74`, the tree before a set was read), which
shows what the tagger adds where the rules have not seen the texts.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kb.anonymize as A  # noqa: E402
from bench.anonymize_eval import evaluate  # noqa: E402
from kb import pii_model, pii_training  # noqa: E402

# the sets `make train-anonymiser` trains on (pii_fresh4 stays blind)
DEVELOPMENT = [ROOT.parent / "shared" / "eval" / "pii_dev.jsonl"] + [
    ROOT / "bench" / f"pii_{name}.jsonl" for name in ("fresh", "fresh2", "fresh3", "fresh5", "fresh6", "train1", "train2", "train3", "train4", "train5", "train6")]

_OLD_SPANS = """
import json, sys
from kb.anonymize import analyse
for line in sys.stdin:
    print(json.dumps([(s.start, s.end) for s in analyse(json.loads(line)["text"]).spans]))
"""


def rule_spans(records: list[dict], rules_from: Path | None) -> list[list[tuple[int, int]]]:
    if rules_from is None:
        return [[(s.start, s.end) for s in A.analyse(r["text"], use_tagger=False).spans] for r in records]
    out = subprocess.run([sys.executable, "-c", _OLD_SPANS], cwd=rules_from, check=True, text=True,
                         capture_output=True, input="".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return [[tuple(x) for x in json.loads(line)] for line in out.stdout.splitlines()]


def score(records: list[dict], spans: list[list[tuple[int, int]]]) -> str:
    """Recall, precision and keep-words of the given spans, counted as bench/anonymize_eval.py counts."""
    by_text = {r["text"]: [A.PiiSpan(b, e, "masked", r["text"][b:e]) for b, e in sp]
               for r, sp in zip(records, spans, strict=True)}
    r = evaluate(records, detect=lambda text: A.Detection(by_text[text], []))
    missed = {t: r["total"][t] - r["found"][t] for t in r["total"] if r["found"][t] < r["total"][t]}
    miss = ", ".join(f"{t} {n}" for t, n in sorted(missed.items(), key=lambda x: -x[1]))
    found, total = sum(r["found"].values()), sum(r["total"].values())
    return (f"recall {found / total:.3f}  precision {sum(r['pred_ok'].values()) / max(1, sum(r['pred_all'].values())):.3f}"
            f"  keep-words masked {r['keep_masked']}  missed: {miss}")


def main(argv: list[str]) -> int:
    rules_from, every = None, 2
    if "--rules-from" in argv:
        i = argv.index("--rules-from")
        rules_from, argv = Path(argv[i + 1]), argv[:i] + argv[i + 2:]
    if "--every" in argv:                 # every N-th official section (2, as make train-anonymiser)
        i = argv.index("--every")
        every, argv = int(argv[i + 1]), argv[:i] + argv[i + 2:]
    held_sets = [Path(a).resolve() for a in argv] or DEVELOPMENT
    print(f"on {os.cpu_count()} CPUs; official texts: every {every}. section of corpus/")
    official = list(pii_training.official_examples(ROOT / "corpus", every))
    for held in held_sets:
        records = [json.loads(x) for x in held.read_text(encoding="utf-8").splitlines() if x.strip()]
        examples = list(official)
        for path in DEVELOPMENT:
            if path.resolve() != held:
                examples += pii_training.inquiry_examples(path.open(encoding="utf-8"), path.name)
        with tempfile.TemporaryDirectory() as tmp:
            pii_model.MODEL_PATH = Path(tmp) / "model.bin"
            pii_model.forget()
            pii_training.train(examples, pii_model.MODEL_PATH)
            rules = rule_spans(records, rules_from)
            both = []
            for rec, sp in zip(records, rules, strict=True):
                sure, _ = A._tagged(rec["text"], A.tokens_of(rec["text"]), [(b, e, "x") for b, e in sp])
                both.append(sorted(set(sp) | {(b, e) for b, e, _ in sure}))
            print(f"\n{held.name} ({len(records)} texts; tagger trained on the other sets)")
            print(f"  rules{' of ' + str(rules_from) if rules_from else ''}:  {score(records, rules)}")
            print(f"  + tagger: {score(records, both)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
