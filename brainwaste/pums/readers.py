"""Read ACS PUMS person records (Census csv, zip, or parquet) into the canonical table.

Files are streamed in record batches: each batch is put into the canonical schema
(:mod:`brainwaste.pums.schema`), counted into population totals, optionally written to a
column-pruned parquet cache, and then cut down by a *prefilter* (the analysis universe) before
it is kept. Memory therefore grows with the universe, not with the file.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .. import _compiled
from ..acquire.products import person_csv_members
from ..atomic import remove_stale_temp_files, temporary_path
from ..errors import CorruptFileError, SchemaError
from . import inputs, kept, scan, schema, stream, survey_year, validate
from .memory import pool_array, reading_pool, release_unused, while_reading
from .weights import cell_totals

#: Bytes of CSV that pyarrow parses at a time. Small blocks stay in the CPU cache: on a
#: 286-column person file, 2 MiB blocks parse about twice as fast as 16 MiB blocks.
BLOCK_SIZE = 2 << 20
#: Records canonicalised, counted and filtered together: large enough that the per-batch Python
#: overhead (a few hundred Arrow calls) is negligible, small enough to bound memory (~60 MB).
BATCH_RECORDS = 1 << 17
#: CSV bytes from which a file is read with the compiled pre-scan (:mod:`.scan`). Measured on the
#: 2-core machine of docs/performance.md (medians of 3 runs, whole process): on 0.75 GB of CSV
#: (1M records) it took 3.5 s against 3.8 s for the full parse; on 0.23 GB (0.3M records) it
#: lost, 2.0 s against 1.6 s, as numba's start (about 0.6 s of CPU) is not paid back.
PRESCAN_BYTES = 1 << 29
#: Environment variable that sets :data:`PRESCAN_BYTES` (``BRAINWASTE_PRESCAN_BYTES=0``: every
#: CSV); ``BRAINWASTE_NO_NUMBA=1`` turns the pre-scan off.
PRESCAN_BYTES_ENV = "BRAINWASTE_PRESCAN_BYTES"

#: A function that takes a canonical batch and returns a boolean mask of records to keep.
Prefilter = Callable[[pa.Table], pa.Array]


@dataclass
class Persons:
    """Canonical person records plus what is known of where they came from."""

    frame: pd.DataFrame
    sources: list[str]
    has_replicate_weights: bool
    n_records_read: int
    #: Weighted totals over *all* records read (before the prefilter): rows total_population,
    #: foreign_born, age25_bachelors_plus; columns PWGTP and PWGTP1..80 (when present).
    population_totals: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    #: The same totals by state: index (STATE fips, statistic), for checks against published tables.
    state_population_totals: pd.DataFrame | None = None
    #: Records left out or set aside by the validation step, with their number (printed once,
    #: kept in the run's metadata).
    warnings: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].unique()) if len(self.frame) else []


# -- canonicalisation ---------------------------------------------------------------------------


def _file_columns_needed(header: list[str], replicate_weights: bool) -> list[str]:
    wanted = []
    for cols in schema.source_names(header).values():
        wanted.extend(cols)
    if replicate_weights:
        wanted.extend(c for c in schema.REPLICATE_WEIGHTS if c in header)
    return wanted


def check_header(header: list[str], where: str) -> None:
    """Refuse a table that is not a PUMS person table or lacks a required variable."""
    src = schema.source_names(header)
    reps = [c for c in schema.REPLICATE_WEIGHTS if c in header]
    if reps and len(reps) < len(schema.REPLICATE_WEIGHTS):
        absent = [c for c in schema.REPLICATE_WEIGHTS if c not in header]
        shown = ", ".join(absent[:5]) + (" ..." if len(absent) > 5 else "")
        raise SchemaError(
            f"{inputs.short(where)}: {len(absent)} of the 80 replicate weights are missing "
            f"({shown}): give all of PWGTP1-PWGTP80 for SEs, or none of them"
        )
    missing = [v.name for v in schema.VARIABLES if v.required and not src[v.name]]
    if missing:
        hint = ""
        if "NP" in header or "TEN" in header:
            hint = " (it looks like a housing file; person files are csv_pST.zip)"
        raise SchemaError(
            inputs.fit(
                f"{inputs.short(where)} is not a usable PUMS person table: missing column(s) "
                f"{', '.join(missing)}{hint}"
            )
        )


def _as_string_codes(arr: pa.ChunkedArray | pa.Array, width: int) -> pa.Array:
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        if pa.types.is_floating(arr.type):
            arr = pc.cast(arr, pa.int64())
        arr = pc.cast(arr, pa.string())
    elif pa.types.is_string(arr.type):
        # Codes parsed from a Census CSV: blanks are already missing and codes full width,
        # which one pass over the lengths proves (the two copies below would change nothing).
        shortest = pc.min(pc.utf8_length(arr)).as_py()
        if shortest is None or shortest >= max(width, 1):
            return arr
    arr = pc.if_else(pc.equal(pc.utf8_length(arr), 0), pa.scalar(None, pa.string()), arr)
    if width:
        # Integers lost their zeros in some user parquet files; codes such as SOCP "2740XX"
        # are already full width and untouched.
        arr = pc.utf8_lpad(arr, width=width, padding="0")
    return arr


def _as_int(arr: pa.Array, to: pa.DataType, name: str, where: str) -> pa.Array:
    if arr.type == to:
        return arr
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        arr = pc.if_else(pc.equal(pc.utf8_length(arr), 0), pa.scalar(None, arr.type), arr)
    try:
        return pc.cast(arr, to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise SchemaError(f"{where}: column {name} is not numeric ({exc})") from None


def canonical_batch(
    tbl: pa.Table,
    where: str,
    replicate_weights: bool = True,
    *,
    year: int | None = None,
    period: int | None = None,
) -> pa.Table:
    """Put one batch of file columns into the canonical schema (idempotent).

    Columns may be strings (as in the file) or already of their canonical type (as the CSV
    reader parses numbers, and as the parquet cache stores them); chunked columns stay chunked.
    `year` and `period` are the file's (when known): plain serial numbers get `year`, and a
    record whose year is outside the file's period is refused (:mod:`.survey_year`).
    """
    names = tbl.column_names
    src = schema.source_names(names)
    cols: dict[str, pa.Array] = {}
    for v in schema.VARIABLES:
        found = src[v.name]
        if not found:
            continue
        arr = tbl.column(found[0])
        if v.name == "PUMA" and len(found) > 1:
            # 2018-2022 5-year files: a record has a PUMA20 or a PUMA10 code, the other is -0009.
            first = _as_string_codes(arr, 0)
            second = _as_string_codes(tbl.column(found[1]), 0)
            arr = pc.if_else(
                pc.or_kleene(
                    pc.is_null(first), pc.equal(first, schema.PUMA_NOT_IN_VINTAGE)
                ).fill_null(True),
                second,
                first,
            )
        if v.kind in ("code", "id"):
            cols[v.name] = _as_string_codes(arr, v.width if v.kind == "code" else 0)
        elif v.kind == "int":
            to = pa.int64() if v.name == "ADJINC" else pa.int32()
            cols[v.name] = _as_int(arr, to, v.name, where)
        elif v.kind == "weight":
            cols[v.name] = _as_int(arr, pa.int32(), v.name, where)
        elif v.kind == "dollar":
            cols[v.name] = _as_int(arr, pa.float64(), v.name, where)
    if replicate_weights:
        for c in schema.REPLICATE_WEIGHTS:
            if c in names:
                cols[c] = _as_int(tbl.column(c), pa.int32(), c, where)
    out = pa.table(cols)
    if "year" in names:
        years = _as_int(tbl.column("year"), pa.int16(), "year", where)
        survey_year.check_period(out, years, year, period, where)
    else:
        years = survey_year.record_years(out, year, period, where)
    out = out.append_column("year", years)
    if "adjusted_dollars" in names:
        return out.append_column("adjusted_dollars", tbl.column("adjusted_dollars"))
    adjusted = "ADJINC" in cols
    if adjusted:
        factor = pc.divide(pc.cast(out["ADJINC"], pa.float64()), 1_000_000.0)
        for v in schema.VARIABLES:
            if v.kind == "dollar" and v.name in cols:
                i = out.column_names.index(v.name)
                out = out.set_column(i, v.name, pc.multiply(out[v.name], factor))
    return out.append_column("adjusted_dollars", pa.array(np.full(len(out), adjusted)))


# -- population totals (for checks against published tables) -------------------------------------

POPULATION_ROWS = ("total_population", "foreign_born", "age25_bachelors_plus")


_BACHELORS_PLUS = pa.array(["21", "22", "23", "24"])


def _population_totals(tbl: pa.Table) -> tuple[list[str], np.ndarray]:
    """Per state in the batch: the POPULATION_ROWS totals under every weight (states x 3 x k).

    One Arrow hash aggregation (integer sums, exact) over state x foreign-born x bachelor's+.
    """
    wcols = ["PWGTP"] + [c for c in schema.REPLICATE_WEIGHTS if c in tbl.column_names]
    if tbl["STATE"].null_count or any(tbl[c].null_count for c in wcols):
        return _population_totals_numpy(tbl, wcols)
    fb = pc.equal(tbl["NATIVITY"], "2").fill_null(False)
    ba = pc.and_(pc.greater_equal(tbl["AGEP"], 25), pc.is_in(tbl["SCHL"], _BACHELORS_PLUS))
    keys = pa.table({"STATE": tbl["STATE"], "_fb": fb, "_ba": ba.fill_null(False)})
    for c in wcols:
        keys = keys.append_column(c, tbl[c])
    g = keys.group_by(["STATE", "_fb", "_ba"], use_threads=False).aggregate(
        [(c, "sum") for c in wcols]
    )
    sums = np.column_stack([g[f"{c}_sum"].to_numpy() for c in wcols]).astype(np.int64)
    codes, states = pd.factorize(g["STATE"].to_numpy(zero_copy_only=False))
    is_fb = g["_fb"].to_numpy(zero_copy_only=False)
    is_ba = g["_ba"].to_numpy(zero_copy_only=False)
    out = np.zeros((len(states), len(POPULATION_ROWS), len(wcols)), dtype=np.int64)
    for row, sel in enumerate((np.ones(len(g), dtype=bool), is_fb, is_ba)):
        np.add.at(out[:, row, :], codes[sel], sums[sel])
    return [str(s) for s in states], out.astype(np.float64)


def _population_totals_numpy(tbl: pa.Table, wcols: list[str]) -> tuple[list[str], np.ndarray]:
    """The same totals as float sums, for batches with missing states or weights (NaN spreads
    to the totals of the state, as it should)."""
    w = np.column_stack([tbl[c].to_numpy(zero_copy_only=False) for c in wcols]).astype(np.float64)
    fb = pc.equal(tbl["NATIVITY"], "2").fill_null(False).to_numpy(zero_copy_only=False)
    ba = pc.and_(pc.greater_equal(tbl["AGEP"], 25), pc.is_in(tbl["SCHL"], _BACHELORS_PLUS))
    ba = ba.fill_null(False).to_numpy(zero_copy_only=False)
    codes, states = pd.factorize(tbl["STATE"].to_numpy(zero_copy_only=False))
    values = np.concatenate([w, w * fb[:, None], w * ba[:, None]], axis=1)
    sums = cell_totals(codes, len(states), values)
    return [str(s) for s in states], sums.reshape(len(states), len(POPULATION_ROWS), len(wcols))


def _scanned_totals(tbl: pa.Table, weights: np.ndarray) -> tuple[list[str], np.ndarray]:
    """:func:`_population_totals` of a canonical batch without its replicate weight columns,
    from the batch's weights (PWGTP, PWGTP1-80) read by the pre-scan: the same numbers."""
    if tbl["STATE"].null_count:
        return _population_totals(_with_replicates(tbl, weights))
    fb = pc.equal(tbl["NATIVITY"], "2").fill_null(False).to_numpy(zero_copy_only=False)
    ba = pc.and_(pc.greater_equal(tbl["AGEP"], 25), pc.is_in(tbl["SCHL"], _BACHELORS_PLUS))
    ba = ba.fill_null(False).to_numpy(zero_copy_only=False)
    states = pc.dictionary_encode(tbl["STATE"].combine_chunks())
    codes = states.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    cells = codes * 4 + fb * 2 + ba  # state x foreign born x bachelor's+ (age 25+)
    n_states = len(states.dictionary)
    sums = scan.cell_sums(cells, 4 * n_states, weights).reshape(n_states, 4, -1)
    out = np.stack([sums.sum(axis=1), sums[:, 2] + sums[:, 3], sums[:, 1] + sums[:, 3]], axis=1)
    return [str(s) for s in states.dictionary.to_pylist()], out.astype(np.float64)


