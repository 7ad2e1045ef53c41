"""The HQ consultation desk: the queue, recording and answering inquiries, reviewing their
anonymised text and publishing them into search; for officers, 「本部に照会する」 from the search
page and 「自分の照会」; for maintainers, how often each section has been the basis of an answer.

Writes go through kb.desk (file written atomically, record in the database) and then the single
index writer; nothing here opens a Whoosh writer."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from indexer.generations import IndexMissing
from indexer.search import Filters
from kb.access import open_to_every_reader
from kb.anchors import parse_reference, section_key, split_key
from kb.anonymize import MASK_LABELS, anonymize
from kb.db import AuditEvent
from kb.desk import (
    CATEGORY_DEPARTMENTS,
    JST,
    MAX_TITLE_CHARS,
    PUBLISH_CONFIDENTIALITY,
    TITLE_EXAMPLE,
    Addition,
    DeskError,
    DeskStore,
    InquiryForm,
    PublishBlocked,
    StorageFailed,
    retention_days,
)
from kb.inquiries import CATEGORIES, CHANNELS, STATUSES, Basis
from webui.auth import access, audit, current_account, requires
from webui.extensions import get_documents, get_engine
from webui.indexing import reindex

bp = Blueprint("desk", __name__)

RECENT_VIEWS = dt.timedelta(hours=2)       # documents an officer opened count as "looked at"


def init_app(app) -> None:
    """The desk's store on the database and corpus create_app opened."""
    app.extensions["kb.desk"] = DeskStore(app.extensions["kb.db"], Path(app.config["CORPUS"]),
                                          clock=app.config["CLOCK"])


def desk() -> DeskStore:
    return current_app.extensions["kb.desk"]


@bp.app_context_processor
def header_counts() -> dict:
    """The header's counts: answers the officer has not seen yet, and (desk) inquiries not answered."""
    a = current_account()
    if a is None or request.endpoint == "static":
        return {"header_counts": {}}
    return {"header_counts": {"answers": desk().unseen_answers(a.id),
                              "open": desk().counts().get("open", 0) if a.may("inquiries") else 0}}


@bp.app_template_filter("jst_input")
def jst_input(moment: dt.datetime | None) -> str:
    """Stored naive UTC → the value of a datetime-local input in JST."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.UTC).astimezone(JST).strftime("%Y-%m-%dT%H:%M:%S")


def refused(e: DeskError, template: str, status: int = 422, **context):
    """The page again with the reason: next to the form's button where the page has the place
    for it, else at the top (both red, announced)."""
    if template in ("desk/edit.html", "desk/ask.html"):
        context["error"] = e.message_ja
    else:
        flash(e.message_ja, "error")
    return render_template(template, **context), status


# -- sections: labels and the basis picker ----------------------------------------------------------
def section_label(doc_id: str, section_id: str) -> str | None:
    """「岡山県警察地域警察運営規程 第3条」 for a section the user may read in the live index, else None."""
    try:
        entry = get_engine().catalog.get(doc_id)
    except IndexMissing:
        return None
    # open to every reader only: an inquiry is read by every officer, and its label names the document
    if entry is None or not open_to_every_reader(entry) or not access().can_read_entry(entry):
        return None
    sections = entry.get("sections", [])
    if section_id and section_id not in sections:
        return None
    if not section_id or section_id == "preamble":
        return entry["title"]
    heading = entry.get("headings", [""] * len(sections))[sections.index(section_id)]
    if heading.startswith("第"):
        heading = re.sub(r"（[^（）]*）$", "", heading)       # 第3条（趣旨） → 第3条
    return f"{entry['title']} {heading}".strip()


def parse_sections(values) -> tuple[list[Basis], list[str]]:
    """`doc_id#section_id` (or a /docs/… link) per value → readable sections, and what was not."""
    out, bad, seen = [], [], set()
    for raw in values:
        for value in re.split(r"[\s,、]+", raw.strip()):
            if not value:
                continue
            ref = parse_reference(value)
            doc_id, section_id = ref or ("", "")
            label = section_label(doc_id, section_id) if ref else None
            if label is None:
                # 「銃刀法22条」: the article reference the search box understands
                doc_id, section_id = article_named(value)
                label = section_label(doc_id, section_id) if doc_id else None
            if label is None:
                bad.append(value)
            elif (doc_id, section_id) not in seen:
                seen.add((doc_id, section_id))
                out.append(Basis(doc_id, section_id, label))
    return out, bad


def article_named(text: str) -> tuple[str, str]:
    """(doc id, section id) of 「銃刀法22条」「警職法第2条第2項」 through the search's reference parser."""
    try:
        ref = get_engine().resolve_ref(text)
    except IndexMissing:
        return "", ""
    return (ref.doc_id, ref.section_id) if ref else ("", "")


