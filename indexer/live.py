"""The live index as one immutable snapshot: everything derived from one state of it.

A state is (generation, catalog stamp, dictionary stamp): a full build switches the generation, a
publish or an editor save replaces catalog.json inside it, a maintainer edits the search
dictionary. For one state a Snapshot holds the catalog and what is derived from it (law names,
link library, basis, restricted documents) and from the index (reading vocabulary, the readable
vocabulary, type-ahead, speller, reading corrections). Parts are built on first use, once; when
any part of the state changes the engine builds a new Snapshot and swaps the reference, so a
request that holds a snapshot sees one consistent state, and nothing is attached to the engine
from outside.

Every vocabulary is built from documents every reader may read (kb.access.open_to_every_reader):
a word only restricted documents use is never offered, counted or corrected to.

Rebuilding the readable vocabulary reads every posting (a second on a large index), so a new
snapshot of the same generation and the same restricted documents reuses the previous one's
vocabulary-derived parts for up to REFRESH_SECONDS (docs/decisions.md); a change of which
documents are restricted never reuses them.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as windex

from indexer import generations
from indexer.catalog import catalog_stamp, read_catalog
from indexer.dictionary import SearchDictionary, load_dictionary
from indexer.readings import ReadingIndex
from indexer.refs import LawNames
from indexer.suggest import Speller, TypeAhead, frequent_terms, open_terms, open_vocabulary
from kb.access import open_to_every_reader, restricted_ids
from kb.crossrefs import Library
from kb.document import OFFICIAL_KINDS

# Ordinary publishes and saves refresh words and counts at most this often; a change of which
# documents are restricted takes effect at once (it decides what may be shown at all).
REFRESH_SECONDS = 30.0


@dataclass(frozen=True)
class State:
    """What identifies one snapshot of the live index."""
    generation: str
    catalog: tuple | None
    dictionary: tuple | None


class Snapshot:
    """One state of the live index and everything derived from it (see the module docstring)."""

    def __init__(self, state: State, path: Path, ix, catalog: dict, dictionary: SearchDictionary,
                 previous: Snapshot | None = None):
        self.state = state
        self.path = path
        self.ix = ix
        self.catalog = catalog
        self.dictionary = dictionary
        self.restricted = restricted_ids(catalog)
        self._lock = threading.RLock()
        self._parts: dict[str, tuple] = {}          # name -> (value, built at, own)
        if previous is not None:
            self._inherit(previous)

    # -- parts built once -------------------------------------------------------------------
    def _part(self, name: str, build):
        part = self._parts.get(name)
        if part is None or (not part[2] and time.monotonic() - part[1] > REFRESH_SECONDS):
            with self._lock:
                part = self._parts.get(name)
                if part is None or (not part[2] and time.monotonic() - part[1] > REFRESH_SECONDS):
                    part = (build(), time.monotonic(), True)
                    self._parts[name] = part
        return part[0]

    def _inherit(self, previous: Snapshot) -> None:
        """Take over the previous snapshot's index-derived parts where they still hold."""
        if previous.state.generation != self.state.generation:
            return
        with previous._lock:
            parts = dict(previous._parts)
        if previous.restricted != self.restricted:
            return
        # the reading field is read once per generation and restricted set (as before the
        # snapshot: a publish inside a generation does not re-read it)
        if "reading_vocab" in parts:
            self._parts["reading_vocab"] = (parts["reading_vocab"][0], 0.0, True)
        if "reading_index" in parts:
            self._parts["reading_index"] = (parts["reading_index"][0], 0.0, True)
        now = time.monotonic()
        for name in ("vocabulary", "speller", "typeahead"):
            if name in parts and now - parts[name][1] <= REFRESH_SECONDS:
                # provisional: rebuilt on first use once REFRESH_SECONDS have passed since built
                self._parts[name] = (parts[name][0], parts[name][1], False)
        if "typeahead" in parts and previous.state.dictionary != self.state.dictionary:
            del self._parts["typeahead"]             # its law names come from the dictionary

    # -- names and links --------------------------------------------------------------------
    def law_names(self) -> LawNames:
        """Titles and short names of the documents (for article references)."""
        def build():
            titles = {doc_id: e["title"] for doc_id, e in self.catalog.items()}
            return LawNames(titles, {**defined_aliases(self.catalog, titles), **self.dictionary.law_aliases})
        return self._part("law_names", build)

    def scope_names(self) -> LawNames:
        """Titles and short names of the laws, rules and 通達 only: what may scope a search. A
        manual's or an inquiry's title is ordinary words (「交番での遺失物の扱い」)."""
        def build():
            names = self.law_names()
            titles = {d: t for d, t in names.doc_titles.items()
                      if self.catalog.get(d, {}).get("kind") in OFFICIAL_KINDS}
            return LawNames(titles, {n: d for n, d in names.aliases.items() if d in titles})
        return self._part("scope_names", build)

    def link_library(self) -> Library:
        """Documents citations may link to; restricted ones are left out, so a link never
        reveals one to a reader."""
        def build():
            sections = {d: set(e["sections"]) for d, e in self.catalog.items() if open_to_every_reader(e)}
            by_name = {n: d for n, d in self.law_names().by_name.items() if d in sections}
            return Library(by_name, sections)
        return self._part("link_library", build)

    def basis(self) -> dict[str, list[str]]:
        """Inquiry id → the sections it cites as its basis."""
        return self._part("basis", lambda: {d: e.get("basis") for d, e in self.catalog.items() if e.get("basis")})

    # -- vocabularies -----------------------------------------------------------------------
    def reading_vocab(self) -> frozenset[str]:
        """The readings of documents every reader may read (for kana queries)."""
        def build():
            with self.ix.reader() as reader:
                return open_terms(reader, self.catalog, "reading")
        return self._part("reading_vocab", build)

    def vocabulary(self) -> dict[str, int]:
        """Body words with the sections using them, in documents every reader may read."""
        def build():
            # a reader of its own: a thread's searcher may be replaced (closed) meanwhile
            with self.ix.reader() as reader:
                return open_vocabulary(reader, self.catalog)
        return self._part("vocabulary", build)

    def speller(self) -> Speller:
        """Close spellings among the readable vocabulary (did-you-mean)."""
        return self._part("speller", lambda: Speller(dict(frequent_terms(self.vocabulary(), 1))))

    def typeahead(self) -> TypeAhead:
        """Prefix completions: titles, captions, the dictionary's law names, frequent words."""
        return self._part("typeahead", lambda: TypeAhead(self.catalog, self.dictionary.law_aliases,
                                                         list(frequent_terms(self.vocabulary()))))

    def reading_index(self) -> ReadingIndex:
        """Readable words by reading (kana queries, same-reading typos): no correction ever
        points at a restricted word."""
        return self._part("reading_index", lambda: ReadingIndex.from_terms(dict(frequent_terms(self.vocabulary(), 1))))