def _replicate_arrays(weights: np.ndarray) -> list[pa.Array]:
    """The replicate weights of pre-scanned records (``weights[:, 1:]``) as int32 Arrow arrays,
    one per weight, laid out in one block of the reading pool (:mod:`.memory`)."""
    columns = pool_array((weights.shape[1] - 1, len(weights)), np.int32)
    columns[:] = weights[:, 1:].T
    return [pa.array(c) for c in columns]


def _with_replicates(tbl: pa.Table, weights: np.ndarray) -> pa.Table:
    """A canonical batch read by the pre-scan with its replicate weights (``weights[:, 1:]``) put
    back as columns, where :func:`canonical_batch` puts them (after the variables)."""
    names = tbl.column_names
    at = names.index("year")
    reps = [pa.chunked_array([c]) for c in _replicate_arrays(weights)]
    return pa.Table.from_arrays(
        tbl.columns[:at] + reps + tbl.columns[at:],
        names=names[:at] + list(schema.REPLICATE_WEIGHTS) + names[at:],
    )


# -- streaming -----------------------------------------------------------------------------------


def _file_column_types(include: list[str]) -> dict[str, pa.DataType]:
    """Types pyarrow parses each file column to: numbers directly to their canonical type
    (parsing an integer is cheaper than making a string and casting it), codes as strings."""
    kinds = {}
    for name, cols in schema.source_names(include).items():
        for c in cols:
            kinds[c] = schema.BY_NAME[name].kind
    types: dict[str, pa.DataType] = {}
    for c in include:
        kind = kinds.get(c, "weight" if c in schema.REPLICATE_WEIGHTS else "code")
        if c == "ADJINC":
            types[c] = pa.int64()
        elif kind in ("int", "weight"):
            types[c] = pa.int32()
        elif kind == "dollar":
            types[c] = pa.float64()
        else:
            types[c] = pa.string()
    return types


