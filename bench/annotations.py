"""Print the annotated share of functions per package (the mypy ratchet's figure).

A function counts as annotated when its return and every parameter but self/cls carry a type.
Run: .venv/bin/python bench/annotations.py
"""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("kb", "indexer", "webui", "kb_cli")


def fully_annotated(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    a = fn.args
    params = [*a.posonlyargs, *a.args, *a.kwonlyargs]
    params = [p for p in params if p.arg not in ("self", "cls")]
    extra = [p for p in (a.vararg, a.kwarg) if p is not None]
    return fn.returns is not None and all(p.annotation is not None for p in params + extra)


def share(package: str) -> tuple[int, int]:
    total = done = 0
    for path in sorted((REPO / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                total += 1
                done += fully_annotated(node)
    return done, total


def main() -> None:
    for package in PACKAGES:
        done, total = share(package)
        print(f"{package:8s} {done:4d}/{total:4d} functions fully annotated ({done / total:.0%})")


if __name__ == "__main__":
    main()
