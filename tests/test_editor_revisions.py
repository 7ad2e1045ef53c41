"""A maintainer's saves become revisions: history, stale edits refused, restore, succession links."""
import datetime as dt
import shutil
from pathlib import Path

import pytest

from kb.db import open_database
from kb.document import read_document
from kb.frontmatter import compose_document, parse_extra, parse_form, split_document
from kb.revisions import Author, EditRefused, RevisionStore, StaleEdit
from kb.textdiff import compare

REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
OKAYAMA = "okayama-chiiki-keisatsu-unei-kitei"
SATO = Author(1, "sato", "佐藤 主任")
SUZUKI = Author(2, "suzuki", "鈴木 係長")

MANUAL = """---
id: test-manual
title: 遺失物取扱マニュアル
kind: manual
department: 会計課
---

# 遺失物取扱マニュアル

## 1 受理 {#ki-1}

拾得物は拾得物件預り書を交付して受理する。
"""


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    (root / "regulations").mkdir(parents=True)
    shutil.copy(REPO_CORPUS / "regulations" / f"{OKAYAMA}.md", root / "regulations")
    return root


@pytest.fixture
def store(tmp_path, corpus):
    db = open_database(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    yield RevisionStore(db, corpus)
    db.dispose()


def test_the_first_revision_of_an_existing_file_is_its_text_on_disk(store, corpus):
    on_disk = (corpus / "regulations" / f"{OKAYAMA}.md").read_text(encoding="utf-8")
    head = store.head(OKAYAMA)
    assert (head.number, head.action, head.text) == (1, "baseline", on_disk)
    assert [r.number for r in store.history(OKAYAMA)] == [1]


def test_create_writes_the_file_and_records_author_time_and_message(store, corpus):
    result = store.create(MANUAL, SATO, "新規作成")
    path = corpus / "manuals" / "test-manual.md"
    assert result.path == path and path.read_text(encoding="utf-8") == MANUAL
    rev = result.revision
    assert (rev.number, rev.action, rev.author, rev.author_name, rev.message) == (1, "create", "sato", "佐藤 主任", "新規作成")
    assert abs((dt.datetime.utcnow() - rev.created_at).total_seconds()) < 60
    assert not list(path.parent.glob(".*.tmp")), "temp file left behind"
    with pytest.raises(EditRefused, match="exists"):
        store.create(MANUAL, SUZUKI)


def test_each_save_is_a_revision_and_a_stale_base_is_refused_without_writing(store, corpus):
    store.create(MANUAL, SATO)
    first = MANUAL.replace("受理する。", "受理し、台帳に記録する。")
    r2 = store.save("test-manual", first, base=1, author=SATO, message="台帳の記録を追加")
    assert r2.revision.number == 2
    # 鈴木さん also started from revision 1 and saves later: refused, the file keeps 佐藤さん's text
    theirs = MANUAL.replace("拾得物は", "拾得物（現金を含む。）は")
    with pytest.raises(StaleEdit) as e:
        store.save("test-manual", theirs, base=1, author=SUZUKI, message="現金")
    assert e.value.current.number == 2 and e.value.submitted == theirs
    assert "佐藤 主任" in e.value.message_ja and "保存していません" in e.value.message_ja
    assert (corpus / "manuals" / "test-manual.md").read_text(encoding="utf-8") == first
    diff = compare(e.value.current.text, e.value.submitted)
    assert {line.text for h in diff.hunks for line in h.lines if line.kind in ("insert", "change")} == \
        {"拾得物（現金を含む。）は拾得物件預り書を交付して受理する。"}
    assert [r.number for r in store.history("test-manual")] == [2, 1]


def test_a_file_changed_behind_the_editor_is_recorded_and_makes_older_edits_stale(store, corpus):
    store.head(OKAYAMA)
    path = corpus / "regulations" / f"{OKAYAMA}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n<!-- git pull -->\n", encoding="utf-8")
    with pytest.raises(StaleEdit):
        store.save(OKAYAMA, path.read_text(encoding="utf-8").replace("岡山", "岡山", 1), base=1, author=SATO)
    head = store.head(OKAYAMA)
    assert (head.number, head.action) == (2, "external")


def test_unchanged_text_makes_no_revision(store):
    store.create(MANUAL, SATO)
    assert store.save("test-manual", MANUAL, base=1, author=SATO).revision is None
    assert len(store.history("test-manual")) == 1


def test_restore_brings_back_an_old_text_as_a_new_revision(store, corpus):
    store.create(MANUAL, SATO)
    store.save("test-manual", MANUAL.replace("受理する。", "受理しない。"), base=1, author=SUZUKI, message="誤り")
    result = store.restore("test-manual", 1, base=2, author=SATO)
    rev = result.revision
    assert (rev.number, rev.action, rev.restored_from) == (3, "restore", 1)
    assert (corpus / "manuals" / "test-manual.md").read_text(encoding="utf-8") == MANUAL
    assert [r.number for r in store.history("test-manual")] == [3, 2, 1]


