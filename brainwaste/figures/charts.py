"""Report charts: one function per chart, each taking a tidy processed table.

Every function selects its cells, draws them and describes them in words (the three steps are
separate functions, see "the three steps of a chart" below), writes the five files through
:func:`~brainwaste.figures.export.save_figure` and returns their paths. Unreliable cells
(``reliable`` False in the tables) are drawn hatched or hollow and named in the alt text, never
dropped silently; a chart with no reliable cell at all draws a "not enough data" panel instead
(its CSV still holds every cell).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from ..estimate.outcomes import RELIABILITY_RULE
from ..geography import NATION, fifty_states_and_dc, place_name
from ..method.categories import (
    FEATURED_HEALTH_OCCUPATIONS,
    GROUPS,
    GROUPS_UNSPLIT,
    LF_OUTCOMES,
    groups_in,
)
from . import style
from .export import Provenance, save_figure

#: Columns of the estimates table every estimates-based figure CSV keeps (the join keys first).
ESTIMATE_KEYS = ["year", "period", "state", "population", "outcome", "breakdown", "category"]
ESTIMATE_VALUES = [
    "share",
    "share_moe90",
    "count",
    "count_moe90",
    "n_unweighted",
    "reliable",
]

#: Breakdowns drawn as small multiples.
BREAKDOWN_PANELS = ("english", "years_in_us", "degree_field", "sex")

NO_DATA = "Not enough data"

# Layout, in inches: the strip kept free for the synthetic mark, the title block, the footer.
_MARK_IN = 0.2
_TITLE_IN = 0.62
_FOOT_IN = 0.32


def _fmt_share(share: float, moe: float) -> str:
    """A share with its MOE, like "25% (±3)"; a decimal for MOEs under one point."""
    if pd.isna(share):
        return "n/a"
    if pd.isna(moe):
        return style.pct(share)
    return f"{style.pct(share)} (±{100 * moe:.{1 if 0 < moe < 0.01 else 0}f})"


def _fmt_count(count: float, moe: float) -> str:
    if pd.isna(count):
        return "n/a"
    return f"{count:,.0f}" + ("" if pd.isna(moe) else f" (±{moe:,.0f})")


def _reliable(frame: pd.DataFrame, column: str = "reliable") -> pd.Series:
    return frame[column].fillna(False).astype(bool)


def _moe(values: pd.Series) -> np.ndarray:
    """MOEs for error bars: missing (no replicate weights) draws no whisker."""
    return values.fillna(0).to_numpy(dtype=float)


def _lead(groups: tuple[str, ...]) -> str:
    """The group a chart is sorted and summarised by."""
    return groups[-1]


def _layout(fig: plt.Figure, title: str, subtitle: str = "", note: str = "") -> None:
    """Title block at the top, note above the footer; axes fill what is left."""
    h = fig.get_figheight()
    fig.text(0.01, 1 - _MARK_IN / h, title, fontsize=12, fontweight="bold", va="top")
    if subtitle:
        fig.text(0.01, 1 - (_MARK_IN + 0.27) / h, subtitle, fontsize=8.5, color="#333333", va="top")
    if note:
        fig.text(
            0.01, (_FOOT_IN - 0.12) / h + 0.008, note, fontsize=7, color="#333333", va="bottom"
        )


def _margins(fig: plt.Figure, top_extra: float = 0.0, bottom_extra: float = 0.0, **kw) -> None:
    h = fig.get_figheight()
    fig.subplots_adjust(
        top=1 - (_MARK_IN + _TITLE_IN + top_extra) / h,
        bottom=(_FOOT_IN + 0.18 + bottom_extra) / h,
        **kw,
    )


def _no_data_panel(ax: plt.Axes, reason: str) -> None:
    ax.set_axis_off()
    ax.add_patch(
        Rectangle(
            (0.05, 0.1),
            0.9,
            0.8,
            transform=ax.transAxes,
            facecolor="#F2F2F2A0",
            edgecolor="#999999",
            linestyle="--",
        )
    )
    ax.text(
        0.5,
        0.6,
        NO_DATA,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=16,
        fontweight="bold",
        color="#444444",
    )
    ax.text(
        0.5,
        0.4,
        style.wrap(reason, 70),
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=9,
        color="#444444",
    )


def _no_data_figure(title: str, subtitle: str, reason: str) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(8, 4))
    _no_data_panel(ax, reason)
    _layout(fig, title, subtitle)
    _margins(fig)
    return fig


def _no_data_alt(what: str, cells: list[str]) -> str:
    listed = _listing(cells)
    return (
        f"{NO_DATA}: {what} Every estimate is unreliable ({RELIABILITY_RULE}), so the chart "
        "shows a "
        f"'{NO_DATA}' panel instead of numbers. "
        + (f"Unreliable cells: {listed}." if listed else "")
    )


def _listing(items: list[str], limit: int = 60) -> str:
    if len(items) <= limit:
        return "; ".join(items)
    return "; ".join(items[:limit]) + f"; and {len(items) - limit} more (all in the CSV)"


def _flagged(data: pd.DataFrame, describe) -> str:
    """Alt-text sentence naming the unreliable cells of a chart."""
    bad = data[~_reliable(data) & (data["n_unweighted"] > 0)]
    empty = data[data["n_unweighted"] == 0]
    parts = []
    if len(bad):
        parts.append(
            f"{len(bad)} estimates are statistically unreliable ({RELIABILITY_RULE}) and drawn "
            f"hatched or hollow: {_listing([describe(r) for r in bad.itertuples()])}."
        )
    if len(empty):
        parts.append(
            f"{len(empty)} cells have no sample records: "
            f"{_listing([describe(r) for r in empty.itertuples()])}."
        )
    return " ".join(parts)


def _estimates_data(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[*ESTIMATE_KEYS, *ESTIMATE_VALUES]].reset_index(drop=True)


def _legend_unreliable(handles: list, hollow: bool = False) -> list:
    if hollow:
        return [
            *handles,
            Line2D(
                [],
                [],
                marker="o",
                color="#555555",
                markerfacecolor="white",
                linestyle="none",
                label="Unreliable (hollow)",
            ),
        ]
    return [
        *handles,
        Patch(
            facecolor="#777777",
            hatch=style.UNRELIABLE_HATCH,
            hatchcolor=style.UNRELIABLE_HATCH_COLOR,
            label="Unreliable (hatched)",
        ),
    ]


def _group_line_handles(groups) -> list:
    """Legend entries of a line chart: each group's colour and marker."""
    return [
        Line2D(
            [],
            [],
            color=style.POPULATION_COLORS[g],
            marker=style.POPULATION_MARKERS[g],
            label=style.POPULATION_LABELS[g],
        )
        for g in groups
    ]


def _markers(ax, x, y, filled, color, marker="o", size=34, linewidth=1.2, label=None) -> None:
    """Markers at (x, y), filled where `filled` (reliable, or significant) and hollow elsewhere:
    the one way every chart marks a point to read with care. `label` goes to the filled ones."""
    for good in (True, False):
        sel = filled == good
        ax.scatter(
            x[sel],
            y[sel],
            s=size,
            marker=marker,
            facecolors=color if good else "white",
            edgecolors=color,
            linewidths=linewidth,
            zorder=3,
            label=label if good else None,
        )


