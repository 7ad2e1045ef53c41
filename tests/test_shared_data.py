"""Tests find ../shared relative to the repository, and a missing input fails under CI=true."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from shared_data import REPO, SHARED

TESTS = REPO / "tests"


def run_without_shared(tmp_path, ci: bool) -> subprocess.CompletedProcess:
    """tests/test_import.py run from a checkout that has no ../shared beside it."""
    checkout = tmp_path / "checkout"
    (checkout / "tests").mkdir(parents=True)
    for name in ("shared_data.py", "test_import.py"):
        shutil.copy(TESTS / name, checkout / "tests" / name)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
                           str(checkout / "tests" / "test_import.py")],
                          cwd=checkout, env=env, capture_output=True, text=True, timeout=300)


def test_missing_shared_folder_fails_under_ci(tmp_path):
    run = run_without_shared(tmp_path, ci=True)
    assert run.returncode != 0, run.stdout[-2000:]
    assert "the corpus sources not found" in run.stdout
    assert "skipped" not in run.stdout.splitlines()[-1]


def test_missing_shared_folder_skips_on_a_developer_machine(tmp_path):
    run = run_without_shared(tmp_path, ci=False)
    assert run.returncode in (0, 5), run.stdout[-2000:]      # 5: the whole module skipped
    assert "skipped" in run.stdout.splitlines()[-1]


def test_no_absolute_path_to_the_shared_folder_or_a_checkout():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    needles = (str(SHARED), str(REPO) + "/")
    found = []
    for name in tracked:
        path = REPO / name
        if not path.is_file() or path.suffix in (".png", ".jpg", ".ico", ".woff2"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{name}: {n}" for n in needles if n in text]
    assert not found