def _rebatch(batches: Iterator[pa.RecordBatch], records: int) -> Iterator[pa.Table]:
    """Group small record batches into tables of about `records` rows (no copy)."""
    pending: list[pa.RecordBatch] = []
    n = 0
    for batch in batches:
        pending.append(batch)
        n += batch.num_rows
        if n >= records:
            yield pa.Table.from_batches(pending)
            pending, n = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def _rebatch_scanned(
    pieces: Iterator[pa.Table | scan.Scanned], records: int
) -> Iterator[pa.Table | scan.Scanned]:
    """Pieces parsed in full (tables) or by the pre-scan (:class:`.Scanned`) in batches of
    exactly `records` records (the last one fewer), whichever way each piece was read: the
    checks see the same batches on both paths. A batch whose records were all pre-scanned stays
    so; one that mixes both has the weights of its pre-scanned records put back as columns, as
    the full parse gives them.

    The weights of a batch are a view into one of two arrays used in turn (a batch's leftover
    records are copied from one into the other): a batch is valid until the next one is asked
    for, and its weights must be copied to be kept. Fresh arrays for every batch would be fresh
    memory, which the system faults in page by page."""
    arrays: list[np.ndarray] = []

    def into_array(parts: list[np.ndarray]) -> np.ndarray:
        n = sum(len(w) for w in parts)
        width = parts[0].shape[1]
        if len(arrays) < 2 or arrays[0].shape[0] < n or arrays[0].shape[1] != width:
            arrays.insert(0, pool_array((max(n, records), width), np.int32))
            del arrays[2:]
        target = arrays.pop(0)
        arrays.append(target)  # the other one is next
        return np.concatenate(parts, out=target[:n])

    def full(piece) -> pa.Table:
        if not isinstance(piece, scan.Scanned):
            return piece
        reps = _replicate_arrays(piece.weights)
        names = piece.table.column_names + list(schema.REPLICATE_WEIGHTS)
        return pa.Table.from_arrays(piece.table.columns + reps, names=names)

    def joined(pending):
        if all(isinstance(p, scan.Scanned) for p in pending):
            table = pa.concat_tables([p.table for p in pending])
            return scan.Scanned(table, into_array([p.weights for p in pending]))
        return pa.concat_tables([full(p) for p in pending])

    def cut(batch, start: int, stop: int):
        if isinstance(batch, scan.Scanned):
            return scan.Scanned(batch.table.slice(start, stop - start), batch.weights[start:stop])
        return batch.slice(start, stop - start)

    pending: list = []
    n = 0
    for piece in pieces:
        rows = piece.table.num_rows if isinstance(piece, scan.Scanned) else piece.num_rows
        if not rows:
            continue
        pending.append(piece)
        n += rows
        if n < records:
            continue
        batch = joined(pending)
        start = 0
        while n - start >= records:
            yield cut(batch, start, start + records)
            start += records
        pending = [cut(batch, start, n)] if n > start else []
        n -= start
    if pending:
        yield joined(pending)


