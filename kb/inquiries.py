"""Answered inquiries (相談・照会) as corpus documents: the Markdown a published inquiry becomes.

Only anonymised text ever reaches this module's output; the raw question stays in the
application database until it is published or purged.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from kb.anchors import section_key, section_url

CATEGORIES = ("地域", "交通", "刑事", "生活安全", "警備", "総務")
CHANNELS = ("電話", "無線", "端末")
# What each state means to the desk, and to the officer who asked (「非公開」 read like a refusal).
STATUSES = {"open": "未回答", "answered": "回答済・公開前", "published": "事例として公開", "internal": "非公開で保存"}
ASKER_STATUSES = {"open": "確認中", "answered": "回答あり", "published": "回答あり・事例として公開",
                  "internal": "回答あり"}
ID_PATTERN = re.compile(r"^inq-(\d{4})-(\d{4,})$")
SOURCE = "本部照会デスク回答（匿名化・審査済み）"


@dataclass
class Basis:
    """A section an answer rests on."""
    doc_id: str
    section_id: str
    label: str                       # 岡山県警察地域警察運営規程 第3条

    @property
    def key(self) -> str:
        return section_key(self.doc_id, self.section_id)

    @property
    def url(self) -> str:
        return section_url(self.doc_id, self.section_id)


@dataclass
class PublishedInquiry:
    """What the corpus keeps of an answered inquiry: anonymised text only."""
    id: str
    title: str
    category: str
    question: str                    # anonymised
    answer: str                      # anonymised
    received: dt.date
    answered: dt.date
    basis: list[Basis] = field(default_factory=list)
    department: str = ""
    confidentiality: str = "public"
    tags: list[str] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.answered.year


def inquiry_id(year: int, number: int) -> str:
    return f"inq-{year}-{number:04d}"


def next_inquiry_id(existing_ids, year: int) -> str:
    """The next free id of the year, after every existing one (samples included)."""
    numbers = [int(m.group(2)) for i in existing_ids if (m := ID_PATTERN.match(i)) and int(m.group(1)) == year]
    return inquiry_id(year, max(numbers, default=0) + 1)


def title_from_question(question: str, limit: int = 40) -> str:
    """A short title: the question's first sentence, cut at `limit` characters."""
    first = re.split(r"(?<=[。？?])", question.strip(), maxsplit=1)[0].strip()
    first = re.sub(r"\s+", " ", first)
    return first if len(first) <= limit else first[:limit - 1] + "…"


def _paragraphs(text: str) -> str:
    """Plain paragraphs: a line that would start a heading, rule or front matter is escaped, so
    the inquiry stays one section."""
    lines = [p.strip() for p in re.split(r"\r?\n", text.strip()) if p.strip()]
    return "\n\n".join(re.sub(r"^([#=>]|-{3,}|\*{3,}|`{3,}|~{3,})", r"\\\1", p) for p in lines)


def inquiry_markdown(inq: PublishedInquiry) -> str:
    """The corpus file of a published inquiry (front matter + one Q&A section)."""
    if inq.category not in CATEGORIES:
        raise ValueError(f"unknown category {inq.category!r}")
    meta = {
        "id": inq.id, "title": inq.title, "kind": "inquiry", "category": inq.category,
        "received": inq.received, "answered": inq.answered, "status": "in_force",
        "confidentiality": inq.confidentiality, "department": inq.department,
        "basis": [b.key for b in inq.basis], "tags": list(inq.tags), "source": SOURCE,
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
    body = [f"# {inq.title}", "", "**質問**", "", _paragraphs(inq.question), "", "**回答**", "",
            _paragraphs(inq.answer)]
    if inq.basis:
        body += ["", "**根拠**", ""] + [f"- [{_link_text(b.label)}]({b.url})" for b in inq.basis]
    return f"---\n{front}---\n\n" + "\n".join(body) + "\n"


def _link_text(label: str) -> str:
    return label.replace("[", "［").replace("]", "］")
