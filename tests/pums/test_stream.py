"""The threaded inflate-and-parse pipeline (brainwaste/pums/stream.py).

Every installed inflate backend (ISA-L, zlib-ng and the standard zlib fallback) gives the bytes
zipfile gives and the same estimates; pieces cut at any record boundary give the same records;
a damaged or truncated member is a CorruptFileError; and no reading thread outlives a read,
whether it ends, fails, or its caller stops early.
"""

from __future__ import annotations

import shutil
import threading
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from brainwaste.errors import CorruptFileError, SchemaError
from brainwaste.estimate.outcomes import estimate_outcomes
from brainwaste.method.classify import classify, universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums import readers, stream

STATES = ["MA", "WY"]
PROFILE = load_profile("mpi")
INSTALLED = [b for b in stream.BACKENDS if stream._import_backend(b) is not None]


def reading_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(("inflate ", "parse "))]


@pytest.fixture(autouse=True)
def no_thread_left():
    yield
    assert reading_threads() == []


@pytest.fixture
def zips(sample_zips) -> list[Path]:
    return sample_zips(STATES)


def estimates(paths) -> tuple[pd.DataFrame, readers.Persons]:
    persons = readers.read_persons(paths, prefilter=universe_prefilter(PROFILE))
    classified = classify(persons.frame, PROFILE, file_year=2024)
    table = estimate_outcomes(classified, PROFILE, year=2024, period=1, national=True)
    return table, persons


def test_zlib_is_always_a_backend():
    assert "zlib" in INSTALLED
    name, module = stream.inflate_backend("zlib")
    assert name == "zlib" and module.decompressobj
    with pytest.raises(ValueError, match="unknown inflate backend"):
        stream.inflate_backend("gzip9")


@pytest.mark.parametrize("backend", INSTALLED)
def test_member_bytes_are_zipfiles_bytes(zips, backend):
    with zipfile.ZipFile(zips[0]) as zf:
        (info,) = [i for i in zf.infolist() if i.filename.endswith(".csv")]
        expected = zf.read(info)
    got = b"".join(stream.member_chunks(zips[0], info, "x", stream.inflate_backend(backend)))
    assert got == expected and len(got) > 100_000


@pytest.mark.parametrize("backend", INSTALLED)
def test_every_backend_and_piece_size_gives_the_same_estimates(monkeypatch, zips, backend):
    """The zlib fallback and the fast decoders, with pieces of a few records and big ones."""
    reference = estimates(zips)
    monkeypatch.setenv(stream.BACKEND_ENV, backend)
    monkeypatch.setattr(stream, "PIECE_BYTES", 3_000)  # a few records per piece
    monkeypatch.setattr(stream, "READ_BYTES", 777)  # chunks end anywhere in a record
    monkeypatch.setattr(stream, "INFLATE_BYTES", 5_000)
    table, persons = estimates(zips)
    pd.testing.assert_frame_equal(table, reference[0], check_exact=True)
    pd.testing.assert_frame_equal(
        persons.state_population_totals, reference[1].state_population_totals, check_exact=True
    )
    pd.testing.assert_frame_equal(persons.frame, reference[1].frame, check_exact=True)


