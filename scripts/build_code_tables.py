"""Rebuild the packaged code tables (brainwaste/method/tables/*.csv) from the official publications.

Inputs (``--shared DIR``, default ``../shared/data`` relative to the project root):

- ``pums_data_dictionaries/``: Census ACS PUMS data dictionaries (CSV layout 2013-2021, TXT 2022+);
- ``occupation_crosswalks/census_2018_occ_code_list.csv``: Census 2018 occupation code list;
- ``occupation_crosswalks/2018-occupation-code-list-and-crosswalk.xlsx``: Census 2010->2018
  crosswalk and summary of code changes;
- ``occupation_crosswalks/bls_ep_table_5_4_education_training_by_occupation_2024.csv``: BLS
  Employment Projections Table 5.4 (typical entry education by 2018 SOC);
- ``onet_29_3/Job Zones.txt``: O*NET 29.3 job zones;
- ``acs_pums_2018_1yr_person_small_states/csv_p*.zip`` and
  ``acs_pums_2024_1yr_person_subset/p_*.parquet``: ACS 1-year PUMS person records (OCCP and
  PWGTP only), used only to pick one target when a 2010 occupation code was split into several
  2018 codes and the SOC codes do not decide.

Outputs (``--out DIR``, default ``brainwaste/method/tables``): degree_fields.csv,
health_degrees.csv, occupations_2018.csv, occp_2010_to_2018.csv. Output is deterministic: rows
sorted by code, floats with fixed decimals, ``\\n`` line ends.

``brainwaste/data/states.csv`` is maintained separately and is not written here.

Usage: python scripts/build_code_tables.py [--shared DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl
import pandas as pd

from brainwaste.pums.dictionary import is_blank_code, read_dictionary

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = PROJECT_ROOT / ".." / "shared" / "data"
DEFAULT_OUT = PROJECT_ROOT / "brainwaste" / "method" / "tables"
REBUILD = "Rebuild: python scripts/build_code_tables.py"

DICT_DIR = "pums_data_dictionaries"
XWALK_DIR = "occupation_crosswalks"
CENSUS_LIST = "census_2018_occ_code_list.csv"
CENSUS_XLSX = "2018-occupation-code-list-and-crosswalk.xlsx"
BLS_TABLE = "bls_ep_table_5_4_education_training_by_occupation_2024.csv"
ONET_JOB_ZONES = "onet_29_3/Job Zones.txt"
EMPLOYMENT_DIR = "occupation_employment"
EP_EMPLOYMENT = "ep_2024_employment.csv"
CENSUS_2010_LIST = "census_2010_occ_code_list.csv"
SOC_CROSSWALK = "soc_2010_to_2018_crosswalk.csv"
PUMS_2018_DIR = "acs_pums_2018_1yr_person_small_states"
PUMS_2024_DIR = "acs_pums_2024_1yr_person_subset"

#: Dictionaries whose OCCP values use the 2018 Census codes (checked against each file's OCCP label).
DICTS_2018_CODED = (
    "PUMS_Data_Dictionary_2018.csv",
    "PUMS_Data_Dictionary_2019.csv",
    "PUMS_Data_Dictionary_2021.csv",
    "PUMS_Data_Dictionary_2022.txt",
    "PUMS_Data_Dictionary_2023.txt",
    "PUMS_Data_Dictionary_2024.txt",
    "PUMS_Data_Dictionary_2014-2018.csv",
    "PUMS_Data_Dictionary_2015-2019.csv",
    "PUMS_Data_Dictionary_2016-2020.csv",
    "PUMS_Data_Dictionary_2017-2021.csv",
    "PUMS_Data_Dictionary_2019-2023.txt",
)
#: Dictionaries whose OCCP values use the 2010 Census codes.
DICTS_2010_CODED = ("PUMS_Data_Dictionary_2017.csv", "PUMS_Data_Dictionary_2013-2017.csv")
DICT_2024 = "PUMS_Data_Dictionary_2024.txt"

# --- degrees -------------------------------------------------------------------------------------

#: MPI health-degree set (there is no 6101) and the optional broad additions.
CORE_DEGREES = (
    "6100",
    "6102",
    "6103",
    "6104",
    "6105",
    "6106",
    "6107",
    "6108",
    "6109",
    "6110",
    "6199",
)
BROAD_DEGREES = ("3607", "3611", "4002", "5102")
FIELD_GROUP = {
    "6107": "nursing",
    "6100": "medicine_premed",
    "6106": "medicine_premed",
    "6108": "pharmacy",
}
FIELD_GROUP_NOTE = (
    "field_group: nursing = 6107; medicine_premed = 6100 General Medical and Health Services and "
    "6106 Health and Medical Preparatory Programs; pharmacy = 6108; other_health = every other "
    "code. Broad codes: 3607 Pharmacology -> other_health (a biomedical science, not a pharmacy "
    "practice degree); 3611 Neuroscience, 4002 Nutrition Sciences and 5102 Nuclear, Industrial "
    "Radiology, and Biological Technologies -> other_health."
)

# --- skill tiers ---------------------------------------------------------------------------------

TIERS = ("low", "middle", "high")
#: A code whose winning tier holds less than this share of its employment is marked mixed.
MIXED_BELOW = 2 / 3
NO_TIER = "none"
EDUCATION_TIER = {
    "No formal educational credential": "low",
    "High school diploma or equivalent": "low",
    "Postsecondary nondegree award": "middle",
    "Some college, no degree": "middle",
    "Associate's degree": "middle",
    "Bachelor's degree": "high",
    "Master's degree": "high",
    "Doctoral or professional degree": "high",
}

_MILITARY_NOTE = (
    "military occupation (SOC 55): no BLS education assignment or O*NET job zone; Armed Forces "
    "are outside the civilian universe, and an unemployed person whose last job was military is "
    "underutilized whatever the tier"
)
#: Codes that name no civilian job: no BLS or O*NET entry exists, the tier is set by hand.
MANUAL_TIERS = {
    **dict.fromkeys(("9800", "9810", "9825", "9830"), _MILITARY_NOTE),
    "9920": "not an occupation: unemployed with no work in the last 5 years or never worked; "
    "the estimator treats it as no current job",
}


#: The health occupations of each Census occupation coding (METHOD.md), as ranges of codes:
#: practitioners, then support (2010: 3060 physicians, 3600 aides).
HEALTH_RANGES = {2018: ((3000, 3550), (3601, 3655)), 2010: ((3000, 3540), (3600, 3655))}


def health_group(occp: str, coding: int = 2018) -> str:
    """Health group of a Census occupation code of the 2018 (or 2010) coding."""
    n = int(occp)
    practitioner, support = HEALTH_RANGES[coding]
    if practitioner[0] <= n <= practitioner[1]:
        return "practitioner"
    if support[0] <= n <= support[1]:
        return "support"
    return "other"


def manual_row(row: dict, note: str) -> dict:
    """The row of a code that names no civilian job: no tier under either scheme, set by hand,
    and the note that says why."""
    row.update(tier_bls=NO_TIER, tier_onet=NO_TIER, tier_rule="manual", note=note)
    return row


# --- reading the data dictionaries ---------------------------------------------------------------


def dictionary_values(path: Path, variable: str) -> tuple[str, dict[str, str]]:
    """Return (variable label, {value: label}) of one variable in a PUMS data dictionary, CSV
    layout (2017-2021) or TXT layout (2022 on); a range is keyed "LO..HI"."""
    var = read_dictionary(path, "all").get(variable)
    if not var or not var["values"]:
        raise SystemExit(f"{path.name}: variable {variable} not found")
    values = {lo if hi is None else f"{lo}..{hi}": label for lo, hi, label in var["values"]}
    return var["label"], values


def dictionary_codes(path: Path, variable: str) -> dict[str, str]:
    """Values of a variable in a dictionary without the blank ("bbbb", not applicable) entry."""
    _, values = dictionary_values(path, variable)
    return {k: v for k, v in values.items() if not is_blank_code(k)}


def txt_dictionary_header(path: Path) -> str:
    """The title and date lines of a TXT dictionary, e.g. '2024 ACS PUMS DATA DICTIONARY, October 16, 2025'."""
    lines = [ln.strip() for ln in path.read_text(encoding="latin-1").splitlines()[:3]]
    return ", ".join(ln for ln in lines if ln)


# --- writing -------------------------------------------------------------------------------------


def write_table(path: Path, header: Sequence[str], frame: pd.DataFrame) -> None:
    """Write ``# `` comment lines then the CSV, with \\n line ends and minimal quoting."""
    buf = io.StringIO()
    for line in header:
        buf.write(f"# {line}\n" if line else "#\n")
    frame.to_csv(buf, index=False, lineterminator="\n")
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


