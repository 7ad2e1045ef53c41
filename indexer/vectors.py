"""Word vectors shipped inside the `ja-ginza` package (chiVe word2vec over Sudachi normalized forms,
pruned to 20,000 distinct rows that 480,000 words share): loaded once per process, never
downloaded. Used only to compare words the index already holds (indexer.rerank).

The two files of spaCy's vector table are read directly (a NumPy array and a msgpack map from
64-bit MurmurHash of the word to a row): importing spaCy to read them took ~3 s, too long for the
first search of a server; this takes ~0.2 s."""
from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import numpy as np

_lock = threading.Lock()
_table: tuple[dict, np.ndarray] | None = None
_ABSENT: tuple[dict, np.ndarray] = ({}, np.zeros((0, 0), dtype=np.float32))


def vectors_dir() -> Path | None:
    """The vocab folder of the installed ja_ginza package, or None if it is not installed."""
    # found, not imported: importing ja_ginza imports spaCy (~1.5 s)
    spec = importlib.util.find_spec("ja_ginza")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("ja_ginza-*/vocab"))
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
                    import srsly  # spaCy's own msgpack reader (ginza brings it)
                    rows = np.load(folder / "vectors", allow_pickle=False).astype(np.float32)
                    rows /= np.linalg.norm(rows, axis=1, keepdims=True).clip(1e-9)
                    _table = (dict(srsly.read_msgpack(folder / "key2row")), rows)
    return _table


_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


def word_hash(word: str) -> int:
    """spaCy's hash of a string (MurmurHash64A of its UTF-8, seed 1), the key of the table."""
    data = word.encode("utf-8")
    n = len(data)
    h = (1 ^ (n * _M)) & _MASK
    end = n - n % 8
    for i in range(0, end, 8):
        k = (int.from_bytes(data[i:i + 8], "little") * _M) & _MASK
        k = ((k ^ (k >> 47)) * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    if end < n:
        h = ((h ^ int.from_bytes(data[end:], "little")) * _M) & _MASK
    h = ((h ^ (h >> 47)) * _M) & _MASK
    return h ^ (h >> 47)


def row_of(word: str) -> int | None:
    """The vector row of a normalized word, None when it has none (or is a single character:
    one kanji or kana says too little, and pruning merged many of them)."""
    if len(word) < 2:
        return None
    key2row, _ = word_table()
    r = key2row.get(word_hash(word))
    return None if r is None else int(r)
