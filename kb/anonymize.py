"""Find and mask personal information in Japanese inquiry texts before the desk publishes them.

`anonymize(text)` returns the masked text and the spans it masked; `mask(text, spans)` applies any
span list (the review UI calls it after the user has masked or unmasked spans by hand).

Span types follow the evaluation data (`pii_dev.jsonl`); the issue's names are accepted as aliases:
``bank_account`` → ``account``, ``workplace`` → ``org_identifying``.

Detection is rules, not a model: Sudachi part-of-speech tags (人名・地名) and the words around a
name (さん, 容疑者, 巡査部長, 氏名は …) for persons; pattern families for numbers (phone, plate,
ID, account, dates of birth, ages, addresses); context for workplaces and schools. What an answer
needs stays: law articles, police units, event dates and times, amounts, generic places.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from kb import ner, pii_model
from kb import pii_patterns as P
from kb.sudachi import MODE_C, also_a_name, chunks, dictionary, is_unknown, tokenize

TYPES = ("person", "address", "phone", "email", "plate", "birthdate", "age", "id_number", "account",
         "org_identifying")
TYPE_ALIASES = {"bank_account": "account", "workplace": "org_identifying", "name": "person"}

MASK_LABELS = {
    "person": "氏名",
    "address": "住所",
    "phone": "電話番号",
    "email": "メールアドレス",
    "plate": "車両番号",
    "birthdate": "生年月日",
    "age": "年齢",
    "id_number": "個人番号等",
    "account": "口座番号",
    "org_identifying": "勤務先等",
}

# When two candidates overlap, the lower rank wins (then the longer one).
_RANK = {"email": 0, "id_number": 1, "account": 1, "phone": 2, "plate": 2, "birthdate": 3, "address": 4,
         "org_identifying": 5, "age": 6, "person": 7}



@dataclass(frozen=True, order=True)
class PiiSpan:
    """A stretch of the input text holding personal information; offsets index the input."""

    start: int
    end: int
    type: str
    text: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "type": self.type, "text": self.text}


@dataclass
class Anonymized:
    """The masked text, the spans of the input that were masked (sorted, non-overlapping), and the
    uncertain ones (「要確認」) left for the reviewer to decide, which the text does not mask."""

    text: str
    spans: list[PiiSpan] = field(default_factory=list)
    review: list[PiiSpan] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"text": self.text, "spans": [s.to_dict() for s in self.spans],
                "review": [s.to_dict() for s in self.review]}


@dataclass
class Detection:
    """What `analyse` finds: confident spans to mask and uncertain ones for the reviewer."""

    spans: list[PiiSpan]
    review: list[PiiSpan]


class _Tok(NamedTuple):
    s: str
    b: int
    e: int
    pos: tuple

    @property
    def is_name(self) -> bool:
        return self.pos[2] == "人名"

    @property
    def is_surname(self) -> bool:
        return self.pos[2] == "人名" and self.pos[3] == "姓"

    @property
    def is_place(self) -> bool:
        return self.pos[2] == "地名"

    @property
    def is_proper(self) -> bool:
        return self.pos[1] == "固有名詞"

    @property
    def is_noun(self) -> bool:
        return self.pos[0] in ("名詞", "接尾辞", "接頭辞") and self.pos[1] != "数詞"

    @property
    def is_space(self) -> bool:
        return self.pos[0] == "空白"

    @property
    def is_oov(self) -> bool:
        return self.pos[-1] == "oov"


_KATAKANA = re.compile(r"^[ァ-ヶー]+$")
_NAME_CHARS = re.compile(r"^[一-龥々ヶぁ-ゖァ-ヶー・ 　]+$")
_KANJI_WORD = re.compile(r"^[一-龥々ヶ]+$")
# words for a line of business: not a name on their own (運送 and 建設 are in P.ORG_GENERIC), but the end
# of a company's name next to its marker (株式会社岡南建設, 吉備南運送株式会社)
_LINE_OF_BUSINESS = frozenset("建設 運送 不動産 自動車 産業 物流 運輸 工業 商事 電機".split())
_LINE_OF_BUSINESS_WORDS = tuple(sorted(_LINE_OF_BUSINESS))
_BLOCK_WORD = re.compile(r"^(?:" + P.KNUM + r"+丁目|丁目|番地|番|号)")


# ============================================================================ public API

def anonymize(text: str) -> Anonymized:
    """Detect personal information in `text` and mask the confident spans."""
    found = analyse(text)
    return Anonymized(mask(text, found.spans), found.spans, found.review)


def detect(text: str) -> list[PiiSpan]:
    """The confident personal-information spans of `text`: sorted, non-overlapping, offsets into `text`."""
    return analyse(text).spans


def analyse(text: str, use_ner: bool = True, use_tagger: bool = True) -> Detection:
    """Confident and uncertain personal-information spans of `text` (offsets into `text`)."""
    if not text:
        return Detection([], [])
    folded = P.fold(text)
    toks = tokens_of(text)
    cands: list[tuple[int, int, str]] = []
    cands += _emails(folded)
    cands += _ids(folded)
    cands += _accounts(folded)
    cands += _phones(folded)
    cands += _plates(folded)
    cands += _birthdates(folded)
    cands += _ages(folded)
    cands += _addresses(text, folded, toks)
    cands += _organisations(text, folded, toks)
    cands += _persons(text, folded, toks)
    kin_sure, kin_unsure = _named_after_kin(text, toks)
    cands += kin_sure
    unsure: list[tuple[int, int, str]] = list(kin_unsure)
    if use_tagger:
        sure_tagged, unsure_tagged = _tagged(text, toks, _resolve(list(cands)))
        cands += sure_tagged
        unsure += unsure_tagged
    if use_ner:
        sure_ner, unsure_ner = _ner_persons(text, toks, _resolve(list(cands)))
        cands += sure_ner
        unsure += unsure_ner
    cands += _labelled_ids(folded, cands)
    chosen = _resolve(cands)
    chosen = _join_postal_codes(folded, chosen)
    chosen = _propagate_persons(text, toks, chosen)
    chosen = _propagate_organisations(text, chosen)
    chosen = _resolve(chosen + _readings_and_ages(text, folded, chosen))
    chosen = _propagate_persons(text, toks, chosen)
    review = _uncertain(text, folded, toks, chosen, unsure)
    return Detection([PiiSpan(b, e, t, text[b:e]) for b, e, t in chosen],
                     [PiiSpan(b, e, t, text[b:e]) for b, e, t in review])


def mask(text: str, spans: Iterable) -> str:
    """`text` with each span replaced by a label such as 〔氏名A〕 or 〔電話番号〕.

    Accepts PiiSpan objects or dicts with start/end/type (as the review UI sends them); overlapping
    spans are merged into the first one, out-of-range spans are clipped. The same person (same name,
    or a surname-only mention of an earlier full name) gets the same letter within the text.
    """
    norm = []
    for s in spans:
        if isinstance(s, dict):
            b, e, t = int(s["start"]), int(s["end"]), str(s.get("type", ""))
        else:
            b, e, t = int(s.start), int(s.end), str(s.type)
        b, e = max(0, b), min(len(text), e)
        if b < e:
            norm.append((b, e, TYPE_ALIASES.get(t, t)))
    norm.sort(key=lambda x: (x[0], -x[1]))
    merged: list[tuple[int, int, str]] = []
    for b, e, t in norm:
        if merged and b < merged[-1][1]:
            pb, pe, pt = merged[-1]
            merged[-1] = (pb, max(pe, e), pt)
            continue
        merged.append((b, e, t))
    letters = _person_letters([text[b:e] for b, e, t in merged if t == "person"])
    out, pos = [], 0
    for b, e, t in merged:
        out.append(text[pos:b])
        label = MASK_LABELS.get(t, "個人情報")
        if t == "person":
            label += letters[_name_key(text[b:e])]
        out.append(f"〔{label}〕")
        pos = e
    out.append(text[pos:])
    return "".join(out)


def run_batch(lines: Iterable[str]) -> list[dict]:
    """Anonymise one text per line: plain text, or a JSON object with "text" (other keys are kept)."""
    results = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        record: dict = {}
        text = line
        if line.lstrip().startswith("{"):
            try:
                record = json.loads(line)
                text = str(record.get("text", ""))
            except json.JSONDecodeError:
                record, text = {}, line
        extra = {k: v for k, v in record.items() if k not in ("text", "spans")}
        results.append({**extra, **anonymize(text).to_json()})
    return results


# ============================================================================ letters for persons

def _name_key(name: str) -> str:
    return re.sub(r"[\s　・]", "", name)


def _person_letters(names: list[str]) -> dict[str, str]:
    """A letter per distinct person; a name that starts a longer, earlier-or-later full name shares its
    letter, and so does a given name alone that ends exactly one full name (剛 → 前川 剛)."""
    keys = list(dict.fromkeys(_name_key(n) for n in names))
    ordered = sorted(keys)
    given_of: dict[str, list[str]] = {}
    for n in names:
        parts = re.split(r"[\s　・]+", n.strip())
        if len(parts) >= 2:
            given_of.setdefault(parts[-1], []).append(_name_key(n))
    canon: dict[str, str] = {}
    for k in keys:
        lo, hi = bisect_left(ordered, k), bisect_left(ordered, k + "\U0010ffff")
        longer = [o for o in ordered[lo:hi] if o != k]
        if not longer:
            # a given name alone: the full names written with it as their last part (前川 剛),
            # or ending in it after a surname of two or more characters (中村勇気)
            longer = list(dict.fromkeys(given_of.get(k, []) + [
                o for o in keys if o.endswith(k) and len(o) >= len(k) + 2 and o not in given_of.get(k, [])]))
        # a surname or given name shared by two different full names stays its own person
        canon[k] = longer[0] if len(longer) == 1 else k
    for k in keys:  # follow chains (佐藤 → 佐藤健 → 佐藤健一)
        seen = {k}
        while canon[canon[k]] != canon[k] and canon[canon[k]] not in seen:
            seen.add(canon[k])
            canon[k] = canon[canon[k]]
    order = list(dict.fromkeys(canon[k] for k in keys))
    letter_of = {c: _letter(i) for i, c in enumerate(order)}
    return {k: letter_of[canon[k]] for k in keys}


def _letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(ord("A") + r) + s
    return s


# ============================================================================ tokens

def tokens_of(text: str) -> list[_Tok]:
    """Sudachi words (mode C) of `text` with their offsets and part of speech (OOV flagged)."""
    toks: list[_Tok] = []
    for base, chunk in chunks(text):
        for m in tokenize(chunk, MODE_C):
            pos = tuple(m.part_of_speech()) + (("oov",) if is_unknown(m) else ())
            toks.append(_Tok(m.surface(), base + m.begin(), base + m.end(), pos))
    return toks


# ============================================================================ pattern families

def _emails(f: str):
    return [(m.start(), m.end(), "email") for m in P.EMAIL.finditer(f)]


def _phones(f: str):
    out = _numbered_phones(f, f)
    # read aloud in kanji digits: 〇九〇・四四一七・二二八三, 〇八六（二三四）五六七八
    if "〇" in f:                      # a number read aloud starts with 〇
        out += [x for x in _numbered_phones(P.kanji_digits(f), f) if "〇" in f[x[0]:x[1]]]
    if P.SPOKEN_GROUPS.search(f):      # groups joined by の or dots: 022の271の5590, 080.1234.5678
        out += [x for x in _numbered_phones(P.spoken_groups(f), f) if re.search(r"[の.・]", f[x[0]:x[1]])
                and "局番" not in f[max(0, x[0] - 6):x[0]]]             # 市外局番は086・0862・0863: a list
    for m in P.INTL_PHONE.finditer(f):
        if 8 <= len(re.sub(r"[^0-9]", "", m.group())) <= 15:
            out.append((m.start(), _extension_end(f, m.end()), "phone"))
    return out


def _numbered_phones(digits_text: str, f: str):
    """Phone numbers PHONE finds in `digits_text` (f, or f with kanji digits as digits), as spans of f."""
    out = []
    for m in P.PHONE.finditer(digits_text):
        s = m.group()
        digits = re.sub(r"[^0-9]", "", s)
        if s.startswith("+81"):
            ok = 9 <= len(digits) - 2 <= 10
        else:
            ok = digits.startswith("0") and len(digits) in (10, 11) and not digits.startswith("00")
            if ok and not re.search(r"[ ()-]", s):
                # an unseparated run of digits is a phone number only if it looks like one
                ok = bool(re.match(r"0(?:[789]0|120|[1-9])", digits))
        if ok:
            b, e = m.start(), m.end()
            if digits_text[b] == "(" and ")" not in s:
                b += 1
            out.append((b, _extension_end(f, e), "phone"))
    return out


def _extension_end(f: str, e: int) -> int:
    """The end of a phone number including an extension written after it: 086-955-3120（内線214）."""
    m = P.EXTENSION.match(f, e)
    return m.end() if m else e


def _plates(f: str):
    out = []
    for m in P.PLATE.finditer(f):
        b = m.start()
        region = m.group("region")
        if region not in P.PLATE_REGION_SET:
            known = [r for r in P.PLATE_REGIONS if region.endswith(r)]
            if known:
                b = m.start() + len(region) - len(known[0])
            elif len(region) > 3:
                continue
        out.append((b, m.end(), "plate"))
    # mopeds carry the city's plate: 真庭市あ3321, 岡山市南 か 4409
    out += [(m.start(), m.end(), "plate") for m in P.MOPED_PLATE.finditer(f)]
    out += [(m.start(), m.end(), "plate") for m in P.PLATE_NO_CLASS.finditer(f)]
    out += [(m.start("plate"), m.end("plate"), "plate") for m in P.PLATE_LABELLED.finditer(f)]
    return out


def _birthdates(f: str):
    out = []
    for m in P.DATE.finditer(f):
        after = f[m.end():m.end() + 4]
        before = f[max(0, m.start() - 12):m.start()]
        if P.BIRTH_AFTER.match(after) or P.BIRTH_BEFORE.search(before):
            out.append((m.start(), m.end(), "birthdate"))
    return out


_RANGE_MARK = r"[ 　]?(?:[～〜~\-－]|から)[ 　]?"
_BAND_BEFORE = re.compile(r"[0-9一二三四五六七八九十][歳才]?" + _RANGE_MARK + "$")
_BAND_AFTER = re.compile(_RANGE_MARK + r"[0-9一二三四五六七八九十]+[歳才]?")


def _in_a_band(f: str, b: int, e: int) -> bool:
    """An age that opens or closes a range (16～24歳, 25歳から64歳) is a band, unless the range is a
    guess at someone's age (20～30歳くらい)."""
    if P.AGE_ABOUT.match(f, e) or P.AGE_ABOUT.match(f, _band_end(f, e)):
        return False
    return bool(_BAND_BEFORE.search(f, max(0, b - 6), b) or _BAND_AFTER.match(f, e))