# --- degrees -------------------------------------------------------------------------------------


def build_degree_tables(shared: Path, out: Path) -> None:
    dict_path = shared / DICT_DIR / DICT_2024
    source = txt_dictionary_header(dict_path)
    fields = dictionary_codes(dict_path, "FOD1P")
    if dictionary_codes(dict_path, "FOD2P") != fields:
        raise SystemExit(f"{DICT_2024}: FOD1P and FOD2P codes differ")
    rows = sorted(fields.items())
    degree_fields = pd.DataFrame(rows, columns=["fod", "title"])
    write_table(
        out / "degree_fields.csv",
        [
            "Field of bachelor's degree codes (FOD1P; FOD2P uses the same codes) and titles.",
            f"Source: U.S. Census Bureau, {source}, variable FOD1P; input file {DICT_2024}.",
            "Rule: every FOD1P value except the blank (N/A, less than bachelor's degree), "
            "titles as printed.",
            REBUILD,
        ],
        degree_fields,
    )

    titles = dict(rows)
    missing = [c for c in CORE_DEGREES + BROAD_DEGREES if c not in titles]
    if missing:
        raise SystemExit(f"health degree codes missing from {DICT_2024}: {missing}")
    health = pd.DataFrame(
        [
            (code, titles[code], degree_set, FIELD_GROUP.get(code, "other_health"))
            for degree_set, codes in (("core", CORE_DEGREES), ("broad", BROAD_DEGREES))
            for code in codes
        ],
        columns=["fod", "title", "degree_set", "field_group"],
    ).sort_values("fod", ignore_index=True)
    write_table(
        out / "health_degrees.csv",
        [
            "Health-related fields of bachelor's degree (FOD1P/FOD2P codes).",
            f"Source of codes and titles: U.S. Census Bureau, {source}, variable FOD1P; input "
            f"file {DICT_2024}.",
            "degree_set: core = the health-degree set of the Migration Policy Institute "
            "(Batalova, Fix & Pierce, Brain Waste among U.S. Immigrants with Health Degrees, "
            "2020): 6100, 6102-6110, 6199 (there is no 6101); broad = the optional additions of "
            "the package's broad definition (3607, 3611, 4002, 5102); the broad definition is "
            "core + broad.",
            FIELD_GROUP_NOTE,
            REBUILD,
        ],
        health,
    )


# --- occupations: sources ------------------------------------------------------------------------


def read_census_list(shared: Path) -> pd.DataFrame:
    frame = pd.read_csv(shared / XWALK_DIR / CENSUS_LIST, dtype=str, keep_default_na=False)
    frame = frame.rename(
        columns={
            "census_2018_occ_code": "occp",
            "census_2018_title": "title",
            "soc_2018_code": "soc",
        }
    )
    for col in frame.columns:
        frame[col] = frame[col].str.strip()
    frame["occp"] = frame["occp"].str.zfill(4)
    if frame["occp"].duplicated().any():
        raise SystemExit(f"{CENSUS_LIST}: duplicated occupation codes")
    return frame[["occp", "title", "soc"]]


def read_bls(shared: Path) -> dict[str, str]:
    """SOC code -> typical education needed for entry (BLS EP Table 5.4)."""
    frame = pd.read_csv(shared / XWALK_DIR / BLS_TABLE, dtype=str, keep_default_na=False)
    code_col = "2024 National Employment Matrix code"
    edu_col = "Typical education needed for entry"
    frame[code_col] = frame[code_col].str.strip()
    frame[edu_col] = frame[edu_col].str.strip()
    unknown = sorted(set(frame[edu_col]) - set(EDUCATION_TIER))
    if unknown:
        raise SystemExit(f"{BLS_TABLE}: unknown education categories {unknown}")
    return dict(zip(frame[code_col], frame[edu_col], strict=True))


