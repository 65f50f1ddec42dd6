"""The canonical person table that every reader returns, whatever the file's vintage.

Codes stay strings with the dictionary's leading zeros (OCCP "0010", SCHL "01"); blanks ("not
applicable") are missing values; weights are integers; dollar amounts are converted to the
survey year's dollars with ADJINC, record by record.

Vintage differences handled here (ACS PUMS data dictionaries 2012-2024):

| canonical | other names | note |
| --- | --- | --- |
| STATE | ST | renamed in 2023 |
| PUMA | PUMA10, PUMA20 | 2018-2022 5-year files carry both; -0009 marks "not in this vintage" |
| WKWN | (none before 2019) | before 2019 only WKW (week categories) exists; WKW is kept as is |
| RELSHIPP | RELP | renamed in 2019; not used by the method |
| PWGTP1..80 | pwgtp1..80 | lower case in the 1-year files through 2016 |

Column names are matched without regard to case (:func:`canonical_header`); the canonical table
spells each name one way, as the current dictionaries do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str  # "code" (string, zero-padded to width), "int", "weight", "dollar", "id"
    width: int = 0
    required: bool = False
    doc: str = ""


#: Variables the method reads. Widths are the data dictionaries' lengths for character variables.
VARIABLES: tuple[Variable, ...] = (
    Variable(
        "SERIALNO",
        "id",
        13,
        True,
        "housing unit / GQ serial; year-prefixed from 2017 (see survey_year.py)",
    ),
    Variable("SPORDER", "int", 0, True, "person number within the unit"),
    Variable("STATE", "code", 2, True, "state FIPS code (ST before 2023)"),
    Variable("PUMA", "code", 5, False, "public use microdata area"),
    Variable("ADJINC", "int", 0, False, "income adjustment factor x 1,000,000"),
    Variable("PWGTP", "weight", 0, True, "person weight"),
    Variable("AGEP", "int", 0, True, "age (top-coded)"),
    Variable("SEX", "code", 1, False, "1 male, 2 female"),
    Variable("CIT", "code", 1, False, "citizenship: 1-3 native, 4 naturalized, 5 not a citizen"),
    Variable("NATIVITY", "code", 1, True, "1 native, 2 foreign born"),
    Variable("YOEP", "int", 0, False, "year of entry to the U.S. (foreign born)"),
    Variable("POBP", "code", 3, False, "place of birth"),
    Variable("ENG", "code", 1, False, "ability to speak English (1 very well .. 4 not at all)"),
    Variable("SCHL", "code", 2, True, "educational attainment (21 bachelor's .. 24 doctorate)"),
    Variable("FOD1P", "code", 4, True, "field of first bachelor's degree"),
    Variable("FOD2P", "code", 4, False, "field of second bachelor's degree"),
    Variable("ESR", "code", 1, True, "employment status recode"),
    Variable("OCCP", "code", 4, True, "occupation (Census code)"),
    Variable("SOCP", "code", 6, False, "occupation (SOC-based code)"),
    Variable("COW", "code", 1, False, "class of worker"),
    Variable("WKHP", "int", 0, False, "usual hours worked per week"),
    Variable("WKWN", "int", 0, False, "weeks worked in the past 12 months (2019 on)"),
    Variable("WKW", "code", 1, False, "weeks worked, categories (before 2019)"),
    Variable("WAGP", "dollar", 0, False, "wages or salary income, past 12 months"),
    Variable("PERNP", "dollar", 0, False, "total person's earnings"),
    Variable("PINCP", "dollar", 0, False, "total person's income"),
)

BY_NAME: dict[str, Variable] = {v.name: v for v in VARIABLES}

#: Replicate weights of the successive difference replication (80 in every vintage used here).
N_REPLICATES = 80
REPLICATE_WEIGHTS: tuple[str, ...] = tuple(f"PWGTP{r}" for r in range(1, N_REPLICATES + 1))

#: Older names of canonical variables, tried in order when the canonical name is absent.
ALIASES: dict[str, tuple[str, ...]] = {
    "STATE": ("ST",),
    "PUMA": ("PUMA20", "PUMA10"),
    # 2012 1-year and 2012-2016 5-year files carry both codings of the period (OCCP12 = 2012
    # Census codes, OCCP10 = 2010 codes); the 2012 codes are read, converted like 2010 codes.
    "OCCP": ("OCCP12", "OCCP10"),
    "SOCP": ("SOCP12", "SOCP10"),
}

#: The value that marks a PUMA code as not belonging to a vintage in the PUMA10/PUMA20 columns.
PUMA_NOT_IN_VINTAGE = "-0009"

#: Columns added by the readers.
DERIVED = {
    "year": "survey year of the record: SERIALNO's prefix, else the file's year (survey_year.py)",
    "adjusted_dollars": "True when WAGP/PERNP/PINCP were multiplied by ADJINC / 1,000,000",
}


def _known_names() -> dict[str, str]:
    names = [v.name for v in VARIABLES] + list(REPLICATE_WEIGHTS) + ["RT"]
    names += [a for alts in ALIASES.values() for a in alts]
    return {n.upper(): n for n in names}


_KNOWN = _known_names()


def canonical_header(header: list[str]) -> list[str]:
    """File column names with every PUMS variable spelled as in the canonical table
    (``pwgtp17`` -> ``PWGTP17``, ``st`` -> ``ST``); other columns keep their spelling.

    Raises ValueError naming the column when two file columns differ only in case.
    """
    out = [_KNOWN.get(h.upper(), h) for h in header]
    seen: dict[str, str] = {}
    for name, orig in zip(out, header, strict=True):
        if name in seen and name in _KNOWN.values():
            raise ValueError(f"columns {seen[name]} and {orig} are the same variable")
        seen[name] = orig
    return out


def source_names(available: set[str] | list[str]) -> dict[str, list[str]]:
    """For each canonical variable, the file columns it comes from (empty when absent)."""
    have = set(available)
    out: dict[str, list[str]] = {}
    for v in VARIABLES:
        alternatives = [a for a in ALIASES.get(v.name, ()) if a in have]
        out[v.name] = [v.name] if v.name in have else alternatives
    return out
