"""The last scan before an inquiry is published: what must never be published unmasked.

The final masked text (title, question, answer) is scanned once more with the anonymiser's number
and address patterns. Publishing is refused while a phone number, vehicle plate, e-mail address,
〒 code, ID or account number, or an address down to the block (番地, or 丁目 with a number after it)
remains; the desk may override only with a written reason, which the audit log keeps.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kb import pii_patterns as P
from kb.anonymize import MASK_LABELS, analyse

# What the gate stops, with the word the refusal uses.
GATE_TYPES = {"phone": "電話番号", "plate": "車両番号", "email": "メールアドレス", "postal_code": "郵便番号",
              "id_number": "個人番号等", "account": "口座番号", "address": "番地・丁目までの住所"}
_BLOCK_ADDRESS = re.compile(r"番地|丁目\s?(?:[0-9〇一二三四五六七八九十]+\s?(?:番|-)|[0-9]+-)|[0-9]+-[0-9]+-[0-9]+")
MIN_REASON_CHARS = 10


@dataclass(frozen=True)
class Leak:
    """Personal data still readable in the text that would be published."""
    type: str
    text: str

    @property
    def label(self) -> str:
        return GATE_TYPES.get(self.type, MASK_LABELS.get(self.type, self.type))


def leaks(text: str) -> list[Leak]:
    """Phones, plates, e-mails, 〒 codes, ID and account numbers and block addresses left in `text`."""
    if not text:
        return []
    found: list[Leak] = []
    for span in analyse(text, use_ner=False).spans:
        if span.type == "address" and not _BLOCK_ADDRESS.search(P.fold(span.text)):
            if P.POSTAL_CODE.search(P.fold(span.text)):
                found.append(Leak("postal_code", span.text))
            continue
        if span.type in GATE_TYPES:
            found.append(Leak(span.type, span.text))
    covered = {lk.text for lk in found}
    for m in P.POSTAL_CODE.finditer(P.fold(text)):
        if not any(text[m.start():m.end()] in c for c in covered):
            found.append(Leak("postal_code", text[m.start():m.end()]))
    return list(dict.fromkeys(found))


def refusal_ja(found: list[Leak]) -> str:
    """The refusal the desk reads: what was found, and what to do."""
    items = "、".join(f"{lk.label}「{lk.text}」" for lk in found[:6]) + ("ほか" if len(found) > 6 else "")
    return (f"公開できません。伏せられていない個人情報があります：{items}。"
            "「見落とした語句」に入力して伏せてから公開してください。"
            f"伏せずに公開する必要がある場合は、理由（{MIN_REASON_CHARS}文字以上）を書いて公開してください（監査ログに記録されます）。")