def _band_end(f: str, e: int) -> int:
    """Where the range that `e` opens ends (16歳～24歳: after 24歳), else e."""
    m = _BAND_AFTER.match(f, e)
    return m.end() if m else e


def _ages(f: str):
    out = []
    for m in P.AGE.finditer(f):
        before = f[max(0, m.start() - 3):m.start()]
        if _in_a_band(f, m.start(), m.end()):
            continue  # 16～24歳, 25歳から64歳: a band (but 20～30歳くらい is someone's guessed age)
        if before.endswith("満") and re.match(r"(?:に|の者|以)", f[m.end():m.end() + 3]):
            continue  # 満20歳に達した者: a legal threshold
        if not re.match(r"[0-9]", m.group()):
            # 十九歳 in kanji is nearly always a legal threshold; mask it only inside （…） or after 年齢・当時,
            # or before words that make it someone's (十五歳と分かり, 三十歳位), or after whose word it is (本人によれば五歳)
            said = bool(re.search(r"(?:(?:本人|母親|父親|家族|保護者|同人)(?:によれば|によると|いわく)|自称|推定)[、 ]?$",
                                  f[max(0, m.start() - 10):m.start()]))
            bracketed = said or bool(re.search(r"(?:年齢|当時|[（(])[はがの：:]?$", before)) \
                and bool(re.match(r"[）)、,]", f[m.end():m.end() + 1])) and not f[m.end():m.end() + 3].startswith("、政令")
            if not bracketed and (before.endswith("満") or not P.PERSONAL_AGE_AFTER.match(f, m.end())):
                continue                 # 満十八歳と判明した時点で: the line, said of anyone
        about = P.AGE_ABOUT.match(f, m.end())
        b = m.start() - 1 if before.endswith("満") else m.start()      # 満87歳: 満 is part of the age said
        out.append((b, about.end() if about else m.end(), "age"))
    out += [(m.start("age"), m.end("age"), "age") for m in P.AGE_AFTER_LABEL.finditer(f)]
    out += [(m.start("age"), m.end("age"), "age") for m in P.AGE_AFTER_PERSON_WORD.finditer(f)]
    out += [(m.start(), m.end(), "age") for m in P.AGE_INFANT.finditer(f)]
    return out


def _ids(f: str):
    out = []
    for m in P.ID_CONTEXT.finditer(f):
        b, e = m.span("id")
        while e > b and f[e - 1] in " -":
            e -= 1
        out.append((b, e, "id_number"))
    out += [(m.start("id"), m.end("id"), "id_number") for m in P.SNS_ID.finditer(f)]
    out += [(m.start(), m.end(), "id_number") for m in P.HANDLE.finditer(f)]
    out += [(m.start("id"), m.end("id"), "id_number") for m in P.QUOTED_HANDLE.finditer(f)]
    out += [(m.start("id"), m.end("id"), "id_number") for m in P.USER_ID.finditer(f)]
    for rx in (P.RESIDENCE_CARD, P.PASSPORT):
        out += [(m.start(), m.end(), "id_number") for m in rx.finditer(f)]
    for m in P.TWELVE_DIGITS.finditer(f):
        if P.my_number_valid(re.sub(r"[^0-9]", "", m.group())) \
                or P.MY_NUMBER_CONTEXT.search(f, max(0, m.start() - 40), m.start()):
            out.append((m.start(), m.end(), "id_number"))
    return out


def _labelled_ids(f: str, found: list[tuple[int, int, str]]):
    """Numbers whose label says they are a person's (患者番号 P-00917) that no rule of a known kind
    (phone, account, licence ...) or trained model has taken."""
    out = []
    for m in P.LABELLED_ID.finditer(f):
        b, e = m.span("id")
        if sum(c.isdigit() for c in m.group("id")) < 4 or not P.PERSONAL_NUMBER_LABEL.match(m.group("label")):
            continue
        # free, or holding only a shorter id (保険証の記号番号 33-18・0074291: 33-18 was found first)
        if all(t == "id_number" and b <= sb and se <= e for sb, se, t in found if sb < e and b < se):
            out.append((b, e, "id_number"))
    return out


def _accounts(f: str):
    out = [(m.start("num"), m.end("num"), "account") for m in P.ACCOUNT.finditer(f)]
    for m in P.YUCHO.finditer(f):
        g = "num" if m.group("num") else "num2"
        out.append((m.start(g), m.end(g), "account"))
    return out


# ============================================================================ addresses

def _building_end(f: str, end: int) -> int:
    """The end of the building and room that follow a block number ending at `end`, if any."""
    bm = max((x for x in (P.BUILDING.match(f, end), P.BUILDING_AFTER_NUMBER.match(f, end)) if x),
             key=lambda x: x.end(), default=None)
    if bm and not re.match(r"\s*(?:の|在住|方)", f[end:end + 3]):
        return bm.end()
    if f.startswith("の", end):
        # "3丁目の市道" is where, "3丁目のコーポ若葉102号室" a home: after の, a named building
        # (a building word in its name) and its room
        rm = P.BUILDING_AFTER_NUMBER.match(f, end + 1)
        if rm and rm.group().endswith("号室"):
            return rm.end()
    return end


def _addresses(text: str, f: str, toks: list[_Tok]):
    """A place name followed by a block number (丁目・番地・号, 1-2-3), plus building and room."""
    out = []
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if not t.is_place:
            i += 1
            continue
        # the place: consecutive 地名 tokens and following kanji/kana nouns (表町, 瀬戸)
        j = i
        has_admin = bool(P.ADMIN_UNIT.search(t.s))
        while j + 1 < n:
            nx = toks[j + 1]
            if nx.pos[1] == "数詞" or _BLOCK_WORD.match(nx.s):
                break                  # the block number starts here (四丁目 is one 地名 word to Sudachi)
            if nx.is_place or (nx.is_noun and nx.pos[0] == "名詞" and _NAME_CHARS.match(nx.s)
                               and not P.POLICE_UNIT.search(nx.s) and len(nx.s) <= 6) \
                    or (nx.pos[0] == "接尾辞" and _KANJI_WORD.match(nx.s) and len(nx.s) <= 2):  # 字中|山
                j += 1
                has_admin = has_admin or bool(P.ADMIN_UNIT.search(nx.s))
            else:
                break
        b, e = t.b, toks[j].e
        m = P.ADDRESS_NUMBER.match(f, e)
        if not m and has_admin and P.ADDRESS_CONTEXT_BEFORE.search(f[max(0, b - 10):b]):
            m = P.BARE_LOT_NUMBER.match(f, e)     # 自宅は真庭市勝山字下町123: a rural lot number
        if m and m.end() > m.start() and not P.NOT_ADDRESS_AFTER.match(f, m.end()):
            number = m.group().strip()
            strong = bool(P.STRONG_ADDRESS_NUMBER.match(number))
            context = bool(P.ADDRESS_CONTEXT_BEFORE.search(f[max(0, b - 10):b]))
            if re.fullmatch(r"\s?" + P.KNUM + r"+丁目", number) and not context \
                    and (P.SCENE_AFTER.match(f, m.end()) or P.SCENE_BEFORE.search(f, max(0, b - 8), b)):
                strong = has_admin = False      # "総社市中央3丁目の市道": where it happened, not a home
            if strong or has_admin or context:
                end = _building_end(f, m.end())
                out.append((b, end, "address"))
                while i < n and toks[i].b < end:
                    i += 1
                continue
        i = j + 1
    # "住所は表町1-9-22" where Sudachi does not tag the town as a place name
    for m in re.finditer(r"(?:住所|居所|自宅|現住所)[はがを：:\s（(]{0,3}", f):
        start = m.end()
        # a town name starts with kanji or katakana; "自宅から110番" is a call, not an address
        am = re.match(r"[一-龥々ヶァ-ヶー][一-龥々ヶァ-ヶーぁ-ゖ]{0,14}?(?=[0-9])", f[start:])
        if am:
            nm = P.ADDRESS_NUMBER.match(f, start + am.end())
            if nm:
                end = nm.end()
                bm = P.BUILDING.match(f, end)
                if bm:
                    end = bm.end()
                out.append((start, end, "address"))
    for m in P.TOWN_BLOCK.finditer(f):
        prefix = P.NOT_TOWN_PREFIX.match(m.group())
        start = m.start() + (prefix.end() if prefix else 0)
        nm = P.ADDRESS_NUMBER.match(f, m.end())
        if start < m.end() and nm and not P.NOT_ADDRESS_AFTER.match(f, nm.end()):
            out.append((start, _building_end(f, nm.end()), "address"))
    for m in P.PLACE_BUILDING.finditer(f):
        out.append((m.start(), m.end(), "address"))
    for m in P.NAMED_BUILDING_ROOM.finditer(f):
        if not P.GENERIC_BUILDING.match(m.group()):
            out.append((m.start(), m.end(), "address"))
    places = {x.b for x in toks if x.is_place}
    for m in P.PLACE_LANDMARK.finditer(f):
        if any(m.start() <= b < m.end("place") for b in places):
            out.append((m.start(), m.end(), "address"))
    return out


