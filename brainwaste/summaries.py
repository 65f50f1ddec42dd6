"""Reader-facing tables: the numbers a report quotes, formatted with their margins of error.

Each function takes one of the processed tables (see :func:`brainwaste.report.build_tables`)
and returns a small DataFrame of display strings such as ``"23% (±5)"``: the point estimate and
its 90% margin of error, with :data:`UNRELIABLE_MARK` after estimates that fail the reliability
standard (:data:`~brainwaste.estimate.outcomes.RELIABILITY_RULE`). The tidy numeric tables stay the
source of truth; these are for reading, printing and pasting into a report.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .estimate.outcomes import MAX_CV, MIN_RECORDS, RELIABILITY_RULE
from .estimate.replicate import moe90
from .geography import NATION, place_name
from .method.categories import FEATURED_HEALTH_OCCUPATIONS, GROUPS, LF_OUTCOMES, groups_in
from .wording import OUTCOME_LABELS, POPULATION_LABELS, dollars, pct

#: Appended to an estimate that fails the reliability standard.
UNRELIABLE_MARK = "†"

#: What the mark means, for a footnote under a table.
UNRELIABLE_NOTE = f"{UNRELIABLE_MARK} unreliable: {RELIABILITY_RULE}; read with care."

#: Groups in reading order: the three groups, then all immigrants.
POPULATION_ORDER = (*GROUPS, "immigrant")

#: Coefficient-of-variation bands of :func:`cv_distribution`.
CV_BANDS = (0.0, 0.10, 0.20, MAX_CV, 0.50, np.inf)


def _mark(text: str, reliable) -> str:
    return (
        text if reliable is None or pd.isna(reliable) or bool(reliable) else text + UNRELIABLE_MARK
    )


def format_share(share: float, moe: float = np.nan, reliable=None, digits: int = 1) -> str:
    """``"23.4% (±5.1)"``; no MOE when there is none (no replicate weights); ``"n/a"`` if empty."""
    if pd.isna(share):
        return "n/a"
    text = f"{100 * share:.{digits}f}%"
    if not pd.isna(moe):
        text += f" (±{100 * moe:.{digits}f})"
    return _mark(text, reliable)


def format_count(count: float, moe: float = np.nan, reliable=None) -> str:
    """``"12,345 (±2,100)"``; ``"n/a"`` if empty."""
    if pd.isna(count):
        return "n/a"
    text = f"{count:,.0f}" + ("" if pd.isna(moe) else f" (±{moe:,.0f})")
    return _mark(text, reliable)


def format_dollars(amount: float, moe: float = np.nan, reliable=None) -> str:
    """``"$35 million (±$12 million)"``; ``"n/a"`` if empty."""
    if pd.isna(amount):
        return "n/a"
    text = dollars(amount) + ("" if pd.isna(moe) else f" (±{dollars(moe)})")
    return _mark(text, reliable)


def _note(text: str) -> pd.DataFrame:
    return pd.DataFrame({"note": [text]})


# -- one place --------------------------------------------------------------------------------------

OUTCOME_COLUMNS = (*LF_OUTCOMES, "underutilized", "not_in_labor_force")


def outcomes_table(estimates: pd.DataFrame, places: str | Iterable[str]) -> pd.DataFrame:
    """Labor-market outcomes of each group in one or more places: holders, then each outcome.

    Shares of the four job/unemployment outcomes and of ``underutilized`` are of the group's
    civilian labor force; ``not in labor force`` is a share of all holders in the group. Places
    the table does not hold (``US`` in a run of a few states) are left out.
    """
    places = [places] if isinstance(places, str) else list(places)
    e = estimates[estimates["breakdown"] == "none"]
    rows = {}
    for place in [p for p in places if (e["state"] == p).any()]:
        ep = e[e["state"] == place]
        for g in groups_in(ep):
            d = ep[ep["population"] == g].set_index("outcome")
            row = {
                "Health-degree holders": format_count(
                    *d.loc["total", ["count", "count_moe90", "reliable"]]
                ),
                "In the labor force": format_count(
                    *d.loc["labor_force", ["count", "count_moe90", "reliable"]]
                ),
            }
            for o in OUTCOME_COLUMNS:
                row[OUTCOME_LABELS[o]] = format_share(
                    *d.loc[o, ["share", "share_moe90", "reliable"]]
                )
            rows[(place_name(place), POPULATION_LABELS[g])] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.names = ["Place", "Group"]
    return out


def top_occupations(
    occupations: pd.DataFrame, place: str, population: str | None = None, top: int = 10
) -> pd.DataFrame:
    """The most common occupations of a group's employed in one place (default: immigrants
    educated abroad), with skill tier, count and share of the group's employed."""
    o = occupations[occupations["state"] == place]
    if population is None:
        split = (o["population"] == "immigrant_foreign_educated").any()
        population = "immigrant_foreign_educated" if split else "immigrant"
    o = o[o["population"] == population].sort_values(["count", "occp2018"], ascending=[False, True])
    if o.empty:
        return _note(f"no employed {POPULATION_LABELS[population].lower()} in this table")
    o = o.head(top)
    return pd.DataFrame(
        {
            "Occupation (Census code)": [
                f"{t} ({c})" for t, c in zip(o["title"], o["occp2018"], strict=True)
            ],
            "Skill tier": o["skill_tier"].fillna("n/a").to_numpy(),
            "Workers": [format_count(r.count, r.count_moe90, r.reliable) for r in o.itertuples()],
            "Share of the group's employed": [pct(v, 1) for v in o["share_of_employed"]],
        },
        index=pd.RangeIndex(1, len(o) + 1, name="rank"),
    )


