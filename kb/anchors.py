"""Ids unique within one document: the first `x` stays `x`, the next ones become `x-2`, `x-3`, …

Shared by the section splitter, the importer and the HTML renderer so that a heading gets the
same id in all three. Linear in the number of ids: each base remembers the next suffix to try,
so 10,000 headings with one text cost 10,000 steps, not 50 million (the editor's preview of a
large paste used to pin a CPU).
"""
from __future__ import annotations


class UniqueIds:
    """Hands out unique ids; `used` holds every id given (or reserved) so far."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._next: dict[str, int] = {}
        self.probes = 0            # set lookups made: the operation count the tests bound

    def take(self, base: str) -> str:
        """`base` if still free, else `base-N` with the smallest free N ≥ 2."""
        self.probes += 1
        if base not in self.used:
            self.used.add(base)
            return base
        n = self._next.get(base, 2)
        while True:
            self.probes += 1
            candidate = f"{base}-{n}"
            n += 1
            if candidate not in self.used:
                break
        self._next[base] = n
        self.used.add(candidate)
        return candidate