def _scanner(
    header: list[str], include: list[str], types: dict[str, pa.DataType], read: pacsv.ReadOptions
):
    """The pre-scan of a piece (:mod:`.scan`): the kernel reads the weights and copies the other
    needed fields to a narrow CSV that pyarrow parses; None (parse in full) when it gives up."""
    wcols = ["PWGTP", *schema.REPLICATE_WEIGHTS]
    if not set(wcols) <= set(include):
        return None
    light = [c for c in include if c not in schema.REPLICATE_WEIGHTS]
    in_file_order = sorted((c for c in light if c not in wcols), key=header.index)
    narrow = pacsv.ReadOptions(
        column_names=in_file_order, block_size=read.block_size, use_threads=False
    )
    convert = pacsv.ConvertOptions(
        column_types={c: types[c] for c in in_file_order}, strings_can_be_null=True
    )

    def quick(piece: pa.Buffer) -> scan.Scanned | None:
        if not scan.ready():
            return None  # numba still loading: this piece is parsed in full
        got = scan.split(piece, header, wcols, in_file_order)
        if got is None:
            return None
        weights, fields = got
        try:
            tbl = pacsv.read_csv(
                pa.BufferReader(fields),
                read_options=narrow,
                convert_options=convert,
                memory_pool=reading_pool(),
            )
        except pa.ArrowInvalid:
            return None  # the full parse names the error
        if tbl.num_rows != weights.shape[0]:
            return None
        # PWGTP, read by the kernel, is a column of the table too (int32, as pyarrow parses it).
        tbl = tbl.append_column("PWGTP", pa.array(np.ascontiguousarray(weights[:, 0])))
        return scan.Scanned(tbl.select(light), weights)

    return quick