def test_plain_csv_and_stored_member(tmp_path, zips):
    with zipfile.ZipFile(zips[0]) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".csv")]
        data = zf.read(name)
    csv = tmp_path / name
    csv.write_bytes(data)
    stored = tmp_path / "stored" / zips[0].name
    stored.parent.mkdir()
    with zipfile.ZipFile(stored, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(name, data)
    reference = readers.read_persons(zips[0])
    for path in (csv, stored):
        got = readers.read_persons(path)
        pd.testing.assert_frame_equal(got.frame, reference.frame, check_exact=True)
        assert got.n_records_read == reference.n_records_read == data.count(b"\n") - 1


def _damaged_copy(src: Path, dst: Path, at: float) -> Path:
    """A copy of a zip with bytes in the middle of its CSV member's compressed data changed."""
    shutil.copy(src, dst)
    with zipfile.ZipFile(src) as zf:
        (info,) = [i for i in zf.infolist() if i.filename.endswith(".csv")]
        with open(src, "rb") as f:
            start = stream._member_data_offset(f, info, "x")
    blob = bytearray(dst.read_bytes())
    pos = start + int(info.compress_size * at)
    blob[pos : pos + 64] = bytes(64)
    dst.write_bytes(bytes(blob))
    return dst


@pytest.mark.parametrize("backend", INSTALLED)
@pytest.mark.parametrize("at", [0.05, 0.5, 0.97])
def test_damaged_member_is_a_corrupt_file_error(monkeypatch, tmp_path, zips, backend, at):
    monkeypatch.setenv(stream.BACKEND_ENV, backend)
    monkeypatch.setattr(stream, "PIECE_BYTES", 50_000)
    bad = _damaged_copy(zips[0], tmp_path / zips[0].name, at)
    with pytest.raises(CorruptFileError, match="is truncated or damaged .*: replace it with"):
        readers.read_persons(bad)


@pytest.mark.parametrize("backend", INSTALLED)
def test_truncated_member_is_a_corrupt_file_error(zips, backend):
    """A member shorter than its directory says (the file was cut while being written)."""
    with zipfile.ZipFile(zips[0]) as zf:
        (info,) = [i for i in zf.infolist() if i.filename.endswith(".csv")]
    info.compress_size //= 2
    tables = stream.csv_tables(
        lambda: stream.member_chunks(zips[0], info, "cut", stream.inflate_backend(backend)),
        "cut",
        lambda header: (header, ["SERIALNO"], {"SERIALNO": pa.string()}),
        piece_bytes=10_000,
    )
    with pytest.raises(
        CorruptFileError, match=r"^cut is truncated or damaged \(truncated zip member\): replace it"
    ):
        for _ in tables:
            pass


def test_a_caller_that_stops_early_leaves_no_thread(zips, monkeypatch):
    monkeypatch.setattr(stream, "PIECE_BYTES", 5_000)
    monkeypatch.setattr(readers, "BATCH_RECORDS", 10)
    batches = readers.iter_raw_batches(zips[0])
    next(batches)
    assert reading_threads()  # inflate and parse are running, their queues full
    batches.close()
    assert reading_threads() == []


def test_an_error_in_the_caller_stops_the_threads(zips, monkeypatch):
    monkeypatch.setattr(stream, "PIECE_BYTES", 5_000)
    monkeypatch.setattr(readers, "BATCH_RECORDS", 10)
    seen = []

    def fail_on_third(batch):
        seen.append(batch.num_rows)
        if len(seen) == 3:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        readers.read_persons(zips, on_batch=fail_on_third)
    # the autouse fixture checks that no reading thread is left


def test_a_bad_number_late_in_the_file_names_its_column(tmp_path, zips, monkeypatch):
    monkeypatch.setattr(stream, "PIECE_BYTES", 4_000)
    with zipfile.ZipFile(zips[0]) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".csv")]
        lines = zf.read(name).split(b"\n")
    header = lines[0].decode().split(",")
    col = header.index("PWGTP17")
    row = lines[-3].split(b",")
    row[col] = b"1O"
    lines[-3] = b",".join(row)
    path = tmp_path / zips[0].name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, b"\n".join(lines))
    with pytest.raises(SchemaError, match="column PWGTP17 is not numeric"):
        readers.read_persons(path)


@pytest.mark.parametrize("threads", [2, 3])
def test_pieces_parsed_side_by_side_keep_file_order(monkeypatch, zips, threads):
    reference = readers.read_persons(zips)
    monkeypatch.setattr(stream, "PARSE_THREADS", threads)
    monkeypatch.setattr(stream, "PIECE_BYTES", 3_000)
    monkeypatch.setattr(stream, "READ_BYTES", 777)
    got = readers.read_persons(zips)
    pd.testing.assert_frame_equal(got.frame, reference.frame, check_exact=True)
    pd.testing.assert_frame_equal(
        got.state_population_totals, reference.state_population_totals, check_exact=True
    )
