"""Import official texts (e-Gov laws, prefectural 訓令・規程, NPA 通達) as corpus Markdown.

`parse_structure` reads a plain text into an ImportReport (metadata, headings with anchors,
counts); `import_text` renders that report as a document in the format of docs/corpus-format.md.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.anchors import UniqueIds, heading_anchor
from kb.document import KIND_DIRS, DocumentError
from kb.era import ERA_DATE, iter_era_dates, number_path, parse_era_date
from kb.numerals import NUMERAL
from kb.store import atomic_write  # the store's single atomic write path

MAX_IMPORT_BYTES = 5 * 1024 * 1024     # an official text (UTF-8 or Shift_JIS), uploaded, pasted or a file

KANJI_NUM = "[〇一二三四五六七八九十百千]+"

# Structure lines of legal texts.
# Pre-war texts write the branch with katakana ノ (第一条ノ二) and some keep the old form 條.
ARTICLE = re.compile(
    rf"^第({NUMERAL})[条條]((?:[のノ]{NUMERAL})*)((?:及び|から)第{NUMERAL}[条條](?:[のノ]{NUMERAL})*(?:まで)?)?"
    r"(?:[ 　]+(.*))?$")
CHAPTER = re.compile(rf"^第({NUMERAL})(編|章|節|款|目)((?:[のノ]{NUMERAL})*)[ 　]+([^。]+)$")
SUPPL = re.compile(r"^附[ 　]*則(?:[ 　]*[（(](.+?)[)）])?(?:[ 　]*(抄))?$")
APPENDIX = re.compile(rf"^(別表|別図|別記様式|様式)(第)?({NUMERAL})?(号)?[ 　]*([（(][^。]*[)）])?$")
GLUED_CAPTION = re.compile(r"^(.*[^。])[（(]([^（）()。第]+)[)）]$")
# e-Gov's editorial penalty note after an article of 道路交通法: （罰則　第一項については…）
PENALTY_NOTE = re.compile(r"^[（(]罰則[ 　]")
TOC = "目次"
RANGE = re.compile(r"[（(]第[^（）()]*[)）]$")

# A line that is only a document number or only a date (header of every source style).
NUMBER_LINE = re.compile(rf"^[^。（(\s]*?第{NUMERAL}号(?:[、，][^。（(]+)*$")
DATE_LINE = re.compile(rf"^{ERA_DATE.pattern}$")
NUMBERED_TITLE = re.compile(rf"^([^。（(\s]*?第{NUMERAL}号)[（(]([^（）()。]+)[)）]$")

# Paragraph (項) numbers and item (号 and below) markers inside an article.
KOU = re.compile(r"^(?:[0-9０-９]+|[①-⑳])[ 　]")
ITEM_MARKERS = (
    ("kanji", re.compile(rf"^{KANJI_NUM}(?:の{KANJI_NUM})*[ 　]")),
    ("paren-num", re.compile(r"^[（(][0-9０-９]+[)）]")),
    ("paren-kana", re.compile(r"^[（(][ァ-ヶ][)）]")),
    ("paren-roman", re.compile(r"^[（(][ivxｉｖｘ]+[)）]")),
    ("kana", re.compile(r"^[ァ-ヶ][ 　]")),
)

# Numbered items of a 通達 after 記: 第1 / 1 / (1) / ア / (ア).
NOTICE_MARKERS = (
    ("dai", re.compile(rf"^第({NUMERAL})[ 　]+(.+)$")),
    ("num", re.compile(r"^([0-9０-９]+)[ 　．.]+(.+)$")),
    ("paren-num", re.compile(r"^[（(]([0-9０-９]+)[)）][ 　]*(.+)$")),
    ("kana", re.compile(r"^([ァ-ヶ])[ 　]+(.+)$")),
    ("paren-kana", re.compile(r"^[（(]([ァ-ヶ])[)）][ 　]*(.+)$")),
)
KANA_ROMAJI = dict(zip(
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン",
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho "
    "ma mi mu me mo ya yu yo ra ri ru re ro wa wo n".split(), strict=True))

UNIT_DEPTH = {"編": 0, "章": 1, "節": 2, "款": 3, "目": 4}
UNIT_ANCHOR = {"編": "part", "章": "ch", "節": "sec", "款": "subsec", "目": "div"}
APPENDIX_ANCHOR = {"別表": "table", "別図": "fig", "別記様式": "form", "様式": "form"}


@dataclass
class Node:
    """One heading of the imported document and the source lines under it."""
    kind: str          # part/chapter/section/subsection/division, article, suppl, table, fig, form, item, annex
    level: int
    heading: str
    anchor: str
    lines: list[str] = field(default_factory=list)
    suppl: str | None = None  # anchor of the 附則 block holding this node


@dataclass
class ImportReport:
    """What the importer found in a text: shown in the editor before saving."""
    kind: str
    meta: dict
    preamble: list[str]
    nodes: list[Node]
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, in_suppl: bool = False) -> int:
        return sum(1 for n in self.nodes if n.kind == kind and (n.suppl is not None) == in_suppl)

    @property
    def articles(self) -> int:
        return self.count("article")

    @property
    def suppl_blocks(self) -> int:
        return self.count("suppl")

    @property
    def tables(self) -> int:
        return self.count("table")

    @property
    def chapters(self) -> int:
        return self.count("chapter")

    @property
    def items(self) -> int:
        return self.count("item")

    @property
    def anchors(self) -> list[str]:
        return [n.anchor for n in self.nodes]

    def summary(self) -> dict:
        """Counts and metadata as plain JSON-friendly values."""
        meta = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.meta.items()}
        return {"kind": self.kind, "meta": meta, "articles": self.articles,
                "suppl_blocks": self.suppl_blocks, "suppl_articles": self.count("article", True),
                "tables": self.tables, "chapters": self.chapters, "items": self.items,
                "sections": sum(1 for n in self.nodes if n.lines), "warnings": list(self.warnings)}


def _error(message: str, message_ja: str) -> DocumentError:
    return DocumentError(f"{message} ({message_ja})", message_ja)


# ---------------------------------------------------------------------------- text and kind

def _source_lines(text: str) -> list[str]:
    """Lines without BOM, CR and the '- ' bullets some prefectural sources put before paragraphs."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [re.sub(r"^ *- ", "", line.rstrip()) for line in text.split("\n")]


