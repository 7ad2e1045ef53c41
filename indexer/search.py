"""Search over the live index generation: query building, filtering, ranking, snippets."""
from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as Q, scoring

from indexer import generations
from indexer.missing import missing_laws
from indexer.dictionary import load_dictionary
from kb.paragraphs import anchor_at, anchor_suffix, article_of
from indexer.query import FULL, QueryPlan, Ranking, plan_query
from indexer.rerank import ranked_by_coverage
from indexer.scoring import LRU, leaf_key
from kb.anchors import section_key, section_url

MAX_QUERY_CHARS = 200
RESULT_CACHE_SIZE = 1024       # searches remembered per process; KB_RESULT_CACHE=0 turns it off
MAX_LIMIT = 100
SCOPING_KINDS = ("law", "regulation", "notice")   # documents whose name in a query scopes it


@dataclass
class Hit:
    doc_id: str
    doc_title: str
    kind: str
    section_id: str
    heading: str
    breadcrumb: list[str]
    text: str
    snippet: str
    url: str
    score: float
    status: str = "in_force"
    in_force: bool = True
    date: str = ""
    department: str = ""
    origin: dict | None = None       # {org, published, updated} of a case from another prefecture
    paragraph: str = ""        # the 項/号 the words fell in (kb.paragraphs), e.g. para-2; "" for the whole

    def to_json(self) -> dict:
        # a shallow copy: dataclasses.asdict deep-copies field by field (1.6 ms for a page of 10)
        out = {"id": section_key(self.doc_id, self.section_id), **self.__dict__,
               "breadcrumb": list(self.breadcrumb)}
        del out["paragraph"]
        return out

    @property
    def target(self) -> str:
        """The link to the 項/号 that matched when there is one, else to the section."""
        if not self.paragraph:
            return self.url
        return f"/docs/{self.doc_id}#{article_of(self.section_id)}-{self.paragraph}"


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    elapsed_ms: float = 0.0
    message: str = ""          # shown to users (Japanese), e.g. when the query was cut
    page: int = 1
    limit: int = 10
    facets: dict = field(default_factory=dict)
    article: dict | None = None   # the section the query named (警職法2条), offered as この条文を開く
    expanded: list = field(default_factory=list)   # [{"term": 職質, "synonyms": [職務質問]}] also searched
    missing: list = field(default_factory=list)    # laws or rules the query names that the corpus lacks

    def to_json(self) -> dict:
        return {"query": self.query, "total": self.total, "hits": [h.to_json() for h in self.hits],
                "page": self.page, "limit": self.limit, "elapsed_ms": round(self.elapsed_ms, 1),
                "message": self.message, "facets": self.facets, "article": self.article,
                "expanded": self.expanded, "missing": self.missing}


@dataclass
class Filters:
    kinds: tuple[str, ...] = ()
    department: str | None = None
    in_force_only: bool = False
    include_shared: bool = True      # 他県事例を含む
    # Confidentiality levels and roles the caller may read (None = everything, e.g. the CLI).
    access: "Access | None" = None


@dataclass(frozen=True)
class Access:
    """What a reader may see: levels and their role/department names for restricted documents."""
    levels: tuple[str, ...] = ("public",)
    groups: tuple[str, ...] = ()

    def can_read(self, confidentiality: str, allowed=()) -> bool:
        """The same rule as filter_query, for one document's metadata."""
        if confidentiality == "restricted" and "restricted" not in self.levels:
            return bool(set(self.groups) & set(allowed or ()))
        return confidentiality in self.levels

    def can_read_entry(self, entry: dict | None) -> bool:
        """The rule for a catalog entry (False for a document not in the catalog)."""
        return bool(entry) and self.can_read(entry.get("confidentiality", "public"), entry.get("allowed"))


