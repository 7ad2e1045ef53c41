"""The shared data beside the repository (../shared, as in CI): found relative to the checkout.

A missing input skips a test on a developer's machine, but fails it under CI=true, so a test can
never skip away silently where it must run."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SOURCES = SHARED / "corpus-sources"
EVAL = SHARED / "eval"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(path: Path, what: str, module_level: bool = False) -> Path:
    """`path` when it exists; else a failure under CI=true and a skip elsewhere."""
    if path.exists():
        return path
    message = f"{what} not found at {path} (expected beside the repository as ../shared)"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=module_level)
    raise AssertionError("unreachable")        # pytest.skip raises
