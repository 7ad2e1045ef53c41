"""Article references in queries: 「警職法2条」 → the section law-keisatsukan-shokumu-shikko-ho#art-2."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kb.anchors import section_key
from kb.citations import find_articles, find_notice_item

_GAP = re.compile(r"[\s　の・]+$")


@dataclass
class SectionRef:
    doc_id: str
    section_id: str
    label: str           # e.g. 警察官職務執行法 第2条

    @property
    def key(self) -> str:
        return section_key(self.doc_id, self.section_id)


def norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).lower().replace(" ", "").replace("　", "")


class LawNames:
    """Names that identify documents: titles, and the dictionary's short names."""

    def __init__(self, titles: dict[str, str], aliases: dict[str, str]):
        self.doc_titles = titles                       # doc_id -> title
        self.aliases = aliases                         # short name -> doc_id
        self.by_name: dict[str, str] = {}
        for doc_id, title in titles.items():
            self.by_name[norm(title)] = doc_id
        for name, doc_id in aliases.items():
            if doc_id in titles:
                self.by_name.setdefault(norm(name), doc_id)
        self._longest_first = sorted(self.by_name, key=len, reverse=True)

    def name_before(self, prefix: str) -> str | None:
        """The document named at the end of `prefix` (the words right before an article number)."""
        p = norm(_GAP.sub("", prefix))
        for name in self._longest_first:
            if p.endswith(name):
                return self.by_name[name]
        return None

    def named_in(self, text: str) -> str | None:
        found = self.find_name(text)
        return found[2] if found else None

    def find_name(self, text: str) -> tuple[int, int, str] | None:
        """(start, end, doc id) of the longest document name in the text."""
        low = unicodedata.normalize("NFKC", text).lower()
        for name in self._longest_first:
            i = low.find(name)
            if i != -1:
                return i, i + len(name), self.by_name[name]
        return None


    def find_all(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every document name in the text, longest names first, not overlapping."""
        low = unicodedata.normalize("NFKC", text).lower()
        taken: list[tuple[int, int]] = []
        for name in self._longest_first:
            i = low.find(name)
            while i != -1:
                if not any(s < i + len(name) and i < e for s, e in taken):
                    taken.append((i, i + len(name)))
                i = low.find(name, i + len(name))
        return sorted(taken)


def resolve_query_ref(text: str, names: LawNames) -> SectionRef | None:
    """The section a query names by law and article (or 通達 item), if it names one."""
    for ref in find_articles(text):
        doc_id = names.name_before(text[:ref.start]) or names.named_in(text[:ref.start])
        if doc_id:
            return SectionRef(doc_id, ref.anchor, f"{names.doc_titles[doc_id]} {ref.label}")
    item = find_notice_item(text)
    if item:
        doc_id = names.named_in(text)
        if doc_id:
            return SectionRef(doc_id, item, f"{names.doc_titles[doc_id]} 記{item[3:].replace('-', ' ')}")
    return None