def guess_kind(text: str) -> str | None:
    """law / regulation / notice from the number line (or else the header text), or None."""
    head = [s.strip() for s in _source_lines(text) if s.strip()][:20]
    number = next((s for s in head if NUMBER_LINE.match(s)), "")
    joined = "\n".join(head)
    for probe in (number, joined):
        if "（通達）" in probe or re.search(r"[甲乙丙丁][^\s。]*発第", probe):
            return "notice"
        if re.search(r"訓令第|規程第|(?<!国家)公安委員会規則第|[都道府県]規則第", probe):
            return "regulation"
        if re.search(r"(法律|政令|国家公安委員会規則|府令|省令)第", probe):
            return "law"
    return "regulation" if re.search(r"訓令|規程", joined) else None


# ---------------------------------------------------------------------------- header

def _number_of(lines: list[str]) -> str:
    """'警察庁丙企画発第32号、丙技企発第16号' (+ more lines) → '警察庁丙企画発第32号ほか'."""
    first = re.split(r"[、，]", lines[0])[0]
    return first + ("ほか" if len(lines) > 1 or first != lines[0] else "")


def _issuer_from_number(number: str) -> str:
    if "国家公安委員会規則" in number:
        return "国家公安委員会"
    if "政令" in number:
        return "内閣"
    return ""


def _is_structural(lines: list[str], i: int) -> bool:
    s = lines[i].strip()
    if s == TOC or ARTICLE.match(s) or CHAPTER.match(s) or SUPPL.match(s) or APPENDIX.match(s):
        return True
    return bool(_caption(s)) and not PENALTY_NOTE.match(s) and bool(ARTICLE.match(_next_text(lines, i)))


def _next_text(lines: list[str], i: int) -> str:
    for line in lines[i + 1:]:
        if line.strip():
            return line.strip()
    return ""


