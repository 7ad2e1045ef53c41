"""The single index writer: publishes and edits are searchable when update_documents returns."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from indexer import generations
from indexer.search import SearchEngine
from indexer.updates import JOURNAL, IndexUpdater, get_updater
from kb.document import DocumentError
from kb.store import atomic_write

REPO = Path(__file__).resolve().parent.parent
DOC = """---
id: {id}
title: {title}
kind: manual
---
# {title}

{sections}
"""


def manual(doc_id, title, bodies):
    secs = "\n".join(f"## 第{i}条 {{#art-{i}}}\n\n{b}\n" for i, b in enumerate(bodies, 1))
    return DOC.format(id=doc_id, title=title, sections=secs)


@pytest.fixture
def site(site_factory):
    return site_factory({"manuals/patrol.md": manual("patrol", "警ら要領", ["警ら中に不審者を発見したときは職務質問を行う。"])},
                        "updates")


def publish(site, doc_id, title, bodies):
    atomic_write(site.corpus / "manuals" / f"{doc_id}.md", manual(doc_id, title, bodies))


def test_published_document_is_searchable_when_update_returns(site):
    engine = SearchEngine(site.index)
    assert engine.search("遺失物").total == 0
    updater = IndexUpdater(site.corpus, site.index)
    publish(site, "lost", "遺失物取扱要領", ["遺失物の届出を受理したときは拾得物件預り書を交付する。", "保管期間を過ぎた物件の処分。"])
    result = updater.update_documents(["lost"])      # how fast: bench/reindex.py
    assert result.updated == ["lost"] and result.generation == generations.current_name(site.index)
    # the same engine, no restart: the new sections and the catalog (titles, article references)
    assert {h.doc_id for h in engine.search("拾得物件預り書").hits} == {"lost"}
    assert engine.catalog["lost"]["sections"] == ["art-1", "art-2"]
    assert engine.search("職務質問").total == 1
    updater.close()


def test_edit_replaces_old_sections_and_remove_takes_document_out(site):
    engine = SearchEngine(site.index)
    updater = IndexUpdater(site.corpus, site.index)
    publish(site, "patrol", "警ら要領", ["警ら中は巡回連絡を行う。", "夜間は二人で警らする。", "記録を残す。"])
    updater.update_documents(["patrol"])
    assert engine.search("職務質問").total == 0          # the old text is gone
    assert engine.search("巡回連絡").total == 1
    assert len(engine.catalog["patrol"]["sections"]) == 3
    updater.remove_documents(["patrol"])
    assert engine.search("巡回連絡").total == 0 and "patrol" not in engine.catalog
    # an update of a document whose file is gone removes it too
    publish(site, "gone", "臨時要領", ["臨時の検問を行う。"])
    updater.update_documents(["gone"])
    assert engine.search("検問").total == 1
    (site.corpus / "manuals" / "gone.md").unlink()
    assert updater.update_documents(["gone"]).removed == ["gone"]
    assert engine.search("検問").total == 0
    updater.close()


def test_broken_document_fails_alone(site):
    updater = get_updater(site.corpus, site.index)
    assert get_updater(site.corpus, site.index) is updater        # one writer thread per home
    (site.corpus / "manuals" / "broken.md").write_text("---\nid: [\n---\n", encoding="utf-8")
    publish(site, "ok", "通信指令要領", ["無線で通信指令を受ける。"])
    errors = []

    def call(ids):
        try:
            updater.update_documents(ids)
        except DocumentError as e:
            errors.append(e)

    threads = [threading.Thread(target=call, args=(ids,)) for ids in (["broken"], ["ok"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(errors) == 1 and "broken.md" in str(errors[0])
    assert SearchEngine(site.index).search("通信指令").total == 1


def test_writers_in_threads_and_another_process_never_collide(site):
    """Eight threads here and a second process publish at once: every change lands, no LockError."""
    for i in range(8):
        publish(site, f"t{i}", f"要領{i}", [f"手順{i}号の内容。共通語句テスト。"])
    for i in range(6):
        publish(site, f"p{i}", f"規程{i}", [f"別プロセス{i}の内容。共通語句テスト。"])
    script = ("import sys; from pathlib import Path; from indexer.updates import IndexUpdater; "
              "u = IndexUpdater(Path(sys.argv[1]), Path(sys.argv[2])); "
              "[u.update_documents([f'p{i}']) for i in range(6)]; u.close()")
    other = subprocess.Popen([sys.executable, "-c", script, str(site.corpus), str(site.index)], cwd=REPO,
                             stderr=subprocess.PIPE, text=True)
    updater = IndexUpdater(site.corpus, site.index)
    errors = []

    def call(i):
        try:
            updater.update_documents([f"t{i}"])
        except Exception as e:      # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    _, err = other.communicate(timeout=120)
    assert other.returncode == 0, err
    assert not errors, errors
    engine = SearchEngine(site.index)
    assert {h.doc_id for h in engine.search("共通語句テスト", limit=50).hits} == \
        {f"t{i}" for i in range(8)} | {f"p{i}" for i in range(6)}
    assert len(engine.catalog) == 15
    updater.close()


def test_journal_left_by_a_crashed_rebuild_is_dropped(site):
    journal = site.index / JOURNAL
    journal.write_text('{"op": "update", "id": "patrol"}\n')      # nobody holds its lock
    publish(site, "new", "新要領", ["新しい手続。"])
    result = IndexUpdater(site.corpus, site.index).update_documents(["new"])
    assert not result.journaled and not journal.exists()
    assert SearchEngine(site.index).search("新しい手続").total == 1
