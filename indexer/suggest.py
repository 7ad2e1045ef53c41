"""Words to try when a search finds nothing: close spellings from the index vocabulary."""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from indexer.analysis import JapaneseAnalyzer
from kb.access import RESTRICTED, restricted_ids
from kb.anchors import document_url, section_url
from kb.document import KIND_LABELS

SUGGEST_FIELD = "body"   # holds the captions and titles too


@lru_cache(maxsize=1)
def _analyzer():
    return JapaneseAnalyzer()


FEW_HITS = 3      # short words: spelling guesses by edit distance only when a search finds fewer hits
SURE_LENGTH = 4   # an unknown word this long one edit from an indexed one is a typo whatever the hits


def suggest_terms(engine, text: str, limit: int = 5, hits: int | None = None) -> list[str]:
    """Corrected queries ("did you mean"), each replacing words of the query with real indexed words:
    a stretch of kanji the index does not know that reads like an indexed word but for one kanji
    (職務質門 → 職務質問); and an unknown kanji or katakana word one edit from an indexed one
    (ドローンン → ドローン), for a short word only when the search found few hits. Inflected
    words and kana are never rewritten, so a correction stays a real word in its place."""
    text = (text or "")[:200]
    out: list[str] = []
    fixed = text
    snap = engine.snapshot()            # one state of the live index for the whole answer
    for start, end, word in reversed(snap.reading_index().corrections(text)):
        fixed = fixed[:start] + word + fixed[end:]
    if fixed != text:
        out.append(fixed)
    many_hits = hits is not None and hits >= FEW_HITS
    dictionary = snap.dictionary
    spell = snap.speller()
    seen: set[str] = set()
    known = snap.vocabulary()
    for t in _analyzer()(text, chars=True):
        surface = text[t.startchar:t.endchar]
        word = t.text
        # known = used in a document every reader may read: a word only restricted documents use
        # is treated as unknown, like a word no document uses (no side channel either way)
        if (word in seen or len(word) < 2 or surface != word or not _SPELLABLE.match(word)
                or (many_hits and len(word) < SURE_LENGTH) or word in known
                or dictionary.equivalents(surface) or dictionary.equivalents(word)):
            continue
        seen.add(word)
        for c in spell.candidates(word)[:limit]:
            candidate = text[:t.startchar] + c + text[t.endchar:]
            if candidate not in out:
                out.append(candidate)
        if len(out) >= limit or len(seen) >= 8:
            break
    return out[:limit]


_SPELLABLE = re.compile(r"^[一-龥々〆ヵヶァ-ヺーA-Za-z0-9]+$")


class Speller:
    """Indexed words one edit away (symmetric deletes, as SymSpell): a dictionary lookup per
    query word instead of a scan of the lexicon."""

    def __init__(self, words: dict[str, int]):
        self.freq = words
        self.by_delete: dict[str, list[str]] = {}
        for w in words:
            for d in _deletes(w):
                self.by_delete.setdefault(d, []).append(w)

    def candidates(self, word: str) -> list[str]:
        found = set(self.by_delete.get(word, ()))
        for d in _deletes(word):
            found.update(self.by_delete.get(d, ()))
            if d in self.freq:
                found.add(d)
        found.discard(word)
        return sorted(found, key=lambda w: -self.freq[w])


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))} if len(word) > 2 else set()


def _worth_suggesting(word: str) -> bool:
    """Content words only: no single characters, numbers or pure-hiragana function words."""
    return len(word) >= 2 and not word.isdigit() and not all("\u3041" <= c <= "\u309f" for c in word)


# -- type-ahead ---------------------------------------------------------------------------------
TYPEAHEAD_LIMIT = 8
MIN_TERM_SECTIONS = 3
_CAPTION = re.compile(r"[（(]([^）)]+)[）)]\s*$")
_CONTENT_WORD = re.compile(r"^[一-龥々〆ヵヶァ-ヺー][一-龥々〆ヵヶァ-ヺーぁ-ゖ]+$")


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace(" ", "").replace("　", "")


@dataclass(frozen=True)
class Completion:
    key: str
    label: str
    kind: str            # document | heading | term
    url: str | None
    detail: str
    doc_id: str | None
    rank: int            # lower first

    def to_json(self) -> dict:
        return {"label": self.label, "kind": self.kind, "url": self.url, "detail": self.detail}


