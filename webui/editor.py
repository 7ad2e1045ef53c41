"""The maintainers' editor: create, edit (with preview), import, history, diff, restore, the review
deadlines (見直し期限) and the feedback queue. Writes go through kb.revisions (file written atomically, revision in the
database) and then the single index writer; nothing here opens a Whoosh writer."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for

from indexer.facets import field_values
from indexer.generations import IndexMissing
from kb.deadlines import DeadlineList
from kb.document import (
    CONFIDENTIALITY,
    KIND_LABELS,
    KINDS,
    MAX_SECTION_CHARS,
    OFFICIAL_KINDS,
    STATUSES,
    DocumentError,
    anchor_for,
    heading_parts,
    split_front_matter,
    split_sections,
)
from kb.feedback_queue import FeedbackQueue, FlagRefused
from kb.frontmatter import (
    CONFIDENTIALITY_LABELS,
    FIELD_LABELS,
    STATUS_LABELS,
    FormError,
    compose_document,
    new_document_template,
    normalize_newlines,
    parse_extra,
    parse_form,
    split_document,
)
from kb.importer import front_matter, parse_structure, render_document
from kb.paragraphs import article_of
from kb.revisions import Author, EditRefused, RevisionStore, SaveResult, StaleEdit, StorageFailed
from kb.store import find_document
from kb.textdiff import compare
from webui.auth import access, audit, can_read, current_account, requires
from webui.confirm import confirmation_page
from webui.extensions import get_documents, get_engine
from webui.indexing import reindex
from webui.limits import IMPORT_MAX_BYTES
from webui.render import render_markdown

bp = Blueprint("editor", __name__, url_prefix="/editor")

IMPORT_KINDS = OFFICIAL_KINDS


def init_app(app) -> None:
    """The editor's stores on the database and corpus create_app opened (the officers' feedback
    blueprint that feeds the feedback queue is registered by create_app)."""
    db = app.extensions["kb.db"]
    corpus = Path(app.config["CORPUS"])
    app.extensions["kb.revisions"] = RevisionStore(db, corpus)
    app.extensions["kb.feedback_queue"] = FeedbackQueue(db)
    app.extensions["kb.deadlines"] = DeadlineList(corpus, clock=app.config["CLOCK"])


def revisions() -> RevisionStore:
    return current_app.extensions["kb.revisions"]


def feedback_queue() -> FeedbackQueue:
    return current_app.extensions["kb.feedback_queue"]


def author() -> Author:
    a = current_account()
    return Author(a.id, a.username, a.name)


@bp.app_template_global()
def readable_document_title(doc_id: str) -> str | None:
    """The title of a corpus document the reader may open, else None (never reveals a restricted one)."""
    item = get_documents().get(str(doc_id))
    return item.doc.title if item is not None and can_read(item.doc.meta) else None


def saved(result: SaveResult, verb: str) -> str:
    """Flash the outcome, audit it and re-index; the redirect target."""
    doc = result.document
    if result.revision is None:
        flash("内容に変更がないため、保存しませんでした。")
        return url_for("docs.view", doc_id=doc.id)
    rev = result.revision
    audit(f"document_{rev.action}", doc.id, revision=rev.number, message=rev.message,
          linked=[f"{r.doc_id}@{r.number}" for r in result.linked])
    flash(f"「{doc.title}」を{verb}しました（第{rev.number}版）。")
    for r in result.linked:
        flash(f"置き換えの関係にある「{r.doc_id}」も更新しました（第{r.number}版）。")
    status = reindex(result.changed_ids)
    if status:
        flash(status)
    return url_for("docs.view", doc_id=doc.id)


# -- dashboard ----------------------------------------------------------------------------------
@bp.get("/")
@requires("edit")
def index():
    deadlines = current_app.extensions["kb.deadlines"].items()
    q = feedback_queue()
    find = request.args.get("find", "").strip()[:100]
    return render_template("editor/index.html", recent=revisions().recent(15), find=find,
                           documents=document_list(find), kind_labels=KIND_LABELS,
                           overdue=sum(1 for i in deadlines if i.state == "overdue"),
                           due=sum(1 for i in deadlines if i.state == "due"),
                           flags=len(q.flags()), not_helpful=len(q.not_helpful()),
                           zero_hits=len(q.zero_hit_searches()))


def document_list(find: str = "") -> list[dict]:
    """The documents of the live index this maintainer may read, by kind then title; `find`
    keeps those whose title or id contains it (NFKC, any case)."""
    try:
        get_engine().searcher()
    except IndexMissing:
        return []
    reader = access()
    needle = unicodedata.normalize("NFKC", find).lower()
    out = []
    for doc_id, e in get_engine().catalog.items():
        if not reader.can_read_entry(e):
            continue
        if needle and needle not in unicodedata.normalize("NFKC", f"{e['title']} {doc_id}").lower():
            continue
        out.append({"id": doc_id, "title": e["title"], "kind": e["kind"], "status": e.get("status", "in_force"),
                    "in_force": e.get("in_force", True)})
    order = {k: n for n, k in enumerate(KINDS)}
    out.sort(key=lambda d: (order.get(d["kind"], 9), d["title"]))
    return out


# -- create and edit ----------------------------------------------------------------------------
def form_context(**extra) -> dict:
    try:
        departments = field_values(get_engine(), "department")
    except IndexMissing:                    # the form works without an index
        departments = []
    return dict(kinds=KINDS, kind_labels=KIND_LABELS, statuses=STATUSES, status_labels=STATUS_LABELS,
                confidentiality=CONFIDENTIALITY, confidentiality_labels=CONFIDENTIALITY_LABELS,
                labels=FIELD_LABELS, departments=departments, **extra)


def preview_of(body: str, title: str = "") -> dict:
    """The body rendered by the document view's renderer, and what the sections will be."""
    sections = split_sections(body, title or "")
    warnings = [f"「{s.heading}」が{len(s.text):,}文字あります（{MAX_SECTION_CHARS:,}文字を超える節は分割されます）"
                for s in sections if len(s.text) > MAX_SECTION_CHARS]
    return {"html": render_markdown(body, sections), "sections": len(sections), "warnings": warnings}


