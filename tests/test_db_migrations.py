"""Models and migrations cannot drift: a fresh database upgraded to head matches every model.

`alembic check` runs in its own process, so only what migrations/env.py imports is in its metadata
(a model module env.py forgets shows up as a table alembic wants to drop)."""
from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

import kb
from kb.db import Base

REPO = Path(__file__).resolve().parent.parent

CHECK = """
import sys
from alembic import command
from alembic.config import Config
cfg = Config(sys.argv[1])
cfg.set_main_option("sqlalchemy.url", sys.argv[2])
command.upgrade(cfg, "head")
command.check(cfg)
"""


def test_alembic_check_finds_no_difference_on_a_fresh_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    run = subprocess.run([sys.executable, "-c", CHECK, str(REPO / "alembic.ini"), url], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-1500:]


def test_every_model_has_its_table_in_the_migrations(tmp_path):
    for module in pkgutil.iter_modules(kb.__path__, "kb."):
        importlib.import_module(module.name)          # every model module of the domain
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    run = subprocess.run([sys.executable, "-c", CHECK.replace("command.check(cfg)", ""),
                          str(REPO / "alembic.ini"), url], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-1500:]
    migrated = set(sa.inspect(sa.create_engine(url)).get_table_names()) - {"alembic_version"}
    assert migrated == set(Base.metadata.tables), (
        f"tables only in migrations: {sorted(migrated - set(Base.metadata.tables))}; "
        f"only in models: {sorted(set(Base.metadata.tables) - migrated)}")
