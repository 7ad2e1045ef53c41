"""Who may read what: the one rule behind the search filter (indexer.filters), the type-ahead and
speller vocabularies (indexer.live), the document view and the desk.

A role reads its confidentiality levels in full; a restricted document otherwise only when the
reader's role (code or Japanese name) or department is in its `allowed:` list.
"""
from __future__ import annotations

from dataclasses import dataclass

RESTRICTED = "restricted"

# The one list of roles, with their Japanese names (kb.accounts says what each may do).
ROLES = {"officer": "一般", "desk": "照会デスク", "maintainer": "管理者", "admin": "システム管理者", "peer": "連携"}

# Confidentiality levels each role reads in full (docs/decisions.md "Roles and confidentiality").
READ_LEVELS = {
    "officer": ("public", "internal"),
    "desk": ("public", "internal"),
    "maintainer": ("public", "internal", RESTRICTED),
    "admin": ("public", "internal", RESTRICTED),
    "peer": (),
}


@dataclass(frozen=True)
class Access:
    """What a reader may see: levels and their role/department names for restricted documents."""
    levels: tuple[str, ...] = ("public",)
    groups: tuple[str, ...] = ()

    def can_read(self, confidentiality: str, allowed=()) -> bool:
        """The rule for one document's metadata (indexer.filters writes it as a Whoosh query)."""
        if confidentiality == RESTRICTED and RESTRICTED not in self.levels:
            return bool(set(self.groups) & set(allowed or ()))
        return confidentiality in self.levels

    def can_read_meta(self, meta: dict) -> bool:
        """The rule for front matter or a catalog entry (confidentiality defaults to public)."""
        return self.can_read(meta.get("confidentiality", "public"), meta.get("allowed"))

    def can_read_entry(self, entry: dict | None) -> bool:
        """The rule for a catalog entry (False for a document not in the catalog)."""
        return entry is not None and bool(entry) and self.can_read_meta(entry)


NO_ACCESS = Access(levels=(), groups=())


def for_role(role: str, groups: tuple[str, ...] = ()) -> Access:
    """The access of a role (and the names its `allowed:` lists may use)."""
    return Access(levels=READ_LEVELS.get(role, ()), groups=groups)


def open_to_every_reader(entry: dict) -> bool:
    """A document every signed-in reader may read: what shared vocabularies (type-ahead, speller,
    reading corrections), links, the desk's basis labels and the 全国 share are built from, so
    none of them reveals a restricted document."""
    return entry.get("confidentiality", "public") != RESTRICTED


def restricted_ids(catalog: dict) -> frozenset[str]:
    """The catalog's documents not open to every reader."""
    return frozenset(d for d, e in catalog.items() if not open_to_every_reader(e))
