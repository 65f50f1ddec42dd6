"""Canonical person records from the Census PUMS API.

The API is asked only for the profile's universe where it can filter server side (age range and
education codes: predicates cannot express "FOD1P or FOD2P", so the degree rule is applied here).
Variable names are chosen from the year's own ``variables.json`` (e.g. WKW before 2019, WKWN
after), not-applicable codes are mapped through the same metadata, and the result goes through
the reader's canonicalisation, so it matches what the bulk files give.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import config
from ..acquire.api import api_variables, fetch_api
from ..errors import ApiError
from ..geography import state
from . import schema
from .api_values import normalize_api_frame
from .readers import POPULATION_ROWS, Persons, canonical_batch, pandas_type


def api_variable_names(available: set[str]) -> list[str]:
    """The API names to request: canonical names where the year has them, else their aliases."""
    names = [
        cols[0]
        for var, cols in schema.source_names(available).items()
        if cols and var not in ("SERIALNO", "SPORDER", "STATE")
    ]
    return names + [w for w in schema.REPLICATE_WEIGHTS if w in available]


def load_api_persons(
    year: int,
    period: int,
    states: list[str],
    predicates: dict[str, str],
    prefilter,
    *,
    data_dir: str | os.PathLike | None = None,
    base_url: str | None = None,
) -> Persons:
    """Universe records of `states` from the API as a canonical :class:`Persons`.

    `predicates` narrow the request server side (``{"AGEP": "25:99", "SCHL": "21,22,23,24"}``, as
    :func:`brainwaste.method.classify.api_predicates` makes them from a profile); `prefilter` keeps
    the records of the universe, as for :func:`~brainwaste.pums.readers.read_persons`.
    """
    config.require_census_api_key("--source api")
    meta = api_variables(year, period, base_url, data_dir=data_dir)
    names = api_variable_names(set(meta))
    missing = [
        v.name
        for v in schema.VARIABLES
        if v.required
        and v.name not in ("SERIALNO", "SPORDER", "STATE")
        and not schema.source_names(set(meta))[v.name]
    ]
    if missing:
        raise ApiError(f"the {year} {period}-year API lacks variable(s) {', '.join(missing)}")
    tables = []
    for usps in states:
        df = fetch_api(
            year, period, [usps], names, predicates, base_url=base_url, data_dir=data_dir
        )
        df = normalize_api_frame(df, meta)
        df["STATE"] = state(usps).fips
        tbl = canonical_batch(
            pa.Table.from_pandas(df.astype("string"), preserve_index=False), f"API {usps} {year}"
        )
        tables.append(tbl.filter(prefilter(tbl)))
    table = pa.concat_tables(tables, promote_options="default")
    has_reps = all(c in table.column_names for c in schema.REPLICATE_WEIGHTS)
    frame = table.to_pandas(types_mapper=pandas_type)
    n_cols = 1 + (len(schema.REPLICATE_WEIGHTS) if has_reps else 0)
    pop = pd.DataFrame(np.full((len(POPULATION_ROWS), n_cols), np.nan), index=list(POPULATION_ROWS))
    notes = [
        "records from the Census PUMS API, limited server side to the profile's ages and "
        "education: population totals and the health-workforce table need the bulk files"
    ]
    if not has_reps:
        notes.append("the API answer had no replicate weights: SEs are left empty")
    return Persons(
        frame, [f"api:{year}/{period}yr/{s}" for s in states], has_reps, len(frame), pop, notes
    )
