"""`kb reindex` in another process while officers search: no failed search, kill -9 safety,
publishes during a rebuild carried over."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from indexer import generations
from indexer.search import SearchEngine
from indexer.updates import JOURNAL, IndexUpdater
from kb.store import atomic_write
from waiting import wait_for

REPO = Path(__file__).resolve().parent.parent
DOC = """---
id: {id}
title: {title}
kind: manual
---
# {title}

{sections}
"""
WORDS = ["職務質問", "交番", "遺失物", "酒気帯び運転", "被害届", "保護", "巡回連絡", "交通事故"]


def manual(doc_id: str, title: str, n_sections: int, extra: str = "") -> str:
    secs = []
    for i in range(1, n_sections + 1):
        w = WORDS[i % len(WORDS)]
        body = (f"{w}を行うときは、{title}の定めるところにより、上司に報告し、記録を作成しなければならない。"
                f"夜間の{w}については、交番勤務員が二人以上で当たるものとする。{extra}") * 3
        secs.append(f"## 第{i}条（{w}） {{#art-{i}}}\n\n{body}\n")
    return DOC.format(id=doc_id, title=title, sections="\n".join(secs))


def corpus_files(n_docs: int = 40, n_sections: int = 8) -> dict[str, str]:
    return {f"manuals/m{i:03d}.md": manual(f"m{i:03d}", f"勤務要領第{i}号", n_sections)
            for i in range(n_docs)}


def kb(site, *args, **popen):
    env = {**os.environ, "KB_CORPUS": str(site.corpus), "KB_INDEX": str(site.index), "KB_DATA": str(site.data)}
    return subprocess.Popen([sys.executable, "-m", "kb_cli.cli", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def build_started(home: Path) -> bool:
    """A build folder with Whoosh files in it: the corpus has been listed."""
    return any(any(p.iterdir()) for p in home.glob(".build-*") if p.is_dir())


def debris(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir()
                  if p.name.startswith(".build-") or p.name == JOURNAL)


def index_workers(home: Path) -> list[int]:
    """Child index processes still running for this home (their spec lives under it)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if b"indexer.build" in cmd and str(home).encode() in cmd:
                out.append(int(d.name))
    return out


def test_searches_never_fail_while_reindex_runs_in_another_process(site_factory):
    site = site_factory(corpus_files(), "live-search")
    engine = SearchEngine(site.index)         # shared by threads, as in a waitress worker
    before = engine.search("職務質問").total
    assert before > 0
    failures, empties, counts, seen = [], [], [0], set()
    stop = threading.Event()

    def officer(query):
        while not stop.is_set():
            try:
                res = engine.search(query)
                if res.total == 0 or not res.hits:
                    empties.append((query, engine.generation))
                seen.add(engine.generation)
                counts[0] += 1
            except Exception as e:     # noqa: BLE001 - any failure is the finding
                failures.append(repr(e))

    threads = [threading.Thread(target=officer, args=(q,)) for q in ("職務質問", "遺失物 届出", "交番勤務員 夜間", "勤務要領第7号")]
    for t in threads:
        t.start()
    try:
        for jobs in ("1", "2"):
            proc = kb(site, "reindex", "--jobs", jobs)
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            live = generations.current_name(site.index)
            wait_for(lambda live=live: live in seen, what="searches on the new generation")
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert not failures, failures[:3]
    assert not empties, empties[:3]
    assert counts[0] > 20
    assert len(seen) == 3, seen                   # the first generation and both new ones served
    assert engine.search("職務質問").total == before


def test_second_reindex_exits_at_once_with_a_clear_message(site_factory):
    site = site_factory(corpus_files(4, 2), "second-run")
    with generations.rebuild_lock(site.index):       # it answers while the lock is still held
        proc = kb(site, "reindex")
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 75
    assert "another index rebuild is running" in err and f"pid {os.getpid()}" in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_reindex_killed_mid_way_leaves_live_index_and_next_run_cleans_up(site_factory, jobs):
    site = site_factory(corpus_files(300, 8), f"kill-{jobs}")   # a build that takes seconds
    live = generations.current_name(site.index)
    proc = kb(site, "reindex", "--jobs", jobs)
    wait_for(lambda: build_started(site.index), what="the build to start")
    if jobs == "2":
        wait_for(lambda: index_workers(site.index), what="index workers")
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert generations.current_name(site.index) == live
    assert SearchEngine(site.index).search("職務質問").total > 0
    assert debris(site.index)                         # the crash did leave a build behind
    wait_for(lambda: not index_workers(site.index), timeout=10, what="orphaned workers to die")

    proc = kb(site, "reindex")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert generations.current_name(site.index) != live
    assert debris(site.index) == []
    assert not list(site.index.glob("gen-*/.parts"))
    assert SearchEngine(site.index).search("職務質問").total > 0
    status = kb(site, "status", "--json")
    assert '"rebuild_running": null' in status.communicate(timeout=60)[0]


def test_publish_during_reindex_is_in_the_new_generation(site_factory):
    site = site_factory(corpus_files(30, 8), "publish-during")
    updater = IndexUpdater(site.corpus, site.index)
    proc = kb(site, "reindex", "--jobs", "1")
    try:
        wait_for(lambda: build_started(site.index), what="the build to start")
        assert (site.index / JOURNAL).exists()
        # after the rebuild listed the corpus: a new document and an edit of one already read
        atomic_write(site.corpus / "manuals" / "zz-new.md", manual("zz-new", "拾得物件預り書要領", 2, "拾得物件預り書"))
        atomic_write(site.corpus / "manuals" / "m000.md", manual("m000", "勤務要領第0号", 3, "特殊詐欺受け子"))
        result = updater.update_documents(["zz-new", "m000"])
        assert result.journaled and proc.poll() is None      # really during the rebuild
        assert SearchEngine(site.index).search("拾得物件預り書").total > 0     # live at once
    finally:
        out, err = proc.communicate(timeout=120)
        updater.close()
    assert proc.returncode == 0, err
    assert "2 changes published meanwhile replayed" in out
    engine = SearchEngine(site.index)
    assert engine.generation != result.generation
    assert {h.doc_id for h in engine.search("拾得物件預り書").hits} == {"zz-new"}
    assert [h.doc_id for h in engine.search("特殊詐欺受け子").hits] == ["m000"] * 3
    assert set(engine.catalog) >= {"zz-new", "m000"} and len(engine.catalog["m000"]["sections"]) == 3
    assert debris(site.index) == []