def _mark_unreliable(bars, reliable) -> None:
    """Hatch the bars of unreliable estimates (their colour stays, so the colour code reads)."""
    for bar, good in zip(bars, reliable, strict=True):
        if not good:
            bar.set_hatch(style.UNRELIABLE_HATCH)
            bar.set_hatchcolor(style.UNRELIABLE_HATCH_COLOR)


def _legend(fig, handles: list, unreliable: bool, hollow=False, top=_MARK_IN + 0.5, **kw) -> None:
    """The legend under the titles, its top `top` inches below the figure's, with the entry of
    unreliable cells (hatched, or `hollow`) when there are any."""
    fig.legend(
        handles=_legend_unreliable(handles, hollow=hollow) if unreliable else handles,
        loc="upper left",
        ncol=4,
        bbox_to_anchor=(0.01, 1 - top / fig.get_figheight()),
        fontsize=8,
        **kw,
    )


def _finish(fig, handles: list, unreliable: bool, sel, hollow: bool = False, **margins) -> None:
    """Legend (with the unreliable marker when needed) under the titles, the note, the margins."""
    _legend(fig, handles, unreliable, hollow)
    note = style.UNRELIABLE_NOTE_MARKERS if hollow else style.UNRELIABLE_NOTE_BARS
    _layout(fig, sel.title, sel.subtitle, note if unreliable else "")
    _margins(fig, **margins)


# -- the three steps of a chart -------------------------------------------------------------------
#
# Each chart below is three functions: ``_select_X`` takes the cells it shows from a processed
# table and names them (a :class:`Selection`: the data that becomes the figure's CSV, the file
# name, the titles, how one cell reads in the alt text); ``_draw_X`` draws them and returns the
# figure; ``_describe_X`` writes the alt text. The public function ``X`` runs the three through
# :func:`_render`, which draws the "not enough data" panel instead when no cell is reliable.


@dataclass
class Selection:
    """What a chart shows: its cells and its words."""

    data: pd.DataFrame  # the cells drawn, written as the figure's CSV
    name: str  # file name without suffix
    title: str
    subtitle: str
    cell: Callable  # one cell (a row of `data`) in words, for the lists of the alt text
    empty: str  # the panel's reason when no cell is reliable
    subject: str  # what the chart shows, for the alt text of that panel
    place: str | None = None
    focus: str | None = None
    groups: Sequence[str] = ()
    lead: str | None = None
    extra: dict = field(default_factory=dict)  # what one chart's draw and describe steps share


def _render(
    sel: Selection,
    draw: Callable[[Selection], plt.Figure],
    describe: Callable[[Selection], str],
    provenance: Provenance,
    reports_dir: str | os.PathLike,
) -> list[Path]:
    """Draw and describe a selection (or the "not enough data" panel) in the house style and
    write its files."""
    style.apply()
    if not _reliable(sel.data).any():
        fig = _no_data_figure(sel.title, sel.subtitle, sel.empty)
        alt = _no_data_alt(sel.subject, [sel.cell(r) for r in sel.data.itertuples()])
    else:
        fig = draw(sel)
        alt = describe(sel)
    return save_figure(fig, sel.name, sel.data, alt, provenance, reports_dir, sel.title)


#: The words of each chart of one place: its title (the place's short name follows), subtitle, the
#: reason of its "not enough data" panel and what it shows (for that panel's alt text); {place}
#: stands for the place's name in running text.
PLACE_CHART_WORDS = {
    "outcomes_by_group": (
        "Where college-educated health-degree holders work",
        "Share of each group's civilian labor force, ages 25+, with 90% margins of error",
        "No reliable estimate for {place}.",
        "labor-market outcomes of health-degree holders in {place}.",
    ),
    "immigrant_share_health_workers": (
        "Immigrants in the health workforce",
        "Share of workers born abroad, employed civilians of any education, with 90% margins of error",
        "No health occupation in {place} has a reliable immigrant share.",
        "immigrant share of health workers by occupation in {place}.",
    ),
    "underutilization_breakdowns": (
        "Underutilization by personal characteristics",
        "Share of the group's labor force in low-skilled jobs or unemployed, with 90% margins of error",
        "No breakdown category in {place} has a reliable rate.",
        "underutilization rates by characteristic in {place}.",
    ),
}


def _of_place(chart: str, place: str, data: pd.DataFrame, cell: Callable, **rest) -> Selection:
    """The selection of a chart of one place with its words from PLACE_CHART_WORDS: the file
    CHART_st, the title ending in the place's short name."""
    title, subtitle, empty, subject = PLACE_CHART_WORDS[chart]
    text = place_name(place, "text")
    return Selection(
        data=data,
        name=f"{chart}_{place.lower()}",
        title=f"{title}: {place_name(place, 'short')}",
        subtitle=subtitle,
        cell=cell,
        empty=empty.replace("{place}", text),
        subject=subject.replace("{place}", text),
        place=place,
        **rest,
    )


def _state_and_group(r) -> str:
    return f"{place_name(r.state, 'short')}, {style.POPULATION_LABELS[r.population]}"


def _title_of(r) -> str:
    return f"{r.title}"


# -- 1. outcomes by group -------------------------------------------------------------------------


def outcomes_by_group(
    estimates: pd.DataFrame, place: str, provenance: Provenance, reports_dir: str | os.PathLike
) -> list[Path]:
    """Labor-market outcomes of health-degree holders by group in one state (or US), with MOE.

    Left: shares of each group's labor force in high-, middle-, low-skilled jobs and unemployed.
    Right, apart because its denominator differs: the share of the group not in the labor force.
    """
    sel = _select_outcomes_by_group(estimates, place)
    return _render(
        sel, _draw_outcomes_by_group, _describe_outcomes_by_group, provenance, reports_dir
    )


def _select_outcomes_by_group(estimates: pd.DataFrame, place: str) -> Selection:
    e = estimates[(estimates["state"] == place) & (estimates["breakdown"] == "none")]
    groups = [g for g in groups_in(e) if e.loc[e["population"] == g, "count"].notna().any()]
    data = e[e["population"].isin(groups) & e["outcome"].isin([*LF_OUTCOMES, "not_in_labor_force"])]

    def cell(r) -> str:
        return f"{style.POPULATION_LABELS[r.population]}, {style.OUTCOME_LABELS[r.outcome].lower()}"

    return _of_place("outcomes_by_group", place, _estimates_data(data), cell, groups=groups)


