"""The tidy estimates table of the contract: state x population x outcome (x breakdown category).

Every number comes from sums of weights over the finest cells (state x population group x
status x category), computed once for the full-sample weight and the 80 replicate weights. Larger
groups (all immigrants, the labor force, underutilized, the nation) are sums of those cells, and
shares divide two such sums weight by weight, so every SE is a replicate SE (never a formula
combining MOEs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..geography import NATION, state
from ..method.categories import BREAKDOWNS, STATUSES
from ..method.profile import Profile
from ..pums.schema import REPLICATE_WEIGHTS
from . import replicate

#: Contract populations -> the classification groups they are made of.
POPULATION_MEMBERS: dict[str, tuple[str, ...]] = {
    "us_born": ("us_born",),
    "immigrant": ("immigrant_us_educated", "immigrant_foreign_educated", "immigrant_unknown"),
    "immigrant_us_educated": ("immigrant_us_educated",),
    "immigrant_foreign_educated": ("immigrant_foreign_educated",),
}

LABOR_FORCE = ("employed_high_skill", "employed_middle_skill", "employed_low_skill", "unemployed")


def outcome_members(profile: Profile) -> dict[str, tuple[str, ...]]:
    """Contract outcomes -> the statuses they are made of (``underutilized`` per the profile)."""
    return {
        "total": STATUSES,
        "labor_force": LABOR_FORCE,
        "employed_high_skill": ("employed_high_skill",),
        "employed_middle_skill": ("employed_middle_skill",),
        "employed_low_skill": ("employed_low_skill",),
        "unemployed": ("unemployed",),
        "not_in_labor_force": ("not_in_labor_force",),
        "underutilized": tuple(profile.underutilized),
    }


#: The denominator of each outcome's share.
SHARE_OF = {
    "total": "total",
    "labor_force": "total",
    "not_in_labor_force": "total",
    "employed_high_skill": "labor_force",
    "employed_middle_skill": "labor_force",
    "employed_low_skill": "labor_force",
    "unemployed": "labor_force",
    "underutilized": "labor_force",
}

#: Unreliable below this many records or above this coefficient of variation.
MIN_RECORDS = 30
MAX_CV = 0.30

ESTIMATE_COLUMNS = [
    "year", "period", "state", "population", "outcome", "breakdown", "category",
    "count", "count_se", "count_moe90", "count_cv",
    "share", "share_se", "share_moe90",
    "n_unweighted", "reliable", "profile",
]  # fmt: skip


def replicate_columns(frame: pd.DataFrame) -> list[str]:
    """The replicate weight columns, if all 80 are there; else none."""
    return list(REPLICATE_WEIGHTS) if all(c in frame for c in REPLICATE_WEIGHTS) else []


def state_codes(fips: pd.Series) -> pd.Series:
    """USPS codes for a column of FIPS codes."""
    lookup = {f: state(f).usps for f in fips.dropna().unique()}
    return fips.map(lookup).astype("string")


def reliability(count: np.ndarray, se: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(CV, reliable): unreliable when fewer than 30 records or CV above 30% (NaN CV = unknown)."""
    cv = replicate.ratio(se, count)
    reliable = (n >= MIN_RECORDS) & (count > 0) & ~(cv > MAX_CV)
    return cv, reliable


