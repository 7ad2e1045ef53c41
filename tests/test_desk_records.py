"""The desk's records without the web: masks the desk can change, what publishing writes and
deletes, the retention of raw text (`kb purge`), and basis reuse counts."""
import datetime as dt

import pytest
from click.testing import CliRunner

from kb.clock import ManualClock
from kb.db import open_database
from kb.desk import Addition, DeskError, DeskStore, InquiryForm, PublishBlocked, initial_spans, revise_spans
from kb.inquiries import Basis

BASIS = [Basis("okayama-chiiki-keisatsu-unei-kitei", "art-3", "岡山県警察地域警察運営規程 第3条")]
QUESTION = "田中一郎さん（電話 086-123-4567）から、岡山東警察署地域課に相談がありました。拾得物の扱いは？"
ANSWER = "遺失物法に基づき、田中さんには拾得物件預り書を交付してください。"
FAQ_TITLE = "拾得物の届出を受けたときの預り書の交付"


@pytest.fixture
def store(tmp_path):
    from kb.db import open_database
    return DeskStore(open_database(f"sqlite:///{tmp_path / 'kb.sqlite3'}"), tmp_path / "corpus")


def form(**kw) -> InquiryForm:
    base = dict(question=QUESTION, received_at=dt.datetime(2026, 11, 1, 0, 0), channel="電話",
                asking_unit="岡山東警察署地域課", category="生活安全", answer=ANSWER, basis=list(BASIS))
    base.update(kw)
    return InquiryForm(**base)


def test_spans_are_found_in_both_texts_and_one_person_keeps_one_letter(store):
    inq = store.record(form(), "desk")
    assert inq.status == "answered"
    assert {s["text"] for s in inq.spans("question")} >= {"田中一郎", "086-123-4567"}
    assert [s["text"] for s in inq.spans("answer")] == ["田中"]
    q, a = inq.masked_parts()
    assert q.startswith("〔氏名A〕さん（電話 〔電話番号〕）") and "〔氏名A〕さんには" in a
    assert "岡山東警察署地域課" in q


def test_unmask_and_mask_by_hand():
    text = "佐藤さんが山陽商事の前で転倒した。"
    spans = [{"start": 0, "end": 2, "type": "person", "text": "佐藤", "masked": True}]
    out = revise_spans(text, spans, set(), [Addition("question", "山陽商事", "org_identifying")])
    assert [(s["text"], s["masked"]) for s in out] == [("佐藤", False), ("山陽商事", True)]
    # an addition never splits a masked span; an unmasked one inside it gives way
    out = revise_spans(text, out, {1}, [Addition("question", "佐藤さん", "person")])
    assert [(s["text"], s["masked"]) for s in out] == [("佐藤さん", True), ("山陽商事", True)]


def test_publish_writes_masked_text_and_deletes_the_raw(store):
    inq = store.record(form(), "desk")
    with pytest.raises(DeskError):
        store.publish(inq.id, digest="stale", title=FAQ_TITLE, confidentiality="internal", department="", by="desk")
    published = store.publish(inq.id, digest=inq.review_digest(), title=FAQ_TITLE, confidentiality="internal",
                              department="", by="desk")
    text = published.path.read_text(encoding="utf-8")
    assert published.path.parent.name == "2026" and published.doc_id == "inq-2026-0001"
    assert "田中" not in text and "086-123-4567" not in text and "〔氏名A〕" in text
    assert "confidentiality: internal" in text and "department: 生活安全部生活安全企画課" in text
    row = store.get(inq.id)
    assert row.status == "published" and row.question is None and row.answer is None
    assert row.spans("question") == [] and row.masked_question.startswith("〔氏名A〕")
    with pytest.raises(DeskError):           # closed: no second publish, no edit
        store.update(inq.id, form(), "desk")


