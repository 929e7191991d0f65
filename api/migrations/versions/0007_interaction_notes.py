"""a note on an interaction (why a hire recorded by mistake was cancelled) and the
trainee's status before a hire (given back when it is cancelled)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("note", sa.String(length=200), nullable=True))
    with op.batch_alter_table("placements") as batch:
        batch.add_column(sa.Column("previous_status", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("placements") as batch:
        batch.drop_column("previous_status")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("note")
