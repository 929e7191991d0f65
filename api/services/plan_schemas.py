"""Request and response bodies of allocation plans (``POST /plans``).

A plan request names the postings and trainees of, e.g., a job fair; the response
gives each posting's list (shortlists of bounded length, or one-job assignments) with
every pair's score, contributions, reasons and gaps, the method that chose the pairs
and its objective, the trainees left without any list, and the places left empty. A
``per_trainee`` given in the request is a hard limit, the top-up included; by default
the allocation spreads the places evenly and the top-up fills lists past that spread.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.schemas import CandidateSummary, Id
from matcher.allocation import CONGESTION_PENALTY

__all__ = ["MAX_LENGTH", "MAX_POSTINGS", "MAX_TRAINEES", "PlanComparison", "PlanItem",
           "PlanPosting", "PlanPublic", "PlanRequest", "PlanSummary", "UnlistedTrainee"]

#: Postings per plan: a job fair, not the whole market (that is a batch job).
MAX_POSTINGS = 300
#: Trainees per plan.
MAX_TRAINEES = 5000
#: The longest list a posting may get.
MAX_LENGTH = 50


class PlanRequest(BaseModel):
    """The postings and trainees to plan for, and the shape of the plan. Strict: a
    length of ``true`` or a fill of ``"no"`` is refused, not read as 1 or false."""

    model_config = ConfigDict(extra="forbid", strict=True)

    posting_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_POSTINGS)]
    trainee_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_TRAINEES)]
    mode: Literal["shortlists", "assignment"] = Field(
        "shortlists", description="shortlists: bounded lists per posting, spread over the "
        "trainees (each on at most per_trainee lists, when given); assignment: at most "
        "the remaining headcount per posting and one job per trainee")
    length: Annotated[int | None, Field(ge=1, le=MAX_LENGTH, description=(
        "list length per posting (shortlists); default 3 × the remaining headcount, "
        f"at most {MAX_LENGTH}"))] = None
    per_trainee: Annotated[int | None, Field(ge=1, le=MAX_LENGTH, description=(
        "lists per trainee at most (shortlists), a hard limit that fill keeps too, so "
        "lists may stay short (see summary.places_empty_at_limit). Default: no hard "
        "limit; the allocation puts each trainee on at most the list places spread "
        "evenly over the trainees who are anyone's candidate, rounded up (the "
        "response's spread), and fill tops lists up past it, each candidate's score "
        "down-weighted by the lists they are on already. In simulation the default "
        "placed more trainees: short lists are fewer chances"))] = None
    fill: bool = Field(True, description="top short lists up by a congestion-aware "
                       "re-ranking (shortlists): score / (1 + "
                       f"{CONGESTION_PENALTY} × the lists a candidate is on already), and "
                       "with per_trainee only candidates "
                       "still under it")
    level_tolerance: Annotated[int, Field(ge=0, le=7)] = 0
    require_area: bool = True

    @model_validator(mode="after")
    def _shortlist_options(self) -> PlanRequest:
        if self.mode == "assignment" and (self.length is not None
                                          or self.per_trainee is not None):
            raise ValueError("名单长度（length）和每人名单数上限（per_trainee）只用于推荐名单"
                             "（shortlists）：一人一岗分配按各岗位待招人数、每名学员一个岗位 / "
                             "length and per_trainee apply to mode 'shortlists' only: an "
                             "assignment gives each posting its remaining headcount and "
                             "each trainee one job")
        return self


class PlanItem(BaseModel):
    rank: int
    trainee_id: str
    score: float
    contributions: dict[str, float]
    reasons: list[str]
    gaps: list[str]
    #: The trainee's rank on the posting's independent list (among the plan's trainees).
    independent_rank: int
    trainee: CandidateSummary
    #: Has the trainee agreed that enterprises get the contact? (A plan is staff's; a
    #: sheet handed to an enterprise should carry only these contacts.)
    shares_contact: bool


class PlanPosting(BaseModel):
    posting_id: str
    title: str
    enterprise_id: str
    area: str
    closes: dt.date
    #: Closed by date before today, though still open: worth checking before a fair.
    past_closing: bool
    headcount: int
    remaining: int
    capacity: int
    candidates: int
    items: list[PlanItem]
    short_reason: str | None = Field(default=None, description=(
        "why the list holds fewer names than capacity: no_candidate, ended (its "
        "matching trainees' pairs all ended), few_candidates "
        "(every candidate is listed), at_limit (the others are at per_trainee), "
        "not_filled (fill: false); null when full"))
    short_reason_label: str | None = None


class UnlistedTrainee(BaseModel):
    trainee_id: str
    masked_name: str
    area: str
    reason: str
    reason_label: str


class PlanComparison(BaseModel):
    """Independent top-k lists of the same lengths, for comparison."""

    objective: float
    trainees_listed: int
    trainees_unlisted: int = Field(description="the request's trainees on no list, "
                                   "counted as summary.trainees_unlisted is")


class PlanSummary(BaseModel):
    postings: int
    trainees: int
    eligible_trainees: int
    candidate_pairs: int
    pairs_chosen: int
    trainees_listed: int
    trainees_unlisted: int
    places: int = Field(description="places on all lists: the postings' capacities summed")
    places_empty: int = Field(description="places left empty: places − pairs_chosen")
    places_empty_at_limit: int = Field(description=(
        "of the empty places, those a candidate of the posting could have taken but for "
        "the per_trainee limit (every such candidate is on per_trainee lists already); "
        "the others lack candidates (or were left by fill: false); 0 without a limit"))
    postings_past_closing: int = Field(description="postings whose closing date has "
                                       "passed though they are still open")
    pairs_topped_up: int = Field(description="pairs added by fill's top-up (within "
                                 "per_trainee when given); 0 when the allocation left no "
                                 "room")


class PlanPublic(BaseModel):
    mode: str
    mode_label: str
    method: str
    method_label: str
    objective: float = Field(description="summed hire probability (score / 100) of the "
                             "chosen pairs: the expected placements")
    bound: float | None
    gap: float | None = Field(description="(bound − objective) / bound; 0 when exact, "
                              "null where the method has no bound")
    per_trainee: int | None = Field(description="the hard limit of lists per trainee "
                                    "(the request's, also kept by the top-up; 1 for an "
                                    "assignment); null when none was given")
    spread: int = Field(description="lists per trainee at most in the allocation before "
                        "the top-up: per_trainee when given, else the even spread")
    most_lists: int = Field(description="the most lists any trainee is on in this plan")
    scorer: str
    summary: PlanSummary
    independent_topk: PlanComparison | None
    postings: list[PlanPosting]
    unlisted: list[UnlistedTrainee]
