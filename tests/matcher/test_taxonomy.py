"""The bundled 2022 classification, and taxonomies built from other tables."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from matcher import (
    Label,
    MatcherError,
    Occupation,
    Taxonomy,
    TaxonomyError,
    UnknownCodeError,
)

INDUSTRIES_CSV = Path(__file__).resolve().parents[2] / "data" / "taxonomy" / "industries.csv"


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return Taxonomy.default()


def test_default_has_1639_occupations(tax: Taxonomy) -> None:
    assert len(tax) == 1639


def test_default_is_cached() -> None:
    assert Taxonomy.default() is Taxonomy.default()


@pytest.mark.parametrize(
    ("code", "name", "digital"),
    [
        ("6-18-02-04", "焊工", False),
        ("6-31-01-03", "电工", False),
        ("6-11-01-03", "化工总控工", True),
    ],
    ids=["welder", "electrician", "chemical-control"],
)
def test_2022_codes(tax: Taxonomy, code: str, name: str, digital: bool) -> None:
    assert code in tax
    occ = tax[code]
    assert (occ.code, occ.name, occ.level, occ.digital) == (code, name, 4, digital)


def test_occupation_names_are_labels(tax: Taxonomy) -> None:
    names = {(label.text, label.code) for label in tax.labels if label.kind == "name"}
    assert ("焊工", "6-18-02-04") in names
    assert len(names) == len(tax)


def test_ancestors_nearest_first(tax: Taxonomy) -> None:
    ancestors = tax.ancestors("6-18-02-04")
    assert [(a.code, a.level) for a in ancestors] == [("6-18-02", 3), ("6-18", 2), ("6", 1)]


def test_ancestors_of_a_major_group_is_empty(tax: Taxonomy) -> None:
    assert tax.ancestors("6") == []


def test_descendants_of_a_group(tax: Taxonomy) -> None:
    codes = tax.descendants("6-18-02")
    assert "6-18-02-04" in codes
    assert len(codes) == len(set(codes)) > 1
    assert all(code.startswith("6-18-02-") and tax[code].level == 4 for code in codes)


def test_descendants_of_an_occupation_is_itself(tax: Taxonomy) -> None:
    assert tax.descendants("6-18-02-04") == ["6-18-02-04"]


def test_descendants_of_major_groups_cover_every_occupation(tax: Taxonomy) -> None:
    majors = [occ.code for occ in tax.occupations.values() if occ.level == 1]
    covered = [code for major in majors for code in tax.descendants(major)]
    assert len(covered) == len(set(covered)) == len(tax)


@pytest.mark.parametrize(
    "method",
    [lambda t, c: t[c], lambda t, c: t.ancestors(c), lambda t, c: t.descendants(c)],
    ids=["getitem", "ancestors", "descendants"],
)
def test_unknown_code(tax: Taxonomy, method: Callable[[Taxonomy, str], object]) -> None:
    with pytest.raises(UnknownCodeError, match=r"^no occupation with code '9-99-99-99'$"):
        method(tax, "9-99-99-99")
    assert "9-99-99-99" not in tax


def test_unknown_code_is_a_key_error_with_readable_message(tax: Taxonomy) -> None:
    with pytest.raises(KeyError) as info:
        tax["0-00"]
    assert isinstance(info.value, UnknownCodeError)
    assert str(info.value) == "no occupation with code '0-00'"  # not quoted like KeyError


def test_every_label_names_an_existing_code(tax: Taxonomy) -> None:
    missing = sorted({label.code for label in tax.labels if label.code not in tax})
    assert missing == []
    assert len(tax.labels) > len(tax)  # curated labels beyond the official names


def _industry_rows() -> list[dict[str, str]]:
    with INDUSTRIES_CSV.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_industry_codes_are_occupations_with_the_same_name(tax: Taxonomy) -> None:
    rows = _industry_rows()
    assert rows
    wrong = [
        (row["code"], row["name"])
        for row in rows
        if row["code"] not in tax
        or tax[row["code"]].level != 4
        or tax[row["code"]].name != row["name"]
    ]
    assert wrong == []


# --- from_table -------------------------------------------------------------------

ROWS = [
    {"code": "W1", "label": "welder", "alt": "welding operator|fabricator"},
    {"code": "E1", "label": "electrician", "alt": None},
]


@pytest.mark.parametrize("table", [ROWS, pd.DataFrame(ROWS)], ids=["list-of-dicts", "dataframe"])
def test_from_table(table: object) -> None:
    tax = Taxonomy.from_table(table, alt_labels="alt")
    assert len(tax) == 2
    assert tax["W1"] == Occupation("W1", "welder")
    assert sorted((label.text, label.code, label.kind) for label in tax.labels) == [
        ("electrician", "E1", "name"),
        ("fabricator", "W1", "alt_name"),
        ("welder", "W1", "name"),
        ("welding operator", "W1", "alt_name"),
    ]


def test_from_table_numeric_codes_from_dataframe() -> None:
    tax = Taxonomy.from_table(
        pd.DataFrame({"id": [7, 8], "title": ["fitter", "turner"]}), code="id", label="title"
    )
    assert tax["7"].name == "fitter"
    assert tax["8"].name == "turner"


def test_from_table_custom_separator_and_kind() -> None:
    tax = Taxonomy.from_table(
        [{"code": "1", "label": "焊工", "alt": " 电焊工 ; 气焊工 ;; "}],
        alt_labels="alt",
        sep=";",
        kind="colloquial",
    )
    assert [(label.text, label.kind) for label in tax.labels] == [
        ("焊工", "name"),
        ("电焊工", "colloquial"),
        ("气焊工", "colloquial"),
    ]


def test_from_table_duplicate_code_rows_add_labels() -> None:
    tax = Taxonomy.from_table(
        [
            {"code": "1", "label": "welder"},
            {"code": "1", "label": "welding operator"},
            {"code": "1", "label": "welder"},
        ]
    )
    assert len(tax) == 1
    assert tax["1"].name == "welder"
    assert [(label.text, label.kind) for label in tax.labels] == [
        ("welder", "name"),
        ("welding operator", "alt_name"),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"code": "1", "label": "welder"}, {"label": "fitter"}], r"row 1: needs columns 'code'"),
        ([{"code": "1", "name": "welder"}], r"row 0: needs columns 'code' and 'label'"),
        (
            [{"code": "1", "label": "a"}, {"code": "2", "label": "b"}, {"code": " ", "label": "c"}],
            r"row 2: empty",
        ),
        ([{"code": "1", "label": ""}], r"row 0: empty"),
    ],
    ids=["missing-code", "missing-label", "empty-code", "empty-label"],
)
def test_from_table_bad_rows(rows: list[dict[str, str]], message: str) -> None:
    with pytest.raises(TaxonomyError, match=message):
        Taxonomy.from_table(rows)


# --- the constructor's checks -----------------------------------------------------


def test_label_naming_unknown_code() -> None:
    with pytest.raises(TaxonomyError, match=r"label 'welding' names unknown code 'X'"):
        Taxonomy([Occupation("1", "welder")], [Label("welding", "X")])


def test_label_with_unknown_kind() -> None:
    with pytest.raises(TaxonomyError, match=r"unknown kind 'nickname'"):
        Taxonomy([Occupation("1", "welder")], [Label("welding", "1", "nickname")])


def test_duplicate_occupation_codes() -> None:
    with pytest.raises(TaxonomyError, match=r"duplicate occupation code '1'"):
        Taxonomy([Occupation("1", "welder"), Occupation("1", "fitter")])


def test_taxonomy_errors_are_matcher_errors() -> None:
    assert issubclass(TaxonomyError, MatcherError)
    assert issubclass(UnknownCodeError, MatcherError)
    assert issubclass(UnknownCodeError, KeyError)


def test_groups_are_not_counted_and_blank_labels_dropped() -> None:
    tax = Taxonomy(
        [Occupation("6", "production", level=1), Occupation("6-1", "welder", parent="6")],
        [Label("   ", "6-1"), Label("welding", "6-1")],
        noise_terms=["包吃住", " "],
    )
    assert len(tax) == 1
    assert [label.text for label in tax.labels] == ["welder", "welding"]
    assert tax.noise_terms == ("包吃住",)
    assert tax.descendants("6") == ["6-1"]
