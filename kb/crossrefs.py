"""Cross-references inside documents: 前条, 次条, 第5条第1項, 規則第5条, 警察法第二条, 同法第四条.

`resolve_references()` finds the citations in a section's text and says which section of which
document each one points at, or that it could not tell (those stay plain text; `kb check` lists
them). Names are resolved through a `Library`: document titles, the dictionary's short names, and
the names a document defines for itself (「地域警察運営規則（…以下「規則」という。）」).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kb.anchors import section_url
from kb.citations import ARTICLE, defined_names
from kb.numerals import NUMERAL, parse_number

# A law-like name ends with one of these; text before a citation that ends so names another document.
LAW_SUFFIX = re.compile(r"(法律|法|令|規則|規程|訓令|通達|条例|規範|要綱|要領)$")
_PAREN_TAIL = re.compile(r"[（(][^（）()]*[）)]$")
RELATIVE_ARTICLE = re.compile(rf"(?P<rel>前|次)条|(?P<rel2>前)(?P<count>{NUMERAL})条")
SAME_LAW = re.compile(r"同(法|令|規則|規程)$")
# A character that continues a name: a name preceded by one is only the tail of a longer name
# (「X規程」 is not 「規程」), so the citation stays unresolved instead of linking elsewhere.
_NAME_CHAR = re.compile(r"[一-龥々〇ァ-ヶーa-z0-9]")
_IN_ARTICLE = {"条中", "項中", "号中"}


def ends_with_name(text: str, name: str) -> bool:
    """`text` ends with the whole of `name` (normalized), not with the tail of a longer name; a
    space before the name (「二　法第二十一条」) ends the word before it."""
    if not _norm(text).endswith(name):
        return False
    wide = unicodedata.normalize("NFKC", text).lower()
    i, seen = len(wide), 0
    while i > 0 and seen < len(name):
        i -= 1
        seen += wide[i] not in " \u3000"
    if i == 0 or not _NAME_CHAR.match(wide[i - 1]):
        return True
    return wide[max(0, i - 2):i] in _IN_ARTICLE       # 「第三項中道路交通法」: 中 means "in"


@dataclass
class Library:
    """What documents exist and how they may be named."""
    names: dict[str, str]                       # normalized name -> doc id
    sections: dict[str, set[str]]               # doc id -> section ids

    def __post_init__(self):
        self._longest = sorted(self.names, key=len, reverse=True)

    def name_at_end(self, text: str) -> tuple[str, str] | None:
        """(name, doc id) of the longest known name that ends `text`."""
        t = _norm(text)
        for name in self._longest:
            if t.endswith(name) and ends_with_name(text, name):
                return name, self.names[name]
        return None


@dataclass
class Reference:
    start: int
    end: int
    text: str
    doc_id: str | None           # None: could not be resolved
    section_id: str | None
    reason: str = ""             # why it is unresolved

    @property
    def url(self) -> str | None:
        return section_url(self.doc_id, self.section_id) if self.doc_id and self.section_id else None


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).replace(" ", "").replace("　", "").lower()


def _article_number(section_id: str) -> tuple[str, list[int]] | None:
    """("art-" or "suppl-art-" prefix, [3, 2]) for art-3-2; None for non-articles."""
    m = re.match(r"^((?:suppl(?:-\d+)?-)?art-)(\d+(?:-\d+)*)$", section_id.split("-p")[0])
    if not m:
        return None
    return m.group(1), [int(x) for x in m.group(2).split("-")]


def resolve_references(text: str, doc_id: str, section_id: str, library: Library,
                       local_names: dict[str, str] | None = None) -> list[Reference]:
    """Citations in `text` (a section of `doc_id`), resolved where possible.

    local_names: names the document defines for itself, {"規則": "地域警察運営規則"}.
    """
    refs: list[Reference] = []
    local = sorted(((_norm(k), v) for k, v in (local_names or {}).items()), key=lambda kv: -len(kv[0]))
    own = library.sections.get(doc_id, set())
    last_doc: str | None = None
    taken: list[tuple[int, int]] = []

    for m in ARTICLE.finditer(text):
        if not text[m.start():m.end()].startswith(("第", "附則")):
            continue  # "3条" without 第 is how people type, not how texts cite
        start = m.start()
        window = max(0, start - 120)   # names are short; the bracketed promulgation may precede
        before = text[window:start]
        # 警察法（昭和二十九年法律第百六十二号）第二条: skip the promulgation in brackets
        trimmed = _PAREN_TAIL.sub("", before)
        target, reason = None, ""
        name_start = start
        same = SAME_LAW.search(trimmed)
        found = library.name_at_end(trimmed)
        norm_trimmed = _norm(trimmed)
        local_hit = next(((k, v) for k, v in local if norm_trimmed.endswith(k) and ends_with_name(trimmed, k)),
                         None)
        if local_hit:
            full = library.name_at_end(local_hit[1])
            target = full[1] if full else None
            name_start = window + len(trimmed) - len(local_hit[0])
            reason = "" if target else f"「{local_hit[0]}」({local_hit[1]}) is not in the corpus"
        elif found:
            target = found[1]
            name_start = window + len(trimmed) - len(found[0])
        elif same:
            target = last_doc
            name_start = window + same.start()
            reason = "" if target else "同法 without an earlier law name"
        elif LAW_SUFFIX.search(trimmed[-12:].rstrip("のに")) and not trimmed.endswith(("この法", "本法")):
            tail = re.search(r"[一-龥ァ-ヶー・]+$", trimmed)
            reason = f"「{tail.group() if tail else trimmed[-8:]}」 is not in the corpus"
            s0 = start - len(tail.group()) if tail and trimmed == before else start
            refs.append(Reference(s0, m.end(), text[s0:m.end()], None, None, reason))
            continue
        else:
            target = doc_id
        ref_text_start = name_start if target != doc_id else start
        anchor = _anchor_of(m, text)
        if target:
            last_doc = target if target != doc_id else last_doc
            sections = library.sections.get(target, set())
            if anchor not in sections:
                refs.append(Reference(ref_text_start, m.end(), text[ref_text_start:m.end()], target, None,
                                      f"{target} has no {anchor}"))
                continue
            refs.append(Reference(ref_text_start, m.end(), text[ref_text_start:m.end()], target, anchor))
        else:
            refs.append(Reference(ref_text_start, m.end(), text[ref_text_start:m.end()], None, None, reason))
        taken.append((ref_text_start, m.end()))

    here = _article_number(section_id)
    for m in RELATIVE_ARTICLE.finditer(text):
        if any(s <= m.start() < e for s, e in taken) or not here:
            continue
        prefix, nums = here
        step = 1 if m.group("rel") == "次" else -(parse_number(m.group("count")) if m.group("count") else 1)
        if len(nums) > 1 and step == -1 and m.group("rel") == "前":
            # 前条 of 第3条の2 is 第3条
            anchor = prefix + "-".join(str(n) for n in nums[:-1])
        else:
            anchor = prefix + str(nums[0] + step)
        if m.group("rel2"):
            continue  # 前二条 names two articles: leave as text
        if anchor in own:
            refs.append(Reference(m.start(), m.end(), m.group(), doc_id, anchor))
    return sorted(refs, key=lambda r: r.start)


def _anchor_of(m: re.Match, text: str) -> str:
    art = str(parse_number(m.group("art")))
    branches = [str(parse_number(b)) for b in re.findall(rf"の({NUMERAL})", m.group("branch") or "")]
    prefix = "suppl-art-" if m.group("suppl") else "art-"
    return prefix + "-".join([art] + branches)


def document_names(body: str) -> dict[str, str]:
    """Short names a document defines (only the first definition of each short name counts)."""
    return defined_names(body)


def build_library(documents, aliases: dict[str, str]) -> Library:
    """A Library of the given documents, with short names (name -> doc id) from the dictionary."""
    names: dict[str, str] = {}
    sections: dict[str, set[str]] = {}
    for doc in documents:
        names[_norm(doc.title)] = doc.id
        sections[doc.id] = {s.id for s in doc.sections}
    for name, doc_id in aliases.items():
        if doc_id in sections:
            names.setdefault(_norm(name), doc_id)
    return Library(names, sections)
