"""Documents for the web: looked up by id, parsed and rendered once per file version (mtime)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from kb.document import Document, DocumentError, read_document
from kb.store import find_document

MAX_CACHED = 64


@dataclass
class CachedDocument:
    doc: Document
    stamp: tuple
    rendered: dict = field(default_factory=dict)   # renderings by name (e.g. "view")


class DocumentCache:
    """id → parsed Document, re-read only when the file's mtime or size changes."""

    def __init__(self, corpus: Path, max_cached: int = MAX_CACHED):
        self.corpus = Path(corpus)
        self.max_cached = max_cached
        self._lock = threading.Lock()
        self._items: OrderedDict[str, CachedDocument] = OrderedDict()

    def get(self, doc_id: str) -> CachedDocument | None:
        path = find_document(self.corpus, doc_id)
        if path is None:
            return None
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        stamp = (str(path), st.st_mtime_ns, st.st_size)
        with self._lock:
            item = self._items.get(doc_id)
            if item and item.stamp == stamp:
                self._items.move_to_end(doc_id)
                return item
        try:
            doc = read_document(path)
        except (DocumentError, OSError):
            return None
        if doc.id != doc_id:
            return None
        item = CachedDocument(doc, stamp)
        with self._lock:
            self._items[doc_id] = item
            while len(self._items) > self.max_cached:
                self._items.popitem(last=False)
        return item

    def exists(self, doc_id: str) -> bool:
        return find_document(self.corpus, doc_id) is not None