class TypeAhead:
    """Prefix completions for the search box: law names, article captions, frequent words.

    Built once per index generation from the catalog and the body lexicon; a lookup is a binary
    search, so it is cheap enough for every keystroke.
    """

    def __init__(self, catalog: dict, aliases: dict[str, str], lexicon_terms):
        items: list[Completion] = []
        for doc_id, e in catalog.items():
            url = document_url(doc_id)
            label = KIND_LABELS.get(e["kind"], e["kind"])
            items.append(Completion(_key(e["title"]), e["title"], "document", url, label, doc_id,
                                    0 if e["kind"] != "inquiry" else 1))
            for sid, heading in zip(e.get("sections", []), e.get("headings", []), strict=False):
                m = _CAPTION.search(heading)
                if m:
                    # captions of 附則 (transitional provisions) are rarely what an officer wants
                    items.append(Completion(_key(m.group(1)), m.group(1), "heading", section_url(doc_id, sid),
                                            f"{e['title']} {heading}", doc_id, 3 if sid.startswith("suppl") else 1))
        for name, doc_id in aliases.items():
            if doc_id in catalog:
                items.append(Completion(_key(name), name, "document", document_url(doc_id),
                                        catalog[doc_id]["title"], doc_id, 0))
        for term, sections in lexicon_terms:
            items.append(Completion(_key(term), term, "term", None, f"{sections}件", None, 2))
        items.sort(key=lambda c: (c.key, c.rank))
        self.items = items
        self.keys = [c.key for c in items]

    def complete(self, text: str, readable=lambda doc_id: True, limit: int = TYPEAHEAD_LIMIT) -> list[Completion]:
        prefix = _key(text)
        if not prefix:
            return []
        lo = bisect.bisect_left(self.keys, prefix)
        found: list[Completion] = []
        seen: set[tuple[str, str | None]] = set()
        for c in self.items[lo:lo + 400]:
            if not c.key.startswith(prefix):
                break
            if (c.label, c.url) in seen or (c.doc_id and not readable(c.doc_id)):
                continue
            seen.add((c.label, c.url))
            found.append(c)
        found.sort(key=lambda c: (c.rank, len(c.key), -_sections(c)))
        return found[:limit]


def _sections(c: Completion) -> int:
    return int(c.detail[:-1]) if c.kind == "term" else 0


def closed_docs(reader, catalog: dict) -> set[int]:
    """Document numbers not every reader may read (kb.access), restricted by the catalog or by
    the index itself (a publish commits just before it replaces the catalog), and sections an
    update replaced (they still sit in the postings)."""
    closed = set(reader.postings("confidentiality", RESTRICTED).all_ids()) \
        if reader.doc_frequency("confidentiality", RESTRICTED) else set()
    restricted = restricted_ids(catalog)
    if restricted:
        closed |= {n for n, f in reader.iter_docs() if f.get("doc_id") in restricted}
    if reader.has_deletions():
        closed |= {n for n in range(reader.doc_count_all()) if reader.is_deleted(n)}
    return closed


def open_vocabulary(reader, catalog: dict) -> dict[str, int]:
    """{word: sections} over the body field, counting only sections every reader may read."""
    closed = closed_docs(reader, catalog)
    out: dict[str, int] = {}
    for raw, info in reader.iter_field("body"):
        term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        df = info.doc_frequency()
        if closed:
            df = sum(1 for n in reader.postings("body", term).all_ids() if n not in closed)
        if df:
            out[term] = df
    return out


def open_terms(reader, catalog: dict, fieldname: str) -> frozenset[str]:
    """The terms of a field used in a section every reader may read (the lexicon when all are)."""
    closed = closed_docs(reader, catalog)
    terms = (t.decode("utf-8") for t in reader.lexicon(fieldname))
    if not closed:
        return frozenset(terms)
    return frozenset(t for t in terms if any(n not in closed for n in reader.postings(fieldname, t).all_ids()))


def frequent_terms(vocab: dict[str, int], min_sections: int = MIN_TERM_SECTIONS):
    """(word, sections) for content words used in at least `min_sections` readable sections."""
    for term, df in vocab.items():
        if df >= min_sections and _CONTENT_WORD.match(term):
            yield term, df