def similar_inquiries(text: str, exclude: str = "", limit: int = 5) -> list:
    """Published inquiries like `text`, searched with its personal data masked (the raw question
    never reaches the search log)."""
    query = anonymize(text[:400]).text
    query = re.sub(r"〔[^〕]*〕", " ", query).strip()[:200]
    if not query:
        return []
    try:
        result = get_engine().search(query, limit=limit + 1, filters=Filters(kinds=("inquiry",), access=access()))
    except IndexMissing:
        return []
    return [h for h in result.hits if h.doc_id != exclude][:limit]


# -- the desk's pages -----------------------------------------------------------------------------
def form_context(**extra) -> dict:
    if request.method == "POST" and "basis_items" not in extra:
        extra["basis_items"] = parse_sections(request.form.getlist("basis"))[0]   # keep the picks on a refusal
    return dict(categories=CATEGORIES, channels=CHANNELS, statuses=STATUSES,
                retention=retention_days(), **extra)


def received_from(raw: str) -> dt.datetime:
    """The form's 受付日時 (JST, datetime-local) as naive UTC; now when empty."""
    if not raw.strip():
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        local = dt.datetime.fromisoformat(raw.strip()).replace(tzinfo=JST)
    except ValueError:
        raise DeskError("bad received_at", "受付日時の形式が正しくありません。") from None
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def inquiry_form() -> InquiryForm:
    basis, bad = parse_sections(request.form.getlist("basis") + [request.form.get("basis_add", "")])
    if bad:
        raise DeskError("unknown basis", "根拠に指定した条文が見つかりません：" + "、".join(bad[:5]))
    f = request.form
    return InquiryForm(question=f.get("question", ""), received_at=received_from(f.get("received_at", "")),
                       channel=f.get("channel", ""), asking_unit=f.get("asking_unit", ""),
                       category=f.get("category", ""), answer=f.get("answer", ""), basis=basis)


def queue_etag() -> str:
    n, newest = desk().latest_change()
    return f'W/"{n}-{newest}"'


@bp.get("/desk/")
@requires("inquiries")
def index():
    return render_template("desk/index.html", **form_context(
        queue=desk().queue(), closed=desk().recent_closed(), counts=desk().counts(), etag=queue_etag()))


@bp.get("/desk/queue")
@requires("inquiries")
def queue_fragment():
    """The queue section alone, for the desk page's short polling: 304 while nothing changed."""
    etag = queue_etag()
    if request.headers.get("If-None-Match") == etag:
        response = make_response("", 304)
    else:
        counts = desk().counts()
        response = make_response(render_template("desk/_queue.html", **form_context(
            queue=desk().queue(), counts=counts, etag=etag)))
        response.headers["X-Open-Count"] = str(counts.get("open", 0))
    response.headers["ETag"] = etag
    return response


@bp.route("/desk/new", methods=["GET", "POST"])
@requires("inquiries")
def new():
    if request.method == "GET":
        now = dt.datetime.now(JST).strftime("%Y-%m-%dT%H:%M:%S")
        return render_template("desk/edit.html", **form_context(inq=None, values={"received_at": now}))
    try:
        inq = desk().record(inquiry_form(), current_account().username)
    except DeskError as e:
        return refused(e, "desk/edit.html", **form_context(inq=None, values=request.form))
    audit("inquiry_record", f"inquiry:{inq.id}", status=inq.status, category=inq.category)
    flash(f"照会 No.{inq.id} を記録しました（{inq.status_label}）。")
    return redirect(url_for("desk.review", inquiry_id=inq.id) if inq.status == "answered"
                    else url_for("desk.edit", inquiry_id=inq.id))


