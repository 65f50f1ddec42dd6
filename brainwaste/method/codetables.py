"""Code tables of the method: health degree fields, occupation skill tiers, 2010->2018 OCCP codes.

The tables are CSV files in ``brainwaste/method/tables``, rebuilt from the official publications
(Census PUMS data dictionaries and occupation code lists, BLS Employment Projections Table 5.4,
O*NET job zones) by ``scripts/build_code_tables.py``; each file's ``#`` header names its sources
and the rules applied. Nothing here hard-codes a code list.

Codes are strings with the dictionaries' leading zeros (OCCP "0010"). Functions that take a
Series accept blanks and missing values (not applicable in PUMS) and return ``<NA>`` for them;
digit strings shorter than the code width, and integer Series (files read without string types),
are zero-padded first.
"""

from __future__ import annotations

import functools
from importlib import resources

import pandas as pd

from brainwaste.errors import InputError, SchemaError

TABLES_PACKAGE = "brainwaste.method.tables"

#: Degree sets: ``core`` (the MPI health set), ``broad`` (core plus 3607, 3611, 4002, 5102) and
#: ``all`` (every field of bachelor's degree, as in MPI's all-fields analyses).
DEGREE_SETS: tuple[str, ...] = ("core", "broad", "all")

#: Field group of a degree outside the health sets (degree set ``all``).
NON_HEALTH_FIELD = "non_health"

#: Skill-tier schemes: BLS typical entry education (default) or O*NET job zones.
SCHEMES: tuple[str, ...] = ("bls", "onet")

#: Tiers, lowest first.
TIERS: tuple[str, ...] = ("low", "middle", "high")

#: Tier of the codes that name no civilian job: military (9800-9830) and 9920 (unemployed, last
#: worked 5 or more years ago or never worked).
NO_TIER = "none"

_OCCP_WIDTH = 4
_FOD_WIDTH = 4
_SHOW = 10  # unknown codes named in an error message


@functools.lru_cache(maxsize=8)
def _table(name: str) -> pd.DataFrame:
    """Read one packaged table (cached; callers get copies)."""
    source = resources.files(TABLES_PACKAGE).joinpath(name)
    with source.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, comment="#", dtype=str, keep_default_na=False, na_values=[""])


def _codes(values: pd.Series, width: int) -> pd.Series:
    """Codes as strings of ``width`` characters; blanks and missing values become <NA>."""
    if pd.api.types.is_numeric_dtype(values):
        values = values.astype("Int64")
    codes = values.astype("string").str.strip()
    codes = codes.mask(codes == "")
    short = codes.str.fullmatch(r"\d+").fillna(False) & (codes.str.len() < width)
    return codes.where(~short, codes.str.zfill(width))


