"""National-scale synthetic PUMS person files for the benchmarks, written as Census writes them.

The package's generator (:mod:`brainwaste.pums.synthetic`) draws a few hundred thousand records
in the full 2024 person-file layout. A national file of millions of records is made from a few
such draws by replicating and perturbing them chunk by chunk (rows resampled and shuffled, serial
numbers renumbered), and each chunk is appended to a zip member as CSV while it is made, so
memory stays bounded by one chunk whatever the size.

The generator oversamples college graduates with health degrees: about 25 percent of its records
are in the analysis universe and 4 percent more pass the reader's prefilter as health workers,
against 2.5 and 4.1 percent of the weighted population. Each chunk is therefore thinned to the
weighted shares of the draw itself, so that the records kept, and so time and memory, are those
of a Census file.
"""

from __future__ import annotations

import json
import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from brainwaste.method.classify import universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums import synthetic
from brainwaste.pums.readers import canonical_batch

#: Records per part of the national zip: Census splits its national person file in parts
#: (psam_pusa.csv, psam_pusb.csv, ...) of up to about four million records.
PART_RECORDS = 4_000_000
#: Independent draws of the generator that the chunks cycle through.
N_DRAWS = 3
#: Deflate level of the zip members (1 keeps generation fast; the Census uses higher levels,
#: which make the file smaller and decompression slightly faster, not slower).
COMPRESS_LEVEL = 1


@dataclass
class Draw:
    """One generator draw split by what the reader's prefilter does with each record."""

    universe: pa.Table  # in the analysis universe (kept)
    workers: pa.Table  # kept only as health workers
    outside: pa.Table  # dropped
    #: Weighted shares of the universe and of the other kept records in the population.
    shares: tuple[float, float]


def _draw(year: int, seed: int) -> Draw:
    frame = synthetic.generate_persons(None, year=year, seed=seed, size="default")
    tbl = pa.Table.from_pandas(frame, preserve_index=False)
    tbl = tbl.cast(pa.schema([(n, pa.string()) for n in tbl.column_names]))
    canon = canonical_batch(tbl, "synthetic")
    profile = load_profile("mpi")
    kept = universe_prefilter(profile)(canon).to_numpy(zero_copy_only=False)
    univ = universe_prefilter(profile, keep_health_workers=False)(canon)
    univ = univ.to_numpy(zero_copy_only=False)
    w = canon["PWGTP"].to_numpy(zero_copy_only=False).astype(np.float64)
    return Draw(
        tbl.filter(pa.array(univ)),
        tbl.filter(pa.array(kept & ~univ)),
        tbl.filter(pa.array(~kept)),
        (float(w[univ].sum() / w.sum()), float(w[kept & ~univ].sum() / w.sum())),
    )


def part_names(n_records: int, year: int = 2024) -> list[str]:
    """Member names of a national zip: at least two parts (as in the 1-year file), each at most
    :data:`PART_RECORDS` records."""
    n = max(2, math.ceil(n_records / PART_RECORDS))
    prefix = "psam_pus" if year >= 2017 else f"ss{year % 100:02d}pus"
    return [f"{prefix}{chr(ord('a') + i)}.csv" for i in range(n)]


def _renumber(tbl: pa.Table, start: int, year: int) -> pa.Table:
    """New SERIALNO values (year, HU/GQ kept, a running number) so records are distinct."""
    serial = tbl["SERIALNO"]
    kind = pc.utf8_slice_codeunits(serial, 4, 6)
    num = pa.array((np.arange(start, start + len(tbl)) % 10_000_000).astype(np.int64))
    digits = pc.utf8_lpad(pc.cast(num, pa.string()), width=7, padding="0")
    new = pc.binary_join_element_wise(pa.scalar(str(year)), kind, digits, "")
    return tbl.set_column(tbl.column_names.index("SERIALNO"), "SERIALNO", new)


def write_national_zip(
    path: str | os.PathLike,
    n_records: int,
    *,
    year: int = 2024,
    seed: int = 1,
    shares: tuple[float, float] | None = None,
) -> dict:
    """Write `n_records` synthetic person records as a national zip (``csv_pus.zip`` layout).

    `shares` are the shares of records in the analysis universe and of other records the
    prefilter keeps (health workers); by default the generator's weighted shares. Returns a
    description (records, parts, shares, bytes), also stored next to the zip as ``.json``.
    """
    path = Path(path)
    draws = [_draw(year, seed + i) for i in range(N_DRAWS)]
    s_univ, s_work = shares if shares is not None else draws[0].shares
    columns = draws[0].outside.column_names
    parts = part_names(n_records, year)
    per_part = [n_records // len(parts) + (i < n_records % len(parts)) for i in range(len(parts))]
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    path.parent.mkdir(parents=True, exist_ok=True)
    written = n_univ = n_work = chunk_no = 0
    options = pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=8192)
    try:
        with zipfile.ZipFile(
            tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
        ) as zf:
            for name, target in zip(parts, per_part, strict=True):
                with zf.open(name, "w", force_zip64=True) as f:
                    f.write((",".join(columns) + "\n").encode("ascii"))
                    done = 0
                    while done < target:
                        d = draws[chunk_no % len(draws)]
                        rng = np.random.default_rng([seed, chunk_no])
                        n = min(int(len(d.outside) / (1 - s_univ - s_work)), target - done)
                        k_univ = min(round(n * s_univ), len(d.universe))
                        k_work = min(round(n * s_work), len(d.workers))
                        k_out = min(n - k_univ - k_work, len(d.outside))
                        pieces = [
                            t.take(np.sort(rng.choice(len(t), k, replace=False)))
                            for t, k in ((d.universe, k_univ), (d.workers, k_work), (d.outside, k_out))
                        ]  # fmt: skip
                        chunk = pa.concat_tables(pieces)
                        chunk = chunk.take(rng.permutation(len(chunk)))
                        chunk = _renumber(chunk, written, year)
                        pacsv.write_csv(chunk, f, write_options=options)
                        done += len(chunk)
                        written += len(chunk)
                        n_univ += k_univ
                        n_work += k_work
                        chunk_no += 1
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    n_draw = len(draws[0].universe) + len(draws[0].workers) + len(draws[0].outside)
    info = {
        "records": written,
        "parts": dict(zip(parts, per_part, strict=True)),
        "universe_records": n_univ,
        "prefilter_records": n_univ + n_work,
        "universe_share": n_univ / written,
        "prefilter_share": (n_univ + n_work) / written,
        "generator_weighted_shares": list(draws[0].shares),
        "generator_unweighted_shares": [
            len(draws[0].universe) / n_draw,
            len(draws[0].workers) / n_draw,
        ],
        "columns": len(columns),
        "zip_bytes": path.stat().st_size,
        "csv_bytes": sum(i.file_size for i in zipfile.ZipFile(path).infolist()),
        "year": year,
        "seed": seed,
    }
    path.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    return info