def read_onet(shared: Path) -> dict[str, float]:
    """SOC code -> job zone: the zone of the O*NET-SOC ``.00`` occupation (the SOC occupation as
    a whole); where O*NET lists only specialty codes (``.01``...) for a SOC code, their mean."""
    frame = pd.read_csv(shared / ONET_JOB_ZONES, sep="\t", dtype=str, keep_default_na=False)
    frame["soc"] = frame["O*NET-SOC Code"].str[:7]
    frame["zone"] = frame["Job Zone"].astype(int)
    frame["parent"] = frame["O*NET-SOC Code"].str.endswith(".00")
    zones: dict[str, float] = {}
    for soc, group in frame.groupby("soc", sort=True):
        parent = group[group["parent"]]
        use = parent if len(parent) else group
        zones[str(soc)] = float(use["zone"].mean())
    return zones


def zone_tier(zone: float) -> str:
    """Job zones 1-2 low, 3 middle, 4-5 high; a mean zone is rounded with halves going down."""
    if zone <= 2.5:
        return "low"
    if zone <= 3.5:
        return "middle"
    return "high"


# --- occupations: matching Census codes to SOC codes ---------------------------------------------


def soc_prefix(pattern: str) -> str:
    """Fixed leading characters of a Census SOC code: '29-12XX' -> '29-12', '29-2010' -> '29-201',
    '53-1000' -> '53-1', '29-1141' -> '29-1141'."""
    if "X" in pattern:
        return pattern[: pattern.index("X")]
    if pattern.endswith("0"):
        return pattern.rstrip("0")
    return pattern


def is_detailed(pattern: str) -> bool:
    return "X" not in pattern and not pattern.endswith("0")


def read_composition(shared: Path, census: pd.DataFrame) -> dict[str, list[str]]:
    """Detailed SOC codes that make up each aggregate 2018 Census code.

    Sheet '2010 to 2018 Crosswalk' lists them under each aggregate 2018 code as rows whose
    2018-title cell reads 'Title (SOC code)'. A listed code outside the Census code's own SOC
    group is a misprint (the sheet lists '56-6031' under 53-6030) and is dropped; such a code
    is then placed by its prefix like any other.
    """
    patterns = dict(zip(census["occp"], census["soc"], strict=True))
    workbook = openpyxl.load_workbook(shared / XWALK_DIR / CENSUS_XLSX, read_only=True)
    rows = list(_sheet(workbook, "2010 to 2018 Crosswalk").iter_rows(values_only=True, max_col=6))
    workbook.close()
    composition: dict[str, list[str]] = {}
    current = ""
    for row in rows[4:]:
        code2018 = _code(row[4])
        if code2018:
            current = code2018
            continue
        m = re.search(r"\((\d\d-\d{4})\s*\)$", _text(row[5]))
        if m and current in patterns and m.group(1).startswith(soc_prefix(patterns[current])):
            composition.setdefault(current, []).append(m.group(1))
    return composition


def match_soc(
    census: pd.DataFrame, composition: dict[str, list[str]], source_codes: Iterable[str]
) -> dict[str, tuple[str, list[str]]]:
    """Match each Census code to the source's SOC codes; returns {occp: (rule, [soc, ...])}.

    Each source code belongs to at most one Census code: the one with that SOC code, else the
    aggregate Census code whose published composition lists it, else the aggregate code with the
    longest matching SOC prefix ('29-12XX' -> '29-12'; source-specific combinations such as BLS
    51-2028 fall in here). Rules:

    - ``exact``: the source has the Census SOC code;
    - ``aggregate``: the Census code is a SOC group or residual and gets the source codes that
      belong to it;
    - ``broad``: the Census code is a detailed SOC code that the source publishes only combined
      with others of its SOC broad group: the source codes of that broad group that belong to no
      Census code (e.g. BLS 31-1120 for home health aides 31-1121, BLS 21-1018 for substance
      abuse counselors 21-1011).

    Codes without any match are absent from the result.
    """
    source = sorted(set(source_codes))
    patterns = {
        occp: soc for occp, soc in zip(census["occp"], census["soc"], strict=True) if soc != "none"
    }
    owner: dict[str, str] = {soc: occp for occp, soc in patterns.items() if soc in source}
    exact = dict(owner)
    for occp, members in sorted(composition.items()):
        for code in members:
            if code in source and code not in owner:
                owner[code] = occp
    for code in source:
        if code in owner:
            continue
        best: tuple[int, str] | None = None
        for occp, soc in sorted(patterns.items()):
            prefix = soc_prefix(soc)
            longer = best is None or len(prefix) > best[0]
            if not is_detailed(soc) and code.startswith(prefix) and longer:
                best = (len(prefix), occp)
        if best is not None:
            owner[code] = best[1]
    members: dict[str, list[str]] = {}
    for code, occp in owner.items():
        members.setdefault(occp, []).append(code)
    unassigned = [code for code in source if code not in owner]
    result: dict[str, tuple[str, list[str]]] = {}
    for occp, soc in sorted(patterns.items()):
        if soc in exact:
            result[occp] = ("exact", [soc])
        elif is_detailed(soc):
            combined = [code for code in unassigned if code[:6] == soc[:6]]
            if combined:
                result[occp] = ("broad", combined)
        elif occp in members:
            result[occp] = ("aggregate", sorted(members[occp]))
    return result


def read_employment(shared: Path) -> dict[str, float]:
    """2024 employment (persons, all jobs) by National Employment Matrix code, detailed level:
    the same codes as BLS Table 5.4 (BLS Employment Projections, Table 1.2)."""
    frame = pd.read_csv(shared / EMPLOYMENT_DIR / EP_EMPLOYMENT, dtype={"soc_code": str})
    frame = frame[frame["level"] == "detailed"]
    return dict(zip(frame["soc_code"].str.strip(), frame["employment"].astype(float), strict=True))


def read_soc2018_codes(shared: Path) -> list[str]:
    """Every detailed 2018 SOC code (the 2018 side of the BLS 2010->2018 SOC crosswalk)."""
    frame = pd.read_csv(shared / EMPLOYMENT_DIR / SOC_CROSSWALK, dtype=str)
    return sorted(set(frame["soc2018_code"].str.strip()))


def ep_code(soc: str, employment: dict[str, float]) -> str | None:
    """The Employment Projections code holding a detailed 2018 SOC code: itself, or the broad
    aggregate EP publishes instead (31-1121 home health aides -> 31-1120), else None."""
    if soc in employment:
        return soc
    broad = soc[:6] + "0"
    return broad if broad in employment else None


