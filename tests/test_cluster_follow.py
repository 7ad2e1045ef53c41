"""Two nodes, each with its own corpus copy and index, share one database: a save on one node is
a row of the corpus change log, and the other node follows it into its files and its index, also
after being away. The single machine (no node name) writes no log at all."""
from __future__ import annotations

import time

import pytest

from conftest import signed_in
from editor_site import editor_app, form_of, search_hits, writable_site
from indexer.follow import applied_seq
from kb.changelog import CorpusChange, head, safe_target

MANUAL = {
    "title": "拾得物保管マニュアル", "kind": "manual", "status": "in_force",
    "confidentiality": "public", "department": "会計課", "owner": "会計課 遺失物係", "review_by": "2026-09-30",
    "tags": "拾得物", "message": "初版",
}


def wait_until(check, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)
    return result


def create_manual(client, doc_id: str, word: str):
    form = {**form_of(client.get("/editor/new").get_data(as_text=True)), **MANUAL, "id": doc_id,
            "body": f"# 拾得物保管マニュアル\r\n\r\n## 1 保管 {{#ki-1}}\r\n\r\n{word}の拾得は保管庫に入れる。\r\n",
            "action": "save"}
    r = client.post("/editor/new", data=form)
    assert r.status_code == 303, r.get_data(as_text=True)[:500]


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    shared = tmp_path_factory.mktemp("cluster-db")
    url = f"sqlite:///{shared / 'kb.sqlite3'}"
    apps = []
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KB_SECRET_KEY", "cluster-test-signing-key-shared-by-the-nodes")   # deploy/kb-node.env
        for name in ("node-a", "node-b"):
            site = writable_site(tmp_path_factory.mktemp(name))
            apps.append((editor_app_named(site, url, name), site))
    yield apps
    for app, _ in apps:
        app.extensions["kb.follower"].stop()


def editor_app_named(site, url, name):
    from webui import create_app
    return create_app(site.config(DATABASE_URL=url, NODE_NAME=name, FOLLOW_POLL_SECONDS=0.1))


def test_a_save_on_one_node_is_found_on_the_other(nodes):
    (a, site_a), (b, site_b) = nodes
    create_manual(signed_in(a, "maintainer", "sato"), "hokan-manual", "ハリネズミ")
    reader = signed_in(b, "officer")
    wait_until(lambda: ("hokan-manual", "ki-1") in search_hits(reader, "ハリネズミ"))
    written = site_a.corpus / "manuals" / "hokan-manual.md"
    assert (site_b.corpus / "manuals" / "hokan-manual.md").read_text(encoding="utf-8") == \
        written.read_text(encoding="utf-8")
    db = a.extensions["kb.db"]
    with db.session() as s:
        row = s.query(CorpusChange).filter_by(doc_id="hokan-manual").one()
        assert row.node == "node-a" and row.path == "manuals/hokan-manual.md"
    wait_until(lambda: applied_seq(site_b.data) == head(db) and applied_seq(site_a.data) == head(db))


def test_a_node_that_was_away_catches_up_from_its_last_sequence(nodes):
    (a, site_a), (b, site_b) = nodes
    follower = b.extensions["kb.follower"]
    follower.stop()
    before = applied_seq(site_b.data)
    editor = signed_in(a, "maintainer", "suzuki")
    create_manual(editor, "kitaku-manual", "オオサンショウウオ")
    create_manual(editor, "kaishu-manual", "アルマジロ")
    time.sleep(0.3)
    assert applied_seq(site_b.data) == before        # away: nothing applied
    assert not (site_b.corpus / "manuals" / "kitaku-manual.md").exists()
    follower.start()                                 # back: from its last sequence to the head
    reader = signed_in(b, "officer")
    wait_until(lambda: ("kaishu-manual", "ki-1") in search_hits(reader, "アルマジロ"))
    assert ("kitaku-manual", "ki-1") in search_hits(reader, "オオサンショウウオ")
    assert applied_seq(site_b.data) == head(a.extensions["kb.db"]) > before


def test_a_single_machine_writes_no_log(tmp_path_factory):
    site = writable_site(tmp_path_factory.mktemp("single"))
    app = editor_app(site)
    assert not app.config["NODE_NAME"] and "kb.follower" not in app.extensions
    create_manual(signed_in(app, "maintainer", "sato"), "single-manual", "カピバラ")
    assert head(app.extensions["kb.db"]) == 0


@pytest.mark.parametrize("rel", ["../escape.md", "/etc/x.md", "manuals/.hidden.md", "manuals/x.txt", ""])
def test_a_log_row_cannot_write_outside_the_corpus(tmp_path, rel):
    with pytest.raises(ValueError, match="unsafe"):
        safe_target(tmp_path, rel)


def test_a_broken_document_in_the_log_does_not_stop_the_following(nodes):
    (a, _), (b, site_b) = nodes
    db = a.extensions["kb.db"]
    good = (site_b.corpus / "manuals" / "hokan-manual.md").read_text(encoding="utf-8")
    with db.session() as s:
        s.add(CorpusChange(doc_id="broken-manual", path="manuals/broken-manual.md", text="no front matter\n",
                           node="node-x"))
        s.add(CorpusChange(doc_id="hokan2-manual", path="manuals/hokan2-manual.md", node="node-x",
                           text=good.replace("hokan-manual", "hokan2-manual").replace("ハリネズミ", "ヤマアラシ")))
    reader = signed_in(b, "officer")
    wait_until(lambda: ("hokan2-manual", "ki-1") in search_hits(reader, "ヤマアラシ"))
    wait_until(lambda: applied_seq(site_b.data) == head(db))
    assert (site_b.corpus / "manuals" / "broken-manual.md").read_text(encoding="utf-8") == "no front matter\n"


def test_a_sign_in_on_one_node_holds_on_the_other(nodes):
    (a, _), (b, _) = nodes
    on_a = signed_in(a, "officer", "roaming-officer")
    on_b = b.test_client()
    on_b.set_cookie("kb_session", on_a.get_cookie("kb_session").value)
    assert on_b.get("/search", query_string={"q": "拾得物"}).status_code == 200
    assert b.test_client().get("/search", query_string={"q": "拾得物"}).status_code == 302   # no cookie
