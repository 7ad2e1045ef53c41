"""The consultation desk: inquiries, their basis and viewed sections.

Revision ID: 0003
Revises: 0002
Create Date: 2026-01-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="open", index=True),
        sa.Column("received_at", sa.DateTime, nullable=False, index=True),
        sa.Column("channel", sa.String(10), nullable=False, server_default=""),
        sa.Column("asking_unit", sa.String(200), nullable=False, server_default=""),
        sa.Column("category", sa.String(20), nullable=False, server_default=""),
        # raw texts: NULL once published or purged
        sa.Column("question", sa.Text, nullable=True),
        sa.Column("answer", sa.Text, nullable=True),
        sa.Column("question_spans", sa.Text, nullable=False, server_default="[]"),
        sa.Column("answer_spans", sa.Text, nullable=False, server_default="[]"),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("department", sa.String(100), nullable=False, server_default=""),
        sa.Column("search_query", sa.String(200), nullable=False, server_default=""),
        sa.Column("asker_id", sa.Integer, nullable=True, index=True),
        sa.Column("asker_username", sa.String(64), nullable=False, server_default=""),
        sa.Column("asker_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("recorded_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("answered_at", sa.DateTime, nullable=True),
        sa.Column("answered_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("closed_at", sa.DateTime, nullable=True),
        sa.Column("closed_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("doc_id", sa.String(64), nullable=True, unique=True),
        sa.Column("confidentiality", sa.String(20), nullable=False, server_default="internal"),
        sa.Column("masked_question", sa.Text, nullable=True),
        sa.Column("masked_answer", sa.Text, nullable=True),
        sa.Column("purged_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "inquiry_sections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("inquiry_id", sa.Integer, sa.ForeignKey("inquiries.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("role", sa.String(10), nullable=False),          # basis | viewed
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("section_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("label", sa.String(300), nullable=False, server_default=""),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_inquiry_sections_target", "inquiry_sections", ["doc_id", "section_id"])


def downgrade():
    op.drop_index("ix_inquiry_sections_target", table_name="inquiry_sections")
    op.drop_table("inquiry_sections")
    op.drop_table("inquiries")