class SearchEngine:
    """One long-lived Whoosh searcher per process, reopened when the live generation changes."""

    def __init__(self, home: Path, dictionary: Path | None = None, ranking: Ranking = FULL):
        self.home = Path(home)
        self.ranking = ranking
        self.dictionary_dir = Path(dictionary) if dictionary else None
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._ix = None
        self._searcher = None
        self._local = threading.local()
        self._vocab = None
        self._names = None
        self._reading_vocab = None
        self.catalog: dict = {}
        self._results: OrderedDict = OrderedDict()
        self.cache_size = int(os.environ.get("KB_RESULT_CACHE", RESULT_CACHE_SIZE))

    # -- index access -------------------------------------------------------------------
    @property
    def generation(self) -> str | None:
        return self._generation

    @property
    def state(self) -> tuple:
        """What the live index holds: the generation and its catalog's stamp (a publish or an
        editor save rewrites catalog.json inside a generation). Caches derived from the catalog
        (type-ahead, speller) are keyed on it."""
        return self._generation, getattr(self, "_catalog_stamp", None)

    def _refresh(self):
        name = generations.current_name(self.home)
        if name != self._generation or self._ix is None:
            with self._lock:
                if name != self._generation or self._ix is None:
                    from whoosh import index as windex
                    path = generations.current_path(self.home)
                    from indexer.build import read_catalog
                    self._ix = windex.open_dir(str(path))
                    self.catalog = read_catalog(path)
                    self._generation = path.name
                    self._vocab = None
                    self._names = None
                    self._catalog_stamp = _catalog_stamp(path)
        self._reload_catalog_if_changed()
        return self._ix

    # -- catalog reload (indexer.updates replaces catalog.json inside the live generation) --
    def _reload_catalog_if_changed(self):
        """One stat per request: reload catalog.json when a publish replaced it."""
        path = self.home / self._generation
        stamp = _catalog_stamp(path)
        if stamp != getattr(self, "_catalog_stamp", None):
            from indexer.build import read_catalog
            with self._lock:
                if stamp != getattr(self, "_catalog_stamp", None):
                    self.catalog = read_catalog(path)
                    self._names = None
                    self._catalog_stamp = stamp

    def law_names(self):
        """Titles and short names of the documents of the live generation (for article references)."""
        from indexer.dictionary import load_dictionary
        from indexer.refs import LawNames
        self._refresh()
        d = load_dictionary(self.dictionary_dir)
        cached = self._names
        if cached is None or cached[0] != d.stamp:
            titles = {doc_id: e["title"] for doc_id, e in self.catalog.items()}
            cached = self._names = (d.stamp, LawNames(titles, {**defined_aliases(self.catalog, titles),
                                                                **d.law_aliases}))
        return cached[1]

    def scope_names(self):
        """Titles and short names of the laws, rules and 通達 only: what may scope a search. A
        manual's or an inquiry's title is ordinary words (「交番での遺失物の扱い」)."""
        from indexer.refs import LawNames
        names = self.law_names()
        cached = getattr(self, "_scope_names", None)
        if cached is None or cached[0] is not names:
            titles = {d: t for d, t in names.doc_titles.items()
                      if self.catalog.get(d, {}).get("kind") in SCOPING_KINDS}
            aliases = {n: d for n, d in names.aliases.items() if d in titles}
            cached = self._scope_names = (names, LawNames(titles, aliases))
        return cached[1]

    def link_library(self):
        """Documents citations may link to (kb.crossrefs.Library) in the live generation.
        Restricted documents are left out, so a link never reveals one to a reader."""
        from kb.crossrefs import Library
        names = self.law_names()
        cached = getattr(self, "_library", None)
        if cached is None or cached[0] is not names:
            sections = {d: set(e["sections"]) for d, e in self.catalog.items()
                        if e.get("confidentiality") != "restricted"}
            by_name = {n: d for n, d in names.by_name.items() if d in sections}
            cached = self._library = (names, Library(by_name, sections))
        return cached[1]

    def restricted_ids(self) -> frozenset[str]:
        """Ids of the live catalog's restricted documents (cached per index state)."""
        cached = getattr(self, "_restricted", None)
        if cached is None or cached[0] != self.state:
            ids = frozenset(d for d, e in self.catalog.items() if e.get("confidentiality") == "restricted")
            cached = self._restricted = (self.state, ids)
        return cached[1]

    def superseded_unseen(self, access: "Access | None") -> frozenset[str]:
        """Documents superseded only by a successor `access` may not read: in force for that
        reader (kb.succession), so neither their status nor 施行中のみ reveals the successor."""
        if access is None:
            return frozenset()
        catalog = self.catalog
        return frozenset(d for d, e in catalog.items()
                         if e.get("status") == "superseded" and e.get("superseded_by")
                         and e["superseded_by"] in catalog and not access.can_read_entry(catalog[e["superseded_by"]]))

    def departments(self, access: "Access | None") -> list[str]:
        """所管 values of the documents `access` may read (the search page's filter)."""
        return sorted({e["department"] for e in self.catalog.values()
                       if e.get("department") and (access is None or access.can_read_entry(e))})

    def basis_map(self) -> dict[str, list[str]]:
        """Inquiry id → the sections it cites as its basis (from the catalog, cached with it)."""
        stamp = getattr(self, "_catalog_stamp", None)
        cached = getattr(self, "_basis", None)
        if cached is None or cached[0] != (self._generation, stamp):
            basis = {d: e.get("basis") for d, e in self.catalog.items() if e.get("basis")}
            cached = self._basis = ((self._generation, stamp), basis)
        return cached[1]

    def resolve_ref(self, text: str):
        """The section a query names (警職法2条), if it exists in the live generation."""
        from indexer.refs import SectionRef, resolve_query_ref
        names = self.law_names()
        ref = resolve_query_ref(text, names)
        if ref is None and "通達" in text:
            # 「通達 記2(1)」 without a name: the one notice that has that item
            from kb.citations import find_notice_item
            item = find_notice_item(text)
            owners = [d for d, e in self.catalog.items() if e["kind"] == "notice" and item in e["sections"]]
            if item and len(owners) == 1:
                ref = SectionRef(owners[0], item, f"{names.doc_titles[owners[0]]} {item}")
        if ref is None or ref.doc_id not in self.catalog:
            return None
        sections = self.catalog[ref.doc_id]["sections"]
        if ref.section_id not in sections:
            return None
        return ref

    def index(self):
        """The live generation's Whoosh index (for a reader of one's own)."""
        return self._refresh()

    def searcher(self):
        """A searcher for the calling thread on the live generation (Whoosh searchers are not shared)."""
        ix = self._refresh()
        s = getattr(self._local, "searcher", None)
        if s is None or getattr(self._local, "generation", None) != self._generation:
            if s is not None:
                s.close()
            s = _opened(ix.searcher(weighting=weighting(self.ranking)))
            self._local.searcher = s
            self._local.generation = self._generation
        elif not s.up_to_date():
            # a fresh searcher, not s.refresh(): refresh reuses segment readers by segment id and
            # keeps their old deletion sets, so an edited or removed document would still be found
            s.close()
            s = _opened(ix.searcher(weighting=weighting(self.ranking)))
            self._local.searcher = s
        return s

    def plan(self, text: str) -> QueryPlan:
        from indexer.dictionary import load_dictionary
        return plan_query(text, load_dictionary(self.dictionary_dir), self.ranking, self.reading_vocab(),
                          self.reading_index() if self.ranking.readings else None)

    def reading_index(self):
        """Indexed words by reading (kana queries, same-reading typos), built once per generation."""
        from indexer.readings import ReadingIndex
        from indexer.suggest import frequent_terms, vocabulary
        self._refresh()
        key = (self._generation, self.restricted_ids())
        cached = getattr(self, "_reading_index", None)
        if cached is None or cached[0] != key:
            # words of readable documents only: no correction ever points at a restricted word
            terms = dict(frequent_terms(vocabulary(self), 1))
            with self._lock:
                cached = getattr(self, "_reading_index", None)
                if cached is None or cached[0] != key:
                    cached = self._reading_index = (key, ReadingIndex.from_terms(terms))
        return cached[1]

    def reading_vocab(self) -> frozenset[str]:
        """Every reading in the live generation's reading field (for kana queries), loaded once."""
        if not self.ranking.readings:
            return frozenset()
        self._refresh()
        vocab = self._reading_vocab
        if vocab is None or vocab[0] != self._generation:
            with self._ix.reader() as r:
                words = frozenset(t.decode("utf-8") for t in r.lexicon("reading"))
            vocab = self._reading_vocab = (self._generation, words)
        return vocab[1]

    # -- search -------------------------------------------------------------------------
    def search(self, text: str, limit: int = 10, page: int = 1, filters: Filters | None = None,
                highlight_hits: bool = True, with_facets: bool = False) -> SearchResult:
        """Search the live generation; results are cached per index state (generation, published
        changes, dictionary), query, filters and reader access, so a repeated search is cheap."""
        from indexer.dictionary import load_dictionary
        t0 = time.perf_counter()
        self._refresh()
        key = (self._generation, getattr(self, "_catalog_stamp", None),
               load_dictionary(self.dictionary_dir).stamp, text, limit, page, repr(filters),
               highlight_hits, with_facets)
        with self._lock:
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
        if cached is not None:
            out = copy.copy(cached)
            out.elapsed_ms = (time.perf_counter() - t0) * 1000
            return out
        result = self._search_uncached(text, limit, page, filters, highlight_hits, with_facets)
        if not self.cache_size:
            return result
        with self._lock:
            self._results[key] = result
            while len(self._results) > self.cache_size:
                self._results.popitem(last=False)
        return copy.copy(result)

    def _search_uncached(self, text: str, limit: int = 10, page: int = 1, filters: Filters | None = None,
                         highlight_hits: bool = True, with_facets: bool = False) -> SearchResult:
        t0 = time.perf_counter()
        filters = filters or Filters()
        limit = max(1, min(int(limit or 10), MAX_LIMIT))
        page = max(1, int(page or 1))
        text = unicodedata.normalize("NFKC", text or "").strip()
        message = ""
        if len(text) > MAX_QUERY_CHARS:
            text = text[:MAX_QUERY_CHARS]
            message = f"検索語が長すぎるため、先頭の{MAX_QUERY_CHARS}文字で検索しました。"
        result = SearchResult(query=text, total=0, message=message, page=page, limit=limit)
        if not text:
            result.message = result.message or "検索語を入力してください。"
            return result
        plan = self.plan(text)
        if plan.query is None:
            result.message = result.message or "検索できる語が含まれていません。別の言葉でお試しください。"
            return result
        spelled = load_dictionary(self.dictionary_dir).spelling
        result.expanded = [{"term": c.text, "synonyms": [spelled(x) for x in c.synonyms[:4]]}
                           for c in plan.concepts if c.synonyms]
        if self.ranking.references:
            result.missing = missing_laws(text, self.scope_names())
        s = self.searcher()
        unseen = self.superseded_unseen(filters.access)
        mask = filter_query(filters, also_in_force=unseen)
        ref = self.resolve_ref(text) if self.ranking.references else None
        scope = None
        if self.ranking.scoping and not ref:
            named = self.scope_names().find_name(text)
            if named:
                # within the named document its name tells sections apart no more: rank by the rest
                rest = (text[:named[0]] + " " + text[named[1]:]).strip()
                rest_plan = self.plan(rest) if rest else None
                scope = (named[2], rest_plan.query if rest_plan and rest_plan.query is not None else plan.query)
        basis = self.basis_map()
        hits = run_plan(s, plan, mask, page, limit, ref.key if ref else None, scope,
                        basis if self.ranking.priors else None, self.ranking.scope_boost,
                        self.ranking if self.ranking.coverage_weight else None)
        result.total = hits.total
        result.hits = [to_hit(h, plan, highlight_hits) for h in hits]
        for h in result.hits:
            if h.doc_id in unseen:
                h.status, h.in_force = "in_force", True
        if ref and hits.jumped:
            result.article = {"doc_id": ref.doc_id, "section_id": ref.section_id, "label": ref.label,
                              "url": f"/docs/{ref.doc_id}#{ref.section_id}{paragraph_named(text)}"}
        if with_facets:
            result.facets = {"kind": kind_counts(s, plan, filters, hits.matches, unseen)}
        result.elapsed_ms = (time.perf_counter() - t0) * 1000
        return result


