"""Shared fixtures: the real corpus indexed once per session, Flask apps on it, a live server.

Add fixtures here when more than one test module needs them; keep them general.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from api_contract import ContractClient
from waiting import wait_for, wait_for_http

# Every app a test builds checks its /api answers against the API document (tests/api_contract.py).
Flask.test_client_class = ContractClient

REPO = Path(__file__).resolve().parent.parent
REPO_CORPUS = REPO / "corpus"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@dataclass(frozen=True)
class Site:
    """Where one test installation lives: corpus, index home and application data."""
    corpus: Path
    index: Path
    data: Path

    def config(self, **extra) -> dict:
        # every app counts sign-in failures on its own (apps share DATA, so the file default would
        # carry one test's failures into the next)
        return {"TESTING": True, "CORPUS": str(self.corpus), "INDEX": str(self.index),
                "DATA": str(self.data), "RATELIMIT_STORAGE_URI": "memory://", **extra}


def build_site(corpus: Path, base: Path) -> Site:
    """Index `corpus` into base/index with the real indexer (one full rebuild)."""
    from indexer.build import rebuild
    site = Site(Path(corpus), base / "index", base / "data")
    site.data.mkdir(parents=True, exist_ok=True)
    report = rebuild(site.corpus, site.index)
    assert not report.errors, [str(e.error) for e in report.errors]
    return site


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory) -> Site:
    """The repository's real corpus, indexed ONCE per test session into a temp folder."""
    from kb.store import document_paths
    if not document_paths(REPO_CORPUS):
        pytest.fail(f"no documents in {REPO_CORPUS}: the web tests run on the real corpus")
    return build_site(REPO_CORPUS, tmp_path_factory.mktemp("repo-site"))


@pytest.fixture(scope="session")
def app(corpus_site):
    from webui import create_app
    return create_app(corpus_site.config())


# -- signing in (test users get a fixed, test-only password) ---------------------------------------
TEST_PASSWORD = "test-only-passphrase-42"
ROLES = ("officer", "desk", "maintainer", "admin")


def ensure_user(app, role: str = "officer", username: str | None = None, department: str = "") -> str:
    """The user name of an active account with `role` (created on first use) in app's database."""
    store = app.extensions["kb.accounts"]
    username = username or f"test-{role}"
    if store.get(username) is None:
        store.add_user(username, role, TEST_PASSWORD, display_name=f"試験{role}", department=department)
    return username


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a page of the app embeds (as a browser would read it from the form)."""
    import re
    html = client.get(path).get_data(as_text=True)
    m = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m, f"no CSRF token on {path}"
    return m.group(1)


def sign_in(client, username: str, password: str = TEST_PASSWORD):
    """POST the sign-in form like a browser does (with the form's CSRF token)."""
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client)})


def signed_in(app, role: str = "officer", username: str | None = None, department: str = ""):
    """A test client signed in through the login form as a user with `role`."""
    name = ensure_user(app, role, username, department)
    client = app.test_client()
    r = sign_in(client, name)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    return client


def api_token(app, role: str = "officer", username: str | None = None) -> str:
    """A fresh API token of a user with `role`."""
    name = ensure_user(app, role, username)
    return app.extensions["kb.accounts"].create_token(name, "tests")[1]


def browser_sign_in(page, base_url: str, app, role: str = "officer", username: str | None = None):
    """Sign in through the real login page in a Playwright page."""
    name = ensure_user(app, role, username)
    page.goto(f"{base_url}/login")
    page.fill("#username", name)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked-form button[type=submit]")
    assert "/login" not in page.url, "sign-in failed"


@pytest.fixture
def client(app):
    """A test client signed in as an officer (一般)."""
    return signed_in(app, "officer")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_kb_serve(env: dict, port: int, workers: int = 1):
    """`kb serve` as a real process with `env` (KB_CORPUS, KB_INDEX, KB_DATA), once it answers."""
    proc = subprocess.Popen([sys.executable, "-m", "kb_cli.cli", "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = ""
    while "serving on" not in out:
        line = proc.stdout.readline()
        assert line, out
        out += line
    wait_for_http(f"http://127.0.0.1:{port}/login", while_alive=proc)
    return proc


class LiveServer:
    """A WSGI app served by waitress on 127.0.0.1 in a background thread."""

    def __init__(self, wsgi_app, threads: int = 4):
        from waitress.server import create_server
        self.port = free_port()
        # poll(), not select(): select() fails once the test process holds an fd above 1024
        self.server = create_server(wsgi_app, host="127.0.0.1", port=self.port, threads=threads,
                                    ident="kb-test", asyncore_use_poll=True)
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self):
        self.thread.start()
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close() or True,
                 timeout=10, what="the live server to start", ignore=(OSError,))
        return self

    def stop(self):
        """Close every channel (so the loop ends) and end the worker threads: waitress' own
        close() only closes the listening socket, which left 4-14 threads per server alive, each
        holding its thread's searcher and database connection (fds leaked across the run)."""
        self.server.task_dispatcher.shutdown()
        while self.server._map:
            for channel in list(self.server._map.values()):
                channel.handle_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(app):
    """The real-corpus app over HTTP (for HTTP and browser tests); `.url` is its base URL."""
    server = LiveServer(app).start()
    yield server
    server.stop()


CHROMIUM = "/usr/bin/chromium"          # Debian's Chromium (make browser-deps), never a downloaded one
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (Playwright); each test opens its own context."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium missing: apt-get install chromium fonts-ipafont-gothic (make browser-deps)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}


@pytest.fixture(scope="module")
def server(app):
    """The module's `app` over HTTP (modules that build their own site define `app`)."""
    s = LiveServer(app).start()
    yield s
    s.stop()


@pytest.fixture
def open_as(browser, server, app):
    """open_as(role, username) → a page signed in on `server`; page errors, CSP refusals and
    failed scripts, styles or fetches fail the test (pages may answer 409/422 on purpose)."""
    contexts, problems = [], []

    def make(role, username=None, viewport=DESKTOP):
        ctx = browser.new_context(viewport=viewport, locale="ja-JP", base_url=server.url)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: problems.append(m.text)
                if m.type == "error" and "Content Security Policy" in m.text else None)
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document" and "favicon" not in r.url
                else None)
        browser_sign_in(page, server.url, app, role, username)
        return page
    yield make
    for ctx in contexts:
        ctx.close()
    assert not problems, problems


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def site_factory(tmp_path_factory):
    """Build a small site from {relative path: file text} (for cases the real corpus lacks)."""
    from kb.store import atomic_write

    def make(files: dict[str, str], name: str = "site") -> Site:
        base = tmp_path_factory.mktemp(name)
        for rel, text in files.items():
            atomic_write(base / "corpus" / rel, text)
        return build_site(base / "corpus", base)
    return make
