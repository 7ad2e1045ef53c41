"""Display helpers: Japanese era dates (和暦) and the status badge of a document."""
from __future__ import annotations

import datetime as dt

# (first day, era name), newest first.
ERAS = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1912, 7, 30), "大正"),
    (dt.date(1873, 1, 1), "明治"),  # the Gregorian calendar from 明治6年
)


def wareki(value) -> str:
    """令和6年12月23日 for 2024-12-23 (a date or ISO string); 元年 for an era's first year."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    for start, era in ERAS:
        if value >= start:
            year = value.year - start.year + 1 + (1872 - 1867 if era == "明治" else 0)
            y = "元" if year == 1 else str(year)
            return f"{era}{y}年{value.month}月{value.day}日"
    return value.isoformat()


def status_label(status: str, in_force: bool = True) -> tuple[str, str]:
    """(badge text, css modifier) for a document's status: 施行中 / 廃止 / 失効."""
    if status in ("repealed", "superseded"):
        return "廃止", "repealed"
    if not in_force:
        return "失効", "expired"
    return "施行中", "in-force"
