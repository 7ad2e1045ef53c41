"""A password to change at the next sign-in (new user, reissued password), and when an officer
last saw the answer to their inquiry (the 「回答あり」 count on 自分の照会).

Revision ID: i18
Revises: 0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "i18"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as t:
        t.add_column(sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("inquiries") as t:
        t.add_column(sa.Column("answer_seen_at", sa.DateTime, nullable=True))


def downgrade():
    with op.batch_alter_table("inquiries") as t:
        t.drop_column("answer_seen_at")
    with op.batch_alter_table("users") as t:
        t.drop_column("must_change_password")