def estimate_outcomes(
    classified: pd.DataFrame,
    profile: Profile,
    *,
    year: int,
    period: int,
    breakdown: str | None = None,
    national: bool = False,
    states: list[str] | None = None,
    weight_divisor: float = 1.0,
) -> pd.DataFrame:
    """Counts and shares with replicate SEs for the profile's universe (see module docstring).

    `national` adds rows for ``US`` (the sum over the states in the input). `states` fixes the
    states reported (rows of zeros for a state without records); by default those in the input.
    `weight_divisor` divides every weight (number of 1-year files pooled).
    """
    if breakdown is not None and breakdown not in BREAKDOWNS:
        raise InputError(f"unknown breakdown {breakdown!r}: use one of {', '.join(BREAKDOWNS)}")
    u = classified.loc[classified["in_universe"]]
    reps = replicate_columns(u)
    W = replicate.weight_matrix(u, reps)
    if weight_divisor != 1:
        W /= weight_divisor
    keys = pd.DataFrame(
        {
            "state": state_codes(u["STATE"]).to_numpy(),
            "population": u["population"].to_numpy(),
            "status": u["status"].to_numpy(),
            "category": (
                u[breakdown].astype("string").fillna("not_applicable").to_numpy()
                if breakdown
                else np.full(len(u), "all")
            ),
        }
    )
    codes, fine_keys = replicate.cell_codes(keys)
    n_fine = len(fine_keys)
    # weights summed per finest cell, plus a last column counting records
    fine_tot = np.column_stack(
        [replicate.cell_totals(codes, n_fine, W), np.bincount(codes, minlength=n_fine)]
    )
    del W

    report_states = list(states) if states else sorted(fine_keys["state"].unique())
    report_states = [s for s in report_states if s != NATION]
    categories = sorted(fine_keys["category"].unique()) if breakdown else ["all"]
    if not categories:
        categories = ["all"]
    groups = [(s, c) for s in report_states for c in categories]
    if national:
        groups += [(NATION, c) for c in categories]
    group_index = {g: i for i, g in enumerate(groups)}
    state_cat = list(zip(fine_keys["state"], fine_keys["category"], strict=True))
    base_idx = np.array([group_index.get(sc, -1) for sc in state_cat], dtype=np.int64)
    nat_idx = np.array([group_index.get((NATION, c), -1) for _, c in state_cat], dtype=np.int64)

    split_known = (keys["population"] != "immigrant_unknown").all() or (
        keys["population"].isin(["immigrant_us_educated", "immigrant_foreign_educated"]).any()
    )
    outcomes = outcome_members(profile)
    blocks: dict[tuple[str, str], np.ndarray] = {}
    for pop, pmembers in POPULATION_MEMBERS.items():
        for outcome, omembers in outcomes.items():
            mask = (
                fine_keys["population"].isin(pmembers) & fine_keys["status"].isin(omembers)
            ).to_numpy()
            x = np.zeros((len(groups), fine_tot.shape[1]))
            for idx in (base_idx, nat_idx) if national else (base_idx,):
                sel = mask & (idx >= 0)
                x += replicate.cell_totals(idx[sel], len(groups), fine_tot[sel])
            if pop in ("immigrant_us_educated", "immigrant_foreign_educated") and not split_known:
                x[:] = np.nan
            blocks[(pop, outcome)] = x

    rows = []
    n_w = fine_tot.shape[1] - 1
    for (pop, outcome), x in blocks.items():
        est = x[:, :n_w]
        n = x[:, n_w]
        den = blocks[(pop, SHARE_OF[outcome])][:, :n_w]
        share = replicate.ratio(est, den)
        count = est[:, 0]
        se = replicate.standard_error(est) if reps else np.full(len(groups), np.nan)
        share_se = replicate.standard_error(share) if reps else np.full(len(groups), np.nan)
        cv, reliable = reliability(count, se, n)
        rows.append(
            pd.DataFrame(
                {
                    "state": [g[0] for g in groups],
                    "population": pop,
                    "outcome": outcome,
                    "category": [g[1] for g in groups],
                    "count": count,
                    "count_se": se,
                    "count_moe90": replicate.moe90(se),
                    "count_cv": cv,
                    "share": share[:, 0],
                    "share_se": share_se,
                    "share_moe90": replicate.moe90(share_se),
                    "n_unweighted": np.nan_to_num(n, nan=0).astype(np.int64),
                    "reliable": reliable,
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out.insert(0, "year", year)
    out.insert(1, "period", period)
    out.insert(5, "breakdown", breakdown or "none")
    out["profile"] = profile.name
    order = {s: i for i, s in enumerate([*report_states, NATION])}
    out["_s"] = out["state"].map(order)
    out["_p"] = out["population"].map({p: i for i, p in enumerate(POPULATION_MEMBERS)})
    out["_o"] = out["outcome"].map({o: i for i, o in enumerate(outcomes)})
    out = out.sort_values(["_s", "category", "_p", "_o"], kind="stable").drop(
        columns=["_s", "_p", "_o"]
    )
    return out[ESTIMATE_COLUMNS].reset_index(drop=True)
