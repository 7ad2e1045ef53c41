"""Laws and rules a query names that the corpus does not hold (遺失物法4条 → 遺失物法).

A name is a run of kanji/katakana ending in 法, 条例, 規則, 規程, 規範 or 施行令; 規則・規程・規範
count only before an article number (就業規則 alone is an ordinary word). Words that end in 法
without naming a law (方法, 違法, 憲法違反 …) are listed below; a name the corpus holds, by title
or short name, is never reported.
"""
from __future__ import annotations

import re
import unicodedata

from indexer.refs import LawNames, norm
from kb.numerals import NUMERAL

_NAME = re.compile(rf"(?P<name>[一-龥々ァ-ヺー・A-Za-z]{{1,30}}?(?:施行令|施行規則|条例|法|規則|規程|規範))"
                   rf"(?=(?P<article>\s*第?{NUMERAL}条)?)")
_NEEDS_ARTICLE = ("規則", "規程", "規範")
# Words ending in 法 that name no law (method, legality, the branches of state, kinds of law).
NOT_A_LAW = {
    "方法", "違法", "適法", "合法", "不法", "脱法", "手法", "用法", "文法", "製法", "寸法", "作法",
    "司法", "立法", "便法", "療法", "算法", "戦法", "論法", "技法", "筆法", "兵法", "話法", "減法",
    "加法", "除法", "乗法", "工法", "農法", "魔法", "説法", "仏法", "法", "国法", "悪法", "新法",
    "旧法", "本法", "同法", "他法", "特別法", "一般法", "実体法", "手続法", "公法", "私法", "刑罰法",
    "法令", "憲法違反", "違法性", "現行法", "改正法", "関係法", "各法", "両法", "前法", "後法",
}
_NUMBERED = re.compile(rf"^{NUMERAL}$")


def missing_laws(text: str, names: LawNames) -> list[str]:
    """Names of laws or rules in the query that no document of the corpus has (in order, once)."""
    text = unicodedata.normalize("NFKC", text)
    known = names.find_all(text)
    out: list[str] = []
    for m in _NAME.finditer(text):
        name, start, end = m.group("name"), m.start("name"), m.end("name")
        if (name in NOT_A_LAW or len(name) < 2 or _NUMBERED.match(name[:-1])
                or (name.endswith(_NEEDS_ARTICLE) and not m.group("article"))):
            continue
        if any(s <= start and end <= e for s, e in known) or norm(name) in names.by_name:
            continue
        if name not in out:
            out.append(name)
    return out
