"""Cluster: the ordered log of corpus changes (kb.changelog).

Revision ID: i19_corpus_changes
Revises: i20_share
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "i19_corpus_changes"
down_revision = "i20_share"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "corpus_changes",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(200), nullable=False, index=True),
        sa.Column("path", sa.String(300), nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False, server_default=""),
        sa.Column("node", sa.String(100), nullable=False, server_default=""),
        sa.Column("at", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("corpus_changes")