def defined_aliases(catalog: dict, titles: dict[str, str]) -> dict[str, str]:
    """Short names the official texts define for laws the corpus holds (刑訴法 → law-keiji-sosho-ho),
    from 「刑事訴訟法（昭和二十三年法律第百三十一号。以下「刑訴法」という。）」."""
    by_title = {t: d for d, t in titles.items()}
    out = {}
    for entry in catalog.values():
        for short, full in (entry.get("defines") or {}).items():
            if full in by_title:
                out.setdefault(short, by_title[full])
    return out


def matched_paragraph(body: str, needles: tuple[str, ...]) -> str:
    """The 項/号 (kb.paragraphs) holding most of the matched characters the snippet shows; "" for
    the article as a whole (first 項, or no structure)."""
    from collections import Counter
    from indexer.snippets import densest_matches
    weight: Counter = Counter()
    for start, end in densest_matches(body, needles):
        weight[anchor_at(body, start) or ""] += end - start
    return max(weight, key=lambda k: weight[k]) if weight else ""


def paragraph_named(text: str) -> str:
    """「-para-2」 when the query names a 項 or 号 (警職法2条2項, 銃刀法3条1項2号), else ""."""
    from kb.citations import find_articles
    refs = find_articles(unicodedata.normalize("NFKC", text))
    if not refs or not (refs[0].paragraph or refs[0].item):
        return ""
    suffix = anchor_suffix(refs[0].paragraph or 1, refs[0].item)
    return f"-{suffix}" if suffix else ""


