"""The replicate-weight engine and the estimates table on hand-computed cases.

Six civilians in Massachusetts, all in the universe. Replicate weights equal the full-sample
weight except replicates 1 and 2, so every SE below is sqrt(4/80 * (d1^2 + d2^2)) with d1, d2
worked out by hand in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from brainwaste.estimate import replicate
from brainwaste.estimate.outcomes import ESTIMATE_COLUMNS, estimate_outcomes
from brainwaste.method.profile import load_profile
from brainwaste.pums.schema import REPLICATE_WEIGHTS

#            population                    status                 PWGTP  rep1  rep2
PEOPLE = [
    ("us_born", "employed_high_skill", 100, 110, 100),
    ("us_born", "employed_low_skill", 50, 50, 60),
    ("us_born", "unemployed", 30, 30, 30),
    ("immigrant_foreign_educated", "employed_low_skill", 80, 70, 80),
    ("immigrant_foreign_educated", "not_in_labor_force", 40, 40, 40),
    ("immigrant_us_educated", "employed_high_skill", 60, 60, 50),
]


def tiny_classified(people=PEOPLE, state="25") -> pd.DataFrame:
    rows = []
    for pop, status, w, r1, r2 in people:
        reps = {c: w for c in REPLICATE_WEIGHTS}
        reps["PWGTP1"], reps["PWGTP2"] = r1, r2
        rows.append(
            {
                "STATE": state,
                "population": pop,
                "status": status,
                "PWGTP": w,
                "in_universe": True,
                **reps,
            }
        )
    return pd.DataFrame(rows)


def se2(d1: float, d2: float) -> float:
    return math.sqrt(4 / 80 * (d1 * d1 + d2 * d2))


@pytest.fixture
def table() -> pd.DataFrame:
    return estimate_outcomes(tiny_classified(), load_profile("mpi"), year=2024, period=1)


def row(t, pop, outcome, state="MA"):
    r = t[(t.state == state) & (t.population == pop) & (t.outcome == outcome)]
    assert len(r) == 1
    return r.iloc[0]


def test_standard_error_formula():
    x = np.array([[10.0, 12.0, 9.0] + [10.0] * 78])
    assert replicate.standard_error(x)[0] == pytest.approx(math.sqrt(4 / 80 * (4 + 1)))
    assert np.isnan(replicate.standard_error(np.array([[5.0]]))[0])


def test_cell_totals_sums_every_weight_column():
    codes = np.array([2, 0, 2, 1])
    vals = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    np.testing.assert_array_equal(
        replicate.cell_totals(codes, 4, vals), [[2, 20], [4, 40], [4, 40], [0, 0]]
    )


def test_contract_columns(table):
    assert list(table.columns) == ESTIMATE_COLUMNS
    # 4 populations x 10 outcomes for one state
    assert len(table) == 40
    assert set(table["profile"]) == {"mpi"}


def test_counts_and_ses_by_hand(table):
    # U.S.-born total: 180; rep1 190 (d=+10), rep2 190 (d=+10)
    r = row(table, "us_born", "total")
    assert r["count"] == 180
    assert r["count_se"] == pytest.approx(se2(10, 10))
    assert r["count_moe90"] == pytest.approx(1.645 * se2(10, 10))
    assert r["n_unweighted"] == 3
    assert r["share"] == 1.0
    # U.S.-born underutilized = low-skilled 50 + unemployed 30 = 80; rep1 80, rep2 90
    r = row(table, "us_born", "underutilized")
    assert r["count"] == 80
    assert r["count_se"] == pytest.approx(se2(0, 10))
    # share of labor force (180): 80/180; rep1 80/190, rep2 90/190
    assert r["share"] == pytest.approx(80 / 180)
    assert r["share_se"] == pytest.approx(se2(80 / 190 - 80 / 180, 90 / 190 - 80 / 180))
    assert r["share_se"] == pytest.approx(0.0083730, rel=1e-4)
    # all immigrants: 80 + 40 + 60 = 180; rep1 170, rep2 170
    r = row(table, "immigrant", "total")
    assert r["count"] == 180 and r["count_se"] == pytest.approx(se2(-10, -10))
    # immigrants' labor force 140 (80 low + 60 high), underutilized 80
    r = row(table, "immigrant", "underutilized")
    assert r["share"] == pytest.approx(80 / 140)
    assert r["share_se"] == pytest.approx(se2(70 / 130 - 80 / 140, 80 / 130 - 80 / 140))
    # foreign-educated: not in labor force 40 of 120
    r = row(table, "immigrant_foreign_educated", "not_in_labor_force")
    assert r["share"] == pytest.approx(40 / 120)
    assert r["share_se"] == pytest.approx(se2(40 / 110 - 40 / 120, 0))


def test_empty_cells_and_zero_denominators(table):
    # nobody unemployed among the foreign-educated: a zero count, SE 0, unreliable
    r = row(table, "immigrant_foreign_educated", "unemployed")
    assert r["count"] == 0 and r["count_se"] == 0 and not r["reliable"]
    # U.S.-educated immigrants have no one out of the labor force; their LF share is 1
    r = row(table, "immigrant_us_educated", "labor_force")
    assert r["share"] == 1.0
    # a state asked for but absent from the data: zero counts, shares undefined (NaN)
    t = estimate_outcomes(
        tiny_classified(), load_profile("mpi"), year=2024, period=1, states=["MA", "NH"]
    )
    r = row(t, "us_born", "underutilized", state="NH")
    assert r["count"] == 0 and np.isnan(r["share"]) and not r["reliable"]


def test_reliability_flag_uses_records_and_cv(table):
    # every cell here has fewer than 30 records
    assert not table["reliable"].any()
    many = PEOPLE[:1] * 40
    t = estimate_outcomes(tiny_classified(many), load_profile("mpi"), year=2024, period=1)
    r = row(t, "us_born", "total")
    assert r["n_unweighted"] == 40
    # total 4000; replicate 1 gives 4400 (d = 400), replicate 2 4000 (d = 0)
    # CV = sqrt(4/80 * 400^2) / 4000 = 0.02236 -> reliable
    assert r["count_cv"] == pytest.approx(math.sqrt(4 / 80 * 400**2) / 4000)
    assert r["count_cv"] == pytest.approx(0.0223607, rel=1e-5)
    assert r["reliable"]


def test_national_rows_sum_states():
    both = pd.concat([tiny_classified(), tiny_classified(state="33")], ignore_index=True)
    t = estimate_outcomes(both, load_profile("mpi"), year=2024, period=1, national=True)
    us = row(t, "us_born", "total", state="US")
    assert us["count"] == 360
    # replicate totals also double, so the SE doubles
    assert us["count_se"] == pytest.approx(2 * se2(10, 10))


def test_without_replicate_weights_ses_are_empty():
    t0 = tiny_classified().drop(columns=list(REPLICATE_WEIGHTS))
    t = estimate_outcomes(t0, load_profile("mpi"), year=2024, period=1)
    assert t["count_se"].isna().all() and t["share_moe90"].isna().all()
    assert row(t, "us_born", "underutilized")["share"] == pytest.approx(80 / 180)


def test_unknown_immigrant_split_gives_empty_subgroups():
    people = [
        ("us_born", "employed_high_skill", 10, 10, 10),
        ("immigrant_unknown", "unemployed", 5, 5, 5),
    ]
    t = estimate_outcomes(tiny_classified(people), load_profile("mpi"), year=2024, period=1)
    assert row(t, "immigrant", "unemployed")["count"] == 5
    assert np.isnan(row(t, "immigrant_foreign_educated", "total")["count"])


def test_the_nation_is_the_fifty_states_and_dc():
    # a Puerto Rico file (STATE 72) is reported on its own and never added to US
    both = pd.concat([tiny_classified(), tiny_classified(state="72")], ignore_index=True)
    t = estimate_outcomes(both, load_profile("mpi"), year=2024, period=1, national=True)
    assert row(t, "us_born", "total", state="US")["count"] == 180
    assert row(t, "us_born", "total", state="PR")["count"] == 180
    assert row(t, "us_born", "total", state="MA")["count"] == 180


def test_immigrants_with_unknown_education_get_their_own_row():
    people = [*PEOPLE, ("immigrant_unknown", "employed_low_skill", 25, 25, 25)]
    t = estimate_outcomes(tiny_classified(people), load_profile("mpi"), year=2024, period=1)
    unknown = row(t, "immigrant_unknown_education", "total")
    assert unknown["count"] == 25
    parts = sum(
        row(t, p, "total")["count"]
        for p in (
            "immigrant_us_educated",
            "immigrant_foreign_educated",
            "immigrant_unknown_education",
        )
    )
    assert row(t, "immigrant", "total")["count"] == parts == 80 + 40 + 60 + 25
    assert row(t, "immigrant_unknown_education", "underutilized")["share"] == 1.0
    # no row when every immigrant's education is known
    base = estimate_outcomes(tiny_classified(), load_profile("mpi"), year=2024, period=1)
    assert "immigrant_unknown_education" not in set(base["population"])


def test_a_share_with_a_large_cv_is_unreliable():
    # 40 high-skilled records of weight 100 (replicate 2: 50) and 40 low-skilled of weight 1
    # whose replicate 1 doubles: the labor force (4,040) is solid, the low-skilled share (1%)
    # moves with both replicates
    people = [("us_born", "employed_high_skill", 100, 100, 50)] * 40 + [
        ("us_born", "employed_low_skill", 1, 2, 1)
    ] * 40
    t = estimate_outcomes(tiny_classified(people), load_profile("mpi"), year=2024, period=1)
    r = row(t, "us_born", "employed_low_skill")
    assert r["n_unweighted"] == 40
    # count CV = sqrt(4/80 * 40^2) / 40 = 0.224 (reliable by count alone)
    assert r["count_cv"] == pytest.approx(math.sqrt(4 / 80) * 40 / 40)
    share_cv = r["share_se"] / r["share"]
    d1, d2 = 80 / 4080 - 40 / 4040, 40 / 2040 - 40 / 4040
    expected = math.sqrt(4 / 80 * (d1**2 + d2**2)) / (40 / 4040)
    assert share_cv == pytest.approx(expected) and share_cv > 0.30
    assert not r["reliable"]
    assert row(t, "us_born", "labor_force")["reliable"]
