"""The health-occupation outcomes and the profiles on the official ACS 2018 1-year files of DE, NH,
VT and WY, against an independent computation in plain pandas straight from the Census CSVs
(the official files vendored with the tests: tests/conftest.py)."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from brainwaste.estimate.outcomes import estimate_outcomes
from brainwaste.method.classify import classify, universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums.readers import read_persons
from tests.conftest import shared_file

SMALL = "acs_pums_2018_1yr_person_small_states"
STATES = {"DE": "csv_pde.zip", "NH": "csv_pnh.zip", "VT": "csv_pvt.zip", "WY": "csv_pwy.zip"}
CORE = {6100, 6102, 6103, 6104, 6105, 6106, 6107, 6108, 6109, 6110, 6199}
REPS = [f"PWGTP{r}" for r in range(1, 81)]


def raw(name: str) -> pd.DataFrame:
    path = shared_file(f"{SMALL}/{name}")
    with zipfile.ZipFile(path) as zf:
        member = next(n for n in zf.namelist() if n.endswith(".csv"))
        return pd.read_csv(zf.open(member), low_memory=False)


def longhand(df: pd.DataFrame, mask: pd.Series) -> np.ndarray:
    """Full-sample and 80 replicate totals of the records in `mask`."""
    return df.loc[mask, ["PWGTP", *REPS]].sum().to_numpy(dtype=float)


def se(x: np.ndarray) -> float:
    return float(np.sqrt(4 / 80 * ((x[1:] - x[0]) ** 2).sum()))


def independent(df: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """Totals by population and outcome, from the PUMS definitions written out again."""
    universe = (
        (df["AGEP"] >= 25)
        & df["SCHL"].isin([21, 22, 23, 24])
        & (df["FOD1P"].isin(CORE) | df["FOD2P"].isin(CORE))
        & df["ESR"].isin([1, 2, 3, 6])
    )
    employed = df["ESR"].isin([1, 2])
    health = df["OCCP"].between(3000, 3655)
    arrival_age = df["AGEP"] - (2018 - df["YOEP"])
    pops = {
        "us_born": df["NATIVITY"] == 1,
        "immigrant": df["NATIVITY"] == 2,
        "immigrant_foreign_educated": (df["NATIVITY"] == 2) & (arrival_age >= 25),
    }
    out = {}
    for pop, in_pop in pops.items():
        base = universe & in_pop
        out[(pop, "total")] = longhand(df, base)
        out[(pop, "labor_force")] = longhand(df, base & df["ESR"].isin([1, 2, 3]))
        out[(pop, "employed_health_occupation")] = longhand(df, base & employed & health)
        out[(pop, "employed_outside_health")] = longhand(df, base & employed & ~health)
        part_time_health = employed & health & (df["WKHP"].fillna(0) < 35)
        commission = (employed & ~health) | part_time_health | df["ESR"].isin([3, 6])
        working_age = df["AGEP"] <= 64  # the commission profile covers ages 25-64
        out[(pop, "commission")] = longhand(df, base & working_age & commission)
        out[(pop, "total_25_64")] = longhand(df, base & working_age)
        out[(pop, "outside_field")] = longhand(df, base & ((employed & ~health) | (df["ESR"] == 3)))
    return out


@pytest.mark.parametrize("st", sorted(STATES))
def test_new_outcomes_and_profiles_match_an_independent_computation(st):
    df = raw(STATES[st])
    expected = independent(df)
    tables = {}
    for name in ("mpi", "outside_field", "commission"):
        prof = load_profile(name)
        persons = read_persons(
            shared_file(f"{SMALL}/{STATES[st]}"), prefilter=universe_prefilter(prof, False, "2018")
        )
        tables[name] = estimate_outcomes(
            classify(persons.frame, prof, file_year=2018), prof, year=2018, period=1
        ).set_index(["population", "outcome"])
    t = tables["mpi"]
    checked = 0
    for pop in ("us_born", "immigrant", "immigrant_foreign_educated"):
        lf = expected[(pop, "labor_force")]
        for outcome in ("employed_health_occupation", "employed_outside_health"):
            x = expected[(pop, outcome)]
            r = t.loc[(pop, outcome)]
            assert r["count"] == pytest.approx(x[0], abs=1e-6)
            assert r["count_se"] == pytest.approx(se(x), abs=1e-6)
            if lf[0] > 0:
                assert r["share"] == pytest.approx(x[0] / lf[0])
                assert r["share_se"] == pytest.approx(se(x / lf), abs=1e-9)
                checked += 1
        for name, den in (("outside_field", "labor_force"), ("commission", "total_25_64")):
            x, d = expected[(pop, name)], expected[(pop, den)]
            r = tables[name].loc[(pop, "underutilized")]
            assert r["count"] == pytest.approx(x[0], abs=1e-6)
            assert r["count_se"] == pytest.approx(se(x), abs=1e-6)
            if d[0] > 0:
                assert r["share"] == pytest.approx(x[0] / d[0])
                assert r["share_se"] == pytest.approx(se(x / d), abs=1e-9)
    assert checked >= 4
    # every state has health-degree holders working in and outside health occupations
    assert t.loc[("us_born", "employed_health_occupation"), "count"] > 0
    assert t.loc[("us_born", "employed_outside_health"), "count"] > 0