def _canonical_header(header: list[str], where: str) -> list[str]:
    try:
        return schema.canonical_header(header)
    except ValueError as exc:
        raise SchemaError(f"{inputs.short(where)}: {exc}; keep one of them") from None


def _csv_batches(
    chunks, where: str, replicate_weights: bool, prescan: bool = False
) -> Iterator[pa.Table | scan.Scanned]:
    """Parse CSV bytes (``chunks()`` yields them, see :mod:`.stream`) in batches.

    A column that does not parse is reported with its first offending records (the bytes are
    read again for that column only); a damaged stream ends in the package's own error. With
    `prescan`, batches come as :class:`.Scanned` where the pre-scan read them.
    """
    name = inputs.short(where)
    parsed: dict[str, object] = {}

    def plan(header: list[str]) -> tuple[list[str], list[str], dict[str, pa.DataType]]:
        inputs.check_separator(header, name)
        header = _canonical_header(header, where)
        check_header(header, where)
        include = _file_columns_needed(header, replicate_weights)
        parsed["header"], parsed["types"] = header, _file_column_types(include)
        return header, include, parsed["types"]

    tables = stream.csv_tables(
        chunks, name, plan, block_size=BLOCK_SIZE, scan=_scanner if prescan else None
    )
    try:
        with inputs.damaged_as_error(name):
            try:
                yield from _rebatch_scanned(tables, BATCH_RECORDS)
            except SchemaError as exc:
                column = getattr(exc, "column", None)
                if column is None:
                    raise
                tables.close()
                header, types = parsed["header"], parsed["types"]
                raise SchemaError(
                    validate.bad_values(chunks, header, column, types[column], where)
                ) from None
    finally:
        tables.close()  # stops and joins the inflate and parse threads


