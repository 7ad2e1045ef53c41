"""The editor's front-matter form: a document file split into form fields, and put back together.

Fields the form does not know (source, allowed, an inquiry's basis …) travel as a small YAML text
of their own so nothing is lost. When the fields mean the same as before, the original front-matter
lines are kept byte for byte, so a body-only edit shows a body-only diff.
"""
from __future__ import annotations

import datetime as dt
import re

import yaml

from kb.document import (
    CONFIDENTIALITY,
    DEFAULTS,
    KINDS,
    STATUSES,
    DocumentError,
    load_front_matter_yaml,
    normalize_meta,
    split_front_matter,
    yaml_error_ja,
)

# (key, label, type) in the order they are written into new front matter.
FORM_FIELDS = (
    ("id", "文書ID", "text"),
    ("title", "題名", "text"),
    ("kind", "種別", "choice"),
    ("number", "番号", "text"),
    ("issuer", "発出者", "text"),
    ("promulgated", "公布日", "date"),
    ("effective_from", "施行日", "date"),
    ("effective_until", "有効期限", "date"),
    ("status", "状態", "choice"),
    ("supersedes", "この文書が置き換える文書", "list"),
    ("superseded_by", "後継の文書", "text"),
    ("department", "所管", "text"),
    ("owner", "担当者", "text"),
    ("review_by", "見直し期限", "date"),
    ("confidentiality", "公開範囲", "choice"),
    ("tags", "タグ", "list"),
)
FIELD_KEYS = tuple(k for k, _, _ in FORM_FIELDS)
FIELD_TYPES = {k: t for k, _, t in FORM_FIELDS}
FIELD_LABELS = {k: label for k, label, _ in FORM_FIELDS}
CHOICES = {"kind": KINDS, "status": STATUSES, "confidentiality": CONFIDENTIALITY}
STATUS_LABELS = {"in_force": "施行中", "repealed": "廃止", "superseded": "置き換え済み"}
CONFIDENTIALITY_LABELS = {"public": "公開", "internal": "部内限り", "restricted": "限定"}
# Tags are typed on one line (職務質問、同行); a citation may hold commas, so supersedes takes one per line.
_LIST_SPLIT = {"tags": re.compile(r"[,、，\n]+"), "supersedes": re.compile(r"\n+")}
DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,99}")


class FormError(DocumentError):
    """A field the maintainer filled in wrongly; `field` names it for the form."""

    def __init__(self, field: str, message: str, message_ja: str):
        super().__init__(f"{field}: {message}", message_ja)
        self.field = field


def split_document(text: str) -> tuple[dict, str, str]:
    """(form values as strings, extra front matter as YAML text, body) of a document file."""
    raw, body, _ = split_front_matter(text)
    values = {k: _as_form_value(k, raw.get(k), FIELD_TYPES[k]) for k in FIELD_KEYS}
    extra = {k: v for k, v in raw.items() if k not in FIELD_KEYS}
    return values, dump_yaml(extra) if extra else "", body