def load(inquiry_id: int):
    try:
        return desk().get(inquiry_id)
    except DeskError:
        abort(404)


@bp.route("/desk/<int:inquiry_id>", methods=["GET", "POST"])
@requires("inquiries")
def edit(inquiry_id: int):
    inq = load(inquiry_id)
    if request.method == "GET":
        audit("inquiry_view", f"inquiry:{inq.id}")
        return render_template("desk/edit.html", **form_context(
            inq=inq, values=None, similar=similar_inquiries(inq.question or "") if inq.question else []))
    try:
        inq = desk().update(inquiry_id, inquiry_form(), current_account().username)
    except DeskError as e:
        return refused(e, "desk/edit.html", **form_context(inq=inq, values=request.form))
    audit("inquiry_answer" if inq.status == "answered" else "inquiry_update", f"inquiry:{inq.id}",
          status=inq.status, basis=[b.key for b in inq.basis])
    flash(f"照会 No.{inq.id} を保存しました（{inq.status_label}）。")
    return redirect(url_for("desk.review", inquiry_id=inq.id) if inq.status == "answered"
                    else url_for("desk.edit", inquiry_id=inq.id))


def highlighted(text: str, spans: list[dict]) -> list[dict]:
    """The text cut into plain pieces and span pieces (for the review's highlighting)."""
    pieces, pos = [], 0
    for i, s in enumerate(spans):
        if s["start"] < pos:
            continue
        pieces.append({"text": text[pos:s["start"]]})
        pieces.append({"text": text[s["start"]:s["end"]], "span": i, "type": s["type"], "masked": s["masked"],
                       "label": MASK_LABELS.get(s["type"], s["type"]), "by": s.get("by", "auto"),
                       "review": bool(s.get("review")), "decided": bool(s.get("decided"))})
        pos = s["end"]
    pieces.append({"text": text[pos:]})
    return [p for p in pieces if p["text"]]


def chips(text: str, spans: list[dict]) -> list[dict]:
    """One chip per span for the touch review: what it covers, its type, masked or not, 要確認 or not."""
    return [{"span": i, "text": s["text"], "type": s["type"], "label": MASK_LABELS.get(s["type"], s["type"]),
             "masked": s["masked"], "by": s.get("by", "auto"), "review": bool(s.get("review")),
             "decided": bool(s.get("decided"))} for i, s in enumerate(spans)]


def review_context(inq, **extra) -> dict:
    q_masked, a_masked = inq.masked_parts()
    title = request.form.get("title", inq.title or "")      # written by the desk, never made up from the text
    return form_context(
        inq=inq, question_pieces=highlighted(inq.question or "", inq.spans("question")),
        answer_pieces=highlighted(inq.answer or "", inq.spans("answer")),
        question_chips=chips(inq.question or "", inq.spans("question")),
        answer_chips=chips(inq.answer or "", inq.spans("answer")),
        undecided=inq.undecided(), title_example=TITLE_EXAMPLE, max_title=MAX_TITLE_CHARS,
        override_reason=request.form.get("override_reason", ""),
        masked_question=q_masked, masked_answer=a_masked, digest=inq.review_digest(),
        mask_labels=MASK_LABELS, confidentiality=PUBLISH_CONFIDENTIALITY,
        title=title,
        department=request.form.get("department") or inq.department or CATEGORY_DEPARTMENTS.get(inq.category, ""),
        chosen_confidentiality=request.form.get("confidentiality", "internal"), **extra)


def review_choices(inq) -> tuple[dict[str, set[int]], list[Addition], dict[str, dict[int, str]]]:
    f = request.form
    masked = {part: {int(v) for v in f.getlist(f"mask_{part}") if v.isdigit()} for part in ("question", "answer")}
    additions = [Addition(f.get("add_part", "question"), f.get("add_text", "")[:200], f.get("add_type", "person"))] \
        if f.get("add_text", "").strip() else []
    decisions = {part: {i: f.get(f"decide_{part}_{i}", "") for i, s in enumerate(inq.spans(part))
                        if s.get("review") and f.get(f"decide_{part}_{i}") in ("mask", "keep")}
                 for part in ("question", "answer")}
    return masked, additions, decisions


