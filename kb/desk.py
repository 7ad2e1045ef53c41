"""The HQ consultation desk: inquiries as the desk records them, review of their anonymised text,
publishing into the corpus, retention of raw text and reuse of basis sections.

Raw questions and answers live only in the application database: they are deleted when the
inquiry is published, and after `retention_days` (KB_RAW_RETENTION_DAYS) for the others
(`kb purge`). The corpus receives the reviewed, masked text only (kb.inquiries).
No Flask and no Whoosh here: the web blueprint re-indexes through the single writer afterwards.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb import publish_gate
from kb.anonymize import MASK_LABELS, analyse, detect, mask
from kb.clock import SYSTEM_CLOCK, Clock
from kb.db import Base, Database, utcnow
from kb.era import JST
from kb.inquiries import (
    ASKER_STATUSES,
    CATEGORIES,
    CHANNELS,
    ID_PATTERN,
    STATUSES,
    Basis,
    PublishedInquiry,
    inquiry_id,
    inquiry_markdown,
)
from kb.intents import clear_intent, crash_point, discard, record_intent, write_lock
from kb.store import atomic_write, document_path

DEFAULT_RETENTION_DAYS = 90
MAX_QUESTION_CHARS = 5000
MAX_ANSWER_CHARS = 10000
MAX_BASIS = 20
MAX_TITLE_CHARS = 100
TITLE_EXAMPLE = "酩酊者を保護したときの家族への通知"
PUBLISH_CONFIDENTIALITY = {"internal": "部内限り", "public": "公開"}
# Who answers for a category when the desk does not say (samples use the same units).
CATEGORY_DEPARTMENTS = {"地域": "地域部地域課", "交通": "交通部交通指導課", "刑事": "刑事部刑事企画課",
                        "生活安全": "生活安全部生活安全企画課", "警備": "警備部警備課", "総務": "警務部警務課"}
SPAN_TYPES = tuple(MASK_LABELS)
# Audit actions the desk writes (labels for the admin's audit filter, kb.audit.ACTIONS)
SEPARATOR = "\n\0\n"           # joins question and answer for masking (never typed in a form)


def retention_days() -> int:
    """Days an unpublished inquiry's raw text is kept (KB_RAW_RETENTION_DAYS, default 90)."""
    try:
        return max(1, int(os.environ.get("KB_RAW_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)))
    except ValueError:
        return DEFAULT_RETENTION_DAYS


class DeskError(ValueError):
    """A refused desk action: English for logs, Japanese for the page."""

    def __init__(self, message: str, message_ja: str):
        super().__init__(message)
        self.message_ja = message_ja


class Inquiry(Base):
    __tablename__ = "inquiries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open", index=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    asking_unit: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    category: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    question: Mapped[str | None] = mapped_column(Text, nullable=True)          # raw
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)            # raw
    question_spans: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    answer_spans: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    department: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    search_query: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    asker_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    asker_username: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    asker_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    answered_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)   # published / internal
    closed_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    doc_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    confidentiality: Mapped[str] = mapped_column(String(20), nullable=False, default="internal")
    masked_question: Mapped[str | None] = mapped_column(Text, nullable=True)
    masked_answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    purged_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    answer_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)   # by the asker
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    sections: Mapped[list[InquirySection]] = relationship(
        back_populates="inquiry", lazy="selectin", cascade="all, delete-orphan",
        order_by="InquirySection.position")

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def asker_status_label(self) -> str:
        return ASKER_STATUSES.get(self.status, self.status)

    @property
    def basis(self) -> list[Basis]:
        return [s.as_basis() for s in self.sections if s.role == "basis"]

    @property
    def viewed(self) -> list[Basis]:
        return [s.as_basis() for s in self.sections if s.role == "viewed"]

    @property
    def has_raw_text(self) -> bool:
        return self.question is not None

    def spans(self, part: str) -> list[dict]:
        return json.loads(self.question_spans if part == "question" else self.answer_spans)

    def masked(self, part: str) -> str:
        """The text of `part` as it would be published, with the review's current masks."""
        return self.masked_parts()[0 if part == "question" else 1]

    def masked_parts(self) -> tuple[str, str]:
        """Question and answer masked together, so one person has one letter in both."""
        if self.question is None:
            return self.masked_question or "", self.masked_answer or ""
        q, a = self.question, self.answer or ""
        shift = len(q) + len(SEPARATOR)
        spans = [s for s in self.spans("question") if s["masked"]] + [
            {**s, "start": s["start"] + shift, "end": s["end"] + shift} for s in self.spans("answer") if s["masked"]]
        masked_q, _, masked_a = mask(q + SEPARATOR + a, spans).partition(SEPARATOR)
        return masked_q, masked_a

    def undecided(self) -> int:
        """「要確認」 spans the desk has not yet decided (mask or keep): publishing waits for them."""
        return sum(1 for part in ("question", "answer") for sp in self.spans(part)
                   if sp.get("review") and not sp.get("decided"))

    def masked_texts(self) -> set[str]:
        """The words the review masks (a title must not bring them back)."""
        return {sp["text"] for part in ("question", "answer") for sp in self.spans(part) if sp["masked"]}

    def review_digest(self) -> str:
        """What the desk confirmed: masked question, masked answer (a changed mask needs a new look)."""
        h = hashlib.sha256()
        for part in self.masked_parts():
            h.update(part.encode("utf-8") + b"\0")
        return h.hexdigest()[:32]


