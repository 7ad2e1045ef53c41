"""`kb reindex`, `--rollback` and `kb status` as operators use them."""
from __future__ import annotations

import json

from click.testing import CliRunner

from indexer import generations
from indexer.search import SearchEngine
from indexer.updates import IndexUpdater
from kb.store import atomic_write
from kb_cli.cli import main

DOC = """---
id: {id}
title: {title}
kind: manual
---
# {title}

## 第1条 {{#art-1}}

{body}
"""


def run(site, *args):
    env = {"KB_CORPUS": str(site.corpus), "KB_INDEX": str(site.index), "KB_DATA": str(site.data)}
    return CliRunner().invoke(main, list(args), env=env)


def test_reindex_validates_switches_and_status_reports(site_factory):
    site = site_factory({"manuals/a.md": DOC.format(id="a", title="警ら要領", body="職務質問を行う。")}, "cli")
    first = generations.current_name(site.index)
    r = run(site, "reindex", "--no-progress")
    assert r.exit_code == 0, r.stderr
    assert "ok   documents: 1 = 1 files" in r.output and "ok   query '警ら要領' finds a" in r.output
    live = generations.current_name(site.index)
    assert live != first and live in r.output
    st = json.loads(run(site, "status", "--json").stdout)
    assert st["live"]["generation"] == live and st["live"]["documents"] == 1 and st["live"]["sections"] == 1
    assert st["last_reindex"]["seconds"] > 0 and st["last_reindex"]["finished_at"]
    assert [g["name"] for g in st["generations"]] == [first, live]
    text = run(site, "status").output
    assert "live generation  " + live in text and "last reindex" in text and "generations kept 2" in text


def test_rollback_returns_to_previous_generation_and_keeps_publishes(site_factory):
    site = site_factory({"manuals/a.md": DOC.format(id="a", title="警ら要領", body="職務質問を行う。")}, "rollback")
    a = generations.current_name(site.index)
    assert run(site, "reindex", "--no-progress").exit_code == 0
    b = generations.current_name(site.index)
    atomic_write(site.corpus / "manuals" / "lost.md", DOC.format(id="lost", title="遺失物要領", body="拾得物件預り書を交付する。"))
    IndexUpdater(site.corpus, site.index).update_documents(["lost"])
    r = run(site, "reindex", "--rollback")
    assert r.exit_code == 0, r.stderr
    assert generations.current_name(site.index) == a and "documents changed since it was built re-applied" in r.output
    assert SearchEngine(site.index).search("拾得物件預り書").total == 1     # the publish survives
    # a new build after a rollback; rolling back from it returns to a, not to the abandoned b
    assert run(site, "reindex", "--no-progress").exit_code == 0
    assert run(site, "reindex", "--rollback").exit_code == 0
    assert generations.current_name(site.index) == a != b


def test_rollback_without_an_earlier_generation_fails_cleanly(site_factory):
    site = site_factory({"manuals/a.md": DOC.format(id="a", title="警ら要領", body="職務質問。")}, "norollback")
    r = run(site, "reindex", "--rollback")
    assert r.exit_code == 1 and "no earlier generation" in r.stderr


def test_rejected_build_keeps_live_generation(site_factory, monkeypatch):
    site = site_factory({"manuals/a.md": DOC.format(id="a", title="警ら要領", body="職務質問。")}, "reject")
    live = generations.current_name(site.index)
    from indexer import build

    def broken_count(*a, **k):
        raise build.ValidationFailed("index holds 0 sections, built 1")
    monkeypatch.setattr(build, "validate_generation", broken_count)
    r = run(site, "reindex", "--no-progress")
    assert r.exit_code == 1 and "rejected, the live one stays" in r.stderr
    assert generations.current_name(site.index) == live
    assert not list(site.index.glob(".build-*"))
