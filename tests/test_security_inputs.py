"""Hostile or oversized input a signed-in user can send (issue 14, #6, #11, #13, #14): heading ids
in linear time, YAML aliases and mistyped fields refused in front matter, the CLI's input caps,
citations that link only to what they name, the audit CSV's formula guard, tokens after a
password change or a disable, and links in published cases."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from conftest import TEST_PASSWORD, api_token, csrf_token, ensure_user, signed_in

KB = [sys.executable, "-m", "kb_cli.cli"]


# -- #6 heading ids: linear ------------------------------------------------------------------------
def test_unique_ids_take_linear_steps():
    from kb.anchors import UniqueIds
    for n in (1_000, 10_000):
        ids = UniqueIds()
        given = [ids.take("h-same") for _ in range(n)]
        assert len(set(given)) == n and given[:3] == ["h-same", "h-same-2", "h-same-3"]
        assert ids.probes <= 2 * n          # the quadratic loop made n²/2 (50 million for 10,000)


def test_ids_stay_what_they_were():
    """The same ids as the old loop: taken suffixes are skipped, explicit ones respected."""
    from kb.anchors import UniqueIds
    ids = UniqueIds()
    assert [ids.take(b) for b in ("a", "a-2", "a", "a", "b", "a-3-2", "a")] == \
        ["a", "a-2", "a-3", "a-4", "b", "a-3-2", "a-5"]


# -- #6 front matter: aliases, types, sizes ----------------------------------------------------------
ALIASED = "---\nid: yaml-bomb\ntitle: t\nkind: manual\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n---\n# t\n"


def test_yaml_aliases_in_a_file_are_refused_with_a_clear_message():
    from kb.document import DocumentError, parse_document
    with pytest.raises(DocumentError) as e:
        parse_document(ALIASED)
    assert "別名" in e.value.message_ja


@pytest.mark.parametrize("field, value", [("allowed", "{地域課: 1}"), ("tags", "[[a, b]]"),
                                          ("title", "[a, b]"), ("department", "{x: y}")])
def test_mistyped_fields_are_refused(field, value):
    from kb.document import DocumentError, parse_document
    text = f"---\nid: typed\ntitle: t\nkind: manual\n{field}: {value}\n---\n# t\n"
    with pytest.raises(DocumentError) as e:
        parse_document(text)
    assert field in e.value.message_ja


def test_the_editor_refuses_aliases_in_other_fields_and_keeps_the_text(tmp_path):
    from editor_site import editor_app, form_of, writable_site
    app = editor_app(writable_site(tmp_path))
    maintainer = signed_in(app, "maintainer")
    doc_id = "npa-tsutatsu-2022-keisatsu-unei"
    form = form_of(maintainer.get(f"/editor/docs/{doc_id}/edit").get_data(as_text=True))
    form["extra"] = "a: &a [x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    form["body"] += "\n追記した本文。\n"
    r = maintainer.post(f"/editor/docs/{doc_id}/edit", data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "別名" in page and "追記した本文。" in page
    from indexer.catalog import read_catalog
    from indexer.generations import current_path
    assert len(json.dumps(read_catalog(current_path(app.config["INDEX"])))) < 2_000_000


def test_kb_anonymize_refuses_input_over_the_desks_cap(tmp_path):
    from kb.desk import MAX_ANSWER_CHARS, MAX_QUESTION_CHARS
    from kb_cli.cli import ANONYMIZE_MAX_CHARS
    assert ANONYMIZE_MAX_CHARS == MAX_QUESTION_CHARS + MAX_ANSWER_CHARS
    r = subprocess.run([*KB, "anonymize"], input="山田太郎さん。" * 20_000, text=True, capture_output=True,
                       timeout=120)
    assert r.returncode == 1 and "15,000 characters" in r.stderr and r.stdout == ""
    line = json.dumps({"text": "あ" * (ANONYMIZE_MAX_CHARS + 1)}, ensure_ascii=False)
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"text": "山田太郎さん"}, ensure_ascii=False) + "\n" + line + "\n", encoding="utf-8")
    r = subprocess.run([*KB, "anonymize", "--batch", str(batch)], text=True, capture_output=True, timeout=120)
    assert r.returncode == 1 and "line 2" in r.stderr and r.stdout.count("\n") == 1
    ok = subprocess.run([*KB, "anonymize"], input="山田太郎さん（090-1234-5678）", text=True, capture_output=True)
    assert ok.returncode == 0 and "090-1234-5678" not in ok.stdout


def test_kb_import_refuses_a_file_over_the_cap(tmp_path):
    from kb.importer import MAX_IMPORT_BYTES
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_IMPORT_BYTES + 1))
    env = dict(os.environ, KB_CORPUS=str(tmp_path / "corpus"), KB_DATA=str(tmp_path / "data"))
    r = subprocess.run([*KB, "import", str(big)], env=env, text=True, capture_output=True, timeout=60)
    assert r.returncode == 1 and "nothing was written" in r.stderr


# -- #11 citations link only to what they name --------------------------------------------------------
def test_a_citation_of_an_unknown_document_stays_text():
    from kb.crossrefs import Library, resolve_references
    lib = Library({"規程": "okayama", "地域警察運営規程": "okayama", "警察法": "keisatsu-ho"},
                  {"okayama": {"art-2"}, "keisatsu-ho": {"art-2"}, "here": {"art-1", "art-2"}})

    def url(text):
        return [r.url for r in resolve_references(text, "here", "art-1", lib)]
    assert url("東京都某規程第2条による。") == [None]
    assert url("旧警察法第二条") == [None]
    assert url("刑法第2条") == [None]
    assert url("規程第2条による。") == ["/docs/okayama#art-2"]
    assert url("なお、警察法第二条") == ["/docs/keisatsu-ho#art-2"]
    assert url("二　警察法第二条") == ["/docs/keisatsu-ho#art-2"]
    assert url("第三項中警察法第二条") == ["/docs/keisatsu-ho#art-2"]
    assert url("第2条") == ["/docs/here#art-2"]


# -- #13 the audit CSV -----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["＝HYPERLINK(\"http://x\",\"y\")", " =1+1", "\u3000=1+1", "\t=1", "＋1", "－1",
                                   "＠SUM(A1)", "=1", "+1", "-1", "@x", "\n=1"])
def test_formula_cells_are_neutralised(value):
    from kb.audit import _cell
    assert _cell(value).startswith("'")


def test_the_audit_csv_is_guarded_and_has_one_charset(app):
    admin = signed_in(app, "admin")
    c = app.test_client()
    for name in ("＝HYPERLINK(\"http://x\")", " =1+1"):
        c.post("/login", data={"username": name, "password": "x", "csrf_token": csrf_token(c)})
    r = admin.get("/admin/audit.csv", query_string={"action": "login_failed"})
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    targets = [row[5] for row in rows[1:]]
    assert "'＝HYPERLINK(\"http://x\")" in targets and "'=1+1" in targets


# -- #14 tokens after a password change or a disable ------------------------------------------------------
def _works(app, token: str) -> bool:
    return app.test_client().get("/api/search?q=交番", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_password_change_revokes_the_users_tokens(app):
    name = ensure_user(app, "officer", "token-passwd")
    token = api_token(app, username=name)
    assert _works(app, token)
    app.extensions["kb.accounts"].set_password(name, TEST_PASSWORD + "-new")
    assert not _works(app, token)
    app.extensions["kb.accounts"].set_password(name, TEST_PASSWORD)
    assert not _works(app, token)
    assert _works(app, api_token(app, username=name))          # a new one is issued when needed


def test_a_re_enabled_account_gets_no_token_back(app):
    store = app.extensions["kb.accounts"]
    name = ensure_user(app, "officer", "token-disable")
    token = api_token(app, username=name)
    store.set_active(name, False)
    assert not _works(app, token)
    store.set_active(name, True)
    assert not _works(app, token)
    assert all(t["revoked_at"] for t in store.list_tokens(name))


def test_a_published_case_shows_officer_supplied_urls_as_text(site_factory):
    from webui import create_app
    site = site_factory({"inquiries/2026/inq-2026-0900.md": (
        "---\nid: inq-2026-0900\ntitle: 外部サイトの案内\nkind: inquiry\ncategory: 地域\nreceived: 2026-01-05\n"
        "answered: 2026-01-06\nconfidentiality: internal\n---\n\n# 外部サイトの案内\n\n**質問**\n\n"
        "[こちら](https://phish.example/login) と <https://phish.example/x> を見るように言われました。\n\n"
        "**回答**\n\n開かないでください。[規程](/docs/okayama#art-2)を参照。\n")}, name="case-links")
    officer = signed_in(create_app(site.config()), "officer")
    page = officer.get("/docs/inq-2026-0900").get_data(as_text=True)
    assert 'href="https://phish.example' not in page
    assert "https://phish.example/login" in page and "https://phish.example/x" in page
    assert 'href="/docs/okayama#art-2"' in page
