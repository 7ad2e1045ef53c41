"""Where the corpus, the index and the application data live (KB_CORPUS, KB_INDEX, KB_DATA)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    corpus: Path
    index: Path
    data: Path

    @property
    def dictionary(self) -> Path:
        return self.corpus / "dictionary"


def paths(base: Path | None = None) -> Paths:
    """Locations from the environment, defaulting to ./corpus and ./instance/."""
    base = Path(base) if base else Path.cwd()
    data = Path(os.environ.get("KB_DATA") or base / "instance")
    return Paths(
        corpus=Path(os.environ.get("KB_CORPUS") or base / "corpus"),
        index=Path(os.environ.get("KB_INDEX") or data / "index"),
        data=data,
    )
