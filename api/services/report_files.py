"""The reports as files: Excel workbooks with Chinese headers, and the annual report as
one self-contained, printable HTML page with inline SVG charts (no scripts, no
external resources: it opens offline and prints on A4).

The annual workbook prints too (A4 landscape, one page wide, a title row above the
data, the header repeated on each page); its shares are numbers shown as percentages,
"—" where there is nothing to divide by. A year with no training target (outside the
plan) says 无目标 in both formats, never met."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd

from matcher.workbooks import workbook

__all__ = ["VERDICTS", "annual_html", "annual_xlsx", "demand_xlsx", "verdict"]

_SURVEY_COLUMNS = {"industry": "产业", "key_industry": "重点产业", "occupation_code": "职业编码",
                   "occupation": "职业", "level_label": "等级要求", "area": "区域",
                   "postings": "岗位数", "demanded": "需求人数", "filled": "已录用",
                   "open": "在招缺口", "supply_graduates": "求职结业学员",
                   "supply_soon": "下季度结业学员", "gap": "供需缺口"}
_COURSE_COLUMNS = {"occupation_code": "职业编码", "occupation": "职业", "level_label": "培训等级",
                   "area": "区域", "size": "建议规模（人）", "industries": "所属产业",
                   "enterprises": "订单企业"}
_TOTAL_LABELS = {"postings_opened": "新发布岗位数", "demanded": "需求人数", "filled": "已录用人数",
                 "open": "在招缺口", "seeking_graduates": "求职中的结业学员",
                 "in_courses_ending_soon": "下季度结业的在训学员",
                 "supply_attributed": "可对应岗位的供给", "surplus": "未对应岗位的供给",
                 "gap": "供需缺口", "key_industry_gap": "其中重点产业缺口",
                 "suggested_course_places": "建议订单式培训规模（人）",
                 "key_industry_gap_unread": "其中职业未识别、无培训建议的重点产业缺口"}


_SHARES = ("完成率", "培训就业匹配率", "通过匹配就业占比", "需求满足率")
NO_TARGET = "无目标"
#: A target of a plan year that has not begun.
NOT_DUE = "未到期"
#: Cells that judge nothing (no share, no target, not due): grey in the HTML tables.
_NOT_JUDGED = {"—", NO_TARGET, NOT_DUE}

#: How a goal reads: met, missed, or not judged (no one to judge it on).
VERDICTS = {True: "已达到", False: "未达到", None: "无数据，不判定"}


def verdict(meets: bool, share: float | None) -> bool | None:
    """A goal's verdict for display: None (not judged) when there is no share, i.e.
    no one to judge it on, else ``meets``.

    >>> verdict(False, None), verdict(False, 0.5), verdict(True, 0.9)
    (None, False, True)
    """
    return None if share is None else meets


#: How the city level (达州市, the annex's 市本级) reads beside the city total (全市).
CITY_LEVEL = "市本级（达州市）"


def _area_label(area: str) -> str:
    """An area as the report's tables and charts name it: the city level as 市本级, so
    that it is not taken for the city total.

    >>> _area_label("达州市"), _area_label("通川区")
    ('市本级（达州市）', '通川区')
    """
    return CITY_LEVEL if area == "达州市" else area


def _yes_no(meets: bool, share: float | None) -> str:
    """是 / 否 in the area table; "—" when there is no share to judge."""
    judged = verdict(meets, share)
    return "—" if judged is None else "是" if judged else "否"


def _workbook(sheets: Sequence[tuple[str, pd.DataFrame]], **layout: Any) -> bytes:
    return workbook(sheets, fit_widths=True, **layout)


def _courses_frame(courses: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [{**c, "industries": "、".join(c["industries"]),
             "enterprises": "、".join(e["name"] for e in c["enterprises"])} for c in courses]
    return pd.DataFrame(rows, columns=list(_COURSE_COLUMNS)).rename(columns=_COURSE_COLUMNS)


def demand_xlsx(survey: dict[str, Any]) -> bytes:
    """The demand survey: the cells, the suggested courses and the totals."""
    cells = pd.DataFrame(survey["rows"], columns=list(_SURVEY_COLUMNS))
    cells["key_industry"] = cells["key_industry"].map({True: "是", False: "否"})
    totals = pd.DataFrame([(_TOTAL_LABELS[k], v) for k, v in survey["totals"].items()],
                          columns=["项目", "数值"])
    notes = pd.DataFrame({"说明": [f"期间：{survey['period']}（{survey['start']} 至 "
                                   f"{survey['end']}）", *survey["notes"]]})
    return _workbook([("需求摸排", cells.rename(columns=_SURVEY_COLUMNS)),
                      ("订单式培训建议", _courses_frame(survey["suggested_courses"])),
                      ("汇总", totals), ("说明", notes)])


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _reached(training: dict[str, Any] | None) -> str:
    if training is None:
        return "—"
    if not training.get("has_target", True):
        return NO_TARGET
    return "是" if training["meets_target"] else "否"


def _area_rows(report: dict[str, Any], *, as_text: bool = True) -> list[dict[str, Any]]:
    """One row per area and the city; shares as text (``12.3%``) or, with ``as_text``
    false, as numbers (``0.123``; "—" where there is no share)."""
    def share(value: float | None) -> float | str:
        return _pct(value) if as_text or value is None else value

    out = []
    for a in [*report["areas"], report["city"]]:
        t, p, s = a["training"], a["placement"], a["supply"]
        out.append({
            "区域": _area_label(a["area"]), "培训人次": t["trained"] if t else None,
            "目标人次": t["target"] if t else None, "完成率": share(t["share"]) if t else "—",
            "达到培训目标": (NO_TARGET if not report.get("plan_year", True) else NOT_DUE
                       if report.get("future") and t else _reached(t)),
            "结业学员": p["graduates"], "已就业（有录用记录）": p["placed"],
            "状态为已就业": p["placed_by_status"],
            "所学职业就业": p["placed_matching_training"],
            "培训就业匹配率": share(p["goal_share"]),
            "达到80%": _yes_no(p["meets_goal"], p["goal_share"]),
            "通过匹配就业": p["placed_through_matching"],
            "通过匹配就业占比": share(p["through_matching_share"]),
            "重点产业需求人数": s["demand"], "已满足": s["met"],
            "需求满足率": share(s["satisfaction"]),
            "达到90%": _yes_no(s["meets_goal"], s["satisfaction"])})
    return out


def annual_xlsx(report: dict[str, Any]) -> bytes:
    """The annual report: per area and the city, the shortages, the suggested courses."""
    shortages = pd.DataFrame(report["shortages"], columns=list(_SURVEY_COLUMNS))
    shortages["key_industry"] = shortages["key_industry"].map({True: "是", False: "否"})
    notes = pd.DataFrame({"说明": [report["title"], f"生成日期：{report['generated']}",
                                   *report["notes"]]})
    return _workbook([("分区域指标", pd.DataFrame(_area_rows(report, as_text=False))),
                      ("最大缺口", shortages.rename(columns=_SURVEY_COLUMNS)),
                      ("订单式培训建议", _courses_frame(report["suggested_courses"])),
                      ("说明", notes)],
                     titles={"分区域指标": f"{report['title']}：分区域指标"
                                          f"（生成日期 {report['generated']}）"},
                     number_formats=dict.fromkeys(_SHARES, "0.0%"), print_ready=True)


# -- HTML ---------------------------------------------------------------------------------

def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def bar_chart(title: str, bars: Sequence[tuple[str, float, float | None]], *,
              goal: float | None = None, percent: bool = False, width: int = 720) -> str:
    """A horizontal bar chart as inline SVG: (label, value, target or None) per bar.

    A target draws a marker on its bar; ``goal`` a dashed line across all bars.
    """
    row, right, top = 26, 70, 34
    # CJK glyphs are about 12 px wide at this size: room for the longest label.
    left = min(max(12 * max((len(label) for label, *_ in bars), default=0) + 16, 80), 300)
    height = top + row * len(bars) + 12
    peak = max([v for _, v, _ in bars] + [t or 0 for *_, t in bars] + [goal or 0, 1e-9])
    if percent:
        peak = max(peak, 1.0)
    scale = (width - left - right) / peak
    parts = [f'<svg class="chart" role="img" aria-label="{_e(title)}" '
             f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet">',
             f'<title>{_e(title)}</title>',
             f'<text x="0" y="18" class="chart-title">{_e(title)}</text>']
    for i, (label, value, target) in enumerate(bars):
        y = top + i * row
        shown = f"{value:.0%}" if percent else f"{value:,.0f}"
        meets = target is None or value >= target
        if goal is not None:
            meets = value >= goal
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{_e(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{max(value * scale, 0):.1f}" '
                     f'height="16" class="{"bar ok" if meets else "bar short"}"/>')
        parts.append(f'<text x="{left + max(value * scale, 0) + 4:.1f}" y="{y + 15}">'
                     f'{shown}</text>')
        if target is not None:
            x = left + target * scale
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 22}" '
                         f'class="target"><title>目标 {target:,.0f}</title></line>')
    if goal is not None:
        x = left + goal * scale
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" y2="{height - 8}" '
                     f'class="goal"/><text x="{x + 3:.1f}" y="{top - 8}" class="goal-label">'
                     f'目标 {goal:.0%}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(rows: list[dict[str, Any]], *, total: bool = False) -> str:
    """A table; with ``total`` its last row is the total (bold)."""
    if not rows:
        return "<p class=\"empty\">（无）</p>"
    head = "".join(f"<th>{_e(c)}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(
        f'<td class="na-text">{_e(v)}</td>' if v in _NOT_JUDGED else f"<td>{_e(v)}</td>"
        for v in r.values()) + "</tr>" for r in rows)
    css = ' class="totals"' if total else ""
    return f"<table{css}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;
color:#222;max-width:1100px}
h1{font-size:1.5em;border-bottom:2px solid #2b5d9b;padding-bottom:.3em}
h2{font-size:1.15em;color:#2b5d9b;margin-top:1.6em}
.cards{display:flex;gap:1em;flex-wrap:wrap}
.card{border:1px solid #ccd;border-radius:6px;padding:.7em 1em;min-width:14em}
.card b{font-size:1.5em;display:block}.ok-text{color:#2e7d32}.short-text{color:#c62828}
.na-text{color:#777}
table{border-collapse:collapse;width:100%;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left}th{background:#eef2f8}
table.totals tbody tr:last-child{font-weight:bold}
.chart{max-width:760px;display:block;margin:.8em 0;font-size:12px}
.chart-title{font-weight:bold;font-size:13px}
.bar.ok{fill:#4a8fd6}.bar.short{fill:#e08a3c}.target{stroke:#222;stroke-width:2}
.goal{stroke:#c62828;stroke-dasharray:4 3}.goal-label{fill:#c62828}
.notes{font-size:.8em;color:#555}
@media print{body{margin:0;max-width:none}.chart,table,.card{page-break-inside:avoid}
h2{page-break-after:avoid}@page{size:A4;margin:15mm}}
"""


