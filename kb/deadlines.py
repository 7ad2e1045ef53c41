"""Ownership and review dates: the 「見直し期限」 list of what maintainers must look at next.

Read from the corpus front matter (`department`, `owner`, `review_by`); only the front matter of
each file is parsed, and files are re-read only when they change.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

from kb.clock import SYSTEM_CLOCK, Clock
from kb.document import DocumentError, normalize_meta, split_front_matter
from kb.store import document_paths

DUE_SOON_DAYS = 30
# Kinds a prefecture maintains itself: without a review date they are listed as 「期限未設定」.
MAINTAINED_KINDS = ("regulation", "notice", "manual")


@dataclass(frozen=True)
class Deadline:
    doc_id: str
    title: str
    kind: str
    department: str
    owner: str
    review_by: dt.date | None
    status: str
    days_left: int | None

    @property
    def state(self) -> str:
        """overdue | due (within DUE_SOON_DAYS) | later | unset"""
        if self.days_left is None:
            return "unset"
        if self.days_left < 0:
            return "overdue"
        return "due" if self.days_left <= DUE_SOON_DAYS else "later"


class DeadlineList:
    def __init__(self, corpus: Path, clock: Clock = SYSTEM_CLOCK):
        self.corpus = Path(corpus)
        self.clock = clock          # days left are counted from this clock's date
        self._lock = threading.Lock()
        self._meta: dict[Path, tuple[tuple, dict | None]] = {}

    def items(self, today: dt.date | None = None, department: str = "") -> list[Deadline]:
        """Documents in force with their review date, the most urgent first; without a date last."""
        today = today or self.clock.today()
        out = []
        for meta in self._all_meta():
            if meta["status"] != "in_force":
                continue            # repealed and superseded documents are not reviewed
            if department and meta.get("department") != department:
                continue
            due = meta.get("review_by")
            if due is None and meta["kind"] not in MAINTAINED_KINDS:
                continue
            out.append(Deadline(meta["id"], meta["title"], meta["kind"], meta.get("department") or "",
                                  str(meta.get("owner") or ""), due, meta["status"],
                                  (due - today).days if due else None))
        return sorted(out, key=lambda i: (i.review_by is None, i.review_by or dt.date.max, i.title))

    def departments(self) -> list[str]:
        return sorted({m.get("department") for m in self._all_meta() if m.get("department")})

    def _all_meta(self) -> list[dict]:
        paths = document_paths(self.corpus)
        out = []
        with self._lock:
            for p in paths:
                try:
                    st = p.stat()
                except FileNotFoundError:
                    continue
                stamp = (st.st_mtime_ns, st.st_size)
                cached = self._meta.get(p)
                if cached is None or cached[0] != stamp:
                    cached = (stamp, _front_matter(p))
                    self._meta[p] = cached
                if cached[1] is not None:
                    out.append(cached[1])
            for gone in set(self._meta) - set(paths):
                del self._meta[gone]
        return out


def _front_matter(path: Path) -> dict | None:
    try:
        raw, _, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        return normalize_meta(raw, str(path))
    except (DocumentError, OSError, UnicodeDecodeError):
        return None               # `kb check` reports broken files
