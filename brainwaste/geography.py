"""States as ACS PUMS knows them: FIPS <-> USPS codes, names, Census divisions and regions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import pandas as pd

from .errors import InputError

#: The national file: bulk `csv_pus.zip`, API `for=state:*` over every state.
NATION = "US"


@dataclass(frozen=True)
class State:
    fips: str  # "25"
    usps: str  # "MA"
    name: str
    division: int
    region: int


@lru_cache(maxsize=1)
def state_table() -> pd.DataFrame:
    """One row per state, DC and Puerto Rico (columns fips, usps, name, division, region)."""
    with resources.files("brainwaste.data").joinpath("states.csv").open() as f:
        return pd.read_csv(f, comment="#", dtype={"fips": str, "usps": str, "name": str})


@cache
def _by_key() -> dict[str, State]:
    out: dict[str, State] = {}
    for r in state_table().itertuples(index=False):
        s = State(r.fips, r.usps, r.name, int(r.division), int(r.region))
        out[r.fips] = s
        out[r.usps] = s
    return out


def state(code: str) -> State:
    """Look a state up by USPS code ("MA", any case) or FIPS code ("25" or "25.0"-free "25")."""
    key = str(code).strip().upper()
    if key.isdigit():
        key = key.zfill(2)
    try:
        return _by_key()[key]
    except KeyError:
        raise InputError(
            f"unknown state {code!r}: use USPS codes such as MA,NY,CA (or 'all', or US for the nation)"
        ) from None


#: The nation's name in each of the forms :func:`place_name` gives.
NATION_NAMES = {"name": "United States", "text": "the United States", "short": "U.S."}


def place_name(code: str, form: str = "name") -> str:
    """A state's name, or the nation's (``US``) in one of three forms: "United States" as a name
    or heading (``form="name"``), "the United States" in running text (``"text"``), "U.S." where
    space is short (``"short"``, chart rows and titles)."""
    return NATION_NAMES[form] if code == NATION else state(code).name


def fifty_states_and_dc() -> list[str]:
    """USPS codes of the 50 states and DC (Puerto Rico has its own ACS, the PRCS, and is left out)."""
    return [u for u in state_table()["usps"] if u != "PR"]


def parse_states(spec: str | list[str] | tuple[str, ...]) -> list[str]:
    """Turn 'MA,NY', ['ma', 'ny'], 'all' or 'US' into a list of USPS codes, order kept, no repeats.

    'all' means the 50 states and DC; 'US' stands for the national file and must stand alone.
    """
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    parts = [p.strip() for p in parts if p and p.strip()]
    if not parts:
        raise InputError("no state given: use USPS codes such as MA,NY, or 'all', or US")
    out: list[str] = []
    for p in parts:
        if p.lower() == "all":
            codes = fifty_states_and_dc()
        elif p.upper() == NATION:
            codes = [NATION]
        else:
            codes = [state(p).usps]
        out.extend(c for c in codes if c not in out)
    if NATION in out and len(out) > 1:
        raise InputError("US (the national file) already holds every state: give US alone")
    return out
