"""Getting PUMS person records: Census bulk zips, the Census API, and the cache that records them.

- `fetch_files`: person zips into `DATA_DIR/raw/{year}/{period}yr/`, resumable and checked.
- `fetch_api`: person records from the Census PUMS API, cached as parquet.
- `verify`: recompute sizes and SHA-256 of everything in `raw/manifest.json`.
"""

from __future__ import annotations

from .._lazy import lazy_getattr

# Imported when first used: the readers need only `products`, not the HTTP client.
_HOMES = {
    "api_variables": ".api",
    "fetch_api": ".api",
    "fetch_files": ".bulk",
    "Problem": ".cache",
    "verify": ".cache",
    "bulk_url": ".products",
    "person_csv_members": ".products",
    "validate_period": ".products",
}


__getattr__ = lazy_getattr(__name__, _HOMES, globals())


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
