"""Model rows as the public response bodies, with Chinese labels and hidden contacts."""

from __future__ import annotations

from api.access import Principal, can_see_contact
from api.models import Course, Enterprise, Posting, Trainee
from api.schemas import (
    POSTING_STATUS,
    PROVIDER_KINDS,
    TRAINEE_STATUS,
    CoursePublic,
    EnterprisePublic,
    OccupationRead,
    PostingPublic,
    PostingReadingPublic,
    TraineePublic,
)
from matcher import Normalizer
from matcher.levels import format_level
from matcher.reading import PostingReading


def enterprise_public(e: Enterprise) -> EnterprisePublic:
    return EnterprisePublic(id=e.id, name=e.name, uscc=e.uscc, industry=e.industry,
                            area=e.area, key_enterprise=e.key_enterprise,
                            key_enterprise_label="重点企业" if e.key_enterprise else "一般企业")


def course_public(c: Course) -> CoursePublic:
    return CoursePublic(id=c.id, provider=c.provider, provider_kind=c.provider_kind,
                        provider_kind_label=PROVIDER_KINDS.get(c.provider_kind, c.provider_kind),
                        occupation=c.occupation, occupation_code=c.occupation_code,
                        target_level=c.target_level, area=c.area, start_date=c.start_date,
                        end_date=c.end_date, order_enterprise_id=c.order_enterprise_id)


def occupation_name(norm: Normalizer, code: str | None) -> str | None:
    if not code:
        return None
    try:
        return norm.taxonomy[code].name
    except KeyError:
        return None


def posting_public(p: Posting, norm: Normalizer) -> PostingPublic:
    return PostingPublic(
        id=p.id, enterprise_id=p.enterprise_id, title=p.title, requirements=p.requirements,
        headcount=p.headcount, hired=p.hired, wage_min=p.wage_min, wage_max=p.wage_max,
        area=p.area, min_level=p.min_level, opened=p.opened, closes=p.closes, status=p.status,
        status_label=POSTING_STATUS.get(p.status, p.status), occupation_code=p.occupation_code,
        occupation_name=occupation_name(norm, p.occupation_code))


def reading_public(r: PostingReading, norm: Normalizer) -> PostingReadingPublic:
    occupation = None
    if r.occupation is not None:
        occupation = OccupationRead(code=r.occupation.code, name=r.occupation.name,
                                    score=r.occupation.score, matched=r.occupation.matched,
                                    method=r.occupation.method)
    return PostingReadingPublic(
        occupation=occupation, min_level=r.min_level,
        min_level_label=None if r.min_level is None else format_level(r.min_level),
        skills=sorted(r.skills), permits=sorted(r.permits),
        preferred_skills=sorted(r.preferred_skills),
        preferred_permits=sorted(r.preferred_permits),
        occupations=[OccupationRead(code=c, name=occupation_name(norm, c) or c)
                     for c in r.occupations],
        not_understood=list(r.not_understood))


def trainee_public(t: Trainee, who: Principal) -> tuple[TraineePublic, bool]:
    """The trainee as this user may see them; and whether the contact was shown."""
    shown = can_see_contact(who, t) and t.contact is not None
    return TraineePublic(
        id=t.id, masked_name=t.masked_name, area=t.area, course_id=t.course_id,
        graduation_date=t.graduation_date, certificates=t.certificates, skills=t.skills,
        preferred_areas=t.preferred_areas, expected_wage=t.expected_wage, status=t.status,
        status_label=TRAINEE_STATUS.get(t.status, t.status),
        consent_recommend=t.consent_recommend, consent_share_contact=t.consent_share_contact,
        contact=t.contact if shown else None, contact_hidden=not shown), shown