def test_the_id_and_kind_cannot_change_and_broken_front_matter_is_refused(store):
    store.create(MANUAL, SATO)
    with pytest.raises(EditRefused, match="id changed"):
        store.save("test-manual", MANUAL.replace("id: test-manual", "id: other"), base=1, author=SATO)
    with pytest.raises(EditRefused, match="kind changed"):
        store.save("test-manual", MANUAL.replace("kind: manual", "kind: notice"), base=1, author=SATO)
    with pytest.raises(ValueError) as e:
        store.save("test-manual", MANUAL.replace("title: 遺失物取扱マニュアル\n", ""), base=1, author=SATO)
    assert "title" in str(e.value)


def test_superseding_links_both_ways(store, corpus):
    store.create(MANUAL, SATO)
    new = MANUAL.replace("id: test-manual", "id: test-manual-2026").replace(
        "department: 会計課", "department: 会計課\nsupersedes:\n- test-manual")
    result = store.create(new, SATO, "改訂版")
    assert [r.doc_id for r in result.linked] == ["test-manual"]
    assert sorted(result.changed_ids) == ["test-manual", "test-manual-2026"]
    old = read_document(corpus / "manuals" / "test-manual.md")
    assert (old.meta["status"], old.meta["superseded_by"]) == ("superseded", "test-manual-2026")
    assert not old.in_force
    assert store.head("test-manual").action == "link"
    # saving again does not touch the old document a second time
    again = store.save("test-manual-2026", new.replace("受理する。", "受理する。\n"), base=1, author=SATO)
    assert again.linked == []


def test_the_form_round_trips_a_file_byte_for_byte_and_keeps_fields_it_does_not_show():
    text = (REPO_CORPUS / "regulations" / f"{OKAYAMA}.md").read_text(encoding="utf-8")
    values, extra, body = split_document(text)
    assert compose_document(parse_form(values), body, parse_extra(extra), text) == text
    values.update(review_by="2026-03-31", owner="地域課 企画係")
    changed = compose_document(parse_form(values), body.replace("\n", "\r\n"), parse_extra(extra), text)
    meta = read_document_text(changed)
    assert meta["review_by"] == dt.date(2026, 3, 31) and meta["owner"] == "地域課 企画係"
    assert meta["source"] and changed.endswith(body)


def read_document_text(text):
    from kb.document import parse_document
    return parse_document(text).meta


def test_diffs_rebuild_both_texts_and_a_one_line_edit_of_a_large_law_is_one_hunk():
    import random
    rng = random.Random(7)
    for _ in range(500):
        a = [rng.choice("abcde") for _ in range(rng.randint(0, 30))]
        b = list(a)
        for _ in range(rng.randint(0, 4)):
            r = rng.random()
            if r < .4 and b:
                del b[rng.randrange(len(b))]
            elif r < .8:
                b.insert(rng.randint(0, len(b)), rng.choice("abcdxy"))
            elif b:
                b[rng.randrange(len(b))] = "z"
        diff = compare("\n".join(a), "\n".join(b), context=10**6)
        lines = [line for h in diff.hunks for line in h.lines]
        rows = [r for h in diff.hunks for r in h.rows]
        if a != b:
            assert [x.text for x in lines if x.kind != "insert"] == a
            assert [x.text for x in lines if x.kind != "delete"] == b
            assert [r.old_text for r in rows if r.old_no] == a and [r.new_text for r in rows if r.new_no] == b
        else:
            assert diff.identical
    law = (REPO_CORPUS / "laws" / "law-doro-kotsu-ho.md").read_text(encoding="utf-8")
    diff = compare(law, law.replace("第一条", "第1条", 1))
    assert (len(diff.hunks), diff.added, diff.removed) == (1, 1, 1)


def test_an_expired_document_cannot_be_saved_as_in_force():
    from kb.frontmatter import FormError, new_document_template
    values = {**new_document_template(), "id": "x-manual", "title": "t", "effective_until": "2025-03-31"}
    with pytest.raises(FormError) as e:
        parse_form(values, today=dt.date(2025, 4, 1))
    assert e.value.field == "status" and "有効期限が過ぎています" in e.value.message_ja
    assert parse_form({**values, "status": "repealed"}, today=dt.date(2025, 4, 1))["status"] == "repealed"
    assert parse_form(values, today=dt.date(2025, 3, 31))["effective_until"] == dt.date(2025, 3, 31)
