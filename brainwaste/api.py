"""The Python interface: the functions a researcher types at a prompt or in a notebook.

Each stage of the command line is one function here, and the command line and the notebooks
call these same functions::

    import brainwaste

    ds = brainwaste.load(source="sample")                  # or year=2023, period=1, states="MA"
    table = brainwaste.estimate(ds)                         # the contract estimates table
    jobs = brainwaste.occupations(ds, degree_field="nursing")
    paths = brainwaste.figures(ds, reports_dir="reports")   # charts, workbook, gallery

They are re-exported by ``brainwaste/__init__.py`` (``brainwaste.load`` ...). ``estimate`` and
``figures`` share their names with the subpackages ``brainwaste.estimate`` and
``brainwaste.figures``: as attributes of the package they are these functions, while
``from brainwaste.estimate import replicate`` still imports the subpackage's modules. A new
function named like a module must be bound the same way (the module imported first in
``__init__.py``); a name that code imports as a module (``from brainwaste import report``)
cannot be a function.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .errors import InputError
from .method.profile import Profile
from .report import (
    Dataset,
    build_tables,
    draw_figures,
    estimates_for,
    load_dataset,
    load_processed,
    metadata,
    occupations_for,
    run_report,
    write_estimates,
)

#: Where records come from: Census bulk files, the Census PUMS API, or the embedded synthetic
#: sample (2024, 1-year; offline; every output marked SYNTHETIC).
SOURCES = ("files", "api", "sample")

PathLike = str | os.PathLike


def load(
    *,
    year: int | Sequence[int] | None = None,
    period: int | None = None,
    states: str | Sequence[str] | None = None,
    source: str = "files",
    input: PathLike | None = None,  # the CLI's --input, by the same name
    profile: str | PathLike | Profile = "mpi",
    data_dir: PathLike | None = None,
    base_url: str | None = None,
    progress: bool = True,
) -> Dataset:
    """Read ACS PUMS person records and classify them under a definition profile.

    - ``year``: survey year (for a 5-year file its last year); a sequence of years with
      ``period=1`` pools those 1-year files (weights divided by their number, so counts are
      annual averages).
    - ``period``: 1 (1-year file) or 5 (5-year file).
    - ``states``: USPS codes, ``"MA,NY"`` or ``["MA", "NY"]``; ``"all"`` for the 50 states and
      DC (with their U.S. total); ``"US"`` for the national file.
    - ``source``: ``"files"`` (Census bulk zips, downloaded into ``data_dir`` once, from
      ``base_url`` or ``BRAINWASTE_PUMS_URL`` if given), ``"api"`` (the PUMS API; needs
      ``CENSUS_API_KEY``) or ``"sample"`` (the embedded synthetic sample, offline).
    - ``input``: a PUMS person table you already have (Census csv or zip, or parquet with PUMS
      column names), read instead of downloading; year and period then come from the file.
    - ``profile``: a packaged definition profile (``mpi``, ``broad``, ``age25_64``,
      ``arrival22``, ``onet``) or the path of a ``.toml`` profile.

    Returns a :class:`~brainwaste.report.Dataset`: ``classified`` holds one row per record
    kept (PUMS columns plus ``in_universe``, ``population``, ``status``, ``degree_field``...),
    ``persons`` the records as read, and ``year``, ``period``, ``states``, ``profile``,
    ``synthetic`` and the input files' SHA-256 for every output. Raises the package's own
    errors (:mod:`brainwaste.errors`) with a message that says what to do.
    """
    if source not in SOURCES:
        raise InputError(f"source {source!r} is not one of {', '.join(SOURCES)}")
    if input is not None and source != "files":
        raise InputError(f"input reads your own file: leave source as 'files', not {source!r}")
    if isinstance(year, range | list | tuple):
        year = [int(y) for y in year]
    return load_dataset(
        sample=source == "sample",
        year=year,
        period=period,
        states=states,
        input_path=input,
        profile=profile,
        source="files" if source == "sample" else source,
        data_dir=data_dir,
        base_url=base_url,
        progress=progress,
    )


def estimate(data: Dataset, *, breakdown: str | None = None) -> pd.DataFrame:
    """The estimates table of the contract (``DATA_DIR/processed/estimates_*.csv``) in memory.

    One row per state x population x outcome (x category of `breakdown`, e.g. ``"sex"``,
    ``"age_group"``, ``"degree_field"``; see ``brainwaste.method.categories.BREAKDOWNS``).
    ``count`` is a weighted number of persons, ``share`` a fraction (0-1) of the labor force or
    of the total (column docs in DESIGN.md); ``*_se`` are replicate-weight standard errors in
    the same unit, ``*_moe90`` = 1.645 x SE; ``n_unweighted`` counts records; ``reliable`` is
    False below 30 records or above a CV of 30%. Every row names the profile, year, period,
    package version and whether the data are synthetic.
    """
    return estimates_for(data, breakdown)


def occupations(data: Dataset, *, degree_field: str | None = None) -> pd.DataFrame:
    """Where the employed health-degree holders work: one row per state x population x
    occupation (2018 Census code ``occp2018``, ``title``, ``skill_tier``), with the weighted
    ``count`` of persons, its SE and MOE, and ``share_of_employed`` (fraction of the group's
    employed). `degree_field` (``nursing``, ``medicine_premed``, ``pharmacy``,
    ``other_health``) keeps the holders of that field only."""
    return occupations_for(data, degree_field=degree_field)


def tables(
    data: Dataset, *, breakdowns: Sequence[str] | None = None, extras: bool = True
) -> dict[str, pd.DataFrame]:
    """Every processed table of a dataset, in memory, by name: ``estimates`` (as
    :func:`estimate`), ``breakdowns`` (when asked for), and with `extras` ``occupations``,
    ``health_workforce`` (employed health workers and the immigrant share, any education) and
    ``forgone_earnings`` (dollars of the survey year, when the records have earnings)."""
    return build_tables(data, list(breakdowns) if breakdowns else None, extras)


def write(
    data: Dataset, *, data_dir: PathLike | None = None, breakdowns: Sequence[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Write the processed tables to ``DATA_DIR/processed/{name}_{YEAR}_{PERIOD}yr.{csv,parquet}``
    with ``estimates_*.meta.json`` (profile, data year, version, input checksums), atomically;
    returns the tables written (as :func:`tables`). What ``brainwaste estimate`` does."""
    return write_estimates(data, data_dir, breakdowns=list(breakdowns) if breakdowns else None)