def _draw_outcomes_by_group(sel: Selection) -> plt.Figure:
    data, groups = sel.data, sel.groups
    fig, (ax, ax2) = plt.subplots(
        1, 2, figsize=(9, 5.2), gridspec_kw={"width_ratios": [4, 1.1], "wspace": 0.3}
    )
    width = 0.8 / max(len(groups), 1)
    x = np.arange(len(LF_OUTCOMES))
    top = 0.0
    for i, g in enumerate(groups):
        d = data[data["population"] == g].set_index("outcome")
        vals = d.reindex(list(LF_OUTCOMES))
        ok = vals["reliable"].fillna(False).astype(bool).to_numpy()
        moe = _moe(vals["share_moe90"])
        top = max(top, np.nanmax((vals["share"].fillna(0) + moe).to_numpy()))
        bars = ax.bar(
            x + (i - (len(groups) - 1) / 2) * width,
            vals["share"].fillna(0),
            width * 0.92,
            yerr=moe,
            capsize=2,
            error_kw={"lw": 0.8, "ecolor": "#333333"},
            color=style.POPULATION_COLORS[g],
            label=style.POPULATION_LABELS[g],
        )
        _mark_unreliable(bars, ok)
        if "not_in_labor_force" in d.index:
            nilf = d.loc["not_in_labor_force"]
            bars2 = ax2.bar(
                i,
                nilf["share"],
                0.75,
                yerr=None if pd.isna(nilf["share_moe90"]) else nilf["share_moe90"],
                capsize=2,
                error_kw={"lw": 0.8, "ecolor": "#333333"},
                color=style.POPULATION_COLORS[g],
            )
            _mark_unreliable(bars2, [bool(nilf["reliable"])])
    ax.set_xticks(x, [style.OUTCOME_LABELS[o] for o in LF_OUTCOMES])
    ax.set_ylabel("Share of the group's civilian labor force")
    ax.yaxis.set_major_formatter(style.PERCENT)
    ax.set_ylim(0, min(1.0, top * 1.08) if top > 0 else 1)
    ax2.set_xticks(range(len(groups)), ["" for _ in groups])
    ax2.tick_params(axis="x", length=0)
    ax2.set_title("Not in labor force", fontsize=9, fontweight="bold")
    ax2.set_ylabel("Share of all in the group")
    ax2.yaxis.set_major_formatter(style.PERCENT)
    ax2.set_ylim(0, ax.get_ylim()[1])
    handles, _ = ax.get_legend_handles_labels()
    unreliable = not _reliable(data).all()
    _legend(fig, handles, unreliable, top=0.72, handlelength=1.5, columnspacing=1.2)
    _layout(fig, sel.title, sel.subtitle, style.UNRELIABLE_NOTE_BARS if unreliable else "")
    _margins(fig, top_extra=0.3, bottom_extra=0.1 if unreliable else 0, left=0.08, right=0.98)
    return fig


def _describe_outcomes_by_group(sel: Selection) -> str:
    data = sel.data
    lines = []
    for g in sel.groups:
        d = data[data["population"] == g].set_index("outcome")
        parts = [
            f"{style.OUTCOME_LABELS[o].lower()} {_fmt_share(d.at[o, 'share'], d.at[o, 'share_moe90'])}"
            for o in LF_OUTCOMES
            if o in d.index
        ]
        nilf = ""
        if "not_in_labor_force" in d.index:
            nilf = (
                "; not in the labor force "
                f"{_fmt_share(d.at['not_in_labor_force', 'share'], d.at['not_in_labor_force', 'share_moe90'])}"
                " of all in the group"
            )
        lines.append(f"{style.POPULATION_LABELS[g]}: " + ", ".join(parts) + nilf + ".")
    return (
        "Grouped bar chart of the labor-market outcomes of college-educated health-degree holders "
        f"in {place_name(sel.place, 'text')}, as shares of each group's civilian labor force with 90% margins of "
        "error; a separate panel shows the share not in the labor force. "
        + " ".join(lines)
        + " "
        + _flagged(data, sel.cell)
    )


# -- 2. underutilization by state -----------------------------------------------------------------


def _state_order(frame: pd.DataFrame, lead: str, value: str) -> list[str]:
    """States sorted by the lead group's value, highest first; reliable before unreliable."""
    d = frame[frame["population"] == lead].copy()
    d["_ok"] = _reliable(d)
    d = d.sort_values(["_ok", value, "state"], ascending=[False, False, True], na_position="last")
    rest = sorted(set(frame["state"]) - set(d["state"]))
    return [*d["state"], *rest]


