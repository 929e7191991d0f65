"""Column definitions of the four import tables (used by :mod:`matcher.schemas`).

Each :class:`TableSchema` lists its :class:`Column` s: English name, Chinese label for
Excel headers, type, required flag and :class:`Check` s, each check vectorized over a
column and carrying its reason in Chinese and English. Phone numbers of synthetic data
must lie in the fake range :data:`FAKE_PHONE_PREFIX`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from matcher.areas import AREA_ALIASES, area_names, split_areas
from matcher.industries import load_industries
from matcher.levels import LADDER, parse_level
from matcher.personal_data import personal_numbers
from matcher.uscc import is_valid_uscc

__all__ = ["FAKE_PHONE_PREFIX", "FORBIDDEN_COLUMNS", "MASKED_NAME", "SCHEMAS", "Check",
           "Column", "TableSchema"]

#: A masked name: one or two Chinese characters and one to three asterisks (张*, 欧阳**).
MASKED_NAME = r"[\u4e00-\u9fff]{1,2}[*＊]{1,3}"

#: Every synthetic phone number is ``1009`` + 7 digits. Chinese mobile numbers begin
#: with 13–19, so an 11-digit number beginning with 10 can never reach a subscriber.
FAKE_PHONE_PREFIX = "1009"
#: ok-mask of the non-empty parsed values; gets the values, the parsed table and
#: whether the data must be synthetic.
CheckFn = Callable[[pd.Series, pd.DataFrame, bool], np.ndarray]


@dataclass(frozen=True)
class Check:
    """One rule on a column's non-empty values, with its reason in both languages."""

    test: CheckFn
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class Column:
    """A column of an import table.

    ``dtype`` is ``str``, ``int``, ``date`` or ``bool``. Empty cells of a required
    column are errors; empty optional cells skip the checks. ``unique``: a value may
    appear only once (the table's key always is). ``choices``: code → Chinese label of
    a column that takes one of them; a cell may hold either, and :meth:`code_of` reads
    it as the code.
    """

    name: str
    label: str
    dtype: str = "str"
    required: bool = True
    checks: tuple[Check, ...] = ()
    unique: bool = False
    choices: Mapping[str, str] | None = None
    #: How to fill it, with an example, for the template's guide (a function when the
    #: text needs reference data, read only when the guide is made).
    hint: str | Callable[[], str] = ""

    def code_of(self, value: str | None) -> str | None:
        """The code a cell of a ``choices`` column means (its label or the code, in any
        case), or the value unchanged.

        Examples
        --------
        >>> SCHEMAS["postings"].column("status").code_of("招聘中")
        'open'
        >>> SCHEMAS["postings"].column("status").code_of(" Filled ")
        'filled'
        """
        if value is None or not self.choices:
            return value
        text = value.strip()
        for code, label in self.choices.items():
            if text.lower() == code.lower() or text == label:
                return code
        return value


#: The columns of :meth:`TableSchema.guide`.
_GUIDE = ("列名", "英文列名", "必填", "类型", "可选值", "不符合要求时的提示", "填写方法（示例）")


