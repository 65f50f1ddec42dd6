"""Packaged code tables (brainwaste/method/tables) and their loader, checked against the official
publications (vendored with the tests, or fetched by make test-data: tests/conftest.py)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from brainwaste.errors import InputError, SchemaError
from brainwaste.method import codetables
from tests.conftest import ROOT, load_script, official_folder, shared_file

DICTS = "pums_data_dictionaries"
TABLES = ROOT / "brainwaste" / "method" / "tables"
BUILD_SCRIPT = ROOT / "scripts" / "build_code_tables.py"
BLS_CSV = "occupation_crosswalks/bls_ep_table_5_4_education_training_by_occupation_2024.csv"

BUILD = load_script("scripts/build_code_tables.py")
# the dictionaries the build reads, each checked below with this file's own parser
DICTIONARIES_2018_CODES = BUILD.DICTS_2018_CODED
DICTIONARIES_2010_CODES = BUILD.DICTS_2010_CODED
NO_JOB_CODES = {"9800", "9810", "9825", "9830", "9920"}


def occp_values(path: Path) -> list[str]:
    """OCCP values listed in a PUMS data dictionary, blank excluded (own parser, independent of
    the build script's)."""
    text = path.read_text(encoding="latin-1")
    if path.suffix == ".csv":
        rows = csv.reader(text.splitlines())
        values = [r[4] for r in rows if len(r) > 4 and r[0] == "VAL" and r[1] == "OCCP"]
    else:
        block = re.search(r"^OCCP\s+Character\s+4\n(.*?)\n\n", text, re.S | re.M)
        assert block, f"OCCP not found in {path.name}"
        values = re.findall(r"^\s+(\S+)\s+\.", block.group(1), re.M)
    return [v for v in values if v != "bbbb"]


# --- (a) every dictionary OCCP value gets a tier under both schemes -----------------------------


@pytest.mark.parametrize("name", DICTIONARIES_2018_CODES)
def test_every_dictionary_occp_has_a_tier(name: str) -> None:
    codes = pd.Series(occp_values(shared_file(f"{DICTS}/{name}")))
    assert len(codes) == 530  # 531 values in every 2018-coded dictionary, less the blank
    for scheme in codetables.SCHEMES:
        tiers = codetables.skill_tier(codes, scheme)
        assert tiers.notna().all()
        assert set(tiers) <= {"low", "middle", "high", "none"}
        assert set(codes[tiers == "none"]) <= NO_JOB_CODES


def test_table_covers_census_list_and_no_tier_only_for_non_jobs() -> None:
    table = codetables.occupations()
    assert len(table) == 570 and table["occp"].is_unique
    assert table["occp"].str.fullmatch(r"\d{4}").all()
    for scheme in codetables.SCHEMES:
        column = table[f"tier_{scheme}"]
        assert set(column) == {"low", "middle", "high", "none"}
        assert set(table.loc[column == "none", "occp"]) == NO_JOB_CODES
    manual = table[table["tier_rule"] == "manual"]
    assert set(manual["occp"]) == NO_JOB_CODES and manual["note"].notna().all()


# --- (b) spot checks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("occp", "tier"),
    [
        ("3090", "high"),  # other physicians: doctoral or professional degree
        ("3255", "high"),  # registered nurses: bachelor's degree
        ("3500", "middle"),  # LPN/LVN: postsecondary nondegree award
        ("3601", "low"),  # home health aides: BLS 31-1120, high school diploma
        ("3602", "low"),  # personal care aides: BLS 31-1120, high school diploma
        # nursing assistants: BLS Table 5.4 gives 31-1131 "Postsecondary nondegree award", so the
        # table derives middle (not low, as aides are often assumed to be)
        ("3603", "middle"),
        ("4720", "low"),  # cashiers: no formal educational credential
        # driver/sales workers and truck drivers (53-3030): BLS gives 53-3031 and 53-3033 a high
        # school diploma, 53-3032 heavy truck drivers a postsecondary nondegree award; heavy
        # truck drivers hold 59% of the employment, so middle (a mixed code)
        ("9130", "middle"),
    ],
)
def test_bls_tier_spot_checks(occp: str, tier: str) -> None:
    assert codetables.skill_tier(pd.Series([occp])).tolist() == [tier]


