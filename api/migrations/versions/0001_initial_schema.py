"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 15:03:19.385862
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enterprises",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("industry", sa.String(length=50), nullable=False),
        sa.Column("area", sa.String(length=50), nullable=False),
        sa.Column("key_enterprise", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uscc"),
    )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprises_area"), ["area"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),
    )
    op.create_table(
        "courses",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("provider_kind", sa.String(length=30), nullable=False),
        sa.Column("occupation", sa.String(length=100), nullable=False),
        sa.Column("occupation_code", sa.String(length=20), nullable=True),
        sa.Column("target_level", sa.String(length=30), nullable=False),
        sa.Column("area", sa.String(length=50), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("order_enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_enterprise_id"],
            ["enterprises.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courses_area"), ["area"], unique=False)

    op.create_table(
        "postings",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("hired", sa.Integer(), nullable=False),
        sa.Column("wage_min", sa.Integer(), nullable=False),
        sa.Column("wage_max", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=50), nullable=False),
        sa.Column("min_level", sa.String(length=30), nullable=True),
        sa.Column("opened", sa.Date(), nullable=False),
        sa.Column("closes", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("occupation_code", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postings_area"), ["area"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_postings_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_postings_status"), ["status"], unique=False)

    op.create_table(
        "trainees",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("masked_name", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=50), nullable=False),
        sa.Column("course_id", sa.String(length=32), nullable=False),
        sa.Column("graduation_date", sa.Date(), nullable=False),
        sa.Column("certificates", sa.Text(), nullable=True),
        sa.Column("skills", sa.Text(), nullable=True),
        sa.Column("preferred_areas", sa.String(length=200), nullable=True),
        sa.Column("expected_wage", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("consent_recommend", sa.Boolean(), nullable=False),
        sa.Column("consent_share_contact", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(length=20), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("trainees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trainees_area"), ["area"], unique=False)
        batch_op.create_index(batch_op.f("ix_trainees_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trainees_status"), ["status"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("trainee_id", sa.String(length=32), nullable=True),
        sa.Column("areas", sa.String(length=300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("trainee_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("with_contact", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_trainee_id"), ["trainee_id"], unique=False)

    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("posting_id", sa.String(length=32), nullable=False),
        sa.Column("trainee_id", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["postings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interactions_kind"), ["kind"], unique=False)
        batch_op.create_index("ix_interactions_pair", ["posting_id", "trainee_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_interactions_trainee_id"), ["trainee_id"], unique=False
        )

    op.create_table(
        "placements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trainee_id", sa.String(length=32), nullable=False),
        sa.Column("posting_id", sa.String(length=32), nullable=False),
        sa.Column("through_matching", sa.Boolean(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["postings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("trainee_id"),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placements_posting_id"), ["posting_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placements_posting_id"))

    op.drop_table("placements")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interactions_trainee_id"))
        batch_op.drop_index("ix_interactions_pair")
        batch_op.drop_index(batch_op.f("ix_interactions_kind"))

    op.drop_table("interactions")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_trainee_id"))

    op.drop_table("audit_log")
    op.drop_table("users")
    with op.batch_alter_table("trainees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trainees_status"))
        batch_op.drop_index(batch_op.f("ix_trainees_course_id"))
        batch_op.drop_index(batch_op.f("ix_trainees_area"))

    op.drop_table("trainees")
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postings_status"))
        batch_op.drop_index(batch_op.f("ix_postings_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_postings_area"))

    op.drop_table("postings")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_area"))

    op.drop_table("courses")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprises_area"))

    op.drop_table("enterprises")