def soc_employment(soc: str, employment: dict[str, float], soc2018: Sequence[str]) -> float | None:
    """Employment of one detailed 2018 SOC code. Where EP publishes only the broad aggregate,
    the aggregate is divided equally among the detailed codes it holds (31-1121 and 31-1122 get
    half of 31-1120 each)."""
    code = ep_code(soc, employment)
    if code is None:
        return None
    if code == soc:
        return employment[code]
    members = [s for s in soc2018 if s[:6] == soc[:6] and s not in employment]
    return employment[code] / max(len(members), 1)


def weighted_tier(weights: dict[str, float]) -> tuple[str, dict[str, float]]:
    """The tier holding most of the employment (ties to the lower tier) and each tier's share."""
    total = sum(weights.values())
    shares = {t: weights.get(t, 0.0) / total for t in TIERS}
    best = max(TIERS, key=lambda t: (round(shares[t], 12), -TIERS.index(t)))
    return best, shares


def tier_by_employment(
    socs: Sequence[str], tier_of: dict[str, str], weight_of: dict[str, float | None]
) -> tuple[str, dict[str, float], bool]:
    """(tier, shares, weighted) of a Census code made of `socs`: shares of employment, or of
    codes (each counting 1) when any of them has no employment figure."""
    weighted = all(weight_of.get(s) is not None for s in socs)
    weights: dict[str, float] = {}
    for s in socs:
        w = weight_of[s] if weighted else 1.0
        weights[tier_of[s]] = weights.get(tier_of[s], 0.0) + float(w)
    if sum(weights.values()) == 0:
        weights = {tier_of[s]: weights.get(tier_of[s], 0.0) + 1.0 for s in socs}
        weighted = False
    tier, shares = weighted_tier(weights)
    return tier, shares, weighted


def put_shares(row: dict, scheme: str, tier: str, shares: dict[str, float]) -> None:
    row[f"tier_{scheme}"] = tier
    row[f"tier_{scheme}_share"] = f"{shares[tier]:.4f}"
    for t in TIERS:
        row[f"{scheme}_{t}"] = f"{shares[t]:.4f}"
    row[f"mixed_{scheme}"] = "mixed" if shares[tier] < MIXED_BELOW else ""


def copy_scheme(row: dict, source: str, target: str) -> None:
    """Give scheme `target` the tier and shares of scheme `source` (a fallback)."""
    for suffix in ("", "_share"):
        row[f"tier_{target}{suffix}"] = row[f"tier_{source}{suffix}"]
    for t in TIERS:
        row[f"{target}_{t}"] = row[f"{source}_{t}"]
    row[f"mixed_{target}"] = row[f"mixed_{source}"]


def describe_education(socs: Sequence[str], bls: dict[str, str]) -> str:
    """The education category, or for several SOC codes each category with its count."""
    counts = Counter(bls[s] for s in socs)
    if len(counts) == 1:
        return next(iter(counts))
    order = list(EDUCATION_TIER)
    return "; ".join(f"{e} ({counts[e]})" for e in sorted(counts, key=order.index))


def build_occupations(shared: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    census = read_census_list(shared)
    bls = read_bls(shared)
    onet = read_onet(shared)
    employment = read_employment(shared)
    soc2018 = read_soc2018_codes(shared)
    missing = sorted(set(bls) - set(employment))
    if missing:
        raise SystemExit(f"{EP_EMPLOYMENT}: no employment for Table 5.4 codes {missing[:10]}")

    dict_dir = shared / DICT_DIR
    in_dicts: set[str] = set()
    for name in DICTS_2018_CODED:
        label, _ = dictionary_values(dict_dir / name, "OCCP")
        if "2018 OCC codes" not in label:
            raise SystemExit(f"{name}: OCCP is not 2018-coded ({label!r})")
        in_dicts |= set(dictionary_codes(dict_dir / name, "OCCP"))
    unknown = sorted(in_dicts - set(census["occp"]))
    if unknown:
        raise SystemExit(f"OCCP values in the dictionaries but not in {CENSUS_LIST}: {unknown}")
    pums_titles = dictionary_codes(dict_dir / DICT_2024, "OCCP")

    composition = read_composition(shared, census)
    bls_match = match_soc(census, composition, bls)
    onet_match = match_soc(census, composition, onet)
    bls_tier = {code: EDUCATION_TIER[edu] for code, edu in bls.items()}
    onet_tier = {code: zone_tier(zone) for code, zone in onet.items()}
    onet_weight = {code: soc_employment(code, employment, soc2018) for code in onet}
    rows = []
    counts: Counter[str] = Counter()
    for occp, title, soc in census.itertuples(index=False):
        row = {"occp": occp, "title": title, "soc": soc, "health_group": health_group(occp)}
        row.update(dict.fromkeys(OCCUPATION_COLUMNS[4:], ""))
        row["pums_title"] = pums_titles.get(occp, "")
        if occp in MANUAL_TIERS:
            rows.append(manual_row(row, MANUAL_TIERS[occp]))
            counts["manual"] += 1
            continue
        rules = []
        notes = []
        if occp in bls_match:
            rule, socs = bls_match[occp]
            row["bls_education"] = describe_education(socs, bls)
            tier, shares, _ = tier_by_employment(socs, bls_tier, employment)
            put_shares(row, "bls", tier, shares)
            row["bls_employment"] = f"{sum(employment[s] for s in socs):.0f}"
            row["bls_soc"] = " ".join(socs)
            rules.append(f"bls={rule}")
            counts[f"bls {rule}"] += 1
        if occp in onet_match:
            rule, socs = onet_match[occp]
            row["onet_job_zone"] = f"{sum(onet[s] for s in socs) / len(socs):.2f}"
            tier, shares, weighted = tier_by_employment(socs, onet_tier, onet_weight)
            put_shares(row, "onet", tier, shares)
            row["onet_soc"] = " ".join(socs)
            rules.append(f"onet={rule}" + ("" if weighted or len(socs) == 1 else "-unweighted"))
            counts[f"onet {rule}"] += 1
        if not row["tier_bls"] and not row["tier_onet"]:
            raise SystemExit(
                f"OCCP {occp} ({soc}) matches neither BLS nor O*NET; add a manual tier"
            )
        if not row["tier_bls"]:
            copy_scheme(row, "onet", "bls")
            rules.insert(0, "bls=fallback-onet")
            notes.append(f"BLS Table 5.4 has no SOC code in {soc}; O*NET tier used")
            counts["bls fallback-onet"] += 1
        if not row["tier_onet"]:
            copy_scheme(row, "bls", "onet")
            rules.append("onet=fallback-bls")
            notes.append(f"O*NET has no job zone for {soc}; BLS tier used")
            counts["onet fallback-bls"] += 1
        counts["bls mixed"] += row["mixed_bls"] == "mixed"
        counts["onet mixed"] += row["mixed_onet"] == "mixed"
        row["tier_rule"] = ";".join(rules)
        row["note"] = "; ".join(notes)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=OCCUPATION_COLUMNS).sort_values("occp", ignore_index=True)
    return frame, dict(sorted(counts.items()))


