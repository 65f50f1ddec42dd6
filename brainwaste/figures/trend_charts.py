"""Charts of change over time, from the tables of ``brainwaste trend``.

- :func:`underutilization_trend`: the underutilization rate by survey year for the three groups
  in one state (or the nation), with 90% MOE bands; the 2018 occupation recode and any skipped
  year are marked on the axis; unreliable points are hollow.
- :func:`underutilization_change_by_state`: the change in the foreign-educated rate between the
  first and last year, states ranked, with the 90% MOE of the change; changes that are not
  statistically significant are hollow.

Both go through the exporter (PNG, SVG, PDF, alt text, CSV, source line, SYNTHETIC mark).
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..estimate.outcomes import RELIABILITY_RULE
from ..geography import NATION, place_name
from . import style
from .charts import (
    _estimates_data,
    _flagged,
    _fmt_share,
    _group_line_handles,
    _layout,
    _legend,
    _margins,
    _markers,
    _moe,
    _no_data_alt,
    _no_data_figure,
    _reliable,
    groups_in,
)
from .export import Provenance, save_figure

#: First survey year whose files use the 2018 Census occupation codes (1-year, and 5-year
#: periods ending that year).
RECODE_YEAR = 2018
RATE = "underutilized"
LEAD = "immigrant_foreign_educated"


def _short(population: str) -> str:
    return style.POPULATION_LABELS[population].lower()


def _recode_between(years: list[int]) -> bool:
    return bool(years) and min(years) < RECODE_YEAR <= max(years)


def underutilization_trend(
    trend: pd.DataFrame,
    place: str,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
    skipped: list[int] | tuple[int, ...] = (),
) -> list[Path]:
    """Underutilization rate by survey year for each group in `place`, with 90% MOE bands."""
    style.apply()
    e = trend[(trend["state"] == place) & (trend["outcome"] == RATE)]
    if "breakdown" in e:
        e = e[e["breakdown"] == "none"]
    groups = groups_in(e)
    data = _estimates_data(e[e["population"].isin(groups)]).sort_values(
        ["population", "year"], ignore_index=True
    )
    years = sorted(int(y) for y in data["year"].unique())
    name = f"underutilization_trend_{place.lower()}"
    title = f"Underutilization rate over time: {place_name(place, 'short')}"
    subtitle = (
        f"Low-skilled job or unemployed, share of the group's labor force, {years[0]}-{years[-1]}, "
        "with 90% margins of error"
        if years
        else ""
    )

    def describe(r) -> str:
        return f"{r.year}, {style.POPULATION_LABELS[r.population]}"

    if not _reliable(data).any():
        fig = _no_data_figure(
            title, subtitle, f"No reliable underutilization rate in {place_name(place, 'text')}."
        )
        alt = _no_data_alt(
            f"underutilization rate over time in {place_name(place, 'text')}.",
            [describe(r) for r in data.itertuples()],
        )
        return save_figure(fig, name, data, alt, provenance, reports_dir, title)

    fig, ax = plt.subplots(figsize=(8, 4.8))
    for g in groups:
        d = data[(data["population"] == g) & data["share"].notna()]
        x = d["year"].to_numpy(dtype=float)
        y = d["share"].to_numpy(dtype=float)
        m = _moe(d["share_moe90"])
        color = style.POPULATION_COLORS[g]
        ax.fill_between(x, y - m, y + m, color=color, alpha=0.15, lw=0, zorder=1)
        ax.plot(x, y, color=color, lw=1.6, zorder=2)
        _markers(ax, x, y, _reliable(d).to_numpy(), color, marker=style.POPULATION_MARKERS[g])
    ticks = sorted(set(years) | {int(s) for s in skipped if years and years[0] < s < years[-1]})
    labels = [f"{t}\nno file" if t in skipped else str(t) for t in ticks]
    ax.set_xticks(ticks, labels)
    for t in skipped:
        if years and years[0] < t < years[-1]:
            ax.axvspan(t - 0.4, t + 0.4, color="#DDDDDD", alpha=0.6, lw=0, zorder=0)
    if _recode_between(years):
        ax.axvline(RECODE_YEAR - 0.5, color="#666666", lw=0.9, ls="--", zorder=0)
        ax.text(
            RECODE_YEAR - 0.45,
            0.02,
            "2018 occupation\nrecode",
            transform=ax.get_xaxis_transform(),
            fontsize=7,
            color="#444444",
            va="bottom",
            ha="left",
        )
    ax.yaxis.set_major_formatter(style.PERCENT)
    ax.set_ylim(bottom=0)
    ax.set_xlim(min(ticks) - 0.6, max(ticks) + 0.6)
    ax.set_ylabel("Underutilization rate")
    ax.grid(axis="y", color="#E5E5E5", lw=0.6)
    ax.set_axisbelow(True)
    unreliable = not _reliable(data).all()
    _legend(fig, _group_line_handles(groups), unreliable, hollow=True, top=0.7, frameon=False)
    notes = ["Shaded bands: 90% margins of error."]
    if unreliable:
        notes.append(style.UNRELIABLE_NOTE_MARKERS)
    _layout(fig, title, subtitle, " ".join(notes))
    _margins(fig, top_extra=0.35, bottom_extra=0.35, left=0.1, right=0.97)

    parts = []
    for g in groups:
        d = data[data["population"] == g]
        parts.append(
            f"{style.POPULATION_LABELS[g]}: "
            + ", ".join(f"{r.year} {_fmt_share(r.share, r.share_moe90)}" for r in d.itertuples())
            + "."
        )
    marks = []
    if _recode_between(years):
        marks.append(
            "A dashed line marks the 2018 change of the Census occupation codes; earlier years "
            "use 2010 codes, each tiered by the same rule from its own occupations."
        )
    inside = [s for s in skipped if years and years[0] < s < years[-1]]
    if inside:
        marks.append(f"No file for {', '.join(map(str, inside))} (marked on the axis).")
    alt = (
        f"Line chart of the underutilization rate (low-skilled job or unemployed) of "
        f"college-educated health-degree holders in {place_name(place, 'text')} by survey year, "
        f"{', '.join(map(str, years))}, per group, with 90% margins of error as shaded bands. "
        f"{' '.join(parts)} {' '.join(marks)} {_flagged(data, describe)}"
    )
    return save_figure(fig, name, data, alt, provenance, reports_dir, title)


def _unreliable_places(trend: pd.DataFrame | None, population: str, years: tuple[int, int]):
    """Places whose rate is unreliable in either year (from the trend table)."""
    if trend is None:
        return set()
    t = trend[(trend["outcome"] == RATE) & (trend["population"] == population)]
    t = t[t["year"].isin(years)]
    return set(t.loc[~_reliable(t), "state"])


def underutilization_change_by_state(
    changes: pd.DataFrame,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
    population: str = LEAD,
    trend: pd.DataFrame | None = None,
) -> list[Path]:
    """Change in a group's underutilization rate between the first and last year, by state.

    With the `trend` table, places whose rate is unreliable in either year get an asterisk."""
    style.apply()
    c = changes[(changes["outcome"] == RATE) & (changes["population"] == population)]
    y0, y1 = (int(c["year_from"].min()), int(c["year_to"].max())) if len(c) else (0, 0)
    data = c[(c["year_from"] == y0) & (c["year_to"] == y1)].copy()
    data = data[data["share_diff"].notna()]
    data = data.sort_values("share_diff", ascending=True, kind="stable", ignore_index=True)
    group = style.POPULATION_LABELS[population]
    name = "underutilization_change_by_state"
    title = f"Change in underutilization, {y0}-{y1}: {group.lower()}"
    subtitle = (
        "Percentage points, with 90% margins of error of the change; hollow: not statistically "
        "significant at the 90% level"
    )
    cols = [
        "state",
        "population",
        "outcome",
        "year_from",
        "year_to",
        "share_from",
        "share_to",
        "share_diff",
        "share_diff_moe90",
        "significant90",
    ]
    data = data[cols]
    flagged = _unreliable_places(trend, population, (y0, y1))
    data["reliable_both_years"] = ~data["state"].isin(flagged)
    if data.empty:
        fig = _no_data_figure(title, subtitle, "No state has the rate in both years.")
        alt = f"No data: no state has the underutilization rate of {group.lower()} in both years."
        return save_figure(fig, name, data, alt, provenance, reports_dir, title)

    n = len(data)
    fig, ax = plt.subplots(figsize=(8, max(3.6, 1.9 + 0.2 * n)))
    ypos = np.arange(n)
    color = style.POPULATION_COLORS[population]
    sig = data["significant90"].fillna(False).astype(bool).to_numpy()
    diff = 100 * data["share_diff"].to_numpy(dtype=float)
    moe = 100 * _moe(data["share_diff_moe90"])
    ax.errorbar(diff, ypos, xerr=moe, fmt="none", ecolor=color, elinewidth=1, capsize=2, alpha=0.7)
    _markers(ax, diff, ypos, sig, color, size=36)
    ax.axvline(0, color="#444444", lw=0.8)
    labels = [
        ("United States" if s == NATION else s) + ("*" if s in flagged else "")
        for s in data["state"]
    ]
    ax.set_yticks(ypos, labels, fontsize=7.5 if n > 25 else 9)
    for tick, s in zip(ax.get_yticklabels(), data["state"], strict=True):
        if s == NATION:
            tick.set_fontweight("bold")
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel("Change in percentage points")
    ax.grid(axis="x", color="#E5E5E5", lw=0.6)
    ax.set_axisbelow(True)
    handles = [
        Line2D([], [], marker="o", color=color, linestyle="none", label="Significant (90%)"),
        Line2D(
            [],
            [],
            marker="o",
            color=color,
            markerfacecolor="white",
            linestyle="none",
            label="Not significant",
        ),
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    note = (
        f"* The rate of {_short(population)} is unreliable in {y0} or {y1} ({RELIABILITY_RULE})."
        if flagged & set(data["state"])
        else ""
    )
    _layout(fig, title, subtitle, note)
    _margins(fig, bottom_extra=0.3, left=0.18, right=0.97)

    def line(r) -> str:
        place = "United States" if r.state == NATION else r.state
        verdict = {True: "significant", False: "not significant"}.get(r.significant90, "no SE")
        moe_txt = "" if pd.isna(r.share_diff_moe90) else f" ±{100 * r.share_diff_moe90:.1f}"
        return (
            f"{place} {100 * r.share_from:.1f}% to {100 * r.share_to:.1f}% "
            f"({100 * r.share_diff:+.1f}{moe_txt} points, {verdict})"
        )

    shown_flagged = [s for s in data["state"] if s in flagged]
    n_sig = int(sig.sum())
    alt = (
        f"Dot chart of the change in the underutilization rate of {group.lower()} with health "
        f"degrees from {y0} to {y1}, {n} places ranked from the largest rise to the largest fall, "
        f"with 90% margins of error of the change; {n_sig} of {n} changes are statistically "
        "significant at the 90% level (filled), the others hollow. "
        + "; ".join(line(r) for r in data.iloc[::-1].itertuples())
        + "."
        + (
            f" The rate is statistically unreliable in {y0} or {y1} (asterisk) in: "
            f"{', '.join(shown_flagged)}."
            if shown_flagged
            else ""
        )
    )
    return save_figure(fig, name, data, alt, provenance, reports_dir, title)