def _legal_header(lines: list[str]) -> tuple[dict, list[str], int]:
    """Number, date, title and enactment clause before the first structure line."""
    meta: dict = {}
    preamble: list[str] = []
    i = 0
    while i < len(lines) and not _is_structural(lines, i):
        s = lines[i].strip().lstrip("○◯")
        i += 1
        if not s:
            continue
        if NUMBER_LINE.match(s) and "number" not in meta:
            meta["number"] = _number_of([s])
        elif DATE_LINE.match(s) and "promulgated" not in meta:
            meta["promulgated"] = parse_era_date(s)
        elif "title" not in meta and not s.endswith("。") and len(s) <= 120:
            meta["title"] = s
        elif s != meta.get("title"):
            preamble.append(s)
    # Laws without an official title are listed by number with their name in parentheses:
    # 昭和五年法律第九号（盗犯等ノ防止及処分ニ関スル法律）
    if (m := NUMBERED_TITLE.match(meta.get("title", ""))) and m.group(1) == meta.get("number", m.group(1)):
        meta["title"] = m.group(2)
        meta.setdefault("number", m.group(1))
    if meta.get("number") and _issuer_from_number(meta["number"]):
        meta["issuer"] = _issuer_from_number(meta["number"])
    return meta, preamble, i


def _notice_header(lines: list[str]) -> tuple[dict, list[str], int]:
    """Validity, addressees, number, date, issuer and title of a 通達 (up to its title line)."""
    meta: dict = {}
    addressees: list[str] = []
    numbers: list[str] = []
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        i += 1
        if not s:
            continue
        if s.startswith("有効期間"):
            meta["effective_until"] = parse_era_date(s)
        elif "保存期間" in s:
            continue  # retention period of the file copy, not of the 通達
        elif NUMBER_LINE.match(s) and "promulgated" not in meta:
            numbers.append(s)
        elif DATE_LINE.match(s) and "promulgated" not in meta:
            meta["promulgated"] = parse_era_date(s)
        elif "promulgated" in meta and "issuer" not in meta and not s.endswith("（通達）") \
                and len(s) <= 30 and "。" not in s:
            meta["issuer"] = s
        elif s.endswith("（通達）") or "promulgated" in meta:
            meta["title"] = s
            break
        else:
            addressees.append(s)
    if numbers:
        meta["number"] = _number_of(numbers)
    return meta, ([_addressee_line(addressees)] if addressees else []), i


def _addressee_line(lines: list[str]) -> str:
    """The addressee block as one line; the centred 殿 of the source goes to the end."""
    names = [re.sub(r"[ 　]*殿$", "", s) for s in lines]
    return "、".join(names) + (" 殿" if any(s.endswith("殿") for s in lines) else "")


# ---------------------------------------------------------------------------- legal body

class _LegalBuilder:
    """Turns the lines of a law, 規則, 訓令 or 規程 into Nodes with stable anchors."""

    def __init__(self, report: ImportReport, has_parts: bool):
        self.report = report
        self.offset = 2 if has_parts else 1
        self.structure: list[tuple[int, Node, str]] = []  # (depth, node, anchor part)
        self.suppl: Node | None = None
        self.current: Node | None = None

    def add(self, node: Node) -> Node:
        node.level = min(node.level, 6)
        node.suppl = self.suppl.anchor if self.suppl and node is not self.suppl else None
        self.report.nodes.append(node)
        self.current = node
        return node

    def line(self, text: str) -> None:
        (self.current.lines if self.current else self.report.preamble).append(text)

    def chapter(self, m: re.Match) -> None:
        unit, depth = m.group(2), UNIT_DEPTH[m.group(2)]
        while self.structure and self.structure[-1][0] >= depth:
            self.structure.pop()
        part = f"{UNIT_ANCHOR[unit]}-{number_path(m.group(1), m.group(3))}"
        prefix = [self.suppl.anchor] if self.suppl else []
        anchor = "-".join(prefix + [p for _, _, p in self.structure] + [part])
        heading = f"第{m.group(1)}{unit}{m.group(3)} {m.group(4).strip()}"
        kind = {"編": "part", "章": "chapter", "節": "section", "款": "subsection", "目": "division"}[unit]
        level = depth + self.offset + (1 if self.suppl else 0)
        node = self.add(Node(kind, level, heading, anchor))
        self.structure.append((depth, node, part))

    def article(self, m: re.Match, caption: str | None) -> None:
        if caption is None:
            caption = self._glued_caption()
        number = number_path(m.group(1), m.group(2))
        anchor = f"{self.suppl.anchor}-art-{number}" if self.suppl else f"art-{number}"
        heading = f"第{m.group(1)}条{m.group(2)}{m.group(3) or ''}" + (f"（{caption}）" if caption else "")
        parent = self.structure[-1][1].level if self.structure else (self.suppl.level if self.suppl else 1)
        node = self.add(Node("article", parent + 1, heading, anchor))
        if m.group(4):
            node.lines.append(m.group(4).strip())

    def _glued_caption(self) -> str | None:
        """Some prefectural sources glue a caption to the end of the previous article's last line."""
        if not self.current or not self.current.lines:
            return None
        last = self.current.lines[-1]
        m = GLUED_CAPTION.match(last)
        if not m or KOU.match(last) or _item_kind(last) or _is_table_row(last):
            return None
        self.current.lines[-1] = m.group(1)
        self.report.warnings.append(f"caption （{m.group(2)}） was split from the line before it")
        return m.group(2)

    def supplementary(self, m: re.Match) -> None:
        self.structure.clear()
        n = self.report.count("suppl") + 1
        anchor = "suppl" if n == 1 else f"suppl-{n}"
        heading = "附則" + (f"（{m.group(1)}）" if m.group(1) else "") + (m.group(2) or "")
        self.suppl = None
        self.suppl = self.add(Node("suppl", 2, heading, anchor))

    def appendix(self, m: re.Match) -> None:
        self.structure.clear()
        self.suppl = None
        kind = APPENDIX_ANCHOR[m.group(1)]
        number = number_path(m.group(3)) if m.group(3) else "1"
        caption = _full_width_parens(m.group(5)) if m.group(5) else ""
        heading = f"{m.group(1)}{m.group(2) or ''}{m.group(3) or ''}{m.group(4) or ''}{caption}"
        self.add(Node(kind, 2, heading, f"{kind}-{number}"))


