"""Who may do what: the one place that decides access (every route goes through it).

Roles: **admin** (the bureau) may do everything; a **counselor** reads and writes the
market, limited to some areas when the account names areas (see below); an
**enterprise** account reads and writes only its own enterprise and postings, and the
shortlists of those postings; a **trainee** reads only themself (and open postings).

Areas: a counselor limited to areas reads the whole market (enterprises, postings,
courses) but only the trainees of those areas; they create, change and close
enterprises, postings, courses and trainees only of those areas, and cannot move one to
another area (:func:`check_areas`: the record's area, and for a change of area the new
one too). Imports by such a counselor are limited the same way, row by row
(:func:`outside_areas`).

Writing a trainee: a counselor limited to areas writes only trainees of those areas and
cannot move one to another area. A trainee changes only what is theirs to say
(:data:`TRAINEE_SELF_FIELDS`): preferred areas, expected wage, the two consents and the
contact. The rest is a record kept by staff that enterprises and the plan's metrics rely
on: name, area, course, graduation date, certificates and skills come from training and
assessment, and the status (seeking, placed, withdrawn) follows placements, which staff
and enterprises record. A trainee who wants no more offers withdraws their consent to be
recommended, which takes them out of every shortlist at once.

Writing an enterprise: an enterprise account changes only how it presents itself
(:data:`ENTERPRISE_SELF_FIELDS`); its credit code, industry, area and the key-enterprise
designation are the bureau's record (the plan's metrics count by them), set by staff.

Recording a step or a hire: staff record any. An enterprise records steps (viewed,
contacted, interviewed, rejected …) and hires only for a trainee shown to it for that
posting (a ``recommended`` interaction of the pair is logged) who is not deleted;
anything else is the same 404 whether or not the trainee exists
(:func:`check_outcome`), so that an enterprise neither reaches trainees it was never
shown nor learns which trainee ids exist. A trainee who withdrew their consent to be
recommended after being shown can still be recorded as interviewed or hired: the
consent is about being recommended, and the hire is a fact.

Reading a trainee: a trainee's record (read, change, delete, job suggestions) is, to an
enterprise and to any other trainee, the same 404 as a trainee id that does not exist
(:func:`check_trainee`); so is another trainee's id in a step a trainee logs.

Contact details of a trainee go to admins, counselors (of the trainee's area) and the
trainee, and to an enterprise only when the trainee separately consented to share them.
List queries are narrowed here too (:func:`scope_postings`, :func:`scope_trainees`…), so
that a list never shows what a read of one object would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

from api.errors import ForbiddenError, NotFoundError, field_label, not_found
from api.models import Course, Enterprise, Posting, Trainee

__all__ = ["Principal", "can_see_contact", "check_areas", "check_course_write",
           "check_enterprise", "check_enterprise_create", "check_enterprise_update",
           "check_outcome", "check_posting", "check_posting_create", "check_posting_update",
           "check_role", "check_shortlist", "check_suggestions", "check_trainee",
           "check_trainee_update", "outside_areas", "scope_enterprises", "scope_postings",
           "scope_trainees"]

ROLE_LABELS = {"admin": "管理员（人社局）", "counselor": "就业指导员", "enterprise": "企业",
               "trainee": "学员"}


@dataclass(frozen=True)
class Principal:
    """The signed-in user as access decisions see it."""

    user_id: int
    username: str
    role: str
    enterprise_id: str | None = None
    trainee_id: str | None = None
    areas: tuple[str, ...] | None = None  #: a counselor's areas; None: every area

    @property
    def is_staff(self) -> bool:
        return self.role in ("admin", "counselor")


def _deny(zh: str, en: str) -> ForbiddenError:
    return ForbiddenError(zh, en)


def check_role(who: Principal, *roles: str) -> None:
    if who.role not in roles:
        names = "、".join(ROLE_LABELS[r] for r in roles)
        raise _deny(f"此操作仅限{names}", f"only {', '.join(roles)} accounts may do this")


def _in_area(who: Principal, area: str) -> bool:
    return who.areas is None or area in who.areas


def outside_areas(areas: tuple[str, ...] | None, *candidates: str | None) -> str | None:
    """The first of ``candidates`` (areas; None: no area) outside ``areas`` (a counselor's
    areas; None: every area), or None when all are inside."""
    if areas is None:
        return None
    return next((a for a in candidates if a is not None and a not in areas), None)


#: What a record is called, in Chinese and English (messages of an area refused).
RECORD_NAMES = {"enterprise": ("企业", "enterprise"), "posting": ("岗位", "posting"),
            "course": ("培训班", "course"), "trainee": ("学员", "trainee")}


def check_areas(who: Principal, record: str, *areas: str | None,
                allowed: tuple[str, str] | None = None) -> None:
    """May ``who`` write a ``record`` (``enterprise``, ``posting``, ``course``…) of
    ``areas`` (its area, and for a change of area the new one too; None: not given)?

    Only a counselor limited to areas is refused: a 403 that names their areas and
    says what they may do (``allowed``: that sentence in Chinese and English; by
    default creating, changing or closing records of their areas).
    """
    if who.role != "counselor":
        return
    area = outside_areas(who.areas, *areas)
    if area is None or who.areas is None:
        return
    zh, en = RECORD_NAMES[record]
    allowed_zh, allowed_en = allowed or (f"您只能新建、修改或关闭本区域的{zh}",
                                         f"you may only create, change or close {en}s "
                                         "of your areas")
    mine_zh, mine_en = "、".join(who.areas), ", ".join(who.areas)
    raise ForbiddenError(f"{area}不在您负责的区域（{mine_zh}）：{allowed_zh}",
                         f"{area} is outside your areas ({mine_en}): {allowed_en}",
                         details={"area": area, "your_areas": list(who.areas)})


def check_enterprise(who: Principal, enterprise: Enterprise, *, write: bool = False) -> None:
    if who.role == "admin":
        return
    if who.role == "counselor":
        if write:
            check_areas(who, "enterprise", enterprise.area)
        return
    if who.role == "enterprise" and who.enterprise_id == enterprise.id:
        return
    if who.role == "trainee" and not write:
        return
    raise _deny("只能查看或修改本企业的信息", "you may only read or change your own enterprise")


#: What an enterprise may change about itself (see the module docstring).
ENTERPRISE_SELF_FIELDS = frozenset({"name"})


def _enterprise_label(field: str) -> str:
    return field_label(field, "enterprises")


def check_enterprise_create(who: Principal, values: dict[str, Any]) -> None:
    """May ``who`` create an enterprise of ``values``? Staff, in their areas."""
    check_role(who, "admin", "counselor")
    check_areas(who, "enterprise", values.get("area"))


def check_enterprise_update(who: Principal, enterprise: Enterprise,
                            fields: dict[str, Any]) -> None:
    """May ``who`` set ``fields`` (name → new value) of ``enterprise``?"""
    check_enterprise(who, enterprise, write=True)
    check_areas(who, "enterprise", fields.get("area"))
    if who.role != "enterprise":
        return
    # a form sent back whole repeats the bureau's fields unchanged: only changes count
    extra = sorted(f for f in set(fields) - ENTERPRISE_SELF_FIELDS
                   if fields[f] != getattr(enterprise, f, None))
    if extra:
        labels = "、".join(_enterprise_label(f) for f in extra)
        raise ForbiddenError(
            f"企业不能自行修改：{labels}（由人社局登记维护，如需变更请联系就业指导员）",
            f"an enterprise cannot change {', '.join(extra)} itself: the bureau keeps "
            "these; ask a job counselor to change them",
            details=[{"field": f, "label": _enterprise_label(f)} for f in extra])


def check_posting(who: Principal, posting: Posting, *, write: bool = False) -> None:
    if who.is_staff:
        if write:
            check_areas(who, "posting", posting.area)
        return
    if who.role == "enterprise" and who.enterprise_id == posting.enterprise_id:
        return
    if who.role == "trainee":
        if not write and posting.status == "open":
            return
        raise _deny("学员只能查看招聘中的岗位：该岗位已招满或已关闭" if not write else
                    "学员不能修改岗位", "trainees may read open postings only: this one is "
                    "filled or closed" if not write else "trainees cannot change postings")
    raise _deny("只能查看或修改本企业发布的岗位", "you may only read or change your own postings")


def check_posting_create(who: Principal, values: dict[str, Any]) -> None:
    """May ``who`` create a posting of ``values``? Staff (in their areas) and enterprises
    (the caller makes it their own)."""
    check_role(who, "admin", "counselor", "enterprise")
    check_areas(who, "posting", values.get("area"))


def check_posting_update(who: Principal, posting: Posting, fields: dict[str, Any]) -> None:
    """May ``who`` set ``fields`` (name → new value) of ``posting`` (or close it)?"""
    check_posting(who, posting, write=True)
    check_areas(who, "posting", fields.get("area"))


def check_course_write(who: Principal, *areas: str | None) -> None:
    """May ``who`` create or change a course of ``areas`` (its area, and for a change of
    area the new one too)? Staff only; a counselor limited to areas only in those."""
    check_role(who, "admin", "counselor")
    check_areas(who, "course", *areas)


def check_trainee(who: Principal, trainee: Trainee, *, write: bool = False) -> None:
    """May ``who`` read (or, ``write``, change or delete) ``trainee``?

    Staff: a 403 for a counselor outside the trainee's areas. An enterprise or another
    trainee gets the 404 of a trainee that does not exist (a 403 would tell which
    trainee ids exist): to them, the record is not there.
    """
    if who.role == "admin":
        return
    if who.role == "counselor" and _in_area(who, trainee.area):
        return
    if who.role == "trainee" and who.trainee_id == trainee.id:
        return
    if who.role == "counselor":
        raise _deny("该学员不在您负责的区域", "this trainee is outside your areas")
    raise not_found("学员", "trainee", trainee.id)


#: What a trainee may change about themself (see the module docstring).
TRAINEE_SELF_FIELDS = frozenset({"preferred_areas", "expected_wage", "consent_recommend",
                                 "consent_share_contact", "contact"})


def _trainee_label(field: str) -> str:
    """The Chinese name of a trainee's field: its import column's header."""
    return field_label(field, "trainees")


def check_trainee_update(who: Principal, trainee: Trainee, fields: dict[str, Any]) -> None:
    """May ``who`` set ``fields`` (name → new value) of ``trainee``?"""
    check_trainee(who, trainee, write=True)
    if who.role == "trainee":
        extra = sorted(set(fields) - TRAINEE_SELF_FIELDS)
        if extra:
            labels = "、".join(_trainee_label(f) for f in extra)
            raise _deny(f"学员本人不能修改：{labels}（请联系就业指导员）",
                        f"trainees cannot change {', '.join(extra)} themselves: ask a "
                        "counselor")
    area = fields.get("area")
    if who.role == "counselor" and who.areas is not None and area is not None \
            and area not in who.areas:
        raise _deny(f"不能把学员转到您负责的区域（{'、'.join(who.areas)}）以外：{area}",
                    f"you cannot move a trainee to {area}, outside your areas "
                    f"({', '.join(who.areas)})")


def check_shortlist(who: Principal, posting: Posting) -> None:
    if who.is_staff:
        return
    if who.role == "enterprise" and who.enterprise_id == posting.enterprise_id:
        return
    raise _deny("只能查看本企业岗位的推荐名单",
                "you may only read the shortlists of your own postings")


def check_suggestions(who: Principal, trainee: Trainee) -> None:
    check_trainee(who, trainee)


def check_interaction(who: Principal, posting: Posting, trainee: Trainee, kind: str) -> None:
    """Staff log anything; an enterprise logs its postings' steps; a trainee their own."""
    if who.role == "admin" or (who.role == "counselor" and _in_area(who, trainee.area)):
        return
    if who.role == "enterprise" and who.enterprise_id == posting.enterprise_id \
            and kind not in ("recommended", "withdrawn"):
        return
    if who.role == "trainee" and who.trainee_id == trainee.id \
            and kind in ("viewed", "withdrawn"):
        return
    raise _deny("无权记录此求职进展", "you may not record this step for this posting and trainee")


