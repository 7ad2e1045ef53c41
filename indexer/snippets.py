"""Snippets: the part of a section around the query's words, with the words marked.

Whoosh's highlighter re-analyzes every hit with Sudachi; finding the query's surface forms,
normalized forms and synonyms in the plain text is enough for a snippet and costs a string scan.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import escape

WIDTH = 160
LEAD = 40


@lru_cache(maxsize=512)
def needle_pattern(needles: tuple[str, ...]) -> re.Pattern | None:
    words = sorted({n for n in needles if n and len(n) >= 1 and not n.isspace()}, key=len, reverse=True)
    # one kana character alone (の, を) would mark half the text
    words = [w for w in words if len(w) > 1 or not re.match(r"[ぁ-んァ-ン]", w)]
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.I)


def make_snippet(text: str, needles: tuple[str, ...], width: int = WIDTH) -> str:
    """HTML: an escaped window of `text` around the densest matches, matches in <mark>."""
    pattern = needle_pattern(needles)
    matches = list(pattern.finditer(text)) if pattern else []
    if not matches:
        cut = text[:width]
        return str(escape(cut)) + ("…" if len(text) > width else "")
    # the window (of `width` chars) holding the most matched characters of distinct words
    best, best_weight = matches[0].start(), 0
    for i, m in enumerate(matches):
        seen = {x.group() for x in matches[i:] if x.end() <= m.start() + width}
        weight = sum(len(w) for w in seen)
        if weight > best_weight:
            best, best_weight = m.start(), weight
    start = max(0, best - LEAD)
    end = min(len(text), start + width)
    out = ["…" if start > 0 else ""]
    pos = start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        out.append(str(escape(text[pos:m.start()])))
        out.append(f'<mark>{escape(m.group())}</mark>')
        pos = m.end()
    out.append(str(escape(text[pos:end])))
    out.append("…" if end < len(text) else "")
    return "".join(out)
