"""Words to try when a search finds nothing: close spellings from the index vocabulary."""
from __future__ import annotations

from functools import lru_cache

SUGGEST_FIELDS = ("heading", "body")


@lru_cache(maxsize=1)
def _analyzer():
    from indexer.analysis import JapaneseAnalyzer
    return JapaneseAnalyzer()


def suggest_terms(engine, text: str, limit: int = 5) -> list[str]:
    """Up to `limit` indexed words close to the query's words that are missing from the index.

    Simple on purpose: Whoosh's edit-distance corrector over the heading and body lexicons,
    ordered by how many sections use the word.
    """
    text = (text or "")[:200]
    words = []
    for t in _analyzer()(text):
        if t.text not in words:
            words.append(t.text)
    if not words:
        return []
    s = engine.searcher()
    found: dict[str, int] = {}
    for word in words[:8]:
        if any(s.doc_frequency(f, word) for f in SUGGEST_FIELDS):
            continue
        for field in SUGGEST_FIELDS:
            maxdist = 1 if len(word) <= 3 else 2
            for cand in s.corrector(field).suggest(word, limit=limit, maxdist=maxdist):
                if cand != word and cand not in found and _worth_suggesting(cand):
                    found[cand] = sum(s.doc_frequency(f, cand) for f in SUGGEST_FIELDS)
    return [w for w, _ in sorted(found.items(), key=lambda kv: -kv[1])[:limit]]


def _worth_suggesting(word: str) -> bool:
    """Content words only: no single characters, numbers or pure-hiragana function words."""
    return len(word) >= 2 and not word.isdigit() and not all("\u3041" <= c <= "\u309f" for c in word)
