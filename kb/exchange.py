"""The inter-prefecture exchange format (docs/exchange-format.md): signed JSON Lines bundles of
answered inquiries shared 全国, and the withdrawals of such shares.

A bundle is: one header line, one line per case or withdrawal, and a last line holding the
organisation's Ed25519 signature over every byte before it. Each case carries a content hash, so
a changed line is named even before the signature check refuses the whole bundle. Reading is
all or nothing: any fault refuses the bundle with an English and a Japanese message.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kb.anchors import split_key
from kb.citations import law_id_of
from kb.era import JST
from kb.inquiries import CATEGORIES

FORMAT = "kb-share"
FORMAT_VERSION = 1
CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
MAX_TEXT = 20_000


class ExchangeError(ValueError):
    """A refused bundle: English for logs, Japanese for people; `line` is 1-based when known."""

    def __init__(self, message: str, message_ja: str, line: int | None = None):
        where = f"line {line}: " if line else ""
        super().__init__(where + message)
        self.message_ja = (f"{line}行目: " if line else "") + message_ja
        self.line = line


def canonical(obj) -> bytes:
    """The one byte form of a record: sorted keys, UTF-8, no spaces (what hashes and lines use)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Citation:
    """A basis in a form every prefecture can resolve: e-Gov law ID + article/項, or (for a
    prefectural rule or notice) the source's own document title + its section."""
    label: str
    law_id: str = ""
    title: str = ""
    article: str = ""          # e-Gov style: "3", "3_2" (第3条の2)
    paragraph: str = ""        # 項: "6"
    section: str = ""          # the source's own section id when it is not an article

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}

    @classmethod
    def from_json(cls, raw) -> Citation:
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise ValueError("citation must be an object of strings")
        known = {k: raw[k] for k in ("label", "law_id", "title", "article", "paragraph", "section") if k in raw}
        c = cls(**{"label": "", **known})
        if not (c.law_id or c.title):
            raise ValueError("citation needs law_id or title")
        return c


_ARTICLE_SECTION = re.compile(r"art-(\d+)((?:-\d+)*?)(?:-p(\d+))?")


def citation_for(key: str, meta: dict, label: str = "") -> Citation:
    """The citation of basis `doc_id#section_id` of a document with front matter `meta`."""
    _, section = split_key(key)
    law_id = law_id_of(meta)
    article = paragraph = other = ""
    m = _ARTICLE_SECTION.fullmatch(section)
    if m:
        article = m.group(1) + m.group(2).replace("-", "_")
        paragraph = m.group(3) or ""
    elif section and section != "preamble":
        other = section
    if not label:
        label = " ".join(x for x in (str(meta.get("title", "")), article_label(article, paragraph)) if x)
    return Citation(label=label, law_id=law_id, title="" if law_id else str(meta.get("title", "")),
                    article=article, paragraph=paragraph, section=other)


def article_label(article: str, paragraph: str = "") -> str:
    """「第3条の2第6項」 from e-Gov style numbers ("3_2", "6")."""
    if not article:
        return ""
    first, *rest = article.split("_")
    return f"第{first}条" + "".join(f"の{r}" for r in rest) + (f"第{paragraph}項" if paragraph else "")


def article_section(c: Citation) -> str:
    """The section id an article citation has in a corpus made by our importer."""
    if not c.article:
        return c.section
    return "art-" + c.article.replace("_", "-")


@dataclass
class SharedCase:
    """One answered inquiry as another prefecture receives it (masked text only)."""
    org: str
    case_id: str
    title: str
    question: str
    answer: str
    category: str
    published: str                    # YYYY-MM-DD
    updated: str                      # ISO 8601 with offset
    tags: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    sample: bool = False              # a fictional sample case (the repository's own)

    def content(self) -> dict:
        return {"org": self.org, "case_id": self.case_id, "title": self.title, "question": self.question,
                "answer": self.answer, "category": self.category, "tags": list(self.tags),
                "published": self.published, "updated": self.updated,
                "citations": [c.to_json() for c in self.citations], "sample": self.sample}

    @property
    def hash(self) -> str:
        return "sha256:" + hashlib.sha256(canonical(self.content())).hexdigest()

    def record(self) -> dict:
        return {"type": "case", "format_version": FORMAT_VERSION, **self.content(), "hash": self.hash}


@dataclass
class Withdrawal:
    """The source no longer shares a case: importers remove it."""
    org: str
    case_id: str
    withdrawn: str                    # ISO 8601 with offset

    def record(self) -> dict:
        return {"type": "withdrawal", "format_version": FORMAT_VERSION, "org": self.org,
                "case_id": self.case_id, "withdrawn": self.withdrawn}


