"""What a posting asks for and what a trainee holds, read from their raw text.

:func:`read_posting` turns a posting's title, requirement text and written minimum
level into a :class:`PostingReading`: the occupation, the minimum level, required and
preferred skills and permits ("会氩弧焊优先", "会开叉车更好" are preferred), and the
clauses that named nothing the taxonomy knows. What a negation cancels ("无需叉车证",
"不要求证书") is no requirement, and a level named only in a preferred clause
("高级工优先") is no minimum. :func:`read_trainee` turns a trainee's certificates as
written, other skills and trained occupation into a :class:`TraineeReading`. Both are
what a counselor or an enterprise is shown back ("what each requirement was read as"),
and what :mod:`matcher.profiles` indexes. Both sides name a skill or permit by one
canonical label (:func:`canonical_label`), so that a requirement written "危险化学品特种作业"
is met by a trainee holding "危化品作业证".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from matcher.levels import find_level, parse_level
from matcher.normalize import Match, Normalizer
from matcher.text import clean

__all__ = ["PostingReading", "TraineeReading", "canonical_label", "read_posting",
           "read_trainee"]

_CLAUSES = re.compile(r"[,;|/]")
_PREFERRED = re.compile(r"优先|加分|更佳|更好|为佳|尤佳|最好|最佳|preferred|a plus")
# What follows one of these, up to the next thing asked for, is not required: "无需叉车证",
# "不要求证书"; at the end of a clause it cancels what precedes it ("叉车证不需要"). 免 but
# not 免费 ("免费培训" is a benefit, and says nothing of the rest). Not 不限: "经验不限"
# says the words before it are unrestricted, never what follows ("经验不限会电焊").
_NEGATION = re.compile(r"无需|无须|不需要?|不要求|不必|不用|(?<![避以难])免(?!费)")
# Words that ask for something again after a negation: "无需经验会电焊即可".
_AFFIRMATION = re.compile(r"会|能|懂|持|有|具备|熟悉|熟练|掌握|精通|需要?|要求|但|只要")
# A piece of a clause that names nothing itself ("最好", "持"): it leads into the next one.
_BARE = re.compile(rf"(?:{_AFFIRMATION.pattern}|{_PREFERRED.pattern}|\s)*")
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
        asked = _affirmed(clause)
        found = norm.extract(asked) if asked else ()
        clause_level = parse_level(asked) if asked else None
        preferred = bool(_PREFERRED.search(asked))
        # "有数控车工证（高级工）优先": a level wished for is no minimum; but in
        # "持焊工中级证有经验者优先" only the experience is wished for.
        if level is None and clause_level is not None and not _level_wished(asked):
            level = clause_level
        if not found:
            ignorable = clause_level is not None or _IGNORABLE.search(clause)
            if not ignorable and _has_content(norm, asked):
                not_understood.append(clause)
            continue
        for m in found:
            if m.kind == "skill" and m.skill:
                (preferred_skills if preferred else skills).add(
                    canonical_label(norm, "skill", m.skill))
            elif m.kind == "permit" and m.permit:
                (preferred_permits if preferred else permits).add(
                    canonical_label(norm, "permit", m.permit))
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
                permit_set.add(canonical_label(norm, "permit", m.permit))
                continue
            if m.kind == "skill" and m.skill:
                skill_set.add(canonical_label(norm, "skill", m.skill))
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


def canonical_label(norm: Normalizer, kind: str, label: str) -> str:
    """The one label that names a skill or permit however it is written.

    Labels of one kind are the same skill or permit when they differ only by a short
    form (危化品 for 危险化学品, 驾照 for 驾驶证), punctuation or the words around the name
    (作业, 操作, 特种作业, 安全作业, 证, 资格, and 司机 for a permit). The canonical one is
    the full name ending in 作业 (the 特种作业目录 form, without the 特种作业 qualifier
    where possible), else the shortest; short forms last. Labels the taxonomy does not
    hold are returned as they are.

    Examples
    --------
    >>> norm = Normalizer.default()
    >>> canonical_label(norm, "permit", "危化品作业"), canonical_label(norm, "permit", "叉车操作")
    ('危险化学品安全作业', '叉车')
    """
    if kind not in ("skill", "permit"):
        raise ValueError(f"kind must be 'skill' or 'permit', got {kind!r}")
    table = _CANONICAL.get(norm)
    if table is None:
        table = _CANONICAL[norm] = _canonical_tables(norm)
    return table[kind].get(label, label)


_CANONICAL: WeakKeyDictionary[Normalizer, dict[str, dict[str, str]]] = WeakKeyDictionary()
#: Short forms people write, and the full words they stand for.
_SHORT_FORMS = (("危化品", "危险化学品"), ("驾照", "驾驶证"))
_AFFIXES = {
    "permit": re.compile(r"^特种作业|(?:特种作业|安全作业|从业资格|资格|作业|操作|证|司机)+$"),
    "skill": re.compile(r"(?:作业|操作)+$"),
}


def _canonical_tables(norm: Normalizer) -> dict[str, dict[str, str]]:
    """Label → canonical label, for the skills and the permits of the taxonomy."""
    tables: dict[str, dict[str, str]] = {}
    for kind in ("skill", "permit"):
        groups: dict[str, set[str]] = {}
        for label in norm.taxonomy.labels:
            if label.kind == kind:
                groups.setdefault(_label_key(kind, label.text), set()).add(label.text)
        tables[kind] = {text: min(group, key=_canonical_order)
                        for group in groups.values() if len(group) > 1 for text in group}
    return tables


def _label_key(kind: str, text: str) -> str:
    """What is left of a label once its wording around the name is taken away."""
    key = re.sub(r"\W+", "", clean(text))
    for short, full in _SHORT_FORMS:
        key = key.replace(short, full)
    return _AFFIXES[kind].sub("", key) or key


def _canonical_order(text: str) -> tuple[bool, bool, bool, int, bool, str]:
    """Sort key of a group's labels: the canonical one comes first."""
    bare = re.sub(r"\W+", "", text)
    full = text.endswith("作业")
    short = any(form in text for form, _ in _SHORT_FORMS)
    return (short, not full, "特种作业" in text, -len(bare) if full else len(bare),
            bare != text, text)


