"""brainwaste's replicate SEs agree with the R survey package on official ACS 2018 PUMS files.

Runs the comparison of ``scripts/validate_se_with_r.py`` for Vermont and Wyoming (the two
smallest files): population totals, contract counts and shares with their SEs, each recomputed by
``svrepdesign(type = "successive-difference", mse = TRUE)``. Skipped when Rscript, the R survey
package or the shared data directory is missing.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, load_script, official_folder

SCRIPT = ROOT / "scripts" / "validate_se_with_r.py"
check = load_script("scripts/validate_se_with_r.py")


@pytest.fixture(scope="module")
def comparison():
    reason = check.r_unavailable_reason()
    if reason:
        pytest.skip(reason)
    files = [f"{check.DATA_DIR}/{check.STATE_FILES[s]}" for s in ("VT", "WY")]
    return check.compare(official_folder(files), ["VT", "WY"])


def test_every_statistic_agrees_to_6_significant_digits(comparison):
    bad = comparison.loc[~comparison["agree_6sig"]]
    assert bad.empty, bad.to_string()


def test_the_expected_statistics_are_compared(comparison):
    assert list(comparison["state"].unique()) == ["VT", "WY"]
    for state in ("VT", "WY"):
        stats = set(comparison.loc[comparison["state"] == state, "statistic"])
        assert {"total_population", "foreign_born", "age25_bachelors_plus"} <= stats
        for pop in ("us_born", "immigrant", "immigrant_us_educated", "immigrant_foreign_educated"):
            for outcome in ("total", "labor_force", "underutilized"):
                assert f"count:{pop}:{outcome}" in stats
        assert "share:us_born:underutilized" in stats
        assert "share:immigrant:not_in_labor_force" in stats
    # Non-trivial SEs are among them (not only zero cells).
    assert (comparison["brainwaste_se"] > 0).sum() >= 20
    assert comparison[["brainwaste_se", "r_se"]].notna().all().all()


def test_agreement_rule():
    assert check.agree_6sig(1.0, 1.0 + 4e-7)
    assert not check.agree_6sig(1.0, 1.0 + 6e-7)
    assert check.agree_6sig(0.0, 0.0)
    assert not check.agree_6sig(0.0, 1e-12)
    assert check.rel_diff(0.0, 0.0) == 0.0
