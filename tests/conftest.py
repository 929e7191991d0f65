"""Shared fixtures: a tiny taxonomy built in code, and the bundled default normalizer."""

from __future__ import annotations

import pytest

from matcher import Label, Normalizer, Occupation, Taxonomy


@pytest.fixture(scope="session")
def tiny_taxonomy() -> Taxonomy:
    """Three occupations in two groups, with a skill, a permit and an English label."""
    occupations = [
        Occupation("6", "生产制造及有关人员", level=1),
        Occupation("6-18", "机械制造基础加工人员", level=2, parent="6"),
        Occupation("6-18-02", "机械热加工人员", level=3, parent="6-18"),
        Occupation("6-18-02-04", "焊工", parent="6-18-02"),
        Occupation("6-31", "机械设备修理人员", level=2, parent="6"),
        Occupation("6-31-01", "机械设备修理人员", level=3, parent="6-31"),
        Occupation("6-31-01-03", "电工", parent="6-31-01"),
        Occupation("6-31-01-02", "机修钳工", parent="6-31-01"),
    ]
    labels = [
        Label("电焊工", "6-18-02-04", "colloquial"),
        Label("氩弧焊", "6-18-02-04", "skill"),
        Label("低压电工作业", "6-31-01-03", "permit"),
        Label("welder", "6-18-02-04", "english"),
        Label("设备维修钳工", "6-31-01-02", "job_board"),
    ]
    return Taxonomy(occupations, labels, noise_terms=["包吃住", "长白班", "吃苦耐劳"])


@pytest.fixture(scope="session")
def tiny(tiny_taxonomy: Taxonomy) -> Normalizer:
    return Normalizer(tiny_taxonomy)


@pytest.fixture(scope="session")
def norm() -> Normalizer:
    return Normalizer.default()
