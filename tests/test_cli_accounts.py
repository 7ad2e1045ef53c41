"""`kb user …` and `kb token …` on the command line, and the first start that creates the admin."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import free_port
from waiting import wait_for_http


def kb(env, *args, stdin: str | None = None, check=True):
    r = subprocess.run([sys.executable, "-m", "kb_cli.cli", *args], env=env, input=stdin, capture_output=True,
                       text=True, timeout=120)
    if check:
        assert r.returncode == 0, r.stderr
    return r


@pytest.fixture
def env(corpus_site, tmp_path):
    return dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(corpus_site.index),
                KB_DATA=str(tmp_path / "data"))


def test_user_and_token_commands(env, corpus_site):
    kb(env, "user", "add", "sato", "--role", "officer", "--name", "佐藤", "--department", "地域課",
       "--password-stdin", stdin="long-enough-pass-1\n")
    users = json.loads(kb(env, "user", "list", "--json").stdout)
    assert users == [{"username": "sato", "display_name": "佐藤", "role": "officer", "department": "地域課", "active": True}]
    bad = kb(env, "user", "add", "tanaka", "--role", "officer", "--password-stdin", stdin="short\n", check=False)
    assert bad.returncode != 0 and "12文字以上" in bad.stderr
    dup = kb(env, "user", "add", "sato", "--role", "desk", "--password-stdin", stdin="long-enough-pass-1\n", check=False)
    assert dup.returncode != 0 and "既に存在します" in dup.stderr

    token = kb(env, "token", "create", "sato", "--label", "連携システム").stdout.strip()
    assert token.startswith("kbt_")
    from webui import create_app
    app = create_app({"CORPUS": env["KB_CORPUS"], "INDEX": env["KB_INDEX"], "DATA": env["KB_DATA"], "TESTING": True})
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/search?q=交番", headers=auth).status_code == 200
    listed = kb(env, "token", "list").stdout
    assert "sato" in listed and token not in listed                 # only the prefix is ever shown
    token_id = listed.split("\t")[0]
    kb(env, "token", "revoke", token_id)
    assert api.get("/api/search?q=交番", headers=auth).status_code == 401

    kb(env, "user", "role", "sato", "desk")
    kb(env, "user", "disable", "sato")
    assert json.loads(kb(env, "user", "list", "--json").stdout)[0]["active"] is False
    kb(env, "user", "passwd", "sato", "--password-stdin", stdin="another-long-pass-2\n")
    # the command line's changes are in the audit log too
    from kb.audit import AuditQuery
    actions = [e.action for e in app.extensions["kb.audit"].events(AuditQuery(), limit=100)]
    for a in ("user_add", "token_create", "token_revoke", "user_role", "user_disable", "user_password"):
        assert a in actions, a


def test_first_start_creates_an_admin_and_prints_the_password_once(env):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kb_cli.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = []
        while not any("serving on" in line for line in lines):
            line = proc.stdout.readline()
            assert line, "server exited: " + "".join(lines)
            lines.append(line)
        out = "".join(lines)
        password = re.search(r"パスワード: (\S+)", out).group(1)
        assert "ユーザー名: admin" in out and "kb user passwd admin" in out
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        html = wait_for_http(base + "/login", timeout=10, while_alive=proc, opener=opener).decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        data = urllib.parse.urlencode({"username": "admin", "password": password, "csrf_token": token}).encode()
        page = opener.open(base + "/login", data=data, timeout=10)
        # an issued password: the first sign-in asks for the admin's own password before anything else
        assert page.url.endswith("/account/password") and "自分のパスワードを設定してください" in page.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # a second start prints no password
    second = subprocess.Popen([sys.executable, "-m", "kb_cli.cli", "serve", "--port", str(free_port())], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert "serving on" in second.stdout.readline()
    finally:
        second.terminate()
        second.wait(timeout=10)


def test_issued_passwords_have_no_look_alike_characters():
    """Issued passwords are read off a screen and typed by hand: no l I 1 O 0 o, every other letter
    and digit still in use (2,000 draws make a missing or an extra symbol all but certain to show)."""
    import string

    from kb.accounts import random_password
    drawn = set(random_password(2000))
    assert not drawn & set("lI1O0o")
    assert drawn == set(string.ascii_letters + string.digits) - set("lI1O0o")
