"""GiNZA's named-entity recogniser (spaCy model `ja_ginza`, shipped inside the PyPI wheel).

Loaded once per process on first use; only the tok2vec and ner components run. The anonymiser
passes just the sentences that may hold a name (see `kb.anonymize`), which keeps long inquiries fast.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import NamedTuple

_lock = threading.Lock()
_loaded = None    # (spaCy pipeline, threadpoolctl's controller of the BLAS it runs on), set once

# The GiNZA (ENE) label the anonymiser reads; the rest (Company, Date, Law, Public_Institution ...)
# stay text: workplaces that identify a person are found by rules (kb.pii_patterns).
PERSON_LABELS = frozenset({"Person"})


class Entity(NamedTuple):
    start: int
    end: int
    label: str


def _model():
    """The spaCy pipeline, loaded on first call (about a second) and shared by all threads."""
    return _load()[0]


def _load():
    """The spaCy pipeline and its BLAS controller, loaded together once."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                # imported here: spaCy takes a second to import, and most `kb` commands never need it
                import spacy  # noqa: PLC0415
                from thinc.api import use_ops  # noqa: PLC0415
                from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]  # noqa: PLC0415

                # numpy's BLAS (on one thread, in entities) multiplies the layers' matrices faster
                # than blis on the machines we measured (bench/anonymize_eval.py); the results are the same
                with use_ops("numpy", use_blis=False):
                    nlp = spacy.load("ja_ginza", exclude=["parser", "compound_splitter", "bunsetu_recognizer",
                                                          "morphologizer"])
                _loaded = (nlp, ThreadpoolController())
    return _loaded


def entities(pieces: Iterable[tuple[int, str]]) -> list[Entity]:
    """Named entities of each (offset, text) piece, with offsets into the whole text."""
    pieces = [(b, s) for b, s in pieces if s.strip()]
    if not pieces:
        return []
    nlp, blas = _load()
    out: list[Entity] = []
    # a spaCy pipeline is not documented as thread-safe; BLAS on one thread: these products are
    # small, and a second thread only waits for a core other requests need (4× slower under load)
    with _lock, blas.limit(limits=1, user_api="blas"):
        docs = list(nlp.pipe([s for _, s in pieces]))
    for (base, _), doc in zip(pieces, docs, strict=False):
        out += [Entity(base + e.start_char, base + e.end_char, e.label_) for e in doc.ents]
    return out
