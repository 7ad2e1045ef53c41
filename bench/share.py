"""Exporting and importing N shared cases between two instances (separate KB_* folders).

A (岡山) gets N synthetic 全国 inquiries (sentences of the real sample inquiries, citing real laws
and the real 規程); B (広島) has the laws and its own index. The script times the real commands:
`kb share export` on A, `kb share import` on B (verify, apply with the publish gate, index through
the single writer, as the command itself reports), and the same import again (nothing changes).

    .venv/bin/python bench/share.py [--cases 10000] [--workdir /tmp/kb-share-bench]
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
KB = str(Path(sys.executable).with_name("kb"))
BASIS = ["law-doro-kotsu-ho#art-125", "law-keisatsukan-shokumu-shikko-ho#art-2", "law-juto-ho#art-22",
         "okayama-chiiki-keisatsu-unei-kitei#art-3", "law-keisatsu-ho#art-2"]


def inquiry_sentences() -> list[str]:
    from kb.sharing import qa_parts
    from kb.store import iter_documents
    out = []
    for doc in iter_documents(REPO / "corpus" / "inquiries"):
        q, a = qa_parts(doc.body)
        out += [s for s in re.split(r"(?<=。)", (q + a).replace("\n", "")) if len(s) >= 8]
    return out


def make_cases(corpus: Path, n: int, seed: int = 11) -> int:
    """N published inquiries shared 全国 under corpus/inquiries/2026/; their total characters."""
    import datetime as dt

    from kb.frontmatter import set_fields
    from kb.inquiries import CATEGORIES, Basis, PublishedInquiry, inquiry_markdown
    from kb.store import atomic_write
    rng = random.Random(seed)
    pool = inquiry_sentences()
    chars = 0
    for i in range(1, n + 1):
        q = "".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
        a = "".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
        basis = [Basis(*k.split("#"), k) for k in rng.sample(BASIS, rng.randint(1, 2))]
        inq = PublishedInquiry(id=f"inq-2026-{i + 1000:05d}", title=q[:30], category=rng.choice(CATEGORIES),
                               question=q, answer=a, received=dt.date(2026, 10, 1), answered=dt.date(2026, 10, 2),
                               basis=basis, confidentiality="internal")
        text = set_fields(inquiry_markdown(inq), {"sharing": "national", "shared_at": "2026-11-30T09:00:00+09:00"})
        atomic_write(corpus / "inquiries" / "2026" / f"{inq.id}.md", text, durable=False)
        chars += len(q) + len(a)
    os.sync()
    return chars


def kb(env: dict, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    r = subprocess.run([KB, *args], env=env, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if r.returncode:
        sys.exit(f"kb {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
    return took, r


def site_env(base: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "KB_DATABASE_URL"}
    env.update(KB_CORPUS=str(base / "corpus"), KB_INDEX=str(base / "index"), KB_DATA=str(base / "data"))
    return env


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/kb-share-bench"))
    args = ap.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"# {cpu}, nproc {os.cpu_count()}, Python {platform.python_version()}")
    shutil.rmtree(args.workdir, ignore_errors=True)
    a, b = args.workdir / "okayama", args.workdir / "hiroshima"
    for folder in ("laws", "regulations", "notices", "dictionary"):
        shutil.copytree(REPO / "corpus" / folder, a / "corpus" / folder)
    for folder in ("laws", "dictionary"):
        shutil.copytree(REPO / "corpus" / folder, b / "corpus" / folder)
    chars = make_cases(a / "corpus", args.cases)
    env_a, env_b = site_env(a), site_env(b)
    kb(env_b, "index")
    kb(env_a, "share", "init", "--org", "岡山県警察")
    kb(env_b, "share", "init", "--org", "広島県警察")
    pub = args.workdir / "okayama.pub"
    pub.write_text(kb(env_a, "share", "pubkey")[1].stdout, encoding="utf-8")
    kb(env_b, "share", "trust", str(pub), "--org", "岡山県警察")
    bundle = args.workdir / "okayama.jsonl"
    print(f"cases: {args.cases:,} ({chars:,} characters of question and answer)")

    took, r = kb(env_a, "share", "export", "--out", str(bundle))
    print(f"kb share export: {took:.2f} s wall ({bundle.stat().st_size / 1e6:.1f} MB)  [{r.stdout.strip()}]")
    took, r = kb(env_b, "share", "import", str(bundle))
    print(f"kb share import: {took:.2f} s wall  [{r.stdout.strip()}]  stages: {r.stderr.strip().splitlines()[-1]}")
    took, r = kb(env_b, "share", "import", str(bundle))
    print(f"kb share import again: {took:.2f} s wall  [{r.stdout.strip()}]  stages: {r.stderr.strip().splitlines()[-1]}")
    took, r = kb(env_b, "search", "--kind", "inquiry", "--limit", "3", "交番 同行")
    print(f"kb search on B after the import: {took:.2f} s wall (process start included)")

    # in process: the parts of the import the command does not split (bundle parse, publish gate)
    from kb.exchange import read_bundle
    from kb.share_import import gate_findings
    from kb.trust import trusted_keys
    t0 = time.perf_counter()
    parsed = read_bundle(bundle.read_bytes(), trusted_keys(b / "data"))
    t1 = time.perf_counter()
    held = sum(1 for c in parsed.cases if gate_findings(c))
    t2 = time.perf_counter()
    print(f"in process: read_bundle (parse, hashes, signature) {t1 - t0:.2f} s; publish gate {t2 - t1:.2f} s "
          f"({(t2 - t1) / max(1, len(parsed.cases)) * 1000:.2f} ms a case, {held} would be held)")


if __name__ == "__main__":
    main()
