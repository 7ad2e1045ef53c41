"""Expected questions (想定質問): how officers ask for an article, kept with the corpus.

The desk's answered inquiries lend their wording to the sections they cite (indexer.asked), but a
new desk has answered few. These files give the articles officers use a first set of wordings in
everyday language, written for the search (fictional, no real case) and maintained like the
dictionary: one YAML file per document under `corpus/asked/`,

    document: law-keisatsukan-shokumu-shikko-ho
    fictional: true
    sections:
      art-2:
        - 夜中に家の前をうろうろしている男に声をかけて止めていい？

read at every index build. `kb check` reports a file that names no document or section it holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from kb.anchors import section_key

ASKED_FOLDER = "asked"
MAX_WORDING_CHARS = 300
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml's parser when PyYAML has it


@dataclass
class SeedProblem:
    path: str
    message: str


@dataclass
class Seeds:
    wordings: dict[str, list[str]] = field(default_factory=dict)     # section key → wordings
    sections: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (file, section id)
    problems: list[SeedProblem] = field(default_factory=list)


def seed_paths(corpus: Path) -> list[Path]:
    folder = Path(corpus) / ASKED_FOLDER
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def misnamed_paths(corpus: Path) -> list[Path]:
    """Files of the folder that are not read: another extension than .yaml (README.md, hidden files
    such as an atomic write's temporary file, and editors' backups~ aside)."""
    folder = Path(corpus) / ASKED_FOLDER
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".yaml" and p.name != "README.md"
                  and not p.name.startswith(".") and not p.name.endswith("~")) if folder.is_dir() else []


@lru_cache(maxsize=256)
def _parsed(path: Path, stamp: tuple[int, ...]) -> object:
    """One file's YAML, parsed once per version (inode, mtime, ctime, size: an edit through
    `atomic_write` is a new inode): every publish reads the wordings. Callers do not change it."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)


def read_seeds(corpus: Path) -> Seeds:
    """Every expected question of the corpus; a malformed file or entry is reported in
    `problems` and left out, the rest is read."""
    out = Seeds()
    for path in misnamed_paths(corpus):
        out.problems.append(SeedProblem(str(path), "not read: expected questions are read from <document id>.yaml files"))
    for path in seed_paths(corpus):
        try:
            st = path.stat()
            data = _parsed(path, (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            out.problems.append(SeedProblem(str(path), f"unreadable expected questions: {e}"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("document"), str) \
                or not isinstance(data.get("sections"), dict):
            out.problems.append(SeedProblem(str(path), "expected `document: <id>` and `sections: {<section id>: [questions]}`"))
            continue
        if data["document"] != path.stem:
            out.problems.append(SeedProblem(str(path), f"document {data['document']!r} in a file named {path.name}: "
                                                       f"not read (the file is <document id>.yaml)"))
            continue
        for section, wordings in data["sections"].items():
            if section is None or not str(section).strip():
                out.problems.append(SeedProblem(str(path), "a section without its id"))
                continue
            if not isinstance(wordings, list) or not all(isinstance(w, str) and w.strip() for w in wordings):
                out.problems.append(SeedProblem(str(path), f"section {section}: expected a list of questions"))
                continue
            key = section_key(data["document"], str(section))
            for w in wordings:
                if len(w) > MAX_WORDING_CHARS:
                    out.problems.append(SeedProblem(str(path), f"section {section}: a question of {len(w)} "
                                                                f"characters (at most {MAX_WORDING_CHARS})"))
                    continue
                out.wordings.setdefault(key, []).append(" ".join(w.split()))
            out.sections[key] = (str(path), str(section))
    return out