def _dot_rows(
    ax: plt.Axes,
    frame: pd.DataFrame,
    rows: list[str],
    groups: tuple[str, ...],
    value: str,
    moe: str,
    scale: float = 1.0,
) -> None:
    """One row per state, one dodged marker per group with an MOE whisker; hollow if unreliable."""
    offsets = np.linspace(-0.24, 0.24, len(groups)) if len(groups) > 1 else [0.0]
    y_of = {s: i for i, s in enumerate(rows)}
    for off, g in zip(offsets, groups, strict=True):
        d = frame[(frame["population"] == g) & frame["state"].isin(rows)]
        d = d[d[value].notna()]
        y = d["state"].map(y_of).to_numpy() + off
        x = d[value].to_numpy(dtype=float) / scale
        err = _moe(d[moe]) / scale
        ok = _reliable(d).to_numpy()
        color = style.POPULATION_COLORS[g]
        for good in (True, False):
            sel = ok == good
            ax.errorbar(
                x[sel],
                y[sel],
                xerr=err[sel],
                fmt="none",
                ecolor=color,
                elinewidth=1.0,
                alpha=0.9 if good else style.UNRELIABLE_WHISKER_ALPHA,
                zorder=2,
            )
        marker, label = style.POPULATION_MARKERS[g], style.POPULATION_LABELS[g]
        _markers(ax, x, y, ok, color, marker=marker, size=26, linewidth=1.1, label=label)
    ax.set_yticks(range(len(rows)), [place_name(s, "short") for s in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#E5E5E5", lw=0.6)
    ax.set_axisbelow(True)


def _highlight_rows(ax: plt.Axes, rows: list[str], focus: str | None) -> None:
    """Shade the focus state's row and put the U.S. row apart with a rule."""
    labels = ax.get_yticklabels()
    for i, s in enumerate(rows):
        if s == focus:
            ax.axhspan(i - 0.5, i + 0.5, color=style.FOCUS_BAND, zorder=0)
            labels[i].set_fontweight("bold")
        if s == NATION:
            ax.axhline(i + 0.5, color="#777777", lw=0.6)
            labels[i].set_fontweight("bold")


def _finish_dot_plot(fig, ax, data: pd.DataFrame, xlabel: str, title: str, subtitle: str) -> None:
    """Axis on top, legend (with the unreliable marker when needed), titles and margins of a
    state-by-state dot plot."""
    ax.set_xlabel(xlabel)
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    ax.spines["top"].set_visible(True)
    ax.spines["bottom"].set_visible(False)
    handles, _ = ax.get_legend_handles_labels()
    unreliable = not _reliable(data).all()
    _legend(fig, handles, unreliable, hollow=True, handletextpad=0.3, columnspacing=1.0)
    _layout(fig, title, subtitle, style.UNRELIABLE_NOTE_MARKERS if unreliable else "")
    _margins(fig, top_extra=0.55, bottom_extra=-0.1, left=0.17, right=0.97)


def underutilization_by_state(
    estimates: pd.DataFrame,
    focus: str | None,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
) -> list[Path]:
    """Underutilization rate of each group by state, sorted, focus state highlighted, with MOE."""
    sel = _select_underutilization_by_state(estimates, focus)
    return _render(
        sel,
        _draw_underutilization_by_state,
        _describe_underutilization_by_state,
        provenance,
        reports_dir,
    )


def _select_underutilization_by_state(estimates: pd.DataFrame, focus: str | None) -> Selection:
    e = estimates[(estimates["breakdown"] == "none") & (estimates["outcome"] == "underutilized")]
    groups = groups_in(e)
    lead = _lead(groups)
    return Selection(
        data=_estimates_data(e[e["population"].isin(groups)]),
        name="underutilization_by_state",
        title="Underutilization of health-degree holders by state",
        subtitle=(
            "Share of the group's labor force in low-skilled jobs or unemployed, with 90% margins "
            f"of error; sorted by {style.POPULATION_LABELS[lead].lower()}"
        ),
        cell=_state_and_group,
        empty="No state has a reliable underutilization rate.",
        subject="underutilization rates of health-degree holders by state.",
        focus=focus,
        groups=groups,
        lead=lead,
    )


def _draw_underutilization_by_state(sel: Selection) -> plt.Figure:
    data = sel.data
    states = data.loc[data["state"] != NATION]
    rows = _state_order(states, sel.lead, "share")
    if (data["state"] == NATION).any():
        rows = [NATION, *rows]
    height = 1.9 + 0.24 * len(rows)
    fig, ax = plt.subplots(figsize=(8, max(height, 4.2)))
    _dot_rows(ax, data, rows, sel.groups, "share", "share_moe90")
    _highlight_rows(ax, rows, sel.focus)
    ax.xaxis.set_major_formatter(style.PERCENT)
    ax.set_xlim(-0.015, min(1.0, ax.get_xlim()[1]))
    _finish_dot_plot(
        fig, ax, data, "Underutilization rate (share of the labor force)", sel.title, sel.subtitle
    )
    return fig


def _describe_underutilization_by_state(sel: Selection) -> str:
    data, groups, lead = sel.data, sel.groups, sel.lead
    states = data.loc[data["state"] != NATION]
    lead_rows = data[(data["population"] == lead) & (data["state"] != NATION) & _reliable(data)]
    lead_rows = lead_rows.sort_values("share", ascending=False)
    top = ", ".join(
        f"{place_name(r.state, 'short')} {_fmt_share(r.share, r.share_moe90)}"
        for r in lead_rows.head(5).itertuples()
    )
    summary = []
    for place in dict.fromkeys([p for p in (sel.focus, NATION) if p in set(data["state"])]):
        d = data[data["state"] == place].set_index("population")
        summary.append(
            f"{place_name(place, 'text')}: "
            + ", ".join(
                f"{style.POPULATION_LABELS[g]} {_fmt_share(d.at[g, 'share'], d.at[g, 'share_moe90'])}"
                for g in groups
                if g in d.index
            )
            + "."
        )
    return (
        f"Dot plot of the underutilization rate (low-skilled job or unemployed, as a share of the "
        f"labor force) of college-educated health-degree holders in {len(states['state'].unique())} "
        f"states, one row per state, for {', '.join(style.POPULATION_LABELS[g] for g in groups)}, "
        "with 90% margins of error. "
        + (
            f"Highest reliable rates among {style.POPULATION_LABELS[lead].lower()}: {top}. "
            if top
            else ""
        )
        + " ".join(summary)
        + " "
        + _flagged(data, sel.cell)
    )


# -- 3. tile-grid map -----------------------------------------------------------------------------


@cache
def tile_grid() -> pd.DataFrame:
    """Tile positions of the 50 states and DC (columns usps, row, col); see tile_grid.csv."""
    with resources.files("brainwaste.figures").joinpath("tile_grid.csv").open() as f:
        return pd.read_csv(f, comment="#", dtype={"usps": str, "row": int, "col": int})


def _tile_labels(ax, x, y, usps: str, value: str, color: str, unreliable: bool = False) -> None:
    """A map tile's two lines: the state's code in bold, the value under it (smaller, and in
    italics on a grey box when the estimate is unreliable)."""
    box = {"bbox": {"facecolor": "#F2F2F2", "edgecolor": "none", "pad": 0.5}} if unreliable else {}
    ax.text(
        x + 0.47,
        y + 0.62,
        usps,
        ha="center",
        va="center",
        fontsize=7.5,
        fontweight="bold",
        color=color,
        **box,
    )
    ax.text(
        x + 0.47,
        y + (0.28 if unreliable else 0.3),
        value,
        ha="center",
        va="center",
        fontsize=6 if unreliable else 6.5,
        color=color,
        fontstyle="italic" if unreliable else "normal",
        **box,
    )


def _map_panel(ax: plt.Axes, d: pd.DataFrame, norm, cmap, present: set[str]) -> None:
    grid = tile_grid()
    by_state = d.set_index("state")
    for t in grid.itertuples():
        x, y = t.col, -t.row
        if t.usps in by_state.index and t.usps in present:
            r = by_state.loc[t.usps]
            ok = bool(r["reliable"]) and pd.notna(r["share"])
            if ok:
                fill = cmap(norm(r["share"]))
                ax.add_patch(Rectangle((x, y), 0.94, 0.94, facecolor=fill, edgecolor="white"))
                _tile_labels(ax, x, y, t.usps, style.pct(r["share"]), style.text_color_on(fill))
            else:
                ax.add_patch(
                    Rectangle(
                        (x, y),
                        0.94,
                        0.94,
                        facecolor="#F2F2F2",
                        edgecolor="#888888",
                        hatch=style.UNRELIABLE_HATCH,
                        lw=0.6,
                    )
                )
                label = "no rec." if r["n_unweighted"] == 0 else f"({style.pct(r['share'])})"
                _tile_labels(ax, x, y, t.usps, label, "#333333", unreliable=True)
        else:
            ax.add_patch(
                Rectangle(
                    (x, y),
                    0.94,
                    0.94,
                    facecolor="white",
                    edgecolor="#BBBBBB",
                    linestyle=(0, (2, 2)),
                    lw=0.6,
                )
            )
            ax.text(
                x + 0.47, y + 0.47, t.usps, ha="center", va="center", fontsize=7.5, color="#AAAAAA"
            )
    ax.set_xlim(-0.1, grid["col"].max() + 1.05)
    ax.set_ylim(-grid["row"].max() - 0.1, 1.05)
    ax.set_aspect("equal")
    ax.set_axis_off()


def underutilization_map(
    estimates: pd.DataFrame, provenance: Provenance, reports_dir: str | os.PathLike
) -> list[Path]:
    """Tile-grid map of underutilization rates: immigrants educated abroad next to U.S.-born.

    One equal-size square per state (no shapefiles); states without a reliable rate are hatched
    grey with the rate in brackets, states not in the run are dashed outlines.
    """
    sel = _select_underutilization_map(estimates)
    return _render(
        sel, _draw_underutilization_map, _describe_underutilization_map, provenance, reports_dir
    )


def _select_underutilization_map(estimates: pd.DataFrame) -> Selection:
    e = estimates[(estimates["breakdown"] == "none") & (estimates["outcome"] == "underutilized")]
    groups = groups_in(e)
    panels = (_lead(groups), "us_born")
    data = _estimates_data(e[e["population"].isin(panels) & (e["state"] != NATION)])
    nation = estimates[
        (estimates["state"] == NATION)
        & (estimates["breakdown"] == "none")
        & (estimates["outcome"] == "underutilized")
    ].set_index("population")
    present = set(data["state"])
    return Selection(
        data=data,
        name="underutilization_map",
        title="Underutilization of health-degree holders, by state",
        subtitle="Share of the group's labor force in low-skilled jobs or unemployed",
        cell=_state_and_group,
        empty="No state has a reliable underutilization rate.",
        subject="tile map of underutilization rates by state.",
        groups=groups,
        extra={
            "panels": panels,
            "nation": nation,
            "present": present,
            "missing": sorted(set(fifty_states_and_dc()) - present),
        },
    )


def _draw_underutilization_map(sel: Selection) -> plt.Figure:
    data, panels, present = sel.data, sel.extra["panels"], sel.extra["present"]
    nation, missing = sel.extra["nation"], sel.extra["missing"]
    ok = data[_reliable(data)]
    vmax = max(0.05, float(np.ceil(ok["share"].max() * 20) / 20))
    norm = plt.Normalize(0, vmax)
    cmap = plt.get_cmap(style.SEQUENTIAL_CMAP)
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.2), gridspec_kw={"wspace": 0.06})
    for ax, g in zip(axes, panels, strict=True):
        _map_panel(ax, data[data["population"] == g], norm, cmap, present)
        head = style.POPULATION_LABELS[g]
        if g in nation.index and pd.notna(nation.at[g, "share"]):
            head += f" (U.S.: {_fmt_share(nation.at[g, 'share'], nation.at[g, 'share_moe90'])})"
        ax.set_title(head, fontsize=10, loc="left")
    _layout(fig, sel.title, sel.subtitle)
    _margins(fig, top_extra=0.05, bottom_extra=0.55, left=0.01, right=0.99)
    cax = fig.add_axes((0.06, (_FOOT_IN + 0.33) / 5.2, 0.3, 0.04))
    cb = fig.colorbar(
        plt.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal"
    )
    cb.ax.xaxis.set_major_formatter(style.PERCENT)
    cb.set_label("Underutilization rate", fontsize=8)
    cb.outline.set_visible(False)
    cb.set_ticks(np.arange(0, vmax + 1e-9, 0.05 if vmax >= 0.15 else 0.01))
    handles = []
    if not _reliable(data).all():
        handles.append(
            Patch(
                facecolor="#F2F2F2",
                edgecolor="#888888",
                hatch=style.UNRELIABLE_HATCH,
                label=f"Unreliable ({RELIABILITY_RULE}): rate in brackets",
            )
        )
    if missing:
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#BBBBBB",
                linestyle=(0, (2, 2)),
                label="State not in this run",
            )
        )
    if handles:
        fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.42, (_FOOT_IN + 0.12) / 5.2),
            ncol=1,
            fontsize=7.5,
        )
    return fig


