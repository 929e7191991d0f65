"""The synthetic market: deterministic, shaped like the plan, and readable by the normalizer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matcher import Normalizer
from matcher.industries import KEY_INDUSTRIES, load_industries
from matcher.sample import SCALES, TABLES, generate_market, run_sample_command, write_market
from matcher.sample_people import allocate, load_annex_targets
from matcher.schema_tables import FAKE_PHONE_PREFIX
from matcher.schemas import FORBIDDEN_COLUMNS, SCHEMAS

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return generate_market("demo", seed=20250101)


@pytest.fixture(scope="module")
def mid() -> dict[str, pd.DataFrame]:
    return generate_market(30_000, seed=4)


def test_demo_regenerates_the_committed_sample_byte_for_byte(tmp_path: Path) -> None:
    run_sample_command("demo", out=tmp_path)  # what `talentmatch sample --scale demo` runs
    committed = sorted(p.name for p in SAMPLE.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_committed_sample_is_small_and_labelled_synthetic() -> None:
    assert sum(p.stat().st_size for p in SAMPLE.iterdir()) < 2_000_000
    manifest = json.loads((SAMPLE / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True
    assert (manifest["scale"], manifest["seed"]) == ("demo", 20250101)
    assert "synthetic" in (SAMPLE / "README.md").read_text(encoding="utf-8").lower()


def test_written_tables_are_byte_identical_across_runs(tmp_path: Path,
                                                       demo: dict[str, pd.DataFrame]) -> None:
    first, second = write_market(demo, tmp_path / "a"), write_market(demo, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


@pytest.mark.parametrize("table", TABLES, ids=TABLES)
def test_same_seed_same_tables(table: str) -> None:
    a, b = generate_market(500, seed=9), generate_market(500, seed=9)
    pd.testing.assert_frame_equal(a[table], b[table])


@pytest.mark.parametrize("table", ["enterprises", "postings", "trainees"],
                         ids=["enterprises", "postings", "trainees"])
def test_different_seed_different_tables(table: str) -> None:
    a, b = generate_market(500, seed=9), generate_market(500, seed=10)
    assert not a[table].equals(b[table])


@pytest.mark.parametrize(
    ("scale", "trainees", "postings"),
    [("demo", 1_200, 300), ("plan", 3_500, 1_000), (777, 777, 38), ("2000", 2_000, 100)],
    ids=["demo", "plan", "int", "digits"],
)
def test_scales(scale: str | int, trainees: int, postings: int) -> None:
    market = generate_market(scale, seed=1)
    assert (len(market["trainees"]), len(market["postings"])) == (trainees, postings)


def test_large_scale_is_a_million_by_fifty_thousand() -> None:
    assert (SCALES["large"].trainees, SCALES["large"].postings) == (1_000_000, 50_000)


def test_numpy_integer_scale() -> None:
    assert len(generate_market(np.int64(120), seed=1)["trainees"]) == 120


@pytest.mark.parametrize("scale", ["huge", 0, -5, 2.5, True],
                         ids=["name", "zero", "negative", "float", "bool"])
def test_bad_scale(scale: str | int) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_market(scale, seed=1)


def test_trainees_per_area_and_year_follow_the_annex(mid: dict[str, pd.DataFrame]) -> None:
    targets = load_annex_targets()
    trainees = mid["trainees"]
    # a course starting late in the year may end in January: count by course start year
    start = mid["courses"].set_index("course_id")["start_date"].dt.year
    year = trainees["course_id"].map(start)
    observed = pd.crosstab(trainees["area"], year).reindex_like(targets)
    expected = targets / targets.to_numpy().sum() * len(trainees)
    assert np.abs(observed - expected).to_numpy().max() <= 1
    assert year.notna().all()


def test_plan_scale_is_one_plan_year() -> None:
    plan = generate_market("plan", seed=2)
    per_area = plan["trainees"]["area"].value_counts()
    assert per_area.to_dict() == load_annex_targets()[2025].to_dict()


def test_key_industries_dominate_postings(mid: dict[str, pd.DataFrame]) -> None:
    industry = mid["postings"]["enterprise_id"].map(
        mid["enterprises"].set_index("enterprise_id")["industry"])
    share = industry.isin(KEY_INDUSTRIES).mean()
    print(f"key-industry share of postings: {share:.1%}")
    assert share >= 0.8


def test_enterprises_sit_where_their_industry_sits(mid: dict[str, pd.DataFrame]) -> None:
    where = {i.name: set(i.areas) for i in load_industries()}
    enterprises = mid["enterprises"]
    assert all(a in where[i] for i, a in zip(enterprises["industry"], enterprises["area"],
                                             strict=True))
    lithium = enterprises[enterprises["industry"] == "锂钾综合利用"]["area"]
    assert (lithium == "宣汉县").mean() > 0.5


def test_wages_are_plausible_for_dazhou(mid: dict[str, pd.DataFrame]) -> None:
    postings, trainees = mid["postings"], mid["trainees"]
    assert postings["wage_min"].between(3_000, 12_000).all()
    assert 4_000 <= postings["wage_min"].median() <= 7_000
    assert (postings["wage_max"] > postings["wage_min"]).all()
    assert 3_000 <= trainees["expected_wage"].median() <= 7_000


def test_order_based_courses_are_ordered_by_key_enterprises(
        mid: dict[str, pd.DataFrame]) -> None:
    courses = mid["courses"]
    ordered = courses[courses["order_enterprise_id"] != ""]
    assert 0.1 <= len(ordered) / len(courses) <= 0.3
    key = mid["enterprises"].set_index("enterprise_id")["key_enterprise"]
    assert key[ordered["order_enterprise_id"]].all()


def test_personal_data_is_masked_fake_and_minimal(mid: dict[str, pd.DataFrame]) -> None:
    trainees = mid["trainees"]
    assert trainees["masked_name"].str.fullmatch(r"[\u4e00-\u9fff]{1,2}\*{1,2}").all()
    assert trainees["contact"].str.fullmatch(FAKE_PHONE_PREFIX + r"\d{7}").all()
    for table in TABLES:
        assert not {c.lower() for c in mid[table].columns} & FORBIDDEN_COLUMNS


#: Optional columns the sample leaves out: the service's seeding sets the consent to
#: share the contact from the sample's own rule (``api.services.bootstrap``).
SAMPLE_LEAVES_OUT = {"consent_share_contact"}


@pytest.mark.parametrize("table", list(SCHEMAS), ids=list(SCHEMAS))
def test_import_tables_hold_only_schema_columns(demo: dict[str, pd.DataFrame],
                                                table: str) -> None:
    assert list(demo[table].columns) == [c.name for c in SCHEMAS[table].columns
                                         if c.name not in SAMPLE_LEAVES_OUT]
    assert all(not c.required for c in SCHEMAS[table].columns if c.name in SAMPLE_LEAVES_OUT)


def test_text_is_varied(mid: dict[str, pd.DataFrame]) -> None:
    titles = mid["postings"]["title"]
    certificates = mid["trainees"]["certificates"]
    assert titles.nunique() > 0.8 * len(titles)
    assert titles.str.contains(r"[A-Za-z]{4}").mean() > 0.02  # English now and then
    assert certificates.str.contains("[級證電]").mean() > 0.03  # traditional characters
    assert certificates.str.contains("国家职业资格").mean() > 0.03  # old forms
    assert certificates.str.contains("/").mean() > 0.1  # new label forms


def test_normalizer_reads_generated_text_to_the_truth(norm: Normalizer,
                                                      demo: dict[str, pd.DataFrame]) -> None:
    titles = demo["postings"]["title"].tolist()
    truth = demo["postings_truth"]["occupation_code"].tolist()
    title_hits = [m is not None and m.code == code
                  for m, code in zip(norm.normalize_many(titles), truth, strict=True)]
    certified = demo["trainees_truth"].dropna(subset=["level"])
    matches = norm.normalize_many(certified["certificate"].tolist())
    cert_hits = [m is not None and m.code == c
                 for m, c in zip(matches, certified["occupation_code"], strict=True)]
    level_hits = [m is not None and m.level == lv
                  for m, lv in zip(matches, certified["level"], strict=True)]
    print(f"normalizer agreement on generated text: titles {np.mean(title_hits):.1%}, "
          f"certificate occupations {np.mean(cert_hits):.1%}, "
          f"certificate levels {np.mean(level_hits):.1%}")
    assert np.mean(title_hits) >= 0.7
    assert np.mean(cert_hits) >= 0.7
    assert np.mean(level_hits) >= 0.7


def test_allocate_is_exact_and_proportional() -> None:
    counts = allocate(1_000, np.array([3.0, 2.0, 5.0]))
    assert counts.tolist() == [300, 200, 500]
    assert allocate(7, np.array([1.0, 1.0, 1.0]), minimum=2).sum() == 7


def test_run_sample_command_writes_and_summarizes(tmp_path: Path) -> None:
    summary = run_sample_command("150", seed=2, out=tmp_path)
    assert "150 rows" in summary.replace(",", "")
    assert (tmp_path / "MANIFEST.json").exists()
    assert len(pd.read_csv(tmp_path / "trainees.csv", encoding="utf-8-sig")) == 150
