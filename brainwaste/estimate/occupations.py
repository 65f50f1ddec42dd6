"""Occupation tables: where health-degree holders work, and who the health workers are."""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..geography import NATION, fifty_states_and_dc
from ..method import codetables
from ..method.categories import ESR_EMPLOYED
from .domains import domain_estimates
from .outcomes import state_codes

GROUPS = ("us_born", "immigrant_us_educated", "immigrant_foreign_educated", "immigrant")


def degree_fields() -> list[str]:
    """The ``degree_field`` categories: field groups of the health-degree code table."""
    return sorted(set(codetables.health_degrees("broad")["field_group"]))


def _with_state(frame: pd.DataFrame, national: bool) -> pd.DataFrame:
    f = frame.assign(state=state_codes(frame["STATE"]))
    if national:  # the nation: the 50 states and DC (a Puerto Rico file stays on its own)
        in_nation = f["state"].isin(fifty_states_and_dc()).to_numpy()
        f = pd.concat([f, f[in_nation].assign(state=NATION)], ignore_index=True)
    return f


def occupation_titles() -> pd.Series:
    """Display titles by OCCP: the PUMS dictionary's label (without its "MED-" style prefix), since
    PUMS merges some Census codes (3090 holds every physician), else the Census list's title."""
    occ = codetables.occupations().set_index("occp")
    pums = occ["pums_title"].str.replace(r"^[A-Z]{3}-", "", regex=True)
    return pums.fillna(occ["title"])


def _titles(table: pd.DataFrame) -> pd.DataFrame:
    table["title"] = table["occp2018"].map(occupation_titles())
    return table


def occupations_of_degree_holders(
    classified: pd.DataFrame, *, national: bool = False, degree_field: str | None = None
) -> pd.DataFrame:
    """Employed universe members by state x population x occupation (2018 codes), with skill tier.

    ``immigrant`` rows are the sum of the immigrant groups. Shares are of the group's employed.
    With `degree_field` (a category of the ``degree_field`` breakdown: ``nursing``,
    ``medicine_premed``, ``pharmacy``, ``other_health``), only holders of that field are counted,
    shares are of the field's employed, and a ``degree_field`` column names it.
    """
    u = classified[classified["in_universe"] & classified["ESR"].isin(ESR_EMPLOYED).fillna(False)]
    if degree_field is not None:
        if degree_field not in degree_fields():
            raise InputError(
                f"unknown degree field {degree_field!r}: use one of {', '.join(degree_fields())}"
            )
        u = u[(u["degree_field"] == degree_field).fillna(False)]
    u = _with_state(u, national)
    both = pd.concat(
        [u, u[u["population"] != "us_born"].assign(population="immigrant")], ignore_index=True
    )
    t = domain_estimates(both, ["state", "population", "occp2018"])
    # a code split among tiers (mixed_codes = "apportion") shows its majority tier
    main_rows = both[both["record_count"] == 1] if "record_count" in both else both
    tier = main_rows.drop_duplicates("occp2018").set_index("occp2018")["skill_tier"]
    t["skill_tier"] = t["occp2018"].map(tier)
    t["share_of_employed"] = t["count"] / t.groupby(["state", "population"])["count"].transform(
        "sum"
    )
    t = _titles(t)
    if degree_field is not None:
        t.insert(t.columns.get_loc("occp2018"), "degree_field", degree_field)
    return t.sort_values(
        ["state", "population", "count"], ascending=[True, True, False], ignore_index=True
    )


def health_workforce(classified: pd.DataFrame, *, national: bool = False) -> pd.DataFrame:
    """Employed civilians in health occupations (any education) by state x occupation: how many,
    and the share who are immigrants (foreign born). Occupation ``all_health`` sums them."""
    w = classified[classified["health_worker"]]
    w = _with_state(w, national)
    w = pd.concat([w, w.assign(occp2018="all_health")], ignore_index=True)
    t = domain_estimates(
        w, ["state", "occp2018"], numerator=(w["NATIVITY"] == "2").fillna(False).to_numpy()
    )
    t = t.rename(
        columns={
            "numerator": "immigrants",
            "numerator_se": "immigrants_se",
            "share": "immigrant_share",
            "share_se": "immigrant_share_se",
            "share_moe90": "immigrant_share_moe90",
            "numerator_n": "immigrants_n",
            "numerator_reliable": "immigrants_reliable",
        }
    )
    t = _titles(t)
    t.loc[t["occp2018"] == "all_health", "title"] = "All health occupations"
    return t.sort_values(["state", "count"], ascending=[True, False], ignore_index=True)
