"""The compiled pre-scan (brainwaste/pums/scan.py) against pyarrow's full parse.

The kernel reads the weight fields of hand-made lines to the digit and gives up on every byte it
does not expect; read_persons gives the same Persons, number for number, on both paths: official
files, a national zip in parts cut into many pieces, CRLF line ends, weights that are not the
last columns, and files where only some pieces can be pre-scanned.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from brainwaste import _compiled
from brainwaste.method.classify import universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums import readers, scan, stream
from brainwaste.pums.schema import REPLICATE_WEIGHTS
from tests.conftest import shared_file

PROFILE = load_profile("mpi")
SMALL_STATES = [
    f"acs_pums_2018_1yr_person_small_states/csv_p{s}.zip" for s in ("de", "nh", "vt", "wy")
]
WEIGHTS = ["PWGTP", *REPLICATE_WEIGHTS]

needs_numba = pytest.mark.skipif(not _compiled.enabled(), reason="numba is not importable here")


# -- the kernel on hand-made bytes ----------------------------------------------------------------


def kernel(text: bytes, header="A,W1,B,W2", weights=("W1", "W2"), n=None):
    if n is None:
        n = text.replace(b"\r\n", b"\n").rstrip(b"\n").count(b"\n") + 1
    assert scan.ready(wait=None)
    out = scan.weights(text, header.split(","), list(weights))
    out = None if out is None or out.shape[0] != n else out
    return None if out is None else out.T.tolist()


@needs_numba
def test_kernel_reads_weight_fields_to_the_digit():
    assert kernel(b"x,12,yy,0\nz,7,,123456789\n") == [[12, 7], [0, 123456789]]
    assert kernel(b"x,012,,3") == [[12], [3]]  # leading zeros; last line without a line end
    assert kernel(b"x,1,y,2\r\nx,3,y,4\r\n") == [[1, 3], [2, 4]]  # CRLF
    # Weights in the first and last fields, in another order than their slots.
    assert kernel(b"5,a,b,6\n", header="W2,A,B,W1", weights=("W1", "W2")) == [[6], [5]]
    # Other fields may hold anything but a comma, a quote or a line end.
    assert kernel(b"-0009 #,8,\xc3\xa9NA,9\n") == [[8], [9]]


@needs_numba
@pytest.mark.parametrize(
    "text",
    [
        b"x,,y,2\n",  # blank weight
        b"x,-1,y,2\n",  # sign
        b"x,+1,y,2\n",
        b"x, 1,y,2\n",  # spaces
        b"x,1 ,y,2\n",
        b"x,1.0,y,2\n",  # not an integer
        b"x,1234567890,y,2\n",  # 10 digits (int32 may not hold it)
        b'"x",1,y,2\n',  # a quote anywhere
        b'x,1,"y,z",2\n',
        b"x,1,y\n",  # short line
        b"x,1,y,2,3\n",  # long line
        b"x,1,y,2\n\nx,1,y,2\n",  # empty line (pyarrow skips it)
        b"x,1,y\r,2\n",  # a lone CR (pyarrow ends a line there)
        b"x,1,y,2\r",
    ],
)
def test_kernel_gives_up_on_unexpected_bytes(text):
    assert kernel(text) is None


@needs_numba
def test_kernel_gives_up_when_records_do_not_match():
    assert kernel(b"x,1,y,2\nx,1,y,2\n", n=3) is None
    assert kernel(b"x,1,y,2\nx,1,y,2\n", n=1) is None


def test_the_prescan_is_asked_for_by_size(tmp_path, monkeypatch):
    csv = tmp_path / "psam_p50.csv"
    csv.write_bytes(b"RT,SERIALNO\n" + b"P,2024HU0000001\n" * 100)
    monkeypatch.delenv(_compiled.NO_NUMBA_ENV, raising=False)
    monkeypatch.delenv(readers.PRESCAN_BYTES_ENV, raising=False)
    assert not readers._worth_prescan(csv)  # small files: the full parse
    monkeypatch.setattr(readers, "PRESCAN_BYTES", csv.stat().st_size)
    assert readers._worth_prescan(csv) == _compiled.enabled()
    monkeypatch.setenv(readers.PRESCAN_BYTES_ENV, str(csv.stat().st_size + 1))
    assert not readers._worth_prescan(csv)
    monkeypatch.setenv(readers.PRESCAN_BYTES_ENV, str(csv.stat().st_size))
    assert readers._worth_prescan(csv) == _compiled.enabled()
    monkeypatch.setenv(_compiled.NO_NUMBA_ENV, "1")
    assert not readers._worth_prescan(csv)


@needs_numba
def test_cell_sums_are_exact_integer_totals():
    w = np.array([[2_000_000_000, 2_000_000_000, 1], [5, 6, 7]], dtype=np.int32)
    got = scan.cell_sums(np.array([1, 1, 0]), 3, np.ascontiguousarray(w.T))
    assert got.dtype == np.int64
    assert got.tolist() == [[1, 7], [4_000_000_000, 11], [0, 0]]


# -- read_persons on both paths ------------------------------------------------------------------


def read(paths, path: str, monkeypatch, **kw) -> tuple[readers.Persons, dict[str, int]]:
    """Persons read on `path` ("prescan" or "full parse"), and how many batches took each way."""
    if path == "full parse":
        monkeypatch.setenv(_compiled.NO_NUMBA_ENV, "1")
    else:
        monkeypatch.delenv(_compiled.NO_NUMBA_ENV, raising=False)
        monkeypatch.setenv(readers.PRESCAN_BYTES_ENV, "0")
        assert scan.ready(wait=None)
    counts = {"prescan": 0, "full parse": 0}
    fast, full = readers._scanned_totals, readers._population_totals

    def counted(name, f):
        def call(*args):
            counts[name] += 1
            return f(*args)

        return call

    monkeypatch.setattr(readers, "_scanned_totals", counted("prescan", fast))
    monkeypatch.setattr(readers, "_population_totals", counted("full parse", full))
    kw.setdefault("prefilter", universe_prefilter(PROFILE))
    persons = readers.read_persons(paths, **kw)
    monkeypatch.undo()
    return persons, counts


def assert_same_persons(a: readers.Persons, b: readers.Persons) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    pd.testing.assert_frame_equal(a.population_totals, b.population_totals, check_exact=True)
    pd.testing.assert_frame_equal(
        a.state_population_totals, b.state_population_totals, check_exact=True
    )
    assert (a.n_records_read, a.has_replicate_weights) == (
        b.n_records_read,
        b.has_replicate_weights,
    )
    assert (a.notes, a.warnings, a.sources) == (b.notes, b.warnings, b.sources)


def both_paths(paths, monkeypatch, **kw) -> readers.Persons:
    """The Persons of both paths, checked equal; the pre-scan took every batch."""
    fast, fast_counts = read(paths, "prescan", monkeypatch, **kw)
    full, full_counts = read(paths, "full parse", monkeypatch, **kw)
    assert fast_counts["full parse"] == 0 and fast_counts["prescan"] > 0
    assert full_counts["prescan"] == 0
    assert_same_persons(fast, full)
    return fast


@pytest.fixture(scope="module")
def official() -> list[Path]:
    return [shared_file(p) for p in SMALL_STATES]


@needs_numba
def test_official_files_same_on_both_paths(official, monkeypatch):
    persons = both_paths(official, monkeypatch)
    assert persons.n_records_read == 35_079
    assert len(persons.frame) > 1_000
    assert persons.state_population_totals.index.get_level_values(0).unique().tolist() == [
        "10", "33", "50", "56"
    ]  # fmt: skip
    # Without a prefilter too (every record kept, with its replicate weights).
    every = both_paths(official[2:3], monkeypatch, prefilter=None)
    assert len(every.frame) == every.n_records_read
    assert every.frame[list(REPLICATE_WEIGHTS)].notna().all().all()


def _members(zips) -> tuple[bytes, list[bytes]]:
    header, rows = b"", []
    for z in zips:
        with zipfile.ZipFile(z) as zf:
            (member,) = [n for n in zf.namelist() if n.endswith(".csv")]
            head, body = zf.read(member).split(b"\n", 1)
            header = head
            rows += body.splitlines(keepends=True)
    return header, rows


@needs_numba
def test_national_zip_in_many_pieces(tmp_path, sample_zips, monkeypatch):
    """A national zip in two parts, cut into pieces of 40 kB from chunks of 7 kB: pieces and
    chunks end in the middle of records everywhere."""
    header, rows = _members(sample_zips(["MA", "NJ", "WY"]))
    half = len(rows) // 2
    path = tmp_path / "csv_pus.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("psam_pusa.csv", header + b"\n" + b"".join(rows[:half]))
        zf.writestr("psam_pusb.csv", header + b"\n" + b"".join(rows[half:]))
    whole = both_paths(path, monkeypatch)
    monkeypatch.setattr(stream, "PIECE_BYTES", 40_000)
    monkeypatch.setattr(stream, "READ_BYTES", 7_001)
    monkeypatch.setattr(readers, "BATCH_RECORDS", 150)
    assert_same_persons(both_paths(path, monkeypatch), whole)
    assert whole.n_records_read == len(rows)


def _vermont_csv() -> bytes:
    with zipfile.ZipFile(shared_file(SMALL_STATES[2])) as zf:
        return zf.read("psam_p50.csv")


@needs_numba
def test_crlf_line_ends(tmp_path, monkeypatch):
    lf = tmp_path / "psam_p50.csv"
    lf.write_bytes(_vermont_csv())
    crlf = tmp_path / "crlf" / "psam_p50.csv"
    crlf.parent.mkdir()
    crlf.write_bytes(lf.read_bytes().replace(b"\n", b"\r\n"))
    reference = both_paths(lf, monkeypatch)
    got = both_paths(crlf, monkeypatch)
    pd.testing.assert_frame_equal(got.frame, reference.frame, check_exact=True)
    pd.testing.assert_frame_equal(got.population_totals, reference.population_totals)


@needs_numba
def test_weights_that_are_not_the_last_columns(tmp_path, monkeypatch):
    original = pd.read_csv(io.BytesIO(_vermont_csv()), dtype=str, keep_default_na=False)
    cols = list(original.columns)
    reps = [c for c in cols if c in REPLICATE_WEIGHTS]
    others = [c for c in cols if c not in REPLICATE_WEIGHTS]
    # Replicate weights first, in reverse, and PWGTP last.
    moved = reps[::-1] + [c for c in others if c != "PWGTP"] + ["PWGTP"]
    a, b = tmp_path / "a" / "psam_p50.csv", tmp_path / "b" / "psam_p50.csv"
    for path, order in ((a, cols), (b, moved)):
        path.parent.mkdir()
        original[order].to_csv(path, index=False)
    reference = both_paths(a, monkeypatch)
    got = both_paths(b, monkeypatch)
    pd.testing.assert_frame_equal(got.frame, reference.frame, check_exact=True)
    pd.testing.assert_frame_equal(got.population_totals, reference.population_totals)
    assert (
        reference.population_totals.loc["total_population", "PWGTP"]
        == original["PWGTP"].astype(int).sum()
    )


@needs_numba
def test_pieces_the_kernel_gives_up_on_are_parsed_in_full(tmp_path, monkeypatch):
    """Quoted values in a few records: their pieces (and the batches holding them) take the full
    parse, the others the pre-scan, and the numbers are those of the full parse everywhere."""
    text = _vermont_csv()
    header, *lines = text.split(b"\n")
    socp = header.split(b",").index(b"SOCP")
    for i in (10, 2_500):
        fields = lines[i].split(b",")
        fields[socp] = b'"' + fields[socp] + b'"'
        lines[i] = b",".join(fields)
    path = tmp_path / "psam_p50.csv"
    path.write_bytes(b"\n".join([header, *lines]))
    monkeypatch.setattr(stream, "PIECE_BYTES", 200_000)
    monkeypatch.setattr(readers, "BATCH_RECORDS", 300)
    fast, counts = read(path, "prescan", monkeypatch)
    full, _ = read(path, "full parse", monkeypatch)
    assert counts["prescan"] > 0 and counts["full parse"] >= 2
    assert_same_persons(fast, full)
    plain = tmp_path / "plain" / "psam_p50.csv"
    plain.parent.mkdir()
    plain.write_bytes(text)
    clean = read(plain, "prescan", monkeypatch)[0]
    pd.testing.assert_frame_equal(fast.frame, clean.frame, check_exact=True)
    pd.testing.assert_frame_equal(fast.population_totals, clean.population_totals)


@needs_numba
def test_odd_weights_give_the_full_parse_errors(tmp_path, monkeypatch):
    text = _vermont_csv()
    header, *lines = text.split(b"\n")
    rep = header.split(b",").index(b"PWGTP17")
    for bad, message in (
        (b"", "column PWGTP17 is blank"),
        (b"1x", "column PWGTP17 is not numeric"),
    ):
        fields = lines[3].split(b",")
        fields[rep] = bad
        path = tmp_path / f"{len(bad)}" / "psam_p50.csv"
        path.parent.mkdir()
        path.write_bytes(b"\n".join([header, lines[0], lines[1], lines[2], b",".join(fields)]))
        errors = []
        for way in ("prescan", "full parse"):
            with pytest.raises(Exception, match=message) as info:
                read(path, way, monkeypatch)
            errors.append((type(info.value), str(info.value)))
        assert errors[0] == errors[1]