def changes_review(inq, masked, additions, decisions) -> bool:
    """Whether the posted chips and decisions differ from what is stored (then they are applied first)."""
    for part in ("question", "answer"):
        spans = inq.spans(part)
        plain = {i for i, s in enumerate(spans) if not s.get("review")}
        if {i for i in plain if spans[i]["masked"]} != masked[part] & plain:
            return True
        for i, choice in decisions[part].items():
            if not spans[i].get("decided") or spans[i]["masked"] != (choice == "mask"):
                return True
    return bool(additions)


@bp.route("/desk/<int:inquiry_id>/review", methods=["GET", "POST"])
@requires("inquiries")
def review(inquiry_id: int):
    inq = load(inquiry_id)
    if request.method == "GET":
        audit("inquiry_view", f"inquiry:{inq.id}", page="review")
        return render_template("desk/review.html", **review_context(inq))
    action = request.form.get("action", "")
    if action not in ("apply", "publish", "internal"):
        return refused(DeskError("bad action", "操作を選んでください。"), "desk/review.html", 400, **review_context(inq))
    try:
        if action == "internal":
            inq = desk().keep_internal(inquiry_id, current_account().username)
            audit("inquiry_internal", f"inquiry:{inq.id}")
            flash(f"照会 No.{inq.id} を非公開（部内の記録のみ）にしました。元の文は受付から{retention_days()}日後に削除されます。")
            return redirect(url_for("desk.index"))
        if request.form.get("digest") != inq.review_digest():
            raise DeskError("stale review form", "この照会のマスクは別の画面で変更されています。最新の内容を表示しました。"
                                                 "もう一度確認してください。")
        masked, additions, decisions = review_choices(inq)
        if changes_review(inq, masked, additions, decisions) and inq.question is not None:
            inq = desk().revise_review(inquiry_id, masked, additions, decisions)
            flash("マスクを変更しました。公開する前に、下の内容をもう一度確認してください。")
            return render_template("desk/review.html", **review_context(inq))
        if action == "apply":
            return render_template("desk/review.html", **review_context(inq))
        if request.form.get("confirmed") != "1":
            raise DeskError("not confirmed", "公開する内容を確認し、「確認しました」にチェックを入れてください。")
        published = desk().publish(inquiry_id, digest=request.form.get("digest", ""),
                                   title=request.form.get("title", ""),
                                   confidentiality=request.form.get("confidentiality", ""),
                                   department=request.form.get("department", ""), by=current_account().username,
                                   override_reason=request.form.get("override_reason", "")[:1000])
    except StorageFailed as e:          # the corpus volume is full or read-only: nothing published
        return refused(e, "desk/review.html", 503, **review_context(load(inquiry_id)))
    except PublishBlocked as e:
        return refused(e, "desk/review.html", 422, leaks=e.leaks, **review_context(load(inquiry_id)))
    except DeskError as e:
        return refused(e, "desk/review.html", 409 if "stale" in str(e) or "changed" in str(e) else 422,
                       **review_context(load(inquiry_id)))
    status = reindex([published.doc_id])
    audit("inquiry_publish", f"inquiry:{inquiry_id}", doc_id=published.doc_id,
          confidentiality=request.form.get("confidentiality"))
    if published.overridden:
        # what the gate found is named by type only: the audit log must not become a copy of the data
        audit("inquiry_publish_override", f"inquiry:{inquiry_id}", doc_id=published.doc_id,
              found=sorted({lk.type for lk in published.overridden}),
              reason=request.form.get("override_reason", "").strip()[:1000])
    flash(f"照会 No.{inquiry_id} を事例 {published.doc_id} として公開しました。元の質問文はデータベースから削除しました。")
    if status:
        flash(status)
    return redirect(url_for("desk.index"))


@bp.post("/desk/similar")
@requires("inquiries")
def similar():
    """Similar published inquiries for the text being written (the edit page's script)."""
    text = (request.form.get("text") or "")[:2000]
    hits = similar_inquiries(text)
    return jsonify(hits=[{"title": h.doc_title, "url": h.url, "snippet": h.snippet} for h in hits])


