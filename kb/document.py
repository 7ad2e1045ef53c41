"""Documents and their sections: front matter parsing and article-level splitting of Markdown."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KINDS = ("law", "regulation", "notice", "manual", "inquiry")
KIND_DIRS = {"law": "laws", "regulation": "regulations", "notice": "notices",
             "manual": "manuals", "inquiry": "inquiries"}
KIND_LABELS = {"law": "法令", "regulation": "規則・訓令", "notice": "通達",
               "manual": "マニュアル", "inquiry": "照会事例"}
STATUSES = ("in_force", "repealed", "superseded")
CONFIDENTIALITY = ("public", "internal", "restricted")
REQUIRED = ("id", "title", "kind")
DEFAULTS = {
    "issuer": "", "number": "", "promulgated": None, "effective_from": None,
    "effective_until": None, "status": "in_force", "supersedes": [], "superseded_by": None,
    "department": "", "confidentiality": "public", "allowed": [], "source": "", "tags": [],
    # who keeps the document current (a person or team of the department) and by when it is
    # next reviewed (the maintainers' 見直し期限 list)
    "owner": "", "review_by": None,
}
MAX_SECTION_CHARS = 2000
# libyaml's parser when PyYAML has it (the same safe constructors; ~10x faster on front matter)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_ANCHOR = re.compile(r"[ \t]*\{#([A-Za-z0-9_.:-]+)\}[ \t]*$")
_FENCE = re.compile(r"^(```|~~~)")
# A 項 paragraph starts with its number: "２　" (e-Gov) or "2 " (prefectural style).
_KOU_START = re.compile(r"^([0-9０-９]+)[ 　]")


class DocumentError(ValueError):
    """A document that cannot be read; `message_ja` is shown to users."""

    def __init__(self, message: str, message_ja: str, path: str | None = None, line: int | None = None):
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(where + message)
        self.message_ja = message_ja
        self.path = path
        self.line = line


@dataclass
class Section:
    """The unit of search: one 条, one 通達 item, one 別表, one Q&A."""
    id: str
    heading: str
    breadcrumb: list[str]
    text: str
    order: int = 0

    @property
    def plain_text(self) -> str:
        return markdown_to_plain(self.text)


@dataclass
class Document:
    meta: dict
    body: str
    sections: list[Section] = field(default_factory=list)
    path: str | None = None

    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def title(self) -> str:
        return self.meta["title"]

    @property
    def kind(self) -> str:
        return self.meta["kind"]

    @property
    def in_force(self) -> bool:
        return is_in_force(self.meta)


def is_in_force(meta: dict, today: dt.date | None = None) -> bool:
    """In force: status in_force and not past effective_until."""
    if meta.get("status", "in_force") != "in_force":
        return False
    until = meta.get("effective_until")
    return not (isinstance(until, dt.date) and until < (today or dt.date.today()))


def split_front_matter(text: str, path: str | None = None) -> tuple[dict, str, int]:
    """(front matter dict, body, line number where the body starts)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    m = _FRONT.match(text)
    if not m:
        raise DocumentError("missing YAML front matter (--- ... ---)",
                            "先頭に YAML フロントマター（--- で囲んだ項目）がありません", path, 1)
    try:
        meta = yaml.load(m.group(1), Loader=YAML_LOADER) or {}
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        raise DocumentError(f"malformed front matter: {e}",
                            "フロントマターの YAML の書式が正しくありません",
                            path, (line + 2) if line is not None else 1) from None
    if not isinstance(meta, dict):
        raise DocumentError("front matter is not a mapping",
                            "フロントマターは「項目: 値」の形で書いてください", path, 2)
    return meta, text[m.end():], m.group(0).count("\n") + 1


def normalize_meta(meta: dict, path: str | None = None) -> dict:
    """Check required fields and fill defaults; dates become datetime.date."""
    missing = [k for k in REQUIRED if not meta.get(k)]
    if missing:
        raise DocumentError(f"missing required field(s): {', '.join(missing)}",
                            f"必須項目がありません: {', '.join(missing)}", path, 2)
    out = {k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS.items()}
    out.update(meta)
    out["id"] = str(out["id"]).strip()
    out["title"] = str(out["title"]).strip()
    if out["kind"] not in KINDS:
        raise DocumentError(f"unknown kind {out['kind']!r} (one of {', '.join(KINDS)})",
                            f"kind の値が不正です（{', '.join(KINDS)} のいずれか）", path, 2)
    if out["status"] not in STATUSES:
        raise DocumentError(f"unknown status {out['status']!r}", "status の値が不正です", path, 2)
    if out["confidentiality"] not in CONFIDENTIALITY:
        raise DocumentError(f"unknown confidentiality {out['confidentiality']!r}",
                            "confidentiality の値が不正です", path, 2)
    for key in ("promulgated", "effective_from", "effective_until", "received", "answered", "review_by"):
        out[key] = _as_date(out.get(key), key, path)
    for key in ("supersedes", "tags", "allowed", "basis"):
        v = out.get(key)
        out[key] = [] if v is None else ([v] if isinstance(v, str) else [str(x) for x in v])
    return out


