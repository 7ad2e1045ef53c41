"""Japanese era dates (令和元年5月1日, 昭和四十四年十一月一日) and article numbers (第三条の二)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator

from kb.numerals import NUMERAL, parse_number

JST = dt.timezone(dt.timedelta(hours=9))     # dates and times shown to officers

# The one era table: first day of each era (Gregorian); year 1 (元年) is the year of that day.
# 明治 was proclaimed on 慶応4年9月8日 (1868-10-23) and counted from the first day of that year,
# 慶応4年1月1日 of the lunisolar calendar = 1868-01-25; 明治元年 is 1868.
ERAS = {
    "明治": dt.date(1868, 1, 25),
    "大正": dt.date(1912, 7, 30),
    "昭和": dt.date(1926, 12, 25),
    "平成": dt.date(1989, 1, 8),
    "令和": dt.date(2019, 5, 1),
}

# 明治5年12月3日 became 明治6年1月1日 (1873-01-01): official dates are Gregorian from this day on.
# Before it a Gregorian date has no 和暦 by arithmetic (the same day had another month and day).
GREGORIAN_FROM = dt.date(1873, 1, 1)

_SP = r"[ 　]*"
ERA_DATE = re.compile(
    rf"({'|'.join(ERAS)}){_SP}(元|{NUMERAL}){_SP}年{_SP}({NUMERAL}){_SP}月{_SP}({NUMERAL}){_SP}日")
_ARTICLE = re.compile(rf"第({NUMERAL})条((?:の(?:{NUMERAL}))*)")
_BRANCH = re.compile(rf"[のノ]({NUMERAL})")  # ノ in pre-war texts (第一条ノ二)


def era_year(era: str, year: str) -> int:
    """Gregorian year of an era year ('元' or a numeral): ('令和', '元') → 2019."""
    n = 1 if year == "元" else parse_number(year)
    return ERAS[era].year + n - 1


def to_wareki(date: dt.date) -> str | None:
    """令和6年12月23日 for 2024-12-23, 元年 for an era's first year; None before GREGORIAN_FROM."""
    if date < GREGORIAN_FROM:
        return None
    era, start = next((e, d) for e, d in reversed(ERAS.items()) if date >= d)
    year = date.year - start.year + 1
    return f"{era}{'元' if year == 1 else year}年{date.month}月{date.day}日"


def iter_era_dates(text: str) -> Iterator[tuple[dt.date, re.Match]]:
    """Every valid era date in the text, with its match (impossible dates are skipped)."""
    for m in ERA_DATE.finditer(text):
        try:
            yield dt.date(era_year(m.group(1), m.group(2)),
                          parse_number(m.group(3)), parse_number(m.group(4))), m
        except ValueError:
            continue


def parse_era_date(text: str) -> dt.date | None:
    """The first era date found in the text, or None: '令和元年5月1日' → 2019-05-01."""
    for date, _ in iter_era_dates(text):
        return date
    return None


def to_arabic_article(text: str) -> str | None:
    """Arabic form of the first article number, as used in anchors: '第三条の二' → '3-2'."""
    m = _ARTICLE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    return number_path(m.group(1), m.group(2))


def number_path(main: str, branches: str = "") -> str:
    """'三', 'の二の三' → '3-2-3' (branch numbers of 条, 章, 節 …)."""
    parts = [str(parse_number(main))]
    parts += [str(parse_number(b)) for b in _BRANCH.findall(branches)]
    return "-".join(parts)