def _parquet_batches(path: Path, where: str, replicate_weights: bool) -> Iterator[pa.Table]:
    try:
        # No pre-buffering: it keeps every row group read in memory until the file is closed.
        pf = pq.ParquetFile(path, pre_buffer=False)
    except (pa.ArrowInvalid, OSError) as exc:
        raise CorruptFileError(
            inputs.fit(f"{inputs.short(where)}: not a readable parquet file ({exc})")
        ) from None
    names = pf.schema_arrow.names
    header = _canonical_header(names, where)
    check_header(header, where)
    include = _file_columns_needed(header, replicate_weights)
    include += [c for c in ("year", "adjusted_dollars") if c in header]
    in_file = dict(zip(header, names, strict=True))
    batches = pf.iter_batches(batch_size=BATCH_RECORDS, columns=[in_file[c] for c in include])
    with inputs.damaged_as_error(where):
        for tbl in _rebatch(batches, BATCH_RECORDS):
            yield tbl.rename_columns(include)


def iter_raw_batches(
    path: str | os.PathLike, replicate_weights: bool = True, *, prescan: bool = False
) -> Iterator[pa.Table | scan.Scanned]:
    """Batches of the needed file columns of a PUMS person csv, Census zip, or parquet file.

    CSV numbers come parsed to their canonical types (codes stay strings); each batch holds
    about :data:`BATCH_RECORDS` records. With `prescan` (and numba), CSV batches come as
    :class:`.Scanned` where the pre-scan read them: the weights as one array, the replicate
    weights not among the table's columns.
    """
    path = Path(path)
    if not path.exists():
        raise SchemaError(f"{inputs.short(str(path))} does not exist")
    for where, tbl in _raw_batches(path, replicate_weights, prescan and _compiled.enabled()):
        # The member's name goes along: through 2016 it is the only place the file's year is.
        if isinstance(tbl, scan.Scanned):
            yield scan.Scanned(tbl.table.replace_schema_metadata({SOURCE_KEY: where}), tbl.weights)
        else:
            yield tbl.replace_schema_metadata({SOURCE_KEY: where})


#: Schema metadata key of a raw batch: the file (and zip member) it was read from.
SOURCE_KEY = "brainwaste.source"


def _raw_batches(
    path: Path, replicate_weights: bool, prescan: bool = False
) -> Iterator[tuple[str, pa.Table | scan.Scanned]]:
    kind = inputs.kind(path)
    if kind == "parquet":
        for tbl in _parquet_batches(path, str(path), replicate_weights):
            yield str(path), tbl
    elif kind == "zip":
        try:
            with zipfile.ZipFile(path) as zf:
                try:
                    names = person_csv_members(zf)
                except CorruptFileError:
                    names = []
                inputs.zip_members(zf, names, path.name)
                members = [zf.getinfo(m) for m in names]
        except (zipfile.BadZipFile, OSError, EOFError):
            raise CorruptFileError(
                f"{path.name} is a truncated or damaged zip: replace it with a complete copy "
                "(brainwaste fetch --force for a downloaded file)"
            ) from None
        backend = stream.inflate_backend()
        for info in members:
            where = f"{path.name}:{info.filename}"
            chunks = partial(stream.member_chunks, path, info, where, backend)
            for tbl in _csv_batches(chunks, where, replicate_weights, prescan):
                yield where, tbl
    else:
        read = _gzip_chunks if kind == "gzip" else stream.file_chunks
        chunks = partial(read, path, path.name)
        for tbl in _csv_batches(chunks, str(path), replicate_weights, prescan):
            yield str(path), tbl


def _worth_prescan(path: Path) -> bool:
    """Whether to read `path` with the compiled pre-scan: a CSV (plain, gzip or zip) of at least
    :data:`PRESCAN_BYTES` (a gzip's size guessed as 5 times its own). Imports numba only for a
    file that takes the pre-scan."""
    least = os.environ.get(PRESCAN_BYTES_ENV, "").strip() or str(PRESCAN_BYTES)
    if _compiled.disabled():
        return False
    try:
        kind = inputs.kind(path)
        if kind == "zip":
            with zipfile.ZipFile(path) as zf:
                size = sum(i.file_size for i in zf.infolist() if i.filename.endswith(".csv"))
        elif kind == "parquet":
            return False
        else:
            size = path.stat().st_size * (5 if kind == "gzip" else 1)
    except (OSError, zipfile.BadZipFile, SchemaError):
        return False  # the reader reports what is wrong with the file
    return size >= int(least) and _compiled.enabled()


def _gzip_chunks(path: Path, where: str) -> Iterator[bytes]:
    """The bytes of a gzip-compressed CSV (damage is reported by the reader's caller)."""
    with gzip.open(path, "rb") as f:
        while chunk := f.read(stream.READ_BYTES * 4):
            yield chunk


