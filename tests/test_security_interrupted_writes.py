"""A served process killed in the middle of a desk publish or an editor save (issue 14, #5, #8).

The kill is real: `kb serve` runs with KB_CRASH_AT=<point>, and kb.intents.crash_point() ends the
process there with os._exit (no cleanup, no atexit, no audit flush), as `kill -9` would. The whole
server dies with it: its gunicorn master is stopped before the request and killed after it, so no
replacement worker settles the write before the checks below (a replacement would: it reconciles
at its start, as `kb serve` does).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from conftest import free_port
from desk_site import HttpUser, answered_inquiries, desk_app, desk_site, review_post
from editor_site import editor_app, form_of, writable_site
from waiting import wait_for_http

KB = [sys.executable, "-m", "kb_cli.cli"]


def site_env(site, **extra) -> dict:
    return dict(os.environ, KB_CORPUS=str(site.corpus), KB_INDEX=str(site.index), KB_DATA=str(site.data), **extra)


def serve(env: dict, workers: int = 1) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([*KB, "serve", "--port", str(port), "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for_http(base + "/login", while_alive=proc)
    return proc, base


def kb(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KB, *args], env=env, text=True, capture_output=True, timeout=300)


def killed_during(proc: subprocess.Popen, request) -> None:
    """Send the request that reaches the crash point: its worker dies without answering, and the
    whole server with it (the master, stopped meanwhile so it replaces nothing, is killed)."""
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
            request()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


def killed_publish(site, app, words: str):
    """Answer one inquiry about `words`, then publish it from a server killed once the case file is
    written; returns (inquiry id, the case files left on disk that hold `words`)."""
    [[inquiry_id]] = answered_inquiries(app.extensions["kb.desk"], 1, 1, words)
    proc, base = serve(dict(site_env(site), KB_CRASH_AT="publish:file-written"))
    desk = HttpUser(base, app, "desk")
    page = desk.get(f"/desk/{inquiry_id}/review").text
    killed_during(proc, lambda: desk.post(f"/desk/{inquiry_id}/review", review_post(page, "publish", confirmed="1")))
    return inquiry_id, sorted(p for p in (site.corpus / "inquiries").rglob("inq-*.md") if words in p.read_text("utf-8"))


def test_a_killed_publish_leaves_no_case_file_an_officer_can_find(tmp_path):
    site = desk_site(tmp_path)
    env = site_env(site)
    inquiry_id, cases = killed_publish(site, desk_app(site), "中断試験の照会")
    assert len(cases) == 1                               # the crash left the case file on disk …
    check = kb(env, "check")
    assert check.returncode == 1
    assert f"{cases[0]}: error: orphan case file" in check.stdout
    status = kb(env, "status")
    assert "warning: the index and the corpus disagree" in status.stdout and cases[0].stem in status.stdout

    # … the next start settles it: the file goes, the inquiry is still 回答済 with its text
    app = desk_app(site)
    assert not cases[0].exists()
    inq = app.extensions["kb.desk"].get(inquiry_id)
    assert (inq.status, inq.doc_id, inq.has_raw_text) == ("answered", None, True)
    # the desk declines to publish; after a full reindex no officer finds the case
    proc, base = serve(env)
    try:
        desk = HttpUser(base, app, "desk")
        page = desk.get(f"/desk/{inquiry_id}/review").text
        assert desk.post(f"/desk/{inquiry_id}/review", review_post(page, "internal")).status == 302
        assert kb(env, "reindex").returncode == 0
        officer = HttpUser(base, app, "officer")
        assert cases[0].stem not in {doc for doc, _ in officer.search_hits("中断試験の照会 遺失届")}
        assert officer.get(f"/docs/{cases[0].stem}").status == 404
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    out = kb(env, "check").stdout
    assert "orphan case file" not in out and "interrupted" not in out


def test_a_rollback_right_after_a_killed_publish_indexes_no_case_file(tmp_path):
    """`kb reindex --rollback` brings the older generation up to the corpus: run before any web
    start has settled the killed publish, it must settle it first, not index the case file."""
    site = desk_site(tmp_path)
    env = site_env(site)
    assert kb(env, "reindex").returncode == 0            # a second generation, to roll back from
    app = desk_app(site)
    inquiry_id, [case] = killed_publish(site, app, "巻き戻し試験の照会")

    rolled = kb(env, "reindex", "--rollback")
    assert rolled.returncode == 0, rolled.stderr
    assert not case.exists()
    found = kb(env, "search", "巻き戻し試験の照会 遺失届", "--json", "--limit", "100")
    assert found.returncode == 0, found.stderr
    assert case.stem not in {h["doc_id"] for h in json.loads(found.stdout)["hits"]}
    inq = app.extensions["kb.desk"].get(inquiry_id)
    assert (inq.status, inq.doc_id, inq.has_raw_text) == ("answered", None, True)


def test_a_backup_taken_right_after_a_killed_publish_restores_no_case_file(tmp_path):
    """A backup taken before any start settled the killed publish carries its intent with the case
    file, so the restored installation settles it too instead of indexing the case."""
    site = desk_site(tmp_path / "site")
    env = site_env(site)
    _, [case] = killed_publish(site, desk_app(site), "復元試験の照会")
    assert kb(env, "backup", str(tmp_path / "backup")).returncode == 0

    restored = tmp_path / "restored"
    env2 = dict(env, KB_CORPUS=str(restored / "corpus"), KB_DATA=str(restored / "data"), KB_INDEX=str(restored / "index"))
    done = kb(env2, "restore", str(tmp_path / "backup"))
    assert done.returncode == 0, done.stderr
    assert not (restored / "corpus" / case.relative_to(site.corpus)).exists()
    found = kb(env2, "search", "復元試験の照会 遺失届", "--json", "--limit", "100")
    assert found.returncode == 0, found.stderr
    assert case.stem not in {h["doc_id"] for h in json.loads(found.stdout)["hits"]}
    assert "orphan case file" not in kb(env2, "check").stdout


def test_a_killed_editor_save_keeps_its_author_and_reaches_search(tmp_path):
    site = writable_site(tmp_path)
    app = editor_app(site)
    env = site_env(site)
    proc, base = serve(dict(env, KB_CRASH_AT="save:file-written"))
    maintainer = HttpUser(base, app, "maintainer", "crash-editor")
    doc_id = "npa-tsutatsu-2022-keisatsu-unei"
    form = form_of(maintainer.get(f"/editor/docs/{doc_id}/edit").text)
    form["body"] = form["body"] + "\n\n中断保存試験の追記。\n"
    form["message"] = "中断試験の追記"
    killed_during(proc, lambda: maintainer.post(f"/editor/docs/{doc_id}/edit", form))
    assert "中断保存試験" in (site.corpus / "notices" / f"{doc_id}.md").read_text("utf-8")
    assert "an interrupted save" in kb(env, "check").stdout

    app = editor_app(site)                     # start-up: the revision is recorded with its author
    newest = app.extensions["kb.revisions"].history(doc_id)[0]
    assert (newest.author, newest.action, newest.message) == ("crash-editor", "edit", "中断試験の追記")
    from kb.audit import AuditQuery
    rows = app.extensions["kb.audit"].events(AuditQuery(action="document_edit"), limit=20)
    assert any(e.target == doc_id and e.username == "crash-editor" for e in rows)
    proc, base = serve(env)
    try:
        officer = HttpUser(base, app, "officer")
        assert [h for h in officer.search_hits("中断保存試験") if h[0] == doc_id]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    out = kb(env, "check").stdout
    assert "orphan case file" not in out and "interrupted" not in out
