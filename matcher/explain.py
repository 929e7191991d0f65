"""Reasons and gaps in Chinese, for a counselor, an enterprise or a trainee to read.

:func:`explain_pair` renders one scored pair as reasons ("持焊工四级/中级工证书，高于岗位
要求的初级工", "距岗位约 26 公里") and gaps ("缺少：氩弧焊", "等级低于要求 1 级"). It
reads only the features, the profiles and the taxonomy: every sentence states a fact
the score used.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np

from matcher.features import FEATURES, FeatureTable
from matcher.levels import format_level
from matcher.profiles import PostingProfiles, TraineeProfiles
from matcher.taxonomy import Taxonomy

__all__ = ["explain_pair", "explain_pairs"]


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
    return explain_pairs(features, np.array([i]), postings, trainees, taxonomy)[0]


def explain_pairs(features: FeatureTable, index: np.ndarray, postings: PostingProfiles,
                  trainees: TraineeProfiles, taxonomy: Taxonomy
                  ) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Reasons and gaps of the pairs at positions ``index`` of ``features``.

    The columns of all pairs are read at once; what depends only on the posting (its
    occupation, required skills, area) is worked out once per posting.

    Examples
    --------
    See :meth:`matcher.matching.Matcher.shortlist`, whose recommendations carry them.
    """
    index = np.asarray(index, dtype=np.int64)
    p_rows, t_rows = features.posting[index], features.trainee[index]
    readings = trainees.reading[t_rows]
    slots = features.slot[index]
    values = features.values[index]
    columns = zip(
        p_rows.tolist(), readings.tolist(), values[:, FEATURES.index("occupation")].tolist(),
        trainees.occupation[readings, slots].tolist(), trainees.level[readings, slots].tolist(),
        trainees.certified[readings, slots].tolist(), features.level_gap[index].tolist(),
        features.km[index].tolist(), trainees.area[t_rows].tolist(),
        values[:, FEATURES.index("area")].tolist(), trainees.wage[t_rows].tolist(),
        values[:, FEATURES.index("order")].tolist(),
        values[:, FEATURES.index("industry")].tolist(), strict=True)
    sides: dict[int, _Posting] = {}
    held_text: dict[tuple[int, int, bool], str] = {}
    out = []
    for (p, reading, similarity, occ_index, rank, certified, gap, km, area, willing,
         expected, order, industry) in columns:
        side = sides.get(p)
        if side is None:
            side = sides[p] = _Posting(postings, p, taxonomy)
        ctx = side.ctx
        reasons: list[str] = []
        gaps: list[str] = []
        if occ_index >= 0:
            code = ctx.occupations.items[occ_index]
            held = held_text.get((occ_index, rank, certified))
            if held is None:
                held = held_text[occ_index, rank, certified] = _held(taxonomy, code, rank,
                                                                     certified)
            if side.code is not None:
                if similarity >= 1:
                    reasons.append(f"{held}，与岗位职业一致")
                elif similarity >= 0.5:
                    same = code.rsplit("-", 1)[0] == side.code.rsplit("-", 1)[0]
                    reasons.append(f"{held}，与岗位职业（{side.name}）"
                                   + (f"同属{side.group}" if same else "技能相通"))
                elif similarity > 0:
                    reasons.append(f"{held}，与岗位职业同属{side.middle}大类方向")
                else:
                    gaps.append(f"{'所持' if certified else '所学'}{taxonomy[code].name}"
                                f"与岗位职业（{side.name}）不同")
        if side.required is not None:
            if math.isnan(gap):
                gaps.append(f"等级未知，岗位要求{side.required}")
            elif gap > 0:
                reasons.append(f"等级高于岗位要求的{side.required}")
            elif gap == 0:
                reasons.append(f"等级符合岗位要求（{side.required}）")
            else:
                gaps.append(f"等级低于要求 {int(-gap)} 级（要求{side.required}）")
        have_skills = trainees.skill_sets[reading]
        have_permits = trainees.permit_sets[reading]
        for wanted, have, label, names in (
                (side.skills, have_skills, "技能", ctx.skills.items),
                (side.permits, have_permits, "证书", ctx.permits.items)):
            if wanted:
                met = sorted(names[s] for s in wanted & have)
                missing = sorted(names[s] for s in wanted - have)
                if met:
                    reasons.append(f"具备{label}：{'、'.join(met)}")
                if missing:
                    gaps.append(f"缺少{label}：{'、'.join(missing)}")
        if side.preferred_skills or side.preferred_permits:
            preferred = sorted(ctx.skills.items[s]
                               for s in side.preferred_skills & have_skills)
            preferred += sorted(ctx.permits.items[s]
                                for s in side.preferred_permits & have_permits)
            if preferred:
                reasons.append(f"具备优先条件：{'、'.join(preferred)}")
        if side.area is not None and area >= 0:
            if side.area_index == area:
                reasons.append(f"同在{side.area}")
            else:
                reasons.append(f"距岗位约 {km:.0f} 公里")
        if not willing and side.area is not None:
            gaps.append(f"未将{side.area}列为意向地区")
        if not math.isnan(expected) and not math.isnan(side.top):
            if expected > side.top:
                gaps.append(f"期望月薪 {expected:,.0f} 元，高于岗位上限 {side.top:,.0f} 元")
            elif expected < side.bottom:  # NaN (no minimum written) compares False
                reasons.append(f"期望月薪 {expected:,.0f} 元，岗位薪资高于期望"
                               f"（下限 {side.bottom:,.0f} 元）")
            else:
                reasons.append(f"期望月薪 {expected:,.0f} 元，在岗位薪资范围内")
        if order:
            reasons.append("本企业订单班学员")
        if industry and side.industry is not None:
            reasons.append(f"所学职业属于{side.industry}产业")
        out.append((tuple(reasons), tuple(gaps)))
    return out


class _Posting:
    """What the reasons say about one posting, worked out once."""

    def __init__(self, postings: PostingProfiles, p: int, taxonomy: Taxonomy) -> None:
        ctx = self.ctx = postings.context
        post_index = int(postings.occupation[p])
        self.taxonomy = taxonomy
        self.code: str | None = None
        self.name = ""
        if post_index >= 0:
            self.code = ctx.occupations.items[post_index]
            self.name = taxonomy[self.code].name
        minimum = int(postings.min_level[p])
        self.required = format_level(minimum, style="name") if minimum >= 0 else None
        self.skills, self.permits = postings.skills[p], postings.permits[p]
        self.preferred_skills = postings.preferred_skills[p]
        self.preferred_permits = postings.preferred_permits[p]
        self.area_index = int(postings.area[p])
        self.area = ctx.areas.items[self.area_index] if self.area_index >= 0 else None
        self.bottom = float(postings.wage_min[p])
        self.top = float(postings.wage_max[p])
        industry = int(postings.industry[p])
        self.industry = ctx.industries.items[industry] if industry >= 0 else None

    @cached_property
    def group(self) -> str:
        """Name of the posting occupation's 小类."""
        code = str(self.code)
        return self.taxonomy[self.taxonomy[code].parent or code].name

    @cached_property
    def middle(self) -> str:
        """Name of the posting occupation's 中类."""
        return self.taxonomy["-".join(str(self.code).split("-")[:2])].name
