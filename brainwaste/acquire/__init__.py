"""Getting PUMS person records: Census bulk zips, the Census API, and the cache that records them.

- `fetch_files`: person zips into `DATA_DIR/raw/{year}/{period}yr/`, resumable and checked.
- `fetch_api`: person records from the Census PUMS API, cached as parquet.
- `verify`: recompute sizes and SHA-256 of everything in `raw/manifest.json`.
"""

from __future__ import annotations

from .api import api_variables, fetch_api
from .bulk import fetch_files
from .cache import Problem, verify
from .products import bulk_url, person_csv_members, validate_period

__all__ = [
    "Problem",
    "api_variables",
    "bulk_url",
    "fetch_api",
    "fetch_files",
    "person_csv_members",
    "validate_period",
    "verify",
]
