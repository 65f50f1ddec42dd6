"""Forgone earnings on a hand-computed case."""

from __future__ import annotations

import math

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


def frame() -> pd.DataFrame:
    rows = []
    for pop, status, pernp, w, r1 in PEOPLE:
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
