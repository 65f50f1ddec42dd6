"""House style: one look for every chart, colour-blind-safe, deterministic output."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

#: Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008): distinguishable with the
#: common forms of colour blindness.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}

POPULATION_COLORS = {
    "us_born": OKABE_ITO["grey"],
    "immigrant": OKABE_ITO["purple"],
    "immigrant_us_educated": OKABE_ITO["sky_blue"],
    "immigrant_foreign_educated": OKABE_ITO["vermillion"],
}

POPULATION_LABELS = {
    "us_born": "U.S.-born",
    "immigrant": "Immigrants",
    "immigrant_us_educated": "Immigrants educated in the U.S.",
    "immigrant_foreign_educated": "Immigrants educated abroad",
}

OUTCOME_COLORS = {
    "employed_high_skill": OKABE_ITO["blue"],
    "employed_middle_skill": OKABE_ITO["sky_blue"],
    "employed_low_skill": OKABE_ITO["orange"],
    "unemployed": OKABE_ITO["vermillion"],
    "not_in_labor_force": OKABE_ITO["grey"],
    "underutilized": OKABE_ITO["vermillion"],
}

OUTCOME_LABELS = {
    "employed_high_skill": "High-skilled job",
    "employed_middle_skill": "Middle-skilled job",
    "employed_low_skill": "Low-skilled job",
    "unemployed": "Unemployed",
    "not_in_labor_force": "Not in labor force",
    "underutilized": "Underutilized (low-skilled job or unemployed)",
    "labor_force": "In labor force",
    "total": "All",
}

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "pdf.fonttype": 42,  # embed TrueType fonts in PDF
    "ps.fonttype": 42,
    "svg.fonttype": "path",  # text as paths: the SVG looks the same without the fonts installed
    "svg.hashsalt": "brainwaste",  # stable ids in SVG output
    "path.simplify": True,
}


def apply() -> None:
    """Set the house style for every figure drawn after the call."""
    plt.rcParams.update(RC)


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"
