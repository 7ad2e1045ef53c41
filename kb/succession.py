"""Supersession as a reader sees it: a link to a document the reader may not read is left out.

When a restricted document supersedes a public one, the public file says `status: superseded`
and `superseded_by: <restricted id>`. A reader who cannot read the successor must not learn of
it (its id, that it exists), so for them the older document stays in force and shows no
successor; the same holds for `supersedes:` entries they may not read (docs/security.md, V4).
"""
from __future__ import annotations

from collections.abc import Callable

from kb.document import is_in_force


def as_seen_by(meta: dict, readable: Callable[[str], bool]) -> dict:
    """`meta` with successors and predecessors the reader may not read taken out."""
    out = meta
    successor = meta.get("superseded_by")
    if successor and not readable(str(successor)):
        out = {**out, "superseded_by": None}
        if out.get("status") == "superseded":
            out["status"] = "in_force"
    older = meta.get("supersedes") or []
    if any(not readable(str(d)) for d in older):
        out = {**out, "supersedes": [d for d in older if readable(str(d))]}
    return out


def in_force_as_seen(meta: dict, readable: Callable[[str], bool]) -> bool:
    return is_in_force(as_seen_by(meta, readable))