def _as_date(value, key: str, path: str | None):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DocumentError(f"{key}: not an ISO date: {value!r}",
                            f"{key} は YYYY-MM-DD 形式の日付で書いてください", path, 2) from None


def parse_document(text: str | bytes, path: str | None = None) -> Document:
    """Parse a corpus file (front matter + Markdown) into a Document with its sections."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise DocumentError(f"not valid UTF-8 (byte {e.start})",
                                "文字コードが UTF-8 ではありません", path) from None
    meta, body, body_line = split_front_matter(text, path)
    meta = normalize_meta(meta, path)
    doc = Document(meta=meta, body=body, path=path)
    doc.sections = split_sections(body, meta["title"])
    return doc


def read_document(path: Path) -> Document:
    return parse_document(Path(path).read_bytes(), str(path))


def heading_parts(raw: str) -> tuple[str, str | None]:
    """Split a heading line's text into (visible text, explicit anchor or None)."""
    m = _ANCHOR.search(raw)
    if m:
        return raw[:m.start()].strip(), m.group(1)
    return raw.strip(), None


_ARTICLE = re.compile(r"^第([0-9０-９]+)条((?:の[0-9０-９]+)*)")
_TABLE = re.compile(r"^別表(?:第)?([0-9０-９]+)?")


def anchor_for(heading: str) -> str:
    """A stable id for a heading without an explicit anchor (arabic article numbers only)."""
    h = unicodedata.normalize("NFKC", heading)
    m = _ARTICLE.match(h)
    if m:
        return "art-" + m.group(1) + m.group(2).replace("の", "-")
    m = _TABLE.match(h)
    if m:
        return "table-" + (m.group(1) or "1")
    return "h-" + hashlib.sha1(h.encode()).hexdigest()[:8]


@dataclass
class _Block:
    level: int
    heading: str
    anchor: str
    lines: list[str]


def _blocks(body: str) -> tuple[str | None, list[str], list[_Block]]:
    """Title (# line), preamble lines, and heading blocks of a Markdown body."""
    title, preamble, blocks = None, [], []
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
        m = None if in_fence else _HEADING.match(line)
        if m and len(m.group(1)) == 1 and title is None and not blocks:
            title = heading_parts(m.group(2))[0]
            continue
        if m:
            text, anchor = heading_parts(m.group(2))
            blocks.append(_Block(len(m.group(1)), text, anchor or anchor_for(text), []))
            continue
        (blocks[-1].lines if blocks else preamble).append(line)
    return title, preamble, blocks


def split_sections(body: str, doc_title: str) -> list[Section]:
    """Sections of a Markdown body: every heading with text of its own, plus a preamble."""
    title, preamble, blocks = _blocks(body)
    title = title or doc_title
    sections: list[Section] = []
    used: set[str] = set()

    def add(anchor: str, heading: str, crumbs: list[str], text: str):
        for part_id, part_heading, part_text in _split_long(anchor, heading, text):
            sid = part_id
            n = 2
            while sid in used:
                sid, n = f"{part_id}-{n}", n + 1
            used.add(sid)
            sections.append(Section(sid, part_heading, crumbs, part_text, len(sections)))

    pre = "\n".join(preamble).strip()
    if pre:
        add("preamble", title, [title], pre)
    stack: list[_Block] = []
    for b in blocks:
        while stack and stack[-1].level >= b.level:
            stack.pop()
        stack.append(b)
        text = "\n".join(b.lines).strip()
        if text:
            add(b.anchor, b.heading, [title] + [s.heading for s in stack], text)
    return sections


def _split_long(anchor: str, heading: str, text: str):
    """Split a section over MAX_SECTION_CHARS at 項 boundaries (top-level numbered paragraphs)."""
    if len(text) <= MAX_SECTION_CHARS:
        return [(anchor, heading, text)]
    paragraphs = re.split(r"\n\s*\n", text)
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    size = 0
    for p in paragraphs:
        m = _KOU_START.match(p)
        if m and size > 0 and size + len(p) > MAX_SECTION_CHARS:
            parts.append((unicodedata.normalize("NFKC", m.group(1)), []))
            size = 0
        parts[-1][1].append(p)
        size += len(p)
    out = []
    for num, paras in parts:
        if num is None:
            out.append((anchor, heading, "\n\n".join(paras)))
        else:
            out.append((f"{anchor}-p{num}", f"{heading} 第{num}項以下", "\n\n".join(paras)))
    return out


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"(\*\*|__|`|^>\s?|^\s*[-*+]\s+|^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$)", re.M)


def markdown_to_plain(md: str) -> str:
    """Plain text of a section's Markdown (links keep their text, markup and table rules dropped)."""
    text = _MD_LINK.sub(r"\1", md)
    text = _MD_MARK.sub("", text)
    text = re.sub(r"[ \t]*\|[ \t]*", " ", text)
    text = re.sub(r"\n{2,}", "\n", text)
    return text.strip()