class InquirySection(Base):
    """A section linked to an inquiry: its basis (根拠), or one the asking officer had looked at."""
    __tablename__ = "inquiry_sections"
    __table_args__ = (Index("ix_inquiry_sections_target", "doc_id", "section_id"),)   # 0003 made it
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    role: Mapped[str] = mapped_column(String(10), nullable=False)
    doc_id: Mapped[str] = mapped_column(String(200), nullable=False)
    section_id: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    label: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    inquiry: Mapped[Inquiry] = relationship(back_populates="sections")

    def as_basis(self) -> Basis:
        return Basis(self.doc_id, self.section_id, self.label)


# -- what the desk submits ------------------------------------------------------------------------
@dataclass
class InquiryForm:
    """The desk's record of an inquiry (the 記録 and 回答 form)."""
    question: str
    received_at: dt.datetime            # naive UTC
    channel: str = "電話"
    asking_unit: str = ""
    category: str = "地域"
    answer: str = ""
    basis: list[Basis] = field(default_factory=list)

    def check(self) -> InquiryForm:
        self.question = _clean(self.question)
        self.answer = _clean(self.answer)
        self.asking_unit = self.asking_unit.strip()[:200]
        problems = []
        if not self.question:
            problems.append("質問の内容を入力してください。")
        if len(self.question) > MAX_QUESTION_CHARS:
            problems.append(f"質問は{MAX_QUESTION_CHARS:,}文字以内で入力してください。")
        if len(self.answer) > MAX_ANSWER_CHARS:
            problems.append(f"回答は{MAX_ANSWER_CHARS:,}文字以内で入力してください。")
        if self.channel not in CHANNELS:
            problems.append("受付方法を選んでください。")
        if self.category not in CATEGORIES:
            problems.append("分類を選んでください。")
        if len(self.basis) > MAX_BASIS:
            problems.append(f"根拠は{MAX_BASIS}件までです。")
        if problems:
            raise DeskError("invalid inquiry form", " ".join(problems))
        return self


class StorageFailed(DeskError):
    """The corpus volume refused the case file (read-only, full): nothing was published."""

    def __init__(self, message: str):
        super().__init__(message, "事例ファイルを保存できませんでした（保存先の容量不足か、書き込みできない状態です）。"
                                  "公開していません。照会の内容はそのまま残っています。システム管理者に連絡してください。")


@dataclass(frozen=True)
class Addition:
    """A stretch the anonymiser missed, masked by hand: every occurrence of `text` in one part."""
    part: str              # question | answer
    text: str
    type: str


@dataclass
class Published:
    doc_id: str
    path: Path
    overridden: list = field(default_factory=list)      # publish_gate.Leak the desk let through, with a reason


class PublishBlocked(DeskError):
    """The publish gate found personal data left unmasked (`leaks`); an override needs a reason."""

    def __init__(self, leaks: list):
        super().__init__(f"unmasked personal data: {', '.join(lk.type for lk in leaks)}",
                         publish_gate.refusal_ja(leaks))
        self.leaks = leaks


@dataclass(frozen=True)
class Reuse:
    """How often a section has been the basis of an answer."""
    doc_id: str
    section_id: str
    label: str
    recorded: int          # inquiries the desk recorded with it (any status)


def _clean(text: str) -> str:
    return re.sub(r"\r\n?", "\n", text or "").replace("\0", "").strip()