@dataclass(frozen=True)
class TableSchema:
    """The columns of one import table; ``key`` is its id column (values unique)."""

    name: str
    label: str
    key: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        """The column called ``name`` (English) or labelled ``name`` (Chinese).

        Examples
        --------
        >>> SCHEMAS["trainees"].column("同意推荐").name
        'consent'
        """
        for col in self.columns:
            if name in (col.name, col.label):
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    def template(self, *, chinese: bool = True) -> pd.DataFrame:
        """An empty table with the headers of an import file (Chinese by default).

        Examples
        --------
        >>> list(SCHEMAS["enterprises"].template().columns)[:3]
        ['企业编号', '企业名称', '统一社会信用代码']
        """
        return pd.DataFrame(columns=[c.label if chinese else c.name for c in self.columns])

    def guide(self) -> pd.DataFrame:
        """How to fill each column of the template, in Chinese: header, English name,
        required or not, type, the values a choice column takes, and what an import
        says of a value that breaks a rule of the column (its reasons, as reported).

        Examples
        --------
        >>> guide = SCHEMAS["enterprises"].guide()
        >>> guide.iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'列名': '企业编号', '英文列名': 'enterprise_id', '必填': '是', '类型': '文本',
         '可选值': '', '不符合要求时的提示': '不可重复；编号只能含字母、数字、-、_（最多32位）',
         '填写方法（示例）': '本单位自编，每家企业一个，如 E000001'}
        >>> SCHEMAS["postings"].guide().set_index("列名").loc["状态", "可选值"]
        '招聘中（open）、已招满（filled）、已关闭（closed）'
        """
        types = {"str": "文本", "int": "整数", "date": "日期（如 2026-03-01）",
                 "bool": "是/否"}
        rows = []
        for col in self.columns:
            choices = "、".join(f"{label}（{code}）" for code, label in (col.choices or {}).items())
            rules = ["不可重复"] if col.unique or col.name == self.key else []
            # a choice column's own check (_enum) repeats its choices
            listed = _enum(col.choices).reason_zh if col.choices else None
            rules += [c.reason_zh for c in col.checks if c.reason_zh != listed]
            rows.append({"列名": col.label, "英文列名": col.name,
                         "必填": "是" if col.required else "否",
                         "类型": types.get(col.dtype, col.dtype), "可选值": choices,
                         "不符合要求时的提示": "；".join(rules),
                         "填写方法（示例）": _hint_of(col)})
        return pd.DataFrame(rows, columns=list(_GUIDE))



def _regex(pattern: str) -> CheckFn:
    compiled = re.compile(pattern)
    return lambda v, _t, _s: v.astype(str).map(lambda x: bool(compiled.fullmatch(x))).to_numpy()


def _within(values: set[str] | Callable[[], set[str]], *, case: bool = True) -> CheckFn:
    def test(v: pd.Series, _t: pd.DataFrame, _s: bool) -> np.ndarray:
        allowed = values() if callable(values) else values
        text = v.astype(str).str.strip()
        if not case:
            text, allowed = text.str.lower(), {a.lower() for a in allowed}
        return text.isin(allowed).to_numpy()
    return test


def _between(low: float, high: float) -> CheckFn:
    return lambda v, _t, _s: ((v >= low) & (v <= high)).to_numpy()


def _not_before(other: str) -> CheckFn:
    def test(v: pd.Series, t: pd.DataFrame, _s: bool) -> np.ndarray:
        if other not in t:  # that column is missing, and reported as such
            return np.ones(len(v), dtype=bool)
        return ~(v < t[other]).fillna(False).to_numpy(dtype=bool)
    return test


def _unique_values(fn: Callable[[str], bool]) -> CheckFn:
    def test(v: pd.Series, _t: pd.DataFrame, _s: bool) -> np.ndarray:
        text = v.astype(str)
        verdict = {u: fn(u) for u in text.unique()}
        return text.map(verdict).to_numpy(dtype=bool)
    return test


@cache
def _areas() -> set[str]:
    return set(area_names()) | set(AREA_ALIASES)


# Between the names of a list of areas: what people type ("达川区/渠县", "达川区；渠县",
# "达川区 渠县", "达川区和渠县"). No area name holds any of these.
def _preferred(text: str) -> bool:
    parts = split_areas(text)
    return bool(parts) and all(p in _areas() or p == "不限" for p in parts)


_NO_LEVEL = {"不限", "无", "不限等级", "无要求", "不要求", "none", "-"}


def _level(text: str, *, optional: bool) -> bool:
    return (optional and text.strip().lower() in _NO_LEVEL) or parse_level(text) is not None


