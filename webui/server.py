"""Serving the app: gunicorn's prefork arbiter wherever fork exists, waitress only where it does not.

Whoosh scoring is pure Python, so one process uses one core however many threads it has; the
gunicorn master binds the port and keeps `workers` processes (one per core by default) answering
on it, each with its own app, searchers and database connections (the index writer and the
database are already safe across processes). The master restarts a worker that dies, replaces
them all gracefully on SIGHUP, and stops them gracefully on SIGTERM; a worker writes its queued
audit rows before it exits (`worker_exit` below, and kb.audit's atexit hook).
"""
from __future__ import annotations

import os
import signal

from waitress import serve as waitress_serve

from kb.audit import flush_all
from webui import create_app
from webui.limits import SERVER_MAX_REQUEST_BYTES

GRACEFUL_SECONDS = 30         # a stopping worker finishes its requests within this, then is killed
KEEPALIVE_SECONDS = 5         # idle keep-alive connections (a tablet behind the proxy) stay this long


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:    # not on Linux
        return os.cpu_count() or 1


def _flush_audit() -> None:
    """Write the audit rows this process still has queued."""
    flush_all(timeout=GRACEFUL_SECONDS / 2)


def _worker_exit(server, worker) -> None:
    """gunicorn's hook, in the worker as it ends (SIGTERM, SIGHUP's replacement, max requests)."""
    _flush_audit()


def gunicorn_options(host: str, port: int, threads: int, workers: int) -> dict:
    """gunicorn settings of `kb serve` (names as in gunicorn's configuration file)."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": [bind],
        "workers": workers,
        # gthread: keep-alive connections wait in a poller, `threads` requests run at a time
        "worker_class": "gthread",
        "threads": threads,
        "keepalive": KEEPALIVE_SECONDS,
        "graceful_timeout": GRACEFUL_SECONDS,
        "timeout": 60,
        "backlog": 1024,
        # request bodies are capped by the app (webui.limits): Flask answers 413 from the
        # Content-Length before reading, and gunicorn never buffers a body itself
        "limit_request_line": 8190,
        "worker_exit": _worker_exit,
        "proc_name": "kb",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "control_socket_disable": True,   # (gunicorn ≥ 25.1) no shared socket under $HOME
    }


def serve(host: str, port: int, threads: int = 2, workers: int | None = None) -> None:
    """Serve until SIGTERM/SIGINT: gunicorn with `workers` processes (waitress without fork)."""
    n_workers = workers or default_workers()
    if not hasattr(os, "fork"):
        return _serve_waitress(host, port, threads)
    # imported here: gunicorn needs fcntl, which a platform without fork lacks
    from gunicorn.app.base import BaseApplication

    class KbApplication(BaseApplication):
        """The app is built in each worker after the fork (Sudachi, searchers, database pools)."""

        def load_config(self):
            for key, value in gunicorn_options(host, port, threads, n_workers).items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            return create_app()

    KbApplication().run()


def _stop_now(*_) -> None:
    """SIGTERM/SIGINT under waitress: write the queued audit rows, then exit."""
    _flush_audit()
    os._exit(0)


def _serve_waitress(host: str, port: int, threads: int) -> None:
    """Platforms without fork (Windows): one waitress process, its own body cap."""
    signal.signal(signal.SIGTERM, _stop_now)
    signal.signal(signal.SIGINT, _stop_now)
    waitress_serve(create_app(), host=host, port=port, threads=threads, ident="kb",
                   max_request_body_size=SERVER_MAX_REQUEST_BYTES)
