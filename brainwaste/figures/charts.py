"""Report charts: one function per chart, each taking the tidy estimates table.

Every function draws, writes the five files through :func:`~brainwaste.figures.export.save_figure`
and returns their paths. Unreliable cells (see ``reliable`` in the estimates table) are drawn
hatched and named in the alt text, never dropped silently.
"""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..geography import NATION, state
from . import style
from .export import Provenance, save_figure

GROUPS = ("us_born", "immigrant_us_educated", "immigrant_foreign_educated")
LF_OUTCOMES = ("employed_high_skill", "employed_middle_skill", "employed_low_skill", "unemployed")


def _place(code: str) -> str:
    return "the United States" if code == NATION else state(code).name


def _fmt_share(share: float, moe: float) -> str:
    if np.isnan(share):
        return "n/a"
    return f"{100 * share:.0f}%" + ("" if np.isnan(moe) else f" (±{100 * moe:.0f})")


def outcomes_by_group(
    estimates: pd.DataFrame, place: str, provenance: Provenance, reports_dir: str | os.PathLike
):
    """Labor-market outcomes of health-degree holders by group in one state (or US), with MOE."""
    style.apply()
    e = estimates[(estimates["state"] == place) & (estimates["breakdown"] == "none")]
    groups = [g for g in GROUPS if e.loc[e["population"] == g, "count"].notna().any()]
    data = e[e["population"].isin(groups) & e["outcome"].isin([*LF_OUTCOMES, "not_in_labor_force"])]
    data = data[
        [
            "state",
            "population",
            "outcome",
            "share",
            "share_moe90",
            "count",
            "count_moe90",
            "n_unweighted",
            "reliable",
        ]
    ]

    fig, (ax, ax2) = plt.subplots(
        1, 2, figsize=(9, 4.6), gridspec_kw={"width_ratios": [4, 1.2], "wspace": 0.35}
    )
    width = 0.8 / max(len(groups), 1)
    x = np.arange(len(LF_OUTCOMES))
    for i, g in enumerate(groups):
        d = data[data["population"] == g].set_index("outcome")
        vals = d.reindex(list(LF_OUTCOMES))
        bars = ax.bar(
            x + (i - (len(groups) - 1) / 2) * width, vals["share"], width,
            yerr=vals["share_moe90"].fillna(0), capsize=2, error_kw={"lw": 0.8},
            color=style.POPULATION_COLORS[g], label=style.POPULATION_LABELS[g],
        )  # fmt: skip
        for bar, ok in zip(bars, vals["reliable"], strict=True):
            if not ok:
                bar.set_hatch("///")
                bar.set_edgecolor("white")
        nilf = d.loc["not_in_labor_force"] if "not_in_labor_force" in d.index else None
        if nilf is not None:
            ax2.bar(
                i, nilf["share"], 0.7, yerr=0 if np.isnan(nilf["share_moe90"]) else nilf["share_moe90"],
                capsize=2, color=style.POPULATION_COLORS[g], hatch=None if nilf["reliable"] else "///",
            )  # fmt: skip
    ax.set_xticks(x, [style.OUTCOME_LABELS[o] for o in LF_OUTCOMES])
    ax.set_ylabel("Share of the civilian labor force")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f}%"))
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"College-educated health-degree holders in {_place(place)}: where they work")
    ax2.set_xticks(range(len(groups)), ["" for _ in groups])
    ax2.set_title("Not in labor force", fontsize=9)
    ax2.set_ylabel("Share of all in the group")
    ax2.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f}%"))
    if not data["reliable"].all():
        fig.text(
            0.01,
            0.045,
            "Hatched bars: fewer than 30 records or CV above 30%; interpret with care.",
            fontsize=7,
        )
    fig.subplots_adjust(bottom=0.2, top=0.86)

    lines = []
    for g in groups:
        d = data[data["population"] == g].set_index("outcome")
        parts = [
            f"{style.OUTCOME_LABELS[o].lower()} {_fmt_share(d.at[o, 'share'], d.at[o, 'share_moe90'])}"
            for o in LF_OUTCOMES
            if o in d.index
        ]
        lines.append(f"{style.POPULATION_LABELS[g]}: " + ", ".join(parts) + ".")
    flagged = data.loc[~data["reliable"], ["population", "outcome"]]
    alt = (
        f"Grouped bar chart of the labor-market outcomes of college-educated health-degree holders in "
        f"{_place(place)}, as shares of each group's civilian labor force with 90% margins of error. "
        + " ".join(lines)
        + (
            f" {len(flagged)} bars are statistically unreliable and hatched."
            if len(flagged)
            else ""
        )
    )
    return save_figure(
        fig, f"outcomes_by_group_{place.lower()}", data, alt, provenance, reports_dir
    )