OCCUPATION_COLUMNS = [
    "occp", "title", "soc", "health_group",
    "bls_education", "tier_bls", "tier_bls_share", "bls_low", "bls_middle", "bls_high",
    "mixed_bls", "bls_employment",
    "onet_job_zone", "tier_onet", "tier_onet_share", "onet_low", "onet_middle", "onet_high",
    "mixed_onet",
    "tier_rule", "bls_soc", "onet_soc", "pums_title", "note",
]  # fmt: skip


OCCUPATION_HEADER = (
    "2018 Census occupation codes (PUMS OCCP, 2018 and later; 5-year files from 2014-2018 on) "
    "with health group and skill tier.",
    "Sources: U.S. Census Bureau, 2018 Census Occupation Code List (last updated September 26, "
    f"2019; workbook {CENSUS_XLSX}, overview dated May 5, 2020), input file {CENSUS_LIST} "
    "(570 codes incl. 4 military and 9920); U.S. Bureau of Labor Statistics, Employment "
    "Projections, Table 5.4 Education and training assignments by detailed occupation, 2024 "
    f"(2024 National Employment Matrix, 2018 SOC), input file {BLS_TABLE}; O*NET 29.3 Database "
    "(May 2025), National Center for O*NET Development, CC BY 4.0, input file 'Job Zones.txt'; "
    "U.S. Census Bureau ACS PUMS data dictionaries (OCCP values and pums_title), input files "
    + ", ".join(DICTS_2018_CODED)
    + ".",
    "Rows: every code of the Census list; every OCCP value of the listed dictionaries is one of "
    "them (PUMS merges 40 small Census codes into neighbouring codes: those rows have a blank "
    "pums_title, and each PUMS code keeps the tier of the Census code with the same number).",
    "health_group: practitioner = 3000-3550, support = 3601-3655, other = the rest.",
    "tier_bls: BLS typical entry education: no formal credential or high school -> low; "
    "postsecondary nondegree award, some college, associate's -> middle; bachelor's, master's, "
    "doctoral or professional -> high. bls_education is the category (with counts when several "
    "SOC codes are combined); bls_soc the BLS codes used.",
    "tier_onet: O*NET job zones 1-2 low, 3 middle, 4-5 high. A SOC code's zone is that of its "
    "O*NET-SOC .00 occupation, or the mean of its specialty codes when O*NET has no .00 code "
    "(a mean is tiered with halves going down: <=2.5 low, <=3.5 middle). onet_job_zone is the "
    "mean zone of the SOC codes used (onet_soc), shown with 2 decimals.",
    "tier_rule, per scheme: exact = the source has the Census SOC code; broad = the source "
    "publishes the code only combined with others of its SOC broad group, and the source codes "
    "of that broad group that match no other Census code are used (e.g. BLS 31-1120 for "
    "31-1121 and 31-1122, BLS 21-1018 for 21-1011 and 21-1014); aggregate = the Census code covers several SOC codes (a group or a residual "
    "such as 29-12XX; its detailed SOC codes are those the Census crosswalk sheet '2010 to 2018 "
    "Crosswalk' lists under it, plus source codes that only its SOC prefix matches, e.g. BLS "
    "51-2028 under 51-2020).",
    "Tier of a code with several SOC codes: the tier holding most of their 2024 employment (BLS "
    "Employment Projections 2024-34, Table 1.2, all jobs, input file "
    f"{EMPLOYMENT_DIR}/{EP_EMPLOYMENT}; ties to the lower tier). For O*NET codes that EP "
    "publishes only as a broad aggregate (e.g. 31-1121 and 31-1122 in 31-1120), the aggregate's "
    "employment is divided equally among them; where a code has no employment figure at all "
    "its SOC codes count one each (rule suffix -unweighted). tier_bls_share / tier_onet_share "
    "is the winning tier's share of the employment; bls_low, bls_middle, bls_high (and onet_...) "
    "the share of each tier, used by the setting mixed_codes = apportion; mixed_bls / mixed_onet "
    "= mixed where the winning share is under two thirds; bls_employment the employment behind "
    "the BLS tier. fallback-onet / fallback-bls = that scheme has no entry and takes the other "
    "scheme's tier and shares; manual = set by hand, reason in note.",
    "Tier none: military codes 9800-9830 and 9920 (no current job); see note.",
    REBUILD,
)


# --- 2010 -> 2018 crosswalk ----------------------------------------------------------------------


def _code(value: object) -> str:
    """A Census code cell as a 4-character string ('1005', 1005 -> '1005'); '' for an empty cell
    or text that is not a code (legend and total rows)."""
    text = str(value).strip() if value is not None else ""
    return text.zfill(4) if re.fullmatch(r"\d{3,4}", text) else ""


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _sheet(workbook: openpyxl.Workbook, name: str):
    for sheet in workbook.worksheets:
        if sheet.title.strip() == name:
            return sheet
    raise SystemExit(f"{CENSUS_XLSX}: sheet {name!r} not found")


