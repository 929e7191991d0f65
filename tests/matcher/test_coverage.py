"""Coverage of Dazhou's key-industry occupations by the bundled taxonomy."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

import pytest

from matcher import Normalizer, Taxonomy
from matcher.taxonomy import data_dir


def _industry_codes() -> list[str]:
    with (data_dir() / "taxonomy" / "industries.csv").open(encoding="utf-8") as f:
        return sorted({row["code"] for row in csv.DictReader(f)})


INDUSTRY_CODES = _industry_codes()


def test_every_key_industry_occupation_is_well_labelled() -> None:
    taxonomy = Taxonomy.default()
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for label in taxonomy.labels:
        kinds[label.code][label.kind] += 1
    thin = [
        code for code in INDUSTRY_CODES
        if sum(kinds[code].values()) < 8 or not kinds[code]["english"] or not kinds[code]["skill"]
    ]
    assert thin == []


@pytest.mark.parametrize("code", INDUSTRY_CODES)
def test_official_name_reads_as_itself(norm: Normalizer, code: str) -> None:
    m = norm.normalize(norm.taxonomy[code].name)
    assert m is not None and m.code == code and m.score >= 95


def test_curated_labels_read_back_as_their_occupation(norm: Normalizer) -> None:
    codes_of: dict[str, set[str]] = defaultdict(set)
    for label in norm.taxonomy.labels:
        if label.kind in ("colloquial", "skill", "permit", "english"):
            codes_of[label.text].add(label.code)
    checked = {text: codes for text, codes in codes_of.items() if codes & set(INDUSTRY_CODES)}
    wrong = [t for t, codes in checked.items()
             if (m := norm.normalize(t)) is None or m.code not in codes]
    assert len(checked) > 1000
    assert len(wrong) / len(checked) < 0.01, wrong[:20]
