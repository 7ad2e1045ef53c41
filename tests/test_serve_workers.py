"""`kb serve --workers 2`: two waitress processes answer on one port and stop together."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import free_port


def test_two_worker_processes_share_the_port_and_stop_together(corpus_site, tmp_path):
    env = dict(os.environ, KB_CORPUS=str(corpus_site.corpus), KB_INDEX=str(corpus_site.index),
               KB_DATA=str(tmp_path / "data"))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        out = ""
        while "serving on" not in out:
            line = proc.stdout.readline()
            assert line, out
            out += line
        assert "2 process(es)" in out
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5).read()
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline, "no answer"
                time.sleep(0.2)
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 2
        for _ in range(20):
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10)
            assert page.status == 200 and "ログイン" in page.read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    time.sleep(0.5)
    for pid in children:
        assert not os.path.exists(f"/proc/{pid}") or "Z" in open(f"/proc/{pid}/stat").read().split()[2], pid
