"""The records a prefilter kept from a person file, cached with the file's population totals.

The column-pruned cache (``NAME.HASH.persons.parquet``, see :func:`readers.read_persons`) holds
every record of a file, so a rerun from it still reads them all, to count the population totals
and apply the prefilter again. A national file keeps about 7 percent of its records. When the
prefilter carries a ``cache_key`` (a digest of its rules, as
:func:`brainwaste.method.classify.universe_prefilter` sets), the kept records are also written to
``NAME.HASH.kept-KEY.parquet`` with the file's totals, record count and survey years in the
parquet metadata, and a rerun with the same rules reads only that file.

A kept file older than its source, or unreadable, is ignored (and written again).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..atomic import write_atomic

#: Schema metadata key holding the file's totals, record count and years (JSON).
META_KEY = b"brainwaste.kept"
#: Bumped when the content of a kept file changes meaning.
FORMAT = 1


@dataclass
class Kept:
    """What reading a whole file gives, without its dropped records."""

    table: pa.Table  # canonical records the prefilter kept
    totals: dict[str, np.ndarray]  # state FIPS -> POPULATION_ROWS x weights
    n_read: int  # records in the file
    years: set[int]  # survey years of its records


def path_for(persons_cache: Path, prefilter, **reading) -> Path | None:
    """The kept file beside a column-pruned cache file, for a prefilter and the reading options
    (year, period, replicate weights); None when the prefilter has no ``cache_key``."""
    key = getattr(prefilter, "cache_key", None)
    if not key:
        return None
    text = json.dumps({"format": FORMAT, "prefilter": key, **reading}, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    name = persons_cache.name.removesuffix(".persons.parquet")
    return persons_cache.with_name(f"{name}.kept-{digest}.parquet")


def load(path: Path, source: Path) -> Kept | None:
    """The kept records of `source`, if `path` holds them and is not older than `source`."""
    try:
        if path.stat().st_mtime < source.stat().st_mtime:
            return None
        table = pq.read_table(path, pre_buffer=False)
        meta = json.loads(table.schema.metadata[META_KEY])
        if meta.get("format") != FORMAT:
            return None
        totals = {st: np.array(v, dtype=np.float64) for st, v in meta["totals"].items()}
        return Kept(table.replace_schema_metadata(None), totals, meta["n_read"], set(meta["years"]))
    except (OSError, KeyError, TypeError, ValueError, pa.ArrowInvalid):
        return None


def save(path: Path, kept: Kept) -> None:
    """Write `kept` to `path` atomically (a reader never sees half a file)."""
    meta = {
        "format": FORMAT,
        "n_read": kept.n_read,
        "years": sorted(int(y) for y in kept.years),
        # float64 totals of integer weights: JSON keeps every digit (repr round-trips)
        "totals": {st: t.tolist() for st, t in kept.totals.items()},
    }
    table = kept.table.replace_schema_metadata({META_KEY: json.dumps(meta).encode()})
    write_atomic(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
