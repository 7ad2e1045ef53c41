"""Search over the live index generation: query building, filtering, ranking, snippets."""
from __future__ import annotations

import copy
import os
import threading
import time
import unicodedata
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as Q
from whoosh import scoring

from indexer.filters import Filters, filter_query, kind_counts, mask_docs
from indexer.live import LiveIndex, Snapshot
from indexer.missing import missing_laws
from indexer.query import FULL, QueryPlan, Ranking, plan_query
from indexer.refs import SectionRef, resolve_query_ref
from indexer.rerank import ranked_by_coverage
from indexer.scoring import ScoredDoc, WeightedBM25F, match_scores, supported, top_docs
from indexer.snippets import densest_matches, make_snippet
from kb.access import Access
from kb.anchors import section_key, section_url
from kb.citations import find_articles, find_notice_item
from kb.paragraphs import anchor_at, anchor_suffix, article_of

__all__ = ["Access", "Filters", "Hit", "SearchEngine", "SearchResult", "filter_query", "kind_counts",
           "mask_docs"]

MAX_QUERY_CHARS = 200
RESULT_CACHE_SIZE = 1024       # searches remembered per process; KB_RESULT_CACHE=0 turns it off
MAX_LIMIT = 100


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
        return section_url(self.doc_id, f"{article_of(self.section_id)}-{self.paragraph}")


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


