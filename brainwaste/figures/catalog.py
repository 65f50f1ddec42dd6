"""The report's chart catalog: which charts a run draws, from which processed tables.

Charts are drawn from the tables in DATA_DIR/processed and their metadata only, so
``brainwaste figures`` can redraw them without the microdata.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..geography import NATION
from . import charts
from .export import Provenance


def focus_state(states: list[str]) -> str:
    """The state a report centres on: Massachusetts when present, else the first one."""
    return "MA" if "MA" in states else states[0]


def provenance(meta: dict) -> Provenance:
    return Provenance.for_run(
        meta["year"], meta["period"], meta["profile"]["name"], meta["synthetic"]
    )


def draw_all(tables: dict[str, pd.DataFrame], meta: dict, reports_dir: Path) -> list[Path]:
    """Draw every chart of the catalog; returns the files written."""
    prov = provenance(meta)
    est = tables["estimates"]
    states = [s for s in est["state"].unique() if s != NATION]
    written: list[Path] = []
    places = [focus_state(states)]
    if (est["state"] == NATION).any():
        places.append(NATION)
    for place in places:
        written += charts.outcomes_by_group(est, place, prov, reports_dir)
    return written