def _describe_underutilization_map(sel: Selection) -> str:
    data, panels, missing = sel.data, sel.extra["panels"], sel.extra["missing"]
    ok = data[_reliable(data)]
    parts = []
    for g in panels:
        d = ok[ok["population"] == g].sort_values("share", ascending=False)
        if d.empty:
            parts.append(f"{style.POPULATION_LABELS[g]}: no state has a reliable rate.")
            continue
        hi, lo = d.iloc[0], d.iloc[-1]
        if len(d) == 1:
            parts.append(
                f"{style.POPULATION_LABELS[g]}: one state with a reliable rate, "
                f"{place_name(hi.state, 'short')} {_fmt_share(hi.share, hi.share_moe90)}."
            )
            continue
        parts.append(
            f"{style.POPULATION_LABELS[g]}: {len(d)} states with reliable rates, from "
            f"{place_name(lo.state, 'short')} {_fmt_share(lo.share, lo.share_moe90)} to "
            f"{place_name(hi.state, 'short')} {_fmt_share(hi.share, hi.share_moe90)}."
        )
    return (
        "Two tile-grid maps of the United States, one square per state, coloured by the "
        "underutilization rate of college-educated health-degree holders (low-skilled job or "
        f"unemployed, share of the labor force): {style.POPULATION_LABELS[panels[0]]} on the left, "
        f"{style.POPULATION_LABELS[panels[1]]} on the right. "
        + " ".join(parts)
        + (f" States not in this run: {', '.join(missing)}." if missing else "")
        + " "
        + _flagged(data, sel.cell)
    )


# -- 4. occupations of the foreign-educated -------------------------------------------------------

OCCUPATION_COLUMNS = [
    "year",
    "period",
    "state",
    "population",
    "occp2018",
    "title",
    "skill_tier",
    "count",
    "count_moe90",
    "share_of_employed",
    "n_unweighted",
    "reliable",
]


def occupations_of_group(
    occupations: pd.DataFrame,
    place: str,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
    population: str | None = None,
    top: int = 12,
) -> list[Path]:
    """The most common occupations of a group's employed (default: immigrants educated abroad),
    as counts with MOE, coloured by the occupation's skill tier.

    A table restricted to one degree field (its ``degree_field`` column, from
    ``occupations_of_degree_holders(..., degree_field=...)``) gives a chart named and titled for
    the holders of that field.
    """
    sel = _select_occupations_of_group(occupations, place, population, top)
    return _render(
        sel, _draw_occupations_of_group, _describe_occupations_of_group, provenance, reports_dir
    )


def _select_occupations_of_group(
    occupations: pd.DataFrame, place: str, population: str | None, top: int
) -> Selection:
    o = occupations[occupations["state"] == place]
    if population is None:
        has_split = (o["population"] == "immigrant_foreign_educated").any()
        population = "immigrant_foreign_educated" if has_split else "immigrant"
    o = o[o["population"] == population]
    total = o["count"].sum()
    cols = [c for c in ["degree_field", *OCCUPATION_COLUMNS] if c in o.columns]
    data = o.sort_values(["count", "occp2018"], ascending=[False, True]).head(top)[cols]
    data = data.reset_index(drop=True)
    fields = occupations["degree_field"].dropna().unique() if "degree_field" in occupations else []
    field_ = str(fields[0]) if len(fields) == 1 else None
    who = style.POPULATION_LABELS[population]
    holders = "health-degree holders"
    if field_:
        who = f"{who} with a degree in {style.category_label(field_).lower()}"
        holders = f"holders of a degree in {style.category_label(field_).lower()}"
    return Selection(
        data=data,
        name=f"occupations_{population}{'_' + field_ if field_ else ''}_{place.lower()}",
        title=f"Where {who.lower()} work: {place_name(place, 'short')}",
        subtitle=(
            f"Employed college-educated {holders}, {min(top, len(data))} most common "
            "occupations, with 90% margins of error"
        ),
        cell=_title_of,
        empty=f"No occupation of {who.lower()} in {place_name(place, 'text')} has a reliable count.",
        subject=(
            f"most common occupations of {who.lower()}"
            f"{'' if field_ else ' with a health degree'} in {place_name(place, 'text')}."
        ),
        place=place,
        extra={"total": total, "who": who, "field": field_},
    )


