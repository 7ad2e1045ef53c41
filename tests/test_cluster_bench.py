"""The cluster check anyone can run, in short: bench/cluster.py with a few seconds of load on a
small corpus. Two nodes behind haproxy, one killed mid-run, no failed search, and the killed node
finds what was published while it was down and what is published after it is back."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

from conftest import REPO, REPO_CORPUS

LAST_LINE = re.compile(r"cluster: searches (\d+), failed (\d+), publish→other node ([\d.]+) s, catch-up ([\d.]+) s")


def test_two_nodes_survive_a_killed_one_and_agree_again(tmp_path):
    corpus = tmp_path / "corpus"
    for folder in ("regulations", "notices", "dictionary", "inquiries"):
        shutil.copytree(REPO_CORPUS / folder, corpus / folder)
    run = subprocess.run([sys.executable, str(REPO / "bench" / "cluster.py"), "--seconds", "4", "--clients", "4",
                          "--corpus", str(corpus)], capture_output=True, text=True, timeout=600)
    lines = run.stdout.strip().splitlines()
    assert run.returncode == 0 and lines, run.stdout[-2000:] + run.stderr[-3000:]
    m = LAST_LINE.fullmatch(lines[-1])
    assert m, lines[-5:]
    searches, failed = int(m.group(1)), int(m.group(2))
    assert searches > 0 and failed == 0, run.stdout[-2000:]
    assert any("killed (SIGKILL)" in line for line in lines)
    assert any("restarted and found" in line for line in lines)
    assert any(line.startswith("cut and retried") or "cut and retried:" in line for line in lines)