def read_crosswalk(shared: Path) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
    """Return (2010 titles, {2010 code: [2018 codes]}, sheet dates) from the Census workbook.

    Sheet '2010 to 2018 Crosswalk' pairs a 2010 code with a 2018 code on the same row when the
    occupation carried over; sheet 'Occ Code Changes' lists every split (one 2010 row followed
    by rows with only a 2018 code) and every combination (2010 rows without a 2018 code share
    the target of the row above). The second sheet decides where both speak.
    """
    workbook = openpyxl.load_workbook(shared / XWALK_DIR / CENSUS_XLSX, read_only=True)
    titles: dict[str, str] = {}
    direct: dict[str, str] = {}
    xwalk = _sheet(workbook, "2010 to 2018 Crosswalk")
    rows = list(xwalk.iter_rows(values_only=True, max_col=6))
    dates = {"crosswalk": _text(rows[1][0])}
    for row in rows[4:]:
        code2010, title2010, code2018 = _code(row[1]), _text(row[2]), _code(row[4])
        if code2010:
            titles[code2010] = title2010
            if code2018:
                direct[code2010] = code2018

    changes_sheet = _sheet(workbook, "Occ Code Changes")
    rows = list(changes_sheet.iter_rows(values_only=True, max_col=5))
    dates["changes"] = _text(rows[1][0])
    changes: dict[str, list[str]] = {}
    current = ""
    for row in rows[3:]:
        code2010, title2010, code2018 = _code(row[0]), _text(row[1]), _code(row[2])
        if code2010:
            titles.setdefault(code2010, title2010)
            if code2018:
                changes[code2010] = [code2018]
            else:  # combined with the 2010 code above into that code's single target
                previous = changes[current]
                if len(previous) != 1:
                    raise SystemExit(f"{CENSUS_XLSX}: cannot place combined code {code2010}")
                changes[code2010] = list(previous)
            current = code2010
        elif code2018:
            changes[current].append(code2018)
    workbook.close()

    targets = {code: [target] for code, target in direct.items()}
    for code, new in changes.items():
        if code in direct and direct[code] not in new:
            raise SystemExit(f"{CENSUS_XLSX}: sheets disagree on 2010 code {code}")
        targets[code] = sorted(set(new))
    return titles, targets, dates


def pums_weights(shared: Path) -> tuple[list[dict[str, int]], list[str]]:
    """Weighted persons (sum of PWGTP) by OCCP, one dict per state PUMS file available: the
    official 2018 1-year person zips and the 2024 1-year person subset (both 2018 OCC codes)."""
    per_file: list[dict[str, int]] = []
    names: list[str] = []
    for path in sorted((shared / PUMS_2018_DIR).glob("csv_p*.zip")):
        with zipfile.ZipFile(path) as archive:
            member = next(m for m in archive.namelist() if m.lower().endswith(".csv"))
            with archive.open(member) as handle:
                frame = pd.read_csv(handle, usecols=["OCCP", "PWGTP"], dtype={"OCCP": str})
        frame = frame.dropna(subset=["OCCP"])
        sums = frame["PWGTP"].astype("int64").groupby(frame["OCCP"].str.strip().to_numpy()).sum()
        per_file.append({str(k): int(v) for k, v in sums.items()})
        names.append(f"{PUMS_2018_DIR}/{path.name}")
    for path in sorted((shared / PUMS_2024_DIR).glob("p_*.parquet")):
        frame = pd.read_parquet(path, columns=["OCCP", "PWGTP"]).dropna(subset=["OCCP"])
        occp = frame["OCCP"].astype("int64").astype(str).str.zfill(4)
        sums = frame["PWGTP"].astype("int64").groupby(occp.to_numpy()).sum()
        per_file.append({str(k): int(v) for k, v in sums.items()})
        names.append(f"{PUMS_2024_DIR}/{path.name}")
    if not per_file:
        raise SystemExit(f"no PUMS person files in {shared / PUMS_2018_DIR} or {PUMS_2024_DIR}")
    return per_file, names


def common_soc_prefix(a: str, b: str) -> int:
    """Number of leading SOC characters two codes share; 'X' (a residual) matches nothing unless
    the codes are identical ('53-60XX' and '53-60XX' share 7, '53-60XX' and '53-6030' 5)."""
    if a == b:
        return len(a)
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y or x == "X":
            break
        n += 1
    return n


def mean_share(candidates: list[str], per_file: list[dict[str, int]]) -> dict[str, float]:
    """Each candidate's share of the candidates' weighted persons, averaged over the state files
    (every file counts equally, so one large state does not decide)."""
    shares = dict.fromkeys(candidates, 0.0)
    for weights in per_file:
        total = sum(weights.get(c, 0) for c in candidates)
        if total:
            for c in candidates:
                shares[c] += weights.get(c, 0) / total / len(per_file)
    return shares


def choose_target(
    code2010: str,
    soc2010: str,
    targets: list[str],
    soc2018: dict[str, str],
    per_file: list[dict[str, int]],
) -> tuple[str, str]:
    """One 2018 code for a split 2010 code, and how it was chosen."""
    closeness = {t: common_soc_prefix(soc2010, soc2018[t]) for t in targets}
    best = max(closeness.values())
    candidates = sorted(t for t in targets if closeness[t] == best)
    if len(candidates) == 1:
        return candidates[0], "closest SOC"
    shares = mean_share(candidates, per_file)
    top = max(shares.values())
    if top > 0:
        return min(t for t in candidates if shares[t] == top), "largest PUMS share"
    nearest = min(candidates, key=lambda t: (abs(int(t) - int(code2010)), int(t)))
    return nearest, "nearest code number"


def read_soc2010(shared: Path) -> dict[str, str]:
    workbook = openpyxl.load_workbook(shared / XWALK_DIR / CENSUS_XLSX, read_only=True)
    rows = list(_sheet(workbook, "2010 to 2018 Crosswalk").iter_rows(values_only=True, max_col=2))
    workbook.close()
    return {_code(r[1]): _text(r[0]) for r in rows[4:] if _code(r[1])}


