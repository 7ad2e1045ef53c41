"""The search dictionary (corpus/dictionary/synonyms.yaml): synonym groups, one-way expansions, law aliases."""
from __future__ import annotations

import os
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SYNONYMS_FILE = "synonyms.yaml"


@dataclass
class SearchDictionary:
    expansions: dict[str, list[str]] = field(default_factory=dict)   # surface -> equivalents
    law_aliases: dict[str, str] = field(default_factory=dict)        # name -> doc id
    everyday: frozenset[str] = frozenset()                           # keys of the `everyday` block
    spellings: dict[str, str] = field(default_factory=dict)          # normalized -> as the file writes it
    stamp: tuple = ()

    def equivalents(self, term: str) -> list[str]:
        return self.expansions.get(_norm(term), [])

    def spelling(self, term: str) -> str:
        """A term as the dictionary writes it (PB, not the matching form pb)."""
        return self.spellings.get(_norm(term), term)


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", str(s)).strip().lower()


def parse_dictionary(data: dict) -> SearchDictionary:
    d = SearchDictionary()
    for group in data.get("groups") or []:
        for t in group:
            if str(t).strip():
                d.spellings.setdefault(_norm(t), unicodedata.normalize("NFKC", str(t)).strip())
        terms = [_norm(t) for t in group if str(t).strip()]
        for t in terms:
            d.expansions.setdefault(t, [])
            d.expansions[t] += [o for o in terms if o != t and o not in d.expansions[t]]
    everyday = [(k, v) for category in (data.get("everyday") or {}).values() for k, v in (category or {}).items()]
    d.everyday = frozenset(_norm(k) for k, _ in everyday)
    for key, values in [*(data.get("expansions") or {}).items(), *everyday]:
        for t in [key, *values]:
            d.spellings.setdefault(_norm(t), unicodedata.normalize("NFKC", str(t)).strip())
        k = _norm(key)
        d.expansions.setdefault(k, [])
        d.expansions[k] += [_norm(v) for v in values if _norm(v) not in d.expansions[k]]
    for name, doc_id in (data.get("law_aliases") or {}).items():
        d.law_aliases[_norm(name)] = str(doc_id)
    return d


_cache: dict[str, SearchDictionary] = {}
_lock = threading.Lock()


def load_dictionary(folder: Path | None) -> SearchDictionary:
    """The dictionary in `folder`, reloaded when the file changes (no restart needed)."""
    if folder is None:
        return SearchDictionary()
    path = Path(folder) / SYNONYMS_FILE
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return SearchDictionary()
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _cache.get(str(path))
    if cached and cached.stamp == stamp:
        return cached
    with _lock:
        d = parse_dictionary(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        d.stamp = stamp
        _cache[str(path)] = d
    return d
