"""A trained tagger for personal data: a linear-chain CRF (python-crfsuite) over Sudachi words.

The hand-written forms of `kb.anonymize` find what they were written for; the tagger learns from
labelled fictional inquiries which words around a span make it a name, a workplace or an address
(の, さん, 「…」の店主, 在籍する …), so it also proposes spans in forms no rule names. It only proposes:
`kb.anonymize` passes each proposal through the same structural checks as GiNZA's names before it
masks anything, and sends the unsure ones to the reviewer.

`kb.pii_training` trains it (`make train-anonymiser`); the model is a file in the package
(`kb/models/pii_crf.bin`), opened once per thread on first use.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple, Protocol

from kb.sudachi import also_a_name

MODEL_PATH = Path(__file__).resolve().parent / "models" / "pii_crf.bin"

# the tagger's four kinds, and the span types of kb.anonymize they stand for
KINDS = {"PER": "person", "ORG": "org_identifying", "LOC": "address", "NUM": "id_number"}
_KIND_OF_TYPE = {"person": "PER", "name": "PER", "org_identifying": "ORG", "workplace": "ORG", "address": "LOC"}

_OPEN, _CLOSE = frozenset("「『（("), frozenset("」』）)")


class Word(Protocol):
    """What the tagger reads of a Sudachi word (kb.anonymize's tokens have it)."""
    @property
    def s(self) -> str: ...
    @property
    def b(self) -> int: ...
    @property
    def e(self) -> int: ...
    @property
    def pos(self) -> tuple: ...


class Proposal(NamedTuple):
    start: int
    end: int
    kind: str          # PER, ORG, LOC or NUM
    confidence: float  # the lowest marginal probability of the span's words


# a word's script: kanji, hiragana, katakana, digits, latin letters, punctuation; M for a mixture
_SHAPES = [(re.compile(pattern), shape) for pattern, shape in (
    (r"[一-龥々〆ヶ]+", "K"), (r"[ぁ-ゖー]+", "H"), (r"[ァ-ヶー・]+", "T"), (r"[0-9]+", "D"), (r"[A-Za-z]+", "A"),
    (r"\W+", "P"))]


def _shape(s: str) -> str:
    return next((shape for pattern, shape in _SHAPES if pattern.fullmatch(s)), "M")


def _word(w: Word) -> dict[str, str | bool]:
    """The features of one word, without the prefix that places it in a window."""
    s = unicodedata.normalize("NFKC", w.s)
    p = w.pos
    f: dict[str, str | bool] = {"w": s, "p01": p[0] + p[1], "p2": p[2], "p3": p[3], "shape": _shape(s),
                                "oov": p[-1] == "oov"}
    if p[0] == "名詞" and p[2] != "人名" and also_a_name(w.s):
        f["alsoname"] = True      # 森, 桑原: common words the dictionary also holds as names
    return f


def features(words: Sequence[Word]) -> list[dict[str, str | bool | float]]:
    """One feature map per word: the word, its part of speech and shape, the same for two words on
    either side, word pairs around it, and whether it stands inside quotes or brackets."""
    surfaces = [unicodedata.normalize("NFKC", w.s) for w in words]
    inside, depth = [], 0
    for w in words:
        if w.s in _CLOSE:
            depth = max(0, depth - 1)
        inside.append(depth > 0)
        if w.s in _OPEN:
            depth += 1
        elif w.s == "。":
            depth = 0
    own = [_word(w) for w in words]            # each word's features once, then placed in each window
    out: list[dict[str, str | bool | float]] = []
    n = len(words)
    for i in range(n):
        s = surfaces[i]
        f: dict[str, str | bool | float] = {"bias": 1.0, **own[i], "len": str(min(len(s), 5)),
                                            "c0": s[:1], "cz": s[-1:], "cz2": s[-2:], "inq": inside[i]}
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                f.update({f"{d}:{k}": v for k, v in own[j].items()})
            else:
                f[f"{d}:edge"] = True
        if i > 1:
            f["-2|-1"] = surfaces[i - 2] + "|" + surfaces[i - 1]
        if i > 0:
            f["-1|0"] = surfaces[i - 1] + "|" + s
        if i + 1 < n:
            f["0|+1"] = s + "|" + surfaces[i + 1]
        if i + 2 < n:
            f["+1|+2"] = surfaces[i + 1] + "|" + surfaces[i + 2]
        out.append(f)
    return out


def labels(text: str, words: Sequence[Word], items: Iterable[dict]) -> list[str]:
    """BIO labels of `words` from a record's personal-data items (every occurrence of each text)."""
    spans = []
    for item in items:
        kind = _KIND_OF_TYPE.get(item["type"], "NUM")
        needle, i = item["text"], text.find(item["text"]) if item["text"] else -1
        while i >= 0:
            spans.append((i, i + len(needle), kind))
            i = text.find(needle, i + 1)
    out = ["O"] * len(words)
    for b, e, kind in sorted(spans, key=lambda s: s[0] - s[1]):       # longer spans first
        first = True
        for k, w in enumerate(words):
            if b <= w.b and w.e <= e or b <= (w.b + w.e) / 2 < e and w.pos[0] != "空白":
                if out[k] == "O":
                    out[k] = ("B-" if first else "I-") + kind
                first = False
    return out


_local = threading.local()


def _tagger():
    """The model, opened once per thread (a crfsuite tagger keeps per-call state)."""
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        import pycrfsuite  # noqa: PLC0415

        tagger = pycrfsuite.Tagger()
        tagger.open(str(MODEL_PATH))
        _local.tagger = tagger
    return tagger


def forget() -> None:
    """Drop the calling thread's open model (after MODEL_PATH changed: training, benchmarks)."""
    _local.__dict__.pop("tagger", None)


def propose(words: Sequence[Word]) -> list[Proposal]:
    """The spans the model tags, with the confidence of the weakest word in each."""
    if not words:
        return []
    tagger = _tagger()
    tags = tagger.tag(features(words))
    out: list[Proposal] = []
    cur: list | None = None
    for i, (w, tag) in enumerate(zip(words, tags, strict=True)):
        if tag == "O":
            if cur:
                out.append(Proposal(*cur))
            cur = None
            continue
        kind, p = tag[2:], tagger.marginal(tag, i)
        if tag.startswith("B-") or cur is None or cur[2] != kind:
            if cur:
                out.append(Proposal(*cur))
            cur = [w.b, w.e, kind, p]
        else:
            cur[1], cur[3] = w.e, min(cur[3], p)
    if cur:
        out.append(Proposal(*cur))
    return out