def _draw_occupations_of_group(sel: Selection) -> plt.Figure:
    data = sel.data
    fig, ax = plt.subplots(figsize=(9, 1.9 + 0.34 * len(data)))
    y = np.arange(len(data))
    colors = [style.SKILL_TIER_COLORS.get(t, style.OKABE_ITO["grey"]) for t in data["skill_tier"]]
    ok = _reliable(data).to_numpy()
    bars = ax.barh(
        y,
        data["count"],
        0.72,
        xerr=_moe(data["count_moe90"]),
        color=colors,
        error_kw={"lw": 0.8, "capsize": 2, "ecolor": "#333333"},
    )
    _mark_unreliable(bars, ok)
    ax.set_yticks(y, [style.wrap(t, 46) for t in data["title"].fillna(data["occp2018"])])
    ax.set_ylim(len(data) - 0.5, -0.6)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("Workers (weighted count)")
    ax.grid(axis="x", color="#E5E5E5", lw=0.6)
    ax.set_axisbelow(True)
    right = (data["count"] + _moe(data["count_moe90"])).max()
    for yi, r in zip(y, data.itertuples(), strict=True):
        ax.text(
            r.count + (0 if pd.isna(r.count_moe90) else r.count_moe90) + right * 0.01,
            yi,
            f"{style.pct(r.share_of_employed)} of employed",
            va="center",
            fontsize=7,
            color="#333333",
        )
    ax.set_xlim(0, right * 1.22)
    tiers = [t for t in ("high", "middle", "low") if t in set(data["skill_tier"])]
    handles = [
        Patch(color=style.SKILL_TIER_COLORS[t], label=style.SKILL_TIER_LABELS[t]) for t in tiers
    ]
    _finish(fig, handles, not ok.all(), sel, top_extra=0.3, bottom_extra=0.2, left=0.36, right=0.97)
    return fig


def _describe_occupations_of_group(sel: Selection) -> str:
    data, total, who, field_ = sel.data, sel.extra["total"], sel.extra["who"], sel.extra["field"]
    listed = "; ".join(
        f"{r.title} {_fmt_count(r.count, r.count_moe90)} ({style.pct(r.share_of_employed)}, "
        f"{r.skill_tier}-skilled)"
        for r in data.head(8).itertuples()
    )
    covered = data["count"].sum() / total if total else np.nan
    low = data.loc[data["skill_tier"] == "low", "count"].sum() / total if total else np.nan
    return (
        f"Horizontal bar chart of the {len(data)} most common occupations of employed "
        f"{who.lower()}{'' if field_ else ' with a health degree'} in {place_name(sel.place, 'text')}, weighted "
        "counts with 90% margins "
        f"of error, coloured by skill tier. Together they hold {style.pct(covered)} of the group's "
        f"{total:,.0f} employed; the low-skilled ones among them {style.pct(low)}. {listed}. "
        + _flagged(data, sel.cell)
    )


# -- 5. immigrant share of health workers ---------------------------------------------------------

HEALTH_COLUMNS = [
    "year",
    "period",
    "state",
    "occp2018",
    "title",
    "count",
    "count_moe90",
    "immigrants",
    "immigrant_share",
    "immigrant_share_moe90",
    "n_unweighted",
    "immigrants_n",
    "reliable",
]


def immigrant_share_of_health_workers(
    health_workforce: pd.DataFrame,
    place: str,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
    occupations: tuple[str, ...] = FEATURED_HEALTH_OCCUPATIONS,
) -> list[Path]:
    """Share of immigrants among the workers of key health occupations (any education), with MOE.

    A share counts as reliable when both the workers and the immigrants among them are.
    """
    sel = _select_immigrant_share(health_workforce, place, occupations)
    return _render(sel, _draw_immigrant_share, _describe_immigrant_share, provenance, reports_dir)


def _select_immigrant_share(
    health_workforce: pd.DataFrame, place: str, occupations: tuple[str, ...]
) -> Selection:
    h = health_workforce[health_workforce["state"] == place]
    h = h[h["occp2018"].isin(["all_health", *occupations])].copy()
    h["reliable"] = _reliable(h) & _reliable(h, "immigrants_reliable")
    h["_all"] = h["occp2018"] != "all_health"
    h = h.sort_values(["_all", "immigrant_share", "occp2018"], ascending=[True, False, True])
    cols = [c for c in HEALTH_COLUMNS if c in h.columns]
    data = h[cols].reset_index(drop=True)
    return _of_place("immigrant_share_health_workers", place, data, _title_of)


def _draw_immigrant_share(sel: Selection) -> plt.Figure:
    data = sel.data
    fig, ax = plt.subplots(figsize=(9, 1.9 + 0.34 * len(data)))
    y = np.arange(len(data))
    is_all = (data["occp2018"] == "all_health").to_numpy()
    ok = _reliable(data).to_numpy()
    bars = ax.barh(
        y,
        data["immigrant_share"].fillna(0),
        0.72,
        xerr=_moe(data["immigrant_share_moe90"]),
        color=style.POPULATION_COLORS["immigrant"],
        error_kw={"lw": 0.8, "capsize": 2, "ecolor": "#333333"},
    )
    for bar, total in zip(bars, is_all, strict=True):
        if total:  # all health occupations: the reference, drawn as an outline
            bar.set_facecolor("white")
            bar.set_edgecolor(style.OKABE_ITO["black"])
            bar.set_linewidth(1.2)
    _mark_unreliable(bars, ok)
    if is_all.any():
        ax.axvline(data.loc[is_all, "immigrant_share"].iloc[0], color="#333333", lw=0.8, ls="--")
        ax.axhline(0.5, color="#777777", lw=0.6)
    labels = [
        style.wrap(f"{t} ({c:,.0f} workers)", 50)
        for t, c in zip(data["title"].fillna(data["occp2018"]), data["count"], strict=True)
    ]
    ax.set_yticks(y, labels)
    if is_all.any():
        ax.get_yticklabels()[0].set_fontweight("bold")
    ax.set_ylim(len(data) - 0.5, -0.6)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(style.PERCENT)
    ax.set_xlabel("Share of the occupation's workers who are immigrants")
    ax.grid(axis="x", color="#E5E5E5", lw=0.6)
    ax.set_axisbelow(True)
    right = float(
        np.nanmax(data["immigrant_share"].fillna(0) + _moe(data["immigrant_share_moe90"]))
    )
    for yi, r in zip(y, data.itertuples(), strict=True):
        x = (0 if pd.isna(r.immigrant_share) else r.immigrant_share) + (
            0 if pd.isna(r.immigrant_share_moe90) else r.immigrant_share_moe90
        )
        ax.text(x + right * 0.01, yi, style.pct(r.immigrant_share), va="center", fontsize=7.5)
    ax.set_xlim(0, min(1.0, right * 1.12) if right > 0 else 1)
    unreliable = not ok.all()
    _layout(fig, sel.title, sel.subtitle, style.UNRELIABLE_NOTE_BARS if unreliable else "")
    _margins(fig, top_extra=0.0, bottom_extra=0.2, left=0.4, right=0.97)
    return fig


def _describe_immigrant_share(sel: Selection) -> str:
    data = sel.data
    n_all = int((data["occp2018"] == "all_health").sum())
    listed = "; ".join(
        f"{r.title} {_fmt_share(r.immigrant_share, r.immigrant_share_moe90)}"
        for r in data.itertuples()
    )
    return (
        f"Horizontal bar chart of the share of immigrants (foreign born) among employed workers in "
        f"{len(data) - n_all} health occupations in {place_name(sel.place, 'text')}, with 90% margins "
        f"of error; the first bar and the dashed line are all health occupations together. "
        f"{listed}. " + _flagged(data, sel.cell)
    )


