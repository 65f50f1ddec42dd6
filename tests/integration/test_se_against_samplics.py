"""brainwaste's replicate SEs agree with samplics (no R needed) on official ACS 2018 PUMS files.

samplics' Fay-BRR estimator with rho = 0.5 and ``conservative=True`` is the SDR formula
sqrt(4/80 * sum (X_r - X_0)^2) (see ``scripts/validate_se_with_samplics.py``). The four official
2018 files (DE, NH, VT, WY) are vendored with the tests, so this runs in every test run.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import ROOT, load_script, official_folder

SCRIPT = ROOT / "scripts" / "validate_se_with_samplics.py"
SMALL_STATES = "acs_pums_2018_1yr_person_small_states"
check = load_script("scripts/validate_se_with_samplics.py")


STATES = ["DE", "NH", "VT", "WY"]


@pytest.fixture(scope="module")
def comparison():
    files = [f"{SMALL_STATES}/{check._r_check().STATE_FILES[s]}" for s in STATES]
    return check.compare(official_folder(files) / SMALL_STATES, STATES)


def test_every_statistic_agrees_with_samplics_to_6_significant_digits(comparison):
    bad = comparison.loc[~comparison["agree_6sig"]]
    assert bad.empty, bad.to_string()
    # the SEs are real: most are far from zero and agree much closer than the 6-digit rule
    assert (comparison["samplics_se"] > 100).sum() >= 40
    assert comparison["rel_diff_se"].max() < 1e-12


def test_statistics_cover_totals_counts_and_shares(comparison):
    assert list(comparison["state"].unique()) == STATES and len(comparison) == 92
    stats = set(comparison["statistic"])
    assert {"foreign_born", "count:immigrant:underutilized", "share:us_born:underutilized"} <= stats
    vt = comparison.set_index(["state", "statistic"]).loc["VT"]
    # the official file's own numbers: 30,079 foreign-born Vermonters (sum of PWGTP)
    assert vt.loc["foreign_born", "samplics_estimate"] == 30_079
    assert vt.loc["foreign_born", "samplics_se"] == pytest.approx(2395.30108755, rel=1e-10)


def test_samplics_fay_brr_is_the_sdr_formula_on_a_hand_case():
    rng = np.random.default_rng(7)
    weights = rng.uniform(5, 50, size=(40, 81))
    y = (rng.random(40) < 0.4).astype(np.int8)
    x = np.maximum(y, (rng.random(40) < 0.5)).astype(np.int8)
    total = weights.T @ y
    est, se = check.samplics_statistic(weights, y, None)
    assert est == pytest.approx(total[0], rel=1e-14)
    assert se == pytest.approx(np.sqrt(4 / 80 * ((total[1:] - total[0]) ** 2).sum()), rel=1e-12)
    ratio = (weights.T @ y) / (weights.T @ x)
    est, se = check.samplics_statistic(weights, y, x)
    assert est == pytest.approx(ratio[0], rel=1e-14)
    assert se == pytest.approx(np.sqrt(4 / 80 * ((ratio[1:] - ratio[0]) ** 2).sum()), rel=1e-12)
    # an empty count is 0 with SE 0 without calling samplics
    assert check.samplics_statistic(weights, np.zeros(40, dtype=np.int8), None) == (0.0, 0.0)