def _opened(searcher):
    """The searcher with each segment's stored-fields column open now: Whoosh opens it on first
    use, and a merge by the single writer may delete the old segment's files before that (the
    first hit then found no column and the search failed). An open file outlives its deletion."""
    for leaf, _ in searcher.reader().leaf_readers():
        if leaf.doc_count_all():
            try:
                leaf.stored_fields(0)
            except (OSError, TypeError):
                pass                      # gone already: this searcher is replaced on next use
    return searcher


def _catalog_stamp(gen_dir: Path):
    import os
    try:
        st = os.stat(Path(gen_dir) / "catalog.json")
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def weighting(ranking: Ranking = FULL):
    from indexer.scoring import WeightedBM25F
    if not ranking.priors:
        return scoring.BM25F()
    return WeightedBM25F(B=0.6, K1=1.2, heading_B=0.3, doc_title_B=0.2)


def filter_query(f: Filters, also_in_force=frozenset()):
    """A Whoosh filter query for the chosen filters and the reader's access (None = no filter).
    also_in_force: documents in force for this reader although indexed as superseded."""
    parts = []
    if f.kinds:
        parts.append(Q.Or([Q.Term("kind", k) for k in f.kinds]))
    if f.department:
        parts.append(Q.Term("department", f.department))
    if f.in_force_only:
        in_force = Q.Term("in_force", True)
        parts.append(Q.Or([in_force] + [Q.Term("doc_id", d) for d in sorted(also_in_force)])
                     if also_in_force else in_force)
    if not f.include_shared:
        parts.append(Q.Not(Q.Term("shared", True)))
    if f.access is not None:
        allowed = [Q.Term("confidentiality", lvl) for lvl in f.access.levels if lvl != "restricted"]
        if "restricted" in f.access.levels:
            allowed.append(Q.Term("confidentiality", "restricted"))
        elif f.access.groups:
            allowed.append(Q.And([Q.Term("confidentiality", "restricted"),
                                  Q.Or([Q.Term("allowed", g) for g in f.access.groups])]))
        parts.append(Q.Or(allowed) if allowed else Q.NullQuery)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