@while_reading
def read_persons(
    paths: str | os.PathLike | list[str | os.PathLike],
    *,
    prefilter: Prefilter | None = None,
    replicate_weights: bool = True,
    cache_dir: str | os.PathLike | None = None,
    on_batch: Callable[[pa.Table], None] | None = None,
    year: int | None = None,
    period: int | None = None,
) -> Persons:
    """Read one or more person files into a canonical :class:`Persons`.

    `year` and `period` are those of the files when the caller knows them (``--year``,
    ``--period``): the survey year of records with plain serial numbers (1-year files through
    2016) is the file's, from `year` or the member name ``ssYYpST.csv``; records of another year
    than the file's period are refused.

    `on_batch` is called with every canonical batch before the prefilter (to accumulate
    statistics over all records without keeping them).

    `prefilter` keeps only the records the analysis needs (population totals still cover every
    record). With `cache_dir`, each csv/zip input is also written as a column-pruned parquet file
    there (``NAME.HASH.persons.parquet``) and later calls read that copy instead of parsing the CSV;
    with a prefilter that has a ``cache_key`` (and no `on_batch`), the records it kept and the
    file's totals are cached too (:mod:`.kept`), and later calls with the same rules read only those.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    frames: list[pa.Table] = []
    totals: dict[str, np.ndarray] = {}
    n_read = 0
    sources: list[str] = []
    has_reps: list[bool] = []
    notes: list[str] = []
    checks = validate.RecordChecks()
    for p in paths:
        p = Path(p)
        src = p
        cached = _cache_path(p, cache_dir) if cache_dir else None
        kept_path = None
        if cached is not None and prefilter is not None and on_batch is None:
            kept_path = kept.path_for(
                cached, prefilter, year=year, period=period, replicate_weights=replicate_weights
            )
        hit = kept.load(kept_path, p) if kept_path is not None else None
        if hit is not None:  # the records this prefilter keeps, read before
            survey_year.check_single_year(hit.years, year, period, str(p))
            frames.append(hit.table)
            _add_totals(totals, hit.totals)
            n_read += hit.n_read
            sources.append(str(p))
            has_reps.append(all(c in hit.table.column_names for c in schema.REPLICATE_WEIGHTS))
            continue
        if cached is not None and cached.exists() and cached.stat().st_mtime >= p.stat().st_mtime:
            src = cached
        writer = None
        tmp = None
        if cached is not None and src is p and inputs.kind(p) != "parquet":
            tmp = temporary_path(cached)  # written batch by batch, renamed once complete
        years_read: set[int] = set()
        file_totals: dict[str, np.ndarray] = {}
        first_frame, n_before = len(frames), n_read
        # The pre-scan, unless every record goes to a cache or to on_batch with its weights.
        prescan = tmp is None and on_batch is None and replicate_weights and _worth_prescan(src)
        if prescan:
            scan.start_loading()
        raws = iter_raw_batches(src, replicate_weights, prescan=prescan)
        try:
            for raw in raws:
                weights = None
                if isinstance(raw, scan.Scanned):
                    raw, weights = raw.table, raw.weights
                where = raw.schema.metadata[SOURCE_KEY.encode()].decode()
                if where == str(src):
                    where = str(p)  # the cached copy stands for the file
                file_year = survey_year.file_year(year, where)
                tbl = canonical_batch(raw, where, replicate_weights, year=file_year, period=period)
                years_read.update(pc.unique(tbl["year"]).to_pylist())
                checks.check(tbl, where)
                if tmp is not None:
                    if writer is None:
                        tmp.parent.mkdir(parents=True, exist_ok=True)
                        remove_stale_temp_files(tmp.parent)
                        writer = pq.ParquetWriter(tmp, tbl.schema, compression="zstd")
                    writer.write_table(tbl.cast(writer.schema))
                n_read += len(tbl)
                if on_batch is not None:
                    on_batch(tbl)
                if weights is None:
                    _add_totals(file_totals, dict(zip(*_population_totals(tbl), strict=True)))
                    if prefilter is not None:
                        tbl = tbl.filter(prefilter(tbl))
                else:
                    _add_totals(file_totals, dict(zip(*_scanned_totals(tbl, weights), strict=True)))
                    if prefilter is not None:
                        keep = pc.fill_null(prefilter(tbl), False)
                        tbl = tbl.filter(keep)
                        weights = weights[np.flatnonzero(np.asarray(keep))]
                    tbl = _with_replicates(tbl, weights)
                frames.append(tbl)
            survey_year.check_single_year(years_read, year, period, str(p))
            checks.finish()
            if kept_path is not None and len(frames) > first_frame:
                file_kept = pa.concat_tables(frames[first_frame:], promote_options="default")
                kept.save(
                    kept_path, kept.Kept(file_kept, file_totals, n_read - n_before, years_read)
                )
            if writer is not None:
                writer.close()
                writer = None
                os.replace(tmp, cached)
        finally:
            raws.close()  # stops the reading threads at once when this loop raises
            if writer is not None:
                writer.close()
            if tmp is not None and tmp.exists():
                tmp.unlink()
        _add_totals(totals, file_totals)
        sources.append(str(p))
        has_reps.append(
            all(c in frames[-1].column_names for c in schema.REPLICATE_WEIGHTS) if frames else False
        )
    if not frames:
        raise SchemaError("no records were read")
    if not all(has_reps):
        frames = [
            f.drop([c for c in schema.REPLICATE_WEIGHTS if c in f.column_names]) for f in frames
        ]
        notes.append(
            "no replicate weights (PWGTP1-PWGTP80) in the input: standard errors and margins of "
            "error are left empty"
        )
    table = pa.concat_tables(frames, promote_options="default")
    del frames
    # String columns stay Arrow arrays in the frame, and pandas works on them chunk by chunk: a
    # national file's batches would leave hundreds of chunks (216 at 3.3M records, which cost
    # about a tenth of the estimation's time). One chunk each, column by column (the old chunks
    # are freed as each is replaced; numeric columns become numpy arrays anyway).
    for i, col in enumerate(table.schema):
        if pandas_type(col.type) == pd.StringDtype() and table.column(i).num_chunks > 1:
            table = table.set_column(i, col, table.column(i).combine_chunks())
    # Each Arrow column is freed once converted (a national file's kept records would otherwise
    # be in memory twice, as Arrow and as pandas), and no column is copied into a 2-D block.
    frame = table.to_pandas(types_mapper=pandas_type, self_destruct=True, split_blocks=True)
    del table
    release_unused()  # the freed Arrow memory back to the system
    if not (frame["adjusted_dollars"].all() if len(frame) else True):
        notes.append(
            "no ADJINC in the input: dollar amounts are as reported, not adjusted to survey-year dollars"
        )
    wcols = ["PWGTP"] + (list(schema.REPLICATE_WEIGHTS) if all(has_reps) else [])
    fips = sorted(totals)
    by_state = np.stack([totals[f][:, : len(wcols)] for f in fips])  # states x rows x weights
    index = pd.MultiIndex.from_product([fips, POPULATION_ROWS], names=["STATE", "statistic"])
    state_pop = pd.DataFrame(by_state.reshape(-1, len(wcols)), index=index, columns=wcols)
    pop = pd.DataFrame(by_state.sum(axis=0), index=list(POPULATION_ROWS), columns=wcols)
    return Persons(frame, sources, all(has_reps), n_read, pop, notes, state_pop, checks.messages())


def _add_totals(into: dict[str, np.ndarray], totals: dict[str, np.ndarray]) -> None:
    """Add population totals by state into `into`."""
    for st, t in totals.items():
        prev = into.get(st)
        # Files with and without replicate weights: keep PWGTP totals only.
        if prev is not None and prev.shape != t.shape:
            prev, t = prev[:, :1], t[:, :1]
        into[st] = t if prev is None else prev + t


def pandas_type(t: pa.DataType):
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return pd.StringDtype()
    if pa.types.is_int32(t):
        return pd.Int32Dtype()
    if pa.types.is_int64(t):
        return pd.Int64Dtype()
    if pa.types.is_int16(t):
        return pd.Int16Dtype()
    return None


def _cache_path(path: Path, cache_dir) -> Path:
    """The parquet copy of `path` in `cache_dir`; named after the source's full path, so files of
    the same name (csv_pma.zip of 2022 and of 2023) never share a cache entry."""
    tag = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:10]
    return Path(cache_dir) / f"{path.name.rsplit('.', 1)[0]}.{tag}.persons.parquet"
