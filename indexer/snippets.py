"""Snippets: the part of a section around the query's words, with the words marked.

Whoosh's highlighter re-analyzes every hit with Sudachi; finding the query's surface forms,
normalized forms and synonyms in the plain text is enough for a snippet and costs a string scan.
"""
from __future__ import annotations

import re
import threading
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


_last_scan = threading.local()


def _scan(text: str, needles: tuple[str, ...], width: int) -> tuple[list[re.Match], int]:
    """The matches of the needles in text and where the densest window starts. A hit asks twice
    for the same text (its snippet, then the 項 the snippet shows): the last scan of each thread
    is kept for that second call."""
    last = getattr(_last_scan, "value", None)
    if last is not None and last[0] is text and last[1] == needles and last[2] == width:
        return last[3], last[4]
    pattern = needle_pattern(needles)
    matches = list(pattern.finditer(text)) if pattern else []
    best = _best_start(matches, width) if matches else 0
    _last_scan.value = (text, needles, width, matches, best)
    return matches, best


def densest_matches(text: str, needles: tuple[str, ...], width: int = WIDTH) -> list[tuple[int, int]]:
    """(start, end) of the matches inside the window of `width` characters that holds most
    matched words: the part of the text the snippet shows (empty when nothing matches)."""
    matches, start = _scan(text, needles, width)
    return [(m.start(), m.end()) for m in matches if start <= m.start() and m.end() <= start + width]


def make_snippet(text: str, needles: tuple[str, ...], width: int = WIDTH) -> str:
    """HTML: an escaped window of `text` around the densest matches, matches in <mark>."""
    matches, best = _scan(text, needles, width)
    if not matches:
        cut = text[:width]
        return str(escape(cut)) + ("…" if len(text) > width else "")
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


def _best_start(matches: list[re.Match], width: int) -> int:
    # the window (of `width` chars) starting at a match that holds the most matched characters of
    # distinct words; matches do not overlap, so their ends ascend and two pointers suffice
    best, best_weight = matches[0].start(), 0
    inside: dict[str, int] = {}
    weight = j = 0
    for i, m in enumerate(matches):
        if i:
            gone = matches[i - 1].group()
            inside[gone] -= 1
            if not inside[gone]:
                del inside[gone]
                weight -= len(gone)
        while j < len(matches) and matches[j].end() <= m.start() + width:
            word = matches[j].group()
            if word not in inside:
                inside[word] = 0
                weight += len(word)
            inside[word] += 1
            j += 1
        if weight > best_weight:
            best, best_weight = m.start(), weight
    return best