def _phone(v: pd.Series, _t: pd.DataFrame, synthetic: bool) -> np.ndarray:
    text = v.astype(str).str.replace(r"[\s-]", "", regex=True)
    fake = text.str.fullmatch(FAKE_PHONE_PREFIX + r"\d{7}")
    if synthetic:
        return fake.to_numpy(dtype=bool)
    real = text.str.fullmatch(r"(?:\+?86)?1[3-9]\d{9}|0\d{2,3}\d{7,8}")
    return (fake | real).to_numpy(dtype=bool)


def _without_personal_numbers(v: pd.Series, _t: pd.DataFrame, _s: bool) -> np.ndarray:
    return v.astype(str).map(lambda x: not personal_numbers(x)).to_numpy(dtype=bool)


#: Text shown to enterprises must not carry ID or mobile numbers
#: (:func:`matcher.personal_data.personal_numbers`).
_NO_PERSONAL_NUMBERS = Check(
    _without_personal_numbers,
    "请勿填写身份证号或手机号（此栏会展示给企业）；联系电话请填在“联系电话”一栏",
    "no ID or mobile numbers here (this column is shown to enterprises); a phone number "
    "goes in the contact column")


def _enum(pairs: Mapping[str, str]) -> Check:
    allowed = set(pairs) | set(pairs.values())
    listing = "、".join(f"{k}/{v}" for k, v in pairs.items())
    return Check(_within(allowed, case=False), f"取值须为 {listing}", f"must be one of {listing}")


def _choice(name: str, label: str, pairs: Mapping[str, str]) -> Column:
    """A column taking one of ``pairs`` (code → Chinese label), as code or label."""
    return Column(name, label, checks=(_enum(pairs),), choices=pairs)


_ID = Check(_regex(r"[A-Za-z0-9_-]{1,32}"), "编号只能含字母、数字、-、_（最多32位）",
            "ids are 1–32 letters, digits, - or _")
_AREA = Check(_within(_areas), "不是达州的县（市、区）或开发区", "not an area of Dazhou")
_DATE_ORDER = ("结业日期早于开班日期", "the end date is before the start date")


def _hint_of(col: Column) -> str:
    """The column's own hint, or what its kind says (choices, dates, yes/no)."""
    if callable(col.hint):
        return col.hint()
    if col.hint:
        return col.hint
    if col.choices:
        return "填可选值之一，中文或括号中的英文代码均可"
    return {"date": "如 2026-03-01（也可写 2026/3/1、2026年3月1日）",
            "bool": "是 或 否"}.get(col.dtype, "")


def _area_hint() -> str:
    return "达州的县（市、区）或开发区之一：" + "、".join(area_names())


def _industry_hint() -> str:
    return "重点产业之一：" + "、".join(i.name for i in load_industries()) + "；不属于的填“其他”"


def _level_hint(optional: bool) -> Callable[[], str]:
    def hint() -> str:
        names = "、".join(level.label for level in LADDER)
        return (f"八级等级之一：{names}；也可写“中级工”“中级以上”"
                + ("；不要求等级的填“不限”或留空" if optional else ""))
    return hint


def _id_of(record: str, example: str) -> str:
    return f"须为已导入的{record}编号（请先导入{record}），如 {example}"
