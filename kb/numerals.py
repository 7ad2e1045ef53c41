"""Kanji and full-width numerals as they appear in official texts (百二十五, 一〇〇, １２) → int."""
from __future__ import annotations

import re
import unicodedata

KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "億": 100_000_000}

# One number in any of the styles: arabic (half/full width) or kanji (positional or with units).
NUMERAL = r"(?:[0-9０-９]+|[〇零一二三四五六七八九十百千万億]+)"
_NUMERAL_FULL = re.compile(rf"(?:{NUMERAL})\Z")


def parse_number(text: str) -> int:
    """Integer value of one numeral: '百二十五' → 125, '一〇〇' → 100, '１２' → 12, '十' → 10."""
    s = unicodedata.normalize("NFKC", text.strip())
    if not s or not _NUMERAL_FULL.match(s):
        raise ValueError(f"not a numeral: {text!r}")
    if s.isdigit():
        return int(s)
    if not any(c in SMALL_UNITS or c in LARGE_UNITS for c in s):
        # Positional kanji digits as in e-Gov amendment dates: 平成一一年 → 11, 一〇〇 → 100.
        return int("".join(str(KANJI_DIGITS[c]) for c in s))
    return _parse_with_units(s)


def _parse_with_units(s: str) -> int:
    total, section, digit = 0, 0, None
    for c in s:
        if c in KANJI_DIGITS:
            digit = KANJI_DIGITS[c] if digit is None else digit * 10 + KANJI_DIGITS[c]
        elif c in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[c]
            digit = None
        else:  # 万, 億
            total += (section + (digit or 0) or 1) * LARGE_UNITS[c]
            section, digit = 0, None
    return total + section + (digit or 0)


def to_int(text: str) -> int | None:
    """Like parse_number, but None when the text is not a numeral."""
    try:
        return parse_number(text)
    except ValueError:
        return None
