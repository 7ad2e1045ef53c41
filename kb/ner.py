"""GiNZA's named-entity recogniser (spaCy model `ja_ginza`, shipped inside the PyPI wheel).

Loaded once per process on first use; only the tok2vec and ner components run. The anonymiser
passes just the sentences that may hold a name (see `kb.anonymize`), which keeps long inquiries fast.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import NamedTuple

_lock = threading.Lock()
_nlp = None
_blas = None      # threadpoolctl's controller of the BLAS libraries loaded with the model

# The GiNZA (ENE) label the anonymiser reads; the rest (Company, Date, Law, Public_Institution ...)
# stay text: workplaces that identify a person are found by rules (kb.pii_patterns).
PERSON_LABELS = frozenset({"Person"})


class Entity(NamedTuple):
    start: int
    end: int
    label: str


def _model():
    """The spaCy pipeline, loaded on first call (about a second) and shared by all threads."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                # imported here: spaCy takes a second to import, and most `kb` commands never need it
                import spacy  # noqa: PLC0415
                from thinc.api import use_ops  # noqa: PLC0415

                # numpy's BLAS (on one thread, below) multiplies the layers' matrices faster than blis
                # on the machines we measured (bench/anonymize_eval.py); the results are the same
                from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]  # noqa: PLC0415

                with use_ops("numpy", use_blis=False):
                    _nlp = spacy.load("ja_ginza", exclude=["parser", "compound_splitter", "bunsetu_recognizer",
                                                           "morphologizer"])
                global _blas
                _blas = ThreadpoolController()
    return _nlp


def entities(pieces: Iterable[tuple[int, str]]) -> list[Entity]:
    """Named entities of each (offset, text) piece, with offsets into the whole text."""
    pieces = [(b, s) for b, s in pieces if s.strip()]
    if not pieces:
        return []
    nlp = _model()
    assert _blas is not None
    out: list[Entity] = []
    # a spaCy pipeline is not documented as thread-safe; BLAS on one thread: these products are
    # small, and a second thread only waits for a core other requests need (4× slower under load)
    with _lock, _blas.limit(limits=1, user_api="blas"):
        docs = list(nlp.pipe([s for _, s in pieces]))
    for (base, _), doc in zip(pieces, docs, strict=False):
        out += [Entity(base + e.start_char, base + e.end_char, e.label_) for e in doc.ents]
    return out
