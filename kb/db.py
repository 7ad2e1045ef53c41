"""The application database (accounts, sign-in sessions, API tokens, audit log) through SQLAlchemy.

A SQLite file under KB_DATA by default (WAL mode), or the database KB_DATABASE_URL names (the same
code runs on PostgreSQL). The schema belongs to Alembic: `migrations/` at the repository root;
`open_database()` upgrades to the newest revision before anything else touches the tables.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from kb.filemodes import PRIVATE_DIR, PRIVATE_FILE, make_private

DB_FILE = "kb.sqlite3"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def utcnow() -> dt.datetime:
    """Naive UTC (stored the same way on SQLite and PostgreSQL); pages show it in JST."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    department: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class LoginSession(Base):
    """One sign-in: the browser's cookie holds the key, the database its hash and last activity."""
    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    ip: Mapped[str] = mapped_column(String(64), nullable=False, default="")


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)      # shown in lists, not secret
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    label: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    last_used: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class AuditEvent(Base):
    """Append-only: the app has no update or delete path, and database triggers refuse both."""
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    target: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")      # JSON
    ip: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    channel: Mapped[str] = mapped_column(String(10), nullable=False, default="")   # web | api | cli


def database_url(data: Path) -> str:
    """KB_DATABASE_URL, or a SQLite file in the data folder."""
    return os.environ.get("KB_DATABASE_URL") or f"sqlite:///{Path(data).resolve() / DB_FILE}"


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=5000")     # first, so that the statements below wait for a lock too
    cur.execute("PRAGMA journal_mode")
    if str(cur.fetchone()[0]).lower() != "wal":  # set once per file (it persists); switching takes a lock
        cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cur.execute("PRAGMA synchronous=NORMAL")    # durable across app crashes, fast commits in WAL
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


class Database:
    """An engine and its sessions; `with db.session() as s:` commits on success, rolls back on error."""

    def __init__(self, url: str):
        self.url = url
        kwargs = {"future": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False}
        self.engine: Engine = create_engine(url, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self):
        s = self._sessions()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def dispose(self):
        self.engine.dispose()


_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def migrate(db: Database) -> None:
    """Upgrade the schema to Alembic's head (once per URL per process)."""
    with _migrate_lock:
        if db.url in _migrated:
            return
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        _migrated.add(db.url)


def open_database(url: str) -> Database:
    """The database at `url`, migrated; a SQLite file (and its folder) is owner-only."""
    path = Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)   # a folder it makes is 0700
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))   # SQLite keeps the mode
    db = Database(url)
    migrate(db)
    if path is not None:
        for side in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            make_private(side)
    return db


def user_count(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0