def _caption(s: str) -> re.Match | None:
    """A caption line: one parenthesised phrase without 。 (nested parens allowed)."""
    m = re.match(r"^[（(]([^。]+)[)）]$", s)
    if not m:
        return None
    depth = 0
    for n, c in enumerate(s):
        depth += 1 if c in "（(" else -1 if c in "）)" else 0
        if depth == 0 and n < len(s) - 1:
            return None
    return m


def _full_width_parens(s: str) -> str:
    return "（" + s[1:-1] + "）"


def _parse_legal(lines: list[str], start: int, report: ImportReport) -> None:
    has_parts = any(CHAPTER.match(s.strip()) and CHAPTER.match(s.strip()).group(2) == "編" for s in lines)
    b = _LegalBuilder(report, has_parts)
    i = start
    caption: str | None = None
    while i < len(lines):
        raw, s = lines[i], lines[i].strip()
        i += 1
        if not s:
            continue
        if _is_table_row(raw):
            b.line(raw)
        elif s == TOC:
            i = _skip_toc(lines, i - 1)
        elif m := SUPPL.match(s):
            b.supplementary(m)
        elif m := APPENDIX.match(s):
            b.appendix(m)
        elif m := CHAPTER.match(s):
            b.chapter(m)
        elif m := ARTICLE.match(s):
            b.article(m, caption)
            caption = None
        elif (m := _caption(s)) and ARTICLE.match(_next_text(lines, i - 1)) and not PENALTY_NOTE.match(s):
            caption = m.group(1)
        else:
            b.line(s)


def _skip_toc(lines: list[str], i: int) -> int:
    """Index after a 目次 block: chapter entries with article ranges, ending with 附則."""
    first = None
    i += 1
    while i < len(lines):
        s = lines[i].strip()
        if not s:
            i += 1
            continue
        if s == "附則":
            return i + 1
        m = CHAPTER.match(s)
        if not m and not APPENDIX.match(RANGE.sub("", s)):
            return i
        entry = RANGE.sub("", s)
        if first is None:
            first = entry
        elif entry == first:
            return i
        i += 1
    return i


# ---------------------------------------------------------------------------- notice body

def _notice_marker(s: str) -> tuple[str, str, str] | None:
    """(marker kind, number or kana, text) of a 通達 item line."""
    for kind, pattern in NOTICE_MARKERS:
        m = pattern.match(s)
        if m:
            return kind, m.group(1), m.group(2).strip()
    return None


def _anchor_part(kind: str, value: str) -> str:
    if "kana" in kind:
        return KANA_ROMAJI.get(value, f"k{ord(value):x}")
    return number_path(value)


