"""Article citations in Japanese text and queries: 警職法2条, 道交法第百二十五条, 規則第5条第1項, 前条.

Parsing only: which law a name stands for is resolved by the caller (the search dictionary's law
aliases, document titles, and names a document defines for itself with 「以下「規則」という。」).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kb.numerals import NUMERAL, parse_number

_NUM = NUMERAL
# 第3条 / 3条 / 第三条の二 / 第5条第1項第2号 ; 附則第2条
ARTICLE = re.compile(
    rf"(?P<suppl>附則)?第?(?P<art>{_NUM})条(?P<branch>(?:[のノ]{_NUM})*)"
    rf"(?:第?(?P<para>{_NUM})項)?(?:第?(?P<item>{_NUM})号)?")
# 前条 / 次条 / 前項 / 前2項 / 前二項 / 同条
RELATIVE = re.compile(rf"(?P<rel>前|次|同)(?P<count>{_NUM})?(?P<unit>条|項)")
# 通達の記: 記2(1)ア / 記 1 (2)
NOTICE_ITEM = re.compile(r"記\s*(?P<n1>[0-9０-９]+)\s*(?:[\(（](?P<n2>[0-9０-９]+)[\)）])?\s*(?P<kana>[ア-ン])?")
# A defined short name: 地域警察運営規則（昭和44年…。以下「規則」という。）
# e-Gov law IDs: era+year (3 digits), the kind of law (AC, CO, M, …) and a serial: 15 characters
LAW_ID = re.compile(r"(?<![0-9A-Z])(?=[0-9A-Z]{15}(?![0-9A-Z]))(\d{3}[A-Z]{1,2}\d{10,11})")
DEFINED_NAME = re.compile(r"(?P<full>[^\s、。「」（）()]{2,40}?)[（(][^（）()]*?以下「(?P<short>[^」]{1,20})」という。?[）)]")

KANA_ROMAN = dict(zip("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン",
                      "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho "
                      "ma mi mu me mo ya yu yo ra ri ru re ro wa wo n".split(), strict=True))


@dataclass
class ArticleRef:
    start: int
    end: int
    article: str                 # "3", "12-2"
    paragraph: int | None = None
    item: int | None = None
    supplementary: bool = False

    @property
    def anchor(self) -> str:
        return ("suppl-art-" if self.supplementary else "art-") + self.article

    @property
    def label(self) -> str:
        s = ("附則" if self.supplementary else "") + "第" + self.article.replace("-", "条の", 1).replace("-", "の")
        s = s if "条" in s else s + "条"
        if self.paragraph:
            s += f"第{self.paragraph}項"
        if self.item:
            s += f"第{self.item}号"
        return s


def _num(s: str | None) -> int | None:
    return parse_number(s) if s else None


def find_articles(text: str) -> list[ArticleRef]:
    """Every article citation in the text, with offsets into it."""
    refs = []
    for m in ARTICLE.finditer(text):
        art = str(parse_number(m.group("art")))
        branches = [str(parse_number(b)) for b in re.findall(rf"[のノ]({_NUM})", m.group("branch") or "")]
        refs.append(ArticleRef(m.start(), m.end(), "-".join([art] + branches), _num(m.group("para")),
                               _num(m.group("item")), bool(m.group("suppl"))))
    return refs


def find_notice_item(text: str) -> str | None:
    """The anchor of a 通達 item named in the text (記2(1)ア → ki-2-1-a), or None."""
    m = NOTICE_ITEM.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    parts = ["ki", str(int(m.group("n1")))]
    if m.group("n2"):
        parts.append(str(int(m.group("n2"))))
        if m.group("kana") and m.group("kana") in KANA_ROMAN:
            parts.append(KANA_ROMAN[m.group("kana")])
    return "-".join(parts)


def defined_names(text: str) -> dict[str, str]:
    """Short names a document defines for other documents: {"規則": "地域警察運営規則"}."""
    out = {}
    for m in DEFINED_NAME.finditer(text):
        full = re.sub(r"^.*[はのをに、]", "", m.group("full"))
        out[m.group("short")] = full
    return out


def law_id_of(meta: dict) -> str:
    """The e-Gov law ID of a law document (its `law_id:` field, or the one its source line names)."""
    if meta.get("law_id"):
        return str(meta["law_id"])
    m = LAW_ID.search(str(meta.get("source") or "")) if meta.get("kind") == "law" else None
    return m.group(1) if m else ""