def _join_postal_codes(f: str, chosen: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A 〒 code is an address, and one with the address right after it (〒710-0899 倉敷市…)."""
    codes = [(m.start(), m.end()) for m in P.POSTAL_CODE.finditer(f)]
    addresses = {b for b, _, t in chosen if t == "address"}
    codes += [(m.start("code"), m.end("code")) for m in P.LABELLED_POSTAL_CODE.finditer(f)
              if {m.end() + 1, m.end() + 2} & addresses]     # 郵便番号719-1131、総社市…: the code of that address
    if not codes:
        return chosen
    out = []
    taken = _Taken(len(f), chosen)
    address_at = {cb: (cb, ce, t) for cb, ce, t in chosen if t == "address"}
    for b, e in codes:
        if not taken.free(b, e):
            continue
        nxt = address_at.get(e) or (address_at.get(e + 1) if f[e:e + 1] in (" ", "　") else None)
        if nxt:
            chosen.remove(nxt)
            out.append((b, nxt[1], "address"))
        else:
            out.append((b, e, "address"))
    return sorted(chosen + out)


# ============================================================================ organisations

@lru_cache(maxsize=8192)
def _org_suffix(word: str) -> str | None:
    """The first of the kinds of organisation (…中学校, …病院) that `word` ends with, if any."""
    return next((s for s in P.ORG_SUFFIXES if word.endswith(s)), None)


def _organisations(text: str, f: str, toks: list[_Tok]):
    """Companies (株式会社…) and named schools, hospitals, shops tied to a person."""
    out = []
    starts = [x.b for x in toks]
    n = len(toks)
    for i, t in enumerate(toks):
        marker = t.s in P.COMPANY_MARKERS
        suffix = _org_suffix(t.s)
        if not marker and not suffix:
            continue
        if marker:
            # name after the marker (株式会社瀬戸内ロジテック岡山支店), or before it (瀬戸内ロジテック株式会社)
            j = i
            while j + 1 < n and (_org_word(toks[j + 1]) or (j > i and toks[j + 1].s in _LINE_OF_BUSINESS)) \
                    and toks[j + 1].e - t.b < 40:
                j += 1                   # 株式会社岡南建設: a line of business ends the name it follows
            if j > i:
                b, e = t.b, toks[j].e
            else:
                k = i
                while k - 1 >= 0 and (_org_word(toks[k - 1]) or (k == i and toks[k - 1].s in _LINE_OF_BUSINESS)) \
                        and t.e - toks[k - 1].b < 40:
                    k -= 1                   # 岡南建設株式会社
                if k == i or (k == i - 1 and toks[k].s in _LINE_OF_BUSINESS):
                    continue                 # 運送株式会社 alone is a kind of company
                b, e = toks[k].b, t.e
            out.append(_org_span(text, b, e))
            continue
        # suffix word: walk back over the name (岡山市 立 青葉台 中学校)
        k = i
        while k - 1 >= 0 and t.e - toks[k - 1].b < 30:
            if _org_word(toks[k - 1]):
                k -= 1
            elif k - 2 >= 0 and toks[k - 1].pos[1] == "数詞" and toks[k - 2].s == "第":
                k -= 2                   # さくら第二小学校: a numbered school of a named place
            else:
                break
        name_toks = toks[k:i]
        own_name = t.s[: len(t.s) - len(suffix)]
        words = [x.s for x in name_toks] + ([own_name] if own_name else [])
        words = [w for w in words if w not in P.ORG_GENERIC]
        if not words or P.POLICE_UNIT.search(text[toks[k].b:t.e]):
            continue
        gm = P.GRADE.match(text, t.e) or (P.NURSERY_CLASS.match(text, t.e) if suffix in P.NURSERIES else None)
        # a named place (岡山桃花大学, ハヤシ工務店, さくら病院), not a kind of place (精神科病院); a school
        # with a grade or class after it is one school whatever its words are (白鷺学園高等学校1年2組)
        school_tie = suffix in _SCHOOLS and bool(P.ORG_TIE_AFTER.match(text, t.e)) \
            and any(w not in _KINDS_OF_SCHOOL for w in words)
        if not (t.is_proper or any(x.is_proper or re.match(r"^[ァ-ヶーぁ-ゖA-Za-zＡ-Ｚａ-ｚ・]+$", x.s)
                                   for x in name_toks) or ((gm or school_tie) and words)):
            continue                     # (a school someone attends is one school whatever its words: 明誠台高校の制服)
        b, e = toks[k].b, t.e
        if k > 0 and toks[k - 1].s in P.FOUNDER_PREFIX:
            b = toks[k - 1].b            # 県立真庭北高校: the founder is part of the name
        if suffix in P.BUSINESS_LINES and not any(x.is_proper or x.is_place or re.fullmatch(r"[ぁ-ゖ]{2,}", x.s)
                                                  for x in name_toks):
            continue                     # トラック運送, タクシー交通, 観光物産: a kind of business, not one
        tied = bool(gm) or bool(P.ORG_TIE_AFTER.match(text, e)) \
            or (suffix in P.BUSINESS_LINES and bool(P.BUSINESS_ROLE_AFTER.match(text, e))) \
            or bool(P.ORG_TIE_BEFORE.search(text[max(0, b - 12):b])) or _in_person_parenthesis(text, b, e) \
            or (text[b:e].endswith(P.BUSINESS_SUFFIXES) and text[b:e] != t.s)
        if not tied:
            continue
        if gm:
            e = gm.end()
        out.append(_org_span(text, b, e))
    for m in P.BUSINESS_KIND.finditer(text):
        name = m.group("name")
        if name.endswith(P.ORG_SUFFIXES) or any(c in name for c in P.COMPANY_MARKERS):
            continue               # 運送会社「有限会社ハヤセ急便」: the quoted name is the whole name
        if _PUBLIC_FOUNDER.match(name) and not re.search(r"学校|スクール|アカデミー", m.group()):
            continue                   # 施設「静岡県立三ケ日青年の家」: a public facility, a place
        if _KIND_OF_FACILITY.search(text, m.start(), m.start("name") - 1):
            inner = toks[bisect_left(starts, m.start("name")):bisect_left(starts, m.end("name"))]
            if not _quoted_name_inside(name, inner, kana=True) and not _FACILITY_NAME_END.search(name):
                continue               # 老人ホーム「入居契約書」, ラウンジ「営業中」: a document or a sign
        k = m.start()
        start = next((x.b for x in toks if x.b <= k < x.e), k)
        out.append((start, m.end(), "org_identifying"))
    for m in P.QUOTED_ORG.finditer(text):
        name = m.group("name")
        kind = _KIND_NEEDS_A_NAME.search(name)
        if kind and not re.search(r"[ぁ-ゖァ-ヶーA-Za-z]", name[:kind.start()]):
            continue                     # 「心療内科」, 「学童保育所」, 「当クリニック専用駐車場」: kinds, not names
        out.append((m.start("name"), m.end("name"), "org_identifying"))
    out += [(m.start("name"), m.end("name"), "org_identifying") for m in P.QUOTED_ORG_KIND_AFTER.finditer(text)]
    out += [(m.start("name"), m.end("name"), "org_identifying") for m in P.QUOTED_ORG_KIND_FIRST.finditer(text)]
    # 「パティスリー・ソレイユ」で働く: a quoted name someone works or studies at
    for m in _QUOTED.finditer(text):
        before = bool(P.ORG_TIE_BEFORE.search(text[max(0, m.start() - 12):m.start()]))     # 勤務先の「…」
        if not before and (not P.ORG_TIE_AFTER.match(text, m.end())
                           or re.match(r"[ 　]?(?:の|[0-9０-９一二三四五六]年)", text[m.end():])):
            continue
        inner = toks[bisect_left(starts, m.start() + 1):bisect_left(starts, m.end() - 1)]
        if _quoted_name_inside(text[m.start() + 1:m.end() - 1], inner, kana=before):
            out.append((m.start() + 1, m.end() - 1, "org_identifying"))     # a name, not 「安全運転」
    out += _org_after_tie(text, toks, starts)
    out += [(m.start(), m.end(), "org_identifying") for m in P.HOTEL_ROOM.finditer(f)]
    # a shop named right after its kind, without quotes: 居酒屋たぬき, ネイルサロンLuna, 料理店ラ・ステラ
    for k, x in enumerate(toks[:-1]):
        if x.s not in _SHOP_KINDS or x.pos[0] != "名詞":
            continue                     # (not ドライバー, メンバー: バー inside a word)
        j = k + 1
        parts: list[_Tok] = []
        while j < len(toks) and toks[j].b == (parts[-1].e if parts else x.e) and (
                toks[j].s in ("・", "･") or re.fullmatch(r"[ァ-ヶーA-Za-zＡ-Ｚａ-ｚ]+|[ぁ-ゖ]{2,}", toks[j].s)
                and toks[j].pos[0] == "名詞"):
            parts.append(toks[j])
            j += 1
        if parts and parts[0].s in ("・", "･"):
            continue
        name = text[x.e:parts[-1].e] if parts else ""
        if not name or name[-1] in "・･" or name.endswith(_SHOP_KINDS) or name in P.ORG_GENERIC \
                or not re.match(r"[のでにはがを、。からへと]", text[parts[-1].e:parts[-1].e + 1]):
            continue
        if re.fullmatch(r"[ァ-ヶー]+", name) and not any(p.is_oov or p.is_proper for p in parts):
            continue                     # スナックバー, サロンケア: a compound of common words
        if re.fullmatch(r"[ぁ-ゖ]+", name) and _one_common_word(name) or re.fullmatch(r"[A-Za-zＡ-Ｚａ-ｚ]+", name) \
                and (len(name) < 3 or P.fold(name).upper() in _ROMAJI_COMMON_UPPER or P.fold(name).isupper()):
            continue                     # 居酒屋めぐり, カフェごはん, サロンDM, 美容室HP
        out.append((x.e, parts[-1].e, "org_identifying"))       # the name only: 居酒屋 is a kind
    for m in P.SCHOOL_SHORT.finditer(text):
        # the name is the nouns right before 中/高/小/大 (本日補導した|東中: not the clause before them)
        inner = toks[bisect_left(starts, m.start("name")):bisect_left(starts, m.end("name"))]
        k = len(inner)
        while k > 0 and inner[k - 1].pos[0] in ("名詞", "接頭辞", "接尾辞") and inner[k - 1].s not in P.ORG_GENERIC:
            k -= 1
        if k == len(inner):
            continue
        b = inner[k].b
        name = text[b:m.end("name")]
        if len(name) < 2 or name in P.NOT_SCHOOL_SHORT or name.endswith(("年中", "途中", "最中")) \
                or name[:-1] in _KINDS_OF_SCHOOL:
            continue
        if not (re.fullmatch(r"[東西南北][中高小]", name) or any(
                x.is_proper or x.is_place or re.fullmatch(r"[ぁ-ゖァ-ヶー]{2,}", x.s) for x in inner[k:] if x.e <= m.end("name") - 1)):
            continue                     # 懲役最大3年, 午前中3年生, 売上高3年, 私大3年: no school's own name
        out.append((b, m.end("grade"), "org_identifying"))       # 倉敷北高2年
    # a term a law defines in quotes (「ホテル等内適合営業所」という。) names a kind, not a business
    return [s for s in out if s and not _DEFINED_TERM.match(text, s[1])]


def _a_clause(words: list[_Tok]) -> bool:
    """True when words hold a particle and then a verb or adjective (パパ|に|たたか|れ|た, ママ|が|いい):
    a sentence someone said. A name in kana has none (はると is read as はる|と: the particle is last)."""
    particle = False
    for x in words:
        if particle and x.pos[0] in ("動詞", "形容詞", "助動詞"):
            return True
        particle = particle or x.pos[0] == "助詞"
    return False


def _not_a_persons_name(name: str) -> bool:
    """A placeholder (名無し, 未定), a police unit or body (岡山県警察), or a kind of organisation."""
    return name in P.NOT_A_NAME or bool(P.POLICE_UNIT.search(name)) or name.endswith(P.ORG_SUFFIXES)


def _quoted_name_inside(content: str, inner: list[_Tok], kana: bool) -> bool:
    """True when quoted words are a name: a proper noun, an unknown word, katakana or romaji, and after
    勤務先の / 店名は also a word in hiragana (「居酒屋 はなび」). Not what someone said (「言えない」),
    a word for no answer (「不明」), common words (「本社」, 「同じ部署」) or a police unit (「生活安全課」)."""
    words = [x for x in inner if not x.is_space]
    if not words or content in P.NOT_A_NAME or content in P.ORG_GENERIC or P.POLICE_UNIT.search(content) \
            or words[0].pos[0] in ("動詞", "助動詞", "形容詞", "副詞", "助詞"):
        return False                   # a clause starts with its verb; a name with a noun (伊部窯 きのした)
    return any(x.is_proper or x.is_oov or _KATAKANA.match(x.s) or re.match(r"[A-Za-zＡ-Ｚａ-ｚ]", x.s)
               or kana and x.pos[0] == "名詞" and re.fullmatch(r"[ぁ-ゖー]{2,}", x.s) for x in words)


def _org_after_tie(text: str, toks: list[_Tok], starts: list[int]):
    """The named place after 勤務先は / 在学先は …: ホテル瀬戸内リゾート倉敷 (a name, not 市内の会社)."""
    out = []
    for m in P.ORG_TIE_WORD.finditer(text):
        k = bisect_left(starts, m.end())
        j = k
        while j < len(toks) and toks[j].pos[0] in ("名詞", "接尾辞", "接頭辞") and toks[j].pos[1] != "数詞" \
                and toks[j].e - m.end() <= 25 and not P.POLICE_UNIT.search(toks[j].s):
            j += 1
        run = toks[k:j]
        # a name: a proper noun or unknown katakana word, or a kind of place with a katakana name (ホテル サンライズ)
        kind = any(x.s in P.ORG_SUFFIXES for x in run)
        if run and run[0].s in _KIND_FIRST_WORDS:
            # a name in kana Sudachi reads as words (ゲストハウス|もも|た|ろう): up to the punctuation after it,
            # less a particle or copula there (…倉敷|で、); a name, not a phrase (ホテル内, 旅館とのこと)
            km = re.match(r"[ 　]?[ぁ-ゖァ-ヶー一-龥々・A-Za-z]{1,15}?(?=[、。，,\s（(」]|$)", text[run[0].e:])
            name = _TRAILING_PARTICLE.sub("", km.group()) if km else ""
            inside = [x for x in toks[bisect_left(starts, run[0].e):bisect_left(starts, run[0].e + len(name))]
                      if not x.is_space]
            if name.strip() and inside and inside[0].pos[0] in ("名詞", "形状詞") and not any(
                    x.pos[0] in ("助詞", "助動詞", "動詞") or x.s in P.ORG_GENERIC for x in inside) \
                    and inside[0].s not in _NOT_A_NAME_AFTER_KIND and inside[0].pos[0] != "接尾辞":
                out.append((run[0].b, run[0].e + len(name), "org_identifying"))
            continue
        if all(x.is_place or x.pos[0] == "接尾辞" for x in run) \
                or run and text.startswith("の", run[-1].e) and _names_an_area(run[-1]):
            continue                     # 勤務先は津山市内の…, 宿泊先は湯郷温泉の旅館…: where, not the name
        if len(run) >= 2 and any(x.is_proper or (_KATAKANA.match(x.s) and (x.is_oov or kind and x.s not in P.ORG_SUFFIXES
                                                                             and x.s not in P.ORG_GENERIC)) for x in run) \
                and not all(x.s in P.ORG_GENERIC for x in run):
            out.append((run[0].b, run[-1].e, "org_identifying"))
    return out


_DEFINED_TERM = re.compile(r"」(?:という[。）)]|とは|といい|と呼|と総称|と略称)")
# kinds whose quoted names must show a name before the kind (たなか内科, ひだまり保育園; not 心療内科)
_KIND_NEEDS_A_NAME = re.compile(r"(?:保育園|保育所|こども園|苑|内科|外科|眼科|皮膚科|小児科|耳鼻科|クリニック[ 　]?[一-龥々]{1,6}|医院[ 　]?[一-龥々]{1,6})$")
_FACILITY_NAME_END = re.compile(r"(?<=[ぁ-ゖァ-ヶー一-龥々])(?:苑|荘|園|の郷|の里|の家|ホーム|ハウス)$")
# kinds of facility added for quoted names: what the quotes hold must read as a name
_KIND_OF_FACILITY = re.compile(r"(?:キャバクラ|ラウンジ|ホーム|施設|学校|スクール|アカデミー|工房|窯元|農園|農場|牧場|養鶏場|ベーカリー|教会)$")
_KINDS_OF_SCHOOL = frozenset("他 女子 男子 共学 公立 夜間 進学 名門 母校 志望 工業 商業 農業 看護 市 県 立".split()) | set(P.FOUNDER_PREFIX)
_SCHOOLS = frozenset("小学校 中学校 高等学校 高校 大学 短期大学 短大 専門学校 高等専門学校 高専 特別支援学校 学園 学院".split())
_PUBLIC_FOUNDER = re.compile(r"[一-龥々ヶ]{0,4}?(?:" + "|".join(p for p in P.FOUNDER_PREFIX if p != "私立") + ")")
_ROMAJI_COMMON_UPPER = frozenset(w.upper() for w in P.ROMAJI_COMMON) | {"WIFI", "HP", "DM", "NG", "OK", "SNS"}
_SHOP_KINDS = ("居酒屋", "料理店", "サロン", "スナック", "バー", "カフェ", "喫茶店", "美容室", "理容室", "ラウンジ", "パブ")
# kinds of place that stand before their name: ゲストハウスももたろう, ホテル サンライズ
# what follows a kind of lodging when no name does: ホテル内, 旅館業法, ホテル街の一角, 民宿風の建物
_NOT_A_NAME_AFTER_KIND = frozenset("""
内 等 街 住まい 未定 客室 本館 別館 新館 経営 経営者 業 業法 業者 運営 会社 風 代 料金 予約 利用 宿泊 施設 建物 一角
周辺 付近 前 横 裏 側 系 形式 並み 暮らし 生活 勤務 従業員 関係 関係者 事業 事業者 営業 名 側
""".split())
_TRAILING_PARTICLE = re.compile(r"(?:です|でした|で|に|は|が|を|へ|と|も|の)$")
_SHOP_KIND_FIRST = re.compile(r".{0,8}?(?:" + "|".join(_SHOP_KINDS) + r")[ 　]?(?=[^のでにへはがを、。 　「].)")
_KIND_FIRST_WORDS = frozenset("ホテル 旅館 民宿 ゲストハウス ペンション ホステル グループホーム ネットショップ".split())

# Words that make a place name into an area (湯郷温泉, 倉敷駅前, 真庭北部). A Japanese compound takes its
# kind from its last word: 倉敷食品 is a business, 湯郷温泉 a place.
_AREA_WORDS = frozenset("""
温泉 地区 地域 地方 地内 市内 町内 県内 管内 市街 市街地 中心部 郊外 周辺 付近 近辺 近く 界隈 一帯 方面 沿線
団地 商店街 港 駅 駅前 駅周辺 北部 南部 東部 西部 中部 北側 南側 東側 西側 東口 西口 南口 北口
""".split())


def _names_an_area(t: _Tok) -> bool:
    """True when the last word of a run before の makes it a place (湯郷温泉の旅館), not a business (倉敷食品の工場)."""
    return t.is_place or t.pos[0] == "接尾辞" or t.pos[2] == "副詞可能" or t.s in _AREA_WORDS


def _org_word(t: _Tok) -> bool:
    if t.is_space or not t.is_noun:
        return t.s in ("・", "&", "＆") or (t.pos[0] == "接頭辞" and t.s != "第")
    if t.s in P.ORG_GENERIC or t.s in ("勤務", "勤務先", "在学", "社員", "従業員", "職員", "代表", "社長"):
        return False
    if t.pos[1] == "数詞" or t.s.endswith("者") or P.POLICE_UNIT.search(t.s):
        return False
    return bool(re.match(r"^[一-龥々ヶァ-ヶーA-Za-zＡ-Ｚａ-ｚ0-9ぁ-ゖ・&＆]+$", t.s))


def _org_span(text: str, b: int, e: int):
    if text[e:e + 1] == "法" or text[b:e].endswith("法"):
        return None  # 株式会社…法: the name of a law
    bm = P.ORG_BRANCH.match(text, e)
    if bm and not re.match(r"^(?:勤務|在籍)", text[bm.start():]):
        e = bm.end()
    dm = P.ORG_DEPARTMENT.match(text, e)
    if dm:
        e = dm.end()
    return (b, e, "org_identifying")


def _in_person_parenthesis(text: str, b: int, e: int) -> bool:
    """True inside a parenthesis that also holds an age: 佐々木さん（19歳、岡山桃花大学2年）."""
    open_ = max(text.rfind("（", 0, b), text.rfind("(", 0, b))
    if open_ < 0 or max(text.rfind("）", open_, b), text.rfind(")", open_, b)) >= 0:
        return False
    close = min([c for c in (text.find("）", e), text.find(")", e)) if c >= 0] or [-1])
    if close < 0:
        return False
    inner = text[open_:close]
    return bool(re.search(r"[0-9０-９一二三四五六七八九十]\s?[歳才]", inner))


# ============================================================================ persons

def _persons(text: str, f: str, toks: list[_Tok]):
    out = []
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if t.is_name and t.s not in P.NOT_A_NAME:
            j = _extend_name(toks, i)
            b, e = t.b, toks[j].e
            k = i            # katakana names joined by ・ whose first part is a common word (アナ・ペレイラ)
            while k >= 2 and toks[k - 1].s in ("・", "･", "＝") and _KATAKANA.match(toks[k].s) \
                    and _KATAKANA.match(toks[k - 2].s) and toks[k - 2].e == toks[k - 1].b:
                k -= 2
            b = toks[k].b
            names = [x for x in toks[i:j + 1] if x.is_name]
            after = text[e:e + 8]
            context = bool(P.PERSON_CONTEXT_AFTER.match(after)) or _name_context_before(text, b) \
                or _quoted(text, b, e)
            if P.PLACE_AFTER.match(after) and not context:
                i = j + 1
                continue
            if _org_prefix(text, b):
                i = j + 1
                continue
            if _plausible_name(text, toks, i, j, names, context):
                out.append((b, e, "person"))
            i = j + 1
            continue
        # a proper noun or katakana word right before an honorific: ヤマダさん, 岡山さん
        if (t.is_proper or _KATAKANA.match(t.s)) and t.pos[0] == "名詞" and not P.POLICE_UNIT.search(t.s):
            after = text[t.e:t.e + 6]
            if re.match(r"^[ 　]?(?:さん|様|さま|氏|君|くん|ちゃん|容疑者|被疑者|被告人)", after) and t.s not in P.NOT_A_NAME:
                if t.is_proper or _name_context_before(text, t.b):
                    out.append((t.b, t.e, "person"))
        i += 1
    # katakana words joined by ・ with a person cue next to them: アナ・コスタと名乗る, 被害者のマリア・ロペス
    # (after a role only when a part is a name or unknown: 相手のスマート・フォン is the person's phone)
    starts = [x.b for x in toks]
    for m in _KATAKANA_JOINED.finditer(text):
        parts = toks[bisect_left(starts, m.start()):bisect_left(starts, m.end())]
        aged = bool(re.match(r"[（(][0-9０-９]{1,3}[）)]", text[m.end():])) and not _COUNT_LIST.match(text, m.end() + 3) \
            and not any(x.is_place for x in parts) and any(x.is_oov or x.pos[2] == "人名" for x in parts) \
            and _name_context_before(text, m.start())
        if P.PERSON_CONTEXT_AFTER.match(text, m.end()) or aged \
                or _NATIONALITY_BEFORE.search(text, 0, m.start()) and not any(x.is_place for x in parts) \
                or _name_context_before(text, m.start()) and any(x.is_proper or x.is_oov for x in parts):
            out.append((m.start(), m.end(), "person"))
    # a name given with と名乗る that the dictionary reads as a place (被害者は桜井と名乗る): a word that is
    # both a place and a family name is the name where someone calls himself by it (not 警察官と名乗る,
    # 東京と名乗る: a role, or a place only)
    for x in toks:
        if x.is_proper and x.pos[2] == "地名" and P.CALLS_HIMSELF.match(text, x.e) \
                and not P.POLICE_UNIT.search(x.s) and also_a_name(x.s):
            out.append((x.b, x.e, "person"))
    # a foreign name with a Japanese given name after ・: ロペス・マリア・さくら (the katakana part found above)
    for m in _KANA_PART_AFTER_DOT.finditer(text):
        part = m.group("part")
        if part in _KINDS_OF_PERSON or part in P.HONORIFICS or part in P.RANKS:
            continue                     # グエン・バン・ナム・男性, ジョン・スミス・氏
        if any(b <= m.start() and m.start("part") - 1 <= e for b, e, t in out if t == "person"):
            out.append((m.start(), m.end(), "person"))
    # a word with its reading (関（せき）): Sudachi reads the kanji alone, so 関 is a common noun;
    # after a person's role or before a title it is a name
    for t in toks:
        if _WITH_READING.fullmatch(t.s) and not t.is_place and not P.POLICE_UNIT.search(t.s) \
                and (_name_context_before(text, t.b) or P.PERSON_CONTEXT_AFTER.match(text, t.e)):
            out.append((t.b, t.e, "person"))
    # 「みずき」と名乗り, 「ヤマダ」とだけ答え
    for m in P.QUOTED_NAME.finditer(text):
        g = next(k for k in ("name", "kana", "label", "hon") if m.group(k))
        name = m.group(g)
        if g == "kana" and _a_clause(toks[bisect_left(starts, m.start(g)):bisect_left(starts, m.end(g))]):
            continue                        # 「パパにたたかれた」と話す: what was said, not a name
        if g == "hon" and _one_common_word(name):
            continue                        # 「おまわり」さん, 「シャンシャン」ちゃん: a word, not a name
        b = m.start(g)
        if "の" in name and _not_a_persons_name(name[:name.rindex("の")]):
            # 「警視庁捜査二課の中島」と名乗る: the unit is who he claimed to be from, the name is after it,
            # and only when it reads as one (「市役所の職員」, 「…の刑事」 name a role)
            b += name.rindex("の") + 1
            tail = toks[bisect_left(starts, b):bisect_left(starts, m.end(g))]
            if not tail or not all(x.is_name or x.is_proper or x.is_oov or _KATAKANA.match(x.s) for x in tail):
                continue
            name = text[b:m.end(g)]
        if name and name not in P.NOT_A_NAME and (_NAME_CHARS.match(name) or g == "label" and _ROMAJI_NAME_WORD.fullmatch(name)
                                                  and "表札" in text[max(0, m.start() - 8):m.start(g)]
                                                  and P.fold(name) not in P.ROMAJI_COMMON):
            out.append((b, m.end(g), "person"))         # 表札は「ＫＯＮＤＯ」: a nameplate in capitals
    # ハンドルネーム「黒猫ジロー」: any words; 自称「リュウ」, 「ももち」の名前で活動: words that read as a name
    for m in P.NAME_LABELLED_QUOTED.finditer(text):
        if _not_a_persons_name(m.group("name")):
            continue
        out.append((m.start("name"), m.end("name"), "person"))
    for m in P.SELF_STYLED_QUOTED.finditer(text):
        g = "name" if m.group("name") else "name2"
        name = m.group(g)
        inner = toks[bisect_left(starts, m.start(g)):bisect_left(starts, m.end(g))]
        if not _not_a_persons_name(name) and _quoted_name_inside(name, inner, kana=True):
            out.append((m.start(g), m.end(g), "person"))
    for m in P.NAME_AFTER_RANK.finditer(text):
        k = bisect_left(starts, m.start("name"))
        if k < n and toks[k].b == m.start("name") and toks[k].e == m.end("name") and toks[k].is_proper:
            out.append((m.start("name"), m.end("name"), "person"))
    for m in P.NAME_BEFORE_RANK.finditer(text):
        name = m.group("name")
        if name in P.NOT_RANK_PREFIX or P.POLICE_UNIT.search(name) or re.search(r"[課係隊署部所班室局長]$", name):
            continue
        k = bisect_left(starts, m.start("name"))
        if k < n and toks[k].b == m.start("name") and (toks[k].is_proper or toks[k].pos[0] == "接頭辞"
                                                       or also_a_name(name) and _OFFICER_OF_UNIT.search(text, 0, m.start())
                                                       and name not in "一正平准上下若"):
            out.append((m.start("name"), m.end("name"), "person"))   # 駐在所の林巡査部長: 林 read as a wood
    # 谷 和夫: a family name the dictionary reads as a common word, a space, a given name it knows
    for k in range(2, n):
        y, sp, x = toks[k], toks[k - 1], toks[k - 2]
        if y.is_name and y.pos[3] == "名" and sp.is_space and len(sp.s) == 1 and x.pos[0] == "名詞" \
                and x.pos[1] != "数詞" and x.pos[2] != "助数詞可能" and not (k > 2 and toks[k - 3].pos[1] == "数詞") \
                and re.fullmatch(r"[一-龥々ヶ]{1,3}", x.s) and x.s not in P.RANKS \
                and x.s not in P.NOT_A_NAME and not P.POLICE_UNIT.search(x.s):
            out.append((x.b, _name_end(text, toks, y.e), "person"))
    for m in P.KANA_NICKNAME.finditer(text):
        b = m.start("name")
        k = bisect_left(starts, b)
        if k < n and toks[k].b == b and toks[k].pos[0] == "助詞" and toks[k].e < m.start("suffix"):
            b = toks[k].e                   # 名前は|そうた君: the particle before is not part of the name
        stem = text[b:m.start("suffix")]
        if len(stem) < 2 or stem.startswith("お") or stem in P.KIN_WORDS:
            continue                        # おばあちゃん, あかちゃん: family words, not names
        if len(stem) >= 3 and not stem.endswith("っ"):
            out.append((b, b + len(stem), "person"))                       # ゆうと(くん)
        else:
            out.append((b, m.end("name"), "person"))                       # あっくん: the nickname
    # a family and a given name with their reading in two parts: 東 トシ（あずま とし）, 一 心（にのまえ しん)
    for m in _NAME_WITH_SPACED_READING.finditer(text):
        if not also_a_name(m.group("name").split()[0]):
            continue                     # 住居 侵入（じゅうきょ しんにゅう）: a glossary, not a person
        out.append((m.start("name"), m.end("name"), "person"))
        out.append((m.start("reading"), m.end("reading"), "person"))
    # 氏名は + a family and a given name written apart, whatever nouns they are (氏名は日向 勝利); not a
    # word for no name (不詳, 不明), a kind of person (不詳 男性) or a clause (一切 言わず)
    for m in _LABELLED_FULL_NAME.finditer(text):
        inner = [x for x in toks[bisect_left(starts, m.start("name")):bisect_left(starts, m.end("name"))]
                 if not x.is_space]
        while inner and inner[-1].pos[0] in ("助詞", "助動詞"):
            inner.pop()                 # 山田 太郎で、, 林田 蓮です: the particle or copula after the name
        gap = re.search(r"[ 　]", m.group("name"))
        space = m.start("name") + (gap.start() if gap else 0)
        if len(inner) >= 2 and inner[-1].b > space \
                and all(x.pos[0] in ("名詞", "接尾辞") or x.is_oov for x in inner) \
                and not any(x.s in P.NOT_A_NAME or x.s in _KINDS_OF_PERSON for x in inner):
            out.append((inner[0].b, inner[-1].e, "person"))
    # a family name Sudachi cuts before 宅/方 the wrong way: 森|本宅 is 森本|宅
    for k in range(len(toks) - 1):
        x, y = toks[k], toks[k + 1]
        if x.is_surname and y.b == x.e and len(y.s) == 2 and y.s[1] in "宅方家" \
                and _name_context_before(text, x.b) and also_a_name(x.s + y.s[0]):
            out.append((x.b, y.b + 1, "person"))
    # a given name in hiragana Sudachi cuts into pieces, after a family name and a space: 宇佐美 りりあ（15歳）
    for b, e, kind in list(out):
        gm = _KANA_GIVEN_NAME.match(text, e) if kind == "person" else None
        if gm and any(x.is_surname and x.b == b and x.e == e for x in toks[bisect_left(starts, b):][:1]):
            out.append((b, gm.end(), "person"))
    # 氏名は/口座名義は + the name, when Sudachi does not know it
    for k, t in enumerate(toks):
        if t.is_space or not P.NAME_LABEL.search(text[max(0, t.b - 8):t.b]) or t.b == 0:
            continue
        if not re.search(r"(?:氏名|名前|名義人?|通称|偽名|本名|姓|名字|苗字)(?:は|を|が|：|:)?[ 　]?$", text[max(0, t.b - 8):t.b]):
            continue
        j, size = k, 0
        while j < n and size < 12 and (toks[j].is_noun or toks[j].is_space or toks[j].s == "・") \
                and _NAME_CHARS.match(toks[j].s) and toks[j].s not in P.NOT_A_NAME:
            size += len(toks[j].s)
            j += 1
        while j > k and toks[j - 1].is_space:
            j -= 1
        if j > k and re.search(r"(?:姓|名字|苗字)(?:は|を|が|：|:)?[ 　]?$", text[max(0, t.b - 4):t.b]) \
                and not re.fullmatch(r"[一-龥々ヶ]{1,4}", text[toks[k].b:toks[j - 1].e]):
            continue                    # 姓はミドルネームを…: a surname label takes a kanji name only
        if j > k:
            seg = toks[k:j]
            if P.BANK_ENTITY_BEFORE.match(text, seg[0].b) or P.BANK_ENTITY_AFTER.match(text, seg[-1].e):
                continue                    # 名義 カ）ミライ商事, ミライ商事（カ: a company's account
            if any(x.is_name or x.is_proper or _KATAKANA.match(x.s) for x in seg if not x.is_space):
                out.append((seg[0].b, seg[-1].e, "person"))
    out += _names_before_an_age(text, f, toks)
    # a name with its reading after a role or before a cue: 同僚は神田（かんだ）, 従業員の五味（ごみ）
    for m in _NAME_WITH_READING.finditer(text):
        name, reading = m.group("name"), m.group("reading")
        if (_name_context_before(text, m.start()) or P.PERSON_CONTEXT_AFTER.match(text, m.end())
                or P.CALLS_HIMSELF.match(text, m.end())) and _read_as(name, reading) and also_a_name(name) \
                and name not in P.NOT_A_NAME and not P.POLICE_UNIT.search(name):
            out += [(m.start("name"), m.end("name"), "person"), (m.start("reading"), m.end("reading"), "person")]
    # a name given with what kind of name it is: あやね（源氏名）, ユウ（通称）
    for m in _NAME_BEFORE_ITS_KIND.finditer(text):
        b = m.start("name")
        for x in toks[bisect_left(starts, b - 8):bisect_left(starts, m.end("name"))]:
            if x.e > b and x.e <= m.end("name") - 2 and x.pos[0] in ("助詞", "助動詞", "動詞"):
                b = x.e                        # ネイリストの|あやね, 働く|あやね: the name starts after
        name = text[b:m.end("name")]
        if name not in P.NOT_A_NAME and name not in _KINDS_OF_PERSON and not _one_common_word(name):
            out.append((b, m.end("name"), "person"))
    # a family name the dictionary reads as a place, right after a person's role and の, before a copula,
    # a comma or a bracket: 実父の前原で、 (not 相談者の岡山は, 運転手、熊本から: where they come from)
    for x in toks:
        if x.is_place and len(x.s) >= 2 and also_a_name(x.s) and not P.POLICE_UNIT.search(x.s) \
                and text[x.b - 1:x.b] == "の" and _name_context_before(text, x.b) \
                and re.match(r"(?:で、|、|（|\()", text[x.e:x.e + 2]) \
                and not P.PLACE_AFTER.match(text[x.e:x.e + 6]):
            out.append((x.b, x.e, "person"))
    # a family name and a given name in hiragana written together: 園児は年中組の田口ひなたです
    for k in range(len(toks) - 1):
        x, y = toks[k], toks[k + 1]
        if x.is_surname and y.b == x.e and y.pos[0] == "名詞" and re.fullmatch(r"[ぁ-ゖ]{2,4}", y.s) \
                and (y.is_oov or _given_name(y.s)) and re.search(r"[のは、：:][ 　]?$", text[max(0, x.b - 2):x.b]) \
                and re.match(r"(?:です|、|。|（|\(|さん|ちゃん|くん|が|は|の|と|に|を)", text[y.e:y.e + 2]) \
                and not (k + 2 < len(toks) and toks[k + 2].b == y.e and re.fullmatch(r"[ぁ-ゖ]+", toks[k + 2].s)
                         and toks[k + 2].pos[0] == "名詞"):
            out.append((x.b, y.e, "person"))
    # a family name and a katakana given name written together (佐々木トメ, 石井ハル): where a person is meant
    for k in range(len(toks) - 1):
        x, y = toks[k], toks[k + 1]
        if x.is_surname and y.b == x.e and re.fullmatch(r"[ァ-ヶ]{2,3}", y.s) and _given_name(y.s) \
                and not (k + 2 < len(toks) and _KATAKANA.match(toks[k + 2].s)) \
                and (_name_context_before(text, x.b) or P.PERSON_CONTEXT_AFTER.match(text, y.e)):
            out.append((x.b, y.e, "person"))
    # a word both a place and a family name, a space, and a given name the dictionary knows: 岡山 功
    for k in range(2, len(toks)):
        y, sp, x = toks[k], toks[k - 1], toks[k - 2]
        if sp.is_space and len(sp.s) == 1 and x.is_place and also_a_name(x.s) and re.fullmatch(r"[一-龥々]{1,2}", y.s) \
                and _given_name(y.s) and re.match(r"[ 　]?(?:[、。，（(はがのをにとでも]|さん|様|氏|$)", text[y.e:y.e + 2]) \
                and not (k > 2 and toks[k - 3].pos[1] == "数詞"):
            out.append((x.b, y.e, "person"))
    return out


# a kanji name and its reading in hiragana: 神田（かんだ）
_NAME_WITH_READING = re.compile(r"(?<![一-龥々ヶ])(?P<name>[一-龥々ヶ]{1,4})[（(](?P<reading>[ぁ-ゖー]{2,8})[）)]")
_NAME_BEFORE_ITS_KIND = re.compile(r"(?P<name>[ぁ-ゖ]{2,8}|[ァ-ヶー]{2,10})[（(](?:源氏名|あだ名|偽名)[）)]")
_HIRAGANA_TO_KATAKANA = {c: c + 0x60 for c in range(ord("ぁ"), ord("ゖ") + 1)}


def _named_after_kin(text: str, toks: list[_Tok]):
    """(sure, for review): a name written after a relation and a middle dot (夫・健一, 娘・ひなた): the
    words up to the next particle or sign. Sure when the dictionary holds them as a name, does not know
    them or also holds them as one; kana otherwise goes to the reviewer (ひなた, but also ヘルパー);
    another relation or a role (父・母, 祖母・同居人) is none."""
    sure: list[tuple[int, int, str]] = []
    unsure: list[tuple[int, int, str]] = []
    starts = [x.b for x in toks]
    for m in P.KIN_BEFORE_NAME.finditer(text):
        k = bisect_left(starts, m.end())
        run: list[_Tok] = []
        while k < len(toks) and len(run) < 3 and toks[k].pos[0] == "名詞" and toks[k].pos[1] != "数詞" \
                and (not run or run[-1].e == toks[k].b):
            run.append(toks[k])
            k += 1
        word = text[run[0].b:run[-1].e] if run else ""
        kin = P.KIN_BEFORE_NAME.match(word + "・x")
        if not run or kin and kin.end() == len(word) + 1 or len(word) > 8:
            continue
        if all(x.is_name or x.is_oov or also_a_name(x.s) and not _KANA_NAME.fullmatch(x.s) for x in run):
            sure.append((run[0].b, run[-1].e, "person"))
        elif all(x.is_name or x.is_oov or also_a_name(x.s) or _KANA_NAME.fullmatch(x.s) for x in run):
            unsure.append((run[0].b, run[-1].e, "person"))     # kana: a name (ひなた) or a word (ヘルパー)
    return sure, unsure


_KANA_NAME = re.compile(r"[ぁ-ゖァ-ヺー]{2,}")


def _read_as(word: str, reading: str) -> bool:
    """True when the dictionary reads `word` as `reading` (五味 → ごみ): the bracket holds its reading."""
    kana = reading.translate(_HIRAGANA_TO_KATAKANA)
    return any(m.reading_form() == kana for m in dictionary().lookup(word)) \
        or "".join(m.reading_form() for m in tokenize(word)) == kana


# an officer's unit before his name and rank: 蒜山駐在所の林巡査部長
_OFFICER_OF_UNIT = re.compile(r"(?:交番|駐在所|警察署|署|課|係|隊|班|本部)の$")
# a nationality right before katakana names: インドネシア国籍、デウィ・アユ
_NATIONALITY_BEFORE = re.compile(r"国籍(?:の|、|，)[ 　]?$")
_COUNT_LIST = re.compile(r"[、,][^、。（(]{1,8}[（(][0-9０-９]")
_COUNT_LIST_BEFORE = re.compile(r"[（(][0-9０-９]{1,3}[）)][、,]$")
_ROMAJI_NAME_WORD = re.compile(r"[A-ZＡ-Ｚ]{3,15}")
# a name right before a bare age in brackets: 小学2年の湊（7）, うめの（84）さん (not a role: 長男（7）)
_NAME_BEFORE_AGE = re.compile(r"(?<=[、はのが：:「 　])(?P<name>[一-龥々ヶ]{1,3}|[ぁ-ゖ]{2,5})[（(][0-9０-９]{1,3}[）)]")


def _names_before_an_age(text: str, f: str, toks: list[_Tok]):
    """A word before a bare age in brackets is a person's name when the dictionary has it as one
    (湊（7）), or, in hiragana, when an honorific follows (うめの（84）さん); never a word for a role."""
    out = []
    starts = [x.b for x in toks]
    for m in _NAME_BEFORE_AGE.finditer(text):
        name, b = m.group("name"), m.start("name")
        if P.AGE_AFTER_PERSON_WORD.match(f, b) or name in _KINDS_OF_PERSON or name in P.NOT_A_NAME \
                or P.POLICE_UNIT.search(name) or name in P.RANKS or re.match(r"明治|大正|昭和|平成|令和", name) \
                or _COUNT_LIST.match(text, m.end()) or _COUNT_LIST_BEFORE.search(text, 0, b):
            continue                     # 岡山（12）、広島（8）: counts by place, not people
        if re.fullmatch(r"[ぁ-ゖ]+", name):
            if not re.match(r"(?:さん|ちゃん|くん|様)", text[m.end():m.end() + 3]):
                continue
        else:
            k = bisect_left(starts, b)
            if not (k < len(toks) and toks[k].b == b and toks[k].e == m.end("name") and not toks[k].is_place
                    and (toks[k].is_name or also_a_name(name))):
                continue
        out.append((b, m.end("name"), "person"))
    # a family name the dictionary knows and a given name in kana or kanji right before the bare age:
    # 同乗していた木ノ下えり（23）, 石井ハル子(82) (the family name starts a word of its own)
    for m in _BARE_AGE.finditer(text):
        k = bisect_left(starts, m.start())
        if _COUNT_LIST.match(text, m.end()) or _COUNT_LIST_BEFORE.search(text, 0, m.start()):
            continue
        for i in range(k - 1, max(-1, k - 4), -1):
            x = toks[i]
            if x.is_surname and i < k - 1 and (i == 0 or toks[i - 1].e == x.b) \
                    and all(y.pos[0] in ("名詞", "接尾辞") and not y.is_place and y.pos[1] != "数詞"
                            and y.s not in P.RANKS and y.s not in P.HONORIFICS and y.s not in _KINDS_OF_PERSON
                            and re.fullmatch(r"[ぁ-ゖァ-ヶー一-龥々]{1,4}", y.s) for y in toks[i + 1:k]) \
                    and toks[k - 1].e == m.start():
                out.append((x.b, m.start(), "person"))
                break
    return out


_BARE_AGE = re.compile(r"[（(][0-9０-９]{1,3}[）)]")


def _one_common_word(text: str) -> bool:
    """True when the dictionary reads `text` as one word that is not a name (おまわり → お巡り)."""
    words = tokenize(text)
    return len(words) == 1 and not words[0].is_oov() and words[0].part_of_speech()[2] != "人名"


@lru_cache(maxsize=8192)
def _given_name(word: str) -> bool:
    """True when the dictionary holds `word` as a given name (功, 誠)."""
    return any(m.part_of_speech()[3] == "名" for m in dictionary().lookup(word))


_NAME_WITH_SPACED_READING = re.compile(
    r"(?<![一-龥々ヶ])(?P<name>[一-龥々ヶ]{1,3}[ 　][一-龥々ヶぁ-ゖァ-ヶー]{1,4})"
    r"[（(](?P<reading>[ぁ-ゖー]{1,6}[ 　][ぁ-ゖー]{1,6})(?=[）)、,])")
_LABELLED_FULL_NAME = re.compile(
    r"(?:氏名|名前|本名)(?:は|が|：|:)[ 　]?(?P<name>[一-龥々ヶ]{1,3}[ 　][一-龥々ヶぁ-ゖァ-ヶー]{1,4})"
    r"(?=[ 　]?(?:と|で|、|。|（|\(|さん|様|氏|$))")
_KINDS_OF_PERSON = frozenset("男性 女性 男 女 少年 少女 男児 女児 不詳 不明 氏名 名前".split())
_KANA_PART_AFTER_DOT = re.compile(r"[ァ-ヶー]{2,}(?:[・＝][ァ-ヶー]{2,})*[・＝](?P<part>[ぁ-ゖ]{2,4}|[一-龥々]{1,3})(?=[（(、，,。はがのをにとも])")
_QUOTED_ASCII_HANDLE = re.compile(r"[「『][ 　]?(?P<id>[a-z][a-z0-9]*[_.][a-z0-9_.]*[a-z0-9])[ 　]?[」』]")
_FILE_OR_DOMAIN = re.compile(r"^www\.|\.(?:pdf|jpg|png|docx?|xlsx?|txt|csv|zip|html|jp|com|net|org)$")
_KANA_GIVEN_NAME = re.compile(r"[ 　][ぁ-ゖー]{2,5}(?=[ 　]?(?:[（(]|さん|様|ちゃん|くん|君))")
_KATAKANA_JOINED = re.compile(r"(?<![一-龥々ァ-ヶー・])[ァ-ヶー]{2,}(?:[・＝][ァ-ヶー]{2,})+(?![ァ-ヶー])")
_QUOTED = re.compile(r"「[^「」、。\s]{1,20}(?:[ 　][^「」、。\s]{1,12})?」")
_NUMERALS = set("〇一二三四五六七八九十百千万")
_WITH_READING = re.compile(r"[一-龥々ヶ]{1,4}[（(][ぁ-ゖ]{1,10}[）)]")
_READING_TAIL = re.compile(r"[（(][ぁ-ゖ]{1,10}[）)]$")
_HOUSEHOLD = ("夫妻", "夫婦", "一家", "親子", "兄弟", "姉妹", "母子", "父子", "宅", "方", "家")
_NAME_FOLLOWERS = ("宅", "方", "家", "名義", "夫妻", "夫婦", "一家", "親子", "兄弟", "姉妹", "母子", "父子", "本人",
                   "ら", "等", "側", "から", "と", "に", "は", "が", "の", "を", "へ", "も", "や")


def _plausible_name(text: str, toks: list[_Tok], i: int, j: int, names: list[_Tok], context: bool) -> bool:
    """Reject what the dictionary tags as a name but the surroundings show is not (第一条, 国又は, 張込)."""
    cand = text[toks[i].b:toks[j].e]
    chars = set(cand)
    if chars <= _NUMERALS or (chars & _NUMERALS and chars & set("年月日条項号")):
        return False
    if re.search(r"[又若及並等]$", cand) or re.match(r"(?:明治|大正|昭和|平成|令和)", cand):
        return False
    before, after = text[max(0, toks[i].b - 1):toks[i].b], text[toks[j].e:toks[j].e + 1]
    if before == "第" or re.match(r"[条項号編章節款]", after):
        return False
    if re.match(r"[ァ-ヶ](?:[ 　]|$)", cand):
        return False                 # イ ロ ハ ニ ホ: the items of a legal list
    if i > 0 and toks[i - 1].pos[0] == "接頭辞" and toks[i - 1].e == toks[i].b:
        return False                 # 当+務中: a name only by a wrong cut of a longer word
    if context:
        return True
    if len(_name_key(cand)) < 2:
        return False
    # a name glued to a following noun that is not a title: 張込, 原議, もり銃
    if j + 1 < len(toks):
        nx = toks[j + 1]
        if nx.pos[0] in ("名詞", "接尾辞") and nx.pos[1] != "数詞" and not nx.is_space \
                and not nx.s.startswith(_NAME_FOLLOWERS) and nx.s not in P.HONORIFICS and nx.s not in P.RANKS:
            return False
    if len(names) >= 2:
        # 多+数人: a one-character surname glued to a "given name" needs a title or a space
        if len(names[0].s) == 1 and toks[i + 1].is_name:
            return False
        return True
    return names[0].is_surname


def _extend_name(toks: list[_Tok], i: int) -> int:
    """The last token of the name starting at toks[i]: 山田 太郎, グエン・ヴァン・ナム, 中村勇気."""
    n = len(toks)
    j = i
    while True:
        k = j + 1
        if k < n and toks[k].is_space and len(toks[k].s) == 1 and k + 1 < n and toks[k + 1].is_name \
                and not toks[k + 1].is_place:
            j = k + 1
            continue
        if k < n and toks[k].is_name and toks[k].pos[3] in ("名", "姓", "一般"):
            j = k
            continue
        # katakana names joined by ・ (グエン・ヴァン・ナム)
        if k + 1 < n and toks[k].s in ("・", "･", "＝", "=") and _KATAKANA.match(toks[j].s) \
                and _KATAKANA.match(toks[k + 1].s):
            j = k + 1
            continue
        break
    # a surname followed by a given name the dictionary does not know (中村 勇気さん)
    if toks[j].is_surname and j == i:
        k = j + 1
        spaced = k < n and toks[k].is_space and len(toks[k].s) == 1
        if spaced:
            k += 1
        # after a space, a case particle also ends the given name (兄の秋山 大地が暴れている)
        after_title = r"^(?:さん|様|氏|君|くん|ちゃん|[（(」、])"
        after = after_title[:-1] + (r"|が|は|を|に|と|も|から|で)" if spaced else ")")
        # Sudachi keeps a reading with its word (颯（はやて）) and may read a one-kanji name as an adverb
        core = _READING_TAIL.sub("", toks[k].s) if k < n else ""
        if spaced and k < n and toks[k].s != core and re.fullmatch(r"[一-龥々]{1,3}", core):
            return k                    # 坂井 猛（いさむ）: a word given its reading after a surname is the given name
        if k < n and (toks[k].pos[0] == "名詞" or spaced and re.fullmatch(r"[一-龥々]{1,2}", core)
                      and toks[k].pos[0] not in ("助詞", "助動詞", "接尾辞")) \
                and toks[k].pos[1] != "数詞" and not toks[k].is_place \
                and re.match(r"^(?:[一-龥々]{1,3}|[ぁ-ゖ]{2,4}|[ァ-ヶー]{2,6})$", core) \
                and toks[k].s not in P.RANKS and toks[k].s not in P.HONORIFICS and toks[k].s not in P.NOT_A_NAME \
                and not toks[k].s.startswith(_NAME_FOLLOWERS) \
                and k + 1 < n and re.match(after, toks[k + 1].s) \
                and (re.match(after_title, toks[k + 1].s) or _given_name_word(toks[k], core)):
            j = k
    return j


def _given_name_word(t: _Tok, core: str) -> bool:
    """Before a bare particle only a word that can be a given name ends a spaced full name: one the
    dictionary holds as a name (大地, 海斗) or does not know, or one with its reading (颯（はやて）);
    伊藤 署員が, 佐藤 担当が are a surname and a role."""
    return t.is_oov or t.is_proper or t.s != core or also_a_name(core)


def _name_context_before(text: str, b: int) -> bool:
    before = text[max(0, b - 10):b]
    return bool(re.search(
        r"(?:氏名|名前|名義|巡査部長|巡査長|巡査|警部補|警部|警視|署長|課長|係長|主任|男性|女性|少年|少女|男児|女児"
        r"|[長次三四五]男|[長次三四五]女|夫|妻|息子|娘|母親|父親|兄|弟|姉|妹|相談者|届出人|通報者|被害者|被疑者|容疑者|運転者"
        r"|所有者|使用者|申告者|拾得者|当事者|不明者|持込人|名乗る|入所者|入居者|利用者|患者|宿泊者|居住者|借受人|契約者"
        r"|講師|塾長|園長|牧師|住職|職人|店員|従業員|会社員|実父|実母|養父|養母|氏名欄|信者|会員|部員|留学生|実習生|研修生"
        r"|相手|知人|友人|隣人|同居人|同僚|上司|部下|担任|祖父|祖母|叔父|叔母|伯父|伯母|義父|義母|孫|甥|姪"
        r"|店主|店長|経営者|社長|院長|家主|大家|管理人|先輩|後輩)"
        r"(?:の|は|が|：|:|、|である)?[ 　]?$",
        before))


def _quoted(text: str, b: int, e: int) -> bool:
    return text[b - 1:b] == "「" and text[e:e + 1] == "」"


def _org_prefix(text: str, b: int) -> bool:
    return any(text[max(0, b - len(m)):b] == m for m in P.COMPANY_MARKERS)


# a one-character surname recurs as a word of its own: 東は, 張が, 王の (not 東口, 三号)
_ONE_CHAR_NAME_AFTER = re.compile(r"(?:は|が|の|を|に|と|も|へ|から|[ 　]?(?:さん|様|氏|容疑者|被疑者)|、|。|（|\()")


def _propagate_persons(text: str, toks: list[_Tok], chosen: list[tuple[int, int, str]]):
    """Mask every other mention of a found person: the full name anywhere, its surname as a word."""
    names = {text[b:e] for b, e, t in chosen if t == "person"}
    if not names:
        return chosen
    surnames: set[str] = set()
    given: set[str] = set()
    parts: set[str] = set()
    starts = [x.b for x in toks]
    for b, e, t in chosen:
        if t != "person":
            continue
        k = bisect_left(starts, b)
        inner = []
        while k < len(toks) and toks[k].e <= e:
            if not toks[k].is_space:
                inner.append(toks[k])
            k += 1
        spaced = _FULL_NAME_SPACED.fullmatch(text[b:e])
        if spaced:
            family, _, first = re.split(r"([ 　])", text[b:e], maxsplit=1)
            surnames.add(family)
            given.add(first)
        elif len(inner) >= 2 and inner[0].is_surname:
            surnames.add(inner[0].s)
            given.add("".join(x.s for x in inner[1:]))
        elif len(inner) == 1:
            surnames.add(inner[0].s)
        if _KATAKANA_JOINED.fullmatch(text[b:e]):
            parts.update(p for p in re.split(r"[・＝]", text[b:e]) if len(p) >= 2)   # デウィ・アユ … デウィさん
    extra = []
    full = sorted((n for n in names if len(_name_key(n)) >= 2), key=len, reverse=True)
    if full:      # one pass over the text for all names (longest first at each position)
        extra += [(m.start(), m.end(), "person") for m in re.finditer("|".join(map(re.escape, full)), text)]
        # a longer mention of a name replaces a part of it found on its own (うめの … うめ|のさん)
        longer = [(b, e) for b, e, _ in extra]
        chosen = [c for c in chosen if not (c[2] == "person" and any(
            b <= c[0] and c[1] <= e and (b, e) != (c[0], c[1]) for b, e in longer))]
    for k, x in enumerate(toks):
        if x.s in surnames and not P.PLACE_AFTER.match(text[x.e:x.e + 6]) \
                and not (k > 0 and (toks[k - 1].pos[1] == "数詞" or toks[k - 1].s == "第")) \
                and (len(x.s) > 1 or x.is_name or _ONE_CHAR_NAME_AFTER.match(text, x.e)):
            extra.append((x.b, x.e, "person"))
        elif x.s in given and (re.match(r"^(?:さん|様|ちゃん|君|くん)", text[x.e:x.e + 3])
                               or _given_name_alone(text, x)):
            extra.append((x.b, x.e, "person"))         # the given name alone later: 剛は現在…
        elif x.s in parts and re.match(r"^(?:さん|様|氏|ちゃん|君|くん|容疑者|被疑者)", text[x.e:x.e + 3]):
            extra.append((x.b, x.e, "person"))         # one part of a foreign name with a title
    taken = _Taken(len(text), chosen)
    for b, e, t in extra:
        if taken.free(b, e):
            chosen.append((b, e, t))
            taken.take(b, e)
    chosen.sort()
    return chosen


def _propagate_organisations(text: str, chosen: list[tuple[int, int, str]]):
    """Mask every other mention of a found workplace: its name, and a company's name without
    株式会社 (株式会社ヤマト精工 … 封筒に「ヤマト精工 給与」)."""
    names = set()
    for b, e, t in chosen:
        if t != "org_identifying":
            continue
        name = text[b:e]
        names.add(name)
        for marker in P.COMPANY_MARKERS:
            if name.startswith(marker) or name.endswith(marker):
                names.add(name[len(marker):] if name.startswith(marker) else name[:-len(marker)])
    names = {n.strip(" 　") for n in names}
    names = {n for n in names if len(n) >= 3 and n not in P.ORG_GENERIC and not _KATAKANA_WORD_ONLY.fullmatch(n)}
    if not names:
        return chosen
    taken = _Taken(len(text), chosen)
    for m in re.finditer("|".join(map(re.escape, sorted(names, key=len, reverse=True))), text):
        if re.match(r"[一-龥々ァ-ヶー]", text[m.end():m.end() + 1]):
            continue                     # inside a longer word: 岡山運送|業協会
        if taken.free(m.start(), m.end()):
            chosen.append((m.start(), m.end(), "org_identifying"))
            taken.take(m.start(), m.end())
    chosen.sort()
    return chosen


# a bare katakana word left after 株式会社 may be a common word (株式会社サービス): not spread
_KATAKANA_WORD_ONLY = re.compile(r"[ァ-ヶー]{1,5}")


# a given name alone stands for its person before a case particle (剛は, 剛に), not inside a verb (希望して)
_GIVEN_NAME_ALONE_AFTER = re.compile(r"(?:は|が|に|の|と|も)")


def _given_name_alone(text: str, x: _Tok) -> bool:
    """True when the given name of a found person, standing alone without さん, is that person: the
    dictionary reads it here as a name or does not know it, and a case particle follows. A given name
    that is also a common word (大地, 学, 光) is the common word there (大地が揺れた, 勇気を出して)
    unless it opens a sentence as its topic, as a narrative names a person it has introduced (学は現在…)."""
    if P.PLACE_AFTER.match(text[x.e:x.e + 6]):
        return False
    if x.is_name or x.is_proper or x.is_oov:
        return bool(_GIVEN_NAME_ALONE_AFTER.match(text, x.e))
    return text.startswith("は", x.e) and (x.b == 0 or text[x.b - 1] in "。！？!?\n")


# ============================================================================ overlaps

def _resolve(cands: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans: the higher-priority type wins, then the longer span."""
    cands = [c for c in cands if c[0] < c[1]]
    cands.sort(key=lambda c: (_RANK[c[2]], -(c[1] - c[0]), c[0]))
    chosen: list[tuple[int, int, str]] = []
    taken = _Taken(max((e for _, e, _ in cands), default=0))
    for b, e, t in cands:
        if taken.free(b, e):
            chosen.append((b, e, t))
            taken.take(b, e)
    chosen.sort()
    return chosen


class _Taken:
    """Which characters a span already covers: overlap tests in the span's length, not the number of spans
    (keeps long inputs linear)."""

    def __init__(self, size: int, spans: Iterable[tuple[int, int, str]] = ()):
        self._bits = bytearray(size + 1)
        for b, e, _ in spans:
            self.take(b, e)

    def free(self, b: int, e: int) -> bool:
        return not any(self._bits[b:e])

    def covered(self, b: int, e: int) -> bool:
        return all(self._bits[b:e])

    def take(self, b: int, e: int) -> None:
        self._bits[b:e] = b"\x01" * (e - b)


# ============================================================================ the trained recogniser

_SENTENCE = re.compile(r"[^。\n！？!?]+[。！？!?\n]?")


_NER_CONTEXT = 20     # characters of the sentence on either side of a possible name that GiNZA reads


def _word_edge(text: str, i: int, limit: int, step: int) -> int:
    """`i` moved outwards to the nearest punctuation or space, at most 8 characters and never past `limit`."""
    for _ in range(8):
        if i == limit or text[i - (step < 0)] in "、，,。 　・「」（）()":
            return i
        i += step
    return i


def _ner_pieces(text: str, toks: list[_Tok], found: list[tuple[int, int, str]]):
    """The sentences worth GiNZA's time: those with a possible name the rules have not covered (a
    name or unknown word, a proper noun, a place name standing where a name would, or a name cue).

    GiNZA costs far more than the rules, so a text whose names the rules already found costs little."""
    taken = _Taken(len(text), found)
    starts = [x.b for x in toks]
    for m in _SENTENCE.finditer(text):
        b, e = m.span()
        k = bisect_left(starts, b)
        pieces: list[list[int]] = []
        while k < len(toks) and toks[k].b < e:
            x = toks[k]
            k += 1
            if not taken.free(x.b, x.b + 1):
                continue
            if x.s in _NAME_CUES:
                hit = taken.free(x.b - 1, x.b) if x.b > 0 else True
            elif x.pos[0] == "名詞" and x.pos[1] != "数詞" and also_a_name(x.s) and _name_context_before(text, x.b):
                hit = True            # 交際相手の桑原: a surname Sudachi reads as a common word, after a role
            elif x.is_place:
                hit = bool(re.match(r"[ 　](?![0-9０-９])|(?:さん|様|氏|君|くん|ちゃん|[（(])", text[x.e:x.e + 3]))
            else:
                hit = (x.is_proper or x.is_oov) and x.s not in P.NOT_A_NAME and x.pos[1] != "数詞" \
                    and not _NOT_NAME_PROPER.fullmatch(x.s)
            if hit:
                lo, hi = _word_edge(text, max(b, x.b - _NER_CONTEXT), b, -1), _word_edge(text, min(e, x.e + _NER_CONTEXT), e, 1)
                if pieces and lo <= pieces[-1][1]:
                    pieces[-1][1] = hi
                else:
                    pieces.append([lo, hi])
        for lo, hi in pieces:
            yield lo, text[lo:hi]


# proper nouns that are never a person: eras, names of laws, bare numbers and letters
_NOT_NAME_PROPER = re.compile(r"明治|大正|昭和|平成|令和|.+(?:法|法令|条例|規則|規程|条約|政令|省令)|[0-9０-９A-Za-z.,、。・ー-]+")
_NAME_CUES = frozenset(("さん", "様", "氏", "君", "くん", "ちゃん", "容疑者", "被疑者", "被告人", "名義", "名乗") + P.RANKS)


def _ner_persons(text: str, toks: list[_Tok], found: list[tuple[int, int, str]]):
    """GiNZA's Person entities, split into confident ones and ones for the reviewer (「要確認」)."""
    ents = [(x.start, x.end, False) for x in ner.entities(_ner_pieces(text, toks, found)) if x.label in ner.PERSON_LABELS]
    return _checked_names(text, toks, ents)


def _checked_names(text: str, toks: list[_Tok], proposed: Iterable[tuple[int, int, bool]], shapes: bool = True):
    """Names proposed by a trained model (GiNZA, the tagger), trimmed and checked by structure, split
    into confident ones and ones for the reviewer (「要確認」).

    Dropped: ranks, places and units (…港, …駐在所), numbered items, pieces of a word, one character
    with nothing that marks a name. Confident: the model is sure (the third item), or the
    dictionary tags a name inside, or a name cue stands next to it, or it has the shape of a full name
    (two parts with a space, katakana joined by ・) unless `shapes` is off. The rest are uncertain."""
    sure: list[tuple[int, int, str]] = []
    unsure: list[tuple[int, int, str]] = []
    starts = [x.b for x in toks]
    for start, end, trusted in proposed:
        b, e = start, end
        while b < e and text[b] in " 　・「（(":
            b += 1
        kin = P.KIN_BEFORE_NAME.match(text, b, e)
        if kin:
            b = kin.end()
        while e > b and text[e - 1] in " 　・」）)":
            e -= 1
        # GiNZA sometimes takes a title along (警部補西川): keep the name only
        for rank in sorted(P.RANKS + P.HONORIFICS, key=len, reverse=True):
            if text.startswith(rank, b) and e - b > len(rank):
                b += len(rank)
                break
        for rank in sorted(P.RANKS + P.HONORIFICS, key=len, reverse=True):
            if text.endswith(rank, b, e) and e - b > len(rank):
                e -= len(rank)
                break
        # ... or the household after it (佐藤 方, 森本宅, 田中家)
        for word in _HOUSEHOLD:
            if text.endswith(word, b, e) and e - b > len(word) + 1:
                e -= len(word)
                break
        e = _name_end(text, toks, e)
        while b < e and text[b] in " 　":
            b += 1
        while e > b and text[e - 1] in " 　":
            e -= 1
        name = text[b:e]
        if text[start:end].strip(" 　") in P.RANKS or len(name) < 2 and not any(
                x.is_name for x in toks if b <= x.b < e) and not P.PERSON_CONTEXT_AFTER.match(text, e):
            continue                  # 警部補 read as a person, or one character left after the title
        if any(set(part) <= _NUMERALS for part in re.split(r"[ 　・]", name) if part) \
                or (re.match(r"[ぁ-ゖ]", name) and re.match(r"[ぁ-ゖ]", text[b - 1:b])) \
                or P.PLACE_AFTER.match(text[e:e + 6]):
            continue                  # 三　法人 (a numbered item), なかつ|た子 (inside a word), 皇宮|警察
        if not name or name in P.NOT_A_NAME or re.search(r"[0-9０-９]", name) or P.POLICE_UNIT.search(name) \
                or name in P.RANKS or any(w in P.ROMAJI_COMMON for w in name.split()):
            continue                  # ... or an English organisation (Okayama Prefectural Police)
        k = bisect_left(starts, b)
        inner = []
        while k < len(toks) and toks[k].b < e:
            inner.append(toks[k])
            k += 1
        words = [x for x in inner if not x.is_space]
        tagged = bool(words) and all(x.is_name for x in words)
        cue = bool(P.PERSON_CONTEXT_AFTER.match(text[e:e + 8])) or _name_context_before(text, b) \
            or _quoted(text, b, e) or bool(re.search(r"(?:" + "|".join(P.RANKS) + r")(?:の|[ 　])?$", text[max(0, b - 6):b]))
        shaped = bool(re.fullmatch(r"[一-龥々ヶ]{1,4}[ 　][一-龥々ヶぁ-ゖァ-ヶー]{1,5}|[ァ-ヶー]+(?:[・＝][ァ-ヶー]+)+"
                                   r"|[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)+", name))
        if (tagged and len(name) >= 2) or cue or (shaped and shapes) or trusted:
            sure.append((b, e, "person"))
        else:
            unsure.append((b, e, "person"))
    return sure, unsure


# The tagger's confidence (its weakest word's marginal probability) from which a proposal that passes
# the checks is masked without review; below it the reviewer decides (docs/decisions.md).
TAGGER_SURE = 0.8
_HOUSE_NUMBER = re.compile(r"番地|[0-9０-９一二三四五六七八九十]+(?:番|号)|[0-9０-９]+[-－][0-9０-９]+")
_NUMERAL = re.compile(r"[0-9０-９一二三四五六七八九十百]")
_AGE_SHAPE = re.compile(r"[0-9０-９]{1,3}|[一二三四五六七八九十百]{1,4}[歳才]|[0-9０-９]{1,3}[歳才]")
_DATE_SHAPE = re.compile(r"年.*月.*日")
_ROMAJI = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
_JAPANESE = re.compile(r"[一-龥々ァ-ヶぁ-ゖ]")
_KATAKANA_DOTTED = re.compile(r"[ァ-ヶー]+(?:・[ァ-ヶー]+)+")
# someone's tie to a workplace later in the clause: …の厨房で働く, …の夜勤職員
_TIE_IN_CLAUSE = re.compile(r"[^、。「」]{0,8}?(?:(?:で|に)(?:働|勤め|勤務|在籍|通っ|通う)|の(?:[一-龥]{0,3})"
                            r"(?:職員|従業員|店員|店長|店主|社長|経営者|園長|院長|校長|教諭|先生|生徒|児童|園児|講師))"
                            # someone's role or department there: …の牧師, …の准教授, …の営業担当, …の医事課
                            r"|の[一-龥ァ-ヶー]{0,5}(?:長|員|師|者|生|士|主|手|職|担当|課|部|係|ヘルパー|スタッフ|オーナー|"
                            r"マネージャー|住職|杜氏)(?![一-龥ァ-ヶー])")
_TITLES = frozenset(P.RANKS + P.HONORIFICS + ("",))
# what may follow a one-character name (林は, 陳さん, 森（45）, 辻、): a particle, a title, a bracket, punctuation
_AFTER_A_SHORT_NAME = re.compile(r"[はがのにをともへや、。，．,.（(「」 　]|さん|様|氏|君|くん|ちゃん|容疑者|被疑者|巡査|警部|$")
_STRUCTURE_BEFORE = re.compile(r"第[0-9０-９一二三四五六七八九十百]+(?:編|章|節|款)[ 　]*$")
_PASSPORT_NAME = re.compile(r"[A-Z]{2,}(?:[ 　][A-Z][A-Z-]+){1,3}")
_ROMAJI_ONLY = re.compile(r"[A-Za-z0-9._\-]+")
# a place that someone comes from or lives in: 長野から来た友人, 広島に住む兄
_PLACE_USE_AFTER = re.compile(r"(?:から(?:来|戻|帰|引っ越|転居|転勤|転入|上京|出張|通勤|通学|移)|に(?:住|在住|転居|転勤|赴任)"
                              r"|在住|出身|の出身|方面)")
_GRADE_END = re.compile(r"[0-9０-９一二三四五六][年](?:[0-9０-９一二三四五六七八九十]+組)?$")
# quotes after these hold a nickname, which bodies and products carry too (愛称は「みらい交通」)
_NICKNAME_BEFORE = re.compile(r"(?:愛称|通称|呼称|商品名|製品名|品名|題名|件名)[はがを：:]?[ 　]?「?$")


def _tagged(text: str, toks: list[_Tok], found: list[tuple[int, int, str]]):
    """The trained tagger's proposals (kb.pii_model) where no found span is, checked by structure and
    split into confident ones and ones for the reviewer.

    A name or a workplace may widen a found one (浜口 → 浜口 ゆいな), a name not by a title alone. Names and workplaces: see
    `_tagged_name` and `_tagged_workplace`. Addresses are confident only down to a house number (番, 号),
    never the scene of an event. An age is confident only right by a name; numbers, which the rules
    find by form, only for review."""
    taken = _Taken(len(text), found)
    starts = [x.b for x in toks]
    names: list[tuple[int, int, bool]] = []
    sure: list[tuple[int, int, str]] = []
    unsure: list[tuple[int, int, str]] = []
    ages: list[tuple[int, int, str]] = []
    for p in pii_model.propose(toks):
        b, e = p.start, p.end
        while b < e and text[b] in " 　「『（(":
            b += 1
        while e > b and text[e - 1] in " 　」』）)":
            e -= 1
        if e - b < 1 or not taken.free(b, e) and not _widens(found, b, e, KIND_TYPES.get(p.kind)):
            continue
        confident = p.confidence >= TAGGER_SURE
        span = text[b:e]
        if p.kind == "PER":
            name = _tagged_name(text, toks, starts, b, e, confident)
            if name == "review":
                unsure.append((b, e, "person"))
            elif name:
                names.append(name)
        elif p.kind == "ORG":
            org = _tagged_workplace(text, toks, starts, b, e)
            if org:
                (sure if org[2] else unsure).append((org[0], org[1], "org_identifying"))
        elif p.kind == "LOC":
            if P.POLICE_UNIT.search(span) or P.SCENE_AFTER.match(text, e) or not _JAPANESE.search(span):
                continue
            (sure if confident and _HOUSE_NUMBER.search(span) else unsure).append((b, e, "address"))
        elif _NUMERAL.search(span):
            number = "age" if _AGE_SHAPE.fullmatch(span) else "birthdate" if _DATE_SHAPE.search(span) else "id_number"
            (ages if number == "age" and confident else unsure).append((b, e, number))
    named_sure, named_unsure = _checked_names(text, toks, [n for n in names if n[2]])
    # a name the tagger is unsure of is confident beside a cue, not by its shape alone
    weak_sure, weak_unsure = _checked_names(text, toks, [n for n in names if not n[2]], shapes=False)
    found_persons = [(b, e) for b, e, t in found if t == "person"]
    # a found name widened only by a title or an honorific (ジョン・スミス氏) stays as found
    named_sure = [x for x in named_sure + weak_sure if not any(
        x[0] <= fb and fe <= x[1] and (text[x[0]:fb] + text[fe:x[1]]).strip(" 　") in _TITLES for fb, fe in found_persons)]
    weak_sure = []
    persons = found_persons + [(b, e) for b, e, _ in named_sure]
    for b, e, t in ages:       # an age right by a name is that person's (坂本トメ、七十八歳); others: review
        (sure if _by_a_name(text, b, e, persons) else unsure).append((b, e, t))
    return sure + named_sure + weak_sure, unsure + named_unsure + weak_unsure


def _tagged_name(text: str, toks: list[_Tok], starts: list[int], b: int, e: int, confident: bool):
    """A name the tagger proposes, for `_checked_names` as (start, end, trusted); "review" for romaji
    (「admin」, Tokyo Tower); None when its structure says it is no one's name:

    - katakana joined by ・ whose parts are all words that are no names (デジタル・カメラ, アメリカ・カナダ);
      a word after the last ・ that is no katakana is cut (…・男性);
    - a place that someone comes from or lives in (長野から来た, 熊本から転勤), a company's account
      (ミライトレード（カ）, a company by its line of business (ヤマト運輸);
    - a name right before a katakana noun: part of a shop's or a brand's name (吉田カバン);
    - the title after a law's 第…編/章/節 (第一章 通則); one character inside a word (張込).
    A proposal made only of common words (通則, スライド) or ending in one after ・ (ディズニー・リゾート,
    チャン・ティ・ラン) is trusted only beside a cue; romaji only in capitals as in a passport (KIM MINJUN)."""
    span = text[b:e]
    inner = toks[bisect_left(starts, b):bisect_left(starts, e)]
    head, _, last = span.rpartition("・")
    if _KATAKANA_DOTTED.fullmatch(head) and not _KATAKANA.match(last):
        e = b + len(head)
    parts = [x for x in inner if x.e <= e and x.s != "・"]
    dotted = bool(_KATAKANA_DOTTED.fullmatch(text[b:e])) and bool(parts)
    if dotted and not any(x.is_name or x.is_oov for x in parts):
        return None
    words = [x for x in inner if x.e <= e and not x.is_space]
    if words and all(x.is_place for x in words) and _PLACE_USE_AFTER.match(text, e) or P.BANK_ENTITY_AFTER.match(text, e) \
            or text[b:e].endswith(P.BUSINESS_LINES + _LINE_OF_BUSINESS_WORDS):
        return None
    k = bisect_left(starts, e)
    if k < len(toks) and toks[k].b == e and _KATAKANA.match(toks[k].s) and _common_noun(toks[k]):
        return None
    if e - b == 1 and not _AFTER_A_SHORT_NAME.match(text, e):
        return None                           # 張込等: one character inside a word
    if _STRUCTURE_BEFORE.search(text, max(0, b - 8), b):
        return None                           # 第一章 通則: a heading of a law, however the dictionary reads it
    if _ROMAJI.search(text[b:e]):
        return (b, e, True) if confident and _PASSPORT_NAME.fullmatch(text[b:e]) else "review"
    plain = all(_common_noun(x) and not also_a_name(x.s) for x in words)
    return b, e, confident and not plain and not (dotted and _common_noun(parts[-1]))


def _tagged_workplace(text: str, toks: list[_Tok], starts: list[int], b: int, e: int):
    """A workplace the tagger proposes as (start, end, confident), or None.

    A shop's kind before its name stays (ネイルサロンLuna → Luna), and so does a kind before a name that
    says its own kind or is a legal name (建設会社「大和田工務店」, …業者有限会社オオタ金属). Dropped: a police unit, a law, one
    dictionary word, a class the law names with 等 (「つきまとい等」), a name with no word of its own
    (通信制高校3年, 県道岡山赤穂線), quotes after 愛称/通称. Confident with a kind before its quotes
    (キャバクラ「クラブ・ルナ」), a tie word before it (勤務先は, 店名は), someone's tie after it (…で働く,
    …の厨房で働く, …の店長) or a grade (倉敷北高2年), unless every word of it is an ordinary word
    (トラック運送 may describe a business); quoted alone it may be a title (「…マニュアル」,
    「…キャンペーン」): the reviewer decides. A public body's facility (岡山県立青少年の家) only with a
    tie after it, and romaji alone (「admin」) never."""
    if text[b - 1:b] == "「" and text.startswith("」", e) and not _NAMES_ITS_KIND.search(text, b, e):
        k = bisect_left(starts, b - 1)       # リサイクルショップ「エコマート」: the kind and the quotes
        while k > 0 and toks[k - 1].e == toks[k].b and b - 1 - toks[k - 1].b <= 10 and _kind_word(toks[k - 1]):
            k -= 1
        if k < bisect_left(starts, b - 1):
            b, e = toks[k].b, e + 1
    span = text[b:e]
    quote = span.find("「")
    if quote > 0 and _NAMES_ITS_KIND.search(text, b + quote + 1, e - (text[e - 1] == "」")):
        b, span = b + quote + 1, span[quote + 1:]          # 建設会社「大和田工務店」: the name says its kind
    marker = _COMPANY_MARKER.search(span, 1)
    if marker and all(_common_noun(x) for x in toks[bisect_left(starts, b):bisect_left(starts, b + marker.start())]):
        b, span = b + marker.start(), span[marker.start():]   # 金属スクラップ業者有限会社オオタ金属
    kind = _SHOP_KIND_FIRST.match(span)
    if kind:
        b, span = b + kind.end(), span[kind.end():]
    name_start = b + span.find("「") + 1           # after a kind, the name is what the quotes hold
    name = text[name_start:e]
    inner = toks[bisect_left(starts, name_start):bisect_left(starts, e)]
    if len(name) < 2 or P.POLICE_UNIT.search(span) or _NOT_NAME_PROPER.fullmatch(name) \
            or name in P.NOT_A_NAME or name.endswith("等") or _one_common_word(name) \
            or not any(_own_name_word(x) for x in inner):
        return None
    opening = text.rfind("「", b, e)
    if opening >= 0 and text.startswith("」", e):
        e += 1
    after = e + 1 if text.startswith("」", e) else e
    tied = bool(P.ORG_TIE_AFTER.match(text, after) or P.BUSINESS_ROLE_AFTER.match(text, after)
                or _TIE_IN_CLAUSE.match(text, after) or _GRADE_END.search(span)
                or P.ORG_TIE_BEFORE.search(text, max(0, b - 13), b - 1 if text[b - 1:b] == "「" else b))
    if _quoted(text, b, e) or opening >= 0 and text.startswith("」", e - 1):
        q = text.rfind("「", max(0, b - 1), e)
        if _NICKNAME_BEFORE.search(text, max(0, q - 8), q):
            return None
        tied = tied or opening > b              # a kind before the quotes: 窯元「陶房ひなた」
    if _PUBLIC_FOUNDER.match(span[span.find("「") + 1:]) and not (P.ORG_TIE_AFTER.match(text, after) or _GRADE_END.search(span)) \
            or _ROMAJI_ONLY.fullmatch(span):
        tied = False
    if opening < 0 and all(_common_noun(x) and not also_a_name(x.s) for x in inner):
        tied = False          # ordinary words may describe a business (トラック運送のドライバー): the reviewer decides
    return b, e, tied


_AGE_AFTER_A_NAME = re.compile(r"(?:さん|様|氏|君|くん|ちゃん)?[ 　]?[（(、,][ 　]?(?:満|推定|当時)?")
_AGE_BEFORE_A_NAME = re.compile(r"[）)]?の|[、,][ 　]?")


def _by_a_name(text: str, b: int, e: int, persons: list[tuple[int, int]]) -> bool:
    """True when the age text[b:e] follows a found name with only a bracket or a comma between
    (井口トキ、八十二歳; 湊（7）) or stands before one with の (七十八歳の藤原勝)."""
    return any(0 <= b - pe <= 6 and _AGE_AFTER_A_NAME.fullmatch(text, pe, b)
               or 0 <= pb - e <= 3 and _AGE_BEFORE_A_NAME.fullmatch(text, e, pb) for pb, pe in persons)


KIND_TYPES = {"PER": "person", "ORG": "org_identifying"}
# a quoted name that says its own kind, or a legal name: the word before the quotes only describes it
# (保育施設「すずらん保育園」, 運送会社「有限会社ハヤセ急便」)
_COMPANY_MARKER = re.compile("|".join(P.COMPANY_MARKERS))
_NAMES_ITS_KIND = re.compile("(?:" + "|".join(P.COMPANY_MARKERS) + ")|(?:" + "|".join(
    P.ORG_SUFFIXES + P.NURSERIES + P.BUSINESS_SUFFIXES + ("病院", "医院", "クリニック", "学校", "学園", "学院")) + ")$")


def _widens(found: list[tuple[int, int, str]], b: int, e: int, kind: str | None) -> bool:
    """True when every found span that [b, e) overlaps lies inside it and is of type `kind` (浜口 in
    浜口 ゆいな, 丸栄工業 in 解体業「丸栄工業」)."""
    overlapping = [(fb, fe, t) for fb, fe, t in found if fb < e and b < fe]
    return bool(overlapping) and all(b <= fb and fe <= e and t == kind for fb, fe, t in overlapping)


def _kind_word(t: _Tok) -> bool:
    """A word of a kind of place written before a quoted name (総合病院「…」, リサイクルショップ「…」)."""
    return t.pos[0] == "名詞" and t.pos[1] == "普通名詞" and not t.is_place and not P.POLICE_UNIT.search(t.s)


def _own_name_word(t: _Tok) -> bool:
    """A word that can make a workplace's name its own: a proper noun (水島臨海化成), an unknown word,
    katakana, romaji, or a hiragana noun (こむぎ畑, ひだまり保育園)."""
    return t.is_proper or t.is_oov or bool(_KATAKANA.match(t.s)) \
        or bool(re.match(r"[A-Za-zＡ-Ｚａ-ｚ]", t.s)) or t.pos[0] == "名詞" and bool(re.fullmatch(r"[ぁ-ゖー]{2,}", t.s))


def _common_noun(t: _Tok) -> bool:
    return t.pos[1] == "普通名詞" and not t.is_oov


def _name_end(text: str, toks: list[_Tok], e: int) -> int:
    """Extend a name cut inside a word to the word's end: 内田 悠|人（30歳） → 内田 悠人."""
    k = bisect_left([x.b for x in toks], e)
    if k < len(toks) and toks[k].b == e and toks[k].pos[0] == "接尾辞" and len(toks[k].s) == 1 \
            and re.match(r"[一-龥]", toks[k].s) and re.match(r"[（(、,さ様氏君くちはが 　]", text[toks[k].e:toks[k].e + 1]):
        return toks[k].e
    return e


# ============================================================================ around a found name

_AGE_AFTER_NAME = re.compile(
    r"[」』]?(?:さん|様|氏|君|くん|ちゃん)?[ 　]?[（(](?P<age>満?(?:[0-9]{1,3}|[一二三四五六七八九十]{1,4})(?:歳|才)?)(?=[）)、,])")
# 伊達 八郎、七十九歳、身長約165センチ: an age listed right after the name
_AGE_LISTED_AFTER_NAME = re.compile(
    r"[、,][ 　]?(?P<age>(?:[0-9]{1,3}|[一二三四五六七八九十百]{1,4})[歳才])(?=[、,）)])")
# an age right before a found name: 農業、七十八歳の藤原勝
_AGE_BEFORE_NAME = re.compile(r"(?<![0-9一二三四五六七八九十百])(?P<age>(?:[0-9]{1,3}|[一二三四五六七八九十百]{1,4})[歳才])の$")
_FULL_NAME_SPACED = re.compile(r"[一-龥々ヶ]{1,4}[ 　][一-龥々ヶぁ-ゖァ-ヶー]{1,5}")
# a full name: kanji family and given name with a space, or katakana parts joined by ・ or ＝
_FULL_NAME = re.compile(_FULL_NAME_SPACED.pattern + r"|[ァ-ヶー]+(?:[・＝][ァ-ヶー]+)+")


def _readings_and_ages(text: str, f: str, chosen: list[tuple[int, int, str]]):
    """What follows a found name in brackets: its reading (王 建国（おう けんこく）) and an age
    without 歳 (小野寺 聡（41）, 福岡 美穂（六十一）)."""
    out = []
    for b0, e, t in chosen:
        if t != "person":
            continue
        m = P.NAME_READING.match(text, e)
        if m and m.group("reading") not in P.NOT_A_NAME:
            out.append((m.start("reading"), m.end("reading"), "person"))
            e = m.end("reading")
            am = re.match(r"[、,][ 　]?(?P<age>(?:[0-9]{1,3}|[一二三四五六七八九十]{1,4})(?:歳|才)?)(?=[）)、,])", f[e:])
            if am:
                out.append((e + am.start("age"), e + am.end("age"), "age"))
            continue
        am = _AGE_AFTER_NAME.match(f, e) \
            or (_FULL_NAME.fullmatch(text[b0:e]) and _AGE_LISTED_AFTER_NAME.match(f, e))
        if am:
            out.append((am.start("age"), am.end("age"), "age"))
        bm = _AGE_BEFORE_NAME.search(f, max(0, b0 - 8), b0)
        if bm:
            out.append((bm.start("age"), bm.end("age"), "age"))     # 七十八歳の藤原勝
    # romaji names as in a passport, when a name cue stands next to them
    for m in P.ROMAJI_WORD.finditer(text):          # one word with a strong cue: KOWALSKIと名乗る, Annaさん
        if m.group() not in P.ROMAJI_COMMON and re.match(r"[ 　]?(?:氏|さん|様|と名乗|と称)", text[m.end():m.end() + 4]):
            out.append((m.start(), m.end(), "person"))
    persons = [(b, e) for b, e, t in chosen if t == "person"]
    for m in P.ROMAJI_NAME.finditer(f):                # on the folded text: Ｍ・ＴＡＮＡＫＡ名義
        if any(w in P.ROMAJI_COMMON for w in re.split(r"[ 　・.]+", m.group())):
            continue
        if re.match(r"[ 　]?(?:氏|さん|様|名義|[（(][ァ-ヶー・＝]+[）)])", text[m.end():m.end() + 40]) \
                or _name_context_before(text, m.start()) or _beside_a_name(text, m.start(), m.end(), persons):
            out.append((m.start(), m.end(), "person"))
    return out


# the same person in another script, in brackets next to the name: グエン・ヴァン・ナム（NGUYEN VAN NAM）,
# 陳 美玲（チン・メイレイ／CHEN MEILING）, Kaito Hasegawa（長谷川 海斗）
_INSIDE_BRACKETS_AFTER = re.compile(r"[ 　]?[（(](?:[^（）()、,／/]{1,20}[、,／/][ 　]?){0,2}$")
_BRACKET_BEFORE = re.compile(r"[ 　]?[（(]")
_BRACKET_CONTENT = re.compile(r"[^（）()]{1,12}(?=[）)])")


def _beside_a_name(text: str, b: int, e: int, persons: list[tuple[int, int]]) -> bool:
    """True when text[b:e] stands in the brackets right after a found name, or a found name stands in
    the brackets right after it."""
    bm = _BRACKET_BEFORE.match(text, e)
    opened = bm.end() if bm else -1
    inside = _BRACKET_CONTENT.match(text, opened) if bm else None
    for pb, pe in persons:
        # a full name fills the brackets after it: Kaito Hasegawa（長谷川 海斗）
        if inside and pb == opened and _FULL_NAME.fullmatch(inside.group()) and "の" not in inside.group():
            return True
        if not _FULL_NAME.fullmatch(text[pb:pe]):
            continue                   # a bare surname may be a company's (青木（Aoki Holdings）)
        if pe <= b and b - pe <= 40 and _INSIDE_BRACKETS_AFTER.match(text[pe:b]) \
                and re.match(r"[ 　]?[）)、,／/]", text[e:e + 2]):
            return True
    return False


# ============================================================================ 「要確認」

def _uncertain(text: str, f: str, toks: list[_Tok], chosen: list[tuple[int, int, str]],
               unsure_ner: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans the reviewer must decide: low-confidence names, unknown katakana words, runs of four or
    more digits and capitalised romaji words that no confident span covers."""
    cands = list(unsure_ner)
    for x in toks:
        if x.is_oov and _KATAKANA.match(x.s) and len(x.s) >= 2:
            cands.append((x.b, x.e, "person"))
    for m in re.finditer(r"(?<![0-9])[0-9]{4,}(?![0-9])", f):
        after = f[m.end():m.end() + 2]
        if re.match(r"(?:年|円|万|億|件|人|名|台|回|m|km|キロ|メートル|号線|番通報|番$)", after) or f[m.start() - 1:m.start()] == "第":
            continue            # years, amounts, counts and routes are the answer's substance
        cands.append((m.start(), m.end(), "id_number"))
    for m in P.ROMAJI_WORD.finditer(f):
        if m.group() not in P.ROMAJI_COMMON:
            cands.append((m.start(), m.end(), "person"))
    # a handle-shaped word in quotes with no keyword before it (ロック画面に「haruka.m」): someone's
    # account name or a file, a product code: the reviewer decides
    for m in _QUOTED_ASCII_HANDLE.finditer(f):
        if not _FILE_OR_DOMAIN.search(m.group("id")):      # files and domains are no one's
            cands.append((m.start("id"), m.end("id"), "id_number"))
    out: list[tuple[int, int, str]] = []
    taken = _Taken(len(text), chosen)
    for b, e, t in sorted(set(cands)):
        if taken.free(b, e):
            out.append((b, e, t))
            taken.take(b, e)
    return out