def _affirmed(clause: str) -> str:
    """A clause without what its negations cancel: "会电焊无需叉车证" → "会电焊".

    A negation cancels the words after it up to the next word that asks for something
    ("无需经验会电焊即可" still asks for 电焊); a verb right after the negation is part of
    what it cancels ("不要求有叉车证"). A negation written after its object cancels the
    words before it, back to the start of the clause or the end of the previous part:
    one that ends the clause ("叉车证不需要"), and one followed by a word that asks for
    something, after words that do not ("叉车证不需要会电焊" still asks for 电焊, but
    "持焊工证不要求有叉车证" cancels the 叉车证). The parts left are joined as separate
    clauses.
    """
    parts: list[str] = []
    start = 0
    while (negation := _NEGATION.search(clause, start)) is not None:
        before = clause[start:negation.start()]
        end = negation.end()
        lead = _AFFIRMATION.match(clause, end)
        if not clause[end:].strip(" ,;.。"):
            start = len(clause)  # "叉车证不需要": nothing of the part is asked for
            continue
        if lead is not None and before.strip() and not _AFFIRMATION.match(before.strip()):
            start = end  # "叉车证不需要会电焊": what follows is asked for
            continue
        parts.append(before)
        if lead is not None:
            end = lead.end()
        again = _AFFIRMATION.search(clause, end + 1)
        start = again.start() if again is not None else len(clause)
    parts.append(clause[start:])
    return ",".join(p for p in parts if p.strip())


def _level_wished(asked: str) -> bool:
    """Whether the level a clause names is only wished for, not required.

    The clause is cut at its commas and before each word that asks for something; the
    level is wished for when the piece naming it is marked preferred ("高级工优先",
    "有数控车工证（高级工）优先", not "持焊工中级证有经验者优先"). A piece naming nothing
    but such words ("最好", "持") belongs to the next: "最好持有中级证" wishes for the level.

    Examples
    --------
    >>> _level_wished("持焊工中级证有经验者优先"), _level_wished("最好持有中级证")
    (False, True)
    """
    found = find_level(asked)
    if found is None:  # a level written as a bare grade ("3") names no place
        return bool(_PREFERRED.search(asked))
    at = found[1]
    part_start = asked.rfind(",", 0, at) + 1
    part_end = len(asked) if (comma := asked.find(",", at)) < 0 else comma
    cuts = [m.start() for m in _AFFIRMATION.finditer(asked, part_start + 1, part_end)]
    start = part_start
    for cut in (*cuts, part_end):
        if cut > at:
            return bool(_PREFERRED.search(asked, start, cut))
        if not _BARE.fullmatch(asked, start, cut):
            start = cut  # the piece named something: the next one starts afresh
    return bool(_PREFERRED.search(asked, start, part_end))


def _stronger(old: int | None, new: int | None, seen: bool) -> int | None:
    if not seen:
        return new
    if old is None or (new is not None and new > old):
        return new
    return old


def _has_content(norm: Normalizer, clause: str) -> bool:
    """Whether anything is left of a clause once recruitment boilerplate is removed."""
    return bool(norm.noise.segments(norm.noise.strip(clause)))