def _as_form_value(key: str, value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "list":
        sep = "\n" if key == "supersedes" else "、"
        return sep.join(str(v) for v in ([value] if isinstance(value, str) else value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def parse_form(form, today: dt.date | None = None) -> dict:
    """Typed front-matter values from the submitted form (a Mapping of strings)."""
    out = {}
    for key, label, kind in FORM_FIELDS:
        text = (form.get(key) or "").strip()
        if kind == "list":
            out[key] = [v.strip() for v in _LIST_SPLIT[key].split(text) if v.strip()]
        elif kind == "date":
            try:
                out[key] = dt.date.fromisoformat(text) if text else None
            except ValueError:
                raise FormError(key, f"not an ISO date: {text!r}",
                                f"{label}は YYYY-MM-DD の形で入力してください") from None
        elif kind == "choice":
            if text and text not in CHOICES[key]:
                raise FormError(key, f"unknown value {text!r}", f"{label}の値が正しくありません")
            out[key] = text or None
        else:
            out[key] = text or None
    if not out["status"]:
        out["status"] = "in_force"
    if not out["confidentiality"]:
        out["confidentiality"] = "public"
    until = out["effective_until"]
    if out["status"] == "in_force" and until and until < (today or dt.date.today()):
        # `kb check` (run in CI) refuses an expired document that still says in force
        raise FormError("status", f"effective_until {until} has passed but status is in_force",
                        "有効期限が過ぎています。状態を「廃止」か「置き換え済み」にするか、有効期限を直してください")
    return out


def parse_extra(extra_yaml: str) -> dict:
    """The other front-matter fields (YAML mapping) typed in the form's extra box."""
    if not (extra_yaml or "").strip():
        return {}
    try:
        extra = load_front_matter_yaml(extra_yaml)
    except yaml.YAMLError as e:
        raise FormError("extra", f"malformed YAML in the other fields: {type(e).__name__}",
                        "「その他の項目」: " + yaml_error_ja(e)) from None
    if extra is None:
        return {}
    if not isinstance(extra, dict):
        raise FormError("extra", "other fields are not a mapping",
                        "「その他の項目」は「項目: 値」の形で書いてください")
    clash = [k for k in extra if k in FIELD_KEYS]
    if clash:
        raise FormError("extra", f"form fields repeated in the other fields: {clash}",
                        f"「その他の項目」にフォームの項目（{', '.join(clash)}）は書けません")
    return {str(k): v for k, v in extra.items()}


def compose_document(fields: dict, body: str, extra: dict | None = None, base_text: str | None = None) -> str:
    """A document file from typed form fields, the other fields and the Markdown body.

    With `base_text` (the revision the edit started from) the original key order is kept, fields
    it had stay even when emptied, and its front-matter lines are reused verbatim when nothing in
    them changed meaning.
    """
    extra = dict(extra or {})
    body = normalize_newlines(body)
    base_raw, base_block = {}, None
    if base_text is not None:
        base_raw, _, _ = split_front_matter(base_text)
        base_block = base_text[:len(base_text) - len(split_front_matter(base_text)[1])]
    meta: dict = {}
    for key in base_raw:
        if key in FIELD_KEYS:
            meta[key] = _empty(key) if fields.get(key) is None else fields[key]
        elif key in extra:
            meta[key] = extra.pop(key)
    for key in FIELD_KEYS:
        if key not in meta and fields.get(key) not in (None, "", []):
            meta[key] = fields[key]
    meta.update(extra)
    if base_block is not None and _same_meaning(meta, base_raw):
        head = base_block
    else:
        head = f"---\n{dump_yaml(meta)}---\n"
    if not body.startswith("\n"):
        body = "\n" + body
    return head + body


def set_fields(text: str, changes: dict) -> str:
    """The same document with some front-matter fields set (other lines and the body kept)."""
    raw, body, _ = split_front_matter(text)
    meta = dict(raw)
    meta.update(changes)
    return f"---\n{dump_yaml(meta)}---\n" + body


def _empty(key: str):
    """How an emptied field is written: as the default of kb.document (\"\", [] or null)."""
    if FIELD_TYPES.get(key) == "list":
        return []
    return DEFAULTS.get(key, None)


def _same_meaning(a: dict, b: dict) -> bool:
    """Equal after defaults and date parsing, with null, \"\" and [] all meaning empty."""
    def canon(meta):
        return {k: v for k, v in normalize_meta(dict(meta)).items() if v not in (None, "", [])}
    try:
        return canon(a) == canon(b)
    except DocumentError:
        return False


def normalize_newlines(text: str) -> str:
    """Browsers send CRLF from a textarea; files use LF and end with one."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def new_document_template(kind: str = "manual") -> dict:
    """Form values and body for the 新規作成 page."""
    values = {k: "" for k in FIELD_KEYS}
    values.update(kind=kind, status="in_force", confidentiality="public")
    return values
