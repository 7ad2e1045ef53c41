"""Synthetic corpora of N sections recombined from the real one, for benchmarks at scale.

Sentences (split at 。) of every real section are pooled per kind; each synthetic section takes a
real caption and 2–8 real sentences of its kind, so vocabulary and term statistics stay those of
police texts while the documents are new. Deterministic for a given seed.

    .venv/bin/python bench/synth.py 100000 /tmp/corpus-100k
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SECTIONS_PER_DOC = 50
_CAPTION = re.compile(r"[（(]([^）)]+)[）)]\s*$")


def _pools():
    from kb.store import iter_documents
    sentences: dict[str, list[str]] = {}
    captions: list[str] = []
    for doc in iter_documents(REPO / "corpus"):
        for s in doc.sections:
            m = _CAPTION.search(s.heading)
            if m:
                captions.append(m.group(1))
            for sent in re.split(r"(?<=。)", s.plain_text.replace("\n", "")):
                if len(sent) >= 8:
                    sentences.setdefault(doc.kind, []).append(sent)
    return sentences, captions or ["総則"]


def make_corpus(n_sections: int, dest: Path, seed: int = 7) -> Path:
    """Write ≈n_sections sections as Markdown documents under dest (a corpus folder)."""
    from kb.document import KIND_DIRS
    from kb.store import atomic_write
    rng = random.Random(seed)
    sentences, captions = _pools()
    kinds = sorted(sentences)
    weights = [len(sentences[k]) for k in kinds]
    dest = Path(dest)
    shutil.copytree(REPO / "corpus" / "dictionary", dest / "dictionary", dirs_exist_ok=True)
    made, n = 0, 0
    while made < n_sections:
        kind = rng.choices(kinds, weights)[0]
        n += 1
        doc_id = f"synth-{kind}-{n:06d}"
        count = min(SECTIONS_PER_DOC, n_sections - made)
        lines = [f"---\nid: {doc_id}\ntitle: 合成文書{n}号\nkind: {kind}\n---\n", f"# 合成文書{n}号\n"]
        for a in range(1, count + 1):
            lines.append(f"## 第{a}条（{rng.choice(captions)}） {{#art-{a}}}\n")
            lines.append("".join(rng.choice(sentences[kind]) for _ in range(rng.randint(2, 8))) + "\n")
        atomic_write(dest / KIND_DIRS[kind] / f"{doc_id}.md", "\n".join(lines))
        made += count
    return dest


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sections", type=int)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    make_corpus(a.sections, a.dest, a.seed)
    print(f"wrote ≈{a.sections} sections to {a.dest}")


if __name__ == "__main__":
    main()
