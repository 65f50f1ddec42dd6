"""How the package's names and numbers read in every output: the words for the groups, outcomes,
skill tiers, breakdowns and their categories, and the formats of shares and dollar amounts.

Tables, charts, the workbook, fact sheets and notebooks all take their words from here, so a label
changed here changes everywhere at once.
"""

from __future__ import annotations

#: Printed on every chart, table, file and message made from the synthetic sample (and what
#: :func:`brainwaste.pums.synthetic.is_synthetic_zip` looks for in a sample's README).
SYNTHETIC_MARK = "SYNTHETIC DATA: illustration only"
#: The line the command line prints after a run on synthetic records.
SYNTHETIC_NOT_ESTIMATES = f"{SYNTHETIC_MARK}; these are not Census estimates"

POPULATION_LABELS = {
    "us_born": "U.S.-born",
    "immigrant": "Immigrants",
    "immigrant_us_educated": "Immigrants educated in the U.S.",
    "immigrant_foreign_educated": "Immigrants educated abroad",
    "immigrant_unknown_education": "Immigrants, place of education unknown",
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


def pct(x: float, digits: int = 0) -> str:
    return f"{100 * x:.{digits}f}%"


def dollars(x: float) -> str:
    """$1.2 billion, $35 million, $800 thousand: the unit a reader expects."""
    a = abs(x)
    if a >= 1e9:
        return f"${x / 1e9:.1f} billion"
    if a >= 1e6:
        return f"${x / 1e6:.0f} million" if a >= 1e7 else f"${x / 1e6:.1f} million"
    return f"${x / 1e3:.0f} thousand"


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())
