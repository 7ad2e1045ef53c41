"""Credentials for benchmarks: an officer account and API token in the server's data folder, and
a signed-in session cookie for page requests (the app answers nothing without them)."""
from __future__ import annotations

import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request

USERNAME = "bench-officer"
PASSWORD = "bench-only-passphrase-1"


def create_credentials(env: dict) -> str:
    """Add the bench officer (if missing) with `kb user add` and return a fresh API token."""
    kb = [sys.executable, "-m", "kb_cli.cli"]
    subprocess.run([*kb, "user", "add", USERNAME, "--role", "officer", "--password-stdin"], env=env,
                   input=PASSWORD + "\n", text=True, capture_output=True)   # exists already: fine
    out = subprocess.run([*kb, "token", "create", USERNAME, "--label", "bench"], env=env, text=True,
                         capture_output=True, check=True)
    return out.stdout.strip()


def api_headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def page_headers(base: str) -> dict:
    """Sign in through the login form; the Cookie header of that session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/login", timeout=30).read().decode("utf-8")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": USERNAME, "password": PASSWORD, "csrf_token": csrf}).encode()
    opener.open(base + "/login", data=data, timeout=30).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "kb_session" not in cookie:
        raise SystemExit("bench: sign-in failed")
    return {"Cookie": cookie}