def _card(label: str, value: str, detail: str, ok: bool | None) -> str:
    """A headline figure: green when its goal is met, red when not, grey (``ok`` None)
    when there is no goal to judge."""
    css = "na-text" if ok is None else "ok-text" if ok else "short-text"
    return (f'<div class="card">{_e(label)}<b class="{css}">{_e(value)}</b>'
            f'{_e(detail)}</div>')


def annual_html(report: dict[str, Any]) -> str:
    """The annual report as one printable HTML page with four inline SVG charts."""
    city, areas = report["city"], report["areas"]
    t, p, s = city["training"], city["placement"], city["supply"]
    training_card = (
        _card("培训人次 / 目标", f"{t['trained']:,} / {t['target']:,}",
              f"完成率 {_pct(t['share'])}" + ("；年度尚未开始，不判定" if report.get("future")
                                             else ""),
              None if report.get("future") else t["meets_target"])
        if t.get("has_target", True) else
        _card("培训人次 / 目标", f"{t['trained']:,} / {NO_TARGET}",
              f"{report['year']}年不在实施方案目标年度内，不判定完成", None))
    cards = "".join([
        training_card,
        _card("培训就业匹配率", _pct(p["goal_share"]),
              f"{p['placed_matching_training']} / {p['graduates']} 人；目标 ≥ 80%；通过匹配就业 "
              f"{p['placed_through_matching']} / {p['placed']} 人",
              verdict(p["meets_goal"], p["goal_share"])),
        _card("重点产业需求满足率", _pct(s["satisfaction"]),
              f"{s['met']} / {s['demand']} 人；目标 ≥ 90%",
              verdict(s["meets_goal"], s["satisfaction"]))])
    trained = [(_area_label(a["area"]), float(a["training"]["trained"]),
                float(a["training"]["target"]))
               for a in areas if a["training"]]
    placed = [(_area_label(a["area"]), a["placement"]["goal_share"] or 0.0, None)
              for a in areas if a["placement"]["graduates"]]
    supplied = [(_area_label(a["area"]), a["supply"]["satisfaction"] or 0.0, None)
                for a in areas if a["supply"]["demand"]]
    gaps = [(f"{r['occupation']}·{r['area']}", float(r["gap"]), None)
            for r in report["shortages"]]
    charts = {
        "training": bar_chart("各区域培训人次（竖线为附件目标）", trained)
        if trained else f"<p class=\"empty\">{_e(report['year'])}年无附件目标</p>",
        "placement": bar_chart("各区域培训就业匹配率", placed, goal=0.8, percent=True)
        if placed else "<p class=\"empty\">本年度尚无结业学员</p>",
        "supply": bar_chart("各区域重点产业需求满足率", supplied, goal=0.9, percent=True)
        if supplied else "<p class=\"empty\">本年度无重点产业岗位</p>",
        "shortages": bar_chart("最大缺口（人）", gaps)
        if gaps else "<p class=\"empty\">无缺口</p>"}
    shortage_rows = [{"产业": r["industry"], "职业": r["occupation"], "等级": r["level_label"],
                      "区域": r["area"], "需求": r["demanded"], "在招缺口": r["open"],
                      "可对应供给": r["supply_graduates"] + r["supply_soon"], "缺口": r["gap"]}
                     for r in report["shortages"]]
    course_rows = [{"职业": c["occupation"], "等级": c["level_label"], "区域": c["area"],
                    "建议规模": c["size"], "产业": "、".join(c["industries"]),
                    "订单企业": "、".join(e["name"] for e in c["enterprises"])}
                   for c in report["suggested_courses"]]
    notes = "".join(f"<li>{_e(n)}</li>" for n in report["notes"])
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(report['title'])}</title><style>{_CSS}</style></head>
<body>
<h1>{_e(report['title'])}</h1>
<p>生成日期：{_e(report['generated'])}</p>
<h2>一、全市概况</h2><div class="cards">{cards}</div>
<h2>二、分区域指标</h2>{_table(_area_rows(report), total=True)}
<h2>三、培训人次对照目标</h2>{charts['training']}
<h2>四、培训就业匹配率（目标 ≥ 80%）</h2>{charts['placement']}
<h2>五、重点产业需求满足率（目标 ≥ 90%）</h2>{charts['supply']}
<h2>六、最大缺口</h2>{charts['shortages']}{_table(shortage_rows)}
<h2>七、订单式培训建议</h2>{_table(course_rows)}
<h2>说明</h2><ul class="notes">{notes}</ul>
</body></html>
"""
