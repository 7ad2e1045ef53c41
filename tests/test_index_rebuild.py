"""Full rebuilds into a new generation, the atomic switch, rollback and the rebuild lock."""
import pytest

from indexer import generations
from indexer.build import rebuild
from indexer.generations import RebuildRunning, rebuild_lock
from indexer.search import SearchEngine
from kb.store import atomic_write

DOC = """---
id: {id}
title: {title}
kind: manual
---
# {title}

## 第1条（目的） {{#art-1}}

{body}
"""


def write(corpus, doc_id, title, body):
    atomic_write(corpus / "manuals" / f"{doc_id}.md", DOC.format(id=doc_id, title=title, body=body))


@pytest.fixture
def corpus(tmp_path):
    c = tmp_path / "corpus"
    write(c, "patrol", "警ら要領", "警ら中に不審者を発見したときは職務質問を行う。")
    return c


def test_rebuild_switches_generation_and_searchers_follow(corpus, tmp_path):
    home = tmp_path / "index"
    first = rebuild(corpus, home)
    assert first.documents == 1 and first.sections == 1
    engine = SearchEngine(home)
    assert engine.search("職務質問").total == 1
    assert engine.search("遺失物").total == 0

    write(corpus, "lost", "遺失物取扱要領", "遺失物の届出を受理したときは拾得物件預り書を交付する。")
    second = rebuild(corpus, home)
    assert second.generation != first.generation
    assert generations.current_name(home) == second.generation
    # the same engine object sees the new generation on its next search, no restart
    assert engine.search("遺失物").total == 1
    assert engine.generation == second.generation


def test_rollback_returns_to_previous_generation(corpus, tmp_path):
    home = tmp_path / "index"
    a = rebuild(corpus, home).generation
    write(corpus, "lost", "遺失物取扱要領", "遺失物の届出。")
    b = rebuild(corpus, home).generation
    assert generations.rollback(home) == a
    assert SearchEngine(home).search("遺失物").total == 0
    assert b in generations.generations(home)


def test_old_generations_are_pruned(corpus, tmp_path):
    home = tmp_path / "index"
    for _ in range(generations.KEEP_GENERATIONS + 2):
        rebuild(corpus, home)
    assert len(generations.generations(home)) == generations.KEEP_GENERATIONS


def test_second_rebuild_while_one_runs_is_refused(corpus, tmp_path):
    home = tmp_path / "index"
    with rebuild_lock(home):
        with pytest.raises(RebuildRunning):
            rebuild(corpus, home)


def test_failed_build_leaves_live_generation_and_no_debris(corpus, tmp_path):
    home = tmp_path / "index"
    live = rebuild(corpus, home).generation

    def explode(doc):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        rebuild(corpus, home, progress=explode)
    assert generations.current_name(home) == live
    assert not list(home.glob(".build-*"))
    assert SearchEngine(home).search("職務質問").total == 1


def test_stale_build_folder_from_a_crash_is_cleaned(corpus, tmp_path):
    home = tmp_path / "index"
    rebuild(corpus, home)
    crashed = generations.new_build_dir(home)
    (crashed / "half").write_text("x")
    rebuild(corpus, home)
    assert not crashed.exists()


def test_bad_document_is_skipped_and_reported(corpus, tmp_path):
    (corpus / "manuals" / "broken.md").write_text("---\nid: [\n---\n", encoding="utf-8")
    report = rebuild(corpus, tmp_path / "index")
    assert report.documents == 1
    assert len(report.errors) == 1 and "broken.md" in report.errors[0].path