def defined_aliases(catalog: dict, titles: dict[str, str]) -> dict[str, str]:
    """Short names the official texts define for laws the corpus holds (刑訴法 → law-keiji-sosho-ho),
    from 「刑事訴訟法（昭和二十三年法律第百三十一号。以下「刑訴法」という。）」."""
    by_title = {t: d for d, t in titles.items()}
    out: dict[str, str] = {}
    for entry in catalog.values():
        for short, full in (entry.get("defines") or {}).items():
            if full in by_title:
                out.setdefault(short, by_title[full])
    return out


class LiveIndex:
    """The current Snapshot of an index home, swapped atomically when its state changes."""

    def __init__(self, home: Path, dictionary_dir: Path | None = None):
        self.home = Path(home)
        self.dictionary_dir = dictionary_dir
        self._lock = threading.Lock()
        self._current: Snapshot | None = None

    def current(self) -> Snapshot:
        """The snapshot of the live state (a few stats; a new one when anything changed)."""
        snap = self._current
        name = generations.current_name(self.home)
        dictionary = load_dictionary(self.dictionary_dir)
        if snap is not None and name == snap.state.generation:
            if catalog_stamp(snap.path) == snap.state.catalog and dictionary.stamp == snap.state.dictionary:
                return snap
        with self._lock:
            snap = self._current
            path = generations.current_path(self.home)
            state = State(path.name, catalog_stamp(path), dictionary.stamp)
            if snap is None or snap.state != state:
                ix = snap.ix if snap is not None and snap.state.generation == state.generation else windex.open_dir(str(path))
                snap = Snapshot(state, path, ix, read_catalog(path), dictionary, previous=snap)
                self._current = snap
        return snap
