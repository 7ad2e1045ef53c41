"""Corpus revisions, field flags and search feedback (the maintainers' editor and queue).

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("doc_id", sa.String(200), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("message", sa.String(500), nullable=False, server_default=""),
        sa.Column("restored_from", sa.Integer, nullable=True),
        sa.Column("author_id", sa.Integer, nullable=True),
        sa.Column("author", sa.String(64), nullable=False, server_default=""),
        sa.Column("author_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        sa.UniqueConstraint("doc_id", "number", name="uq_revisions_doc_number"),
    )
    op.create_table(
        "field_flags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("doc_id", sa.String(200), nullable=False, index=True),
        sa.Column("section_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("section_heading", sa.String(300), nullable=False, server_default=""),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("comment", sa.String(500), nullable=False, server_default=""),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("username", sa.String(64), nullable=False, server_default=""),
        sa.Column("department", sa.String(100), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="open", index=True),
        sa.Column("resolved_at", sa.DateTime, nullable=True),
        sa.Column("resolved_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("resolution", sa.String(500), nullable=False, server_default=""),
    )
    op.create_table(
        "search_feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("query", sa.String(200), nullable=False, index=True),
        sa.Column("doc_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("section_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("username", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="open", index=True),
        sa.Column("resolved_at", sa.DateTime, nullable=True),
        sa.Column("resolved_by", sa.String(64), nullable=False, server_default=""),
    )
    # Zero-result searches live in the audit log (append-only); a maintainer closing one is
    # recorded here, and the query reappears in the queue if officers search it again later.
    op.create_table(
        "search_gap_closures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("query", sa.String(200), nullable=False, index=True),
        sa.Column("closed_at", sa.DateTime, nullable=False),
        sa.Column("closed_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
    )


def downgrade():
    op.drop_table("search_gap_closures")
    op.drop_table("search_feedback")
    op.drop_table("field_flags")
    op.drop_table("revisions")