def initial_spans(question: str, answer: str | None) -> tuple[str, str]:
    """The anonymiser's spans of both raw texts, all masked, as the review stores them (JSON).
    Both are read as one text, so 山田さん in the answer is found from 山田太郎さん in the question."""
    answer = answer or ""
    shift = len(question) + len(SEPARATOR)
    q, a = [], []
    found = analyse(question + SEPARATOR + answer)
    stored = [{**sp.to_dict(), "masked": True, "by": "auto"} for sp in found.spans] + [
        {**sp.to_dict(), "masked": False, "by": "auto", "review": True, "decided": False} for sp in found.review]
    for sp in sorted(stored, key=lambda x: (x["start"], x["end"])):
        if sp["end"] <= len(question):
            q.append(sp)
        elif sp["start"] >= shift:
            a.append({**sp, "start": sp["start"] - shift, "end": sp["end"] - shift})
    return json.dumps(q, ensure_ascii=False), json.dumps(a, ensure_ascii=False)


def revise_spans(text: str, spans: list[dict], masked: set[int], additions: list[Addition],
                 decisions: dict[int, str] | None = None) -> list[dict]:
    """The review's spans after the desk's choice: span i stays masked iff i in `masked`; a 「要確認」
    span is masked or kept by `decisions` ("mask" / "keep") and stays undecided without one; each
    addition masks every occurrence of its text not already covered by a masked span."""
    decisions = decisions or {}
    out = []
    for i, s in enumerate(spans):
        if s.get("review"):
            choice = decisions.get(i)
            if choice in ("mask", "keep"):
                out.append({**s, "masked": choice == "mask", "decided": True})
            else:
                out.append(dict(s))
        else:
            out.append({**s, "masked": i in masked})
    for a in additions:
        needle = a.text.strip()
        if not needle:
            continue
        for m in re.finditer(re.escape(needle), text):
            b, e = m.start(), m.end()
            clash = [s for s in out if s["start"] < e and b < s["end"]]
            if any(s["masked"] for s in clash):
                continue
            for s in clash:        # an unmasked span inside the new one gives way to it
                out.remove(s)
            out.append({"start": b, "end": e, "type": a.type, "text": needle, "masked": True, "by": "desk"})
    out.sort(key=lambda s: (s["start"], s["end"]))
    return out


def as_jst_date(moment: dt.datetime | None) -> dt.date:
    moment = moment or utcnow()
    return moment.replace(tzinfo=dt.UTC).astimezone(JST).date()


