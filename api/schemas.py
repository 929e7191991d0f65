"""Request and response bodies: one schema family per entity (Create, Update, Public,
the paged list), with the Chinese labels people read next to the codes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from matcher.areas import canonical_area
from matcher.personal_data import personal_numbers
from matcher.schema_tables import MASKED_NAME
from matcher.scoring import FEATURE_LABELS

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$", examples=["P0000001"])]
#: An area as stored: another name it goes by (达州, 市本级, 高新区 …) is stored as the
#: area's own name, so that filters, access by area and reports find it.
Area = Annotated[str, Field(min_length=1, max_length=50, examples=["宣汉县"]),
                 AfterValidator(canonical_area)]
Text = Annotated[str, Field(max_length=2000)]
Wage = Annotated[int, Field(ge=1000, le=100_000)]


def _no_personal_numbers(zh: str, en: str) -> AfterValidator:
    """A validator refusing ID and mobile numbers in a text; ``zh`` names what was found
    by ``{found}``."""
    def check(value: str) -> str:
        found = personal_numbers(value)
        if found:
            raise ValueError(f"{zh.format(found='、'.join(found))} / {en}")
        return value
    return AfterValidator(check)


def _masked(value: str) -> str:
    if not re.fullmatch(MASKED_NAME, value):
        raise ValueError("姓名须脱敏，如“张*”（一至两个汉字加星号）/ names must be masked, "
                         "e.g. 张*")
    return value


#: A trainee's text that enterprises read (skills, certificates): no personal numbers.
ShownText = Annotated[str, Field(max_length=2000), _no_personal_numbers(
    "请勿在此填写{found}（此栏会展示给企业）；联系电话请填在“联系电话”一栏",
    "no ID or mobile numbers here (this text is shown to enterprises); a phone number goes "
    "in contact")]
MaskedName = Annotated[str, Field(min_length=1, max_length=20, examples=["张*"]),
                       AfterValidator(_masked)]

POSTING_STATUS = {"open": "招聘中", "filled": "已招满", "closed": "已关闭"}
TRAINEE_STATUS = {"seeking": "求职中", "placed": "已就业", "withdrawn": "已退出"}
PROVIDER_KINDS = {"training_base": "公共实训基地", "master_studio": "技能大师工作室",
                  "enterprise_centre": "企业培训中心", "vocational_school": "职业院校"}
INTERACTION_LABELS = {"recommended": "已推荐", "viewed": "已查看", "shortlisted": "已入围",
                      "contacted": "已联系", "interviewed": "已面试", "hired": "已录用",
                      "rejected": "未录用", "withdrawn": "已撤回",
                      "hire_cancelled": "录用已撤销"}

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class Message(BaseModel):
    message_zh: str
    message_en: str


# -- auth ---------------------------------------------------------------------------------

class LoginRequest(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
    role_label: str


class UserPublic(BaseModel):
    id: int
    username: str
    role: str
    role_label: str
    enterprise_id: str | None
    trainee_id: str | None
    areas: list[str] | None


# -- enterprises --------------------------------------------------------------------------

class EnterpriseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    uscc: Annotated[str, Field(min_length=1, max_length=18)] | None = None
    industry: Annotated[str, Field(min_length=1, max_length=50)] | None = None
    area: Area | None = None
    key_enterprise: bool | None = None


class EnterpriseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id
    name: Annotated[str, Field(min_length=1, max_length=200)]
    uscc: Annotated[str, Field(min_length=1, max_length=18, examples=["91511722MA6XXXXXX0"])]
    industry: Annotated[str, Field(min_length=1, max_length=50, examples=["新材料"])]
    area: Area
    key_enterprise: bool = False


class EnterprisePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    uscc: str
    industry: str
    area: str
    key_enterprise: bool
    key_enterprise_label: str


EnterprisesPublic = Page[EnterprisePublic]


# -- postings -----------------------------------------------------------------------------

class PostingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    requirements: Text | None = None
    headcount: Annotated[int, Field(ge=1, le=10_000)] | None = None
    wage_min: Wage | None = None
    wage_max: Wage | None = None
    area: Area | None = None
    min_level: Annotated[str, Field(max_length=30)] | None = None
    opened: dt.date | None = None
    closes: dt.date | None = None
    status: Annotated[str, Field(pattern="^(open|filled|closed)$")] | None = None


class PostingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id | None = None
    enterprise_id: Id | None = Field(
        default=None, description="required for staff; an enterprise account posts for itself")
    title: Annotated[str, Field(min_length=1, max_length=200, examples=["急招电焊工3名"])]
    requirements: Text = Field(default="", examples=["持焊工证，中级以上，会氩弧焊优先"])
    headcount: Annotated[int, Field(ge=1, le=10_000)] = 1
    wage_min: Wage
    wage_max: Wage
    area: Area
    min_level: Annotated[str, Field(max_length=30)] | None = None
    opened: dt.date | None = None
    closes: dt.date
    status: Annotated[str, Field(pattern="^(open|filled|closed)$")] = "open"


class OccupationRead(BaseModel):
    code: str
    name: str
    score: float | None = None
    matched: str | None = None
    method: str | None = None


class PostingReadingPublic(BaseModel):
    """What each requirement was read as, and what was not understood."""
    occupation: OccupationRead | None
    min_level: int | None
    min_level_label: str | None
    skills: list[str]
    permits: list[str]
    preferred_skills: list[str]
    preferred_permits: list[str]
    occupations: list[OccupationRead]
    not_understood: list[str]


class PostingPublic(BaseModel):
    id: str
    enterprise_id: str
    title: str
    requirements: str | None
    headcount: int
    hired: int
    wage_min: int
    wage_max: int
    area: str
    min_level: str | None
    opened: dt.date
    closes: dt.date
    status: str
    status_label: str
    occupation_code: str | None
    occupation_name: str | None


class PostingWithReading(PostingPublic):
    reading: PostingReadingPublic


PostingsPublic = Page[PostingPublic]


# -- courses ------------------------------------------------------------------------------

class CourseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    provider_kind: Annotated[str, Field(max_length=30)] | None = None
    occupation: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    occupation_code: Annotated[str, Field(max_length=20)] | None = None
    target_level: Annotated[str, Field(min_length=1, max_length=30)] | None = None
    area: Area | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    order_enterprise_id: Id | None = None


class CourseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id
    provider: Annotated[str, Field(min_length=1, max_length=200)]
    provider_kind: Annotated[str, Field(max_length=30, examples=["training_base"])]
    occupation: Annotated[str, Field(min_length=1, max_length=100, examples=["焊工"])]
    occupation_code: Annotated[str, Field(max_length=20)] | None = None
    target_level: Annotated[str, Field(min_length=1, max_length=30, examples=["四级/中级工"])]
    area: Area
    start_date: dt.date
    end_date: dt.date
    order_enterprise_id: Id | None = None


class CoursePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    provider: str
    provider_kind: str
    provider_kind_label: str
    occupation: str
    occupation_code: str | None
    target_level: str
    area: str
    start_date: dt.date
    end_date: dt.date
    order_enterprise_id: str | None


CoursesPublic = Page[CoursePublic]


# -- trainees -----------------------------------------------------------------------------

class TraineeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    masked_name: MaskedName | None = None
    area: Area | None = None
    course_id: Id | None = None
    graduation_date: dt.date | None = None
    certificates: ShownText | None = None
    skills: ShownText | None = None
    preferred_areas: Annotated[str, Field(max_length=200)] | None = None
    expected_wage: Wage | None = None
    status: Annotated[str, Field(pattern="^(seeking|placed|withdrawn)$")] | None = None
    consent_recommend: bool | None = None
    consent_share_contact: bool | None = None
    contact: Annotated[str, Field(max_length=20)] | None = None


class TraineeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id
    masked_name: MaskedName
    area: Area
    course_id: Id
    graduation_date: dt.date
    certificates: ShownText | None = None
    skills: ShownText | None = None
    preferred_areas: Annotated[str, Field(max_length=200)] | None = None
    expected_wage: Wage | None = None
    status: Annotated[str, Field(pattern="^(seeking|placed|withdrawn)$")] = "seeking"
    consent_recommend: bool = False
    consent_share_contact: bool = False
    contact: Annotated[str, Field(max_length=20)] | None = None


class TraineePublic(BaseModel):
    id: str
    masked_name: str
    area: str
    course_id: str
    graduation_date: dt.date
    certificates: str | None
    skills: str | None
    preferred_areas: str | None
    expected_wage: int | None
    status: str
    status_label: str
    consent_recommend: bool
    consent_share_contact: bool
    contact: str | None = Field(description="null when this account may not see it")
    contact_hidden: bool


TraineesPublic = Page[TraineePublic]


# -- matching -----------------------------------------------------------------------------

class CandidateSummary(BaseModel):
    masked_name: str
    area: str
    certificates: str | None
    skills: str | None
    contact: str | None
    contact_hidden: bool


class RecommendationPublic(BaseModel):
    rank: int
    posting_id: str
    trainee_id: str
    score: float
    contributions: dict[str, float]
    reasons: list[str]
    gaps: list[str]


class ShortlistItem(RecommendationPublic):
    trainee: CandidateSummary
    #: With ``spread``, staff only: the other open postings whose lists name the trainee.
    other_lists: int | None = None


def _contribution_labels() -> dict[str, str]:
    return dict(FEATURE_LABELS)


class Notice(BaseModel):
    """What the reader of an answer should know about it, in Chinese and English."""

    code: str
    message_zh: str
    message_en: str


class Relaxation(BaseModel):
    """A filter of a short shortlist that, relaxed, would show more candidates."""

    #: the query parameter to send, e.g. ``level_tolerance=1``
    parameter: str
    #: what it means, in Chinese
    label: str
    #: how many candidates the list would then hold (at most ``k``)
    results: int


class Shortlist(BaseModel):
    posting_id: str
    posting_title: str
    k: int
    scorer: str
    items: list[ShortlistItem]
    #: e.g. that the posting is closed or filled
    notices: list[Notice] = Field(default_factory=list)
    #: when the list is empty: the filters that would show someone
    relaxations: list[Relaxation] = Field(default_factory=list)
    #: what each key of ``contributions`` is called in Chinese (职业匹配, 技能等级 …)
    contribution_labels: dict[str, str] = Field(default_factory=_contribution_labels)


class UnlockPublic(BaseModel):
    kind: str
    target: str
    postings: int
    advice: str
    examples: list[str]


class SuggestionItem(RecommendationPublic):
    posting_title: str
    enterprise_id: str
    enterprise_name: str | None = None
    area: str
    wage_min: int
    wage_max: int


class Suggestions(BaseModel):
    trainee_id: str
    k: int
    scorer: str
    items: list[SuggestionItem]
    unlocks: list[UnlockPublic]
    contribution_labels: dict[str, str] = Field(default_factory=_contribution_labels)


# -- interactions and placements ----------------------------------------------------------

InteractionKind = Annotated[str, Field(
    pattern="^(recommended|viewed|shortlisted|contacted|interviewed|hired|rejected|withdrawn)$")]


class InteractionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: InteractionKind
    posting_id: Id
    trainee_id: Id


class InteractionPublic(BaseModel):
    id: int
    kind: str
    kind_label: str
    posting_id: str
    trainee_id: str
    actor_id: int | None
    at: dt.datetime
    note: str | None = None


InteractionsPublic = Page[InteractionPublic]


class PlacementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    posting_id: Id
    trainee_id: Id


class PlacementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    posting_id: str
    trainee_id: str
    through_matching: bool
    actor_id: int | None
    at: dt.datetime
    #: what the counselor should check about a hire just recorded (a trainee still in
    #: training, one who had withdrawn); empty when listing
    warnings: list[Notice] = Field(default_factory=list)


PlacementsPublic = Page[PlacementPublic]


class PlacementCancel(BaseModel):
    """Why a hire recorded by mistake is cancelled (kept in the interaction log, shown
    to staff only)."""
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2,
                                             max_length=200),
                      _no_personal_numbers("请勿在撤销原因中填写{found}",
                                           "no ID or mobile numbers in the reason")]


class PlacementCancelled(BaseModel):
    """A cancelled hire: the placement is gone, the trainee and the posting as now."""
    placement_id: int
    posting_id: str
    trainee_id: str
    trainee_status: str
    posting_status: str
    message_zh: str
    message_en: str


# -- normalize, model ---------------------------------------------------------------------

class NormalizeRequest(BaseModel):
    texts: Annotated[list[Annotated[str, Field(max_length=500)]],
                     Field(min_length=1, max_length=200)]


class NormalizedText(BaseModel):
    text: str
    occupation_code: str | None
    occupation_name: str | None
    level: int | None
    level_label: str | None
    kind: str | None
    score: float | None
    matched: str | None
    found: list[OccupationRead]


class ModelInfo(BaseModel):
    scorer: str
    learned_available: bool
    reason_zh: str
    reason_en: str
    metrics: dict[str, float | int] | None


class TrainResult(ModelInfo):
    trained: bool