# -- 6. breakdowns --------------------------------------------------------------------------------


def _ordered_categories(breakdown: str, categories) -> list[str]:
    order = style.CATEGORY_ORDER.get(breakdown, [])
    cats = [c for c in order if c in set(categories)]
    return cats + sorted(set(categories) - set(cats))


def underutilization_breakdowns(
    breakdowns: pd.DataFrame,
    place: str,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
    panels: tuple[str, ...] = BREAKDOWN_PANELS,
) -> list[Path]:
    """Underutilization rate by English ability, years since arrival, degree field and sex, per
    group, in small multiples. Cells with no sample records are left empty (and named)."""
    sel = _select_breakdowns(breakdowns, place, panels)
    return _render(sel, _draw_breakdowns, _describe_breakdowns, provenance, reports_dir)


def _select_breakdowns(breakdowns: pd.DataFrame, place: str, panels: tuple[str, ...]) -> Selection:
    b = breakdowns[
        (breakdowns["state"] == place)
        & (breakdowns["outcome"] == "underutilized")
        & breakdowns["breakdown"].isin(panels)
        & (breakdowns["category"] != "not_applicable")
    ]
    groups = groups_in(b) if len(b) else GROUPS
    b = b[b["population"].isin(groups)]
    # a group with no record in any category of a breakdown (U.S.-born by years since arrival)
    # has no row to show in that panel
    present = b.groupby(["breakdown", "population"])["n_unweighted"].transform("sum") > 0
    data = _estimates_data(b[present])

    def cell(r) -> str:
        return (
            f"{style.POPULATION_LABELS[r.population]}, {style.BREAKDOWN_LABELS[r.breakdown].lower()}"
            f": {style.category_label(r.category).lower()}"
        )

    drawn = tuple(p for p in panels if (data["breakdown"] == p).any())
    return _of_place(
        "underutilization_breakdowns", place, data, cell, groups=groups, extra={"panels": drawn}
    )


def _draw_breakdowns(sel: Selection) -> plt.Figure:
    data, groups, panels = sel.data, sel.groups, sel.extra["panels"]
    ncols = 2
    nrows = int(np.ceil(len(panels) / ncols))
    ncat = [len(data.loc[data["breakdown"] == p, "category"].unique()) for p in panels]
    row_heights = [max(ncat[i : i + ncols]) for i in range(0, len(panels), ncols)]
    fig_h = 1.9 + sum(0.42 * r + 0.5 for r in row_heights)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(10, fig_h),
        squeeze=False,
        gridspec_kw={"height_ratios": row_heights, "hspace": 0.5, "wspace": 0.55},
    )
    # the scale fits every rate and the reliable rates' whiskers; a wider unreliable whisker
    # runs to the edge of the panel
    ok_all = _reliable(data)
    top = max(
        float(data["share"].max()) * 1.1,
        float((data["share"] + _moe(data["share_moe90"]))[ok_all].max()),
    )
    for ax, panel in zip(axes.flat, panels, strict=False):
        d = data[data["breakdown"] == panel]
        cats = _ordered_categories(panel, d["category"].unique())
        pgroups = [g for g in groups if (d["population"] == g).any()]
        height = 0.8 / max(len(pgroups), 1)
        for i, g in enumerate(pgroups):
            dg = d[d["population"] == g].set_index("category").reindex(cats)
            y = np.arange(len(cats)) + (i - (len(pgroups) - 1) / 2) * height
            has = (dg["n_unweighted"].fillna(0) > 0).to_numpy()
            ok = dg["reliable"].fillna(False).astype(bool).to_numpy()
            bars = ax.barh(
                y[has],
                dg["share"].to_numpy()[has],
                height * 0.92,
                xerr=_moe(dg["share_moe90"])[has],
                color=style.POPULATION_COLORS[g],
                error_kw={"lw": 0.7, "capsize": 1.5, "ecolor": "#333333"},
                label=style.POPULATION_LABELS[g],
            )
            _mark_unreliable(bars, ok[has])
        ax.set_yticks(range(len(cats)), [style.wrap(style.category_label(c), 18) for c in cats])
        ax.set_ylim(len(cats) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0, min(1.0, top * 1.05) if top > 0 else 1)
        ax.xaxis.set_major_formatter(style.PERCENT)
        ax.grid(axis="x", color="#E5E5E5", lw=0.6)
        ax.set_axisbelow(True)
        ax.set_title(style.BREAKDOWN_LABELS[panel], fontsize=9.5, loc="left")
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_axis_off()
    handles = [
        Patch(color=style.POPULATION_COLORS[g], label=style.POPULATION_LABELS[g]) for g in groups
    ]
    unreliable = not _reliable(data).all()
    _finish(fig, handles, unreliable, sel, top_extra=0.45, bottom_extra=0.1, left=0.16, right=0.98)
    return fig


def _describe_breakdowns(sel: Selection) -> str:
    data, panels = sel.data, sel.extra["panels"]
    parts = []
    for panel in panels:
        d = data[(data["breakdown"] == panel) & _reliable(data)]
        if d.empty:
            parts.append(f"{style.BREAKDOWN_LABELS[panel]}: no reliable rate.")
            continue
        parts.append(
            f"{style.BREAKDOWN_LABELS[panel]}: "
            + "; ".join(
                f"{style.POPULATION_LABELS[r.population]} {style.category_label(r.category).lower()} "
                f"{_fmt_share(r.share, r.share_moe90)}"
                for r in d.itertuples()
            )
            + "."
        )
    return (
        "Small multiples of horizontal bar charts: the underutilization rate (low-skilled job or "
        f"unemployed, share of the labor force) of college-educated health-degree holders in "
        f"{place_name(sel.place, 'text')} by {', '.join(style.BREAKDOWN_LABELS[p].lower() for p in panels)}, for "
        f"each group, with 90% margins of error. Reliable rates: "
        + " ".join(parts)
        + " "
        + _flagged(data, sel.cell)
    )


# -- 7. forgone earnings --------------------------------------------------------------------------

FORGONE_COLUMNS = [
    "year",
    "period",
    "state",
    "population",
    "underutilized",
    "forgone_earnings",
    "forgone_earnings_moe90",
    "mean_gap",
    "n_unweighted",
    "comparison_records",
    "reliable",
    "earnings_variable",
    "dollars",
]


def forgone_earnings_by_state(
    forgone: pd.DataFrame,
    focus: str | None,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
) -> list[Path]:
    """Annual earnings forgone by underutilized health-degree holders, by state and group."""
    sel = _select_forgone_earnings(forgone, focus)
    return _render(sel, _draw_forgone_earnings, _describe_forgone_earnings, provenance, reports_dir)


def _select_forgone_earnings(forgone: pd.DataFrame, focus: str | None) -> Selection:
    f = forgone.copy()
    split = f[f["population"].isin(GROUPS[1:])]
    groups = GROUPS if (split["n_unweighted"] > 0).any() else GROUPS_UNSPLIT
    cols = [c for c in FORGONE_COLUMNS if c in f.columns]
    # which year's dollars (tables written before the column existed: the survey year's)
    dollars = f["dollars"].iloc[0] if "dollars" in f and len(f) else "survey-year dollars"
    return Selection(
        data=f[f["population"].isin(groups)][cols].reset_index(drop=True),
        name="forgone_earnings_by_state",
        title="Earnings forgone through underutilization, by state",
        subtitle=(
            "Annual earnings gap to skill-matched workers, summed over each group's underutilized, "
            f"millions of {dollars}"
        ),
        cell=_state_and_group,
        empty="No state has a reliable forgone-earnings estimate.",
        subject="annual earnings forgone by underutilized health-degree holders, by state.",
        focus=focus,
        groups=groups,
        lead=_lead(groups),
        extra={"dollars": dollars},
    )