def test_the_desk_must_write_a_title(store):
    inq = store.record(form(), "desk")
    for title in ("", "  　 "):
        with pytest.raises(DeskError) as e:
            store.publish(inq.id, digest=inq.review_digest(), title=title, confidentiality="internal",
                          department="", by="desk")
        assert "題名を入力してください" in e.value.message_ja and "例：" in e.value.message_ja
    assert store.get(inq.id).status == "answered"


def test_an_unmasked_phone_number_blocks_publishing_until_a_reason_is_given(store):
    inq = store.record(form(), "desk")
    phone = next(i for i, s in enumerate(inq.spans("question")) if s["type"] == "phone")
    keep = {i for i, s in enumerate(inq.spans("question")) if s["masked"] and i != phone}
    inq = store.revise_review(inq.id, {"question": keep, "answer": {0}}, [])
    assert "086-123-4567" in inq.masked_parts()[0]
    with pytest.raises(PublishBlocked) as e:
        store.publish(inq.id, digest=inq.review_digest(), title=FAQ_TITLE, confidentiality="internal",
                      department="", by="desk", override_reason="short")
    assert [lk.type for lk in e.value.leaks] == ["phone"] and "電話番号「086-123-4567」" in e.value.message_ja
    assert store.get(inq.id).status == "answered"
    p = store.publish(inq.id, digest=inq.review_digest(), title=FAQ_TITLE, confidentiality="internal",
                      department="", by="desk", override_reason="署の代表番号であり個人の番号ではないため")
    assert [lk.text for lk in p.overridden] == ["086-123-4567"]
    assert "086-123-4567" in p.path.read_text(encoding="utf-8")


def test_an_undecided_review_span_blocks_publishing(store):
    inq = store.record(form(question="拾得された財布のカードにKOWALSKIと印字されていました。落とし物の扱いは？",
                            answer="遺失物法に基づき取り扱ってください。"), "desk")
    review = [(i, s) for i, s in enumerate(inq.spans("question")) if s.get("review")]
    assert review and all(not s["masked"] and not s["decided"] for _, s in review)
    assert inq.undecided() == len(review)
    with pytest.raises(DeskError) as e:
        store.publish(inq.id, digest=inq.review_digest(), title=FAQ_TITLE, confidentiality="internal",
                      department="", by="desk")
    assert "要確認" in e.value.message_ja
    plain = {i for i, s in enumerate(inq.spans("question")) if s["masked"] and not s.get("review")}
    inq = store.revise_review(inq.id, {"question": plain, "answer": set()}, [],
                              {"question": {i: "mask" for i, _ in review}})
    assert inq.undecided() == 0 and "KOWALSKI" not in inq.masked_parts()[0]
    p = store.publish(inq.id, digest=inq.review_digest(), title=FAQ_TITLE, confidentiality="internal",
                      department="", by="desk")
    assert "KOWALSKI" not in p.path.read_text(encoding="utf-8") and p.overridden == []


def test_a_title_with_personal_information_is_refused(store):
    inq = store.record(form(), "desk")
    with pytest.raises(DeskError) as e:
        store.publish(inq.id, digest=inq.review_digest(), title="田中一郎さんの拾得物", confidentiality="public",
                      department="", by="desk")
    assert "題名" in e.value.message_ja
    assert not (store.corpus / "inquiries").exists() or not list((store.corpus / "inquiries").rglob("*.md"))


def test_a_title_with_a_masked_word_is_refused(store):
    inq = store.record(form(), "desk")
    inq = store.revise_review(inq.id, {"question": {0, 1}, "answer": {0}}, [Addition("question", "拾得物", "person")])
    with pytest.raises(DeskError) as e:
        store.publish(inq.id, digest=inq.review_digest(), title="拾得物の扱い", confidentiality="public",
                      department="", by="desk")
    assert "伏せた語句" in e.value.message_ja


def test_ids_continue_after_existing_files(store):
    from kb.store import atomic_write
    atomic_write(store.corpus / "inquiries" / "2026" / "inq-2026-0041.md", "x")
    inq = store.record(form(), "desk")
    p = store.publish(inq.id, digest=inq.review_digest(), title="拾得物の扱い", confidentiality="public",
                      department="", by="desk")
    assert p.doc_id == "inq-2026-0042"