def _parse_notice(lines: list[str], start: int, report: ImportReport) -> None:
    """記 and below: 1 / (1) / ア items become ki-1, ki-1-1, ki-1-1-a headings."""
    has_ki = any(s.strip() == "記" for s in lines[start:])
    i, in_items = start, not has_ki
    stack: list[tuple[str, str]] = []  # (marker kind, anchor part)
    current: Node | None = None
    while i < len(lines):
        raw, s = lines[i], lines[i].strip()
        i += 1
        if not in_items:
            if s == "記":
                in_items = True
            elif s:
                report.preamble.append(s)
            continue
        if not s:
            if current and current.lines and current.lines[-1] != "":
                current.lines.append("")
            continue
        marker = _notice_marker(s)
        if marker:
            kind, value, text = marker
            while stack and kind in [k for k, _ in stack]:
                stack.pop()
            stack.append((kind, _anchor_part(kind, value)))
            label = s[: len(s) - len(text)].strip()
            anchor = "ki-" + "-".join(p for _, p in stack)
            heading, body = (label, text) if text.endswith("。") else (f"{label} {text}", None)
            current = Node("item", min(1 + len(stack), 6), heading, anchor)
            report.nodes.append(current)
            if body:
                current.lines.append(body)
        elif not _is_table_row(raw) and _is_table_row(_next_raw(lines, i - 1)) and "。" not in s:
            stack.clear()
            n = report.count("annex") + 1
            current = Node("annex", 2, s, f"annex-{n}")
            report.nodes.append(current)
        elif current:
            current.lines.append(raw if _is_table_row(raw) else s)
        else:
            report.preamble.append(s)


def _next_raw(lines: list[str], i: int) -> str:
    for line in lines[i + 1:]:
        if line.strip():
            return line
    return ""


def _join_broken(lines: list[str]) -> list[str]:
    """Re-join a 通達 paragraph the source broke over two lines (no 。 before the break)."""
    out: list[str] = []
    for s in lines:
        if s == "":
            continue
        prev = out[-1] if out else ""
        if prev and not re.search(r"[。」）):：]$", prev) and not _is_table_row(prev) \
                and not _is_table_row(s) and not s.startswith("※"):
            out[-1] = prev + s
        else:
            out.append(s)
    return out


# ---------------------------------------------------------------------------- metadata

def _effective_from(report: ImportReport) -> dt.date | None:
    """The date in the first 附則 sentence saying 「…から施行する」, if it names a date."""
    first = next((n for n in report.nodes if n.kind == "suppl"), None)
    if not first:
        return None
    text = "\n".join(first.lines + [line for n in report.nodes if n.suppl == first.anchor for line in n.lines])
    at = text.find("から施行")
    if at < 0:
        return None
    sentence = re.split(r"[。\n]", text[:at])[-1]
    dates = [d for d, _ in iter_era_dates(sentence)]
    return dates[-1] if dates else None


def _supersedes(text: str) -> list[str]:
    """Citations of documents this one abolishes (旧通達は廃止する) or wholly revises (全部を改正する)."""
    out = []
    for line in _source_lines(text):
        for m in re.finditer(r"「([^」]+)」（([^（）]*付け[^（）。]*)。以下「([^」]+)」という。）", line):
            if re.search(re.escape(m.group(3)) + r"[はを]廃止", text):
                out.append(f"「{m.group(1)}」（{m.group(2)}）")
        m = re.match(r"^([^。「」]+?（[^（）]*第[^（）]*号）)の全部を改正する", line.strip())
        if m:
            out.append(m.group(1))
    return out


# ---------------------------------------------------------------------------- public API

def parse_structure(text: str, kind: str | None = None) -> ImportReport:
    """Read a plain official text into an ImportReport (no file is written)."""
    if not text or not text.strip():
        raise _error("empty text", "本文が空です")
    kind = kind or guess_kind(text)
    if kind is None:
        raise _error("cannot tell the kind of document (law, regulation or notice)",
                     "文書の種類（法令・規程・通達）を判別できません。種類を指定してください")
    lines = _source_lines(text)
    header = _notice_header if kind == "notice" else _legal_header
    meta, preamble, start = header(lines)
    report = ImportReport(kind=kind, meta=meta, preamble=preamble, nodes=[])
    (_parse_notice if kind == "notice" else _parse_legal)(lines, start, report)
    if not report.nodes:
        raise _error("no articles, 附則, 別表 or numbered items found",
                     "条文（第1条など）や「記」以下の項目が見つからず、文書の構造を読み取れません")
    if kind == "notice":
        for node in report.nodes:
            node.lines = _join_broken(node.lines)
    _unique_anchors(report)
    meta.setdefault("effective_from", _effective_from(report))
    meta.setdefault("supersedes", _supersedes(text))
    return report


