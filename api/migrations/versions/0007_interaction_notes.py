"""a note on an interaction (why a hire recorded by mistake was cancelled), the
trainee's status before a hire (given back when it is cancelled), and placement ids
never used twice (SQLite's AUTOINCREMENT: without it the id of a cancelled hire, the
highest, went to the next hire, and a repeated cancel of it cancelled that one)

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
    # SQLite: the table is rebuilt to take AUTOINCREMENT; PostgreSQL's sequence never
    # gives an id twice already
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("placements", recreate="always" if sqlite else "auto",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("previous_status", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("placements") as batch:
        batch.drop_column("previous_status")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("note")
