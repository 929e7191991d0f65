"""areas stored under another name (达州, 市本级, 高新区 …) renamed to the area's own name,
as the API and imports now store them, so that access by area and the reports find them

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 07:25:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: matcher.areas.AREA_ALIASES as of this revision (a migration does not follow later
#: changes of the library).
ALIASES = {"市本级": "达州市", "达州": "达州市", "高新区": "达州高新区",
           "东部经开区": "达州东部经开区", "达州经开区": "达州东部经开区"}
TABLES = ("enterprises", "postings", "courses", "trainees")


def upgrade() -> None:
    for table in TABLES:
        area = sa.table(table, sa.column("area", sa.String))
        for alias, name in ALIASES.items():
            op.execute(area.update().where(area.c.area == alias).values(area=name))


def downgrade() -> None:
    """Nothing to undo: the names were other names of the same areas."""