def by_distinct(values: pd.Series, fn) -> pd.Series:
    """``fn(values)`` computed on the distinct values only and spread back to every row.

    For a function of each value alone (a code lookup) the result is the same, dtype included,
    while the work is per distinct code (a few hundred) instead of per record. Missing values
    are passed to `fn` once, as one missing value of `values`' own type.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    distinct = fn(pd.Series(uniques, name=values.name))
    out = distinct.array.take(codes)
    return pd.Series(out, index=values.index, name=distinct.name)


def _check_known(codes: pd.Series, known: pd.Series, what: str, hint: str) -> None:
    unknown = sorted(set(codes.dropna().unique()) - set(known))
    if unknown:
        shown = ", ".join(unknown[:_SHOW]) + (" ..." if len(unknown) > _SHOW else "")
        raise SchemaError(f"{len(unknown)} value(s) not {what}: {shown}. {hint}")


def _check_degree_set(degree_set: str) -> None:
    if degree_set not in DEGREE_SETS:
        raise InputError(
            f"unknown degree set {degree_set!r}; use one of {', '.join(map(repr, DEGREE_SETS))}"
        )


_OCCP_HINT = "Files of survey years before 2018 use 2010 codes: check --year and --period."


# --- degrees -------------------------------------------------------------------------------------


def degree_fields() -> pd.DataFrame:
    """Every field-of-degree code (FOD1P/FOD2P) with its title: columns ``fod``, ``title``."""
    return _table("degree_fields.csv").copy()


def health_degrees(degree_set: str = "core") -> pd.DataFrame:
    """Health-related degree fields of a degree set.

    Columns ``fod``, ``title``, ``degree_set`` (``core`` or ``broad``, the set that adds the
    code) and ``field_group`` (``nursing``, ``medicine_premed``, ``pharmacy``, ``other_health``).
    ``broad`` returns the core codes plus the broad additions; ``all`` the same health codes
    as ``broad`` (its other fields are in :func:`degree_fields`).
    """
    _check_degree_set(degree_set)
    table = _table("health_degrees.csv")
    if degree_set == "core":
        table = table[table["degree_set"] == "core"]
    return table.reset_index(drop=True).copy()


def health_degree_codes(degree_set: str = "core") -> frozenset[str]:
    """FOD codes of a degree set (11 for ``core``, 15 for ``broad``, every code for ``all``)."""
    if degree_set == "all":
        return frozenset(degree_fields()["fod"])
    return frozenset(health_degrees(degree_set)["fod"])


def degree_field_group(fod: pd.Series, degree_set: str = "core") -> pd.Series:
    """Field group of each degree code, ``<NA>`` for codes outside the degree set and blanks
    (under ``all``, fields outside the health sets are ``non_health``)."""
    table = health_degrees(degree_set)
    groups = dict(zip(table["fod"], table["field_group"], strict=True))

    def group(values: pd.Series) -> pd.Series:
        codes = _codes(values, _FOD_WIDTH)
        out = codes.map(groups).astype("string")
        if degree_set == "all":
            out = out.mask(out.isna() & codes.notna(), NON_HEALTH_FIELD)
        return out

    return by_distinct(fod, group)


# --- occupations ---------------------------------------------------------------------------------


def occupations() -> pd.DataFrame:
    """The 2018 Census occupation table (570 codes) with health group and skill tiers.

    Main columns: ``occp``, ``title``, ``soc``, ``health_group`` (``practitioner`` 3000-3550,
    ``support`` 3601-3655, ``other``), ``bls_education``, ``tier_bls``, ``onet_job_zone``,
    ``tier_onet``, ``tier_rule``; see the header of ``occupations_2018.csv`` for all of them.
    """
    return _table("occupations_2018.csv").copy()


def _occupation_column(occp: pd.Series, column: str) -> pd.Series:
    table = _table("occupations_2018.csv")
    mapping = dict(zip(table["occp"], table[column], strict=True))

    def lookup(values: pd.Series) -> pd.Series:
        codes = _codes(values, _OCCP_WIDTH)
        _check_known(codes, table["occp"], "2018 Census occupation (OCCP) codes", _OCCP_HINT)
        return codes.map(mapping).astype("string")

    return by_distinct(occp, lookup)


def occupations_2010() -> pd.DataFrame:
    """The 2010 Census occupation table (540 codes) with each code's own skill tiers, from its
    own SOC composition weighted by employment; ``occp2018`` and ``health_group`` are those of
    the 2018 code it converts to. See the header of ``occupations_2010.csv``."""
    return _table("occupations_2010.csv").copy()


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise InputError(
            f"unknown skill-tier scheme {scheme!r}; use one of {', '.join(map(repr, SCHEMES))}"
        )


def _map_2010_codes(occp: pd.Series, table_name: str, column: str) -> pd.Series:
    """`column` of the packaged table `table_name` for each 2010 Census OCCP code (blanks stay
    ``<NA>``); a SchemaError names the codes the table does not hold."""
    table = _table(table_name)
    mapping = dict(zip(table["occp2010"], table[column], strict=True))

    def lookup(values: pd.Series) -> pd.Series:
        codes = _codes(values, _OCCP_WIDTH)
        _check_known(
            codes,
            table["occp2010"],
            "2010 Census occupation (OCCP) codes",
            "Files from 2018 on (5-year from 2014-2018 on) already use 2018 codes.",
        )
        return codes.map(mapping).astype("string")

    return by_distinct(occp, lookup)


def _occupation_2010_column(occp: pd.Series, column: str) -> pd.Series:
    return _map_2010_codes(occp, "occupations_2010.csv", column)


def _column(occp: pd.Series, column: str, coding: str) -> pd.Series:
    if coding == "2018":
        return _occupation_column(occp, column)
    if coding == "2010":
        return _occupation_2010_column(occp, column)
    raise InputError(f"unknown occupation coding {coding!r}; use '2018' or '2010'")


def skill_tier(occp: pd.Series, scheme: str = "bls", coding: str = "2018") -> pd.Series:
    """Skill tier (``low``, ``middle``, ``high``) of the job of each OCCP code.

    ``scheme`` is ``bls`` (typical entry education, BLS Table 5.4) or ``onet`` (job zones);
    ``coding`` the Census coding of the codes: ``2018``, or ``2010`` (each 2010 code has its own
    tier, from its own SOC composition). A code covering several SOC occupations takes the tier
    holding most of their employment. Blank codes give ``<NA>``; military codes and 9920 give
    ``none`` (no civilian job). Raises SchemaError naming codes not of that coding.
    """
    _check_scheme(scheme)
    return _column(occp, f"tier_{scheme}", coding)


def tier_shares(occp: pd.Series, scheme: str = "bls", coding: str = "2018") -> pd.DataFrame:
    """Each tier's share of the employment of each OCCP code's SOC occupations: columns ``low``,
    ``middle``, ``high`` (floats summing to 1; NaN for blanks and codes with tier ``none``) and
    ``mixed`` (True where the largest share is under two thirds)."""
    _check_scheme(scheme)
    out = pd.DataFrame(index=occp.index)
    for tier in TIERS:
        values = _column(occp, f"{scheme}_{tier}", coding)
        out[tier] = pd.to_numeric(values, errors="coerce").astype("float64")
    out["mixed"] = (_column(occp, f"mixed_{scheme}", coding) == "mixed").fillna(False).astype(bool)
    return out


def health_group(occp: pd.Series) -> pd.Series:
    """``practitioner``, ``support`` or ``other`` for each 2018 OCCP code (``<NA>`` if blank)."""
    return _occupation_column(occp, "health_group")


# --- 2010 -> 2018 --------------------------------------------------------------------------------


def crosswalk_2010_to_2018() -> pd.DataFrame:
    """The 2010->2018 occupation crosswalk: ``occp2010``, ``title2010``, ``occp2018``,
    ``title2018``, ``rule`` (``same``, ``recoded``, ``split``), ``targets``, ``chosen_by``,
    ``health_group2010``, ``health_group2018``."""
    return _table("occp_2010_to_2018.csv").copy()


def convert_occp_2010_to_2018(occp: pd.Series) -> pd.Series:
    """2018 Census code for each 2010 Census OCCP code (blanks stay ``<NA>``).

    A 2010 code split among several 2018 codes goes to the single target chosen in the
    crosswalk table (``rule`` = ``split``). Raises SchemaError naming codes not in the crosswalk.
    """
    return _map_2010_codes(occp, "occp_2010_to_2018.csv", "occp2018")


# --- health occupations --------------------------------------------------------------------------

#: Health groups of the 2018 codes that make up the health occupations (3000-3655).
HEALTH_GROUPS: tuple[str, ...] = ("practitioner", "support")


def health_occupation_codes(coding: str = "2018") -> frozenset[str]:
    """OCCP codes of a file's own coding (``2018`` or ``2010``) that are health occupations once
    converted to 2018 codes (3000-3655): 2010 code 4610 (personal care aides, 2018 code 3602) is
    one, so a filter on raw 2010 codes must use this set, not the 3000-3655 range."""
    if coding == "2018":
        table = _table("occupations_2018.csv")
        return frozenset(table.loc[table["health_group"].isin(HEALTH_GROUPS), "occp"])
    if coding == "2010":
        table = _table("occp_2010_to_2018.csv")
        return frozenset(table.loc[table["health_group2018"].isin(HEALTH_GROUPS), "occp2010"])
    raise InputError(f"unknown occupation coding {coding!r}; use '2018' or '2010'")