@dataclass
class Bundle:
    org: str
    created: str
    cases: list[SharedCase] = field(default_factory=list)
    withdrawals: list[Withdrawal] = field(default_factory=list)
    fingerprint: str = ""


# -- keys --------------------------------------------------------------------------------------------
def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey) -> str:
    return "SHA256:" + hashlib.sha256(public_key_bytes(key)).hexdigest()[:32]


def now_iso() -> str:
    """Now in JST with its offset (the format's times always carry one)."""
    return dt.datetime.now(JST).isoformat(timespec="seconds")


# -- writing -----------------------------------------------------------------------------------------
def write_bundle(org: str, key: Ed25519PrivateKey, cases: list[SharedCase], withdrawals: list[Withdrawal],
                 since: str | None = None, created: str | None = None) -> bytes:
    """The signed bundle of these records (bytes of UTF-8 JSON Lines)."""
    header = {"type": "bundle", "format": FORMAT, "format_version": FORMAT_VERSION, "org": org,
              "key": fingerprint(key.public_key()), "created": created or now_iso(), "since": since,
              "cases": len(cases), "withdrawals": len(withdrawals)}
    lines = [canonical(header)] + [canonical(c.record()) for c in cases] + [canonical(w.record()) for w in withdrawals]
    body = b"\n".join(lines) + b"\n"
    signature = {"type": "signature", "alg": "Ed25519", "key": header["key"],
                 "value": base64.b64encode(key.sign(body)).decode("ascii")}
    return body + canonical(signature) + b"\n"


# -- reading -----------------------------------------------------------------------------------------
def _json_line(raw: bytes, n: int) -> dict:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ExchangeError("not a JSON object", "JSON として読めません。", n) from None
    if not isinstance(obj, dict):
        raise ExchangeError("not a JSON object", "JSON のオブジェクトではありません。", n)
    return obj


def _version(obj: dict, n: int) -> None:
    v = obj.get("format_version")
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise ExchangeError("format_version missing or not a positive integer",
                            "format_version（形式の版）がありません。", n)
    if v > FORMAT_VERSION:
        raise ExchangeError(f"format version {v} is newer than this system reads ({FORMAT_VERSION}); "
                            "update this system first",
                            f"形式の版 {v} はこのシステムが読める版（{FORMAT_VERSION}）より新しいため取り込めません。"
                            "システムを更新してから取り込んでください。", n)


def read_bundle(data: bytes, trusted: dict[str, Ed25519PublicKey], own_org: str = "") -> Bundle:
    """Verify and parse a bundle; `trusted` maps organisation names to their public keys.
    Raises ExchangeError, and then nothing of the bundle may be used."""
    if not data.strip():
        raise ExchangeError("empty bundle", "バンドルが空です。")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) < 2:
        raise ExchangeError("a bundle has a header line and a signature line at least",
                            "バンドルの形式ではありません（見出し行と署名行がありません）。")
    header = _json_line(lines[0], 1)
    if header.get("type") != "bundle" or header.get("format") != FORMAT:
        raise ExchangeError(f"not a {FORMAT} bundle", "他県事例の共有バンドルではありません。", 1)
    _version(header, 1)
    org = header.get("org")
    if not isinstance(org, str) or not org:
        raise ExchangeError("no organisation in the header", "送り元の組織名がありません。", 1)
    if own_org and org == own_org:
        raise ExchangeError(f"bundle of this organisation ({org})", f"自組織（{org}）のバンドルは取り込めません。", 1)
    key = trusted.get(org)
    if key is None:
        raise ExchangeError(f"unknown signer {org!r}: not a trusted organisation (kb share trust)",
                            f"「{org}」は信頼する組織に登録されていないため、取り込めません（kb share trust で登録します）。", 1)
    sig = _json_line(lines[-1], len(lines))
    if sig.get("type") != "signature" or sig.get("alg") != "Ed25519" or not isinstance(sig.get("value"), str):
        raise ExchangeError("last line is not an Ed25519 signature", "最終行に署名がありません。", len(lines))
    body = b"\n".join(lines[:-1]) + b"\n"
    # name a changed case line first: clearer than "signature does not match"
    records = [_json_line(raw, n) for n, raw in enumerate(lines[1:-1], 2)]
    cases, withdrawals = [], []
    for n, obj in enumerate(records, 2):
        _version(obj, n)
        if obj.get("org") != org:
            raise ExchangeError("record of another organisation than the header's",
                                "見出しと異なる組織の事例が含まれています。", n)
        if obj.get("type") == "case":
            cases.append(_case(obj, n))
        elif obj.get("type") == "withdrawal":
            withdrawals.append(_withdrawal(obj, n))
        else:
            raise ExchangeError(f"unknown record type {obj.get('type')!r}", "不明な種類の行があります。", n)
    try:
        key.verify(base64.b64decode(sig["value"], validate=True), body)
    except (InvalidSignature, ValueError):
        raise ExchangeError(f"signature does not verify with {org}'s trusted key: the bundle was changed "
                            "or signed by another key",
                            f"署名が「{org}」の登録済みの鍵と一致しません。バンドルが改ざんされたか、別の鍵で署名されています。",
                            len(lines)) from None
    if header.get("cases") != len(cases) or header.get("withdrawals") != len(withdrawals):
        raise ExchangeError("record counts differ from the header", "事例の件数が見出しと一致しません。", 1)
    return Bundle(org=org, created=str(header.get("created") or ""), cases=cases, withdrawals=withdrawals,
                  fingerprint=fingerprint(key))