@pytest.mark.parametrize(
    ("occp", "tier"),
    [("3090", "high"), ("3255", "high"), ("3500", "middle"), ("3601", "low"), ("4720", "low")],
)
def test_onet_tier_spot_checks(occp: str, tier: str) -> None:
    assert codetables.skill_tier(pd.Series([occp]), scheme="onet").tolist() == [tier]


def test_spot_check_education_and_rules() -> None:
    table = codetables.occupations().set_index("occp")
    assert table.loc["3603", "bls_education"] == "Postsecondary nondegree award"
    assert table.loc["3601", "tier_rule"] == "bls=broad;onet=exact"
    assert table.loc["3601", "bls_soc"] == "31-1120"
    # 29-12XX "other physicians" excludes the physicians listed under 3065 and 3070
    members = table.loc["3090", "bls_soc"].split()
    assert "29-1211" in members and "29-1214" not in members and "29-1224" not in members


def test_exact_bls_rows_follow_table_5_4() -> None:
    bls = pd.read_csv(shared_file(BLS_CSV), dtype=str)
    education = dict(zip(bls.iloc[:, 1].str.strip(), bls.iloc[:, 2].str.strip(), strict=True))
    tier_of = BUILD.EDUCATION_TIER  # the rule of docs/methodology.md, as the build applies it
    table = codetables.occupations()
    exact = table[table["tier_rule"].str.startswith("bls=exact")]
    assert len(exact) > 400
    for row in exact.itertuples():
        assert row.bls_education == education[row.soc]
        assert row.tier_bls == tier_of[education[row.soc]], row.occp


def test_health_groups() -> None:
    codes = pd.Series(["3000", "3090", "3550", "3601", "3655", "0010", None])
    expected = ["practitioner", "practitioner", "practitioner", "support", "support", "other"]
    assert codetables.health_group(codes).tolist()[:6] == expected
    assert codetables.health_group(codes).isna().tolist()[6]


# --- (c) degrees ---------------------------------------------------------------------------------


def test_health_degree_sets() -> None:
    core = codetables.health_degree_codes("core")
    broad = codetables.health_degree_codes("broad")
    assert len(core) == 11 and len(broad) == 15 and core < broad
    assert "6101" not in core and {"6100", "6199"} <= core
    assert broad - core == {"3607", "3611", "4002", "5102"}
    groups = codetables.degree_field_group(pd.Series(["6107", "6106", "6100", "6108", "6102"]))
    assert groups.tolist() == [
        "nursing",
        "medicine_premed",
        "medicine_premed",
        "pharmacy",
        "other_health",
    ]
    assert codetables.health_degrees().set_index("fod").loc["6107", "title"] == "Nursing"


def test_degree_field_group_outside_set_is_na() -> None:
    fod = pd.Series(["3607", "1100", None, ""], index=[10, 11, 12, 13])
    core = codetables.degree_field_group(fod, "core")
    assert core.isna().all() and core.index.tolist() == [10, 11, 12, 13]
    assert codetables.degree_field_group(fod, "broad").tolist()[0] == "other_health"


def test_degree_fields_label_every_health_code() -> None:
    fields = codetables.degree_fields()
    assert fields["fod"].is_unique and len(fields) > 150
    assert codetables.health_degree_codes("broad") <= set(fields["fod"])


# --- (d) 2010 -> 2018 ----------------------------------------------------------------------------


def test_convert_health_codes_2010() -> None:
    converted = codetables.convert_occp_2010_to_2018(pd.Series(["3060", "3600", "3255", None]))
    physicians, aides, nurses, blank = converted.tolist()
    assert physicians in {"3065", "3070", "3090", "3100"}
    assert aides in {"3601", "3603", "3605"}
    assert nurses == "3255" and pd.isna(blank)
    assert codetables.health_group(pd.Series([physicians, aides])).tolist() == [
        "practitioner",
        "support",
    ]
    crosswalk = codetables.crosswalk_2010_to_2018().set_index("occp2010")
    assert crosswalk.loc["3060", "health_group2010"] == "practitioner"
    assert crosswalk.loc["3600", "health_group2010"] == "support"
    assert crosswalk.loc["3600", "rule"] == "split"
    assert crosswalk.loc["4610", "occp2018"] == "3602"  # personal care aides moved to 3602


