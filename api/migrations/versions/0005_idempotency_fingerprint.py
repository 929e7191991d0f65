"""idempotency keys remember what request they were used for (a fingerprint of it), so
that a key sent again with another body is refused instead of replaying the first answer

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("fingerprint")
