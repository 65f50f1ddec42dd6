"""Forgone earnings: what underutilized health-degree holders would earn in skill-matched jobs.

Two definitions (profile setting ``forgone_earnings``):

- ``skill_matched`` (default): every underutilized person i (the profile's ``underutilized``:
  by default in a low-skilled job or unemployed) is compared with the *comparison workers* of
  the person's cell, universe members employed in **high**-skilled jobs;
- ``mpi`` (as the Migration Policy Institute estimates it): only people **employed in
  low-skilled jobs** are counted, compared with universe members employed in **middle- or
  high**-skilled jobs.

The gap is ``m_c(i) - e_i``: e_i is the person's own annual earnings (PERNP, ADJINC-adjusted;
zero for most of the unemployed) and m_c the weighted mean earnings of the comparison workers of
the cell c, i.e. the same

- state of residence,
- education level (bachelor's, or a graduate degree: master's, professional, doctorate), and
- age group (25-34, 35-44, 45-54, 55-64, 65+),

whatever their nativity (the question is what a matched job pays; a U.S.-born-only comparison
would add nativity pay gaps to the skill gap). Where a state cell has fewer than
:data:`MIN_COMPARISON_RECORDS` comparison records, the same education x age cell pooled over all
states read is used instead. Forgone earnings of a group are the weighted sum of the gaps
(negative gaps are kept, so the total is not inflated). Every step is repeated under each
replicate weight, so the SE covers the uncertainty of the comparison means too. Amounts are in
one year's dollars (CPI-U-RS, :mod:`.dollars`): by default the data year's.

``underutilized`` is the estimates table's count (the profile's definition); ``counted`` the
people the definition compares (the same under ``skill_matched``), of whom
``without_comparison`` had no comparison worker in their cell even pooled over states and are
left out of the sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import SchemaError
from ..geography import NATION, fifty_states_and_dc
from . import replicate
from .dollars import dollars_label, in_dollars_of
from .outcomes import (
    POPULATION_MEMBERS,
    meets_reliability_standard,
    outcome_mask,
    replicate_columns,
    state_codes,
)

MIN_COMPARISON_RECORDS = 30

#: The comparison jobs and the people counted, by definition.
COMPARISON_STATUSES = {
    "skill_matched": ("employed_high_skill",),
    "mpi": ("employed_middle_skill", "employed_high_skill"),
}

FORGONE_COLUMNS = [
    "year", "period", "state", "population",
    "underutilized", "n_unweighted", "comparison_records",
    "forgone_earnings", "forgone_earnings_se", "forgone_earnings_moe90",
    "mean_gap", "mean_gap_se", "reliable", "profile",
    "counted", "without_comparison", "without_comparison_n", "definition", "dollars",
]  # fmt: skip


def earnings_column(frame: pd.DataFrame) -> str:
    """PERNP (all earnings), else WAGP (wages and salaries only) for extracts without PERNP."""
    for column in ("PERNP", "WAGP"):
        if column in frame:
            return column
    raise SchemaError("forgone earnings need PERNP or WAGP in the input")


def _education_level(schl: pd.Series) -> np.ndarray:
    return np.where(schl.astype("string").fillna("") == "21", "bachelors", "graduate")


def forgone_earnings(
    classified: pd.DataFrame,
    profile,
    *,
    year: int,
    period: int,
    national: bool = False,
    states: list[str] | None = None,
    dollars_year: int | None = None,
) -> pd.DataFrame:
    """Forgone annual earnings by state and population, with replicate SEs (see module doc).

    `dollars_year` (default `year`) is the year whose dollars every amount is in.
    """
    u = classified.loc[classified["in_universe"]]
    reps = replicate_columns(u)
    W = replicate.weight_matrix(u, reps)
    column = earnings_column(u)
    e = u[column].astype("Float64").fillna(0).to_numpy(dtype=np.float64)
    # ADJINC puts a 1-year record in its survey year's dollars and a 5-year file in its last year's
    from_years = u["year"].to_numpy(dtype=np.int64) if period == 1 and "year" in u else year
    to_year = year if dollars_year is None else int(dollars_year)
    e = in_dollars_of(e, from_years, to_year)
    st = state_codes(u["STATE"]).to_numpy()
    cell = (
        pd.Series(_education_level(u["SCHL"]))
        + "|"
        + u["age_group"].astype("string").fillna("other").to_numpy()
    )
    cell = cell.to_numpy()
    definition = profile.forgone_earnings
    comparison = u["status"].isin(COMPARISON_STATUSES[definition]).fillna(False).to_numpy()
    under = outcome_mask(u, "underutilized", profile)
    if definition == "mpi":
        counted = (u["status"] == "employed_low_skill").fillna(False).to_numpy(dtype=bool)
    else:
        counted = under

    # Mean earnings of comparison workers per (state, cell) and per pooled cell, per weight.
    sc_codes, sc_keys = pd.MultiIndex.from_arrays([st, cell]).factorize()
    c_codes, c_keys = pd.Index(cell).factorize()
    records = replicate.record_counts(u)
    stacked = np.column_stack([W, W * e[:, None], records])
    k = W.shape[1]
    by_sc = replicate.cell_totals(sc_codes[comparison], len(sc_keys), stacked[comparison])
    by_c = replicate.cell_totals(c_codes[comparison], len(c_keys), stacked[comparison])
    mean_sc = replicate.ratio(by_sc[:, k : 2 * k], by_sc[:, :k])
    mean_c = replicate.ratio(by_c[:, k : 2 * k], by_c[:, :k])
    # (state, cell) -> its pooled cell, used when the state cell is thin
    pooled_of_sc = c_keys.get_indexer([key[1] for key in sc_keys])
    thin = by_sc[:, 2 * k] < MIN_COMPARISON_RECORDS
    mean = np.where(thin[:, None], mean_c[pooled_of_sc], mean_sc)
    comparison_n = np.where(thin, by_c[pooled_of_sc, 2 * k], by_sc[:, 2 * k])

    # Gap of each counted record under every weight: w_r * (m_c,r - e_i).
    m_rec = mean[sc_codes]  # records x k
    has_mean = ~np.isnan(m_rec[:, 0])
    gap = W * (np.nan_to_num(m_rec) - e[:, None])
    report_states = [s for s in (states or sorted(set(st))) if s != NATION]
    places = [*report_states, *([NATION] if national else [])]
    keep = counted & has_mean
    lost = counted & ~has_mean
    rows_in = under | counted
    sp_codes, sp_keys = pd.MultiIndex.from_arrays(
        [st[rows_in], u["population"].to_numpy()[rows_in]]
    ).factorize()
    kept = keep[rows_in][:, None]
    w0 = W[:, 0].astype(np.float64)
    # full-sample counts: underutilized, counted, counted without comparison, and its records
    extra = np.column_stack([under * w0, counted * w0, lost * w0, lost * records])[rows_in]
    sums = replicate.cell_totals(
        sp_codes,
        len(sp_keys),
        np.column_stack(
            [gap[rows_in] * kept, W[rows_in] * kept, records[rows_in] * kept[:, 0], extra]
        ),
    )
    # the thinnest comparison cell behind each (state, population)
    thinnest = (
        pd.Series(np.where(keep, comparison_n[sc_codes], np.inf)[rows_in]).groupby(sp_codes).min()
    )
    key_state = np.array([key[0] for key in sp_keys], dtype=object)
    key_pop = np.array([key[1] for key in sp_keys], dtype=object)
    rows = []
    for place in places:
        in_place = (
            np.isin(key_state, fifty_states_and_dc()) if place == NATION else key_state == place
        )
        for pop, members in POPULATION_MEMBERS.items():
            sel = in_place & np.isin(key_pop, members)
            tot = sums[sel].sum(axis=0)
            gap_tot, count, n = tot[:k], tot[k : 2 * k], int(tot[2 * k])
            n_under, n_counted, n_lost, n_lost_records = tot[2 * k + 1 : 2 * k + 5]
            mean_gap = replicate.ratio(gap_tot, count)
            se = replicate.standard_error(gap_tot[None, :])[0] if reps else np.nan
            mg_se = replicate.standard_error(mean_gap[None, :])[0] if reps else np.nan
            comp = thinnest.reindex(np.flatnonzero(sel)).min() if n else 0
            comp_n = int(comp) if np.isfinite(comp) else 0
            cv = se / abs(gap_tot[0]) if gap_tot[0] else np.nan  # relative to the size of the gap
            rows.append(
                {
                    "year": year,
                    "period": period,
                    "state": place,
                    "population": pop,
                    "underutilized": n_under,
                    "n_unweighted": n,
                    "comparison_records": comp_n,
                    "forgone_earnings": gap_tot[0],
                    "forgone_earnings_se": se,
                    "forgone_earnings_moe90": replicate.Z90 * se,
                    "mean_gap": mean_gap[0],
                    "mean_gap_se": mg_se,
                    "reliable": bool(
                        meets_reliability_standard(n, cv) and comp_n >= MIN_COMPARISON_RECORDS
                    ),
                    "profile": profile.name,
                    "counted": n_counted,
                    "without_comparison": n_lost,
                    "without_comparison_n": int(n_lost_records),
                    "definition": definition,
                    "dollars": dollars_label(to_year),
                }
            )
    out = pd.DataFrame(rows, columns=FORGONE_COLUMNS)
    out["earnings_variable"] = column
    return out