def build_crosswalk(shared: Path) -> tuple[pd.DataFrame, dict[str, int], list[str], dict[str, str]]:
    census = read_census_list(shared)
    titles2018 = dict(zip(census["occp"], census["title"], strict=True))
    titles2010, targets, dates = read_crosswalk(shared)
    soc2010 = read_soc2010(shared)
    soc2018 = dict(zip(census["occp"], census["soc"], strict=True))
    per_file, weight_files = pums_weights(shared)

    dict_dir = shared / DICT_DIR
    needed: dict[str, str] = {}
    for name in DICTS_2010_CODED:
        label, _ = dictionary_values(dict_dir / name, "OCCP")
        if "2010 OCC codes" not in label:
            raise SystemExit(f"{name}: OCCP is not 2010-coded ({label!r})")
        for code, title in dictionary_codes(dict_dir / name, "OCCP").items():
            needed.setdefault(code, title)
    missing = sorted(set(needed) - set(targets))
    if missing:
        raise SystemExit(f"2010 OCCP values without a 2018 target in {CENSUS_XLSX}: {missing}")

    rows = []
    counts: Counter[str] = Counter()
    for code in sorted(set(targets) | set(needed)):
        options = targets[code]
        unknown = [t for t in options if t not in titles2018]
        if unknown:
            raise SystemExit(f"2010 code {code}: targets {unknown} are not 2018 Census codes")
        if len(options) == 1:
            target = options[0]
            rule = "same" if target == code else "recoded"
            how = ""
        else:
            target, how = choose_target(code, soc2010.get(code, ""), options, soc2018, per_file)
            rule = "split"
        counts[rule] += 1
        rows.append(
            {
                "occp2010": code,
                "title2010": titles2010.get(code, needed.get(code, "")),
                "occp2018": target,
                "title2018": titles2018[target],
                "rule": rule,
                "targets": " ".join(options),
                "chosen_by": how,
                "health_group2010": health_group(code, 2010),
                "health_group2018": health_group(target),
            }
        )
    frame = pd.DataFrame(rows).sort_values("occp2010", ignore_index=True)
    return frame, dict(sorted(counts.items())), weight_files, dates


def crosswalk_header(weight_files: list[str], dates: dict[str, str]) -> list[str]:
    return [
        "2010 Census occupation codes (PUMS OCCP in 1-year files 2012-2017 and 5-year files "
        "ending 2017 or earlier) converted to 2018 Census codes.",
        "Source: U.S. Census Bureau, 2018 Census Occupation Code List, Crosswalk, and Summary of "
        f"Code Changes, sheets '2010 to 2018 Crosswalk' ({dates['crosswalk']}) and 'Occ Code "
        f"Changes' ({dates['changes']}); input file {CENSUS_XLSX}. Coverage checked against the "
        "OCCP values of " + ", ".join(DICTS_2010_CODED) + " (U.S. Census Bureau).",
        "rule: same = code unchanged; recoded = one 2018 code with another number (including "
        "2010 codes combined into one 2018 code); split = the 2010 code was divided among the "
        "2018 codes in targets, and occp2018 is one of them (chosen_by): closest SOC = the "
        "only target whose 2018 SOC code shares the most leading characters with the 2010 SOC "
        "code (e.g. 9820 -> 9825, both 55-3010; 4320 (39-1021) -> 4330 (39-1000)); largest PUMS "
        "share = among targets equally close, the one with the largest share of the targets' "
        "weighted persons (sum of PWGTP), averaged over the state files so that no single state "
        "decides (U.S. Census Bureau ACS 1-year PUMS person files, 2018 OCC codes: "
        f"{', '.join(weight_files)}); nearest code number = no PUMS weight either (ties to the "
        "lower code). The choice is a single best guess: a record of a split code may belong "
        "to any of targets.",
        "health_group2010: practitioner = 2010 codes 3000-3540 (3060 physicians and surgeons), "
        "support = 3600-3655 (3600 nursing, psychiatric and home health aides), other = the "
        "rest; health_group2018 as in occupations_2018.csv.",
        REBUILD,
    ]


# --- 2010 Census codes: their own tiers ----------------------------------------------------------

#: 2010 codes that name no civilian job (military 9800-9830; 9920 no recent work).
MANUAL_TIERS_2010 = {
    **dict.fromkeys(("9800", "9810", "9820", "9830"), _MILITARY_NOTE),
    "9920": MANUAL_TIERS["9920"],
}

OCCUPATION_2010_COLUMNS = [
    "occp2010", "title", "soc2010", "occp2018", "health_group",
    "tier_bls", "tier_bls_share", "bls_low", "bls_middle", "bls_high", "mixed_bls",
    "bls_employment",
    "tier_onet", "tier_onet_share", "onet_low", "onet_middle", "onet_high", "mixed_onet",
    "tier_rule", "soc2010_detailed", "bls_soc", "note",
]  # fmt: skip


def read_census_2010_list(shared: Path) -> pd.DataFrame:
    frame = pd.read_csv(shared / EMPLOYMENT_DIR / CENSUS_2010_LIST, dtype=str)
    frame = frame.rename(
        columns={"census2010_code": "occp", "title": "title", "soc2010_code": "soc"}
    )
    frame["occp"] = frame["occp"].str.strip().str.zfill(4)
    return frame[["occp", "title", "soc"]]


def read_soc_crosswalk(shared: Path) -> dict[str, list[str]]:
    """Detailed 2010 SOC code -> the 2018 SOC codes it became (BLS crosswalk, many-to-many)."""
    frame = pd.read_csv(shared / EMPLOYMENT_DIR / SOC_CROSSWALK, dtype=str)
    out: dict[str, list[str]] = {}
    for a, b in zip(
        frame["soc2010_code"].str.strip(), frame["soc2018_code"].str.strip(), strict=True
    ):
        out.setdefault(a, []).append(b)
    return {k: sorted(set(v)) for k, v in out.items()}