_SCHEMA_COLUMNS: dict[str, tuple[str, str, tuple[Column, ...]]] = {
    "enterprises": ("企业", "enterprise_id", (
        Column("enterprise_id", "企业编号", checks=(_ID,),
               hint="本单位自编，每家企业一个，如 E000001"),
        Column("name", "企业名称", hint="营业执照上的全称"),
        Column("uscc", "统一社会信用代码", unique=True, checks=(Check(
            _unique_values(is_valid_uscc), "统一社会信用代码无效（长度、字符或校验位错误）",
            "invalid unified social credit code (length, characters or check character)"),),
               hint="营业执照上的 18 位代码（数字和大写字母，末位为校验码），"
                    "如 91511700MA62XXXXXX 的形式，照抄即可"),
        Column("industry", "所属行业", checks=(Check(
            _within(lambda: {i.name for i in load_industries()} | {"其他"}),
            "不是已知的重点产业（或“其他”）", "not a known industry (or 其他)"),),
               hint=_industry_hint),
        Column("area", "所在区域", checks=(_AREA,), hint=_area_hint),
        Column("key_enterprise", "重点企业", "bool", hint="是 或 否（列入市重点企业名单的填“是”）"),
    )),
    "postings": ("岗位", "posting_id", (
        Column("posting_id", "岗位编号", checks=(_ID,), hint="自编，每个岗位一个，如 P000001"),
        Column("enterprise_id", "企业编号", checks=(_ID,), hint=_id_of("企业", "E000001")),
        Column("title", "岗位名称", hint="如 数控车工、化工总控工"),
        Column("requirements", "任职要求", required=False,
               hint="证书、等级、技能，如 持焊工证（四级/中级工），会氩弧焊"),
        Column("headcount", "招聘人数", "int", checks=(Check(
            _between(1, 10_000), "招聘人数须在 1–10000 之间", "headcount must be 1–10,000"),),
               hint="本岗位要招的人数，如 3"),
        Column("wage_min", "月薪下限", "int", checks=(Check(
            _between(1_000, 100_000), "月薪须在 1000–100000 元之间",
            "monthly wage must be 1,000–100,000 CNY"),), hint="元/月，如 4000"),
        Column("wage_max", "月薪上限", "int", checks=(
            Check(_between(1_000, 100_000), "月薪须在 1000–100000 元之间",
                  "monthly wage must be 1,000–100,000 CNY"),
            Check(_not_before("wage_min"), "月薪上限低于下限", "is below the minimum wage")),
               hint="元/月，不低于下限，如 6000"),
        Column("area", "工作地点", checks=(_AREA,), hint=_area_hint),
        Column("min_level", "最低技能等级", required=False, checks=(Check(
            _unique_values(lambda t: _level(t, optional=True)), "无法识别的技能等级",
            "not a skill level (e.g. 四级/中级工, 中级以上, 不限)"),),
               hint=_level_hint(optional=True)),
        Column("opened", "发布日期", "date", hint="开始招聘的日期，如 2026-03-01"),
        Column("closes", "截止日期", "date", checks=(Check(
            _not_before("opened"), "截止日期早于发布日期", "closes before it opened"),),
               hint="不早于发布日期，如 2026-06-30"),
        _choice("status", "状态", {"open": "招聘中", "filled": "已招满", "closed": "已关闭"}),
    )),
    "courses": ("培训班", "course_id", (
        Column("course_id", "班次编号", checks=(_ID,), hint="自编，每个培训班一个，如 C000001"),
        Column("provider", "培训机构", hint="如 达州市公共实训基地"),
        _choice("provider_kind", "机构类型",
                {"training_base": "公共实训基地", "master_studio": "技能大师工作室",
                 "enterprise_centre": "企业培训中心", "vocational_school": "职业院校"}),
        Column("occupation", "培训职业（工种）", hint="如 电工、焊工、化工总控工"),
        Column("occupation_code", "职业编码", required=False, checks=(Check(
            _regex(r"\d-\d{2}-\d{2}-\d{2}"), "职业编码格式应为 6-18-02-04",
            "occupation codes look like 6-18-02-04"),),
               hint="职业分类大典（2022）编码，如 6-18-02-04；不知道可留空，按培训职业自动识别"),
        Column("target_level", "培训等级", checks=(Check(
            _unique_values(lambda t: _level(t, optional=False)), "无法识别的技能等级",
            "not a skill level (e.g. 四级/中级工)"),),
               hint=_level_hint(optional=False)),
        Column("area", "所在区域", checks=(_AREA,), hint=_area_hint),
        Column("start_date", "开班日期", "date", hint="如 2026-03-01"),
        Column("end_date", "结业日期", "date", checks=(Check(
            _not_before("start_date"), *_DATE_ORDER),), hint="不早于开班日期，如 2026-05-31"),
        Column("order_enterprise_id", "订单企业编号", required=False, checks=(_ID,),
               hint="订单式培训的企业编号（须已导入），如 E000001；非订单班留空"),
    )),
    "trainees": ("学员", "trainee_id", (
        Column("trainee_id", "学员编号", checks=(_ID,), hint="自编，每名学员一个，如 T000001"),
        Column("masked_name", "姓名（脱敏）", checks=(Check(
            _regex(MASKED_NAME), "姓名须脱敏，如“张*”",
            "names must be masked, e.g. 张*"),), hint="只写姓，名字用 * 代替，如 张*、欧阳*"),
        Column("area", "所属区域", checks=(_AREA,), hint=_area_hint),
        Column("course_id", "培训班次", checks=(_ID,), hint=_id_of("培训班", "C000001")),
        Column("graduation_date", "结业日期", "date",
               hint="培训结业（预计结业）日期，如 2026-05-31"),
        Column("certificates", "证书", required=False, checks=(_NO_PERSONAL_NUMBERS,),
               hint="证书名称和等级，多个用“、”分隔，如 电工（四级/中级工）、叉车证"),
        Column("skills", "其他技能", required=False, checks=(_NO_PERSONAL_NUMBERS,),
               hint="会做的工作，如 会PLC编程、氩弧焊"),
        Column("preferred_areas", "意向区域", required=False, checks=(Check(
            _unique_values(_preferred), "意向区域须为达州的县（市、区）或“不限”，以“、”分隔",
            "preferred areas are areas of Dazhou or 不限, separated by 、"),),
               hint="愿意去工作的区域，多个用“、”分隔，如 达川区、通川区；都可以的填“不限”"),
        Column("expected_wage", "期望月薪", "int", required=False, checks=(Check(
            _between(1_000, 100_000), "月薪须在 1000–100000 元之间",
            "monthly wage must be 1,000–100,000 CNY"),), hint="元/月，如 4500"),
        _choice("status", "状态", {"seeking": "求职中", "placed": "已就业", "withdrawn": "已退出"}),
        Column("consent", "同意推荐", "bool",
               hint="是 或 否：学员是否同意被推荐给企业（不同意的不会出现在任何名单中）"),
        Column("contact", "联系电话", required=False, checks=(Check(
            _phone, "电话号码无效：请填 11 位手机号或带区号的固定电话"
                    "（系统自带的样例数据只用 1009 开头的虚构号码）",
            "not a phone number: a mobile number of 11 digits or a landline with its area "
            "code (the bundled sample data uses the fake 1009 range only)"),),
               hint="11 位手机号或带区号的固定电话，如 0818-XXXXXXX；只有学员同意时才向企业显示"),
        Column("consent_share_contact", "同意向企业提供联系方式", "bool", required=False,
               hint="是 或 否：学员是否书面同意向企业提供联系电话；留空或“否”时企业只见"
                    "“（未授权）”。整列不填时保留已登记的选择；学员撤回的同意，导入不能恢复"),
    )),
}
#: The import tables by name.
SCHEMAS: dict[str, TableSchema] = {
    name: TableSchema(name, label, key, columns)
    for name, (label, key, columns) in _SCHEMA_COLUMNS.items()
}
#: Columns that must never be imported (Employment Promotion Law; personal data).
FORBIDDEN_COLUMNS = {"gender", "sex", "性别", "age", "年龄", "birth_date", "birthday",
                     "出生日期", "出生年月", "ethnicity", "race", "民族", "origin", "籍贯",
                     "户籍", "religion", "宗教信仰", "id_number", "身份证", "身份证号",
                     "身份证号码", "证件号码"}
