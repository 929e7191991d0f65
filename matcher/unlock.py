"""What would unlock more jobs for a trainee: a level, a skill, a permit, an area.

:func:`what_unlocks` looks at the open postings near a trainee's trade that the
trainee does not fully qualify for and counts, for each single change — the next
certificate level, the missing skills or permits of a posting, one more area — how many
postings it would open or complete. A skill counts only for the postings it completes:
a posting asking for 制粒 and 配料混合, neither held, counts for "制粒、配料混合" together,
never for either one alone. So with skills and permits: a posting missing the skill
制粒 and the permit 叉车 counts once, for both together (kind ``skill_permit``). A
counselor uses it to advise on the next course; a trainee sees
"考取焊工三级/高级工证书，可多匹配 12 个岗位".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from matcher.levels import format_level
from matcher.matching import Matcher

__all__ = ["Unlock", "what_unlocks"]


@dataclass(frozen=True)
class Unlock:
    """One change and the postings it would open (or whose requirements it would meet)."""

    kind: str  #: ``level``, ``skill``, ``permit``, ``skill_permit`` or ``area``
    target: str  #: the level label, skill(s), permit(s), both ("制粒、叉车") or area
    postings: int
    advice: str  #: in Chinese, for the trainee
    examples: tuple[str, ...]  #: a few posting ids


def what_unlocks(matcher: Matcher, trainee_id: str, *, limit: int = 5) -> list[Unlock]:
    """The changes that would open the most postings for a trainee, most first.

    Examples
    --------
    >>> from matcher.sample import generate_market
    >>> market = generate_market(600, seed=5)
    >>> m = Matcher.from_tables(market["trainees"], market["postings"],
    ...                         enterprises=market["enterprises"], courses=market["courses"])
    >>> unlocks = what_unlocks(m, market["trainees"]["trainee_id"][0])
    >>> all(u.postings > 0 for u in unlocks)
    True
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit!r}")
    t = matcher._row(matcher.trainees, trainee_id, "trainee")
    postings, trainees = matcher.postings, matcher.trainees
    ctx = postings.context
    candidates = matcher._posting_candidates(t)
    p = candidates[postings.open[candidates] & postings.active[candidates]]
    if len(p) == 0:
        return []
    features = matcher.features.for_trainee(t, p)
    gap = features.level_gap
    area_ok = features.column("area") > 0
    level_ok = ~(gap < 0)
    examples: dict[tuple[str, str], list[str]] = {}
    counts: Counter[tuple[str, str]] = Counter()

    def note(kind: str, target: str, row: int) -> None:
        counts[kind, target] += 1
        examples.setdefault((kind, target), []).append(str(postings.ids[row]))

    reading = trainees.reading[t]
    slot_codes = trainees.occupation[reading]
    short: dict[str, list[tuple[int, int]]] = {}
    for i, row in enumerate(features.posting.tolist()):
        held = int(slot_codes[int(features.slot[i])])
        # A level of an occupation the taxonomy does not hold (a course's unknown code)
        # names no certificate to advise.
        if area_ok[i] and gap[i] < 0 and held >= 0:
            code = ctx.occupations.items[held]
            short.setdefault(code, []).append((int(postings.min_level[row]), row))
        if area_ok[i] and level_ok[i]:
            # One unlock per posting, for all it still asks for: a skill alone does not
            # open a posting that also wants a permit.
            skills = _together(ctx.skills.items[j]
                               for j in postings.skills[row] - trainees.skill_sets[reading])
            permits = _together(ctx.permits.items[j]
                                for j in postings.permits[row] - trainees.permit_sets[reading])
            if skills and permits:
                note("skill_permit", f"{skills}|{permits}", row)
            elif skills or permits:
                note("skill" if skills else "permit", skills or permits, row)
        if not area_ok[i] and level_ok[i] and postings.area[row] >= 0:
            note("area", ctx.areas.items[postings.area[row]], row)
    # A higher certificate opens every posting asking for it or less.
    for code, needs in short.items():
        for rank in sorted({r for r, _ in needs}):
            for needed, row in needs:
                if needed <= rank:
                    note("level", f"{code}|{rank}", row)
    out = []
    # Most postings first; ties in a fixed order, whatever the hash seed.
    for (kind, target), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        label = target
        if kind == "level":
            code, rank_text = target.split("|")
            name = matcher.taxonomy[code].name
            label = f"{name}{format_level(int(rank_text))}"
            advice = f"考取{label}证书，可多匹配 {n} 个岗位"
        elif kind == "skill":
            advice = f"掌握{target.replace('、', '和')}，可满足 {n} 个岗位的必备技能"
        elif kind == "permit":
            advice = f"取得{target.replace('、', '和')}证书，可满足 {n} 个岗位的证书要求"
        elif kind == "skill_permit":
            skills, permits = target.split("|")
            label = f"{skills}、{permits}"
            advice = (f"掌握{skills.replace('、', '和')}并取得{permits.replace('、', '和')}证书，"
                      f"可满足 {n} 个岗位的技能和证书要求")
        else:
            advice = f"若愿意到{target}工作，可多匹配 {n} 个岗位"
        out.append(Unlock(kind, label, n, advice, tuple(examples[kind, target][:3])))
    return out[:limit]


def _together(names: Iterable[str]) -> str:
    """The skills (or permits) a posting still asks for, as one target: "制粒、配料混合"."""
    return "、".join(sorted(names))
