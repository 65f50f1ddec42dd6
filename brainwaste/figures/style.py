"""House style: one look for every chart, colour-blind-safe, deterministic output."""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

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

#: Marker shapes double the colour code, so groups stay apart in greyscale prints too.
POPULATION_MARKERS = {
    "us_born": "o",
    "immigrant": "D",
    "immigrant_us_educated": "s",
    "immigrant_foreign_educated": "^",
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

SKILL_TIER_COLORS = {
    "high": OKABE_ITO["blue"],
    "middle": OKABE_ITO["sky_blue"],
    "low": OKABE_ITO["orange"],
}

SKILL_TIER_LABELS = {
    "high": "High-skilled occupation",
    "middle": "Middle-skilled occupation",
    "low": "Low-skilled occupation",
}

BREAKDOWN_LABELS = {
    "english": "Ability to speak English",
    "years_in_us": "Years since arrival in the U.S.",
    "degree_field": "Field of the health degree",
    "sex": "Sex",
    "age_group": "Age",
    "birth_region": "Region of birth",
    "work_time": "Work time",
    "occupation_group": "Occupation group",
}

CATEGORY_LABELS = {
    "only_english": "Speaks only English",
    "very_well": "Very well",
    "well": "Well",
    "not_well": "Not well",
    "not_at_all": "Not at all",
    "0-5": "0-5 years",
    "6-10": "6-10 years",
    "11-20": "11-20 years",
    "21+": "21 years or more",
    "nursing": "Nursing",
    "medicine_premed": "Medicine / pre-med",
    "pharmacy": "Pharmacy",
    "other_health": "Other health fields",
    "female": "Female",
    "male": "Male",
    "full_time": "Full time",
    "part_time": "Part time",
    "health_practitioner": "Health practitioner",
    "health_support": "Health support",
    "other": "Other occupation",
    "latin_america_caribbean": "Latin America and Caribbean",
    "not_applicable": "Not applicable",
}

#: The order categories read in (categories not listed follow alphabetically).
CATEGORY_ORDER = {
    "english": ["only_english", "very_well", "well", "not_well", "not_at_all"],
    "years_in_us": ["0-5", "6-10", "11-20", "21+"],
    "degree_field": ["nursing", "medicine_premed", "pharmacy", "other_health"],
    "sex": ["female", "male"],
}

#: How an unreliable estimate is drawn everywhere: a bar keeps its colour (so the colour code
#: still reads) under white hatching; a marker is hollow and its whisker faint.
UNRELIABLE_HATCH = "////"
UNRELIABLE_HATCH_COLOR = "white"
UNRELIABLE_WHISKER_ALPHA = 0.35
_RULE = "fewer than 30 sample records or a CV above 30%; interpret with care."
UNRELIABLE_NOTE_BARS = f"Hatched bars: {_RULE}"
UNRELIABLE_NOTE_MARKERS = f"Hollow markers: {_RULE}"
UNRELIABLE_NOTE_TILES = f"Hatched grey tiles: {_RULE}"

#: Highlight of the focus state in state rankings.
FOCUS_BAND = "#FFF1CC"

#: Sequential colour map for rates on maps (cividis: designed for colour-vision deficiency).
SEQUENTIAL_CMAP = "cividis"

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.dpi": 100,
    "figure.titlesize": 12,
    "figure.titleweight": "bold",
    "savefig.dpi": 300,
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,  # embed TrueType fonts in PDF
    "ps.fonttype": 42,
    "svg.fonttype": "path",  # text as paths: the SVG looks the same without the fonts installed
    "svg.hashsalt": "brainwaste",  # stable ids in SVG output
    "path.simplify": True,
    "hatch.linewidth": 0.6,
}


def apply() -> None:
    """Set the house style for every figure drawn after the call."""
    plt.rcParams.update(RC)


def pct(x: float, digits: int = 0) -> str:
    return f"{100 * x:.{digits}f}%"


#: Axis tick formatter for shares (0.25 -> "25%").
PERCENT = FuncFormatter(lambda v, _: f"{100 * v:.0f}%")


def dollars(x: float) -> str:
    """$1.2 billion, $35 million, $800 thousand: the unit a reader expects."""
    a = abs(x)
    if a >= 1e9:
        return f"${x / 1e9:.1f} billion"
    if a >= 1e6:
        return f"${x / 1e6:.0f} million" if a >= 1e7 else f"${x / 1e6:.1f} million"
    return f"${x / 1e3:.0f} thousand"


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())


def text_color_on(rgba) -> str:
    """Black or white, whichever reads better on a fill colour (relative luminance)."""
    r, g, b = rgba[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"
