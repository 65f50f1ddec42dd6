"""Locations and defaults, overridable by environment variables.

| variable | meaning | default |
| --- | --- | --- |
| BRAINWASTE_DATA_DIR | holds raw/ (downloads, cache, manifest) and processed/ (estimates) | data |
| BRAINWASTE_REPORTS_DIR | figures/, tables/, index.html | reports |
| BRAINWASTE_PUMS_URL | base of the Census bulk PUMS files | the Census server |
| BRAINWASTE_API_URL | base of the Census data API | the Census API |
| CENSUS_API_KEY | key for the Census API; read only here, never printed or written | none |
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ApiKeyError

CENSUS_PUMS_URL = "https://www2.census.gov/programs-surveys/acs/data/pums"
CENSUS_API_URL = "https://api.census.gov/data"

#: First and last survey years the package supports (2018 OCCP coding from 2018 on; earlier
#: files are converted through the Census 2010->2018 occupation crosswalk).
FIRST_YEAR = 2012
LAST_YEAR = 2024


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data directory: the argument, else $BRAINWASTE_DATA_DIR, else ./data."""
    return Path(override or os.environ.get("BRAINWASTE_DATA_DIR") or "data")


def raw_dir(data: str | os.PathLike | None = None) -> Path:
    return data_dir(data) / "raw"


def processed_dir(data: str | os.PathLike | None = None) -> Path:
    return data_dir(data) / "processed"


def reports_dir(override: str | os.PathLike | None = None) -> Path:
    """The reports directory: the argument, else $BRAINWASTE_REPORTS_DIR, else ./reports."""
    return Path(override or os.environ.get("BRAINWASTE_REPORTS_DIR") or "reports")


def pums_base_url(override: str | None = None) -> str:
    """Base URL of the bulk files; the layout below it is Census's: {YEAR}/{1-Year|5-Year}/csv_p{st}.zip."""
    return (override or os.environ.get("BRAINWASTE_PUMS_URL") or CENSUS_PUMS_URL).rstrip("/")


def api_base_url(override: str | None = None) -> str:
    return (override or os.environ.get("BRAINWASTE_API_URL") or CENSUS_API_URL).rstrip("/")


def census_api_key() -> str | None:
    """The Census API key from CENSUS_API_KEY (the only place it is read from)."""
    key = os.environ.get("CENSUS_API_KEY", "").strip()
    return key or None


#: Where a Census API key is had, free.
KEY_SIGNUP = "https://api.census.gov/data/key_signup.html"


def require_census_api_key(purpose: str) -> str:
    """The key from CENSUS_API_KEY, or an :class:`~brainwaste.errors.ApiKeyError` saying that
    `purpose` ("--source api", "comparing with the published tables") needs one."""
    key = census_api_key()
    if not key:
        raise ApiKeyError(f"{purpose} needs a key in CENSUS_API_KEY (free at {KEY_SIGNUP})")
    return key