@bp.route("/new", methods=["GET", "POST"])
@requires("edit")
def new():
    if request.method == "GET":
        kind = request.args.get("kind", "manual")
        values = new_document_template(kind if kind in KINDS else "manual")
        body = "\n# （題名）\n\n## 1 （見出し） {#ki-1}\n\n（本文）\n"
        return render_template("editor/edit.html", **form_context(
            mode="new", values=values, extra="", body=body, base=None, message="",
            preview=preview_of(body)))
    return submit(None)


@bp.route("/docs/<doc_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit(doc_id: str):
    head = revisions().head(doc_id)
    if head is None:
        abort(404)
    if request.method == "POST":
        return submit(doc_id)
    try:
        values, extra, body = split_document(head.text)
    except DocumentError:
        # a broken file: edit its text as it is (the body box holds everything)
        values, extra, body = new_document_template(), "", head.text
        values["id"] = doc_id
    focus = flagged_line(body, request.args.get("section", ""))
    return render_template("editor/edit.html", **form_context(
        mode="edit", doc_id=doc_id, values=values, extra=extra, body=body, base=head.number, message="",
        head=head, preview=preview_of(body, values.get("title", "")), focus=focus))


def flagged_line(body: str, section_id: str) -> dict | None:
    """{line, id, heading} of the heading of `section_id` in the body (1-based line), else None."""
    if not section_id:
        return None
    article = article_of(section_id)
    for n, line in enumerate(body.split("\n"), 1):
        if line.startswith("#"):
            text, anchor = heading_parts(line.lstrip("#").strip())
            if (anchor or anchor_for(text)) == article:
                return {"line": n, "id": article, "heading": text}
    return None


def submit(doc_id: str | None):
    """Preview or save the posted form (new document when doc_id is None)."""
    form = request.form
    mode = "new" if doc_id is None else "edit"
    values = {k: form.get(k, "") for k in FIELD_LABELS}
    if doc_id is not None:
        values["id"] = doc_id
    body = normalize_newlines(form.get("body", ""))
    extra_text = form.get("extra", "")
    message = form.get("message", "").strip()
    base = _int(form.get("base"))
    store = revisions()
    head = store.head(doc_id) if doc_id else None
    page = dict(mode=mode, doc_id=doc_id, values=values, extra=extra_text, body=body, base=base,
                message=message, head=head)

    def again(status: int, **more):
        return render_template("editor/edit.html", **form_context(
            preview=preview_of(body, values.get("title", "")), **page, **more)), status

    if form.get("action") == "preview":
        return again(200)
    try:
        fields = parse_form(values)
        if doc_id is not None:
            fields["id"] = doc_id
        base_rev = store.revision(doc_id, base) if (doc_id and base) else None
        base_text = base_rev.text if base_rev else None
        if base_text is not None:
            try:
                split_front_matter(base_text)
            except DocumentError:
                base_text = None
        text = compose_document(fields, body, parse_extra(extra_text), base_text)
        if doc_id is None:
            result = store.create(text, author(), message or "新規作成")
        else:
            result = store.save(doc_id, text, base, author(), message)
    except StaleEdit as e:
        # keep the maintainer's text in the form, now based on the current revision, with the diff
        started = store.revision(doc_id, e.base) if e.base else None
        page["base"] = e.current.number
        page["head"] = e.current
        return again(409, conflict=e, diff=compare(e.current.text, e.submitted),
                     theirs=compare(started.text, e.current.text) if started else None)
    except FormError as e:
        return again(422, error=e.message_ja, error_field=e.field)
    except StorageFailed as e:           # the corpus volume is full or read-only: the text stays in the form
        return again(503, error=e.message_ja)
    except DocumentError as e:
        where = f"（{e.line}行目）" if e.line else ""
        return again(422, error=f"{e.message_ja}{where}")
    return redirect(saved(result, "作成" if mode == "new" else "保存"), 303)


@bp.post("/preview")
@requires("edit")
def preview():
    """Live preview for the editor's script: JSON with the rendered HTML."""
    data = request.get_json(silent=True) or request.form
    body = normalize_newlines(str(data.get("body", "")))[:2_000_000]
    p = preview_of(body, str(data.get("title", "")))
    return jsonify(html=str(p["html"]), sections=p["sections"], warnings=p["warnings"])


# -- history, diff, restore ---------------------------------------------------------------------
@bp.get("/docs/<doc_id>/history")
@requires("edit")
def history(doc_id: str):
    head = revisions().head(doc_id)
    if head is None:
        abort(404)
    revs = revisions().history(doc_id)
    return render_template("editor/history.html", doc_id=doc_id, title=_title(head.text, doc_id),
                           revisions=revs, flags=feedback_queue().flags(doc_id=doc_id))


@bp.get("/docs/<doc_id>/diff")
@requires("edit")
def diff(doc_id: str):
    store = revisions()
    head = store.head(doc_id)
    if head is None:
        abort(404)
    new_no = _int(request.args.get("to")) or head.number
    old_no = _int(request.args.get("from")) or max(new_no - 1, 1)
    old, new_rev = store.revision(doc_id, old_no), store.revision(doc_id, new_no)
    if old is None or new_rev is None:
        abort(404)
    view = "split" if request.args.get("view") == "split" else "inline"
    return render_template("editor/diff.html", doc_id=doc_id, title=_title(new_rev.text, doc_id), old=old,
                           new=new_rev, head=head, diff=compare(old.text, new_rev.text), view=view,
                           numbers=[r.number for r in store.history(doc_id)])


@bp.get("/docs/<doc_id>/revisions/<int:revision>")
@requires("edit")
def show_revision(doc_id: str, revision: int):
    store = revisions()
    head = store.head(doc_id)
    rev = store.revision(doc_id, revision)
    if rev is None or head is None:
        abort(404)
    return render_template("editor/revision.html", doc_id=doc_id, title=_title(rev.text, doc_id), rev=rev,
                           head=head)


@bp.post("/docs/<doc_id>/revisions/<int:revision>/restore")
@requires("edit")
def restore(doc_id: str, revision: int):
    ask = confirmation_page(f"第{revision}版の内容に戻しますか？今の内容は履歴に残り、新しい版として保存されます。",
                            f"第{revision}版に戻す", url_for(".history", doc_id=doc_id))
    if ask:
        return ask
    try:
        result = revisions().restore(doc_id, revision, _int(request.form.get("base")), author(),
                                     request.form.get("message", "").strip())
    except StaleEdit as e:
        flash(f"復元しませんでした。表示していた後に第{e.current.number}版が保存されています。"
              "履歴を確認してからやり直してください。", "error")
        return redirect(url_for(".history", doc_id=doc_id), 303)
    except DocumentError as e:
        flash(f"復元できませんでした：{e.message_ja}", "error")
        return redirect(url_for(".history", doc_id=doc_id), 303)
    return redirect(saved(result, f"第{revision}版の内容に復元"), 303)


# -- import -------------------------------------------------------------------------------------
@bp.route("/import", methods=["GET", "POST"])
@requires("edit")
def import_text():
    """Upload (or paste) an official plain text; show the structure found; save on confirmation."""
    page = dict(kinds=IMPORT_KINDS, kind_labels=KIND_LABELS, kind=request.form.get("kind", ""),
                doc_id=request.form.get("doc_id", "").strip(), source=request.form.get("source", "").strip())
    if request.method == "GET":
        return render_template("editor/import.html", **page)
    if request.form.get("action") == "save":
        return save_import(request.form.get("markdown", ""), page)
    try:
        text = _uploaded_text()
        if page["kind"] and page["kind"] not in IMPORT_KINDS:
            raise EditRefused("unknown kind", "種類の指定が正しくありません。")
        report = parse_structure(text, page["kind"] or None)
        meta = front_matter(report, doc_id=page["doc_id"] or None, source=page["source"] or None)
        markdown = render_document(meta, report)
    except DocumentError as e:
        return render_template("editor/import.html", error=e.message_ja, **page), 422
    existing = revisions().head(meta["id"]) if _exists(meta["id"]) else None
    _, body, _ = split_front_matter(markdown)
    return render_template("editor/import.html", report=report, summary=report.summary(), meta=meta,
                           markdown=markdown, existing=existing, preview=preview_of(body, meta["title"]),
                           **page)


def save_import(markdown: str, page: dict):
    base = _int(request.form.get("base"))
    message = request.form.get("message", "").strip() or "取り込み"
    try:
        doc_id = split_front_matter(normalize_newlines(markdown))[0].get("id", "")
        store = revisions()
        if base is not None:
            result = store.save(str(doc_id), markdown, base, author(), message, action="import")
        else:
            result = store.create(markdown, author(), message, action="import")
    except StaleEdit as e:
        return render_template("editor/import.html", markdown=markdown, conflict=e,
                               diff=compare(e.current.text, e.submitted),
                               error=e.message_ja, **page), 409
    except StorageFailed as e:
        return render_template("editor/import.html", markdown=markdown, error=e.message_ja, **page), 503
    except DocumentError as e:
        return render_template("editor/import.html", markdown=markdown, error=e.message_ja, **page), 422
    return redirect(saved(result, "取り込み"), 303)


def _uploaded_text() -> str:
    upload = request.files.get("file")
    if upload and upload.filename:
        raw = upload.read(IMPORT_MAX_BYTES + 1)
        if len(raw) > IMPORT_MAX_BYTES:
            raise EditRefused("file too large", "ファイルが大きすぎます（5MB まで）。")
        for encoding in ("utf-8-sig", "cp932"):     # official texts are often Shift_JIS
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise EditRefused("not UTF-8 or Shift_JIS", "文字コードを判別できません（UTF-8 または Shift_JIS のテキストにしてください）。")
    text = request.form.get("text", "")
    if not text.strip():
        raise EditRefused("no text", "取り込むファイルを選ぶか、本文を貼り付けてください。")
    if len(text.encode("utf-8")) > IMPORT_MAX_BYTES:
        raise EditRefused("pasted text too large", "貼り付けた本文が大きすぎます（5MB まで）。")
    return text


# -- review deadlines (見直し期限; the URL keeps its old name) and the feedback queue ---------------
@bp.get("/review")
@requires("edit")
def deadlines():
    reviews = current_app.extensions["kb.deadlines"]
    department = request.args.get("dept", "")
    items = reviews.items(department=department)
    groups = [(state, label, [i for i in items if i.state == state]) for state, label in
              (("overdue", "期限切れ"), ("due", "30日以内に期限"), ("later", "それ以降"), ("unset", "見直し期限が未設定"))]
    return render_template("editor/deadlines.html", groups=groups, departments=reviews.departments(),
                           department=department, flag_counts=feedback_queue().open_flag_counts(),
                           kind_labels=KIND_LABELS)


@bp.get("/queue")
@requires("edit")
def queue():
    q = feedback_queue()
    return render_template("editor/queue.html", flags=q.flags(), not_helpful=q.not_helpful(),
                           zero_hits=q.zero_hit_searches(), missing=q.missing_documents())


@bp.post("/queue/flags/<int:flag_id>")
@requires("edit")
def resolve_flag(flag_id: int):
    status = "dismissed" if request.form.get("status") == "dismissed" else "resolved"
    try:
        flag = feedback_queue().resolve_flag(flag_id, current_account().username,
                                          request.form.get("resolution", ""), status)
    except FlagRefused as e:
        flash(e.message_ja, "error")
        return redirect(url_for(".queue"), 303)
    audit("flag_" + status, f"{flag.doc_id}#{flag.section_id}", flag=flag_id, resolution=flag.resolution)
    flash("報告を処理済みにしました。")
    return redirect(url_for(".queue"), 303)


@bp.post("/queue/searches")
@requires("edit")
def close_search():
    """Close a zero-result query or resolve the not-helpful marks of a query."""
    query, kind = request.form.get("q", ""), request.form.get("kind", "")
    q = feedback_queue()
    try:
        if kind == "not_helpful":
            q.resolve_not_helpful(query, current_account().username)
        else:
            q.close_search_gap(query, current_account().username, request.form.get("note", ""))
    except FlagRefused as e:
        flash(e.message_ja, "error")
        return redirect(url_for(".queue"), 303)
    audit("search_gap_closed", query, kind=kind or "zero_hits")
    flash(f"「{query}」を対応済みにしました。")
    return redirect(url_for(".queue"), 303)


# -- helpers ------------------------------------------------------------------------------------
def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _exists(doc_id: str) -> bool:
    return find_document(Path(current_app.config["CORPUS"]), doc_id) is not None


def _title(text: str, fallback: str) -> str:
    try:
        return str(split_front_matter(text)[0].get("title") or fallback)
    except DocumentError:
        return fallback