def test_crosswalk_targets_are_2018_codes() -> None:
    crosswalk = codetables.crosswalk_2010_to_2018()
    known = set(codetables.occupations()["occp"])
    assert crosswalk["occp2010"].is_unique
    assert set(crosswalk["occp2018"]) <= known
    for row in crosswalk.itertuples():
        assert row.occp2018 in row.targets.split()
        assert (row.rule == "split") == (len(row.targets.split()) > 1)


@pytest.mark.parametrize("name", DICTIONARIES_2010_CODES)
def test_every_2010_dictionary_occp_converts(name: str) -> None:
    codes = pd.Series(occp_values(shared_file(f"{DICTS}/{name}")))
    assert len(codes) == 479
    converted = codetables.convert_occp_2010_to_2018(codes)
    assert converted.notna().all()
    assert codetables.skill_tier(converted).notna().all()


# --- (e) the packaged tables are what the build script produces ----------------------------------


def test_tables_match_a_rebuild(tmp_path: Path) -> None:
    build = BUILD
    shared = official_folder()  # the build reads every PUMS file there for its weights
    assert build.main(["--shared", str(shared), "--out", str(tmp_path), "--quiet"]) == 0
    built = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert built == sorted(p.name for p in TABLES.glob("*.csv"))
    for name in built:
        assert (tmp_path / name).read_bytes() == (TABLES / name).read_bytes(), name


# --- (f) errors and inputs -----------------------------------------------------------------------


def test_unknown_occp_names_the_codes() -> None:
    with pytest.raises(SchemaError, match=r"1234.*2010 codes: check --year"):
        codetables.skill_tier(pd.Series(["3255", "1234"]))
    with pytest.raises(SchemaError, match="3600"):  # a 2010 code given as 2018
        codetables.health_group(pd.Series(["3600"]))
    with pytest.raises(SchemaError, match="3065"):  # a 2018-only code given as 2010
        codetables.convert_occp_2010_to_2018(pd.Series(["3065"]))


def test_unknown_scheme_or_degree_set() -> None:
    with pytest.raises(InputError, match="'bls', 'onet'"):
        codetables.skill_tier(pd.Series(["3255"]), scheme="soc")
    with pytest.raises(InputError, match="'core', 'broad'"):
        codetables.health_degrees("wide")
    with pytest.raises(InputError, match="'core', 'broad', 'all'"):
        codetables.degree_field_group(pd.Series(["6107"]), "every")


def test_degree_set_all_is_every_field() -> None:
    fields = codetables.degree_fields()
    assert codetables.health_degree_codes("all") == frozenset(fields["fod"])
    assert codetables.health_degree_codes("core") < codetables.health_degree_codes("all")
    groups = codetables.degree_field_group(pd.Series(["6107", "2100", "3607", None]), "all")
    assert groups.tolist()[:3] == ["nursing", "non_health", "other_health"]
    assert pd.isna(groups.iloc[3])


def test_health_occupation_codes_after_conversion() -> None:
    h2018 = codetables.health_occupation_codes("2018")
    assert {"3000", "3090", "3255", "3500", "3601", "3602", "3603", "3655"} <= h2018
    assert not {"2999", "3700", "4610", "9920"} & h2018
    h2010 = codetables.health_occupation_codes("2010")
    # 2010 personal care aides (4610) became 2018 code 3602: a health occupation
    assert {"3060", "3600", "4610", "3655"} <= h2010
    assert "4620" not in h2010
    with pytest.raises(InputError, match="'2018' or '2010'"):
        codetables.health_occupation_codes("2000")


def test_blanks_padding_and_index() -> None:
    codes = pd.Series(["0010", "10", " 3255 ", "", None, "9920"], index=list("abcdef"))
    tiers = codetables.skill_tier(codes)
    assert tiers.index.tolist() == list("abcdef")
    assert tiers.tolist()[:3] == ["high", "high", "high"]
    assert tiers.isna().tolist() == [False, False, False, True, True, False]
    assert tiers["f"] == "none"
    numeric = codetables.skill_tier(pd.Series([10, None, 4720], dtype="Int64"))
    assert numeric.tolist()[0] == "high" and pd.isna(numeric[1]) and numeric[2] == "low"


def test_returned_tables_are_copies() -> None:
    table = codetables.occupations()
    table.loc[0, "tier_bls"] = "changed"
    assert codetables.occupations().loc[0, "tier_bls"] != "changed"
