"""Employment-weighted skill tiers, `mixed` codes, the `apportion` setting, and the own tiers of
the 2010 Census occupation codes (hand-made 2010-coded files; every OCCP value of the 2013-2017
dictionaries in ../shared/data)."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from brainwaste.estimate.domains import domain_estimates
from brainwaste.estimate.earnings import forgone_earnings
from brainwaste.estimate.outcomes import estimate_outcomes
from brainwaste.method import codetables
from brainwaste.method.classify import classify, universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums.dictionary import read_dictionary
from brainwaste.pums.readers import read_persons
from brainwaste.pums.schema import REPLICATE_WEIGHTS
from tests.conftest import shared_file

# --- the tables ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("occp", "low", "middle", "high", "tier"),
    [
        # occupational therapy assistants 31-2011 (associate's: middle) 49,200; aides 31-2012
        # (high school: low) 5,200. The old count rule (1 each, ties low) said low.
        ("3610", ["31-2012"], ["31-2011"], [], "middle"),
        # physical therapist assistants 31-2021 (associate's) 111,500; aides 31-2022 45,600
        ("3620", ["31-2022"], ["31-2021"], [], "middle"),
        # truck drivers: heavy 53-3032 (postsecondary award) against 53-3031 and 53-3033
        ("9130", ["53-3031", "53-3033"], ["53-3032"], [], "middle"),
    ],
)
def test_shares_are_employment_shares(occp, low, middle, high, tier):
    employment = shared_file("occupation_employment/ep_2024_employment.csv")
    ep = pd.read_csv(employment, dtype={"soc_code": str}).set_index("soc_code")["employment"]
    total = sum(ep[s] for s in low + middle + high)
    row = codetables.occupations().set_index("occp").loc[occp]
    for name, socs in (("low", low), ("middle", middle), ("high", high)):
        expected = sum(ep[s] for s in socs) / total
        assert float(row[f"bls_{name}"]) == pytest.approx(expected, abs=5e-5)
    assert row["tier_bls"] == tier
    assert sorted(row["bls_soc"].split()) == sorted(low + middle + high)
    assert float(row["bls_employment"]) == total


def test_every_code_has_consistent_shares_and_mixed_marks():
    for table, code in (
        (codetables.occupations(), "occp"),
        (codetables.occupations_2010(), "occp2010"),
    ):
        jobs = table[table["tier_bls"] != codetables.NO_TIER]
        for scheme in codetables.SCHEMES:
            shares = jobs[[f"{scheme}_{t}" for t in codetables.TIERS]].astype(float)
            assert shares.sum(axis=1).to_numpy() == pytest.approx(1.0, abs=2e-4)
            top = shares.max(axis=1)
            assert (jobs[f"tier_{scheme}_share"].astype(float) == top).all()
            winner = shares.idxmax(axis=1).str.replace(f"{scheme}_", "")
            assert (winner == jobs[f"tier_{scheme}"]).all(), code
            mixed = jobs[f"mixed_{scheme}"].fillna("") == "mixed"
            assert (mixed == (top < 2 / 3)).all()
    # the 2018 codes whose winning BLS tier holds under two thirds of the employment
    occ = codetables.occupations()
    assert set(occ.loc[occ["mixed_bls"] == "mixed", "occp"]) == {"2360", "9030", "9040", "9130"}


def test_tier_shares_function():
    s = codetables.tier_shares(pd.Series(["3620", "3255", None, "9920"], index=list("abcd")))
    assert list(s.index) == list("abcd")
    assert s.loc["a", "middle"] == pytest.approx(0.7097)
    assert s.loc["b", "high"] == 1.0 and not s.loc["b", "mixed"]
    assert s.loc[["c", "d"], "low"].isna().all()
    assert codetables.tier_shares(pd.Series(["9130"]))["mixed"].iloc[0]


# --- 2010 codes: their own tiers -----------------------------------------------------------------


def test_2010_codes_have_their_own_tiers():
    t10 = codetables.occupations_2010().set_index("occp2010")
    # nursing, psychiatric and home health aides: home health aides (half of 31-1120, shared
    # with personal care aides), psychiatric aides and orderlies are low (61%); nursing
    # assistants middle. Converted to 2018 code 3603 it used to take that code's middle tier.
    assert t10.loc["3600", "tier_bls"] == "low" and t10.loc["3600", "mixed_bls"] == "mixed"
    assert float(t10.loc["3600", "bls_low"]) == pytest.approx(
        (4_347_700 / 2 + 54_000 + 38_500) / (4_347_700 / 2 + 54_000 + 38_500 + 1_441_500),
        abs=5e-5,
    )
    assert t10.loc["3600", "occp2018"] == "3603"
    assert codetables.skill_tier(pd.Series(["3603"])).iloc[0] == "middle"
    # personal care aides: low, and a health occupation once converted (2018 code 3602)
    assert t10.loc["4610", "tier_bls"] == "low" and t10.loc["4610", "health_group"] == "support"
    assert (
        t10.loc["3060", "tier_bls"] == "high" and t10.loc["3060", "health_group"] == "practitioner"
    )
    got = codetables.skill_tier(pd.Series(["3600", "4610", "3060", "9920"]), coding="2010")
    assert got.tolist() == ["low", "low", "high", "none"]


def dictionary_codes(name: str) -> pd.Series:
    path = shared_file(f"pums_data_dictionaries/{name}")
    values = read_dictionary(path, "all")["OCCP"]["values"]
    return pd.Series([lo for lo, hi, _ in values if hi is None and set(lo) != {"b"}])


@pytest.mark.parametrize(
    "name", ["PUMS_Data_Dictionary_2013-2017.csv", "PUMS_Data_Dictionary_2017.csv"]
)
def test_every_2013_2017_dictionary_occp_has_its_own_tier(name):
    codes = dictionary_codes(name)
    assert len(codes) == 479
    for scheme in codetables.SCHEMES:
        tiers = codetables.skill_tier(codes, scheme, coding="2010")
        assert tiers.notna().all()
        assert set(codes[tiers == "none"]) <= {"9800", "9810", "9820", "9830", "9920"}
        shares = codetables.tier_shares(codes, scheme, coding="2010")
        jobs = tiers != "none"
        assert shares.loc[jobs, ["low", "middle", "high"]].sum(axis=1).to_numpy() == pytest.approx(
            1.0, abs=2e-4
        )
    # the health occupations after conversion include the personal care aides
    health = codes[codes.isin(codetables.health_occupation_codes("2010"))]
    assert "4610" in set(health) and "3600" in set(health)


# --- hand-made 2010-coded files ------------------------------------------------------------------

HEADER = ["RT", "SERIALNO", "SPORDER", "ST", "PUMA", "ADJINC", "PWGTP", "AGEP", "SEX", "CIT",
          "NATIVITY", "YOEP", "SCHL", "FOD1P", "FOD2P", "ESR", "OCCP", "WKHP", "WAGP", "PERNP"]  # fmt: skip


def write_file(tmp_path, people, year: int) -> Path:
    """people: (age, nativity, yoep, schl, fod1, esr, occp, pwgtp, rep1, pernp)."""
    lines = [",".join(HEADER + list(REPLICATE_WEIGHTS))]
    for i, (age, nat, yoep, schl, fod, esr, occp, w, r1, pernp) in enumerate(people, start=1):
        row = ["P", f"{year}HU{i:07d}", "1", "25", "00100", "1000000", str(w), str(age), "2",
               "1" if nat == "1" else "4", nat, yoep, schl, fod, "", esr, occp, "40",
               str(pernp), str(pernp)]  # fmt: skip
        lines.append(",".join(row + [str(r1)] + [str(w)] * 79))
    path = tmp_path / "psam_p25.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


PEOPLE_2016 = [
    (40, "2", "2010", "21", "6107", "1", "3600", 100, 80, 20_000),  # foreign-ed. nurse, aide
    (45, "2", "1990", "21", "6107", "1", "4610", 50, 50, 18_000),  # US-ed.: personal care aide
    (50, "1", "", "22", "6100", "1", "3060", 70, 70, 200_000),  # U.S.-born physician
    (38, "1", "", "16", "", "1", "4610", 200, 200, 15_000),  # no degree: a health worker only
]


def test_2010_file_tiers_health_and_early_filter(tmp_path):
    path = write_file(tmp_path, PEOPLE_2016, 2016)
    prof = load_profile("mpi")
    persons = read_persons(path, prefilter=universe_prefilter(prof, occupation_coding="2010"))
    # the personal care aide without a degree is kept: a health worker after conversion
    assert len(persons.frame) == 4
    c = classify(persons.frame, prof, file_year=2016)
    assert c["occp2018"].tolist() == ["3603", "3602", "3090", "3602"]
    assert c["status"].tolist()[:3] == [
        "employed_low_skill",
        "employed_low_skill",
        "employed_high_skill",
    ]
    assert c["health_worker"].tolist() == [True, True, True, True]
    t = estimate_outcomes(c, prof, year=2016, period=1).set_index(["population", "outcome"])
    assert t.loc[("immigrant_foreign_educated", "underutilized"), "count"] == 100
    assert t.loc[("immigrant", "employed_health_occupation"), "count"] == 150
    assert t.loc[("immigrant", "employed_outside_health"), "count"] == 0
    # the health-workforce table counts the aide without a degree too
    w = c[c["health_worker"]]
    d = domain_estimates(w.assign(state="MA"), ["state"])
    assert d["count"].iloc[0] == 100 + 50 + 70 + 200
    # a filter on the 3000-3655 range would have dropped the two personal care aides
    old = read_persons(path, prefilter=universe_prefilter(prof, occupation_coding="2018"))
    assert len(old.frame) == 3


# --- mixed_codes = "apportion" -------------------------------------------------------------------

PEOPLE_APPORTION = [
    # truck driver (9130: low 0.4066, middle 0.5934), foreign-educated; rep1 weight 80
    (40, "2", "2010", "21", "6107", "1", "9130", 100, 80, 30_000),
    (50, "1", "", "21", "6107", "1", "3255", 60, 60, 90_000),  # U.S.-born RN: high, not mixed
    (35, "1", "", "21", "6107", "3", "", 40, 40, 0),  # U.S.-born unemployed
]


def apportioned(tmp_path, profile="mpi", people=PEOPLE_APPORTION, year=2024):
    path = write_file(tmp_path, people, year)
    prof = replace(load_profile(profile), mixed_codes="apportion")
    c = classify(read_persons(path).frame, prof, file_year=year)
    return prof, c


def test_apportion_splits_a_mixed_record_by_employment_share(tmp_path):
    prof, c = apportioned(tmp_path)
    shares = codetables.tier_shares(pd.Series(["9130"])).iloc[0]
    driver = c[c["OCCP"] == "9130"]
    assert driver["status"].tolist() == ["employed_low_skill", "employed_middle_skill"]
    assert driver["weight_fraction"].tolist() == pytest.approx([shares["low"], shares["middle"]])
    assert driver["record_count"].tolist() == [0, 1]  # counted once, in its majority tier
    t = estimate_outcomes(c, prof, year=2024, period=1).set_index(["population", "outcome"])
    low = t.loc[("immigrant_foreign_educated", "employed_low_skill")]
    assert low["count"] == pytest.approx(100 * shares["low"])
    assert low["count_se"] == pytest.approx(math.sqrt(4 / 80 * (20 * shares["low"]) ** 2))
    assert low["n_unweighted"] == 0
    und = t.loc[("immigrant_foreign_educated", "underutilized")]
    assert und["share"] == pytest.approx(shares["low"])
    # the fractions are constants: the share has no replicate variation here
    assert und["share_se"] == pytest.approx(0.0, abs=1e-12)
    lf = t.loc[("immigrant_foreign_educated", "labor_force")]
    assert lf["count"] == pytest.approx(100) and lf["n_unweighted"] == 1
    assert t.loc[("us_born", "underutilized"), "count"] == 40
    # under the majority rule the driver is middle-skilled: not underutilized
    m = classify(read_persons(tmp_path / "psam_p25.csv").frame, load_profile("mpi"), file_year=2024)
    tm = estimate_outcomes(m, load_profile("mpi"), year=2024, period=1).set_index(
        ["population", "outcome"]
    )
    assert tm.loc[("immigrant_foreign_educated", "underutilized"), "count"] == 0
    assert len(m) == 3 and "weight_fraction" not in m


def test_apportion_on_a_2010_file_and_in_forgone_earnings(tmp_path):
    people = [
        (40, "2", "2010", "21", "6107", "1", "3600", 100, 80, 20_000),  # aide (2010 code)
        (42, "1", "", "21", "6107", "1", "3255", 60, 60, 90_000),  # RN of the same cell
    ]
    prof, c = apportioned(tmp_path, people=people, year=2016)
    aide = c[c["OCCP"] == "3600"]
    s = codetables.tier_shares(pd.Series(["3600"]), coding="2010").iloc[0]
    assert aide["status"].tolist() == ["employed_low_skill", "employed_middle_skill"]
    assert aide["weight_fraction"].tolist() == pytest.approx([s["low"], s["middle"]])
    assert aide["record_count"].tolist() == [1, 0]
    f = forgone_earnings(c, prof, year=2016, period=1).set_index("population")
    # comparison: the RN (high, 90,000); the aide's low fraction forgoes 90,000 - 20,000
    assert f.loc["immigrant_foreign_educated", "underutilized"] == pytest.approx(100 * s["low"])
    assert f.loc["immigrant_foreign_educated", "forgone_earnings"] == pytest.approx(
        100 * s["low"] * 70_000
    )
    assert f.loc["immigrant_foreign_educated", "n_unweighted"] == 1


def test_occupation_table_under_apportion_shows_the_majority_tier(tmp_path):
    from brainwaste.estimate.occupations import occupations_of_degree_holders

    _, c = apportioned(tmp_path)
    t = occupations_of_degree_holders(c).set_index(["population", "occp2018"])
    driver = t.loc[("immigrant_foreign_educated", "9130")]
    # the whole weight, once, with the code's majority tier (middle, 59% of employment)
    assert driver["count"] == pytest.approx(100) and driver["n_unweighted"] == 1
    assert driver["skill_tier"] == "middle"
