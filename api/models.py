"""The SQL tables of the service (SQLAlchemy 2.0 declarative models).

The four market tables (enterprises, postings, courses, trainees) keep the columns of
the import schemas (:mod:`matcher.schemas`) so that the matcher is built from them
directly; beside them live accounts (users), the outcome log (interactions), hires
(placements, one per trainee), the audit log of personal-data reads, the stored
responses of idempotent POSTs, the secrets the service generated for itself, the
change feed that keeps the matching index of every process in step (index_changes) and
the trained scorers (scorer_models). The
schema itself is created by the Alembic migrations in ``api/migrations``, never by
``create_all``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["AuditEntry", "Base", "Course", "Enterprise", "IdempotencyKey", "IndexChange",
           "Interaction", "LoginFailure", "Placement", "Posting", "ScorerModel",
           "ServiceSecret", "Trainee", "User", "utcnow"]

ROLES = ("admin", "counselor", "enterprise", "trainee")
INTERACTION_KINDS = ("recommended", "viewed", "shortlisted", "contacted", "interviewed",
                     "hired", "rejected", "withdrawn", "hire_cancelled")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Enterprise(Base):
    __tablename__ = "enterprises"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    industry: Mapped[str] = mapped_column(String(50))
    area: Mapped[str] = mapped_column(String(50), index=True)
    key_enterprise: Mapped[bool] = mapped_column(Boolean, default=False)


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    provider: Mapped[str] = mapped_column(String(200))
    provider_kind: Mapped[str] = mapped_column(String(30))
    occupation: Mapped[str] = mapped_column(String(100))
    occupation_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    target_level: Mapped[str] = mapped_column(String(30))
    area: Mapped[str] = mapped_column(String(50), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    order_enterprise_id: Mapped[str | None] = mapped_column(
        ForeignKey("enterprises.id"), nullable=True)


class Posting(Base):
    __tablename__ = "postings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    requirements: Mapped[str | None] = mapped_column(Text, nullable=True)
    headcount: Mapped[int] = mapped_column(Integer)
    #: Hires so far; raised only by an atomic conditional UPDATE (never above headcount).
    hired: Mapped[int] = mapped_column(Integer, default=0)
    wage_min: Mapped[int] = mapped_column(Integer)
    wage_max: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(50), index=True)
    min_level: Mapped[str | None] = mapped_column(String(30), nullable=True)
    opened: Mapped[dt.date] = mapped_column(Date)
    closes: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    #: What the title and requirements were read as (for metrics by occupation).
    occupation_code: Mapped[str | None] = mapped_column(String(20), nullable=True)


#: Each consent of a trainee and the column that remembers when it was last withdrawn.
CONSENT_WITHDRAWN_AT = {"consent_recommend": "recommend_withdrawn_at",
                        "consent_share_contact": "share_withdrawn_at"}


class Trainee(Base):
    __tablename__ = "trainees"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    masked_name: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(50), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), index=True)
    graduation_date: Mapped[dt.date] = mapped_column(Date)
    certificates: Mapped[str | None] = mapped_column(Text, nullable=True)
    skills: Mapped[str | None] = mapped_column(Text, nullable=True)
    preferred_areas: Mapped[str | None] = mapped_column(String(200), nullable=True)
    expected_wage: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="seeking", index=True)
    #: Consent to be recommended (shortlists, the index).
    consent_recommend: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Separate consent to show the contact to enterprises.
    consent_share_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When each consent was last withdrawn (None: never, or given again since); an
    #: import does not give back a withdrawn consent (api.services.imports).
    recommend_withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    share_withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    contact: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: Set when the trainee was deleted: personal data erased, the row kept for metrics.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprises.id"),
                                                      nullable=True)
    trainee_id: Mapped[str | None] = mapped_column(ForeignKey("trainees.id"), nullable=True)
    #: A counselor's areas, separated by 、; empty: every area.
    areas: Mapped[str | None] = mapped_column(String(300), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Interaction(Base):
    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_pair", "posting_id", "trainee_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    posting_id: Mapped[str] = mapped_column(ForeignKey("postings.id"))
    trainee_id: Mapped[str] = mapped_column(ForeignKey("trainees.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: why (a cancelled hire's reason); None for the usual steps
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Placement(Base):
    __tablename__ = "placements"
    # ids never used twice (SQLite would give a deleted, highest id again): a repeated
    # cancel of a cancelled hire must not cancel the next one
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trainee_id: Mapped[str] = mapped_column(ForeignKey("trainees.id"), unique=True)
    posting_id: Mapped[str] = mapped_column(ForeignKey("postings.id"), index=True)
    through_matching: Mapped[bool] = mapped_column(Boolean, default=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: the trainee's status before the hire: given back if the hire is cancelled
    previous_status: Mapped[str | None] = mapped_column(String(10), nullable=True)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    trainee_id: Mapped[str] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(30))
    with_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    #: SHA-256 of the request (method, path, query, body): a key sent again with another
    #: request is refused. None for keys stored before it was kept.
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ServiceSecret(Base):
    """A secret the service generated for itself (e.g. the token signing key), shared by
    every process on the database so that it survives restarts."""

    __tablename__ = "service_secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


#: What an :class:`IndexChange` names: a trainee or posting to re-read, or a scorer.
CHANGE_KINDS = ("trainee", "posting", "scorer")


class IndexChange(Base):
    """One entry of the change feed: every process's matching index must apply it.

    Written in the same transaction as the change itself; each process reads the
    entries it has not applied yet before it answers from its index
    (:meth:`api.services.index.MatchIndex.catch_up`).
    """

    __tablename__ = "index_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ScorerModel(Base):
    """A learned scorer trained by ``POST /model/train``, as its JSON (no pickle)."""

    __tablename__ = "scorer_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trained_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)


class LoginFailure(Base):
    """A failed sign-in, kept for the rate-limit window (shared by every process)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
