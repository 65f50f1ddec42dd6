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


# -- pieces written into buffers that are used again -----------------------------------------------


def _reference_pieces(body: bytes, piece_bytes: int) -> list[bytes]:
    """The pieces by their definition: at most `piece_bytes`, cut after the last line end in
    them, or after the first line end beyond them when a record is longer."""
    out, start = [], 0
    while len(body) - start >= piece_bytes:
        cut = body.rfind(b"\n", start, start + piece_bytes) + 1
        if cut == 0:
            cut = body.find(b"\n", start + piece_bytes) + 1
            if cut == 0:
                break
        out.append(body[start:cut])
        start = cut
    if body[start:].strip():
        out.append(body[start:])
    return out


@pytest.mark.parametrize("chunk", [1, 7, 64, 333, 5000])
@pytest.mark.parametrize("piece_bytes", [16, 100, 1000])
def test_pieces_cut_records_as_defined_whatever_the_chunks(chunk, piece_bytes):
    import random

    rng = random.Random(chunk * 1000 + piece_bytes)
    # records of 1 to 300 bytes (some longer than a piece), \n and \r\n line ends, no final one
    lines = [
        ",".join(str(rng.randrange(10**6)) for _ in range(rng.randrange(1, 40)))
        + rng.choice(["\n", "\r\n"])
        for _ in range(400)
    ]
    body = "".join(lines).rstrip("\r\n").encode()
    first, rest = body[:chunk], body[chunk:]
    chunks = [rest[i : i + chunk] for i in range(0, len(rest), chunk)]
    pieces = stream._Pieces(piece_bytes)
    got = []
    for piece, buf in pieces(first, iter(chunks)):
        got.append(piece.to_pybytes())
        pieces.release(buf, pa.table({"x": [1]}))  # parsed into memory of its own
    assert got == _reference_pieces(body, piece_bytes)


def test_piece_buffers_are_used_again_only_when_nothing_points_into_them():
    body = b"".join(b"%06d,abc\n" % i for i in range(1000))  # 11 bytes a record
    pieces = stream._Pieces(110)
    seen, held = set(), []
    for piece, buf in pieces(b"", iter([body[i : i + 50] for i in range(0, len(body), 50)])):
        seen.add(id(buf))
        if len(held) < 3:
            # a table that keeps pointing into the piece's memory: that buffer is never reused
            arr = pa.Array.from_buffers(pa.uint8(), len(piece), [None, piece])
            held.append((buf, arr, piece.to_pybytes()))
            pieces.release(buf, pa.table({"raw": arr}))
        else:
            pieces.release(buf, pa.table({"x": [1]}))
    # three buffers kept by their tables, and a couple in turn for the other 97 pieces
    assert len(seen) <= 3 + 3
    for buf, arr, data in held:  # never written again
        assert arr.buffers()[1].to_pybytes() == data
        assert all(buf is not b for b in pieces.free)


def test_a_read_parses_every_piece_into_memory_of_its_own(monkeypatch, zips):
    """Pieces are reused only when the parsed tables do not point into them; with pyarrow's CSV
    reader they never do, so a national read needs a few buffers, not one per piece."""
    made = []
    take = stream._Pieces._take

    def counting(self, at_least):
        if not (self.free and len(self.free[-1]) >= at_least):
            made.append(at_least)
        return take(self, at_least)

    monkeypatch.setattr(stream._Pieces, "_take", counting)
    monkeypatch.setattr(stream, "PIECE_BYTES", 3_000)  # hundreds of pieces
    holds = []
    real_holds = stream._holds
    monkeypatch.setattr(stream, "_holds", lambda p, b: holds.append(real_holds(p, b)) or holds[-1])
    table, _ = estimates(zips)
    buffers = len(made)
    assert len(holds) > 100 and not any(holds)
    assert buffers <= len(zips) * (stream.PARSE_THREADS + 3)  # per member, whatever its size
    expected, _ = estimates_without_reuse(zips, monkeypatch)
    assert len(made) - buffers > 100  # (one buffer per piece without the reuse)
    pd.testing.assert_frame_equal(table, expected)


def estimates_without_reuse(zips, monkeypatch):
    monkeypatch.setattr(stream._Pieces, "release", lambda self, buf, parsed: None)
    return estimates(zips)
