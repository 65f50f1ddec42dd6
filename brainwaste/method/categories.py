"""Names and codes of the classification: population groups, statuses, breakdowns, ESR codes."""

from __future__ import annotations

#: The three groups every estimate is split by (plus `immigrant`, their union).
POPULATIONS = ("us_born", "immigrant", "immigrant_us_educated", "immigrant_foreign_educated")

#: The three groups every chart and table shows, in reading order.
GROUPS = ("us_born", "immigrant_us_educated", "immigrant_foreign_educated")
#: The groups shown when the input cannot split immigrants by where they were educated.
GROUPS_UNSPLIT = ("us_born", "immigrant")


def groups_in(estimates) -> tuple[str, ...]:
    """The three groups, or U.S.-born and all immigrants when the input cannot split immigrants by
    where they were educated (no count for either immigrant group in `estimates`)."""
    split = estimates[estimates["population"].isin(GROUPS[1:])]
    return GROUPS if split["count"].notna().any() else GROUPS_UNSPLIT


#: The mutually exclusive statuses of a civilian; the contract outcomes are unions of them.
STATUSES = (
    "employed_high_skill",
    "employed_middle_skill",
    "employed_low_skill",
    "unemployed",
    "not_in_labor_force",
)

#: The statuses of the labor force (employed by skill tier, unemployed).
LF_OUTCOMES = ("employed_high_skill", "employed_middle_skill", "employed_low_skill", "unemployed")

#: Health occupations featured in the immigrant-share chart and table (2018 Census codes):
#: physicians and surgeons, the large nursing occupations, other licensed practitioners, and the
#: direct-care support jobs where immigrants are most concentrated.
FEATURED_HEALTH_OCCUPATIONS = (
    "3090", "3100", "3255", "3258", "3050", "3010", "3160", "3500",
    "3603", "3601", "3602", "3645",
)  # fmt: skip

#: ESR (employment status recode): 1-2 employed, 3 unemployed, 4-5 Armed Forces, 6 not in LF.
ESR_EMPLOYED = ("1", "2")
ESR_UNEMPLOYED = ("3",)
ESR_NOT_IN_LABOR_FORCE = ("6",)
ESR_CIVILIAN = ESR_EMPLOYED + ESR_UNEMPLOYED + ESR_NOT_IN_LABOR_FORCE

#: Year from which OCCP uses the 2018 Census occupation codes (1-year 2018; 5-year ending 2018).
OCCP_2018_FROM = 2018

ENGLISH = {"1": "very_well", "2": "well", "3": "not_well", "4": "not_at_all"}

#: Breakdowns the estimator can split by; each is a column :func:`classify` adds.
BREAKDOWNS = {
    "degree_field": "health degree field: nursing, medicine_premed, pharmacy, other_health",
    "occupation_group": "employed: health practitioner / health support / other occupation",
    "english": "ability to speak English: only_english, very_well, well, not_well, not_at_all",
    "years_in_us": "years since arrival: 0-5, 6-10, 11-20, 21+ (immigrants)",
    "sex": "male / female",
    "birth_region": "world region of birth (immigrants)",
    "work_time": "employed: full_time (35+ usual hours a week) / part_time",
    "age_group": "25-34, 35-44, 45-54, 55-64, 65+",
}
