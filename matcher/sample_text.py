"""Raw text for the synthetic market, written the way people write it.

Recruiters and counselors do not write official occupation names: they write
"急招电焊工3名 包吃住 5000-8000", "持焊工证，中级以上，会氩弧焊优先" or
"電工證（高級）", with colloquial titles, old and new level forms, traditional
characters, dropped or swapped characters and some English. This module composes such
text *vectorized*: every piece (a title word, a level form, a clause) is drawn as an
index into a small pool of strings per occupation, and rows are assembled by
element-wise concatenation of object arrays, so a million certificates cost a few
array operations rather than a million Python calls.

The occupation words come from a frozen vocabulary snapshot
(``data/plan/sample_vocabulary.csv``, see :func:`build_vocabulary`), not from the live
taxonomy, so that curating the taxonomy does not silently change the committed sample.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from matcher.levels import LADDER
from matcher.taxonomy import Taxonomy, data_dir

__all__ = ["TextPools", "build_vocabulary", "load_vocabulary", "to_traditional"]

# Job-board aliases copied with the classification's green/digital marker ("物流服务师L").
_FLAG_SUFFIX = re.compile(r"[\u4e00-\u9fff][LS]$")
_KINDS = ("name", "colloquial", "job_board", "certificate", "skill", "permit", "english")
# A small simplified → traditional table for the characters these texts use; enough
# to exercise the normalizer's conversion without depending on a converter's version.
_TRADITIONAL = str.maketrans(
    "级证电车机维钳数员师锂钾纤装备药检验气输运营销务险优经热炉钢铁轧制产质业厂压应岗资线设"
    "调试编织纺缝纫乐专项书标准长两险岁带发员块劳动稳场务总测盐过钙复肥酿叶冻肉农货仓储递"
    "运网络营销锅汽轮发电仪器表维调设备刚组闭轮钻井矿开采输处理护储运液体碱磷硫酸单选数据"
    "质检测线头",
    "級證電車機維鉗數員師鋰鉀纖裝備藥檢驗氣輸運營銷務險優經熱爐鋼鐵軋製產質業廠壓應崗資線設"
    "調試編織紡縫紉樂專項書標準長兩險歲帶發員塊勞動穩場務總測鹽過鈣複肥釀葉凍肉農貨倉儲遞"
    "運網絡營銷鍋汽輪發電儀器錶維調設備剛組閉輪鑽井礦開採輸處理護儲運液體鹼磷硫酸單選數據"
    "質檢測線頭",
)


def to_traditional(text: str) -> str:
    """Write the common characters of recruitment text in traditional form.

    Examples
    --------
    >>> to_traditional("电工证（高级）")
    '電工證（高級）'
    """
    return text.translate(_TRADITIONAL)


def build_vocabulary(taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """Snapshot the labels of the industries' occupations that name only one occupation.

    Parameters
    ----------
    taxonomy : Taxonomy, optional
        Defaults to :meth:`Taxonomy.default`.

    Returns
    -------
    DataFrame with columns code, kind, label, sorted; ``kind`` is one of
    name, colloquial, job_board, certificate, skill, permit, english.

    Examples
    --------
    >>> vocab = build_vocabulary()
    >>> sorted(set(vocab["kind"])) == sorted(_KINDS)
    True
    """
    from matcher.industries import load_industries

    taxonomy = Taxonomy.default() if taxonomy is None else taxonomy
    codes = {c for industry in load_industries() for c in industry.codes}
    owners: dict[str, set[str]] = defaultdict(set)
    for label in taxonomy.labels:
        owners[label.text].add(label.code)
    rows = {
        (label.code, label.kind, label.text)
        for label in taxonomy.labels
        if label.code in codes and label.kind in _KINDS and len(owners[label.text]) == 1
        and "/" not in label.text and len(label.text) <= 16
        and not _FLAG_SUFFIX.search(label.text)
    }
    return pd.DataFrame(sorted(rows), columns=["code", "kind", "label"])


@cache
def load_vocabulary() -> pd.DataFrame:
    """The frozen vocabulary snapshot ``data/plan/sample_vocabulary.csv`` (cached).

    Examples
    --------
    >>> "电焊工" in set(load_vocabulary()["label"])
    True
    """
    return pd.read_csv(data_dir() / "plan" / "sample_vocabulary.csv", dtype=str,
                       keep_default_na=False, encoding="utf-8")


@dataclass(frozen=True)
class _Pool:
    """Strings grouped by an integer key, for vectorized draws within a group."""

    values: np.ndarray
    offsets: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, groups: list[list[str]]) -> _Pool:
        counts = np.array([len(g) for g in groups], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        values = np.array([s for g in groups for s in g] + [""], dtype=object)
        return cls(values, offsets, counts)

    def draw(self, rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
        counts = self.counts[group]
        pick = self.offsets[group] + (rng.random(len(group)) * counts).astype(np.int64)
        return self.values[np.where(counts > 0, pick, len(self.values) - 1)]


def _choice(rng: np.random.Generator, options: list[str], n: int,
            p: list[float] | None = None) -> np.ndarray:
    values = np.array(options, dtype=object)
    weights = None if p is None else np.asarray(p) / np.sum(p)
    return values[rng.choice(len(values), size=n, p=weights)]


def _typo(text: str, rng: np.random.Generator) -> str:
    """Drop or swap one character (never the last, which often carries 工/员)."""
    if len(text) < 3 or not all("\u4e00" <= c <= "\u9fff" for c in text):
        return text
    i = int(rng.integers(0, len(text) - 1))
    if rng.random() < 0.5:
        return text[:i] + text[i + 1:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def _level_forms(rank: int) -> list[str]:
    level = LADDER[rank]
    forms = [level.label, level.name, level.name + "以上", level.name + "及以上"]
    if 1 <= rank <= 5:
        grade = level.label.split("/")[0]
        forms += [grade, grade + "及以上", "国家职业资格" + grade]
    if 1 <= rank <= 3:
        forms += [level.name[:2], level.name[:2] + "以上"]
    return forms


class TextPools:
    """Pools of text pieces per occupation, and the vectorized composers.

    Parameters
    ----------
    codes : sequence of str
        The occupation codes; rows refer to them by index.
    vocabulary : DataFrame, optional
        Columns code, kind, label; defaults to :func:`load_vocabulary`.

    Examples
    --------
    >>> pools = TextPools(["6-18-02-04"])
    >>> rng = np.random.default_rng(0)
    >>> certs = pools.certificates(rng, np.zeros(3, dtype=int), np.array([2, 2, 3]))
    >>> len(certs)
    3
    """

    def __init__(self, codes: list[str] | tuple[str, ...],
                 vocabulary: pd.DataFrame | None = None) -> None:
        vocab = load_vocabulary() if vocabulary is None else vocabulary
        by: dict[tuple[str, str], list[str]] = defaultdict(list)
        for code, kind, label in vocab[["code", "kind", "label"]].itertuples(index=False):
            by[code, kind].append(label)
        self.codes = tuple(codes)
        rng = np.random.default_rng(7)  # typo variants are part of the pools, fixed
        names = [by[c, "name"] or [c] for c in self.codes]
        spoken = [by[c, "colloquial"] + by[c, "job_board"][:6] for c in self.codes]
        self.name = _Pool.of(names)
        self.spoken = _Pool.of([s or n for s, n in zip(spoken, names, strict=True)])
        self.typo = _Pool.of([[_typo(t, rng) for t in (s or n)]
                              for s, n in zip(spoken, names, strict=True)])
        self.certificate = _Pool.of([by[c, "certificate"] or n
                                     for c, n in zip(self.codes, names, strict=True)])
        self.skill = _Pool.of([by[c, "skill"] for c in self.codes])
        self.permit = _Pool.of([by[c, "permit"] for c in self.codes])
        self.english = _Pool.of([by[c, "english"] for c in self.codes])
        self.level = _Pool.of([_level_forms(r) for r in range(len(LADDER))])

    def occupation_words(self, rng: np.random.Generator, code: np.ndarray, *,
                         official: float, typo: float, english: float) -> np.ndarray:
        """An official name, a colloquial title, a misspelt one or an English name.

        Examples
        --------
        >>> pools = TextPools(["6-18-02-04"])
        >>> words = pools.occupation_words(np.random.default_rng(0), np.zeros(50, dtype=int),
        ...                                official=1.0, typo=0.0, english=0.0)
        >>> set(words)
        {'焊工'}
        """
        u = rng.random(len(code))
        out = self.spoken.draw(rng, code)
        out = np.where(u < official, self.name.draw(rng, code), out)
        out = np.where((u >= official) & (u < official + typo), self.typo.draw(rng, code), out)
        eng = self.english.draw(rng, code)
        return np.where((u > 1 - english) & (eng != ""), eng, out)

    def level_text(self, rng: np.random.Generator, rank: np.ndarray) -> np.ndarray:
        """A level as written (``-1`` means none: blank, 不限 or 无).

        Examples
        --------
        >>> pools = TextPools(["6-18-02-04"])
        >>> text = pools.level_text(np.random.default_rng(0), np.array([-1, 2]))
        >>> text[0] in {"", "不限", "无", "不限等级"}, "中级" in text[1] or "四级" in text[1]
        (True, True)
        """
        none = _choice(rng, ["", "", "不限", "无", "不限等级"], len(rank))
        forms = self.level.draw(rng, np.clip(rank, 0, len(LADDER) - 1))
        return np.where(rank < 0, none, forms)

    def titles(self, rng: np.random.Generator, code: np.ndarray, headcount: np.ndarray,
               wage_min: np.ndarray, wage_max: np.ndarray) -> np.ndarray:
        """Posting titles such as "急招电焊工3名 包吃住 5000-8000".

        Examples
        --------
        >>> pools = TextPools(["6-18-02-04"])
        >>> titles = pools.titles(np.random.default_rng(1), np.zeros(3, dtype=int),
        ...                       np.array([3, 1, 12]), np.array([5000, 4500, 6000]),
        ...                       np.array([8000, 6000, 9000]))
        >>> len(titles), all(isinstance(t, str) and t for t in titles)
        (3, True)
        """
        n = len(code)
        word = self.occupation_words(rng, code, official=0.2, typo=0.06, english=0.05)
        prefix = _choice(rng, ["", "急招", "诚聘", "高薪诚聘", "招聘", "【急聘】", "长期招",
                               "直招", "本厂招"], n, [6, 2, 1, 1, 2, 1, 1, 1, 1])
        count = headcount.astype(str).astype(object)
        quantity = np.where(rng.random(n) < 0.5, count + _choice(rng, ["名", "人", "位"], n),
                            np.where(headcount >= 5, _choice(rng, ["", "若干", "数名"], n), ""))
        perk = _choice(rng, ["", " 包吃住", " 五险一金", " 长白班", " 两班倒", " 包住",
                             " 月休4天", " 缴社保", " 可带徒"], n, [5, 2, 2, 1, 1, 1, 1, 1, 1])
        lo, hi = wage_min.astype(str).astype(object), wage_max.astype(str).astype(object)
        k_lo = (wage_min / 1000).round(1).astype(str).astype(object)
        k_hi = (wage_max / 1000).round(1).astype(str).astype(object)
        wage_kind = rng.integers(0, 6, n)
        wage = np.select(
            [wage_kind == 1, wage_kind == 2, wage_kind == 3, wage_kind == 4],
            [" " + lo + "-" + hi, " " + lo + "-" + hi + "元", " 月薪" + lo + "-" + hi,
             " " + k_lo + "K-" + k_hi + "K"], "")
        title = prefix + word + quantity + perk + wage
        english = rng.random(n) < 0.03
        eng_word = self.english.draw(rng, code)
        title = np.where(english & (eng_word != ""), "Hiring " + eng_word + " x" + count, title)
        trad = rng.random(n) < 0.08
        return np.where(trad, pd.Series(title).str.translate(_TRADITIONAL).to_numpy(object),
                        title)

    def requirements(self, rng: np.random.Generator, code: np.ndarray, min_rank: np.ndarray,
                     min_level: np.ndarray) -> np.ndarray:
        """Requirement texts: certificate, level, skills, experience, conduct clauses.

        Examples
        --------
        >>> pools = TextPools(["6-18-02-04"])
        >>> rng = np.random.default_rng(2)
        >>> text = pools.requirements(rng, np.zeros(2, dtype=int), np.array([2, -1]),
        ...                           np.array(["中级工", ""], dtype=object))
        >>> len(text), text.dtype
        (2, dtype('O'))
        """
        n = len(code)
        name = self.name.draw(rng, code)
        permit = self.permit.draw(rng, code)
        cert = np.select(
            [rng.random(n) < 0.35, rng.random(n) < 0.3],
            ["持" + name + "证", "持有" + name + "职业技能等级证书"], "")
        cert = np.where((permit != "") & (rng.random(n) < 0.5), "需持" + permit + "操作证", cert)
        level = np.where(min_rank >= 0, _choice(rng, ["", "要求", "技能等级"], n) + min_level,
                         _choice(rng, ["", "", "等级不限"], n))
        level = np.where((min_rank >= 0) & ~pd.Series(level).str.contains("以上").to_numpy(),
                         level + _choice(rng, ["", "以上", "及以上"], n), level)
        skill, other = self.skill.draw(rng, code), self.skill.draw(rng, code)
        skill_kind = rng.integers(0, 5, n)
        skills = np.select(
            [skill_kind == 0, skill_kind == 1, skill_kind == 2, skill_kind == 3],
            ["会" + skill + "优先", "熟悉" + skill, "能独立完成" + skill,
             "掌握" + skill + np.where(other != skill, "、" + other, "")], "")
        skills = np.where(skill == "", "", skills)
        years = rng.integers(1, 6, n).astype(str).astype(object)
        experience = _choice(rng, ["", "有经验者优先", "接受培训结业学员", "可接受学徒",
                                   "相关经验" + "1年以上"], n, [4, 2, 1, 1, 1])
        experience = np.where(rng.random(n) < 0.2, years + "年以上相关工作经验", experience)
        conduct = _choice(rng, ["", "吃苦耐劳", "服从安排", "能适应倒班", "责任心强",
                                "有团队精神", "身体健康，能适应车间环境"], n, [6, 2, 1, 1, 1, 1, 1])
        english = np.where(rng.random(n) < 0.04, "English OK", "")
        sep = _choice(rng, ["，", "；", " ", "。"], n, [5, 2, 2, 1])
        text = np.full(n, "", dtype=object)
        for clause in (cert, level, skills, experience, conduct, english):
            text = text + clause + np.where(clause != "", sep, "")
        text = pd.Series(text).str[:-1].to_numpy(object)
        trad = rng.random(n) < 0.06
        return np.where(trad, pd.Series(text).str.translate(_TRADITIONAL).to_numpy(object),
                        text)

    def certificates(self, rng: np.random.Generator, code: np.ndarray,
                     rank: np.ndarray) -> np.ndarray:
        """Certificates as written ("焊工 四级/中级工", "电工证（高级）" …); "" where rank < 0.

        Examples
        --------
        >>> pools = TextPools(["6-18-02-04"])
        >>> certs = pools.certificates(np.random.default_rng(0), np.zeros(2, dtype=int),
        ...                            np.array([-1, 3]))
        >>> certs[0], bool(certs[1])
        ('', True)
        """
        n = len(code)
        occ = np.where(rng.random(n) < 0.6, self.name.draw(rng, code),
                       self.certificate.draw(rng, code))
        occ = np.where(rng.random(n) < 0.15,
                       self.occupation_words(rng, code, official=0.0, typo=0.2, english=0.0),
                       occ)
        safe = np.clip(rank, 0, len(LADDER) - 1)
        labels = np.array([lv.label for lv in LADDER], dtype=object)[safe]
        names = np.array([lv.name for lv in LADDER], dtype=object)[safe]
        old = np.array(["学徒", "初级", "中级", "高级", "技师", "高级技师", "特级技师",
                        "首席技师"], dtype=object)[safe]
        grade = np.array([lv.label.split("/")[0] for lv in LADDER], dtype=object)[safe]
        english = np.array([lv.english for lv in LADDER], dtype=object)[safe]
        form = rng.choice(8, size=n, p=[0.25, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1, 0.05])
        text = np.select(
            [form == 0, form == 1, form == 2, form == 3, form == 4, form == 5, form == 6],
            [occ + " " + labels, occ + "（" + names + "）", occ + "证（" + old + "）",
             names + occ, occ + grade, "国家职业资格证书 " + occ + " " + old,
             "职业技能等级证书：" + occ + "（" + labels + "）"],
            occ + " " + english)
        trad = rng.random(n) < 0.08
        text = np.where(trad, pd.Series(text).str.translate(_TRADITIONAL).to_numpy(object), text)
        return np.where(rank < 0, "", text)

    def permits(self, rng: np.random.Generator, code: np.ndarray) -> np.ndarray:
        """Safety or equipment permits as written ("" where the occupation has none).

        Examples
        --------
        >>> pools = TextPools(["6-18-02-04"])
        >>> permits = pools.permits(np.random.default_rng(0), np.zeros(20, dtype=int))
        >>> any("焊" in p for p in permits)
        True
        """
        permit = self.permit.draw(rng, code)
        form = _choice(rng, ["证", "操作证", "", "（特种作业操作证）"], len(code))
        return np.where(permit != "", permit + form, "")

    def skills(self, rng: np.random.Generator, code: np.ndarray,
               other: np.ndarray) -> np.ndarray:
        """Free-text skills: one or two of the occupation's, sometimes another's.

        Examples
        --------
        >>> pools = TextPools(["6-18-02-04"])
        >>> codes = np.zeros(20, dtype=int)
        >>> skills = pools.skills(np.random.default_rng(0), codes, codes)
        >>> 0 < sum(s != "" for s in skills) < 20
        True
        """
        n = len(code)
        first, second = self.skill.draw(rng, code), self.skill.draw(rng, code)
        cross = self.skill.draw(rng, other)
        lead = _choice(rng, ["", "会", "熟练", "能"], n)
        text = lead + first + np.where((second != first) & (rng.random(n) < 0.5),
                                       "、" + second, "")
        text = np.where((cross != "") & (rng.random(n) < 0.2), text + "，" + cross, text)
        extra = _choice(rng, ["", "", "", "，驾驶证C1", "，会电脑办公", "，能看懂图纸"], n)
        return np.where((first == "") | (rng.random(n) < 0.15), "", text + extra)
