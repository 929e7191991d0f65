"""What a posting asks for and what a trainee holds, read from their raw text.

:func:`read_posting` turns a posting's title, requirement text and written minimum
level into a :class:`PostingReading`: the occupation, the minimum level, required and
preferred skills and permits ("会氩弧焊优先" is preferred), and the clauses that named
nothing the taxonomy knows. :func:`read_trainee` turns a trainee's certificates as
written, other skills and trained occupation into a :class:`TraineeReading`. Both are
what a counselor or an enterprise is shown back ("what each requirement was read as"),
and what :mod:`matcher.profiles` indexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matcher.levels import parse_level
from matcher.normalize import Match, Normalizer
from matcher.text import clean

__all__ = ["PostingReading", "TraineeReading", "read_posting", "read_trainee"]

_CLAUSES = re.compile(r"[,;|/]")
_PREFERRED = re.compile(r"优先|加分|更佳|为佳|最好|preferred|a plus")
# A clause that states nothing checkable: "3年以上相关工作经验", "等级不限".
_IGNORABLE = re.compile(r"^[\d年以上下内个月经验工作相关及]+$|不限|无要求")


@dataclass(frozen=True, slots=True)
class PostingReading:
    """What a posting was read as.

    Attributes
    ----------
    occupation : the occupation the title (or else the requirements) names, if any
    min_level : the minimum rank 0–7 (from the written minimum, the title or the text)
    skills, permits : required skill and permit labels
    preferred_skills, preferred_permits : the ones marked 优先 (preferred)
    occupations : every occupation named in the requirements, e.g. a certificate
    not_understood : requirement clauses that named nothing known, for a person to check
    """

    occupation: Match | None
    min_level: int | None
    skills: frozenset[str]
    permits: frozenset[str]
    preferred_skills: frozenset[str]
    preferred_permits: frozenset[str]
    occupations: tuple[str, ...]
    not_understood: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TraineeReading:
    """What a trainee holds: certified occupations with levels, skills and permits.

    ``certificates`` holds ``(code, rank or None)`` pairs, strongest first; the trained
    occupation (from the course) comes last when no certificate names it.
    """

    certificates: tuple[tuple[str, int | None], ...]
    skills: frozenset[str]
    permits: frozenset[str]


def read_posting(norm: Normalizer, title: object, requirements: object = "",
                 min_level: object = None) -> PostingReading:
    """Read a posting's title, requirement text and written minimum level.

    Examples
    --------
    >>> r = read_posting(Normalizer.default(), "急招电焊工3名 包吃住",
    ...                  "持焊工证，中级以上，会氩弧焊优先")
    >>> r.occupation.code, r.min_level, sorted(r.preferred_skills)
    ('6-18-02-04', 2, ['氩弧焊'])
    """
    title_text = title if isinstance(title, str) else ""
    text = requirements if isinstance(requirements, str) else ""
    occupation = norm.normalize(title_text) if title_text else None
    level = parse_level(min_level) if isinstance(min_level, str | int) else None
    if level is None and occupation is not None:
        level = occupation.level
    skills: set[str] = set()
    permits: set[str] = set()
    preferred_skills: set[str] = set()
    preferred_permits: set[str] = set()
    occupations: list[str] = []
    not_understood: list[str] = []
    for clause in _CLAUSES.split(clean(text)):
        clause = clause.strip()
        if not clause:
            continue
        found = norm.extract(clause)
        clause_level = parse_level(clause)
        if level is None and clause_level is not None:
            level = clause_level
        if not found:
            ignorable = clause_level is not None or _IGNORABLE.search(clause)
            if not ignorable and _has_content(norm, clause):
                not_understood.append(clause)
            continue
        preferred = bool(_PREFERRED.search(clause))
        for m in found:
            if m.kind == "skill" and m.skill:
                (preferred_skills if preferred else skills).add(m.skill)
            elif m.kind == "permit" and m.permit:
                (preferred_permits if preferred else permits).add(m.permit)
            elif m.code not in occupations:
                occupations.append(m.code)
    if occupation is None and occupations:
        # No title the taxonomy knows: the first certificate the text asks for names it.
        occupation = norm.normalize(norm.taxonomy[occupations[0]].name)
    return PostingReading(
        occupation=occupation,
        min_level=level,
        skills=frozenset(skills),
        permits=frozenset(permits),
        preferred_skills=frozenset(preferred_skills - skills),
        preferred_permits=frozenset(preferred_permits - permits),
        occupations=tuple(occupations),
        not_understood=tuple(not_understood),
    )


def read_trainee(norm: Normalizer, certificates: object, skills: object = "",
                 trained: str | None = None, trained_level: int | None = None
                 ) -> TraineeReading:
    """Read a trainee's certificates as written, other skills and trained occupation.

    Parameters
    ----------
    certificates, skills : str
        As written ("焊工 四级/中级工；低压电工证", "会氩弧焊").
    trained, trained_level : optional
        The occupation code and target level of the course the trainee graduated.

    Examples
    --------
    >>> r = read_trainee(Normalizer.default(), "焊工 四级/中级工；低压电工证", "会氩弧焊")
    >>> r.certificates, sorted(r.skills), sorted(r.permits)
    ((('6-18-02-04', 2),), ['氩弧焊'], ['低压电工作业'])
    """
    return combine_trainee(read_trainee_text(norm, certificates, certificates=True),
                           read_trainee_text(norm, skills, certificates=False),
                           trained, trained_level)


def read_trainee_text(norm: Normalizer, text: object, *, certificates: bool
                      ) -> TraineeReading:
    """What one of a trainee's texts names: the certificates column or the skills column.

    Building profiles reads each distinct text once and combines the parts with
    :func:`combine_trainee`, since a roster repeats the same texts in many
    combinations. An occupation named among skills ("会电焊") is experience, not a
    certificate: it reads as a skill.
    """
    held: dict[str, int | None] = {}
    skill_set: set[str] = set()
    permit_set: set[str] = set()
    if isinstance(text, str) and text.strip():
        for m in norm.extract(text):
            if m.kind == "permit" and m.permit:
                permit_set.add(m.permit)
                continue
            if m.kind == "skill" and m.skill:
                skill_set.add(m.skill)
            if certificates:
                # A certificate written by its trade ("电焊 三级") certifies the occupation.
                held[m.code] = _stronger(held.get(m.code), m.level, m.code in held)
            elif m.kind != "skill":
                skill_set.add(m.name)
    # Held certificates stay in the order the text named them: ties keep that order.
    return TraineeReading(tuple(held.items()), frozenset(skill_set), frozenset(permit_set))


def combine_trainee(certificates: TraineeReading, skills: TraineeReading,
                    trained: str | None = None, trained_level: int | None = None
                    ) -> TraineeReading:
    """Combine the readings of a trainee's two texts and trained occupation."""
    held = dict(certificates.certificates)
    if trained and trained not in held:
        held[trained] = trained_level
    order = sorted(held.items(), key=lambda kv: -(kv[1] if kv[1] is not None else -1))
    return TraineeReading(tuple(order), certificates.skills | skills.skills,
                          certificates.permits | skills.permits)


def _stronger(old: int | None, new: int | None, seen: bool) -> int | None:
    if not seen:
        return new
    if old is None or (new is not None and new > old):
        return new
    return old


def _has_content(norm: Normalizer, clause: str) -> bool:
    """Whether anything is left of a clause once recruitment boilerplate is removed."""
    return bool(norm.noise.segments(norm.noise.strip(clause)))
