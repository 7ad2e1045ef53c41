"""Display helpers: Japanese era dates (和暦) and the status badge of a document."""
from __future__ import annotations

import datetime as dt

from kb.era import to_wareki


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
    return to_wareki(value) or value.isoformat()


def status_label(status: str, in_force: bool = True) -> tuple[str, str]:
    """(badge text, css modifier) for a document's status: 施行中 / 廃止 / 失効."""
    if status in ("repealed", "superseded"):
        return "廃止", "repealed"
    if not in_force:
        return "失効", "expired"
    return "施行中", "in-force"
