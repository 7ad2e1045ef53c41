"""`kb backup DEST` and `kb restore SRC`: corpus and SQLite databases, checked and atomic."""
from __future__ import annotations

import sqlite3
import threading

import pytest
from click.testing import CliRunner

from kb.backup import BackupError, backup, restore
from kb.store import atomic_write
from kb_cli.cli import main

DOC = "---\nid: {id}\ntitle: {title}\nkind: manual\n---\n# {title}\n\n## 第1条 {{#art-1}}\n\n{body}\n"


@pytest.fixture
def install(tmp_path):
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    atomic_write(corpus / "manuals" / "a.md", DOC.format(id="a", title="警ら要領", body="職務質問を行う。"))
    atomic_write(corpus / "dictionary" / "synonyms.yaml", "groups:\n  - [職質, 職務質問]\n")
    db = sqlite3.connect(data.mkdir() or data / "app.sqlite")
    db.execute("pragma journal_mode=wal")
    db.execute("create table users (name text)")
    db.executemany("insert into users values (?)", [(f"user{i}",) for i in range(100)])
    db.commit()
    (data / "sub").mkdir()
    sqlite3.connect(data / "sub" / "audit.db").execute("create table log (x)").connection.commit()
    (data / "secret_key").write_text("k")
    (data / "index").mkdir()            # the index home is rebuilt, never backed up
    (data / "index" / "CURRENT").write_text("gen-x\n")
    return corpus, data, db


def rows(path):
    with sqlite3.connect(path) as c:
        return c.execute("select count(*) from users").fetchone()[0]


def test_backup_while_the_app_writes_then_restore_into_an_empty_place(install, tmp_path):
    corpus, data, db = install
    stop = threading.Event()

    def writer():        # the app keeps writing (WAL) while the backup runs
        c = sqlite3.connect(data / "app.sqlite")
        while not stop.is_set():
            c.execute("insert into users values ('late')")
            c.commit()
    t = threading.Thread(target=writer)
    t.start()
    try:
        report = backup(corpus, data, tmp_path / "bk", exclude=[data / "index"])
    finally:
        stop.set()
        t.join()
    assert sorted(report.databases) == ["app.sqlite", "sub/audit.db"] and report.files == ["secret_key"]
    assert not (tmp_path / "bk" / "data" / "index").exists()
    assert not list(tmp_path.glob("bk.partial"))
    with sqlite3.connect(tmp_path / "bk" / "data" / "app.sqlite") as c:
        assert c.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert rows(tmp_path / "bk" / "data" / "app.sqlite") >= 100

    new_corpus, new_data = tmp_path / "new" / "corpus", tmp_path / "new" / "data"
    r = restore(tmp_path / "bk", new_corpus, new_data)
    assert r.documents == 1 and (new_corpus / "manuals" / "a.md").read_text() == (corpus / "manuals" / "a.md").read_text()
    assert (new_corpus / "dictionary" / "synonyms.yaml").exists()
    assert rows(new_data / "app.sqlite") >= 100 and (new_data / "secret_key").read_text() == "k"


def test_restore_refuses_to_overwrite_without_force_and_replaces_with_it(install, tmp_path):
    corpus, data, db = install
    backup(corpus, data, tmp_path / "bk", exclude=[data / "index"])
    atomic_write(corpus / "manuals" / "b.md", DOC.format(id="b", title="後から", body="追加。"))
    db.execute("delete from users")
    db.commit()
    with pytest.raises(BackupError, match="refusing to overwrite"):
        restore(tmp_path / "bk", corpus, data)
    assert (corpus / "manuals" / "b.md").exists() and rows(data / "app.sqlite") == 0   # untouched
    restore(tmp_path / "bk", corpus, data, force=True)
    assert not (corpus / "manuals" / "b.md").exists()
    # the app's open connection sees the restored rows (restored in place, in one transaction)
    assert db.execute("select count(*) from users").fetchone()[0] == 100
    assert not list(corpus.parent.glob(".corpus.*"))


def test_damaged_backup_is_refused_before_anything_changes(install, tmp_path):
    corpus, data, _ = install
    backup(corpus, data, tmp_path / "bk", exclude=[data / "index"])
    with open(tmp_path / "bk" / "data" / "app.sqlite", "r+b") as f:
        f.seek(200)
        f.write(b"XXXX")
    with pytest.raises(BackupError, match="damaged"):
        restore(tmp_path / "bk", tmp_path / "n" / "corpus", tmp_path / "n" / "data", force=True)
    assert not (tmp_path / "n" / "corpus").exists()
    with pytest.raises(BackupError, match="exists"):
        backup(corpus, data, tmp_path / "bk")


def test_cli_backup_and_restore(install, tmp_path):
    corpus, data, _ = install
    env = {"KB_CORPUS": str(corpus), "KB_DATA": str(data), "KB_INDEX": str(tmp_path / "index")}
    r = CliRunner().invoke(main, ["backup", str(tmp_path / "bk")], env=env)
    assert r.exit_code == 0, r.output
    assert "2 databases" in r.output
    r = CliRunner().invoke(main, ["restore", str(tmp_path / "bk")], env=env)
    assert r.exit_code == 1 and "--force" in r.output
    r = CliRunner().invoke(main, ["restore", str(tmp_path / "bk"), "--force"], env=env)
    assert r.exit_code == 0, r.output
    assert "reindexed 1 documents" in r.output
