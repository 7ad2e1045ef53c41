"""Word vectors shipped inside the `ja-ginza` package (chiVe word2vec over Sudachi normalized forms,
pruned to 20,000 distinct rows that 480,000 words share): loaded once per process, never
downloaded. Used only to compare words the index already holds (indexer.rerank)."""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

_lock = threading.Lock()
_table: tuple[dict, np.ndarray] | None = None
_ABSENT = ({}, np.zeros((0, 0), dtype=np.float32))


def vectors_dir() -> Path | None:
    """The vocab folder of the installed ja_ginza package, or None if it is not installed."""
    try:
        import ja_ginza
    except ImportError:
        return None
    found = sorted(Path(ja_ginza.__file__).parent.glob("ja_ginza-*/vocab"))
    return found[-1] if found else None


def word_table() -> tuple[dict, np.ndarray]:
    """(word hash → row, unit-length rows); both empty when ja_ginza is not installed."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                folder = vectors_dir()
                if folder is None:
                    _table = _ABSENT
                else:
                    from spacy.vectors import Vectors
                    v = Vectors().from_disk(folder)
                    rows = np.asarray(v.data, dtype=np.float32)
                    rows /= np.linalg.norm(rows, axis=1, keepdims=True).clip(1e-9)
                    _table = (dict(v.key2row), rows)
    return _table


def row_of(word: str) -> int | None:
    """The vector row of a normalized word, None when it has none (or is a single character:
    one kanji or kana says too little, and pruning merged many of them)."""
    if len(word) < 2:
        return None
    from spacy.strings import hash_string
    key2row, _ = word_table()
    return key2row.get(hash_string(word))
