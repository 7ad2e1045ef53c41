"""Inter-prefecture sharing: 全国 share requests and the ledger of imported cases.

Revision ID: i20_share
Revises: i18
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "i20_share"
down_revision = "i18"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "share_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("doc_id", sa.String(200), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending", index=True),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("decided_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "shared_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("org", sa.String(100), nullable=False),
        sa.Column("case_id", sa.String(100), nullable=False),
        sa.Column("hash", sa.String(80), nullable=False, server_default=""),
        sa.Column("updated", sa.String(40), nullable=False, server_default=""),
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("record", sa.Text, nullable=False, server_default=""),
        sa.Column("findings", sa.Text, nullable=False, server_default="[]"),
        sa.Column("withdrawn_at", sa.String(40), nullable=False, server_default=""),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("org", "case_id", name="uq_shared_cases_org_case"),
    )


def downgrade():
    op.drop_table("shared_cases")
    op.drop_table("share_requests")
