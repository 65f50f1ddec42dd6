"""The estimates do not depend on the path the records took, and the replicate engine gives the
numbers of a plain pandas computation.

Paths: the Census-style zips of each state, a national zip in parts (psam_pusa.csv, ...), the
parquet cache written on a first read and used on the next, a parquet file written by a user from
the CSV with pandas' own types (codes turned into numbers), and the CSV read in many small batches.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from brainwaste import _compiled
from brainwaste.errors import SchemaError
from brainwaste.estimate import replicate
from brainwaste.estimate.outcomes import estimate_outcomes
from brainwaste.method.classify import classify, universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums import readers, synthetic
from brainwaste.pums.schema import REPLICATE_WEIGHTS
from tests.conftest import load_script

STATES = ["MA", "NJ", "WY"]
PROFILE = load_profile("mpi")


baseline = load_script("benchmarks/baseline.py")
HAS_NUMBA = _compiled.njit_or_none() is not None


@pytest.fixture(scope="module")
def zips(sample_zips) -> list[Path]:
    return sample_zips(STATES)


def estimates(paths, **read) -> tuple[pd.DataFrame, readers.Persons]:
    persons = readers.read_persons(paths, prefilter=universe_prefilter(PROFILE), **read)
    classified = classify(persons.frame, PROFILE, file_year=2024)
    table = estimate_outcomes(
        classified, PROFILE, year=2024, period=1, national=True, states=STATES
    )
    return table, persons


@pytest.fixture(scope="module")
def reference(zips):
    return estimates(zips)


def assert_same(a, b):
    (ta, pa_), (tb, pb) = a, b
    pd.testing.assert_frame_equal(ta, tb, check_exact=True)
    pd.testing.assert_frame_equal(pa_.population_totals, pb.population_totals, check_exact=True)
    assert pa_.n_records_read == pb.n_records_read


def test_reference_is_not_empty(reference):
    table, persons = reference
    us = table[(table.state == "US") & (table.population == "immigrant")]
    assert persons.n_records_read == sum(synthetic.records_per_state(STATES, "tiny").values())
    assert us.set_index("outcome").loc["total", "n_unweighted"] > 30
    assert (table["count_se"].dropna() > 0).any()


def _csv_frames(zips) -> list[bytes]:
    out = []
    for z in zips:
        with zipfile.ZipFile(z) as zf:
            (member,) = [n for n in zf.namelist() if n.endswith(".csv")]
            out.append(zf.read(member))
    return out


def test_national_zip_in_parts(tmp_path, zips, reference):
    """All states in one csv_pus.zip split in two parts, as the Census ships the nation."""
    blobs = _csv_frames(zips)
    header = blobs[0].split(b"\n", 1)[0]
    rows = b"".join(b.split(b"\n", 1)[1] for b in blobs).splitlines(keepends=True)
    half = len(rows) // 2
    path = tmp_path / "csv_pus.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("psam_pusa.csv", header + b"\n" + b"".join(rows[:half]))
        zf.writestr("psam_pusb.csv", header + b"\n" + b"".join(rows[half:]))
    assert_same(estimates(path), reference)


def test_parquet_cache_written_then_used(tmp_path, zips, reference):
    cache = tmp_path / "cache"
    first = estimates(zips, cache_dir=cache)
    assert len(list(cache.glob("*.persons.parquet"))) == len(zips)
    assert_same(first, reference)
    # Spoil the zips (keeping their times): only the cache can give the records now.
    spoiled = []
    for z in zips:
        copy = tmp_path / z.name
        copy.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
        stat = z.stat()
        os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        spoiled.append(copy)
    for z, copy in zip(zips, spoiled, strict=True):
        name = readers._cache_path(z, cache).name
        os.replace(cache / name, readers._cache_path(copy, cache))
    assert_same(estimates(spoiled, cache_dir=cache), reference)


def test_parquet_written_by_a_user(tmp_path, zips, reference):
    """pandas reads the CSV with its own types: codes lose their zeros, blanks become NaN."""
    frames = [pd.read_csv(io.BytesIO(b), low_memory=False) for b in _csv_frames(zips)]
    user = pd.concat(frames, ignore_index=True)
    assert user["STATE"].dtype.kind in "iu" and user["FOD1P"].dtype.kind == "f"
    path = tmp_path / "my_extract.parquet"
    user.to_parquet(path, index=False)
    assert_same(estimates(path), reference)


def test_many_small_batches(monkeypatch, zips, reference):
    """Batch boundaries (of parsing and of processing) do not change a number."""
    monkeypatch.setattr(readers, "BLOCK_SIZE", 1 << 16)
    monkeypatch.setattr(readers, "BATCH_RECORDS", 97)
    assert_same(estimates(zips), reference)


def test_non_numeric_weight_is_a_schema_error(tmp_path):
    header = "RT,SERIALNO,SPORDER,STATE,PWGTP,AGEP,NATIVITY,SCHL,FOD1P,ESR,OCCP"
    path = tmp_path / "psam_p25.csv"
    path.write_text(f"{header}\nP,2024HU0000001,1,25,1O0,40,1,21,6107,1,3255\n")
    with pytest.raises(SchemaError, match="column PWGTP is not numeric"):
        readers.read_persons(path)


# -- the replicate engine against pandas ----------------------------------------------------------


def test_engine_equals_pandas_per_replicate_loop(reference, zips):
    persons = readers.read_persons(zips, prefilter=universe_prefilter(PROFILE))
    frame = baseline.universe(classify(persons.frame, PROFILE, file_year=2024))
    slow = baseline.pandas_baseline(frame)
    pooled = frame.copy()
    for c in baseline.WEIGHTS:
        pooled[c] = pooled[c].astype("float64") / 3
    slow_pooled = baseline.pandas_baseline(pooled)
    for compiled in (False, True) if HAS_NUMBA else (False,):
        order = "C" if compiled else "F"
        fast = baseline.as_frame(
            baseline.engine(frame, baseline.weight_array(frame, order), compiled=compiled)
        )
        assert len(fast) > 20 and (fast["se"] > 0).any()
        assert baseline.same_numbers(fast, slow)  # exactly: integer weights sum exactly
        # ... and the same within rounding when weights are not integers (pooled years).
        a = baseline.as_frame(baseline.engine(pooled, compiled=compiled)).sort_index()
        b = slow_pooled.reindex(a.index)
        np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-12, atol=0)


def test_cell_codes_partition_like_a_multiindex():
    rng = np.random.default_rng(7)
    n = 2_000
    keys = pd.DataFrame(
        {
            "state": pd.array(rng.choice(["25", "34", None], n), dtype="string"),
            "population": pd.array(rng.choice(["us_born", "immigrant"], n), dtype="string"),
            "status": rng.integers(0, 5, n),
        }
    )
    codes, cells = replicate.cell_codes(keys)
    reference, uniques = pd.MultiIndex.from_frame(keys).factorize()
    assert len(cells) == len(uniques) == codes.max() + 1
    # The same partition of the records, and each cell's keys are those of its records.
    assert pd.crosstab(codes, reference).gt(0).sum(axis=1).eq(1).all()
    back = cells.iloc[codes].reset_index(drop=True)
    pd.testing.assert_frame_equal(back, keys, check_dtype=False)


def test_cell_totals_from_a_frame_or_a_matrix():
    frame = pd.DataFrame(
        {
            "PWGTP": pd.array([10, 20, None, 40], dtype="Int32"),
            **{c: pd.array([1, 2, 3, 4], dtype="Int32") for c in REPLICATE_WEIGHTS},
        }
    )
    codes = np.array([1, 0, 1, 1])
    from_frame = replicate.cell_totals(codes, 3, frame)
    from_matrix = replicate.cell_totals(codes, 3, replicate.weight_matrix(frame, REPLICATE_WEIGHTS))
    assert from_frame[:, 0].tolist() == [20.0, 50.0, 0.0]  # the missing weight counts as 0
    assert from_frame[:, 1].tolist() == [2.0, 8.0, 0.0]
    np.testing.assert_array_equal(from_frame, from_matrix)
