"""Forgone earnings on a hand-computed case."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from brainwaste.estimate.earnings import forgone_earnings
from brainwaste.method.profile import load_profile
from brainwaste.pums.schema import REPLICATE_WEIGHTS

#        population                    status                 PERNP  PWGTP  rep1
PEOPLE = [
    ("us_born", "employed_high_skill", 80_000, 100, 120),  # comparison worker
    ("immigrant_us_educated", "employed_high_skill", 60_000, 100, 100),  # comparison worker
    ("immigrant_foreign_educated", "employed_low_skill", 30_000, 50, 50),  # underutilized
    ("us_born", "unemployed", 0, 20, 20),  # underutilized
    ("us_born", "employed_middle_skill", 50_000, 70, 70),  # neither
]


def frame(people=PEOPLE) -> pd.DataFrame:
    rows = []
    for pop, status, pernp, w, r1 in people:
        reps = dict.fromkeys(REPLICATE_WEIGHTS, w) | {"PWGTP1": r1}
        rows.append(
            {"STATE": "25", "SCHL": "21", "age_group": "35-44", "population": pop, "status": status,
             "PERNP": pernp, "PWGTP": w, "in_universe": True, **reps}
        )  # fmt: skip
    return pd.DataFrame(rows)


def test_forgone_earnings_by_hand():
    t = forgone_earnings(frame(), load_profile("mpi"), year=2024, period=1).set_index("population")
    # comparison mean: (100 * 80,000 + 100 * 60,000) / 200 = 70,000
    # foreign-educated aide: 50 * (70,000 - 30,000) = 2,000,000
    assert t.loc["immigrant_foreign_educated", "forgone_earnings"] == pytest.approx(2_000_000)
    assert t.loc["immigrant", "forgone_earnings"] == pytest.approx(2_000_000)
    assert t.loc["immigrant", "mean_gap"] == pytest.approx(40_000)
    # unemployed U.S.-born: 20 * (70,000 - 0)
    assert t.loc["us_born", "forgone_earnings"] == pytest.approx(1_400_000)
    assert t.loc["immigrant_us_educated", "underutilized"] == 0
    # replicate 1: comparison mean (120 * 80,000 + 100 * 60,000) / 220; the aide still weighs 50
    rep1 = 50 * ((120 * 80_000 + 100 * 60_000) / 220 - 30_000)
    se = math.sqrt(4 / 80 * (rep1 - 2_000_000) ** 2)
    assert t.loc["immigrant", "forgone_earnings_se"] == pytest.approx(se)
    assert t.loc["immigrant", "forgone_earnings_moe90"] == pytest.approx(1.645 * se)
    # two comparison records only: flagged unreliable
    assert not t["reliable"].any()
    assert t.loc["immigrant", "earnings_variable"] == "PERNP"


def test_wages_stand_in_when_pernp_is_absent():
    f = frame().rename(columns={"PERNP": "WAGP"})
    t = forgone_earnings(f, load_profile("mpi"), year=2024, period=1).set_index("population")
    assert t.loc["immigrant", "forgone_earnings"] == pytest.approx(2_000_000)
    assert t.loc["immigrant", "earnings_variable"] == "WAGP"


def test_mpi_definition_counts_low_skilled_workers_against_middle_and_high():
    prof = replace(load_profile("mpi"), forgone_earnings="mpi")
    t = forgone_earnings(frame(), prof, year=2024, period=1).set_index("population")
    # comparison: middle and high workers, (100 * 80,000 + 100 * 60,000 + 70 * 50,000) / 270
    m = (100 * 80_000 + 100 * 60_000 + 70 * 50_000) / 270
    fe = t.loc["immigrant_foreign_educated"]
    assert fe["forgone_earnings"] == pytest.approx(50 * (m - 30_000))
    assert fe["counted"] == 50 and fe["underutilized"] == 50
    # replicate 1: the high-skilled U.S.-born worker weighs 120
    m1 = (120 * 80_000 + 100 * 60_000 + 70 * 50_000) / 290
    se = math.sqrt(4 / 80 * (50 * (m1 - 30_000) - 50 * (m - 30_000)) ** 2)
    assert fe["forgone_earnings_se"] == pytest.approx(se)
    # the unemployed U.S.-born person is underutilized (as in the estimates table) but the MPI
    # definition counts only people employed in low-skilled jobs
    us = t.loc["us_born"]
    assert us["underutilized"] == 20 and us["counted"] == 0 and us["forgone_earnings"] == 0
    assert (t["definition"] == "mpi").all()


def test_amounts_in_one_years_dollars():
    t = forgone_earnings(frame(), load_profile("mpi"), year=2024, period=1, dollars_year=2018)
    t = t.set_index("population")
    # every amount (comparison means and own earnings) scaled by CPI-U-RS 2018 / 2024
    assert t.loc["immigrant", "forgone_earnings"] == pytest.approx(2_000_000 * 369.1 / 462.5)
    assert t.loc["immigrant", "dollars"] == "2018 dollars (CPI-U-RS)"
    same = forgone_earnings(frame(), load_profile("mpi"), year=2024, period=1)
    assert (same["dollars"] == "2024 dollars (CPI-U-RS)").all()
    # pooled 1-year records of another year are moved from their own year's dollars
    f = frame().assign(year=2023)
    pooled = forgone_earnings(f, load_profile("mpi"), year=2024, period=1).set_index("population")
    assert pooled.loc["immigrant", "forgone_earnings"] == pytest.approx(2_000_000 * 462.5 / 449.3)


def test_people_without_a_comparison_group_are_reported():
    f = frame()
    lone = f.iloc[[2]].assign(age_group="55-64", PWGTP=30, PERNP=25_000)
    f = pd.concat([f, lone], ignore_index=True)
    t = forgone_earnings(f, load_profile("mpi"), year=2024, period=1).set_index("population")
    fe = t.loc["immigrant_foreign_educated"]
    # 50 (aide, compared) + 30 (no high-skilled worker aged 55-64 anywhere): the count matches
    # the estimates table; the sums cover the 50 only
    assert fe["underutilized"] == 80 and fe["counted"] == 80
    assert fe["without_comparison"] == 30 and fe["without_comparison_n"] == 1
    assert fe["forgone_earnings"] == pytest.approx(2_000_000) and fe["n_unweighted"] == 1
    assert fe["mean_gap"] == pytest.approx(40_000)


@pytest.mark.parametrize("definition", ["skill_matched", "mpi"])
def test_counts_agree_with_the_estimates_table_on_an_official_file(definition):
    from brainwaste.estimate.outcomes import estimate_outcomes
    from brainwaste.method.classify import classify, universe_prefilter
    from brainwaste.pums.readers import read_persons
    from tests.conftest import shared_file

    path = shared_file("acs_pums_2018_1yr_person_small_states/csv_pnh.zip")
    prof = replace(load_profile("mpi"), forgone_earnings=definition)
    persons = read_persons(path, prefilter=universe_prefilter(prof, False, "2018"))
    c = classify(persons.frame, prof, file_year=2018)
    est = estimate_outcomes(c, prof, year=2018, period=1).set_index(["population", "outcome"])
    f = forgone_earnings(c, prof, year=2018, period=1).set_index("population")
    for pop in ("us_born", "immigrant", "immigrant_foreign_educated"):
        r = f.loc[pop]
        assert r["underutilized"] == pytest.approx(est.loc[(pop, "underutilized"), "count"])
        counted = "underutilized" if definition == "skill_matched" else "employed_low_skill"
        assert r["counted"] == pytest.approx(est.loc[(pop, counted), "count"])
        assert r["without_comparison"] >= 0 and r["dollars"] == "2018 dollars (CPI-U-RS)"
    assert f.loc["us_born", "forgone_earnings"] > 0


def test_a_negative_gap_with_a_large_se_is_unreliable():
    """The CV is the SE over the size of the estimate: a negative total gap (the underutilized
    earn more than their comparison group) with a large SE must fail the 30% CV test too."""
    # 40 comparison workers at 40,000; 40 low-skilled workers earning more (a negative gap),
    # whose weights replicate 1 moves a lot (a large SE)
    rows = [("us_born", "employed_high_skill", 40_000, 10, 10)] * 40 + [
        ("immigrant_foreign_educated", "employed_low_skill", 41_000, 10, 30)
    ] * 40
    t = forgone_earnings(frame(rows), load_profile("mpi"), year=2024, period=1)
    row = t.set_index("population").loc["immigrant_foreign_educated"]
    # gap: 400 people-weight x (40,000 - 41,000) = -400,000; replicate 1: 1,200 x -1,000
    assert row["forgone_earnings"] == pytest.approx(-400_000)
    se = math.sqrt(4 / 80 * (-1_200_000 + 400_000) ** 2)
    assert row["forgone_earnings_se"] == pytest.approx(se)
    assert se / 400_000 > 0.30
    assert not row["reliable"]
