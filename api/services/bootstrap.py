"""First start: seed the bundled sample market into an empty store, create demo accounts.

The sample is synthetic (``data/sample``, see its README). The sample has no column
for the separate consent to share contact details with enterprises; in the *demo*, the
consented trainees with an even number grant it, so that both cases can be seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from api.models import Course, Enterprise, Posting, Trainee, User
from api.security import hash_password
from api.services.tables import MODELS, read_sample, rows_from_frame
from matcher import Normalizer
from matcher.reading import read_posting

__all__ = ["DemoAccount", "ensure_demo_accounts", "is_empty", "seed_sample"]


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    note: str

    def line(self) -> str:
        """How ``talentmatch serve`` prints the account."""
        return f"demo account  {self.role:<10} {self.username:<15} {self.password:<22} {self.note}"


def is_empty(session: Session) -> bool:
    return not any(session.scalar(select(func.count()).select_from(m)) for m in
                   (Enterprise, Posting, Course, Trainee))


def seed_sample(session: Session, normalizer: Normalizer,
                tables: dict[str, pd.DataFrame] | None = None) -> dict[str, int]:
    """Insert the sample market (the store must be empty); returns rows per table.

    ``tables`` replaces the bundled sample with another market of the same import
    tables (e.g. :func:`matcher.sample.generate_market` at a larger scale, for the load
    benchmark); tables other than the four import tables are ignored.
    """
    counts = {}
    market = read_sample() if tables is None else {t: tables[t] for t in MODELS}
    for table, frame in market.items():
        rows = rows_from_frame(table, frame)
        if table == "postings":
            for row in rows:
                r = read_posting(normalizer, row["title"], row.get("requirements") or "",
                                 row.get("min_level"))
                row["occupation_code"] = r.occupation.code if r.occupation else None
        if table == "trainees":
            for row in rows:
                digits = "".join(ch for ch in row["id"] if ch.isdigit())
                row["consent_share_contact"] = bool(
                    row["consent_recommend"] and digits and int(digits) % 2 == 0)
        counts[table] = len(rows)
        for start in range(0, len(rows), 1000):
            session.execute(insert(MODELS[table]), rows[start:start + 1000])
    session.flush()
    return counts


def ensure_demo_accounts(session: Session) -> list[DemoAccount]:
    """Create the demo accounts when the store has no user yet; returns those created."""
    if session.scalar(select(func.count()).select_from(User)):
        return []
    accounts = [DemoAccount("admin", "admin", "demo-admin-pass", "人社局管理员 / bureau admin"),
                DemoAccount("counselor", "counselor", "demo-counselor-pass",
                            "就业指导员（全部区域）/ counselor, all areas")]
    users = [User(username="admin", password_hash=hash_password("demo-admin-pass"),
                  role="admin"),
             User(username="counselor", password_hash=hash_password("demo-counselor-pass"),
                  role="counselor")]
    first_area = session.scalar(select(Trainee.area).order_by(Trainee.id).limit(1))
    if first_area:
        accounts.append(DemoAccount("counselor", "counselor_area", "demo-counselor-pass",
                                    f"就业指导员（仅{first_area}）/ counselor, {first_area} only"))
        users.append(User(username="counselor_area", role="counselor", areas=first_area,
                          password_hash=hash_password("demo-counselor-pass")))
    enterprises = session.scalars(
        select(Posting.enterprise_id).distinct().order_by(Posting.enterprise_id).limit(2)).all()
    for i, enterprise_id in enumerate(enterprises, start=1):
        name = f"enterprise{i}"
        accounts.append(DemoAccount("enterprise", name, "demo-enterprise-pass",
                                    f"企业 {enterprise_id}"))
        users.append(User(username=name, role="enterprise", enterprise_id=enterprise_id,
                          password_hash=hash_password("demo-enterprise-pass")))
    trainees = session.scalars(
        select(Trainee.id).where(Trainee.status == "seeking", Trainee.consent_recommend,
                                 Trainee.deleted_at.is_(None))
        .order_by(Trainee.id).limit(2)).all()
    for i, trainee_id in enumerate(trainees, start=1):
        name = f"trainee{i}"
        accounts.append(DemoAccount("trainee", name, "demo-trainee-pass", f"学员 {trainee_id}"))
        users.append(User(username=name, role="trainee", trainee_id=trainee_id,
                          password_hash=hash_password("demo-trainee-pass")))
    session.add_all(users)
    session.flush()
    return accounts