def _unique_anchors(report: ImportReport) -> None:
    ids = UniqueIds()
    for node in report.nodes:
        anchor = ids.take(node.anchor)
        if anchor != node.anchor:
            report.warnings.append(f"duplicate anchor {node.anchor} renamed {anchor}")
            node.anchor = anchor


def import_text(text: str, *, kind: str | None = None, doc_id: str | None = None,
                source: str | None = None, fallback: dict | None = None) -> str:
    """A complete corpus document (front matter + Markdown) for a plain official text.

    `fallback` supplies metadata the text does not state (title, number, department …).
    """
    report = parse_structure(text, kind)
    meta = front_matter(report, doc_id=doc_id, source=source, fallback=fallback)
    return render_document(meta, report)


def front_matter(report: ImportReport, *, doc_id: str | None = None, source: str | None = None,
                 fallback: dict | None = None) -> dict:
    """Front matter in the field order of docs/corpus-format.md."""
    found = {k: v for k, v in report.meta.items() if v not in (None, "", [])}
    merged = {**(fallback or {}), **found}
    title = merged.get("title")
    if not title:
        raise _error("no title found", "題名が見つかりません")
    return {
        "id": doc_id or f"{report.kind}-{hashlib.sha1(title.encode()).hexdigest()[:8]}",
        "title": title,
        "kind": report.kind,
        "issuer": merged.get("issuer", ""),
        "number": merged.get("number", ""),
        "promulgated": merged.get("promulgated"),
        "effective_from": merged.get("effective_from"),
        "effective_until": merged.get("effective_until"),
        "status": merged.get("status", "in_force"),
        "supersedes": list(merged.get("supersedes", [])),
        "superseded_by": merged.get("superseded_by"),
        "department": merged.get("department", ""),
        "confidentiality": merged.get("confidentiality", "public"),
        "source": source or merged.get("source", ""),
        "tags": list(merged.get("tags", [])),
    }


def render_document(meta: dict, report: ImportReport) -> str:
    """Front matter, # title, preamble and every heading with its {#anchor} and body."""
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    parts = [f"---\n{head}---", f"# {meta['title']}"]
    parts += [p for p in report.preamble if p]
    for node in report.nodes:
        parts.append(f"{'#' * node.level} {node.heading}{heading_anchor(node.anchor)}")
        body = format_body(node.lines)
        if body:
            parts.append(body)
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------------------- Markdown body

def _is_table_row(line: str) -> bool:
    if " | " in line or line.startswith("| "):
        return True
    return "\t" in line and len(line.split("\t")) >= 2 and bool(line.strip())


def _item_kind(s: str) -> str | None:
    for kind, pattern in ITEM_MARKERS:
        if pattern.match(s):
            return kind
    return None


def format_body(lines: list[str]) -> str:
    """Markdown for a node's lines: 項 paragraphs, 号/イ items as nested lists, tables."""
    blocks: list[list[str]] = []
    stack: list[str] = []
    in_list = False
    i = 0
    while i < len(lines):
        s = lines[i]
        if s == "":
            i += 1
            continue
        if _is_table_row(s):
            j = i
            while j < len(lines) and (lines[j] == "" or _is_table_row(lines[j])):
                j += 1
            blocks.append(_table([r for r in lines[i:j] if r]))
            i, stack, in_list = j, [], False
            continue
        kind = None if KOU.match(s) or _caption(s) else _item_kind(s)
        if kind:
            if kind in stack:
                del stack[stack.index(kind) + 1:]
            else:
                stack.append(kind)
            item = f"{'  ' * (len(stack) - 1)}- {s}"
            if in_list:
                blocks[-1].append(item)
            else:
                blocks.append([item])
            in_list = True
        elif in_list and not KOU.match(s) and not _caption(s) and not s.startswith("備考"):
            blocks[-1].append(f"{'  ' * len(stack)}{s}")  # continuation text of the last item
        else:
            blocks.append([_full_width_parens(s) if _caption(s) else s])
            stack, in_list = [], False
        i += 1
    return "\n\n".join("\n".join(b) for b in blocks)