class SearchEngine:
    """Searches over the live index (indexer.live): one snapshot per index state, one Whoosh
    searcher per thread on it."""

    def __init__(self, home: Path, dictionary: Path | None = None, ranking: Ranking = FULL):
        self.home = Path(home)
        self.ranking = ranking
        self.dictionary_dir = Path(dictionary) if dictionary else None
        self.live = LiveIndex(self.home, self.dictionary_dir)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._results: OrderedDict = OrderedDict()
        self.cache_size = int(os.environ.get("KB_RESULT_CACHE", RESULT_CACHE_SIZE))

    # -- the live snapshot --------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The live index's current snapshot (see indexer.live)."""
        return self.live.current()

    @property
    def generation(self) -> str | None:
        return self.snapshot().state.generation

    @property
    def catalog(self) -> dict:
        return self.snapshot().catalog

    def law_names(self):
        """Titles and short names of the documents of the live generation (for article references)."""
        return self.snapshot().law_names()

    def scope_names(self):
        return self.snapshot().scope_names()

    def link_library(self):
        """Documents citations may link to (kb.crossrefs.Library), restricted ones left out."""
        return self.snapshot().link_library()

    def restricted_ids(self) -> frozenset[str]:
        return self.snapshot().restricted

    def basis_map(self) -> dict[str, list[str]]:
        """Inquiry id → the sections it cites as its basis."""
        return self.snapshot().basis()

    def reading_index(self):
        return self.snapshot().reading_index()

    def reading_vocab(self) -> frozenset[str]:
        """Every reading in the live generation's reading field (for kana queries)."""
        if not self.ranking.readings:
            return frozenset()
        return self.snapshot().reading_vocab()

    def superseded_unseen(self, access: Access | None, snap: Snapshot | None = None) -> frozenset[str]:
        """Documents superseded only by a successor `access` may not read: in force for that
        reader (kb.succession), so neither their status nor 施行中のみ reveals the successor."""
        if access is None:
            return frozenset()
        catalog = (snap or self.snapshot()).catalog
        return frozenset(d for d, e in catalog.items()
                         if e.get("status") == "superseded" and e.get("superseded_by")
                         and e["superseded_by"] in catalog and not access.can_read_entry(catalog[e["superseded_by"]]))

    def departments(self, access: Access | None) -> list[str]:
        """所管 values of the documents `access` may read (the search page's filter)."""
        return sorted({e["department"] for e in self.catalog.values()
                       if e.get("department") and (access is None or access.can_read_entry(e))})

    def resolve_ref(self, text: str, snap: Snapshot | None = None):
        """The section a query names (警職法2条), if it exists in the live generation."""
        snap = snap or self.snapshot()
        names = snap.law_names()
        ref = resolve_query_ref(text, names)
        if ref is None and "通達" in text:
            # 「通達 記2(1)」 without a name: the one notice that has that item
            item = find_notice_item(text)
            owners = [d for d, e in snap.catalog.items() if e["kind"] == "notice" and item in e["sections"]]
            if item and len(owners) == 1:
                ref = SectionRef(owners[0], item, f"{names.doc_titles[owners[0]]} {item}")
        if ref is None or ref.doc_id not in snap.catalog:
            return None
        sections = snap.catalog[ref.doc_id]["sections"]
        if ref.section_id not in sections:
            return None
        return ref

    def index(self):
        """The live generation's Whoosh index (for a reader of one's own)."""
        return self.snapshot().ix

    def searcher(self, snap: Snapshot | None = None):
        """A searcher for the calling thread on the live generation (Whoosh searchers are not shared)."""
        ix = (snap or self.snapshot()).ix
        s = getattr(self._local, "searcher", None)
        if s is None or getattr(self._local, "ix", None) is not ix:
            if s is not None:
                s.close()
            s = _opened(ix.searcher(weighting=weighting(self.ranking)))
            self._local.searcher = s
            self._local.ix = ix
        elif not s.up_to_date():
            # a fresh searcher, not s.refresh(): refresh reuses segment readers by segment id and
            # keeps their old deletion sets, so an edited or removed document would still be found
            s.close()
            s = _opened(ix.searcher(weighting=weighting(self.ranking)))
            self._local.searcher = s
        return s

    def plan(self, text: str, snap: Snapshot | None = None) -> QueryPlan:
        snap = snap or self.snapshot()
        readings = self.ranking.readings
        return plan_query(text, snap.dictionary, self.ranking, snap.reading_vocab() if readings else frozenset(),
                          snap.reading_index() if readings else None)

    # -- search -------------------------------------------------------------------------
    def search(self, text: str, limit: int = 10, page: int = 1, filters: Filters | None = None,
                highlight_hits: bool = True, with_facets: bool = False) -> SearchResult:
        """Search the live generation; results are cached per index state (generation, published
        changes, dictionary), query, filters and reader access, so a repeated search is cheap."""
        t0 = time.perf_counter()
        snap = self.snapshot()          # one state of the live index for the whole search
        key = (snap.state, text, limit, page, repr(filters), highlight_hits, with_facets)
        with self._lock:
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
        if cached is not None:
            out = copy.copy(cached)
            out.elapsed_ms = (time.perf_counter() - t0) * 1000
            return out
        result = self._search_uncached(text, limit, page, filters, highlight_hits, with_facets, snap)
        if not self.cache_size:
            return result
        with self._lock:
            self._results[key] = result
            while len(self._results) > self.cache_size:
                self._results.popitem(last=False)
        return copy.copy(result)

    def _search_uncached(self, text: str, limit: int = 10, page: int = 1, filters: Filters | None = None,
                         highlight_hits: bool = True, with_facets: bool = False,
                         snap: Snapshot | None = None) -> SearchResult:
        t0 = time.perf_counter()
        snap = snap or self.snapshot()
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
        plan = self.plan(text, snap)
        if plan.query is None:
            result.message = result.message or "検索できる語が含まれていません。別の言葉でお試しください。"
            return result
        spelled = snap.dictionary.spelling
        result.expanded = [{"term": c.text, "synonyms": [spelled(x) for x in c.synonyms[:4]]}
                           for c in plan.concepts if c.synonyms]
        if self.ranking.references:
            result.missing = missing_laws(text, snap.scope_names())
        s = self.searcher(snap)
        unseen = self.superseded_unseen(filters.access, snap)
        mask = filter_query(filters, also_in_force=unseen)
        ref = self.resolve_ref(text, snap) if self.ranking.references else None
        scope = None
        if self.ranking.scoping and not ref:
            named = snap.scope_names().find_name(text)
            if named:
                # within the named document its name tells sections apart no more: rank by the rest
                rest = (text[:named[0]] + " " + text[named[1]:]).strip()
                rest_plan = self.plan(rest, snap) if rest else None
                scope = (named[2], rest_plan.query if rest_plan and rest_plan.query is not None else plan.query)
        basis = snap.basis()
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
                              "url": section_url(ref.doc_id, ref.section_id + paragraph_named(text))}
        if with_facets:
            result.facets = {"kind": kind_counts(s, plan, filters, hits.matches, unseen)}
        result.elapsed_ms = (time.perf_counter() - t0) * 1000
        return result


def matched_paragraph(body: str, needles: tuple[str, ...]) -> str:
    """The 項/号 (kb.paragraphs) holding most of the matched characters the snippet shows; "" for
    the article as a whole (first 項, or no structure)."""
    weight: Counter = Counter()
    for start, end in densest_matches(body, needles):
        weight[anchor_at(body, start) or ""] += end - start
    return max(weight, key=lambda k: weight[k]) if weight else ""


def paragraph_named(text: str) -> str:
    """「-para-2」 when the query names a 項 or 号 (警職法2条2項, 銃刀法3条1項2号), else ""."""
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


def weighting(ranking: Ranking = FULL):
    if not ranking.priors:
        return scoring.BM25F()
    return WeightedBM25F(B=0.6, K1=1.2, heading_B=0.3, doc_title_B=0.2)


class _Page(list):
    total = 0
    jumped = False
    matches = None     # {docnum: score} of the query `total` counts (term-at-a-time path only)


def ranked(searcher, q: Q.Query, mask, wanted: int):
    """(the best `wanted` hits, how many match, {docnum: score} or None) for q under the filter.
    Term-at-a-time (indexer.scoring) when q is made of terms under Or/And, as our plans are;
    Whoosh's own matchers otherwise."""
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