def _text(obj: dict, key: str, n: int, required: bool = True) -> str:
    v = obj.get(key, "")
    if not isinstance(v, str) or (required and not v.strip()) or len(v) > MAX_TEXT:
        raise ExchangeError(f"field {key!r} missing or not text", f"項目 {key} がないか、文字列ではありません。", n)
    return v


def _moment(value: str, key: str, n: int) -> str:
    try:
        moment = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    except ValueError:
        raise ExchangeError(f"{key}: not an ISO 8601 date", f"{key} の日付の形式が正しくありません。", n) from None
    if isinstance(moment, dt.datetime) and moment.tzinfo is None:
        raise ExchangeError(f"{key}: a time needs its UTC offset", f"{key} の時刻に時差（+09:00 など）がありません。", n)
    return value


def _case(obj: dict, n: int) -> SharedCase:
    case_id = _text(obj, "case_id", n)
    if not CASE_ID.fullmatch(case_id):
        raise ExchangeError("case_id: letters, digits, '.', '_', '-'", "事例番号の形式が正しくありません。", n)
    category = _text(obj, "category", n)
    if category not in CATEGORIES:
        raise ExchangeError(f"category {category!r} is not one of {', '.join(CATEGORIES)}",
                            f"分類「{category}」は共通の分類（{'・'.join(CATEGORIES)}）にありません。", n)
    tags, raw_citations = obj.get("tags", []), obj.get("citations", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags) or not isinstance(raw_citations, list):
        raise ExchangeError("tags and citations must be lists", "tags と citations は配列で書きます。", n)
    try:
        citations = [Citation.from_json(c) for c in raw_citations]
    except (TypeError, ValueError) as e:
        raise ExchangeError(f"bad citation: {e}", "根拠の書き方が正しくありません（law_id か title が必要です）。", n) from None
    case = SharedCase(org=obj["org"], case_id=case_id, title=_text(obj, "title", n), question=_text(obj, "question", n),
                      answer=_text(obj, "answer", n), category=category,
                      published=_moment(_text(obj, "published", n), "published", n),
                      updated=_moment(_text(obj, "updated", n), "updated", n), tags=tags, citations=citations,
                      sample=obj.get("sample") is True)
    if obj.get("hash") != case.hash:
        raise ExchangeError(f"content hash of case {case_id} does not match its content (changed after export)",
                            f"事例 {case_id} の内容がハッシュ値と一致しません（書き出し後に変更されています）。", n)
    return case


def _withdrawal(obj: dict, n: int) -> Withdrawal:
    case_id = _text(obj, "case_id", n)
    if not CASE_ID.fullmatch(case_id):
        raise ExchangeError("case_id: letters, digits, '.', '_', '-'", "事例番号の形式が正しくありません。", n)
    return Withdrawal(org=obj["org"], case_id=case_id, withdrawn=_moment(_text(obj, "withdrawn", n), "withdrawn", n))


def moment_key(value: str) -> dt.datetime:
    """An ISO date or time as an aware datetime (a date is its midnight in JST), for comparisons."""
    if len(value) == 10:
        d = dt.date.fromisoformat(value)
        return dt.datetime(d.year, d.month, d.day, tzinfo=JST)
    return dt.datetime.fromisoformat(value.upper())     # RFC 3339 allows a lower-case t and z
