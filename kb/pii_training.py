"""Training the anonymiser's tagger (kb.pii_model) from labelled inquiries and official texts.

Examples are (words, BIO labels): each fictional inquiry of a pii_*.jsonl file, labelled from its
items (every occurrence of an item's text), and every N-th section of the official texts in a corpus
(laws, rules, notices: published texts that name no one), all words outside. The second kind keeps
the tagger from reading legal language (第一条, 昭和六十年度) as names and workplaces.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from kb import pii_model
from kb.anonymize import tokens_of
from kb.store import iter_documents

# training settings (L1/L2 weights measured on the development sets; docs/decisions.md)
SETTINGS = {"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}
# the most of one official section read as one example
PLAIN_CHARS = 3000

Example = tuple[Sequence[pii_model.Word], list[str]]


class TrainingDataError(ValueError):
    """A line of a training file that is not a labelled inquiry."""


def inquiry_examples(lines: Iterable[str], name: str = "-") -> Iterator[Example]:
    """Examples from JSON Lines {"text": ..., "pii": [{"type": ..., "text": ...}]}."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            text, items = rec["text"], rec["pii"]
            words = tokens_of(text)
            yield words, pii_model.labels(text, words, items)
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise TrainingDataError(f"{name}:{n}: expected a JSON object with 'text' and 'pii' ({e})") from e


def official_examples(corpus: Path, every: int = 2) -> Iterator[Example]:
    """Every `every`-th section of the corpus's official texts, all words outside any span."""
    sections = [s for d in iter_documents(corpus) if d.kind != "inquiry" for s in d.sections]
    for section in sections[every - 1::max(1, every)]:
        words = tokens_of(section.plain_text[:PLAIN_CHARS])
        yield words, ["O"] * len(words)


def train(examples: Iterable[Example], path: Path = pii_model.MODEL_PATH) -> int:
    """Train a model on the examples and write it to `path` atomically; returns how many were read."""
    import pycrfsuite  # noqa: PLC0415 (a second's import only training needs)

    trainer = pycrfsuite.Trainer(verbose=False)
    n = 0
    for words, tags in examples:
        trainer.append(pii_model.features(words), tags)
        n += 1
    trainer.set_params(SETTINGS)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    trainer.train(str(tmp))
    tmp.chmod(0o644)
    tmp.replace(path)
    return n