class _Page(list):
    total = 0
    jumped = False
    matches = None     # {docnum: score} of the query `total` counts (term-at-a-time path only)


_masks = LRU(2_000_000)      # document numbers of filters, all filters together


def mask_docs(searcher, mask) -> frozenset | None:
    """The document numbers a filter query allows (None = all), cached per index state: the
    same few filters (access level, in force, kind) come with every search."""
    if mask is None:
        return None
    key = (tuple(leaf_key(sub.reader()) for sub, _ in searcher.leaf_searchers()), repr(mask))
    docs = _masks.get(key)
    if docs is None:
        docs = frozenset(searcher.docs_for_query(mask))
        _masks.put(key, docs, len(docs) + 1)
    return docs


def ranked(searcher, q: Q.Query, mask, wanted: int):
    """(the best `wanted` hits, how many match, {docnum: score} or None) for q under the filter.
    Term-at-a-time (indexer.scoring) when q is made of terms under Or/And, as our plans are;
    Whoosh's own matchers otherwise."""
    from indexer.scoring import ScoredDoc, match_scores, supported, top_docs
    if isinstance(searcher.weighting, scoring.BM25F) and supported(q):
        scores = match_scores(searcher, q)
        allowed = mask_docs(searcher, mask)
        best = top_docs(scores, wanted, allowed)
        total = len(scores) if allowed is None else len(scores.keys() & allowed)
        return [ScoredDoc(searcher, d, sc) for d, sc in best], total, scores
    results = searcher.search(q, limit=wanted, filter=mask)
    return list(results), len(results), None


