"""Serving the app with waitress: one process, or several sharing one listening socket.

Whoosh scoring is pure Python, so one process uses one core however many threads it has; with
`workers` > 1 the parent binds the port and forks that many waitress processes that accept on it
(each with its own app, searchers and database connections; the index writer and the database are
already safe across processes). The parent restarts nothing: if a worker dies it stops the others
and exits non-zero, so the service manager restarts the whole server.
"""
from __future__ import annotations

import os
import signal
import socket
import sys

from webui.limits import SERVER_MAX_REQUEST_BYTES


def _stop_now(*_) -> None:
    """SIGTERM/SIGINT in a serving process: write the queued audit rows, then exit."""
    from kb.audit import flush_all
    flush_all(timeout=5)
    os._exit(0)


def serve(host: str, port: int, threads: int = 8, workers: int = 1) -> None:
    from waitress import serve as waitress_serve

    from webui import create_app
    if workers <= 1:
        signal.signal(signal.SIGTERM, _stop_now)
        signal.signal(signal.SIGINT, _stop_now)
        waitress_serve(create_app(), host=host, port=port, threads=threads, ident="kb",
                       max_request_body_size=SERVER_MAX_REQUEST_BYTES)
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:                      # a worker: its own app, then serve until told to stop
            signal.signal(signal.SIGTERM, _stop_now)
            signal.signal(signal.SIGINT, _stop_now)
            try:
                waitress_serve(create_app(), sockets=[sock], threads=threads, ident="kb",
                               max_request_body_size=SERVER_MAX_REQUEST_BYTES)
            finally:
                os._exit(1)
        children.append(pid)
    sock.close()

    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def reap(*ended):
        for other in children:
            if other not in ended:
                try:
                    os.waitpid(other, 0)
                except ChildProcessError:
                    pass

    def terminate(*_):                    # the workers write their queued audit rows, then exit
        stop()
        reap()
        sys.exit(0)
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    pid, status = os.wait()               # the first worker to end ends the server
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    stop()
    reap(pid)
    sys.exit(1 if os.waitstatus_to_exitcode(status) else 0)
