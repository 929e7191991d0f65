"""when a trainee withdrew each consent, so that a re-imported roster does not give back
a consent that was withdrawn, while a roster may still give one for the first time

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 22:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trainees") as batch:
        batch.add_column(sa.Column("recommend_withdrawn_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("share_withdrawn_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trainees") as batch:
        batch.drop_column("share_withdrawn_at")
        batch.drop_column("recommend_withdrawn_at")