#: The same answer whether or not the trainee exists (nor says which it is).
_NOT_SHOWN = ("本岗位的推荐名单中没有这名学员：企业只能为推荐给本岗位的学员登记求职进展或录用；"
              "如确有其事，请联系就业指导员登记",
              "no such trainee on this posting's shortlists: an enterprise records steps and "
              "hires only of trainees recommended for the posting; if it did happen, ask "
              "the job counselor to record it")


def check_outcome(who: Principal, posting: Posting, trainee_id: str, trainee: Trainee | None,
                  kind: str, shown: Callable[[], bool]) -> Trainee:
    """May ``who`` record step ``kind`` (``hired``: the hire) of ``trainee_id``
    (``trainee``: its row, None if there is none) for ``posting``? Returns the trainee.

    ``shown()``: whether a ``recommended`` interaction of the pair is logged (asked only
    of an enterprise; the caller flushes the log writer first). An enterprise gets the
    same 404 for a trainee it was not shown as for one that does not exist.
    """
    if who.role == "enterprise" and kind in ("recommended", "withdrawn"):
        # not an enterprise's to log, said before looking the trainee up (a 403 for an
        # existing id and a 404 for another would tell which ids exist)
        raise _deny("企业不能登记此类进展（推荐由系统记录，撤回由学员本人登记）",
                    "an enterprise cannot record this step (recommendations are logged by "
                    "the service, withdrawals by the trainee)")
    if who.role == "enterprise":
        if who.enterprise_id != posting.enterprise_id:
            raise _deny("只能为本企业发布的岗位登记求职进展或录用",
                        "you may only record steps and hires for your own postings")
        if trainee is None or trainee.deleted_at is not None or not shown():
            raise NotFoundError(*_NOT_SHOWN)
    elif trainee is None or trainee.deleted_at is not None \
            or (who.role == "trainee" and who.trainee_id != trainee_id):
        # another trainee's record is not there for a trainee (see check_trainee)
        raise not_found("学员", "trainee", trainee_id)
    check_interaction(who, posting, trainee, kind)
    return trainee


