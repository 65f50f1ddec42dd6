"""The survey year of each person record, and the year of the file it came from.

SERIALNO has carried the survey year in its first four characters since the 2017 1-year file
(``2017000000001``, from 2018 ``2018HU0000001`` / ``2018GQ0000001``) and in every 5-year file
whose dictionary is at hand (2013-2017 on: ``2013000000001`` .. ``2017999999999``). The 1-year
files through 2016 have a plain serial number (``21``): their records' year is the year of the
file, which the caller knows (``--year``) or the member name says (``ss15pma.csv``).

A SERIALNO of neither form, or a year outside the file's period, is refused: a year is never
read from characters that are not one.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import config
from ..errors import SchemaError
from .inputs import fit, short
from .validate import first_rows

#: A year-prefixed serial: four digits, then nine digits (through 2017) or HU/GQ and seven digits.
PREFIXED = r"^[0-9]{4}(?:[0-9]{9}|HU[0-9]{7}|GQ[0-9]{7})$"
#: A plain serial number (1-year files through 2016): digits only, shorter than a prefixed one.
PLAIN = r"^[0-9]{1,12}$"
#: The person CSV of a Census zip through 2016: ``ssYYpST.csv`` (national ``ssYYpusa.csv``...).
OLD_MEMBER = re.compile(r"(?:^|[/:\\])ss([0-9]{2})p(?:[a-z]{2}|us[a-z])\.csv$", re.I)
#: The earliest survey year a supported file can hold (the first year of the 2012 5-year file).
EARLIEST = config.FIRST_YEAR - 4


def year_in_name(name: str) -> int | None:
    """The survey year in a member or file name ``ssYYpST.csv`` (2000 + YY), else None."""
    m = OLD_MEMBER.search(name)
    return 2000 + int(m.group(1)) if m else None


def file_year(asked: int | None, name: str) -> int | None:
    """The year of one file: the year asked for and the year in its name must agree."""
    named = year_in_name(name)
    if asked is not None and named is not None and int(asked) != named:
        raise SchemaError(
            f"{short(name)} is named for the {named} survey, not {asked}: "
            f"give --year {named} or the {asked} file"
        )
    return int(asked) if asked is not None else named


def period_range(year: int | None, period: int | None) -> tuple[int, int]:
    """First and last survey year a record of a file of (year, period) may have."""
    if year is None:
        return EARLIEST, config.LAST_YEAR
    return year - (period or 5) + 1, year


def record_years(tbl: pa.Table, year: int | None, period: int | None, where: str) -> pa.Array:
    """The survey year (int16) of each record of a canonical batch (SERIALNO, SPORDER).

    Year-prefixed serials give their own year; plain serials the file's `year`. Raises
    SchemaError, naming the first offending records, for a serial of neither form, for plain
    serials when the file's year is unknown or the file is a 5-year one, and for a year outside
    the file's period.
    """
    serial = tbl["SERIALNO"]
    prefixed = pc.match_substring_regex(serial, PREFIXED).fill_null(False)
    if pc.all(prefixed).as_py():  # as in every file since 2017: no plain serial to look for
        plain = pa.array(np.zeros(len(serial), dtype=bool))
    else:
        plain = pc.match_substring_regex(serial, PLAIN).fill_null(False)
    bad = pc.invert(pc.or_(prefixed, plain))
    if pc.any(bad).as_py():
        raise _refused(
            f"{short(where)}: column SERIALNO is neither a 13-character year-prefixed serial nor a "
            f"plain number, so the survey year is unknown: {first_rows(tbl, bad)}"
        )
    own = pc.cast(pc.utf8_slice_codeunits(serial, 0, 4), pa.int16())
    if pc.any(plain).as_py():
        if year is None:
            raise _refused(
                f"{short(where)}: plain SERIALNO numbers carry no survey year, give the file's year "
                f"with --year: {first_rows(tbl, plain)}"
            )
        if period is not None and period > 1:
            raise _refused(
                f"{short(where)}: plain SERIALNO numbers in a file of several years (whose serials "
                f"carry the year), check --period: {first_rows(tbl, plain)}"
            )
        own = pc.if_else(plain, pa.scalar(year, pa.int16()), own)
    check_period(tbl, own, year, period, where)
    return own


def check_period(
    tbl: pa.Table, own: pa.Array, year: int | None, period: int | None, where: str
) -> None:
    """Refuse records whose survey year `own` is outside the period of a (year, period) file."""
    lo, hi = period_range(year, period)
    outside = pc.invert(pc.and_(pc.greater_equal(own, lo), pc.less_equal(own, hi)))
    if pc.any(outside).as_py():
        found = pc.min_max(pc.filter(own, outside)).as_py()
        span = f"{found['min']}" + (f"-{found['max']}" if found["max"] != found["min"] else "")
        want = (
            f"the {year} {period}-year file" if year is not None and period else
            f"{lo}-{hi} (a {year} file)" if year is not None else
            f"the supported years {lo}-{hi}"
        )  # fmt: skip
        raise SchemaError(
            fit(
                f"{short(where)}: SERIALNO year {span} is outside {want}, give the file's own "
                f"--year and --period: {first_rows(tbl, outside)}"
            )
        )


def check_single_year(years: set[int], year: int | None, period: int | None, where: str) -> None:
    """Without --period, a file whose records all have one year other than `year` is a 1-year
    file of that other year, not the `year` asked for."""
    if year is None or period is not None or len(years) != 1:
        return
    (only,) = years
    if only != year:
        raise SchemaError(
            f"{short(where)}: every record is from survey year {only}, not {year}: "
            f"give --year {only} or the {year} file"
        )


def _refused(message: str) -> SchemaError:
    return SchemaError(fit(message))