@bp.get("/desk/reuse")
@requires("edit")
def reuse():
    """Sections by how often they answered inquiries: published cases in the index and desk records."""
    corpus_counts: Counter = Counter()
    engine = get_engine()
    engine.searcher()
    for keys in engine.basis_map().values():
        for key in keys:
            corpus_counts[key] += 1
    records = {section_key(r.doc_id, r.section_id): r for r in desk().basis_reuse()}
    rows = []
    for key in set(corpus_counts) | set(records):
        doc_id, section_id = split_key(key)
        label = section_label(doc_id, section_id)
        if label is None:
            continue                # unreadable or gone from the index
        rows.append({"key": key, "doc_id": doc_id, "section_id": section_id, "label": label,
                     "published": corpus_counts.get(key, 0),
                     "recorded": records[key].recorded if key in records else 0})
    rows.sort(key=lambda r: (-(r["published"] + r["recorded"]), r["label"]))
    return render_template("desk/reuse.html", rows=rows)


# -- officers: ask HQ from the search page, and see their own inquiries ----------------------------
def recently_viewed(limit: int = 8) -> list[Basis]:
    """Documents this officer opened in the last two hours (from the audit log), newest first."""
    a = current_account()
    since = dt.datetime.now(dt.UTC).replace(tzinfo=None) - RECENT_VIEWS
    current_app.extensions["kb.audit"].flush()     # views are queued (kb.audit)
    with current_app.extensions["kb.db"].session() as s:
        targets = s.scalars(select(AuditEvent.target).where(
            AuditEvent.user_id == a.id, AuditEvent.action == "view_document", AuditEvent.at >= since)
            .order_by(AuditEvent.id.desc()).limit(50))
        out, seen = [], set()
        for doc_id in targets:
            if doc_id in seen:
                continue
            seen.add(doc_id)
            label = section_label(doc_id, "")
            if label:
                out.append(Basis(doc_id, "", label))
            if len(out) >= limit:
                break
    return out


@bp.route("/ask", methods=["GET", "POST"])
@requires("read")
def ask():
    a = current_account()
    if request.method == "GET":
        query = request.args.get("q", "").strip()[:200]
        viewed, _ = parse_sections(request.args.getlist("viewed")[:10])
        keys = {b.key for b in viewed}
        viewed += [b for b in recently_viewed() if b.key not in keys and not any(
            v.doc_id == b.doc_id for v in viewed)]
        return render_template("desk/ask.html", query=query, question=query, viewed=viewed,
                               chosen={b.key for b in viewed}, categories=CATEGORIES,
                               unit=a.department, category="", retention=retention_days())
    f = request.form
    viewed, _ = parse_sections(f.getlist("viewed"))
    try:
        inq = desk().ask(f.get("question", ""), asker_id=a.id, asker_username=a.username, asker_name=a.name,
                         asking_unit=f.get("asking_unit", "") or a.department, category=f.get("category", ""),
                         search_query=f.get("query", ""), viewed=viewed)
    except DeskError as e:
        return refused(e, "desk/ask.html", query=f.get("query", ""), question=f.get("question", ""),
                       viewed=viewed, chosen={b.key for b in viewed}, categories=CATEGORIES,
                       unit=f.get("asking_unit", ""), category=f.get("category", ""), retention=retention_days())
    audit("inquiry_ask", f"inquiry:{inq.id}", query=inq.search_query, viewed=[b.key for b in viewed])
    flash(f"本部照会デスクに照会しました（No.{inq.id}）。回答はこの「自分の照会」に表示されます。")
    return redirect(url_for("desk.mine"))


@bp.get("/my-inquiries")
@requires("read")
def mine():
    items = desk().asked_by(current_account().id)
    published = {i.doc_id for i in items if i.doc_id and get_documents().exists(i.doc_id)}
    fresh = {i.id for i in items if i.answered_at and (i.answer_seen_at is None or i.answer_seen_at < i.answered_at)}
    desk().mark_answers_seen(current_account().id)
    return render_template("desk/mine.html", items=items, published=published, fresh=fresh,
                           retention=retention_days(), header_counts={"answers": 0})
