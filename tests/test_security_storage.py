"""Files and volumes (issue 14, #9, #12): owner-only modes under KB_DATA and in every backup, and
what a full or read-only volume looks like to the maintainer and the desk."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import signed_in
from desk_site import answered_inquiries, desk_app, desk_site, review_post
from editor_site import editor_app, flashes, form_of, writable_site

KB = [sys.executable, "-m", "kb_cli.cli"]


def modes(root: Path) -> dict[str, int]:
    out = {".": stat.S_IMODE(root.stat().st_mode)}
    for p in root.rglob("*"):
        out[str(p.relative_to(root))] = stat.S_IMODE(p.lstat().st_mode)
    return out


def test_the_database_and_every_backup_are_owner_only(tmp_path, corpus_site):
    data = tmp_path / "data"
    env = dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(tmp_path / "index"), KB_DATA=str(data))
    subprocess.run([*KB, "user", "add", "modes-admin", "--role", "admin", "--password-stdin"], env=env,
                   input="modes-check-passphrase-1\n", text=True, check=True, capture_output=True)
    db = data / "kb.sqlite3"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600 and stat.S_IMODE(data.stat().st_mode) == 0o700
    subprocess.run([*KB, "backup", str(tmp_path / "backup")], env=env, check=True, capture_output=True)
    found = modes(tmp_path / "backup")
    assert {"corpus.tar.gz", "manifest.json", "data/kb.sqlite3"} <= set(found)
    wrong = {p: oct(m) for p, m in found.items()
             if m != (0o700 if (tmp_path / "backup" / p).is_dir() else 0o600)}
    assert not wrong
    # an existing installation with loose modes is tightened at the next start
    os.chmod(db, 0o644)
    os.chmod(data, 0o755)
    from webui import create_app
    create_app({"TESTING": True, "CORPUS": str(corpus_site.corpus), "INDEX": str(corpus_site.index), "DATA": str(data)})
    assert stat.S_IMODE(db.stat().st_mode) == 0o600 and stat.S_IMODE(data.stat().st_mode) == 0o700
    # a restore writes owner-only files too
    restored = tmp_path / "restored"
    env2 = dict(env, KB_DATA=str(restored / "data"), KB_CORPUS=str(restored / "corpus"))
    subprocess.run([*KB, "restore", str(tmp_path / "backup"), "--no-reindex"], env=env2, check=True, capture_output=True)
    assert stat.S_IMODE((restored / "data" / "kb.sqlite3").stat().st_mode) == 0o600


# -- a volume that refuses writes ---------------------------------------------------------------------
@contextmanager
def read_only(folder: Path):
    """`folder` refuses writes: a read-only bind mount (as root, where modes do not stop writes),
    else the folder's write bit removed."""
    if os.geteuid() == 0:
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:
        old = stat.S_IMODE(folder.stat().st_mode)
        os.chmod(folder, 0o555)
        try:
            yield
        finally:
            os.chmod(folder, old)


def test_a_read_only_corpus_keeps_the_editors_text_and_saves_nothing(tmp_path):
    site = writable_site(tmp_path)
    app = editor_app(site)
    maintainer = signed_in(app, "maintainer")
    doc_id = "npa-tsutatsu-2022-keisatsu-unei"
    before = len(app.extensions["kb.revisions"].history(doc_id))
    form = form_of(maintainer.get(f"/editor/docs/{doc_id}/edit").get_data(as_text=True))
    form["body"] += "\n読み取り専用のときに書いた追記。\n"
    with read_only(site.corpus / "notices"):
        r = maintainer.post(f"/editor/docs/{doc_id}/edit", data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 503
    assert "ファイルを保存できませんでした" in page and "読み取り専用のときに書いた追記。" in page
    assert "保存しました" not in page
    assert len(app.extensions["kb.revisions"].history(doc_id)) == before
    assert "読み取り専用" not in (site.corpus / "notices" / f"{doc_id}.md").read_text("utf-8")
    # once the volume is writable again the same form saves
    assert maintainer.post(f"/editor/docs/{doc_id}/edit", data=form).status_code == 303


def answered_review(tmp_path, words: str):
    """A desk site with one answered inquiry about `words`: (site, app, desk client, inquiry id,
    its review page)."""
    site = desk_site(tmp_path)
    app = desk_app(site)
    [[inquiry_id]] = answered_inquiries(app.extensions["kb.desk"], 1, 1, words)
    desk = signed_in(app, "desk")
    return site, app, desk, inquiry_id, desk.get(f"/desk/{inquiry_id}/review").get_data(as_text=True)


def test_a_read_only_corpus_publishes_nothing_and_says_so(tmp_path):
    site, app, desk, inquiry_id, page = answered_review(tmp_path, "書き込めない公開")
    folder = site.corpus / "inquiries" / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    with read_only(folder):
        r = desk.post(f"/desk/{inquiry_id}/review", data=review_post(page, "publish", confirmed="1"))
    assert r.status_code == 503
    assert "事例ファイルを保存できませんでした" in r.get_data(as_text=True)
    inq = app.extensions["kb.desk"].get(inquiry_id)
    assert (inq.status, inq.doc_id, inq.has_raw_text) == ("answered", None, True)
    assert not [p for p in folder.glob("*.md") if "書き込めない公開" in p.read_text("utf-8")]


def test_a_read_only_index_saves_the_file_and_says_search_is_not_updated(tmp_path):
    site = writable_site(tmp_path)
    app = editor_app(site)
    maintainer = signed_in(app, "maintainer")
    doc_id = "npa-tsutatsu-2022-keisatsu-unei"
    form = form_of(maintainer.get(f"/editor/docs/{doc_id}/edit").get_data(as_text=True))
    form["body"] += "\n索引が書けないときの追記。\n"
    with read_only(site.index):
        r = maintainer.post(f"/editor/docs/{doc_id}/edit", data=form, follow_redirects=True)
    assert r.status_code == 200
    shown = " ".join(flashes(r.get_data(as_text=True)))
    assert "保存しました" in shown and "まだ検索には反映されていません" in shown
    assert "索引が書けないときの追記。" in (site.corpus / "notices" / f"{doc_id}.md").read_text("utf-8")


def test_a_read_only_index_publishes_the_case_and_says_search_is_not_updated(tmp_path):
    site, app, desk, inquiry_id, page = answered_review(tmp_path, "索引が書けない公開")
    with read_only(site.index):
        r = desk.post(f"/desk/{inquiry_id}/review", data=review_post(page, "publish", confirmed="1"),
                      follow_redirects=True)
    assert r.status_code == 200
    shown = " ".join(flashes(r.get_data(as_text=True)))
    assert "公開しました" in shown and "まだ検索には反映されていません" in shown
    inq = app.extensions["kb.desk"].get(inquiry_id)
    assert inq.status == "published" and inq.doc_id
    assert "索引が書けない公開" in next((site.corpus / "inquiries").rglob(f"{inq.doc_id}.md")).read_text("utf-8")


@pytest.fixture(autouse=True)
def _no_leftover_mounts():
    yield
    with open("/proc/mounts") as f:
        assert "pytest-of" not in f.read(), "a read-only bind mount was left behind"