def run_plan(searcher, plan: QueryPlan, mask, page: int, limit: int, jump_key: str | None = None,
             scope: tuple[str, Q.Query] | None = None, basis: dict | None = None,
             scope_boost: float = 0.0, coverage: Ranking | None = None):
    """Execute the plan. A section the query names by article goes first; when the query names a
    document (軽犯罪法 のぞき), that document's matching sections come before the others.
    coverage: re-order the top hits by how much of the query they cover (indexer.rerank); not
    when a named document scopes them (its name is then what the other hits share)."""
    wanted = page * limit
    first = None
    if coverage is not None and scope is None and isinstance(searcher.weighting, scoring.BM25F):
        first = ranked_by_coverage(searcher, plan, mask_docs(searcher, mask), wanted, coverage)
    ranked_hits, total, matches = first or ranked(searcher, plan.query, mask, wanted)
    if plan.fallback is not None:
        # sections with every concept first, then the best of the rest (AND first, OR after)
        broad, total, matches = ranked(searcher, plan.fallback, mask, wanted)
        if len(ranked_hits) < plan.min_strict:
            ranked_hits = []
        keys = {h["key"] for h in ranked_hits}
        ranked_hits += [h for h in broad if h["key"] not in keys]
    if scope and scope_boost:
        # the named document's sections weigh more, the others keep their place by score
        scope_doc = scope[0]
        more, total, matches = ranked(searcher, plan.query, mask, wanted * 4)
        ranked_hits = sorted(more, key=lambda h: -h.score * (scope_boost if h["doc_id"] == scope_doc else 1.0))
        ranked_hits = ranked_hits[:wanted]
    elif scope:
        scope_doc, scope_query = scope
        in_doc = Q.Term("doc_id", scope_doc)
        scoped, _, _ = ranked(searcher, scope_query, Q.And([mask, in_doc]) if mask is not None else in_doc,
                              wanted)
        keys = {h["key"] for h in scoped}
        ranked_hits = scoped + [h for h in ranked_hits if h["key"] not in keys]
    if basis:
        ranked_hits = authority_first(ranked_hits, basis)
    jumped = False
    if jump_key:
        named, _, _ = ranked(searcher, Q.Term("key", jump_key), mask, 1)
        if named:
            jumped = True
            rest = [h for h in ranked_hits if h["key"] != jump_key]
            total += len(rest) == len(ranked_hits)
            ranked_hits = [named[0]] + rest
    out = _Page(ranked_hits[(page - 1) * limit: wanted])
    out.total = total
    out.jumped = jumped
    out.matches = matches
    return out


def kind_counts(searcher, plan: QueryPlan, filters: Filters, matches: dict | None,
                also_in_force=frozenset()) -> dict[str, int]:
    """Hits per kind under every filter except the kind filter itself (so chips can show counts):
    set intersections over the matches run_plan counted (the broad query's when an AND-first tier
    is in use), or a second Whoosh query when run_plan had no term-at-a-time matches."""
    from dataclasses import replace as dc_replace
    if matches is None:
        from indexer.facets import kind_counts as whoosh_kind_counts
        return whoosh_kind_counts(searcher, plan, filters, also_in_force)
    allowed = mask_docs(searcher, filter_query(dc_replace(filters, kinds=()), also_in_force))
    found = matches.keys() if allowed is None else matches.keys() & allowed
    out = {}
    for kind in searcher.reader().field_terms("kind"):
        n = len(found & mask_docs(searcher, Q.Term("kind", kind)))
        if n:
            out[str(kind)] = n
    return out


def authority_first(ranked: list, basis: dict[str, list[str]]) -> list:
    """An answered inquiry that outranks the very section it cites as its basis yields to it:
    the official text first, the desk's explanation right after."""
    out = list(ranked)
    i = 0
    while i < len(out):
        cited = basis.get(out[i]["doc_id"])
        # only inquiries cite: the rest is not scanned (a scan per hit made deep pages quadratic,
        # 0.9 s for page 50 of 警職法2条)
        later = next((j for j in range(i + 1, len(out)) if out[j]["key"] in cited), None) if cited else None
        if later is not None:
            out.insert(i, out.pop(later))
        i += 1
    return out


def to_hit(h, plan: QueryPlan, with_snippet: bool) -> Hit:
    from indexer.snippets import make_snippet
    f = h.fields()
    snippet = make_snippet(f.get("body", ""), plan.needles) if with_snippet else ""
    paragraph = matched_paragraph(f.get("body", ""), plan.needles) if with_snippet else ""
    return Hit(
        doc_id=f["doc_id"], doc_title=f["doc_title"], kind=f["kind"], section_id=f["section_id"],
        heading=f["heading"], breadcrumb=list(f.get("breadcrumb") or []), text=f.get("body", ""),
        snippet=snippet, url=section_url(f["doc_id"], f["section_id"]), score=round(h.score, 4),
        status=f.get("status", "in_force"), in_force=bool(f.get("in_force", True)),
        date=f.get("date", ""), department=f.get("department", ""), origin=f.get("origin"),
        paragraph=paragraph,
    )
