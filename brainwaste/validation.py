"""The validation evidence, as tables: replicate SEs against an independent implementation, and
weighted population totals against the figures they should reproduce.

- :func:`read_se_check` / :func:`se_check_summary` read the result of
  ``scripts/validate_se_with_r.py`` (``docs/validation/se_check_2018.csv``: brainwaste's
  estimates and SEs beside those of the R ``survey`` package on official ACS files).
- :func:`population_totals` sums the person weights of every record read, by state, and puts
  them beside a reference total: for the synthetic sample, the population it was calibrated to;
  for Census files, the published ACS total when a Census API key is available.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from . import config
from .errors import BrainwasteError
from .estimate import replicate
from .geography import state
from .report import Dataset

#: Statistic kinds of the SE cross-check, in reading order.
SE_CHECK_KINDS = {
    "population": "Population totals (all records)",
    "count": "Counts of health-degree holders",
    "share": "Shares (rates)",
}


def read_se_check(path: str | os.PathLike) -> pd.DataFrame:
    """The SE cross-check table, with ``kind``, ``population`` and ``outcome`` split out of
    ``statistic`` (``count:us_born:total``; population totals have no population/outcome)."""
    t = pd.read_csv(path, dtype={"state": str, "statistic": str})
    parts = t["statistic"].str.split(":", expand=True).reindex(columns=[0, 1, 2])
    is_total = parts[1].isna()
    t["kind"] = np.where(is_total, "population", parts[0])
    t["population"] = parts[1].where(~is_total)
    t["outcome"] = np.where(is_total, parts[0], parts[2])
    t["agree_6sig"] = t["agree_6sig"].astype(str).str.lower().eq("true")
    return t


def se_check_summary(check: pd.DataFrame) -> pd.DataFrame:
    """Per kind of statistic: how many were compared, how many agree to 6 significant digits
    (estimate and SE), and the largest relative differences."""
    rows = {}
    for kind, label in SE_CHECK_KINDS.items():
        d = check[check["kind"] == kind]
        if d.empty:
            continue
        rows[label] = {
            "statistics": len(d),
            "states": d["state"].nunique(),
            "agree to 6 significant digits": int(d["agree_6sig"].sum()),
            "largest relative difference, estimate": f"{d['rel_diff_estimate'].max():.1e}",
            "largest relative difference, SE": f"{d['rel_diff_se'].max():.1e}",
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    total = {
        "statistics": len(check),
        "states": check["state"].nunique(),
        "agree to 6 significant digits": int(check["agree_6sig"].sum()),
        "largest relative difference, estimate": f"{check['rel_diff_estimate'].max():.1e}",
        "largest relative difference, SE": f"{check['rel_diff_se'].max():.1e}",
    }
    out.loc["All"] = total
    return out


def control_totals(check: pd.DataFrame) -> pd.DataFrame:
    """The total population of each state in the cross-check: sum of the person weights and
    its replicate SE (zero when every replicate weight sums to the same control total, as the
    Census Bureau builds them), by brainwaste and by R."""
    d = check[(check["kind"] == "population") & (check["outcome"] == "total_population")]
    return pd.DataFrame(
        {
            "State": [state(s).name for s in d["state"]],
            "Sum of PWGTP (brainwaste)": [f"{v:,.0f}" for v in d["brainwaste_estimate"]],
            "SE (brainwaste)": [f"{v:,.1f}" for v in d["brainwaste_se"]],
            "Sum of PWGTP (R survey)": [f"{v:,.0f}" for v in d["r_estimate"]],
            "SE (R survey)": [f"{v:,.1f}" for v in d["r_se"]],
        }
    ).set_index("State")


# -- population totals of a run -----------------------------------------------------------------


def reference_population(ds: Dataset, published: bool = True) -> pd.DataFrame:
    """Total population each state's weights should add up to (columns ``STATE`` fips,
    ``reference``, ``reference_source``); empty when none is known.

    Synthetic sample: the population it was calibrated to. Census files: the published ACS
    total (B01003) when `published` and ``CENSUS_API_KEY`` is set; a failed request is reported
    in ``attrs["note"]`` rather than raised, since the check is informative.
    """
    fips = [state(s).fips for s in ds.report_states]
    empty = pd.DataFrame(columns=["STATE", "reference", "reference_source"])
    if ds.synthetic:
        from .pums import synthetic

        calib = synthetic.params()["states"]["population"]
        values = calib["values"]
        rows = [
            {
                "STATE": f,
                "reference": float(values[state(f).usps]),
                "reference_source": "calibration target of the synthetic sample",
            }
            for f in fips
            if state(f).usps in values
        ]
        out = pd.DataFrame(rows) if rows else empty
        out.attrs["note"] = f"calibration targets: {calib['source']}"
        return out
    if not published or not config.census_api_key() or ds.source == "api":
        empty.attrs["note"] = "no reference totals: set CENSUS_API_KEY to compare with table B01003"
        return empty
    from .check import published_totals

    try:
        pub = published_totals(ds.year, ds.period, ds.report_states)
    except BrainwasteError as exc:
        empty.attrs["note"] = f"published totals unavailable: {exc}"
        return empty
    pub = pub[pub["characteristic"] == "Total population"]
    out = pd.DataFrame(
        {
            "STATE": pub["STATE"].to_numpy(),
            "reference": pub["published_estimate"].to_numpy(dtype=float),
            "reference_source": f"published ACS {ds.year} {ds.period}-year table B01003",
        }
    )
    out.attrs["note"] = "reference: published ACS totals fetched with the census package"
    return out


def population_totals(ds: Dataset, reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per state: the sum of the person weights over every record read (total population,
    foreign born, 25+ with a bachelor's degree or more), its replicate SE, and for the total
    population the reference total and the difference from it."""
    totals = ds.persons.state_population_totals
    if totals is None or totals.empty or totals["PWGTP"].isna().all():
        return pd.DataFrame(
            {"note": ["no population totals: the records came from an API extract of the universe"]}
        )
    x = totals.to_numpy(dtype=float)
    se = replicate.standard_error(x) if x.shape[1] > 1 else np.full(len(x), np.nan)
    t = totals.index.to_frame(index=False)
    t["sum_of_weights"] = x[:, 0]
    t["se"] = se
    ref = reference if reference is not None else pd.DataFrame(columns=["STATE", "reference"])
    t = t.merge(ref[["STATE", "reference"]], on="STATE", how="left")
    t.loc[t["statistic"] != "total_population", "reference"] = np.nan
    t["difference"] = t["sum_of_weights"] - t["reference"]
    t["difference_pct"] = 100 * t["difference"] / t["reference"]
    labels = {
        "total_population": "Total population",
        "foreign_born": "Foreign born",
        "age25_bachelors_plus": "Age 25+, bachelor's or higher",
    }
    out = pd.DataFrame(
        {
            "State": [state(f).name for f in t["STATE"]],
            "Statistic": t["statistic"].map(labels).fillna(t["statistic"]),
            "Sum of PWGTP": [f"{v:,.0f}" for v in t["sum_of_weights"]],
            "SE": ["" if pd.isna(v) else f"{v:,.0f}" for v in t["se"]],
            "Reference": ["" if pd.isna(v) else f"{v:,.0f}" for v in t["reference"]],
            "Difference": [
                "" if pd.isna(d) else f"{d:+,.0f} ({pct:+.4f}%)"
                for d, pct in zip(t["difference"], t["difference_pct"], strict=True)
            ],
        }
    )
    return out.set_index(["State", "Statistic"])