def test_purge_deletes_old_raw_text_of_unpublished_inquiries_only(store, tmp_path, monkeypatch):
    old = store.record(form(received_at=dt.datetime(2026, 1, 1)), "desk")
    internal = store.record(form(received_at=dt.datetime(2026, 1, 2)), "desk")
    store.keep_internal(internal.id, "desk")
    fresh = store.record(form(received_at=dt.datetime(2026, 11, 20)), "desk")
    purged = store.purge(days=90, now=dt.datetime(2026, 11, 25))
    assert sorted(purged) == sorted([old.id, internal.id])
    assert store.get(old.id).question is None and store.get(old.id).purged_at is not None
    asked = store.ask("高木さんの件です。", asker_id=1, asker_username="o", asker_name="o", asking_unit="",
                      category="地域", search_query="高木 住所")
    with store.db.session() as s:       # received long ago
        from kb.desk import Inquiry
        s.get(Inquiry, asked.id).received_at = dt.datetime(2026, 1, 1)
    store.purge(days=90, now=dt.datetime(2026, 11, 25))
    assert store.get(asked.id).question is None and store.get(asked.id).search_query == ""
    assert store.get(fresh.id).question == QUESTION
    with pytest.raises(DeskError):
        store.update(old.id, form(), "desk")


def test_purge_counts_the_retention_period_on_the_stores_clock(tmp_path):
    clock = ManualClock(dt.datetime(2026, 11, 1, 9, 0))
    store = DeskStore(open_database(f"sqlite:///{tmp_path / 'kb.sqlite3'}"), tmp_path / "corpus", clock=clock)
    inq = store.record(form(received_at=dt.datetime(2026, 11, 1, 0, 0)), "desk")
    clock.advance(days=89)
    assert store.purge(days=90) == [] and store.get(inq.id).question == QUESTION
    clock.advance(days=2)
    assert store.purge(days=90) == [inq.id] and store.get(inq.id).question is None


def test_kb_purge_command(tmp_path, monkeypatch):
    from kb.db import database_url, open_database
    from kb_cli.cli import main
    monkeypatch.setenv("KB_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("KB_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("KB_RAW_RETENTION_DAYS", "30")
    store = DeskStore(open_database(database_url(tmp_path / "data")), tmp_path / "corpus")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    a = store.record(form(received_at=now - dt.timedelta(days=40)), "desk")
    b = store.record(form(received_at=now - dt.timedelta(days=10)), "desk")
    result = CliRunner().invoke(main, ["purge"])
    assert result.exit_code == 0 and "purged the raw text of 1 inquiries" in result.output
    assert store.get(a.id).question is None and store.get(b.id).question is not None
    result = CliRunner().invoke(main, ["purge", "--days", "5"])
    assert "of 1 inquiries received more than 5 days" in result.output
    assert store.get(b.id).question is None
    from kb.audit import AuditLog, AuditQuery
    assert AuditLog(store.db).count(AuditQuery(action="inquiry_purge")) == 2


def test_basis_reuse_counts_sections_over_inquiries(store):
    other = Basis("law-keisatsu-ho", "art-2", "警察法 第2条")
    store.record(form(), "desk")
    store.record(form(basis=BASIS + [other]), "desk")
    store.record(form(basis=[]), "desk")
    counts = {(r.doc_id, r.section_id): r.recorded for r in store.basis_reuse()}
    assert counts == {("okayama-chiiki-keisatsu-unei-kitei", "art-3"): 2, ("law-keisatsu-ho", "art-2"): 1}


def test_form_errors_are_japanese():
    with pytest.raises(DeskError) as e:
        form(question=" ", category="不明").check()
    assert "質問の内容" in e.value.message_ja and "分類" in e.value.message_ja


def test_initial_spans_split_between_question_and_answer():
    q, a = initial_spans("山田花子さんが来た。", "山田さんに伝える。")
    assert '"山田花子"' in q and '"山田"' in a