def _draw_forgone_earnings(sel: Selection) -> plt.Figure:
    data = sel.data
    states = data[data["state"] != NATION]
    rows = _state_order(states, sel.lead, "forgone_earnings")
    fig, ax = plt.subplots(figsize=(8, max(1.9 + 0.24 * len(rows), 4.2)))
    _dot_rows(ax, states, rows, sel.groups, "forgone_earnings", "forgone_earnings_moe90", scale=1e6)
    _highlight_rows(ax, rows, sel.focus)
    ax.axvline(0, color="#777777", lw=0.6)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"${v:,.0f}M"))
    _finish_dot_plot(fig, ax, data, "Forgone annual earnings ($ millions)", sel.title, sel.subtitle)
    return fig


def _describe_forgone_earnings(sel: Selection) -> str:
    data, groups, lead = sel.data, sel.groups, sel.lead
    states = data[data["state"] != NATION]
    nation = data[data["state"] == NATION].set_index("population")
    us = ""
    if len(nation):
        us = (
            "United States: "
            + ", ".join(
                f"{style.POPULATION_LABELS[g]} {style.dollars(nation.at[g, 'forgone_earnings'])}"
                + (
                    ""
                    if pd.isna(nation.at[g, "forgone_earnings_moe90"])
                    else f" (±{style.dollars(nation.at[g, 'forgone_earnings_moe90'])})"
                )
                for g in groups
                if g in nation.index
            )
            + " (not drawn, to keep the state scale readable). "
        )
    lead_rows = states[(states["population"] == lead) & _reliable(states)]
    lead_rows = lead_rows.sort_values("forgone_earnings", ascending=False)
    top = ", ".join(
        f"{place_name(r.state, 'short')} {style.dollars(r.forgone_earnings)}"
        for r in lead_rows.head(5).itertuples()
    )
    return (
        "Dot plot of the annual earnings forgone by underutilized college-educated health-degree "
        "holders (the gap between what skill-matched workers of the same state, education and age "
        f"earn and what they earn), one row per state for "
        f"{', '.join(style.POPULATION_LABELS[g] for g in groups)}, with 90% margins of error, "
        f"in {sel.extra['dollars']}. "
        + us
        + (
            f"Largest reliable totals among {style.POPULATION_LABELS[lead].lower()}: {top}. "
            if top
            else ""
        )
        + _flagged(data, sel.cell)
    )


# -- 8. trend -------------------------------------------------------------------------------------


def trend(
    estimates: pd.DataFrame | list[pd.DataFrame],
    place: str,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
    outcome: str = "underutilized",
) -> list[Path]:
    """A rate across survey years for each group in one state (or US), with MOE whiskers.

    Takes an estimates table holding several ``year`` values (or a list of one-year tables).
    """
    sel = _select_trend(estimates, place, outcome)
    return _render(sel, _draw_trend, _describe_trend, provenance, reports_dir)


def _select_trend(
    estimates: pd.DataFrame | list[pd.DataFrame], place: str, outcome: str
) -> Selection:
    if isinstance(estimates, list):
        estimates = pd.concat(estimates, ignore_index=True)
    e = estimates[
        (estimates["state"] == place)
        & (estimates["breakdown"] == "none")
        & (estimates["outcome"] == outcome)
    ]
    groups = groups_in(e)
    data = _estimates_data(e[e["population"].isin(groups)]).sort_values(
        ["population", "year"], ignore_index=True
    )
    years = sorted(data["year"].unique())
    label = (
        "underutilization" if outcome == "underutilized" else style.OUTCOME_LABELS[outcome].lower()
    )

    def cell(r) -> str:
        return f"{r.year}, {style.POPULATION_LABELS[r.population]}"

    return Selection(
        data=data,
        name=f"{outcome}_trend_{place.lower()}",
        title=f"{label.capitalize()} rate over time: {place_name(place, 'short')}",
        subtitle=(
            f"Share of the group's labor force, survey years {years[0]}-{years[-1]}, with 90% margins of error"
            if years
            else ""
        ),
        cell=cell,
        empty=f"No reliable {label} rate in {place_name(place, 'text')}.",
        subject=f"{label} rate over time in {place_name(place, 'text')}.",
        place=place,
        groups=groups,
        extra={"years": years, "label": label},
    )


def _draw_trend(sel: Selection) -> plt.Figure:
    data, groups, years, label = sel.data, sel.groups, sel.extra["years"], sel.extra["label"]
    fig, ax = plt.subplots(figsize=(8, 4.8))
    offsets = np.linspace(-0.08, 0.08, len(groups))
    for off, g in zip(offsets, groups, strict=True):
        d = data[(data["population"] == g) & data["share"].notna()]
        x = d["year"].to_numpy(dtype=float) + off
        color = style.POPULATION_COLORS[g]
        ax.plot(x, d["share"], color=color, lw=1.4, zorder=2, label=style.POPULATION_LABELS[g])
        ax.errorbar(
            x,
            d["share"],
            yerr=_moe(d["share_moe90"]),
            fmt="none",
            ecolor=color,
            elinewidth=1,
            capsize=2,
            zorder=2,
        )
        ok = _reliable(d).to_numpy()
        for good in (True, False):
            sel_ = ok == good
            ax.scatter(
                x[sel_],
                d["share"].to_numpy()[sel_],
                s=30,
                marker=style.POPULATION_MARKERS[g],
                facecolors=color if good else "white",
                edgecolors=color,
                zorder=3,
            )
    ax.set_xticks(years, [str(y) for y in years])
    ax.yaxis.set_major_formatter(style.PERCENT)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"{label.capitalize()} rate")
    ax.grid(axis="y", color="#E5E5E5", lw=0.6)
    ax.set_axisbelow(True)
    handles = _group_line_handles(groups)
    unreliable = not _reliable(data).all()
    margins = {"top_extra": 0.35, "bottom_extra": 0.2, "left": 0.1, "right": 0.97}
    _finish(fig, handles, unreliable, sel, hollow=True, **margins)
    return fig


def _describe_trend(sel: Selection) -> str:
    data, years, label = sel.data, sel.extra["years"], sel.extra["label"]
    parts = []
    for g in sel.groups:
        d = data[data["population"] == g]
        parts.append(
            f"{style.POPULATION_LABELS[g]}: "
            + ", ".join(f"{r.year} {_fmt_share(r.share, r.share_moe90)}" for r in d.itertuples())
            + "."
        )
    return (
        f"Line chart of the {label} rate of college-educated health-degree holders in "
        f"{place_name(sel.place, 'text')} across the survey years {', '.join(str(y) for y in years)}, per group, "
        "with 90% margins of error. " + " ".join(parts) + " " + _flagged(data, sel.cell)
    )
