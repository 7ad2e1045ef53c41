"""The search page: one box, result cards, filter chips, pagination; works without JavaScript."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from flask import Blueprint, current_app, render_template, request, url_for

from indexer.generations import current_path
from indexer.search import MAX_QUERY_CHARS, Filters
from indexer.suggest import suggest_terms
from kb.document import KIND_LABELS, KINDS
from webui.auth import access, audit, requires
from webui.extensions import get_engine as engine

bp = Blueprint("search", __name__)

MAX_PAGE = 50


@dataclass
class SearchState:
    """What the officer asked for, as read from the query string (and written back into links)."""
    q: str = ""
    kinds: tuple[str, ...] = ()
    department: str = ""
    in_force_only: bool = True
    include_shared: bool = True      # 他県事例を含む
    page: int = 1
    truncated: bool = False
    departments: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> SearchState:
        kinds = tuple(k for k in KINDS if k in args.getlist("kind"))
        # The checkbox sends nothing when off, so "f=1" marks a submitted form; default is ON.
        in_force = args.get("inforce") == "1" if args.get("f") else True
        shared = args.get("shared") == "1" if args.get("f") else True
        try:
            page = min(max(int(args.get("page", 1)), 1), MAX_PAGE)
        except ValueError:
            page = 1
        # The engine searches the first MAX_QUERY_CHARS characters; keep links short too.
        q = args.get("q", "").strip()
        return cls(q=q[:MAX_QUERY_CHARS], truncated=len(q) > MAX_QUERY_CHARS, kinds=kinds, department=args.get("dept", "").strip()[:100],
                   in_force_only=in_force, include_shared=shared, page=page)

    def url(self, **changes) -> str:
        s = replace(self, **changes)  # (q is already cut to MAX_QUERY_CHARS)
        params = {"q": s.q, "f": "1", "inforce": "1" if s.in_force_only else "0",
                  "shared": "1" if s.include_shared else "0"}
        if s.kinds:
            params["kind"] = list(s.kinds)
        if s.department:
            params["dept"] = s.department
        if s.page > 1:
            params["page"] = s.page
        return url_for("search.search", **params)

    def toggle_kind(self, kind: str) -> str:
        kinds = tuple(k for k in self.kinds if k != kind) if kind in self.kinds else self.kinds + (kind,)
        return self.url(kinds=kinds, page=1)

    @property
    def filtered(self) -> bool:
        return bool(self.kinds or self.department or self.in_force_only or not self.include_shared)


def search_filters(state: SearchState):
    return Filters(kinds=state.kinds, department=state.department or None,
                   in_force_only=state.in_force_only, include_shared=state.include_shared, access=access())


@bp.route("/")
@bp.route("/search")
@requires("read")
def search():
    state = SearchState.from_args(request.args)
    current_path(engine().home)  # raises IndexMissing → 503 page
    engine().searcher()          # the live catalog
    state.departments = engine().departments(access())      # only those of readable documents
    result = suggestions = None
    pages = 0
    if state.q:
        limit = current_app.config["PAGE_SIZE"]
        result = engine().search(state.q, limit=limit, page=state.page,
                                 filters=search_filters(state), with_facets=True)
        pages = min(math.ceil(result.total / limit), MAX_PAGE)
        # words the index does not know (typos, rare spellings): offer close ones, with or without hits
        suggestions = suggest_terms(engine(), state.q, hits=result.total)
        audit("search", state.q, hits=result.total, page=state.page, kinds=list(state.kinds),
              department=state.department, in_force_only=state.in_force_only,
              include_shared=state.include_shared, missing=result.missing)
    return render_template("search/index.html", state=state, result=result, pages=pages,
                           named_anchor=named_first_card(result, state.page), suggestions=suggestions or [], kinds=KINDS, kind_labels=KIND_LABELS,
                           max_query_chars=MAX_QUERY_CHARS)


def named_first_card(result, page: int) -> str:
    """The anchor (`art-3-para-2`) the first card opens at when it is the article the query named
    (警職法3条2項): that card takes the place of a separate 「この条文を開く」 button, which would
    push the cards down a row. "" when the query named no article or the card is not on this page."""
    if not result or not result.article or page != 1 or not result.hits:
        return ""
    first, named = result.hits[0], result.article
    if (first.doc_id, first.section_id) != (named["doc_id"], named["section_id"]):
        return ""
    return named["url"].split("#", 1)[1]
