"""Documents and their sections: front matter parsing and article-level splitting of Markdown."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.anchors import HEADING_ANCHOR, UniqueIds

KINDS = ("law", "regulation", "notice", "manual", "inquiry")
# official texts: their names scope a search and they define short names for each other
OFFICIAL_KINDS = ("law", "regulation", "notice")
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
_ANCHOR = re.compile(HEADING_ANCHOR)
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


MAX_FRONT_MATTER_CHARS = 20_000        # a front matter is a few dozen short fields


class FrontMatterLoader(yaml.SafeLoader):
    """safe_load without aliases: `*name` can multiply a few bytes into gigabytes (a "billion
    laughs"), and a document's fields never need one."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlAliasRefused(None, None, "aliases (*name) are not allowed in front matter",
                                   event.start_mark)
        return super().compose_node(parent, index)


class YamlAliasRefused(yaml.composer.ComposerError):
    """An alias in front matter (refused by FrontMatterLoader)."""


def load_front_matter_yaml(text: str):
    """YAML of front matter (or the editor's 「その他の項目」), refusing aliases and oversize text."""
    if len(text) > MAX_FRONT_MATTER_CHARS:
        raise YamlTooLarge(f"front matter over {MAX_FRONT_MATTER_CHARS:,} characters")
    # libyaml when the text cannot hold an alias (no `*`): same safe constructors, ~10x faster;
    # otherwise the pure-Python loader that refuses aliases
    loader = YAML_LOADER if "*" not in text else FrontMatterLoader
    return yaml.load(text, Loader=loader)   # noqa: S506 (safe loaders only)


class YamlTooLarge(yaml.YAMLError):
    """Front matter larger than MAX_FRONT_MATTER_CHARS."""


def yaml_error_ja(e: yaml.YAMLError) -> str:
    """The Japanese message for a front-matter YAML problem."""
    if isinstance(e, YamlAliasRefused):
        return "フロントマターでは YAML の別名（*名前）は使えません。値をそのまま書いてください"
    if isinstance(e, YamlTooLarge):
        return f"フロントマターが大きすぎます（{MAX_FRONT_MATTER_CHARS:,}文字まで）"
    return "フロントマターの YAML の書式が正しくありません"


def split_front_matter(text: str, path: str | None = None) -> tuple[dict, str, int]:
    """(front matter dict, body, line number where the body starts)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    m = _FRONT.match(text)
    if not m:
        raise DocumentError("missing YAML front matter (--- ... ---)",
                            "先頭に YAML フロントマター（--- で囲んだ項目）がありません", path, 1)
    try:
        meta = load_front_matter_yaml(m.group(1)) or {}
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        raise DocumentError(f"malformed front matter: {e}", yaml_error_ja(e),
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
    for key in SCALAR_FIELDS:
        if isinstance(out.get(key), (dict, list, set)):
            raise DocumentError(f"{key}: expected a single value, got a {type(out[key]).__name__}",
                                f"{key} には値を1つだけ書いてください（一覧や「項目: 値」は使えません）", path, 2)
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
    for key in LIST_FIELDS:
        out[key] = _string_list(out.get(key), key, path)
    return out


SCALAR_FIELDS = ("id", "title", "kind", "status", "confidentiality", "number", "issuer", "department",
                 "owner", "superseded_by", "category", "source")
LIST_FIELDS = ("supersedes", "tags", "allowed", "basis")


def _string_list(value, key: str, path: str | None) -> list[str]:
    """A list field as strings: one value or a list of plain values (never a mapping or nesting)."""
    if value is None or value == "":
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(x, (str, int, float)) and not isinstance(x, bool)
                                       for x in value):
        return [str(x) for x in value]
    raise DocumentError(f"{key}: expected a list of words, got {type(value).__name__}",
                        f"{key} は語句の一覧（- 語句 を1行ずつ）で書いてください", path, 2)


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
    ids = UniqueIds()

    def add(anchor: str, heading: str, crumbs: list[str], text: str):
        for part_id, part_heading, part_text in _split_long(anchor, heading, text):
            sid = ids.take(part_id)
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
