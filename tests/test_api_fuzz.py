"""Schemathesis (a fuzzer nobody here wrote) against a live `kb serve` with an officer's token.

It reads /api/v1/openapi.json from the server and sends generated requests to every operation:
valid ones, invalid ones (which must be refused with a 4xx), other methods, no token. The run
passes only with no server error, no answer outside the document and none slower than 2 s.
KB_FUZZ_EXAMPLES (default 50 per operation) and KB_FUZZ_SEED (default 21) vary the run.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import free_port, start_kb_serve

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_SECONDS = 2


def test_schemathesis_finds_nothing(corpus_site, tmp_path):
    env = dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(corpus_site.index),
               KB_DATA=str(tmp_path / "data"))
    kb = [sys.executable, "-m", "kb_cli.cli"]
    subprocess.run([*kb, "user", "add", "fuzz-officer", "--role", "officer", "--password-stdin"], env=env,
                   input="contract-check-passphrase-7\n", text=True, check=True, capture_output=True)
    token = subprocess.run([*kb, "token", "create", "fuzz-officer", "--label", "schemathesis"], env=env,
                           text=True, capture_output=True, check=True).stdout.strip()
    port = free_port()
    server = start_kb_serve(env, port)
    # A new generation builds its type-ahead table and opens its searcher on first use (1.2-1.5 s
    # here, once per process); one request each first, so the 2 s check measures requests, not that.
    for path in ("/api/v1/suggest?q=%E8%AD%A6", "/api/v1/search?q=%E4%BA%A4"):
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                                      headers={"Authorization": f"Bearer {token}"}), timeout=60)
    peer = _peer_token(kb, env)
    try:
        # an officer's token on every operation but the peers' feed (an officer gets 403 there)
        output, cases = _fuzz(port, token, tmp_path / "officer.xml", tmp_path, env,
                              "--exclude-operation-id", "shareFeed")
        # the feed with a 連携 (peer) token; its JSON Lines body Schemathesis cannot parse (it warns),
        # tests/test_share_between_prefectures.py checks the bundle itself
        # the peer may read nothing else, not even the document: it is given as a file
        spec = tmp_path / "openapi.json"
        spec.write_bytes(urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}),
            timeout=60).read())
        _, feed_cases = _fuzz(port, peer, tmp_path / "peer.xml", tmp_path, env,
                              "--include-operation-id", "shareFeed",
                              "--phases", "examples,coverage,fuzzing", spec=spec)   # no links to follow
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    # every data operation was exercised (the document's own path is skipped by Schemathesis)
    tested = {c.get("name") for c in cases + feed_cases}
    for path in ("/api/v1/search", "/api/v1/suggest", "/api/v1/docs/{doc_id}",
                 "/api/v1/docs/{doc_id}/sections/{section_id}", "/api/v1/share/feed"):
        assert f"GET {path}" in tested, (path, tested)
    assert "No issues found" in output, output[-3000:]


def _peer_token(kb: list[str], env: dict) -> str:
    """A 連携 account's token, on an instance with its sharing key (else the feed answers 503)."""
    subprocess.run([*kb, "share", "init", "--org", "岡山県警察"], env=env, check=True, capture_output=True)
    subprocess.run([*kb, "user", "add", "fuzz-peer", "--role", "peer", "--password-stdin"], env=env,
                   input="contract-check-passphrase-8\n", text=True, check=True, capture_output=True)
    return subprocess.run([*kb, "token", "create", "fuzz-peer", "--label", "schemathesis"], env=env,
                          text=True, capture_output=True, check=True).stdout.strip()


def _fuzz(port: int, token: str, junit: Path, cwd: Path, env: dict, *select: str, spec: Path | None = None):
    """One Schemathesis run; (its output, its JUnit test cases), failing on any failure or error."""
    base = f"http://127.0.0.1:{port}"
    location = [str(spec), "--url", base] if spec else [f"{base}/api/v1/openapi.json"]
    run = subprocess.run(
        [str(SCHEMATHESIS), "run", *location,
         "--header", f"Authorization: Bearer {token}", *select,
         "--checks", "all", "--max-response-time", str(MAX_SECONDS),
         "--max-examples", os.environ.get("KB_FUZZ_EXAMPLES", "50"),
         "--seed", os.environ.get("KB_FUZZ_SEED", "21"), "--workers", "1",
         "--report", "junit", "--report-junit-path", str(junit)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    cases = ET.parse(junit).getroot().findall(".//testcase")
    failed = [c.get("name") for c in cases if c.find("failure") is not None or c.find("error") is not None]
    assert not failed, output[-6000:]
    return output, cases