def can_see_contact(who: Principal, trainee: Trainee) -> bool:
    if trainee.deleted_at is not None:
        return False
    if who.role == "admin" or (who.role == "counselor" and _in_area(who, trainee.area)):
        return True
    if who.role == "trainee":
        return who.trainee_id == trainee.id
    return who.role == "enterprise" and trainee.consent_share_contact


def shortlist_areas(who: Principal) -> tuple[str, ...] | None:
    """The trainee areas a shortlist may show to this user (None: every area)."""
    return who.areas if who.role == "counselor" else None


def scope_enterprises(who: Principal, query: Select[Any]) -> Select[Any]:
    if who.role == "enterprise":
        return query.where(Enterprise.id == who.enterprise_id)
    return query


def scope_postings(who: Principal, query: Select[Any]) -> Select[Any]:
    if who.role == "enterprise":
        return query.where(Posting.enterprise_id == who.enterprise_id)
    if who.role == "trainee":
        return query.where(Posting.status == "open")
    return query


def scope_courses(who: Principal, query: Select[Any]) -> Select[Any]:
    if who.role == "enterprise":
        return query.where(Course.order_enterprise_id == who.enterprise_id)
    return query


def scope_outcomes(who: Principal, query: Select[Any], posting_id: Any, trainee_id: Any
                   ) -> Select[Any]:
    """Interactions or placements a user may list: an enterprise those of its own
    postings, a trainee their own, an area-limited counselor those of their areas'
    trainees. ``posting_id`` and ``trainee_id`` are the record's id columns."""
    if who.role == "enterprise":
        return query.join(Posting, Posting.id == posting_id).where(
            Posting.enterprise_id == who.enterprise_id)
    if who.role == "trainee":
        return query.where(trainee_id == who.trainee_id)
    if who.role == "counselor" and who.areas is not None:
        return query.join(Trainee, Trainee.id == trainee_id).where(Trainee.area.in_(who.areas))
    return query


def scope_trainees(who: Principal, query: Select[Any]) -> Select[Any]:
    query = query.where(Trainee.deleted_at.is_(None))
    if who.role == "admin":
        return query
    if who.role == "counselor":
        return query if who.areas is None else query.where(Trainee.area.in_(who.areas))
    if who.role == "trainee":
        return query.where(Trainee.id == who.trainee_id)
    raise _deny("企业账号不能浏览学员名单，请通过岗位推荐名单查看",
                "enterprise accounts cannot list trainees: use a posting's shortlist")
