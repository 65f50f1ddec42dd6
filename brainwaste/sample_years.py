"""The SYNTHETIC sample over several survey years, so that a trend runs offline.

Each year is the synthetic generator (:mod:`brainwaste.pums.synthetic`) called with that year's
drift (``pums/synthetic_years.csv``: illustrative multipliers, not estimates) and its own seed, so
the years are independent samples as real ACS years are. What differs by year:

- survey-year fields: SERIALNO's year prefix, YOEP and CITWP (arrival ages stay as drawn),
  DECADE, and the year's ADJINC;
- dollars: earnings and income are drawn in the calibrated year's (2024) dollars and deflated to
  the survey year with the CPI-U-RS, so that a trend in constant dollars shows no spurious growth;
- occupation codes: years before 2018 carry 2010 Census occupation codes, as real files do. Each
  2018 code drawn is written as a 2010 code that the Census crosswalk sends back to it (or, for a
  2018 code that only a split 2010 code leads to, that 2010 code): reading such a file exercises
  the same 2010->2018 conversion as a real 2012-2017 file. SOCP keeps the 2018 SOC code (the method
  never reads it).

Layout: years with a stored Census data dictionary layout (2022-2024) use their own; earlier years
use the 2022 column list with the survey year's values. Years before 2017 also take the marks of
the files of their time that the readers must handle: the zip member is ``ssYYpST.csv``, SERIALNO
is a plain serial number without the year (group quarters numbered from 10,000,000 so that no
serial repeats), the replicate weights are spelled ``pwgtp1``..``pwgtp80`` and PUMA codes are not
zero-padded. Other variables keep their 2022 names (e.g. RELSHIPP, WKWN), which the method does
not read.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .acquire.products import PSAM_FROM
from .errors import InputError
from .geography import state
from .method.categories import OCCP_2018_FROM
from .method.codetables import crosswalk_2010_to_2018
from .pums import synthetic
from .pums.schema import REPLICATE_WEIGHTS
from .pums.validate import dictionary_codes

#: The year the generator's parameters describe; its records are the plain synthetic sample.
CALIBRATED_YEAR = synthetic.DEFAULT_YEAR
#: Years a trend on the synthetic sample covers unless told otherwise.
DEFAULT_TREND_YEARS = (2016, 2019, 2022, 2024)
#: Seeds of other years: seed x 10,000 + year (distinct for every seed and year).
SEED_YEAR_FACTOR = 10_000

_DOLLARS = ("WAGP", "SEMP", "INTP", "RETP", "SSP")


@lru_cache(maxsize=1)
def years_table() -> pd.DataFrame:
    """The years of the synthetic sample: ``year``, ``adjinc``, and the drift multipliers."""
    with resources.files("brainwaste.pums").joinpath("synthetic_years.csv").open() as f:
        return pd.read_csv(f, comment="#", dtype={"adjinc": str}).set_index("year")


def supported_years() -> list[int]:
    return [int(y) for y in years_table().index]


def check_years(years: list[int]) -> None:
    """Refuse years the synthetic sample does not cover, naming those it does."""
    missing = [y for y in years if y not in years_table().index]
    if missing:
        have = supported_years()
        raise InputError(
            f"the synthetic sample has no {', '.join(map(str, missing))}: it covers "
            f"{have[0]}-{have[-1]} except 2020 (no standard 1-year file); use --years within it"
        )


def drift_of(year: int) -> synthetic.Drift:
    check_years([year])
    r = years_table().loc[year]
    return synthetic.Drift(float(r.low_skill), float(r.foreign_educated), float(r.unemployment))


def seed_for(seed: int, year: int) -> int:
    """The seed of a survey year: independent draws for each year (``seed`` x 10,000 + year),
    the plain sample's seed for the calibrated year."""
    if int(year) == CALIBRATED_YEAR:
        return int(seed)
    return int(seed) * SEED_YEAR_FACTOR + int(year)


