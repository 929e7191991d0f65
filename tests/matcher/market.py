"""A tiny hand-made market for the matching tests: every expectation can be worked out."""

from __future__ import annotations

import pandas as pd

ENTERPRISES = pd.DataFrame({
    "enterprise_id": ["E1", "E2"],
    "name": ["宣汉某锂电材料有限公司", "达川某机械有限公司"],
    "industry": ["锂钾综合利用", "智能装备制造"],
    "area": ["宣汉县", "达川区"],
})
COURSES = pd.DataFrame({
    "course_id": ["C1", "C2"],
    "occupation_code": ["6-18-02-04", "6-31-01-03"],
    "target_level": ["四级/中级工", "五级/初级工"],
    "order_enterprise_id": ["E2", ""],
})
POSTINGS = pd.DataFrame({
    "posting_id": ["P1", "P2", "P3"],
    "enterprise_id": ["E2", "E2", "E1"],
    "title": ["急招电焊工3名 包吃住", "电工 长白班", "锂冶炼工"],
    "requirements": ["持焊工证，中级以上，会氩弧焊优先", "持低压电工证", "三级以上"],
    "headcount": [3, 1, 2],
    "wage_min": [5000, 4500, 6000],
    "wage_max": [8000, 6000, 9000],
    "area": ["达川区", "达川区", "宣汉县"],
    "min_level": ["", "", ""],
    "opened": ["2026-03-01", "2026-03-01", "2026-03-01"],
    "closes": ["2026-06-01", "2026-06-01", "2026-06-01"],
    "status": ["open", "open", "open"],
})
TRAINEES = pd.DataFrame({
    "trainee_id": ["T1", "T2", "T3", "T4", "T5", "T6"],
    "masked_name": ["张*", "李*", "王*", "赵*", "刘*", "陈*"],
    "area": ["达川区", "通川区", "达川区", "万源市", "达川区", "宣汉县"],
    "course_id": ["C1", "C1", "C1", "C1", "C2", ""],
    "graduation_date": ["2026-01-15"] * 6,
    "certificates": ["焊工 四级/中级工", "焊工 五级/初级工", "焊工 三级/高级工", "焊工 四级/中级工",
                     "电工 五级/初级工；低压电工证", "锂冶炼工 四级/中级工"],
    "skills": ["会氩弧焊", "", "", "会氩弧焊", "", ""],
    "preferred_areas": ["不限", "通川区、达川区", "达川区", "万源市", "不限", "不限"],
    "expected_wage": [6000, 5500, 7000, 6000, 5000, 7000],
    "status": ["seeking", "seeking", "placed", "seeking", "seeking", "seeking"],
    "consent": ["true", "true", "true", "true", "false", "true"],
    "contact": ["10090000001"] * 6,
})
