"""Request bodies over the cap are refused with 413 before anything parses them (issue 14, #1):
in the app (MAX_CONTENT_LENGTH, the import form the only larger cap), also behind `kb serve`'s
gunicorn, which never buffers a body itself."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import urllib.request

from conftest import csrf_token, free_port, signed_in, start_kb_serve
from webui.limits import DEFAULT_MAX_REQUEST_BYTES, IMPORT_MAX_BYTES, IMPORT_MAX_REQUEST_BYTES, SERVER_MAX_REQUEST_BYTES

MB = 1024 * 1024


def test_an_oversize_login_post_answers_413_in_japanese(app):
    c = app.test_client()
    body = b"username=x&password=" + b"a" * (DEFAULT_MAX_REQUEST_BYTES + 1)
    r = c.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413
    assert "送信された内容が大きすぎる" in r.get_data(as_text=True)


def test_an_oversize_json_body_answers_413(app):
    maintainer = signed_in(app, "maintainer")
    r = maintainer.post("/editor/preview", data=b'{"body": "' + b"a" * (DEFAULT_MAX_REQUEST_BYTES + 1) + b'"}',
                        content_type="application/json", headers={"X-CSRFToken": csrf_token(maintainer, "/editor/new")})
    assert r.status_code == 413


def test_only_the_import_form_takes_a_larger_body(app):
    maintainer = signed_in(app, "maintainer")
    token = csrf_token(maintainer, "/editor/import")
    line = "第一条　この規程は、試験のために定める。\n"
    text = line * (IMPORT_MAX_BYTES // len(line.encode()) + 1000)
    assert DEFAULT_MAX_REQUEST_BYTES < IMPORT_MAX_BYTES < len(text.encode()) < IMPORT_MAX_REQUEST_BYTES
    # the same size to the editor's save: refused
    r = maintainer.post("/editor/new", data={"csrf_token": token, "body": text, "action": "preview"})
    assert r.status_code == 413
    # to the import form: read and answered (here: too large for one pasted text, said in Japanese)
    r = maintainer.post("/editor/import", data={"csrf_token": token, "text": text, "kind": "regulation"},
                        content_type="multipart/form-data")
    assert r.status_code == 422
    assert "貼り付けた本文が大きすぎます" in r.get_data(as_text=True)
    # over the import form's own cap: refused before parsing
    r = maintainer.post("/editor/import", data={"csrf_token": token, "text": "あ" * (IMPORT_MAX_REQUEST_BYTES // 3 + 10)},
                        content_type="multipart/form-data")
    assert r.status_code == 413


# -- a real served process ------------------------------------------------------------------------
def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def _raw_post(port: int, path: str, size: int) -> int:
    """POST `size` bytes of form body over a plain socket; the status code (or 413 if the server
    closed the connection after answering while the body was still being sent)."""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {size}\r\nConnection: close\r\n\r\n").encode()
    chunk = b"a" * MB
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(head + b"username=x&password=")
        sent = 20
        try:
            while sent < size:
                n = min(len(chunk), size - sent)
                s.sendall(chunk[:n])
                sent += n
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        reply = b""
        try:
            while not reply.endswith(b"\r\n\r\n") and len(reply) < 65536:
                data = s.recv(65536)
                if not data:
                    break
                reply += data
        except ConnectionResetError:
            pass
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0


def test_a_20_mb_post_to_a_served_process_answers_413_without_growing_it(corpus_site, tmp_path):
    """`kb serve` (gunicorn, one worker): a 20 MB anonymous POST and, below the import form's cap,
    a 6 MB one both answer 413, and the worker's resident memory grows by less than 50 MB."""
    assert 20 * MB > SERVER_MAX_REQUEST_BYTES > 6 * MB > DEFAULT_MAX_REQUEST_BYTES
    env = dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(corpus_site.index),
               KB_DATA=str(tmp_path / "data"))
    port = free_port()
    proc = start_kb_serve(env, port)
    try:
        worker, = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        before = _rss_kb(int(worker))
        statuses = [_raw_post(port, "/login", 20 * MB), _raw_post(port, "/login", 6 * MB),
                    _raw_post(port, "/login", 20 * MB)]
        grown_mb = (_rss_kb(int(worker)) - before) / 1024
        print(f"RSS before {before / 1024:.0f} MB, grown {grown_mb:.1f} MB after 2×20 MB + 6 MB POSTs")
        assert statuses == [413, 413, 413]
        assert grown_mb < 50
        # still serving
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5).status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
