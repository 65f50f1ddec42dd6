"""The official data vendored with the tests: under 5 MB, and every packed copy rebuilds the
pinned bytes (tests/official_data.py)."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from tests import official_data as od

CSV = b"RT,SERIALNO,PWGTP\nP,2018GQ0000001,12\nP,2018HU0000002,\n"


def test_the_vendored_files_stay_under_5_mb():
    files = [p for p in od.VENDORED.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= 5_000_000
    kinds = {pin.vendored for pin in od.registry().values()}
    assert kinds <= {"raw", "texts", "zip", "no"}


def test_every_vendored_file_rebuilds_its_pinned_bytes():
    vendored = [pin for pin in od.registry().values() if pin.vendored != "no"]
    assert len(vendored) >= 30
    for pin in vendored:
        path = od._unpack(pin)
        assert path is not None, pin.path
        assert path.stat().st_size == pin.bytes and od.sha256_path(path) == pin.sha256
    # the four official 2018 state files are among them, as zips
    zips = {p.path.rsplit("/", 1)[1] for p in vendored if p.vendored == "zip"}
    assert zips == {"csv_pde.zip", "csv_pnh.zip", "csv_pvt.zip", "csv_pwy.zip"}


def test_column_store_round_trip_and_refusals():
    for data in (CSV, CSV[:-1], b"A\n1\n\n2\n"):
        assert od.unpack_columns(od.pack_columns(data)) == data
    with pytest.raises(ValueError):
        od.pack_columns(b'A,B\n"x,y",1\n')
    with pytest.raises(ValueError):
        od.pack_columns(b"A,B\n1\n")


def test_a_zip_is_rebuilt_byte_for_byte_from_its_parts(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("README.txt", b"read me", compress_type=zipfile.ZIP_STORED)
        zf.writestr("psam_p50.csv", CSV * 50, compress_type=zipfile.ZIP_DEFLATED)
    data = buf.getvalue()
    layout, files = od.zip_parts(data, "csv_pvt")
    for name, blob in files.items():
        (tmp_path / name).write_bytes(blob)
    assert od.rebuild_zip(layout, tmp_path) == data
    # the CSV is kept column by column only because zlib 6/9 gives its very bytes again
    assert "csv_pvt.psam_p50.csv.cols.xz" in files
    assert [s["member"] for s in layout["segments"] if "member" in s] == [
        "README.txt",
        "psam_p50.csv",
    ]
    # a member deflated otherwise (level 1) is kept as its compressed bytes, and still rebuilds
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("psam_p50.csv", CSV * 50, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    data = buf.getvalue()
    layout, files = od.zip_parts(data, "csv_pvt")
    assert set(files) == {"psam_p50.csv.deflated"}
    for name, blob in files.items():
        (tmp_path / name).write_bytes(blob)
    assert od.rebuild_zip(layout, tmp_path) == data


def test_a_zlib_that_deflates_otherwise_means_fetch_not_failure(monkeypatch):
    pin = od.registry()["acs_pums_2018_1yr_person_small_states/csv_pwy.zip"]
    other = od.deflate

    def level_one(data: bytes) -> bytes:
        return zlib.compress(data, 1)[2:-4]  # raw deflate, other settings

    monkeypatch.setattr(od, "deflate", level_one)
    monkeypatch.setattr(od, "NOT_REBUILT", {})
    assert od._unpack(pin) is None
    assert "zlib" in od.NOT_REBUILT[pin.path]
    monkeypatch.setattr(od, "deflate", other)
    assert od._unpack(pin) is not None
