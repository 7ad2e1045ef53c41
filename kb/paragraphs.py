"""項 and 号 inside one article: which line starts which, and the anchor a link to it uses.

Official texts number the second and later 項 with a digit at the line start (「２　前項の…」; the
first 項 has none) and list 号 with 漢数字 or (1) (「一　精神錯乱…」, 「(1) 事件…」). The document
page gives these blocks ids and a search hit links to the one its words fell in, so both sides use
the same rule from here.
"""
from __future__ import annotations

import re

from kb.numerals import parse_number

_PART = re.compile(r"-p\d+(?:-\d+)?$")
_PARAGRAPH = re.compile(r"^([0-9０-９]{1,3})[　 ]")
_ITEM = re.compile(r"^(?:-\s+)?(?:([一二三四五六七八九十]{1,4})|[（(]([0-9０-９]{1,3})[)）])[　 ]")


def paragraph_number(line: str) -> int | None:
    """2 for 「２　前項の…」, None for any other line (an indented line, e.g. a table cell, is none)."""
    m = _PARAGRAPH.match(line)
    return parse_number(m.group(1)) if m else None


def item_number(line: str) -> int | None:
    """1 for 「一　精神錯乱…」 or 「(1) 事件…」, None for any other line."""
    m = _ITEM.match(line)
    if not m:
        return None
    return parse_number(m.group(1) or m.group(2))


def anchor_suffix(paragraph: int, item: int | None) -> str | None:
    """「para-2」, 「para-1-item-3」; None for the first 項 as a whole (the article's own anchor)."""
    if item:
        return f"para-{paragraph}-item-{item}"
    return f"para-{paragraph}" if paragraph > 1 else None


def anchor_at(text: str, offset: int) -> str | None:
    """The anchor suffix of the 項/号 holding character `offset` of an article's plain text."""
    paragraph, item, pos = 1, None, 0
    for line in text.split("\n"):
        if pos > offset:
            break
        p = paragraph_number(line)
        if p:
            paragraph, item = p, None
        else:
            n = item_number(line)
            if n:
                item = n
        pos += len(line) + 1
    return anchor_suffix(paragraph, item)


def article_of(section_id: str) -> str:
    """The article a split part belongs to (art-5-p2 → art-5): its 項 ids hang off the article."""
    return _PART.sub("", section_id)