def _cells(row: str) -> tuple[list[str], bool]:
    """Cells of a source table row and whether missing cells belong on the left (e-Gov rowspans)."""
    if "\t" in row and " | " not in row:
        cells, pad_left = row.split("\t"), False
    else:
        body = row[2:] if row.startswith("| ") else row
        cells, pad_left = re.split(r" \|(?: |$)", body), True
    cells = [c.replace("\xa0", " ").strip().replace("|", "\\|") for c in cells]
    return cells, pad_left


def _table(rows: list[str]) -> list[str]:
    """A Markdown table; separator rows of the source (-----) are dropped."""
    parsed = [_cells(r) for r in rows]
    parsed = [(c, left) for c, left in parsed if not all(re.fullmatch(r"-*", x) for x in c)]
    width = max(len(c) for c, _ in parsed)
    out = []
    in_header = True  # header rows above the first full row span to the right, later rows to the left
    for n, (cells, pad_left) in enumerate(parsed):
        in_header = in_header and len(cells) < width
        pad = [""] * (width - len(cells))
        cells = pad + cells if pad_left and not in_header and len(cells) > 1 else cells + pad
        out.append("| " + " | ".join(cells) + " |")
        if n == 0:
            out.append("|" + " --- |" * width)
    return out


# ---------------------------------------------------------------------------- bulk import

def read_sources_table(path: Path) -> tuple[dict[str, dict], dict]:
    """Rows of every `| file | …` table of SOURCES.md by file name, and the e-Gov repository/commit."""
    text = Path(path).read_text(encoding="utf-8")
    rows: dict[str, dict] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue
        if cells[0] == "file":
            header = cells
        elif header:
            rows[cells[0]] = dict(zip(header, cells, strict=False))
    m = re.search(r"`([\w.-]+/[\w.-]+)`.*?commit `([0-9a-f]{7,40})`", text)
    repo = {"repo": m.group(1), "commit": m.group(2)} if m else {}
    return rows, repo


# Facts a source text does not state itself.
DEPARTMENTS = {
    "okayama-chiiki-keisatsu-unei-kitei": "地域部地域課",
    "npa-tsutatsu-2022-keisatsu-unei": "警察庁長官官房",
}
ISSUERS = {"okayama-chiiki-keisatsu-unei-kitei": "岡山県警察本部長"}  # 岡山県警察の訓令


def source_fallback(doc_id: str, row: dict, repo: dict) -> tuple[dict, str, str | None]:
    """(fallback metadata, source line, kind) for one SOURCES.md row."""
    fallback = {"title": row.get("title", ""), "department": DEPARTMENTS.get(doc_id, ""),
                "issuer": ISSUERS.get(doc_id, "")}
    if "law ID / number" in row:
        law_id, _, number = (x.strip() for x in row["law ID / number"].partition("/"))
        version = row.get("version (施行日 / last amending law ID)", "").split("/")[0].strip()
        date = f"{version[:4]}-{version[4:6]}-{version[6:8]}" if len(version) == 8 else version
        fallback["number"] = number
        source = (f"e-Gov 法令データ ({repo.get('repo', '')} @ {repo.get('commit', '')[:8]}), "
                  f"{law_id}, 施行日 {date}")
        return fallback, source, "law"
    facts = row.get("number / date", "")
    fallback["number"] = facts.split(",")[0].strip()
    fallback["promulgated"] = parse_era_date(facts)
    for label, key in (("in force", "effective_from"), ("有効期間", "effective_until")):
        m = re.search(re.escape(label) + r"\s*(\S+)", facts)
        if m:
            fallback[key] = parse_era_date(m.group(1))
    return fallback, row.get("source", ""), None


def import_sources(src_dir: Path, corpus_dir: Path) -> dict[str, ImportReport]:
    """Import every *.txt listed in SOURCES.md into corpus/<kind dir>/<file stem>.md."""

    src_dir, corpus_dir = Path(src_dir), Path(corpus_dir)
    rows, repo = read_sources_table(src_dir / "SOURCES.md")
    reports = {}
    for path in sorted(src_dir.glob("*.txt")):
        doc_id = path.stem
        fallback, source, kind = source_fallback(doc_id, rows.get(path.name, {}), repo)
        text = path.read_text(encoding="utf-8")
        report = parse_structure(text, kind)
        meta = front_matter(report, doc_id=doc_id, source=source, fallback=fallback)
        atomic_write(corpus_dir / KIND_DIRS[report.kind] / f"{doc_id}.md", render_document(meta, report))
        reports[doc_id] = report
    return reports