def build_occupations_2010(
    shared: Path, occupations: pd.DataFrame, crosswalk: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Each 2010 Census code with tiers from its own SOC composition, employment-weighted.

    A 2010 code's detailed 2010 SOC codes (matched like the 2018 codes' SOC codes) become 2018
    SOC codes through the BLS SOC crosswalk, and those the Employment Projections codes of BLS
    Table 5.4. Each EP code's 2024 employment is divided equally among the 2010 SOC codes that
    map into it (home health aides 31-1011 and personal care aides 39-9021 share 31-1120), and
    the tier holding most of the code's employment wins, as for the 2018 codes.
    """
    census = read_census_2010_list(shared)
    bls = read_bls(shared)
    onet = read_onet(shared)
    employment = read_employment(shared)
    soc_xwalk = read_soc_crosswalk(shared)
    members = match_soc(census, {}, soc_xwalk)
    ep_of: dict[str, list[str]] = {}
    for soc10, targets in soc_xwalk.items():
        codes = sorted({c for t in targets if (c := ep_code(t, employment)) is not None})
        ep_of[soc10] = codes
    sharing = Counter(c for codes in ep_of.values() for c in codes)
    bls_tier = {code: EDUCATION_TIER[edu] for code, edu in bls.items()}
    onet_by_prefix: dict[str, list[float]] = {}
    for code, zone in onet.items():
        onet_by_prefix.setdefault(code, []).append(zone)
        onet_by_prefix.setdefault(code[:6] + "0", []).append(zone)
    onet_tier = {
        code: zone_tier(sum(onet_by_prefix[code]) / len(onet_by_prefix[code]))
        for code in employment
        if code in onet_by_prefix
    }
    to2018 = dict(zip(crosswalk["occp2010"], crosswalk["occp2018"], strict=True))
    tier2018 = occupations.set_index("occp")
    rows = []
    counts: Counter[str] = Counter()
    for occp, title, soc in census.itertuples(index=False):
        target = to2018.get(occp, "")
        row = dict.fromkeys(OCCUPATION_2010_COLUMNS, "")
        row.update(occp2010=occp, title=title, soc2010=soc, occp2018=target)
        row["health_group"] = health_group(target) if target else ""
        if occp in MANUAL_TIERS_2010:
            rows.append(manual_row(row, MANUAL_TIERS_2010[occp]))
            counts["manual"] += 1
            continue
        socs10 = members.get(occp, ("", []))[1]
        weight: dict[str, float] = {}
        for s10 in socs10:
            for code in ep_of.get(s10, []):
                weight[code] = weight.get(code, 0.0) + employment[code] / sharing[code]
        if weight:
            row["soc2010_detailed"] = " ".join(socs10)
            row["bls_soc"] = " ".join(sorted(weight))
            row["bls_employment"] = f"{sum(weight.values()):.0f}"
            tier, shares, _ = tier_by_employment(list(weight), bls_tier, weight)
            put_shares(row, "bls", tier, shares)
            onet_codes = [c for c in weight if c in onet_tier]
            if onet_codes:
                tier, shares, _ = tier_by_employment(onet_codes, onet_tier, weight)
                put_shares(row, "onet", tier, shares)
                row["tier_rule"] = "employment"
            else:
                copy_scheme(row, "bls", "onet")
                row["tier_rule"] = "employment;onet=fallback-bls"
            counts["employment"] += 1
        else:
            # no employment figure: the tier of the 2018 code it converts to
            for scheme in ("bls", "onet"):
                t = tier2018.loc[target]
                row[f"tier_{scheme}"] = t[f"tier_{scheme}"]
                for key in ("tier_share", "low", "middle", "high", "mixed"):
                    col = (
                        f"tier_{scheme}_share"
                        if key == "tier_share"
                        else (f"mixed_{scheme}" if key == "mixed" else f"{scheme}_{key}")
                    )
                    row[col] = t[col]
            row["tier_rule"] = "converted"
            row["note"] = f"no 2010 SOC composition with employment; tier of 2018 code {target}"
            counts["converted"] += 1
        counts["bls mixed"] += row["mixed_bls"] == "mixed"
        rows.append(row)
    frame = pd.DataFrame(rows, columns=OCCUPATION_2010_COLUMNS)
    return frame.sort_values("occp2010", ignore_index=True), dict(sorted(counts.items()))


OCCUPATION_2010_HEADER = (
    "2010 Census occupation codes (PUMS OCCP in 1-year files 2012-2017 and 5-year files ending "
    "2017 or earlier) with their own skill tiers, from their own SOC composition.",
    "Sources: U.S. Census Bureau, 2010 Occupation Code List (August 12, 2011), input file "
    f"{EMPLOYMENT_DIR}/{CENSUS_2010_LIST}; BLS/SOC Policy Committee 2010 SOC to 2018 SOC "
    f"crosswalk (November 2017), input file {EMPLOYMENT_DIR}/{SOC_CROSSWALK}; U.S. Bureau of "
    "Labor Statistics, Employment Projections 2024-34, Table 1.2 (2024 employment, all jobs), "
    f"input file {EMPLOYMENT_DIR}/{EP_EMPLOYMENT}; BLS Table 5.4 and O*NET 29.3 as in "
    "occupations_2018.csv; occp2018 and health_group from occp_2010_to_2018.csv.",
    "Rule (tier_rule employment): the detailed 2010 SOC codes of a Census code (its own code, "
    "or those its SOC group or residual pattern covers, e.g. 31-1010 -> 31-1011, 31-1013, "
    "31-1014, 31-1015) map to 2018 SOC codes and to the Employment Projections codes holding "
    "them (31-1011 -> 31-1121 -> 31-1120); each EP code's 2024 employment is divided equally "
    "among the 2010 SOC codes mapping into it; the tier with most of the code's employment wins "
    "(ties to the lower tier). bls_low/middle/high and onet_low/middle/high are the tiers' "
    "shares of that employment; mixed = the winning share is under two thirds. converted = no "
    "employment figure: the tier of the 2018 code it converts to. health_group is that of the "
    "2018 code (health occupations are 2018 codes 3000-3655 after conversion).",
    REBUILD,
)


# --- main ----------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="directory of the official publications (default: ../shared/data)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output directory (default: brainwaste/method/tables)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not print the rule counts")
    args = parser.parse_args(argv)
    shared: Path = args.shared.resolve()
    out: Path = args.out
    if not shared.is_dir():
        raise SystemExit(f"shared data directory not found: {shared} (use --shared DIR)")
    out.mkdir(parents=True, exist_ok=True)

    build_degree_tables(shared, out)

    occupations, occ_counts = build_occupations(shared)
    write_table(out / "occupations_2018.csv", OCCUPATION_HEADER, occupations)

    crosswalk, xw_counts, weight_files, dates = build_crosswalk(shared)
    write_table(out / "occp_2010_to_2018.csv", crosswalk_header(weight_files, dates), crosswalk)

    occupations_2010, occ10_counts = build_occupations_2010(shared, occupations, crosswalk)
    write_table(out / "occupations_2010.csv", OCCUPATION_2010_HEADER, occupations_2010)

    if not args.quiet:
        print(f"occupations_2018.csv: {len(occupations)} codes; {occ_counts}")
        print(f"occp_2010_to_2018.csv: {len(crosswalk)} codes; {xw_counts}")
        print(f"occupations_2010.csv: {len(occupations_2010)} codes; {occ10_counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