def immigrant_shares(
    health_workforce: pd.DataFrame | None,
    place: str,
    occupations: Iterable[str] = FEATURED_HEALTH_OCCUPATIONS,
) -> pd.DataFrame:
    """Workers of key health occupations (any education) and the share born abroad, highest
    share first, with all health occupations together on top."""
    if health_workforce is None:
        return _note(
            "no health-workforce table in this run: it needs every worker's record (bulk files, "
            "the sample or your own file), not an API extract of the universe"
        )
    h = health_workforce[
        (health_workforce["state"] == place)
        & health_workforce["occp2018"].isin(["all_health", *occupations])
    ].copy()
    h["_rest"] = h["occp2018"] != "all_health"
    h = h.sort_values(["_rest", "immigrant_share"], ascending=[True, False])
    ok = h["reliable"].fillna(False) & h["immigrants_reliable"].fillna(False)
    return pd.DataFrame(
        {
            "Occupation": h["title"].to_numpy(),
            "Workers": [format_count(r.count, r.count_moe90, r.reliable) for r in h.itertuples()],
            "Immigrants": [
                format_count(r.immigrants, float(moe90(r.immigrants_se)), r.immigrants_reliable)
                for r in h.itertuples()
            ],
            "Immigrant share": [
                format_share(r.immigrant_share, r.immigrant_share_moe90, good)
                for r, good in zip(h.itertuples(), ok, strict=True)
            ],
        }
    ).set_index("Occupation")


def forgone_earnings_table(forgone: pd.DataFrame | None, places: Iterable[str]) -> pd.DataFrame:
    """Annual earnings forgone by each group's underutilized, in the given places."""
    if forgone is None:
        return _note("no forgone-earnings table in this run: the input has no PERNP or WAGP")
    rows = []
    f = forgone[forgone["state"].isin(list(places))]
    groups = groups_in(f.rename(columns={"underutilized": "count"}))
    for r in f[f["population"].isin(groups)].itertuples():
        rows.append(
            {
                "Place": place_name(r.state),
                "Group": POPULATION_LABELS[r.population],
                "Underutilized": format_count(r.underutilized),
                "Forgone earnings a year": format_dollars(
                    r.forgone_earnings, r.forgone_earnings_moe90, r.reliable
                ),
                "Average gap per person": "n/a" if pd.isna(r.mean_gap) else f"${r.mean_gap:,.0f}",
                # which year's dollars (older tables lack the column)
                "Dollars": getattr(r, "dollars", "survey year's dollars"),
            }
        )
    return pd.DataFrame(rows).set_index(["Place", "Group"])


# -- places compared ----------------------------------------------------------------------------


def rates_by_state(
    estimates: pd.DataFrame, outcome: str = "underutilized", focus: str | None = None
) -> pd.DataFrame:
    """One outcome's share for every state of the run (and the nation, first), per group.

    States are sorted by the rate of the last group (immigrants educated abroad when the split is
    known), highest first; the focus state's name is marked with an arrow.
    """
    e = estimates[(estimates["breakdown"] == "none") & (estimates["outcome"] == outcome)]
    groups = groups_in(e)
    lead = e[e["population"] == groups[-1]].set_index("state")
    order = lead.assign(_ok=lead["reliable"].fillna(False)).sort_values(
        ["_ok", "share"], ascending=[False, False], na_position="last"
    )
    states = [s for s in order.index if s != NATION]
    if NATION in order.index:
        states = [NATION, *states]
    out = {}
    for g in groups:
        d = e[e["population"] == g].set_index("state")
        out[POPULATION_LABELS[g]] = [
            format_share(*d.loc[s, ["share", "share_moe90", "reliable"]]) for s in states
        ]
    names = [("→ " if s == focus else "") + place_name(s) for s in states]
    table = pd.DataFrame(out, index=pd.Index(names, name="State"))
    return table


# -- definitions and reliability ------------------------------------------------------------------


