"""Throwaway services on loopback for benchmarks and tests: a private cluster of Debian's
PostgreSQL, reachable only through a Unix socket in its own folder."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path


def postgres_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian's layout), None when not installed."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(bins[-1]).parent if bins else None


def start_postgres(base: Path, port: int, *settings: str) -> tuple[str, Callable[[], None]]:
    """A new cluster in `base` (created), started with the extra `-c` settings given: its
    SQLAlchemy URL, and the function that stops it at once."""
    bindir = postgres_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL missing: apt-get install postgresql (make browser-deps installs it)")
    base.mkdir(parents=True, exist_ok=True)
    as_server: list[str] = []
    if os.getuid() == 0:              # initdb refuses root: Debian's postgres user runs the cluster
        shutil.chown(base, "postgres", "postgres")
        as_server = ["runuser", "-u", "postgres", "--"]
    data = base / "data"

    def run(*cmd: str) -> None:
        subprocess.run([*as_server, *cmd], check=True, capture_output=True, timeout=120)
    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "kb", "-E", "UTF8", "--locale=C", "--no-sync")
    options = " ".join([f"-k {base} -c listen_addresses='' -p {port} -F", *(f"-c {s}" for s in settings)])
    run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"), "-o", options, "start")
    return (f"postgresql+psycopg://kb@/postgres?host={base}&port={port}",
            lambda: run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"))
