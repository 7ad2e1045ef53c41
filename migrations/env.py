"""Alembic environment: every model of kb/; the connection kb.db.migrate() passes, or sqlalchemy.url.

Each module that defines a table is imported here, so Base.metadata is complete and autogenerate or
`alembic check` never proposes to drop a table (tests/test_db_migrations.py holds this)."""
from alembic import context
from sqlalchemy import create_engine

import kb.changelog  # noqa: F401  (model: the corpus change log of a cluster)
import kb.desk  # noqa: F401  (models: inquiries, inquiry basis)
import kb.feedback_queue  # noqa: F401  (models: flags, search feedback, search-gap closures)
import kb.revisions  # noqa: F401  (model: revisions)
import kb.share_import  # noqa: F401  (model: the share ledger)
import kb.sharing  # noqa: F401  (model: share requests)
from kb.config import paths
from kb.db import Base, database_url

config = context.config
target_metadata = Base.metadata


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or database_url(paths().data)
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata,
                          render_as_batch=conn.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
