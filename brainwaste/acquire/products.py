"""Which ACS PUMS products exist, where the Census server keeps them, and what their zips hold.

The package supports survey years 2012-2024 (`config.FIRST_YEAR` .. `config.LAST_YEAR`), 1-year
and 5-year files (a 5-year file is named by its last year). Census publishes 5-year files for
end years from 2009 on, but the method's occupation coding starts with 2012.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from .. import config
from ..errors import CorruptFileError, DataNotAvailable, InputError
from ..geography import NATION, state

PERIODS = (1, 5)

#: Census did not release a standard 2020 1-year PUMS (too few responses during the pandemic);
#: only a file with experimental weights exists, which the Census Bureau advises against
#: comparing with other years.
NO_STANDARD_1YR = {2020: "Census released no standard 2020 1-year PUMS, only experimental weights"}

#: First survey year whose person zips hold `psam_pNN.csv` instead of `ssYYpST.csv`.
PSAM_FROM = 2017

#: Any person CSV of a Census PUMS zip, whatever the vintage or state (case-insensitive).
PERSON_MEMBER = re.compile(
    r"^(?:.*/)?(?:psam_p(?:\d{2}|us[a-z])|ss\d{2}p(?:[a-z]{2}|us[a-z]))\.csv$", re.I
)


def validate_period(year: int | str, period: int | str) -> tuple[int, int]:
    """Check that (year, period) names a PUMS product the package supports; return them as ints.

    Raises InputError for a malformed or out-of-range value, DataNotAvailable for the 2020
    1-year file, which does not exist in standard form.
    """
    try:
        y = int(str(year).strip())
    except ValueError:
        raise InputError(
            f"year {year!r} is not a number: give a survey year such as 2018"
        ) from None
    try:
        p = int(str(period).strip())
    except ValueError:
        raise InputError(f"period {period!r} is not a number: give 1 or 5") from None
    if p not in PERIODS:
        raise InputError(f"period {period!r} is not available: give 1 (1-year) or 5 (5-year)")
    if not config.FIRST_YEAR <= y <= config.LAST_YEAR:
        kind = "survey year" if p == 1 else "last year of the 5-year period"
        raise InputError(
            f"year {y} is outside the supported range: give a {kind} from "
            f"{config.FIRST_YEAR} to {config.LAST_YEAR}"
        )
    if p == 1 and y in NO_STANDARD_1YR:
        raise DataNotAvailable(
            f"no {y} 1-year PUMS: {NO_STANDARD_1YR[y]}; use --period 5 (e.g. {y} 5-year) "
            f"or another year"
        )
    return y, p


def period_dir(period: int) -> str:
    """The Census directory name of a period: "1-Year" or "5-Year"."""
    if period not in PERIODS:
        raise InputError(f"period {period!r} is not available: give 1 (1-year) or 5 (5-year)")
    return f"{period}-Year"


def period_slug(period: int) -> str:
    """The local directory name of a period under raw/{year}/: "1yr" or "5yr"."""
    period_dir(period)
    return f"{period}yr"


def file_code(usps: str) -> str:
    """Lower-case code used in Census file names: "ma" for Massachusetts, "us" for the nation."""
    return usps.strip().lower()


def bulk_file_name(usps: str) -> str:
    """Name of a person zip: `csv_p{st}.zip` (`csv_pus.zip` for the nation)."""
    return f"csv_p{file_code(usps)}.zip"


def bulk_url(base: str, year: int, period: int, usps: str) -> str:
    """URL of a person zip under a Census-layout base: `{base}/{year}/{1-Year|5-Year}/csv_p{st}.zip`."""
    return f"{base.rstrip('/')}/{int(year)}/{period_dir(period)}/{bulk_file_name(usps)}"


def zip_members_expected(year: int, usps: str) -> re.Pattern[str]:
    """Pattern of the person CSV names inside a state's (or the nation's) zip for a survey year.

    From 2017: `psam_pNN.csv` (NN = state FIPS), national parts `psam_pusa.csv`, `psam_pusb.csv`...
    Through 2016: `ssYYpST.csv` (e.g. `ss16pma.csv`), national parts `ss16pusa.csv`, `ss16pusb.csv`...
    The national file comes in any number of parts, lettered from a.
    """
    yy = f"{int(year) % 100:02d}"
    if usps.upper() == NATION:
        name = r"psam_pus[a-z]" if year >= PSAM_FROM else rf"ss{yy}pus[a-z]"
    elif year >= PSAM_FROM:
        name = rf"psam_p{state(usps).fips}"
    else:
        name = rf"ss{yy}p{state(usps).usps.lower()}"
    return re.compile(rf"^(?:.*/)?{name}\.csv$", re.I)


def person_csv_members(
    zf: zipfile.ZipFile | str | os.PathLike,
    expected: re.Pattern[str] | None = None,
    name: str | None = None,
) -> list[str]:
    """Names of the person CSV members of a PUMS zip (sorted, so national parts come a, b, ...).

    Documentation members (PDF, README) are ignored. With `expected` (from
    `zip_members_expected`) only members of that year and state count. Raises CorruptFileError
    when there is none.
    """
    if not isinstance(zf, zipfile.ZipFile):
        with zipfile.ZipFile(zf) as opened:
            return person_csv_members(opened, expected, name)
    names = [n for n in zf.namelist() if not n.endswith("/")]
    found = sorted(n for n in names if PERSON_MEMBER.match(n))
    where = name or Path(str(zf.filename or "zip")).name
    if not found:
        shown = ", ".join(names[:5]) or "nothing"
        raise CorruptFileError(
            f"{where} holds no person CSV (expected psam_pNN.csv or ssYYpST.csv, found {shown}): "
            "it is not a PUMS person zip; fetch it again with --force or check --base-url"
        )
    if expected is not None:
        matching = [n for n in found if expected.match(n)]
        if not matching:
            raise CorruptFileError(
                f"{where} holds {', '.join(found)}, not the person CSV of the requested year and "
                f"state ({expected.pattern}): check --base-url, --year and --states"
            )
        found = matching
    return found
