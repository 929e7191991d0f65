"""Reasons and gaps in Chinese, for a counselor, an enterprise or a trainee to read.

:func:`explain_pair` renders one scored pair as reasons ("持焊工四级/中级工证书，高于岗位
要求的初级工", "距岗位约 26 公里") and gaps ("缺少：氩弧焊", "等级低于要求 1 级"). It
reads only the features, the profiles and the taxonomy: every sentence states a fact
the score used.
"""

from __future__ import annotations

import math

import numpy as np

from matcher.features import FeatureTable
from matcher.levels import format_level
from matcher.profiles import PostingProfiles, TraineeProfiles
from matcher.taxonomy import Taxonomy

__all__ = ["explain_pair"]


def _held(taxonomy: Taxonomy, code: str, rank: int, certified: bool) -> str:
    """What the trainee has: a certificate, or only the course that trained the trade."""
    name = taxonomy[code].name
    if not certified:  # a course's target level is no certificate held
        return f"参加{name}{format_level(rank) if rank >= 0 else ''}培训"
    return f"持{name}{format_level(rank)}证书" if rank >= 0 else f"持{name}证书或培训"


def explain_pair(features: FeatureTable, i: int, postings: PostingProfiles,
                 trainees: TraineeProfiles, taxonomy: Taxonomy
                 ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Reasons and gaps of pair ``i`` of ``features``.

    Examples
    --------
    See :meth:`matcher.matching.Matcher.shortlist`, whose recommendations carry them.
    """
    ctx = postings.context
    p, t = int(features.posting[i]), int(features.trainee[i])
    reading = int(trainees.reading[t])
    value = dict(zip(("occupation", "level", "skills", "permits", "preferred", "distance",
                      "area", "wage", "order", "recency", "industry"),
                     features.values[i].tolist(), strict=True))
    reasons: list[str] = []
    gaps: list[str] = []
    slot = int(features.slot[i])
    occ_index = int(trainees.occupation[reading, slot])
    post_index = int(postings.occupation[p])
    if occ_index >= 0:
        code = ctx.occupations.items[occ_index]
        rank = int(trainees.level[reading, slot])
        certified = bool(trainees.certified[reading, slot])
        held = _held(taxonomy, code, rank, certified)
        if post_index >= 0:
            post_code = ctx.occupations.items[post_index]
            similarity = value["occupation"]
            if similarity >= 1:
                reasons.append(f"{held}，与岗位职业一致")
            elif similarity >= 0.5:
                group = taxonomy[post_code].parent or post_code
                same = code.rsplit("-", 1)[0] == post_code.rsplit("-", 1)[0]
                reasons.append(f"{held}，与岗位职业（{taxonomy[post_code].name}）"
                               + (f"同属{taxonomy[group].name}" if same else "技能相通"))
            elif similarity > 0:
                middle = "-".join(post_code.split("-")[:2])
                reasons.append(f"{held}，与岗位职业同属{taxonomy[middle].name}大类方向")
            else:
                gaps.append(f"{'所持' if certified else '所学'}{taxonomy[code].name}与岗位职业"
                            f"（{taxonomy[post_code].name}）不同")
    minimum = int(postings.min_level[p])
    gap = float(features.level_gap[i])
    if minimum >= 0:
        required = format_level(minimum, style="name")
        if math.isnan(gap):
            gaps.append(f"等级未知，岗位要求{required}")
        elif gap > 0:
            reasons.append(f"等级高于岗位要求的{required}")
        elif gap == 0:
            reasons.append(f"等级符合岗位要求（{required}）")
        else:
            gaps.append(f"等级低于要求 {int(-gap)} 级（要求{required}）")
    have_skills = trainees.skill_sets[reading]
    have_permits = trainees.permit_sets[reading]
    for wanted, have, label in ((postings.skills[p], have_skills, "技能"),
                                (postings.permits[p], have_permits, "证书")):
        names = ctx.skills.items if label == "技能" else ctx.permits.items
        met = sorted(names[s] for s in wanted & have)
        missing = sorted(names[s] for s in wanted - have)
        if met:
            reasons.append(f"具备{label}：{'、'.join(met)}")
        if missing:
            gaps.append(f"缺少{label}：{'、'.join(missing)}")
    preferred = sorted(ctx.skills.items[s] for s in postings.preferred_skills[p] & have_skills)
    preferred += sorted(ctx.permits.items[s]
                        for s in postings.preferred_permits[p] & have_permits)
    if preferred:
        reasons.append(f"具备优先条件：{'、'.join(preferred)}")
    km = float(features.km[i])
    if postings.area[p] >= 0 and trainees.area[t] >= 0:
        if postings.area[p] == trainees.area[t]:
            reasons.append(f"同在{ctx.areas.items[postings.area[p]]}")
        else:
            reasons.append(f"距岗位约 {km:.0f} 公里")
    if not value["area"] and postings.area[p] >= 0:
        gaps.append(f"未将{ctx.areas.items[postings.area[p]]}列为意向地区")
    expected = float(trainees.wage[t])
    top = float(postings.wage_max[p])
    if not np.isnan(expected) and not np.isnan(top):
        if expected <= top:
            reasons.append(f"期望月薪 {expected:,.0f} 元，在岗位薪资范围内")
        else:
            gaps.append(f"期望月薪 {expected:,.0f} 元，高于岗位上限 {top:,.0f} 元")
    if value["order"]:
        reasons.append("本企业订单班学员")
    if value["industry"] and postings.industry[p] >= 0:
        reasons.append(f"所学职业属于{ctx.industries.items[postings.industry[p]]}产业")
    return tuple(reasons), tuple(gaps)
