"""Compute the aggregate parameters of the synthetic PUMS sample.

Reads the real ACS PUMS files under the shared data directory and writes
``brainwaste/pums/synthetic_params.json``: shares, rates and a few distribution summaries,
never a record. Where the real extracts cannot give a number, a published figure is used and
named. Every block of the output carries a ``source`` note.

Inputs (``--shared DIR``, default ``../shared/data`` next to the project):

- ``acs_pums_2024_1yr_person_subset/p_{25,33,36,50}.parquet``: ACS 2024 1-year person records of
  MA, NH, NY and VT, 38 columns (no YOEP, FOD2P, POBP, SOCP or replicate weights).
- ``acs_pums_2018_1yr_person_small_states/csv_p{de,nh,vt,wy}.zip``: official ACS 2018 1-year
  person files of DE, NH, VT and WY (full schema).
- ``pums_data_dictionaries/PUMS_Data_Dictionary_{2022,2023,2024}.txt``: column order, widths,
  ADJINC and code lists.
- ``occupation_crosswalks/census_2018_occ_code_list.csv`` and
  ``bls_ep_table_5_4_education_training_by_occupation_2024.csv``: OCCP -> SOCP and the typical
  entry education of each occupation (used only to give generated jobs a skill tier).

Usage::

    python scripts/calibrate_synthetic.py [--shared ../shared/data] [--out PATH]

All estimates use the person weight PWGTP.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from brainwaste.estimate.outcomes import estimate_outcomes
from brainwaste.geography import NATION
from brainwaste.method.classify import classify
from brainwaste.method.codetables import health_degree_codes
from brainwaste.method.profile import load_profile
from brainwaste.pums import synthetic
from brainwaste.pums.dictionary import read_dictionary
from brainwaste.pums.readers import canonical_batch, pandas_type
from brainwaste.pums.synthetic import AGE_BAND_LABELS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "brainwaste" / "pums" / "synthetic_params.json"

F24 = "acs_pums_2024_1yr_person_subset/p_{fips}.parquet"
F18 = "acs_pums_2018_1yr_person_small_states/csv_p{st}.zip"
STATES24 = {"25": "MA", "33": "NH", "36": "NY", "50": "VT"}
STATES18 = {"de": "10", "nh": "33", "vt": "50", "wy": "56"}
SRC24 = (
    "ACS 2024 1-year PUMS person records of MA, NH, NY, VT pooled "
    "(acs_pums_2024_1yr_person_subset/p_{25,33,36,50}.parquet), weighted with PWGTP"
)
SRC18 = (
    "ACS 2018 1-year PUMS person files of DE, NH, VT, WY pooled "
    "(acs_pums_2018_1yr_person_small_states/csv_p{de,nh,vt,wy}.zip), weighted with PWGTP"
)

#: The health fields of degree (the package's core set: 6100, 6102-6110, 6199).
HEALTH_FOD = sorted(int(c) for c in health_degree_codes("core"))
AGE_BANDS = [0, 5, 16, 18, 25, 35, 45, 55, 65, 75, 200]
ARRIVAL_BINS = list(range(0, 80, 5)) + [96]  # 0-4, 5-9, ..., 70-74, 75-95
YEARS_IN_US_BINS = [0, 3, 5, 10, 15, 20, 30, 200]
FOCUS = ["MA", "NY", "NJ", "CA", "TX", "FL"]

# -- published figures (not computable from the shared extracts) ---------------------------------

#: Resident population, July 1, 2024 (U.S. Census Bureau, Vintage 2024 population estimates,
#: NST-EST2024-POP), approximate, rounded to the thousand. MA, NH, NY, VT: sum of PWGTP of the real
#: 2024 extracts (the ACS weights are controlled to these estimates).
STATE_POPULATION_2024 = {
    "AL": 5_158_000, "AK": 740_000, "AZ": 7_582_000, "AR": 3_088_000, "CA": 39_431_000,
    "CO": 5_957_000, "CT": 3_675_000, "DE": 1_052_000, "DC": 702_000, "FL": 23_372_000,
    "GA": 11_181_000, "HI": 1_446_000, "ID": 2_002_000, "IL": 12_710_000, "IN": 6_924_000,
    "IA": 3_241_000, "KS": 2_971_000, "KY": 4_588_000, "LA": 4_598_000, "ME": 1_405_000,
    "MD": 6_263_000, "MI": 10_140_000, "MN": 5_793_000, "MS": 2_943_000, "MO": 6_245_000,
    "MT": 1_137_000, "NE": 2_005_000, "NV": 3_267_000, "NJ": 9_501_000, "NM": 2_130_000,
    "NC": 11_046_000, "ND": 797_000, "OH": 11_883_000, "OK": 4_095_000, "OR": 4_272_000,
    "PA": 13_079_000, "RI": 1_112_000, "SC": 5_479_000, "SD": 925_000, "TN": 7_228_000,
    "TX": 31_291_000, "UT": 3_504_000, "VA": 8_811_000, "WA": 7_958_000, "WV": 1_770_000,
    "WI": 5_961_000, "WY": 588_000,
}  # fmt: skip

#: Foreign-born share of the population, ACS 2023 1-year, table B05002 (Place of birth by
#: nativity and citizenship status), approximate, rounded to half a percentage point.
FOREIGN_BORN_SHARE_2023 = {
    "AL": 0.040, "AK": 0.080, "AZ": 0.130, "AR": 0.055, "CA": 0.265, "CO": 0.095,
    "CT": 0.155, "DE": 0.105, "DC": 0.140, "FL": 0.220, "GA": 0.105, "HI": 0.180,
    "ID": 0.060, "IL": 0.145, "IN": 0.060, "IA": 0.060, "KS": 0.075, "KY": 0.045,
    "LA": 0.045, "ME": 0.040, "MD": 0.165, "MI": 0.070, "MN": 0.090, "MS": 0.025,
    "MO": 0.045, "MT": 0.025, "NE": 0.075, "NV": 0.195, "NJ": 0.240, "NM": 0.090,
    "NC": 0.090, "ND": 0.055, "OH": 0.055, "OK": 0.065, "OR": 0.100, "PA": 0.080,
    "RI": 0.145, "SC": 0.060, "SD": 0.045, "TN": 0.060, "TX": 0.180, "UT": 0.090,
    "VA": 0.130, "WA": 0.155, "WV": 0.020, "WI": 0.055, "WY": 0.035,
}  # fmt: skip

#: Countries of birth of the U.S. foreign-born population, ACS 2023 1-year, table B05006
#: (Place of birth for the foreign-born population), national shares, approximate, rounded.
TOP_BIRTH_COUNTRIES_2023 = {
    "Mexico": 0.225, "India": 0.060, "China": 0.050, "Philippines": 0.044, "Cuba": 0.031,
    "El Salvador": 0.029, "Vietnam": 0.029, "Dominican Republic": 0.029, "Guatemala": 0.024,
    "Korea": 0.021, "Colombia": 0.021, "Honduras": 0.018, "Venezuela": 0.017, "Canada": 0.017,
    "Jamaica": 0.017, "Haiti": 0.017, "Brazil": 0.013, "Ecuador": 0.012, "Germany": 0.010,
    "Peru": 0.010,
}  # fmt: skip

#: Share of the U.S.-born population living in their state of birth: ACS 2023 1-year, table
#: B05002 (born in state of residence / native), national, approximate, rounded.
BORN_IN_STATE_OF_RESIDENCE = 0.68

#: Households by number of persons (1, 2, 3, 4 or more): ACS 2023 1-year, table B11016,
#: national, approximate, rounded; households of 5 or more persons are folded into 4.
HOUSEHOLD_SIZE = {"1": 0.28, "2": 0.35, "3": 0.15, "4": 0.22}

#: MPI (Batalova, Fix & Bachmeier, "Untapped Talent", 2016; ACS 2009-13): share of college-educated
#: workers in low-skilled jobs or unemployed: U.S.-born 18%, U.S.-educated immigrants 21%,
#: foreign-educated immigrants 29%.
MPI_2016_RATES = {
    "us_born": 0.18,
    "immigrant_us_educated": 0.21,
    "immigrant_foreign_educated": 0.29,
}
#: MPI (Batalova, Fix & Pierce, "Brain Waste among U.S. Immigrants with Health Degrees", 2020;
#: ACS ~2018): of 263,000 underutilized immigrants with BA+ health degrees, about two-thirds
#: (~165,000) were educated abroad.
MPI_2020_FOREIGN_EDUCATED_SHARE = 165_000 / 263_000


# -- readers ---------------------------------------------------------------------------------------


def parse_txt_dictionary(path: Path) -> dict[str, dict]:
    """Person-record variables of a Census TXT data dictionary, in order (see
    :func:`brainwaste.pums.dictionary.read_dictionary` for the layout)."""
    return read_dictionary(path, "person")


def read_2024(shared: Path) -> pd.DataFrame:
    frames = []
    for fips in STATES24:
        d = pd.read_parquet(shared / F24.format(fips=fips))
        frames.append(d)
    d = pd.concat(frames, ignore_index=True)
    d["STATE"] = d["STATE"].astype(str)
    d["gq"] = d["SERIALNO"].astype(str).str[4:6] == "GQ"
    return d


def read_2018(shared: Path) -> pd.DataFrame:
    cols = [
        "SERIALNO", "ST", "PWGTP", "AGEP", "CIT", "NATIVITY", "YOEP", "POBP", "SCHL", "FOD1P",
        "FOD2P", "ESR", "LANX", "ENG",
    ]  # fmt: skip
    frames = []
    for st, fips in STATES18.items():
        with zipfile.ZipFile(shared / F18.format(st=st)) as zf, zf.open(f"psam_p{fips}.csv") as f:
            frames.append(pd.read_csv(f, dtype=str, usecols=cols, keep_default_na=False))
    d = pd.concat(frames, ignore_index=True)
    for c in ["PWGTP", "AGEP", "YOEP", "SCHL", "FOD1P", "FOD2P", "ESR", "CIT", "NATIVITY"]:
        d[c] = pd.to_numeric(d[c].replace("", np.nan))
    return d


# -- helpers ---------------------------------------------------------------------------------------


def r5(x: float) -> float:
    return float(f"{x:.5g}")


def shares(codes: pd.Series, w: pd.Series, min_share: float = 0.0, fmt=None) -> dict[str, float]:
    """Weighted shares of each code (sorted by code), dropping codes below `min_share`."""
    ok = codes.notna()
    s = w[ok].astype(float).groupby(codes[ok]).sum()
    s = s / s.sum()
    s = s[s >= min_share]
    s = s / s.sum()
    out = {}
    for k, v in s.sort_index().items():
        key = fmt(k) if fmt else str(int(k)) if isinstance(k, int | np.integer | float) else str(k)
        out[key] = r5(v)
    return out


def band(age: pd.Series, edges=AGE_BANDS, labels=AGE_BAND_LABELS) -> pd.Series:
    return pd.cut(age.astype(float), edges, right=False, labels=labels)


def wmean(x, w) -> float:
    x = np.asarray(x, float)
    w = np.asarray(w, float)
    return float((x * w).sum() / w.sum())


def group_of(d: pd.DataFrame) -> pd.Series:
    ba = d["SCHL"] >= 21
    health = d["FOD1P"].isin(HEALTH_FOD)
    return pd.Series(
        np.where(ba & health, "health_ba", np.where(ba, "other_ba", "no_ba")), index=d.index
    )


def tier_of_education(text: str) -> str:
    t = text.lower()
    if "high school" in t or "no formal" in t:
        return "low"
    if "postsecondary" in t or "some college" in t or "associate" in t:
        return "middle"
    return "high"


# -- blocks ----------------------------------------------------------------------------------------


def schema_block(shared: Path) -> dict:
    out = {
        "source": (
            "Person-record variables of the Census 'ACS PUMS Data Dictionary' TXT files "
            "(pums_data_dictionaries/PUMS_Data_Dictionary_{YEAR}.txt), in dictionary order, which is "
            "the column order of the Census psam_pNN.csv files (checked against the 2018 csv). "
            "Each column is [name, C(haracter)|N(umeric), width]. ADJINC: the dictionary's factor. "
            "flag_zero: allocation flags (F...P) whose codes are 0/1 with no blank; the synthetic "
            "records set them to 0 (not allocated)."
        ),
        "years": {},
    }
    for year in (2022, 2023, 2024):
        path = shared / "pums_data_dictionaries" / f"PUMS_Data_Dictionary_{year}.txt"
        if not path.exists():
            continue
        dd = parse_txt_dictionary(path)
        adj = [v[0] for v in dd["ADJINC"]["values"] if v[0].isdigit()]
        flags = [
            n
            for n, v in dd.items()
            if re.fullmatch(r"F[A-Z0-9]+[PC]", n)
            and {c[0] for c in v["values"]} == {"0", "1"}
            and n not in ("FER",)
        ]
        out["years"][str(year)] = {
            "adjinc": adj[0],
            "columns": [[n, v["type"], v["len"]] for n, v in dd.items()],
            "flag_zero": flags,
        }
    return out


def states_block(p24: pd.DataFrame, dd24: dict) -> dict:
    pop, fb = {}, {}
    puma = {}
    for fips, usps in STATES24.items():
        d = p24[p24["STATE"] == fips]
        w = d["PWGTP"].astype(float)
        pop[usps] = int(w.sum())
        fb[usps] = r5(wmean(d["NATIVITY"] == 2, w))
        s = shares(d["PUMA"], d["PWGTP"], fmt=str)
        puma[usps] = s
    for usps, v in STATE_POPULATION_2024.items():
        pop.setdefault(usps, v)
    for usps, v in FOREIGN_BORN_SHARE_2023.items():
        fb.setdefault(usps, v)
    return {
        "focus": FOCUS,
        "population": {
            "source": (
                "MA, NH, NY, VT: sum of PWGTP in the real 2024 extracts (MA 7,136,171). Other states: "
                "U.S. Census Bureau Vintage 2024 population estimates (NST-EST2024-POP, July 1, 2024), "
                "approximate, rounded to the thousand."
            ),
            "values": dict(sorted(pop.items())),
        },
        "foreign_born_share": {
            "source": (
                "MA, NH, NY, VT: weighted share NATIVITY=2 in the real 2024 extracts. Other states: "
                "ACS 2023 1-year table B05002 (foreign-born share), approximate, rounded to half a "
                "percentage point."
            ),
            "values": dict(sorted(fb.items())),
        },
        "puma": {
            "source": (
                "MA, NH, NY, VT: PUMA codes of the real 2024 extracts with their weighted population "
                "shares. Other states: no PUMA list is available offline; the generator uses "
                "placeholder codes 00100, 00200, ... (one per ~150,000 residents) within the "
                "dictionary's range 00100..81003. They are not real 2020 PUMA codes."
            ),
            "persons_per_placeholder": 150_000,
            "values": puma,
        },
    }


def age_block(p24: pd.DataFrame) -> dict:
    out = {}
    for nat in (1, 2):
        d = p24[p24["NATIVITY"] == nat]
        age = d["AGEP"].clip(upper=95)
        s = d["PWGTP"].astype(float).groupby(age).sum().reindex(range(96), fill_value=0)
        out[str(nat)] = [r5(x) for x in (s / s.sum())]
    return {
        "source": SRC24
        + ": share of each single year of age 0..95 (95 = 95 and over) by NATIVITY.",
        "by_nativity": out,
    }


def gq_block(p24: pd.DataFrame) -> dict:
    b = band(p24["AGEP"])
    s = (p24["gq"] * p24["PWGTP"]).astype(float).groupby(b, observed=False).sum()
    t = p24["PWGTP"].astype(float).groupby(b, observed=False).sum()
    return {
        "source": SRC24 + ": share of persons in group quarters (SERIALNO 'GQ') by age band.",
        "share_by_age_band": {k: r5(v) for k, v in (s / t).items()},
        "household_size": {
            "source": (
                "Households by number of persons, ACS 2023 1-year table B11016, national, "
                "approximate, rounded; 5+ persons folded into 4."
            ),
            "values": HOUSEHOLD_SIZE,
        },
    }


def citizenship_block(p24: pd.DataFrame, p18: pd.DataFrame) -> dict:
    nat = p24[p24["NATIVITY"] == 1]
    native = shares(nat["CIT"], nat["PWGTP"])
    fb = p24[p24["NATIVITY"] == 2]
    naturalized = wmean(fb["CIT"] == 4, fb["PWGTP"])
    f18 = p18[p18["NATIVITY"] == 2].copy()
    years = 2018 - f18["YOEP"]
    yb = pd.cut(years, YEARS_IN_US_BINS, right=False)
    s = ((f18["CIT"] == 4) * f18["PWGTP"]).groupby(yb, observed=False).sum()
    t = f18["PWGTP"].groupby(yb, observed=False).sum()
    curve = (s / t).fillna(0)
    return {
        "native_cit": {"source": SRC24 + ": CIT shares among NATIVITY=1.", "values": native},
        "naturalized_share_2024": {
            "source": SRC24 + ": share CIT=4 among NATIVITY=2 (for reference).",
            "value": r5(naturalized),
        },
        "naturalized_by_years_in_us": {
            "source": SRC18 + ": share CIT=4 among NATIVITY=2 by years since entry (2018 - YOEP).",
            "bins": YEARS_IN_US_BINS[:-1],
            "values": [r5(x) for x in curve],
        },
    }


def arrival_block(p18: pd.DataFrame) -> dict:
    d = p18[p18["YOEP"].notna()].copy()
    d["arr"] = (d["AGEP"] - (2018 - d["YOEP"])).clip(lower=0)
    d["ab"] = pd.cut(d["arr"], ARRIVAL_BINS, right=False, labels=False)
    d["band"] = band(d["AGEP"])
    d["ba"] = d["SCHL"] >= 21
    out: dict[str, dict] = {}
    for edu, sub in (("ba", d[d["ba"]]), ("no_ba", d[~d["ba"]])):
        out[edu] = {}
        for lab in AGE_BAND_LABELS:
            g = sub[sub["band"] == lab]
            if len(g) < 25 or edu == "ba" and lab in ("0-4", "5-15", "16-17"):
                g = d[d["band"] == lab]  # sparse: pool education groups
            s = (
                g["PWGTP"]
                .groupby(g["ab"])
                .sum()
                .reindex(range(len(ARRIVAL_BINS) - 1), fill_value=0)
            )
            out[edu][lab] = [r5(x) for x in s / s.sum()]
    adults_ba = d[(d["AGEP"] >= 25) & d["ba"] & (d["NATIVITY"] == 2)]
    lf = adults_ba[adults_ba["ESR"].isin([1, 2, 3])]
    health = adults_ba[adults_ba["FOD1P"].isin(HEALTH_FOD) | adults_ba["FOD2P"].isin(HEALTH_FOD)]
    return {
        "source": (
            SRC18 + ": age at arrival AGEP - (2018 - YOEP) of persons with a YOEP, in 5-year bins "
            "(0-4, ..., 70-74, 75+), by current age band and education (ba = SCHL 21-24); sparse "
            "cells (< 25 records) pool education groups."
        ),
        "bins": ARRIVAL_BINS,
        "by_education_and_age_band": out,
        "share_arrived_25_plus": {
            "source": SRC18 + ": NATIVITY=2, AGEP 25+, SCHL 21-24.",
            "ba_immigrants": r5(wmean(adults_ba["arr"] >= 25, adults_ba["PWGTP"])),
            "ba_immigrants_in_labor_force": r5(wmean(lf["arr"] >= 25, lf["PWGTP"])),
            "health_degree_immigrants": r5(wmean(health["arr"] >= 25, health["PWGTP"])),
            "health_degree_records": int(len(health)),
        },
    }


def education_block(p24: pd.DataFrame) -> dict:
    young = {}
    for a in range(3, 25):
        d = p24[p24["AGEP"] == a]
        young[str(a)] = shares(d["SCHL"], d["PWGTP"], fmt=lambda k: f"{int(k):02d}")
    adult = {}
    for nat in (1, 2):
        adult[str(nat)] = {}
        for lab in AGE_BAND_LABELS[4:]:
            d = p24[(p24["NATIVITY"] == nat) & (band(p24["AGEP"]) == lab)]
            adult[str(nat)][lab] = shares(d["SCHL"], d["PWGTP"], fmt=lambda k: f"{int(k):02d}")
    return {
        "source": (
            SRC24
            + ": SCHL shares by single year of age 3-24 (both nativities) and by NATIVITY and "
            "age band for 25+. State differences in attainment are not modelled."
        ),
        "by_age": young,
        "by_nativity_and_age_band": adult,
    }


def fod_block(p24: pd.DataFrame, p18: pd.DataFrame) -> dict:
    ba = p24[p24["SCHL"] >= 21]
    health = ba["FOD1P"].isin(HEALTH_FOD)
    share = {}
    codes = {}
    for nat in (1, 2):
        share[str(nat)] = {}
        codes[str(nat)] = {}
        for schl in (21, 22, 23, 24):
            m = (ba["NATIVITY"] == nat) & (ba["SCHL"] == schl)
            share[str(nat)][str(schl)] = r5(wmean(health[m], ba.loc[m, "PWGTP"]))
            h = ba[m & health]
            codes[str(nat)][str(schl)] = shares(
                h["FOD1P"], h["PWGTP"], fmt=lambda k: f"{int(k):04d}"
            )
    other = ba[~health]
    b18 = p18[p18["SCHL"] >= 21]
    h1 = b18["FOD1P"].isin(HEALTH_FOD)
    h2 = b18["FOD2P"].isin(HEALTH_FOD)
    w = b18["PWGTP"]
    sex = {}
    hb = ba[health]
    for code, g in hb.groupby("FOD1P"):
        sex[f"{int(code):04d}"] = r5(wmean(g["SEX"] == 2, g["PWGTP"]))
    return {
        "health_codes": [str(c) for c in HEALTH_FOD],
        "health_share": {
            "source": SRC24 + ": share of SCHL 21-24 holders whose FOD1P is a health field "
            "(6100, 6102-6110, 6199), by NATIVITY and SCHL.",
            "values": share,
        },
        "health_codes_dist": {
            "source": SRC24 + ": FOD1P shares among health-degree holders by NATIVITY and SCHL.",
            "values": codes,
        },
        "other_codes_dist": {
            "source": SRC24 + ": FOD1P shares among SCHL 21-24 holders without a health FOD1P.",
            "values": shares(other["FOD1P"], other["PWGTP"], fmt=lambda k: f"{int(k):04d}"),
        },
        "fod2p": {
            "source": SRC18 + " (FOD2P is not in the 2024 extracts): among SCHL 21-24.",
            "present_share": r5(wmean(b18["FOD2P"].notna(), w)),
            "second_only_share_of_health": r5(
                float((w * (h2 & ~h1)).sum() / (w * (h1 | h2)).sum())
            ),
        },
        "female_share_by_health_code": {
            "source": SRC24 + ": share SEX=2 among SCHL 21-24 holders by health FOD1P.",
            "values": sex,
        },
    }


def employment_block(p24: pd.DataFrame) -> dict:
    d = p24[p24["AGEP"] >= 16].copy()
    d["g"] = group_of(d)
    d["band"] = band(d["AGEP"])
    esr, occp6, worked, nowork = {}, {}, {}, {}
    for grp in ("health_ba", "other_ba", "no_ba"):
        esr[grp], occp6[grp], worked[grp] = {}, {}, {}
        for nat in (1, 2):
            esr[grp][str(nat)] = {}
            for lab in AGE_BAND_LABELS[2:]:
                m = (d["g"] == grp) & (d["NATIVITY"] == nat) & (d["band"] == lab)
                if m.sum() < 50:
                    m = (d["g"] == grp) & (d["band"] == lab)
                if m.sum() < 50:
                    m = (d["g"].isin([grp, "other_ba"])) & (d["band"] == lab)
                if m.sum() < 50:
                    m = d["band"] == lab
                g = d[m]
                esr[grp][str(nat)][lab] = shares(g["ESR"], g["PWGTP"])
        for lab in AGE_BAND_LABELS[2:]:
            m = (d["g"] == grp) & (d["band"] == lab)
            n6 = d[m & (d["ESR"] == 6)]
            if len(n6) < 50:
                n6 = d[(d["band"] == lab) & (d["ESR"] == 6)]
            occp6[grp][lab] = r5(wmean(n6["OCCP"].notna(), n6["PWGTP"]))
            worked[grp][lab] = {
                "3": r5(
                    wmean(
                        d.loc[m & (d["ESR"] == 3), "WKWN"].notna(),
                        d.loc[m & (d["ESR"] == 3), "PWGTP"],
                    )
                )
                if (m & (d["ESR"] == 3)).sum() >= 30
                else r5(wmean(d.loc[d["ESR"] == 3, "WKWN"].notna(), d.loc[d["ESR"] == 3, "PWGTP"])),
                "6": r5(wmean(n6["WKWN"].notna(), n6["PWGTP"])),
            }
        u = d[(d["g"] == grp) & (d["ESR"] == 3)]
        nowork[grp] = r5(wmean(u["OCCP"] == 9920, u["PWGTP"]))
    return {
        "source": SRC24
        + (
            ": ESR shares (1, 2, 3, 4, 5, 6) by group (health_ba: SCHL 21-24 with a health FOD1P; "
            "other_ba; no_ba), NATIVITY and age band (16+); cells with < 50 records pool NATIVITY, "
            "then the BA+ groups, then everyone of the age band."
        ),
        "esr": esr,
        "nilf_with_occupation": {
            "source": SRC24
            + ": share of ESR=6 with an OCCP (last worked within 5 years), by group "
            "and age band.",
            "values": occp6,
        },
        "worked_past_12_months": {
            "source": SRC24 + ": share of ESR=3 and ESR=6 with a WKWN (worked in the past 12 "
            "months), by group and age band.",
            "values": worked,
        },
        "unemployed_never_worked": {
            "source": SRC24 + ": share of ESR=3 with OCCP 9920 (no work in the last 5 years).",
            "values": nowork,
        },
    }


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def occupation_tiers(shared: Path, dd24: dict) -> dict[str, dict]:
    """OCCP -> {"socp", "tier", "title"} for every OCCP code of the 2024 dictionary."""
    xwalk = shared / "occupation_crosswalks"
    rows = read_csv_rows(xwalk / "census_2018_occ_code_list.csv")
    census = {r["census_2018_occ_code"]: r["soc_2018_code"] for r in rows}
    bls_rows = read_csv_rows(xwalk / "bls_ep_table_5_4_education_training_by_occupation_2024.csv")
    bls = {
        r["2024 National Employment Matrix code"]: tier_of_education(
            r["Typical education needed for entry"]
        )
        for r in bls_rows
    }
    occ = [v for v in dd24["OCCP"]["values"] if v[0] != "bbbb"]
    soc = [v for v in dd24["SOCP"]["values"] if v[0] != "bbbbbb"]
    soc_by_label: dict[str, str] = {}
    for code, _, label in soc:
        soc_by_label.setdefault(label.lower(), code)

    def tier_for(code: str) -> str | None:
        code = code.replace("-", "")
        if len(code) != 6:
            return None
        exact = f"{code[:2]}-{code[2:]}"
        if exact in bls:
            return bls[exact]
        prefix = code.rstrip("XY")
        if prefix == code:
            prefix = code.rstrip("0")
        prefix = f"{prefix[:2]}-{prefix[2:]}" if len(prefix) > 2 else prefix
        found = [t for c, t in bls.items() if c.startswith(prefix)]
        if not found:
            return None
        counts = Counter(found)
        order = {"middle": 0, "low": 1, "high": 2}  # ties: middle first
        return sorted(counts, key=lambda t: (-counts[t], order[t]))[0]

    out = {}
    for code, _, label in occ:
        raw = census.get(code, "").replace("-", "")
        socp = soc_by_label.get(label.lower(), raw)
        if raw and raw != socp:
            out.setdefault("_overrides", {})[code] = f"{census[code]} -> {socp}"
        tier = tier_for(census.get(code, "")) or tier_for(socp)
        if code >= "9800" and code <= "9830":
            tier = "military"
        if code == "9920":
            tier = None
        out[code] = {"socp": socp, "tier": tier or "middle", "title": label}
    return out


def occupation_block(p24: pd.DataFrame, occ: dict) -> dict:
    d = p24[(p24["AGEP"] >= 16) & p24["OCCP"].notna()].copy()
    d["g"] = group_of(d)
    d["code"] = d["OCCP"].map(lambda x: f"{int(x):04d}")
    emp = d[d["ESR"].isin([1, 2])]

    def top(sub: pd.DataFrame, n: int) -> tuple[dict, float]:
        s = sub["PWGTP"].astype(float).groupby(sub["code"]).sum().sort_values(ascending=False)
        s = s / s.sum()
        head = s.iloc[:n]
        return {k: r5(v) for k, v in head.sort_index().items()}, r5(1 - head.sum())

    health, general, noba = {}, {}, {}
    for nat in (1, 2):
        t, other = top(emp[(emp["g"] == "health_ba") & (emp["NATIVITY"] == nat)], 60)
        health[str(nat)] = {"top": t, "other": other}
        t, other = top(emp[(emp["g"] == "other_ba") & (emp["NATIVITY"] == nat)], 150)
        general[str(nat)] = {"top": t, "other_dropped": other}
    t, other = top(emp[emp["g"] == "no_ba"], 150)
    noba = {"top": t, "other_dropped": other}
    af = d[d["ESR"].isin([4, 5])]
    t, other = top(af, 8)
    military = {"top": t, "other_dropped": other}
    overrides = occ.pop("_overrides")
    used = set(noba["top"]) | set(military["top"]) | {"9920"}
    for blk in (health, general):
        for v in blk.values():
            used |= set(v["top"])
    codes = {c: [occ[c]["socp"], occ[c]["tier"]] for c in sorted(used)}
    overrides = {c: v for c, v in overrides.items() if c in used}
    low = {}
    for nat in (1, 2):
        h = emp[(emp["g"] == "health_ba") & (emp["NATIVITY"] == nat) & (emp["AGEP"] >= 25)]
        tiers = h["code"].map(lambda c: occ[c]["tier"])
        low[str(nat)] = r5(wmean(tiers == "low", h["PWGTP"]))
    return {
        "health_ba": {
            "source": SRC24
            + ": OCCP of employed (ESR 1-2) SCHL 21-24 holders with a health FOD1P, "
            "by NATIVITY: the 60 most common codes and the share of all others ('other'), which the "
            "generator draws from the general BA+ distribution of the same NATIVITY.",
            "values": health,
        },
        "other_ba": {
            "source": SRC24 + ": OCCP of employed SCHL 21-24 holders without a health FOD1P, by "
            "NATIVITY: the 150 most common codes (renormalised; 'other_dropped' is the share of the "
            "codes left out).",
            "values": general,
        },
        "no_ba": {
            "source": SRC24 + ": OCCP of employed persons below a bachelor's degree: the 150 most "
            "common codes (renormalised).",
            "values": noba,
        },
        "armed_forces": {
            "source": SRC24 + ": OCCP of ESR 4-5 (Armed Forces): the 8 most common codes.",
            "values": military,
        },
        "codes": {
            "source": (
                "SOCP: occupation_crosswalks/census_2018_occ_code_list.csv (2018 Census occupation "
                "code list, SOC 2018 code without the hyphen), except where the 2024 PUMS "
                "dictionary gives the SOCP code with the same title as the OCCP code another value "
                "(collapsed or 'XX' codes; listed in soc_overrides): then the dictionary's code. "
                "tier: typical entry education of "
                "the SOC code in BLS Employment Projections Table 5.4 (2024) (high school or less / "
                "no credential -> low; postsecondary award, some college, associate's -> middle; "
                "bachelor's or more -> high); aggregated SOC codes take the most common tier of the "
                "detailed codes they cover. The tier only steers generated wages and the group "
                "contrasts below; the method's own skill tables are separate."
            ),
            "values": codes,
            "soc_overrides": overrides,
        },
        "low_tier_share_health_ba_employed_25plus": {
            "source": SRC24 + ": share of employed health-degree BA+ (25+) in a low-tier OCCP "
            "(tier as above), by NATIVITY; a check of the generated data, not an input.",
            "values": low,
        },
    }


def contrasts_block(p18: pd.DataFrame, p24: pd.DataFrame, occ: dict) -> dict:
    d = p18[(p18["AGEP"] >= 25) & (p18["SCHL"] >= 21) & (p18["NATIVITY"] == 2)].copy()
    d["arr"] = d["AGEP"] - (2018 - d["YOEP"])
    lf18 = d[d["ESR"].isin([1, 2, 3])]
    h18 = lf18[lf18["FOD1P"].isin(HEALTH_FOD) | lf18["FOD2P"].isin(HEALTH_FOD)]
    a = p24[(p24["AGEP"] >= 25) & (p24["SCHL"] >= 21) & p24["ESR"].isin([1, 2, 3])].copy()
    a["g"] = group_of(a)
    a["tier"] = a["OCCP"].map(
        lambda x: occ.get(f"{int(x):04d}", {}).get("tier") if pd.notna(x) else None
    )
    rates: dict[str, dict] = {}
    for grp in ("health_ba", "other_ba"):
        rates[grp] = {}
        for nat, name in ((1, "us_born"), (2, "immigrant")):
            g = a[(a["g"] == grp) & (a["NATIVITY"] == nat)]
            e = g[g["ESR"].isin([1, 2])]
            u = wmean(g["ESR"] == 3, g["PWGTP"])
            low = wmean(e["tier"] == "low", e["PWGTP"])
            rates[grp][name] = {
                "unemployment": r5(u),
                "low_tier_share": r5(low),
                "underutilized": r5(u + (1 - u) * low),
            }
    usb = MPI_2016_RATES["us_born"]
    mpi = {
        "immigrant_us_educated": r5(MPI_2016_RATES["immigrant_us_educated"] / usb),
        "immigrant_foreign_educated": r5(MPI_2016_RATES["immigrant_foreign_educated"] / usb),
    }
    # health_ba foreign-educated: a first guess, tuned by tune_health_factor() below.
    factors = {"health_ba": dict(mpi), "other_ba": dict(mpi)}
    return {
        "source": (
            "Group contrasts for college-educated (SCHL 21-24) immigrants split by age at arrival "
            "(>= 25: foreign-educated, else U.S.-educated). The real 2024 extracts have no YOEP, so "
            "the split cannot be measured there. For each field group (health_ba, other_ba) the "
            "generator sets an immigrant group's unemployment share to the real U.S.-born rate "
            "(rates_2024) times its factor (scaling the immigrant ESR=3 shares) and the low-tier "
            "share of its occupation distribution to the U.S.-born distribution's low-tier share "
            "times the same factor (tilting the immigrant distribution). Factors: MPI 2016 "
            "ratios to the U.S.-born rate (U.S.-educated 21/18, foreign-educated 29/18), except "
            "health_ba foreign-educated, which is tuned so that foreign-educated immigrants make "
            "up ~63% (165,000 of 263,000, MPI 2020) of the underutilized health-degree immigrants "
            "(25+) of the six focus states in the generated default sample. Immigrant rates are "
            "therefore above the real immigrant rates of MA, NH, NY and VT."
        ),
        "factors": factors,
        "rates_2024": {
            "source": SRC24 + ": SCHL 21-24, AGEP 25+, ESR 1-3, by field group and nativity: "
            "unemployment = ESR 3 / labor force; low_tier_share = employed in a low-tier OCCP "
            "(occupation.codes) / employed; underutilized = both.",
            "values": rates,
        },
        "mpi_2016_rates_all_fields": {
            "source": "MPI, Batalova, Fix & Bachmeier, Untapped Talent (2016), ACS 2009-13: "
            "low-skilled or unemployed share of college-educated workers.",
            "values": MPI_2016_RATES,
        },
        "arrived_25_plus_in_labor_force": {
            "source": SRC18 + ": share arriving at 25+ among NATIVITY=2, SCHL 21-24, AGEP 25+, "
            "ESR 1-3 (checks; MPI 2020: about two-thirds of underutilized health-degree immigrants "
            "were educated abroad).",
            "ba_immigrants": r5(wmean(lf18["arr"] >= 25, lf18["PWGTP"])),
            "health_degree_immigrants": r5(wmean(h18["arr"] >= 25, h18["PWGTP"])),
            "health_degree_records": int(len(h18)),
        },
    }


def work_block(p24: pd.DataFrame, occ: dict) -> dict:
    d = p24[(p24["AGEP"] >= 16) & p24["OCCP"].notna()].copy()
    d["tier"] = d["OCCP"].map(lambda x: occ[f"{int(x):04d}"]["tier"])
    d["edu"] = np.where(d["SCHL"] >= 21, "ba", "no_ba")
    emp = d[d["ESR"].isin([1, 2]) & d["WKHP"].notna() & d["WKWN"].notna()]
    hours, wage, cow = {}, {}, {}
    for tier in ("low", "middle", "high"):
        hours[tier], wage[tier] = {}, {}
        for edu in ("ba", "no_ba"):
            g = emp[(emp["tier"] == tier) & (emp["edu"] == edu)]
            hours[tier][edu] = shares(g["WKHP"], g["PWGTP"], min_share=0.002)
            x = g[(g["WAGP"] > 0) & (g["COW"] != 6)]
            lh = np.log(x["WAGP"].astype(float) / (x["WKHP"] * x["WKWN"]).astype(float))
            lo, hi = lh.quantile([0.01, 0.99])
            keep = (lh >= lo) & (lh <= hi)
            m = wmean(lh[keep], x.loc[keep, "PWGTP"])
            sd = np.sqrt(wmean((lh[keep] - m) ** 2, x.loc[keep, "PWGTP"]))
            wage[tier][edu] = {"mean_log_hourly": r5(m), "sd_log_hourly": r5(sd)}
        g = emp[emp["tier"] == tier]
        cow[tier] = shares(g["COW"], g["PWGTP"])
    x = emp[(emp["WAGP"] > 0) & (emp["COW"] != 6)].copy()
    x["lh"] = np.log(x["WAGP"].astype(float) / (x["WKHP"] * x["WKWN"]).astype(float))
    age_adj = {}
    for lab in AGE_BAND_LABELS[2:]:
        g = x[band(x["AGEP"]) == lab]
        # relative to the tier-education mean: remove composition by subtracting cell means
        cell = (
            g.apply(lambda r: wage[r["tier"]][r["edu"]]["mean_log_hourly"], axis=1) if len(g) else 0
        )
        age_adj[lab] = r5(wmean(g["lh"] - cell, g["PWGTP"])) if len(g) else 0.0
    weeks = {}
    for edu in ("ba", "no_ba"):
        g = emp[emp["edu"] == edu]
        weeks[edu] = shares(g["WKWN"], g["PWGTP"], min_share=0.001)
    part = d[d["ESR"].isin([3, 6]) & d["WKWN"].notna()]
    weeks["not_employed_now"] = shares(part["WKWN"], part["PWGTP"], min_share=0.002)
    hours_part = shares(
        part["WKHP"].dropna(), part.loc[part["WKHP"].notna(), "PWGTP"], min_share=0.002
    )
    o = p24[(p24["AGEP"] >= 15) & ~p24["COW"].isin([6, 7])].copy()
    o["other"] = (o["PINCP"].fillna(0) - o["WAGP"].fillna(0)).astype(float)
    other = {}
    for lab in AGE_BAND_LABELS[1:]:
        g = o[band(o["AGEP"]) == lab]
        if lab == "5-15":
            g = o[o["AGEP"] == 15]
        pos = g[g["other"] > 0]
        lv = np.log(pos["other"])
        m = wmean(lv, pos["PWGTP"])
        other[lab] = {
            "share_positive": r5(wmean(g["other"] > 0, g["PWGTP"])),
            "mean_log": r5(m),
            "sd_log": r5(np.sqrt(wmean((lv - m) ** 2, pos["PWGTP"]))),
        }
    return {
        "source": SRC24
        + (
            ": employed persons (ESR 1-2) with WKHP and WKWN, by occupation tier (see "
            "occupation.codes) and education (ba = SCHL 21-24). hours: WKHP shares (values < 0.2% "
            "dropped). weeks: WKWN shares. wage: weighted mean and sd of log(WAGP / (WKHP x WKWN)) "
            "(wage earners, COW != 6, 1st-99th percentile). age_adjustment: mean log hourly wage "
            "by age band minus its tier-education mean. cow: COW shares of the employed by tier. "
            "other_income: PINCP - WAGP of persons 15+ who are not self-employed (share > 0 and "
            "log-normal parameters) by age band. WAGP top code: the highest WAGP of the MA extract."
        ),
        "hours": hours,
        "hours_not_employed_now": hours_part,
        "weeks": weeks,
        "wage": wage,
        "age_adjustment": age_adj,
        "cow": cow,
        "other_income": other,
        "wagp_topcode": int(p24.loc[p24["STATE"] == "25", "WAGP"].max()),
    }


def english_block(p24: pd.DataFrame) -> dict:
    d = p24[p24["AGEP"] >= 5].copy()
    d["g"] = group_of(d)
    out = {}
    for grp in ("health_ba", "other_ba", "no_ba"):
        out[grp] = {}
        for nat in (1, 2):
            g = d[(d["g"] == grp) & (d["NATIVITY"] == nat)]
            other = g[g["LANX"] == 1]
            out[grp][str(nat)] = {
                "other_language": r5(wmean(g["LANX"] == 1, g["PWGTP"])),
                "eng": shares(other["ENG"], other["PWGTP"]),
            }
    return {
        "source": SRC24 + ": persons 5+: share speaking a language other than English at home "
        "(LANX=1) and ENG shares among them, by group and NATIVITY.",
        "values": out,
    }


def birthplace_block(p18: pd.DataFrame, dd24: dict) -> dict:
    labels = {v[2]: v[0] for v in dd24["POBP"]["values"]}
    top = {labels[name]: share for name, share in TOP_BIRTH_COUNTRIES_2023.items()}
    fb = p18[p18["NATIVITY"] == 2]
    rest = fb[~fb["POBP"].isin(top)]
    rest_share = 1 - sum(top.values())
    other = shares(rest["POBP"], rest["PWGTP"], fmt=str)
    cit2 = p18[p18["CIT"] == 2]
    return {
        "foreign": {
            "source": (
                "Top 20 countries: ACS 2023 1-year table B05006 (place of birth of the foreign-born, "
                "national), approximate, rounded; POBP codes from the 2024 dictionary. The remaining "
                f"{rest_share:.3f} is spread over the other POBP codes in proportion to "
                + SRC18
                + "."
            ),
            "top": dict(sorted(top.items())),
            "other_share": r5(rest_share),
            "other": other,
        },
        "born_in_state_of_residence": {
            "source": "ACS 2023 1-year table B05002, national: born in state of residence / "
            "native population, approximate, rounded. Other natives: states in proportion to "
            "population.",
            "value": BORN_IN_STATE_OF_RESIDENCE,
        },
        "territories": {
            "source": SRC18 + ": POBP of CIT=2 (born in Puerto Rico or a U.S. island area).",
            "values": shares(cit2["POBP"], cit2["PWGTP"], fmt=str),
        },
    }


def demographics_block(p24: pd.DataFrame) -> dict:
    d = p24.copy()
    d["band"] = band(d["AGEP"])
    female = {}
    mar, hi, dis, mil = {}, {}, {}, {}
    for lab in AGE_BAND_LABELS:
        g = d[d["band"] == lab]
        female[lab] = r5(wmean(g["SEX"] == 2, g["PWGTP"]))
        mar[lab] = shares(g["MAR"], g["PWGTP"]) if lab not in ("0-4",) else {"5": 1.0}
        combo = g["PRIVCOV"].astype(str) + g["PUBCOV"].astype(str)
        hi[lab] = shares(combo, g["PWGTP"], fmt=str)
        dis[lab] = {
            c: r5(wmean(g[c] == 1, g["PWGTP"]))
            for c in ("DEAR", "DEYE", "DREM", "DPHY")
            if g[c].notna().any()
        }
    for sex in (1, 2):
        mil[str(sex)] = {}
        for lab in AGE_BAND_LABELS[2:]:
            g = d[
                (d["band"] == lab) & (d["SEX"] == sex) & (d["AGEP"] >= 17) & ~d["ESR"].isin([4, 5])
            ]
            mil[str(sex)][lab] = shares(g["MIL"], g["PWGTP"])
    race, hisp = {}, {}
    for nat in (1, 2):
        g = d[d["NATIVITY"] == nat]
        race[str(nat)] = shares(g["RAC1P"], g["PWGTP"])
        hisp[str(nat)] = shares(
            g["HISP"], g["PWGTP"], min_share=0.002, fmt=lambda k: f"{int(k):02d}"
        )
    return {
        "source": SRC24
        + (
            ": by age band: female share (SEX=2), MAR shares (15+; younger 5), health coverage "
            "(PRIVCOV+PUBCOV codes, e.g. '12' = private only), disability rates (DEAR, DEYE, DREM, "
            "DPHY = 1); MIL shares (17+, Armed Forces excluded) by SEX; RAC1P and HISP shares "
            "by NATIVITY (HISP codes < 0.2% dropped)."
        ),
        "female": female,
        "mar": mar,
        "coverage": hi,
        "disability": dis,
        "mil": mil,
        "rac1p": race,
        "hisp": hisp,
    }


def foreign_educated_share(params: dict, factor: float) -> tuple[float, dict]:
    """Generate the focus states from `params` with `factor` and measure them as the package
    does (its classification and estimator, profile mpi): each group's underutilization rate and
    the foreign-educated share of the underutilized immigrants, nationally."""
    params["group_contrasts"]["factors"]["health_ba"]["immigrant_foreign_educated"] = factor
    generated = synthetic.generate_persons(FOCUS, targets=params)
    batch = pa.Table.from_pandas(generated, preserve_index=False)
    frame = canonical_batch(batch, "calibration sample", year=2024, period=1).to_pandas(
        types_mapper=pandas_type
    )
    profile = load_profile("mpi")
    classified = classify(frame, profile, file_year=2024)
    table = estimate_outcomes(classified, profile, year=2024, period=1, national=True, states=FOCUS)
    us = table[
        (table["state"] == NATION)
        & (table["breakdown"] == "none")
        & (table["outcome"] == "underutilized")
    ].set_index("population")
    share = float(us.at["immigrant_foreign_educated", "count"] / us.at["immigrant", "count"])
    groups = ("us_born", "immigrant_us_educated", "immigrant_foreign_educated")
    return share, {g: r5(float(us.at[g, "share"])) for g in groups}


def tune_health_factor(params: dict) -> dict:
    """Secant search for the health_ba foreign-educated factor (MPI 2020 share)."""
    target = MPI_2020_FOREIGN_EDUCATED_SHARE
    x0, x1 = 1.6, 2.4
    f0 = foreign_educated_share(params, x0)[0] - target
    f1 = foreign_educated_share(params, x1)[0] - target
    for _ in range(8):
        if abs(f1) < 0.003 or f1 == f0:
            break
        x0, x1, f0 = x1, max(1.0, x1 - f1 * (x1 - x0) / (f1 - f0)), f1
        f1 = foreign_educated_share(params, x1)[0] - target
    share, rates = foreign_educated_share(params, round(x1, 3))
    params["group_contrasts"]["generated_check"] = {
        "source": "Generated default sample of MA, NY, NJ, CA, TX, FL (seed 20240101), measured "
        "with the package's classification and estimator (profile mpi): underutilized rates by "
        "group and the foreign-educated share of underutilized immigrants.",
        "underutilized": rates,
        "foreign_educated_share_of_underutilized_immigrants": r5(share),
    }
    return params


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    shared: Path = args.shared
    dd24 = parse_txt_dictionary(shared / "pums_data_dictionaries" / "PUMS_Data_Dictionary_2024.txt")
    p24 = read_2024(shared)
    p18 = read_2018(shared)
    occ = occupation_tiers(shared, dd24)
    params = {
        "_about": (
            "Aggregate parameters (shares, rates, distribution summaries) used only to generate the "
            "SYNTHETIC ACS PUMS person sample of brainwaste (brainwaste/pums/synthetic.py). They "
            "contain no record of any person. Computed by scripts/calibrate_synthetic.py from real "
            "ACS PUMS files and published tables; each block names its source."
        ),
        "version": 1,
        "schema": schema_block(shared),
        "states": states_block(p24, dd24),
        "age": age_block(p24),
        "group_quarters": gq_block(p24),
        "citizenship": citizenship_block(p24, p18),
        "arrival_age": arrival_block(p18),
        "education": education_block(p24),
        "field_of_degree": fod_block(p24, p18),
        "employment": employment_block(p24),
        "occupation": occupation_block(p24, occ),
        "group_contrasts": contrasts_block(p18, p24, occ),
        "work": work_block(p24, occ),
        "english": english_block(p24),
        "birthplace": birthplace_block(p18, dd24),
        "demographics": demographics_block(p24),
    }
    params = tune_health_factor(params)
    text = json.dumps(params, indent=1, ensure_ascii=False)
    # Keep long lists of numbers on one line: readable and small.
    text = re.sub(
        r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + re.sub(r"\s*\n\s*", " ", m[1]) + "]", text
    )
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()) / 1024:.0f} KB)")
    print("real 2024 rates:", params["group_contrasts"]["rates_2024"]["values"])
    print("generated:", params["group_contrasts"]["generated_check"])
    print("arrived 25+:", params["arrival_age"]["share_arrived_25_plus"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