def profile_settings(profiles: Iterable) -> pd.DataFrame:
    """The settings of definition profiles (names or :class:`Profile`) side by side."""
    from .method.profile import load_profile

    cols = {}
    for spec in profiles:
        p = load_profile(spec)
        s = p.settings()
        s["max_age"] = "none" if s["max_age"] is None else s["max_age"]
        cols[p.name] = {
            k: ", ".join(map(str, v)) if isinstance(v, list) else v
            for k, v in s.items()
            if k != "name"
        }
    return pd.DataFrame(cols)


def rates_by_profile(
    by_profile: pd.DataFrame, place: str, outcome: str = "underutilized"
) -> pd.DataFrame:
    """An outcome's share in one place under each definition profile (rows), per group."""
    return _by_profile(by_profile, place, outcome, "share", format_share)


def holders_by_profile(by_profile: pd.DataFrame, place: str) -> pd.DataFrame:
    """Health-degree holders (the universe) in one place under each profile, per group."""
    return _by_profile(by_profile, place, "total", "count", format_count)


def _by_profile(
    by_profile: pd.DataFrame, place: str, outcome: str, value: str, fmt
) -> pd.DataFrame:
    """One outcome's `value` (share or count, with its MOE) per profile (rows) and group."""
    e = by_profile[
        (by_profile["state"] == place)
        & (by_profile["breakdown"] == "none")
        & (by_profile["outcome"] == outcome)
    ]
    out = {}
    for g in groups_in(e):
        d = e[e["population"] == g].set_index("profile")
        out[POPULATION_LABELS[g]] = {
            p: fmt(*d.loc[p, [value, f"{value}_moe90", "reliable"]]) for p in d.index
        }
    table = pd.DataFrame(out)
    table.index.name = "profile"
    return table


def _count_cells(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Count estimates of the estimates/breakdowns tables, each count once (shares share them)."""
    t = pd.concat(list(tables), ignore_index=True)
    keys = ["state", "population", "outcome", "breakdown", "category"]
    return t.drop_duplicates(keys)


def reliability_summary(*tables: pd.DataFrame) -> pd.DataFrame:
    """Per group: how many count cells, how many are unreliable and why, and their CVs.

    Cells are the counts of the estimates and breakdowns tables (every state, outcome and
    breakdown category). A cell fails on records (under MIN_RECORDS), on precision (CV above
    MAX_CV), or both; cells without any record are counted apart.
    """
    t = _count_cells(tables)
    rows = {}
    by_group = dict(list(t.groupby("population", sort=False)))
    parts = [(g, by_group[g]) for g in POPULATION_ORDER if g in by_group]
    for g, d in [*parts, ("all groups", t)]:
        has = d[d["n_unweighted"] > 0]
        few = has["n_unweighted"] < MIN_RECORDS
        noisy = has["count_cv"] > MAX_CV
        rows[POPULATION_LABELS.get(g, g)] = {
            "cells": len(d),
            "cells without records": int((d["n_unweighted"] == 0).sum()),
            "unreliable (share of cells with records)": pct(
                (~has["reliable"].fillna(False)).mean() if len(has) else np.nan, 1
            ),
            f"under {MIN_RECORDS} records": int(few.sum()),
            f"CV above {MAX_CV:.0%}": int(noisy.sum()),
            "median CV": pct(has["count_cv"].median(), 1) if len(has) else "n/a",
            "90th percentile CV": pct(has["count_cv"].quantile(0.9), 1) if len(has) else "n/a",
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def cv_distribution(*tables: pd.DataFrame, bands: tuple[float, ...] = CV_BANDS) -> pd.DataFrame:
    """How the coefficients of variation of the count cells with records are distributed: per
    CV band (rows) and group (columns), the number of cells and their share of the group's."""
    t = _count_cells(tables)
    t = t[t["n_unweighted"] > 0]
    labels = [
        f"{lo:.0%} to {hi:.0%}" if np.isfinite(hi) else f"{lo:.0%} or more"
        for lo, hi in zip(bands[:-1], bands[1:], strict=True)
    ]
    band = pd.cut(t["count_cv"], list(bands), right=False, labels=labels)
    band = band.cat.add_categories(["no SE"]).fillna("no SE")
    counts = pd.crosstab(band, t["population"], dropna=False)
    order = [p for p in POPULATION_ORDER if p in counts.columns]
    counts = counts[order].rename(columns=POPULATION_LABELS)
    counts["all groups"] = counts.sum(axis=1)
    counts = counts.reindex([*labels, "no SE"], fill_value=0)
    if counts.loc["no SE"].sum() == 0:
        counts = counts.drop(index="no SE")
    share = counts / counts.sum()
    out = pd.DataFrame(
        {
            c: [f"{n:,} ({pct(s, 1)})" for n, s in zip(counts[c], share[c], strict=True)]
            for c in counts.columns
        },
        index=pd.Index(counts.index.astype(str), name="CV band"),
    )
    return out