def layout_year(year: int) -> int:
    """The stored Census layout the year's records are written in (see the module docstring)."""
    stored = synthetic.supported_years()
    return year if year in stored else min(stored)


def generate_state_year(usps: str, year: int, seed: int, n: int) -> pa.Table:
    """One state's synthetic records for one survey year (string columns, Census layout)."""
    check_years([year])
    layout = layout_year(year)
    tbl = synthetic._generate_state(usps, layout, seed_for(seed, year), n, drift_of(year))
    if year != layout:
        tbl = _move_to_year(tbl, layout, year)
    if year != CALIBRATED_YEAR:
        tbl = _deflate(tbl, year)
    if year < OCCP_2018_FROM:
        tbl = _with_2010_occupation_codes(tbl)
    return tbl


def _ints(tbl: pa.Table, name: str) -> tuple[np.ndarray, np.ndarray]:
    col = pc.cast(tbl[name], pa.int64())
    valid = col.is_valid().to_numpy(zero_copy_only=False)
    return col.fill_null(0).to_numpy(), valid


def _put(tbl: pa.Table, name: str, values: np.ndarray, valid: np.ndarray) -> pa.Table:
    return tbl.set_column(tbl.column_names.index(name), name, synthetic._num(values, valid))


def _move_to_year(tbl: pa.Table, layout: int, year: int) -> pa.Table:
    """Records drawn for `layout` restated as of survey year `year` (same ages at arrival)."""
    shift = year - layout
    serial = pc.binary_join_element_wise(str(year), pc.utf8_slice_codeunits(tbl["SERIALNO"], 4), "")
    tbl = tbl.set_column(tbl.column_names.index("SERIALNO"), "SERIALNO", serial)
    yoep, has = _ints(tbl, "YOEP")
    yoep = np.minimum(np.maximum(yoep + shift, 1938), year)
    tbl = _put(tbl, "YOEP", yoep, has)
    decade = np.where(yoep < 1950, 1, np.clip((yoep - 1940) // 10 + 1, 1, 8))
    tbl = _put(tbl, "DECADE", decade, has)
    citwp, has = _ints(tbl, "CITWP")
    tbl = _put(tbl, "CITWP", np.minimum(np.maximum(citwp + shift, 1949), year), has)
    adjinc = pa.repeat(pa.scalar(years_table().loc[year, "adjinc"], pa.string()), len(tbl))
    return tbl.set_column(tbl.column_names.index("ADJINC"), "ADJINC", adjinc)


def _deflate(tbl: pa.Table, year: int) -> pa.Table:
    """Dollar amounts from the calibrated year's dollars to `year`'s (CPI-U-RS), Census-rounded;
    PERNP and PINCP stay the sums of their parts."""
    from .estimate.dollars import in_dollars_of

    total = {}
    for name in _DOLLARS:
        x, has = _ints(tbl, name)
        x = synthetic._round_dollars(in_dollars_of(x, CALIBRATED_YEAR, year))
        tbl = _put(tbl, name, x, has)
        total[name] = x
    _, has = _ints(tbl, "PERNP")
    pernp = total["WAGP"] + total["SEMP"]
    tbl = _put(tbl, "PERNP", pernp, has)
    _, has = _ints(tbl, "PINCP")
    return _put(tbl, "PINCP", pernp + total["INTP"] + total["RETP"] + total["SSP"], has)


@lru_cache(maxsize=1)
def occp_2018_to_2010() -> dict[str, str]:
    """A 2010 Census code for every 2018 code: one the crosswalk converts back to it when there
    is one (lowest first), else the lowest split 2010 code that lists it among its targets.
    Codes that the PUMS data dictionaries list come first: PUMS files never carry the others
    (the reader refuses them)."""
    in_pums = set(dictionary_codes()["OCCP2010"].to_pylist())
    cw = crosswalk_2010_to_2018()
    cw = cw.assign(_absent=~cw["occp2010"].isin(in_pums)).sort_values(["_absent", "occp2010"])
    out: dict[str, str] = {}
    for row in cw.itertuples(index=False):
        out.setdefault(row.occp2018, row.occp2010)
    for row in cw.itertuples(index=False):
        for target in str(row.targets).split():
            out.setdefault(target, row.occp2010)
    # The few 2018 codes reached only from 2010 codes that PUMS never carries: the PUMS code
    # just below (PUMS folded those occupations into a neighbouring code).
    listed = sorted(in_pums)
    for code, old in out.items():
        if old not in in_pums:
            out[code] = max((c for c in listed if c <= old), default=listed[0])
    return out


def _with_2010_occupation_codes(tbl: pa.Table) -> pa.Table:
    occp = tbl["OCCP"].to_pandas()
    mapping = occp_2018_to_2010()
    unknown = sorted(set(occp.dropna()) - set(mapping))
    if unknown:  # a generator code the crosswalk does not reach: a bug, not a user error
        raise ValueError(f"no 2010 occupation code for 2018 code(s) {unknown[:5]}")
    coded = pa.array(occp.map(mapping), pa.string(), from_pandas=True)
    return tbl.set_column(tbl.column_names.index("OCCP"), "OCCP", coded)


def _pre2017_layout(tbl: pa.Table) -> pa.Table:
    """The marks of a 1-year file through 2016 (see the module docstring)."""
    serial = tbl["SERIALNO"].to_pandas()
    digits = serial.str[6:].astype("int64") + np.where(serial.str[4:6] == "GQ", 10_000_000, 0)
    tbl = tbl.set_column(
        tbl.column_names.index("SERIALNO"), "SERIALNO", pa.array(digits.astype(str))
    )
    puma = pc.utf8_ltrim(tbl["PUMA"], "0")
    tbl = tbl.set_column(tbl.column_names.index("PUMA"), "PUMA", puma)
    names = [n.lower() if n in REPLICATE_WEIGHTS else n for n in tbl.column_names]
    return tbl.rename_columns(names)


def member_name(usps: str, year: int) -> str:
    """The person CSV's name in a zip: ``ssYYpST.csv`` through 2016, ``psam_pNN.csv`` later."""
    if year < PSAM_FROM:
        return f"ss{year % 100:02d}p{usps.lower()}.csv"
    return f"psam_p{state(usps).fips}.csv"


#: Where the numbers of a year other than the calibrated one come from, for its README.
ORIGIN = (
    ", and its change from other years is an illustrative assumption "
    "(brainwaste/pums/synthetic_years.csv), not a measured trend."
)


def write_sample_year(
    out_dir: str | os.PathLike,
    year: int,
    states: list[str] | str | None = None,
    seed: int = synthetic.DEFAULT_SEED,
    size: str | int = "default",
) -> list[Path]:
    """Write one survey year of the sample as ``out_dir/{year}/1-Year/csv_p{st}.zip``.

    Byte-identical for the same arguments; 2024 gives the plain synthetic sample's bytes.
    """
    check_years([year])
    if year == CALIBRATED_YEAR:
        return synthetic.write_sample(out_dir, states=states, year=year, seed=seed, size=size)
    states = synthetic._states_arg(states)
    seed = synthetic._check_seed(seed)
    sizes = synthetic.records_per_state(states, size)
    base = Path(out_dir) / str(year) / "1-Year"
    paths = []
    for usps in states:
        tbl = generate_state_year(usps, year, seed, sizes[usps])
        if year < PSAM_FROM:
            tbl = _pre2017_layout(tbl)
        about = (
            f"{usps}, survey year {year}, seed {seed_for(seed, year)}, size {size}, in the layout "
            f"of the {layout_year(year)} ACS 1-year PUMS person file"
        )
        path = base / f"csv_p{usps.lower()}.zip"
        member = member_name(usps, year)
        paths.append(synthetic.write_state_zip(path, member, tbl, __name__, about, ORIGIN))
    return paths
