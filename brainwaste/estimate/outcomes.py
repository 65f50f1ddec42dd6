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

from ..errors import InputError, SchemaError
from ..geography import NATION, fifty_states_and_dc, state
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

EMPLOYED = ("employed_high_skill", "employed_middle_skill", "employed_low_skill")
LABOR_FORCE = (*EMPLOYED, "unemployed")

#: Population row for immigrants whose place of education is unknown (YOEP missing), present
#: only when some immigrants have it and others do not.
UNKNOWN_EDUCATION = "immigrant_unknown_education"

#: Outcome (or underutilization component) -> (statuses, in a health occupation, part-time):
#: a record is in it when its status is one of the statuses and, where the second and third
#: items are not None, its ``health_worker`` and ``part_time`` flags have those values.
OUTCOME_RULES: dict[str, tuple[tuple[str, ...], bool | None, bool | None]] = {
    "total": (STATUSES, None, None),
    "labor_force": (LABOR_FORCE, None, None),
    "employed_high_skill": (("employed_high_skill",), None, None),
    "employed_middle_skill": (("employed_middle_skill",), None, None),
    "employed_low_skill": (("employed_low_skill",), None, None),
    "employed_health_occupation": (EMPLOYED, True, None),
    "employed_outside_health": (EMPLOYED, False, None),
    "employed_health_part_time": (EMPLOYED, True, True),
    "unemployed": (("unemployed",), None, None),
    "not_in_labor_force": (("not_in_labor_force",), None, None),
}

#: The outcome rows of the estimates table, in order (``underutilized`` per the profile).
OUTCOMES = (
    "total",
    "labor_force",
    "employed_high_skill",
    "employed_middle_skill",
    "employed_low_skill",
    "employed_health_occupation",
    "employed_outside_health",
    "unemployed",
    "not_in_labor_force",
    "underutilized",
)

#: The denominator of each outcome's share (``underutilized``: the profile's rate_denominator).
SHARE_OF = {
    "total": "total",
    "labor_force": "total",
    "not_in_labor_force": "total",
    "employed_high_skill": "labor_force",
    "employed_middle_skill": "labor_force",
    "employed_low_skill": "labor_force",
    "employed_health_occupation": "labor_force",
    "employed_outside_health": "labor_force",
    "unemployed": "labor_force",
    "underutilized": "labor_force",
}


def share_of(outcome: str, profile: Profile) -> str:
    """The outcome whose count is the denominator of `outcome`'s share under `profile`."""
    return profile.rate_denominator if outcome == "underutilized" else SHARE_OF[outcome]


def needs_part_time(profile: Profile) -> bool:
    """Whether the profile's underutilized count depends on usual hours worked (WKHP)."""
    return "employed_health_part_time" in profile.underutilized


def outcome_mask(frame: pd.DataFrame, outcome: str, profile: Profile) -> np.ndarray:
    """Which rows of `frame` (records, or cells with the same columns: ``status``,
    ``health_worker`` and ``part_time``) are in `outcome`; ``underutilized`` is the union of the
    profile's components, so a person in two of them counts once."""
    names = profile.underutilized if outcome == "underutilized" else (outcome,)
    status = frame["status"]
    out = np.zeros(len(frame), dtype=bool)
    for name in names:
        statuses, health, part_time = OUTCOME_RULES[name]
        m = np.array(status.isin(statuses).fillna(False), dtype=bool)
        if health is not None:
            m &= frame["health_worker"].fillna(False).to_numpy(dtype=bool) == health
        if part_time is not None:
            m &= frame["part_time"].fillna(False).to_numpy(dtype=bool) == part_time
        out |= m
    return out


#: Unreliable below this many records or above this coefficient of variation.
MIN_RECORDS = 30
MAX_CV = 0.30

#: The reliability standard in words: every output that marks unreliable estimates (tables,
#: charts, the workbook, the gallery, fact sheets, the command line) quotes this.
#: Short enough for a chart's note line.
RELIABILITY_RULE = f"fewer than {MIN_RECORDS} sample records or a CV above {MAX_CV:.0%}"
#: The same as a sentence, for notes and footers.
RELIABILITY_SENTENCE = (
    f"An estimate is marked unreliable when it has {RELIABILITY_RULE} (CV: coefficient of "
    "variation, the standard error divided by the estimate, of its count or of its share)."
)


def meets_reliability_standard(n, cv):
    """At least :data:`MIN_RECORDS` records and a CV not above :data:`MAX_CV` (an unknown CV,
    without replicate weights, passes); arrays or scalars."""
    return (np.asarray(n) >= MIN_RECORDS) & ~(np.asarray(cv) > MAX_CV)


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