def figures(
    data: Dataset | None = None,
    *,
    reports_dir: PathLike | None = None,
    data_dir: PathLike | None = None,
    year: int | None = None,
    period: int | None = None,
) -> list[Path]:
    """Draw the chart catalog and the Excel workbook; returns the files written.

    From `data` when given (its tables are computed with every breakdown); otherwise from the
    estimates already written to ``DATA_DIR/processed`` (the latest run, or `year`/`period`),
    as ``brainwaste figures`` does. Each chart is written as
    ``REPORTS_DIR/figures/NAME.{png,svg,pdf}`` with ``NAME.alt.txt`` and ``NAME.csv``, the
    workbook as ``REPORTS_DIR/tables/brainwaste_tables.xlsx``.
    """
    if data is None:
        processed, meta = load_processed(data_dir, year, period)
        return draw_figures(processed, meta, reports_dir, data_dir)
    from .method.categories import BREAKDOWNS

    built = build_tables(data, list(BREAKDOWNS))
    return draw_figures(built, metadata(data), reports_dir, data_dir)


def make_report(
    data: Dataset, *, data_dir: PathLike | None = None, reports_dir: PathLike | None = None
) -> dict[str, pd.DataFrame]:
    """The whole job of ``brainwaste report`` for a loaded dataset: write the processed tables
    (with every breakdown) and draw the figures and the workbook; returns the tables.

    (Not named ``report``: ``from brainwaste import report`` imports the module
    ``brainwaste.report``.)"""
    return run_report(data, data_dir, reports_dir)


def describe(data: Dataset) -> str:
    """The run in a few lines, in the order a reader checks it: data year, profile, package
    version, synthetic or not, input checksum, states, records, notes."""
    from .notebooks import describe as describe_run

    return describe_run(data)


def profiles() -> pd.DataFrame:
    """The packaged definition profiles: ``name`` and ``description``."""
    from .method.profile import load_profile, packaged_profiles

    rows = [(n, load_profile(n).description) for n in packaged_profiles()]
    return pd.DataFrame(rows, columns=["name", "description"])


# -- further stages ------------------------------------------------------------------------------
# Trends over survey years (`trend`) and one-state fact sheets (`factsheet`) live in their own
# modules and are re-exported from brainwaste/__init__.py beside the functions above, with the
# same conventions: keyword arguments named as the CLI options, a Dataset or DataFrames in and
# out, units and returned columns in the docstring. If such a module has the function's name
# (brainwaste/trend.py and trend()), __init__.py imports the module first, as it does for
# estimate and figures.


def factsheet(
    data: Dataset,
    *,
    state: str | Sequence[str] | None = None,
    reports_dir: PathLike | None = None,
    data_dir: PathLike | None = None,
    style: PathLike | None = None,
) -> list[Path]:
    """Write two-page fact sheets, as ``brainwaste factsheet`` does: for each `state` (USPS codes;
    default: the focus state, Massachusetts when loaded) the files
    ``REPORTS_DIR/factsheets/{ST}_{YEAR}_{PERIOD}yr_{PROFILE}.{pdf,html,md}``, with the trend
    chart when ``DATA_DIR/processed`` holds several survey years of the same profile. `style`: a
    house style file (default: ``$BRAINWASTE_STYLE`` or the package's look). Returns the paths
    (three per state)."""
    from .factsheet import write_factsheets, years_available
    from .figures.catalog import focus_state

    built = build_tables(data)
    if state is None:
        places = [focus_state(data.report_states)]
    else:
        places = [state] if isinstance(state, str) else list(state)
    all_years = years_available(data_dir, data.profile.name, data.period, data.synthetic)
    return write_factsheets(built, metadata(data), places, reports_dir, style, all_years)