# -- the store ------------------------------------------------------------------------------------
class DeskStore:
    """Inquiries in the application database and the corpus files published ones become."""

    def __init__(self, db: Database, corpus: Path, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.corpus = Path(corpus)
        self.clock = clock          # the purge's retention period runs on this clock
        # one publish at a time per process (id choice, file, commit); the unique doc_id
        # refuses the loser of a race between processes, which then takes the next number
        self._publish_lock = threading.Lock()

    # -- reading -------------------------------------------------------------------------------
    def get(self, inquiry_id: int) -> Inquiry:
        with self.db.session() as s:
            inq = s.get(Inquiry, inquiry_id)
            if inq is None:
                raise DeskError(f"no inquiry {inquiry_id}", "指定の照会は見つかりませんでした。")
            return inq

    def queue(self, statuses=("open", "answered"), limit: int = 200) -> list[Inquiry]:
        """Inquiries in these states, oldest received first (the desk works from the top)."""
        with self.db.session() as s:
            return list(s.scalars(select(Inquiry).where(Inquiry.status.in_(statuses))
                                  .order_by(Inquiry.received_at, Inquiry.id).limit(limit)))

    def recent_closed(self, limit: int = 30) -> list[Inquiry]:
        with self.db.session() as s:
            return list(s.scalars(select(Inquiry).where(Inquiry.status.in_(("published", "internal")))
                                  .order_by(Inquiry.closed_at.desc(), Inquiry.id.desc()).limit(limit)))

    def counts(self) -> dict[str, int]:
        with self.db.session() as s:
            rows = s.execute(select(Inquiry.status, func.count()).group_by(Inquiry.status))
            return {status: n for status, n in rows}

    def unseen_answers(self, account_id: int) -> int:
        """An officer's inquiries answered since they last opened 自分の照会 (「回答あり」)."""
        with self.db.session() as s:
            return s.scalar(select(func.count()).select_from(Inquiry).where(
                Inquiry.asker_id == account_id, Inquiry.answered_at.is_not(None),
                (Inquiry.answer_seen_at.is_(None)) | (Inquiry.answer_seen_at < Inquiry.answered_at))) or 0

    def mark_answers_seen(self, account_id: int) -> None:
        with self.db.session() as s:
            s.execute(update(Inquiry).where(Inquiry.asker_id == account_id, Inquiry.answered_at.is_not(None))
                      .values(answer_seen_at=utcnow()))

    def latest_change(self) -> tuple[int, str]:
        """(number of inquiries, newest update) — the queue's version, for polling with an ETag."""
        with self.db.session() as s:
            n, newest = s.execute(select(func.count(), func.max(Inquiry.updated_at))).one()
            return n or 0, newest.isoformat() if newest else ""

    def asked_by(self, account_id: int, limit: int = 100) -> list[Inquiry]:
        """An officer's own inquiries (自分の照会), newest first."""
        with self.db.session() as s:
            return list(s.scalars(select(Inquiry).where(Inquiry.asker_id == account_id)
                                  .order_by(Inquiry.received_at.desc(), Inquiry.id.desc()).limit(limit)))

    # -- recording -----------------------------------------------------------------------------
    def record(self, form: InquiryForm, by: str) -> Inquiry:
        """A new inquiry taken by the desk (answered at once when the answer is given)."""
        form.check()
        with self.db.session() as s:
            inq = Inquiry(status="open", received_at=form.received_at, channel=form.channel, asking_unit=form.asking_unit,
                          category=form.category, recorded_by=by, created_at=utcnow(), updated_at=utcnow())
            self._apply_form(inq, form, by)
            s.add(inq)
            s.flush()
            return inq

    def ask(self, question: str, *, asker_id: int, asker_username: str, asker_name: str, asking_unit: str,
            category: str, search_query: str = "", viewed: list[Basis] = ()) -> Inquiry:
        """An officer's inquiry from the search page: it lands in the desk's queue as 受付."""
        form = InquiryForm(question=question, received_at=utcnow(), channel="端末", asking_unit=asking_unit,
                           category=category if category in CATEGORIES else "地域").check()
        with self.db.session() as s:
            inq = Inquiry(status="open", received_at=form.received_at, channel="端末", asking_unit=form.asking_unit,
                          category=form.category, question=form.question,
                          question_spans=initial_spans(form.question, "")[0], search_query=search_query.strip()[:200],
                          asker_id=asker_id, asker_username=asker_username, asker_name=asker_name,
                          recorded_by=asker_username, created_at=utcnow(), updated_at=utcnow())
            inq.sections = [InquirySection(role="viewed", doc_id=b.doc_id, section_id=b.section_id,
                                           label=b.label[:300], position=i) for i, b in enumerate(viewed[:MAX_BASIS])]
            s.add(inq)
            s.flush()
            return inq

    def update(self, inquiry_id: int, form: InquiryForm, by: str) -> Inquiry:
        """The desk's edit: details, answer and basis (an inquiry already closed is not changed)."""
        form.check()
        with self.db.session() as s:
            inq = self._open_for_change(s, inquiry_id)
            inq.received_at, inq.channel, inq.asking_unit, inq.category = (
                form.received_at, form.channel, form.asking_unit, form.category)
            self._apply_form(inq, form, by)
            return inq

    def _apply_form(self, inq: Inquiry, form: InquiryForm, by: str) -> None:
        # a changed text is reviewed afresh: the anonymiser runs again on both
        if form.question != inq.question or (form.answer or None) != inq.answer:
            inq.question, inq.answer = form.question, form.answer or None
            inq.question_spans, inq.answer_spans = initial_spans(form.question, form.answer)
        keep_viewed = [s for s in inq.sections if s.role == "viewed"]
        inq.sections = keep_viewed + [
            InquirySection(role="basis", doc_id=b.doc_id, section_id=b.section_id, label=b.label[:300],
                           position=i) for i, b in enumerate(form.basis)]
        if form.answer and inq.status == "open":
            inq.status, inq.answered_at, inq.answered_by = "answered", utcnow(), by
        elif not form.answer and inq.status == "answered":
            inq.status = "open"
        inq.updated_at = utcnow()

    def _open_for_change(self, s, inquiry_id: int) -> Inquiry:
        inq = s.get(Inquiry, inquiry_id)
        if inq is None:
            raise DeskError(f"no inquiry {inquiry_id}", "指定の照会は見つかりませんでした。")
        if inq.status in ("published", "internal"):
            raise DeskError(f"inquiry {inquiry_id} is closed ({inq.status})",
                            f"この照会は「{inq.status_label}」のため変更できません。")
        if inq.question is None:
            raise DeskError(f"inquiry {inquiry_id} was purged", "保存期間を過ぎたため、この照会の元の文は削除されています。")
        return inq

    # -- review --------------------------------------------------------------------------------
    def revise_review(self, inquiry_id: int, masked: dict[str, set[int]], additions: list[Addition],
                      decisions: dict[str, dict[int, str]] | None = None) -> Inquiry:
        """Apply the desk's unmask/mask choices and 「要確認」 decisions to the stored spans."""
        decisions = decisions or {}
        for a in additions:
            if a.part not in ("question", "answer") or a.type not in SPAN_TYPES:
                raise DeskError("bad addition", "追加するマスクの種類を選んでください。")
        with self.db.session() as s:
            inq = self._open_for_change(s, inquiry_id)
            for part in ("question", "answer"):
                raw = (inq.question if part == "question" else inq.answer) or ""
                spans = revise_spans(raw, inq.spans(part), masked.get(part, set()),
                                     [a for a in additions if a.part == part], decisions.get(part, {}))
                value = json.dumps(spans, ensure_ascii=False)
                if part == "question":
                    inq.question_spans = value
                else:
                    inq.answer_spans = value
            inq.updated_at = utcnow()
            return inq

    # -- closing -------------------------------------------------------------------------------
    def publish(self, inquiry_id: int, *, digest: str, title: str, confidentiality: str, department: str,
                by: str, override_reason: str = "") -> Published:
        """Write the reviewed, masked inquiry into the corpus and delete its raw text.

        `digest` is the review_digest() the desk confirmed; anything changed since is refused, as is
        an undecided 「要確認」 span, and personal data the publish gate still finds unless
        `override_reason` explains why (the caller writes it to the audit log).
        The caller re-indexes `doc_id` through the single index writer."""
        if confidentiality not in PUBLISH_CONFIDENTIALITY:
            raise DeskError("bad confidentiality", "公開範囲を選んでください。")
        title = re.sub(r"\s+", " ", title or "").strip()
        if not title:
            raise DeskError("no title", f"題名を入力してください。質問の要点を、よくある質問の見出しのように書きます（例：「{TITLE_EXAMPLE}」）。")
        if len(title) > MAX_TITLE_CHARS:
            raise DeskError("title too long", f"題名は{MAX_TITLE_CHARS}文字以内で入力してください。")
        override_reason = (override_reason or "").strip()
        # the corpus write lock first, then the database: kb.reconcile takes them in this order
        with self._publish_lock, write_lock(self.corpus), self.db.session() as s:
            inq = self._open_for_change(s, inquiry_id)
            if inq.status != "answered" or not inq.answer:
                raise DeskError(f"inquiry {inquiry_id} has no answer", "回答を記録してから公開してください。")
            if digest != inq.review_digest():
                raise DeskError(f"inquiry {inquiry_id} changed since review",
                                "確認した後にマスクの内容が変わりました。もう一度確認してください。")
            if inq.undecided():
                raise DeskError(f"inquiry {inquiry_id} has undecided spans",
                                f"「要確認」の語句があと{inq.undecided()}件あります。それぞれ「伏せる」か「そのまま」を選び、"
                                "「マスクを反映」を押してから公開してください。")
            question, answer = inq.masked_parts()
            hidden = inq.masked_texts()
            if any(t in title for t in hidden):
                raise DeskError("masked words in the title", "題名に、伏せた語句が残っています。題名を直してください。")
            unmasked = {sp["text"] for part in ("question", "answer") for sp in inq.spans(part) if not sp["masked"]}
            if [sp for sp in detect(title) if sp.text not in unmasked]:     # what the desk let stand may stay
                raise DeskError("personal information in the title",
                                "題名に個人情報と思われる語句があります。題名を直してください。")
            leaks = publish_gate.leaks(title) + publish_gate.leaks(question) + publish_gate.leaks(answer)
            if leaks and len(override_reason) < publish_gate.MIN_REASON_CHARS:
                raise PublishBlocked(leaks)
            received, answered = as_jst_date(inq.received_at), as_jst_date(inq.answered_at)
            year = answered.year
            for _attempt in range(50):
                doc_id = self._free_id(s, year)
                inq.doc_id = doc_id
                try:
                    s.flush()                       # the unique doc_id: another process got there first?
                    break
                except IntegrityError:
                    s.rollback()
                    inq = self._open_for_change(s, inquiry_id)
            else:
                raise DeskError("no free inquiry id", "事例番号を決められませんでした。もう一度お試しください。")
            published = PublishedInquiry(
                id=doc_id, title=title, category=inq.category, question=question, answer=answer,
                received=received, answered=answered, basis=inq.basis,
                department=department.strip()[:100] or CATEGORY_DEPARTMENTS.get(inq.category, ""),
                confidentiality=confidentiality)
            path = document_path(self.corpus, "inquiry", doc_id, year)
            markdown = inquiry_markdown(published)
            try:
                # the intent first: a process killed before the commit leaves it for kb.reconcile,
                # which removes the case file (the inquiry stays 回答済, to be decided again)
                record_intent(path, kind="publish", doc_id=doc_id, inquiry=inquiry_id, by=by)
                crash_point("publish:intent")
                atomic_write(path, markdown)
            except OSError as e:
                clear_intent(path)
                discard(path)
                raise StorageFailed(f"corpus not writable: {e}") from e
            crash_point("publish:file-written")
            try:
                inq.status, inq.title, inq.department = "published", title, published.department
                inq.confidentiality = confidentiality
                inq.masked_question, inq.masked_answer = question, answer
                inq.closed_at, inq.closed_by, inq.updated_at = utcnow(), by, utcnow()
                self._drop_raw(inq)
                s.commit()
            except BaseException:
                path.unlink(missing_ok=True)        # no file without its record
                clear_intent(path)
                raise
            clear_intent(path)
            return Published(doc_id, path, leaks)

    def keep_internal(self, inquiry_id: int, by: str) -> Inquiry:
        """Answered but not published (非公開): the raw text stays until the retention ends."""
        with self.db.session() as s:
            inq = self._open_for_change(s, inquiry_id)
            inq.status, inq.closed_at, inq.closed_by, inq.updated_at = "internal", utcnow(), by, utcnow()
            return inq

    def _free_id(self, s, year: int) -> str:
        folder = document_path(self.corpus, "inquiry", inquiry_id(year, 1), year).parent
        numbers = [int(m.group(2)) for p in folder.glob("inq-*.md")
                   if (m := ID_PATTERN.match(p.stem)) and int(m.group(1)) == year]
        prefix = f"inq-{year}-"
        numbers += [int(m.group(2)) for d in s.scalars(select(Inquiry.doc_id).where(Inquiry.doc_id.like(prefix + "%")))
                    if (m := ID_PATTERN.match(d or ""))]
        return inquiry_id(year, max(numbers, default=0) + 1)

    # -- retention -----------------------------------------------------------------------------
    @staticmethod
    def _drop_raw(inq: Inquiry) -> None:
        inq.question = inq.answer = None
        inq.search_query = ""                  # the officer's words too
        inq.question_spans = inq.answer_spans = "[]"
        inq.purged_at = utcnow()

    def purge(self, days: int | None = None, now: dt.datetime | None = None) -> list[int]:
        """Delete the raw text of unpublished inquiries received more than `days` ago; their ids."""
        days = retention_days() if days is None else days
        cutoff = (now or self.clock.now()) - dt.timedelta(days=days)
        with self.db.session() as s:
            stale = list(s.scalars(select(Inquiry).where(Inquiry.received_at < cutoff,
                                                         Inquiry.question.is_not(None))))
            for inq in stale:
                self._drop_raw(inq)
                inq.updated_at = utcnow()
            return [inq.id for inq in stale]

    # -- reuse ---------------------------------------------------------------------------------
    def basis_reuse(self) -> list[Reuse]:
        """Sections by how often the desk answered with them (every status), most used first."""
        with self.db.session() as s:
            rows = s.execute(select(InquirySection.doc_id, InquirySection.section_id,
                                    func.max(InquirySection.label), func.count(InquirySection.inquiry_id.distinct()))
                             .where(InquirySection.role == "basis")
                             .group_by(InquirySection.doc_id, InquirySection.section_id))
            return sorted((Reuse(d, sec, label or "", n) for d, sec, label, n in rows),
                          key=lambda r: (-r.recorded, r.doc_id, r.section_id))
