"""Constant dollars: amounts of different survey years expressed in one year's dollars.

PUMS dollar amounts times ADJINC/1,000,000 are in dollars of their own survey year. To add or
compare amounts of several years (pooled files, trends) they are moved to one year's dollars with
the BLS CPI-U-RS, the index the Census Bureau uses for its income series:

    amount in dollars of year T = amount in dollars of year y x CPI-U-RS(T) / CPI-U-RS(y)

The annual averages ship as ``brainwaste/data/cpi_u_rs.csv``, whose header names the source.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ..errors import InputError


@lru_cache(maxsize=1)
def cpi_u_rs_table() -> pd.Series:
    """CPI-U-RS annual averages (December 1977 = 100), indexed by year."""
    with resources.files("brainwaste.data").joinpath("cpi_u_rs.csv").open() as f:
        table = pd.read_csv(f, comment="#", dtype={"year": int, "cpi_u_rs": float})
    return table.set_index("year")["cpi_u_rs"]


def _unknown_years_message(years) -> str:
    table = cpi_u_rs_table()
    listed = ", ".join(str(int(y)) for y in sorted(set(years)))
    return (
        f"no CPI-U-RS annual average for {listed} (the table covers {table.index.min()}-"
        f"{table.index.max()}); add the BLS value to brainwaste/data/cpi_u_rs.csv or pick "
        "another dollar year"
    )


def cpi_u_rs(year: int) -> float:
    """The CPI-U-RS annual average of ``year``; InputError for a year the table lacks."""
    table = cpi_u_rs_table()
    try:
        return float(table.loc[int(year)])
    except KeyError:
        raise InputError(_unknown_years_message([year])) from None


def in_dollars_of(amounts, from_years, to_year: int) -> np.ndarray:
    """``amounts`` (each in dollars of its own ``from_years``) expressed in dollars of ``to_year``.

    ``from_years`` is one year for every amount or one year per amount. Missing amounts stay
    missing; a year without a CPI-U-RS value raises InputError.
    """
    values = np.asarray(amounts, dtype=np.float64)
    years = np.broadcast_to(np.asarray(from_years, dtype=np.int64), values.shape)
    table = cpi_u_rs_table()
    unique, inverse = np.unique(years, return_inverse=True)
    missing = [y for y in unique if y not in table.index]
    if missing:
        raise InputError(_unknown_years_message(missing))
    factor = cpi_u_rs(to_year) / table.loc[unique].to_numpy(dtype=np.float64)
    return values * factor[inverse.reshape(values.shape)]


def dollars_label(year: int) -> str:
    """How outputs name their dollars, e.g. "2024 dollars (CPI-U-RS)"."""
    return f"{int(year)} dollars (CPI-U-RS)"