def reliability(
    count: np.ndarray,
    se: np.ndarray,
    n: np.ndarray,
    share: np.ndarray | None = None,
    share_se: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(CV, reliable): unreliable when :data:`RELIABILITY_RULE` holds or the count is not
    positive (NaN CV = unknown, e.g. without replicate weights). Given a share, its own CV (share
    SE / share) above :data:`MAX_CV` makes the row unreliable too: a small share of a solid count
    can be noise."""
    cv = replicate.ratio(se, count)
    reliable = meets_reliability_standard(n, cv) & (count > 0)
    if share is not None and share_se is not None:
        share_cv = replicate.ratio(share_se, share)
        reliable &= ~(share_cv > MAX_CV)
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
    if breakdown is not None and breakdown not in classified:
        raise SchemaError(
            f"no breakdown by {breakdown}: the input lacks the PUMS column it is made from "
            "(POBP for birth_region, ENG for english, SEX for sex, WKHP for work_time)"
        )
    # only the columns used below: copying the universe's other columns costs more than the sums
    used = [
        "STATE",
        "population",
        "status",
        "health_worker",
        "part_time",
        breakdown,
        "weight_fraction",
        "record_count",
        "PWGTP",
        *REPLICATE_WEIGHTS,
    ]
    u = classified.loc[classified["in_universe"], [c for c in used if c in classified]]
    if needs_part_time(profile) and "part_time" not in u:
        raise SchemaError(
            f"profile {profile.name} counts part-time health workers: the input needs WKHP "
            "(usual hours worked per week)"
        )
    reps = replicate_columns(u)
    W = replicate.weight_matrix(u, reps)
    if weight_divisor != 1:
        W /= weight_divisor
    keys = pd.DataFrame(
        {
            "state": state_codes(u["STATE"]).to_numpy(),
            "population": u["population"].to_numpy(),
            "status": u["status"].to_numpy(),
            # hand-made tables without the flag: nobody is in a health occupation
            "health_worker": (
                u["health_worker"].fillna(False).to_numpy(dtype=bool)
                if "health_worker" in u
                else np.zeros(len(u), dtype=bool)
            ),
            "part_time": (
                u["part_time"].fillna(False).to_numpy(dtype=bool)
                if "part_time" in u
                else np.zeros(len(u), dtype=bool)
            ),
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
    fine_tot = np.empty((n_fine, W.shape[1] + 1), order="C" if replicate.use_compiled() else "F")
    fine_tot[:, :-1] = replicate.cell_totals(codes, n_fine, W)
    fine_tot[:, -1] = np.bincount(codes, weights=replicate.record_counts(u), minlength=n_fine)
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
    # the nation sums the 50 states and DC; a Puerto Rico file is reported on its own
    in_nation = set(fifty_states_and_dc())
    nat_idx = np.array(
        [group_index.get((NATION, c), -1) if s in in_nation else -1 for s, c in state_cat],
        dtype=np.int64,
    )

    split_known = (keys["population"] != "immigrant_unknown").all() or (
        keys["population"].isin(["immigrant_us_educated", "immigrant_foreign_educated"]).any()
    )
    populations = dict(POPULATION_MEMBERS)
    if split_known and (fine_keys["population"] == "immigrant_unknown").any():
        # some immigrants lack YOEP: their own row, so that the immigrant row is the sum of three
        populations[UNKNOWN_EDUCATION] = ("immigrant_unknown",)
    # Every (population, outcome) block sums its fine cells into the groups (a state's and, for
    # the nation, the nation's: disjoint groups), all blocks in one pass over the selected fine
    # cells, each group's cells added in fine-cell order.
    names, targets, rows = [], [], []
    for pop, pmembers in populations.items():
        in_pop = fine_keys["population"].isin(pmembers).to_numpy(dtype=bool)
        for outcome in OUTCOMES:
            mask = in_pop & outcome_mask(fine_keys, outcome, profile)
            offset = len(names) * len(groups)
            names.append((pop, outcome))
            for idx in (base_idx, nat_idx) if national else (base_idx,):
                sel = np.flatnonzero(mask & (idx >= 0))
                targets.append(offset + idx[sel])
                rows.append(sel)
    sums = replicate.cell_totals(
        np.concatenate(targets), len(names) * len(groups), fine_tot, rows=np.concatenate(rows)
    ).reshape(len(names), len(groups), fine_tot.shape[1])
    blocks: dict[tuple[str, str], np.ndarray] = {}
    for b, (pop, outcome) in enumerate(names):
        x = sums[b]
        if pop in ("immigrant_us_educated", "immigrant_foreign_educated") and not split_known:
            x[:] = np.nan
        blocks[(pop, outcome)] = x

    rows = []
    n_w = fine_tot.shape[1] - 1
    for (pop, outcome), x in blocks.items():
        est = x[:, :n_w]
        n = x[:, n_w]
        den = blocks[(pop, share_of(outcome, profile))][:, :n_w]
        share = replicate.ratio(est, den)
        count = est[:, 0]
        se = replicate.standard_error(est) if reps else np.full(len(groups), np.nan)
        share_se = replicate.standard_error(share) if reps else np.full(len(groups), np.nan)
        cv, reliable = reliability(count, se, n, share[:, 0], share_se)
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
    out["_p"] = out["population"].map({p: i for i, p in enumerate(populations)})
    out["_o"] = out["outcome"].map({o: i for i, o in enumerate(OUTCOMES)})
    out = out.sort_values(["_s", "category", "_p", "_o"], kind="stable").drop(
        columns=["_s", "_p", "_o"]
    )
    return out[ESTIMATE_COLUMNS].reset_index(drop=True)
