"""The national file (several CSV parts) and the fetch cache check, through the command line."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from brainwaste.cli import main
from brainwaste.report import estimates_for, load_dataset


@pytest.fixture(scope="module")
def state_zips(sample_zips):
    return sample_zips(["VT", "NH", "ME"])


def national_zip(state_zips) -> bytes:
    """A csv_pus.zip in the Census layout: the persons split over psam_pusa.csv and psam_pusb.csv."""
    frames = []
    for z in state_zips:
        with zipfile.ZipFile(z) as zf:
            name = next(n for n in zf.namelist() if n.endswith(".csv"))
            frames.append(zf.read(name).decode())
    header = frames[0].split("\n", 1)[0]
    bodies = [f.split("\n", 1)[1] for f in frames]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("psam_pusa.csv", header + "\n" + bodies[0] + bodies[1])
        zf.writestr("psam_pusb.csv", header + "\n" + bodies[2])
        zf.writestr("ACS2024_PUMS_README.pdf", b"%PDF-1.4")
    return buf.getvalue()


def test_national_file_gives_the_same_numbers_as_the_state_files(httpserver, state_zips, tmp_path):
    httpserver.expect_request("/2024/1-Year/csv_pus.zip").respond_with_data(
        national_zip(state_zips)
    )
    for z in state_zips:
        httpserver.expect_request(f"/2024/1-Year/{z.name}").respond_with_data(z.read_bytes())
    base = httpserver.url_for("/").rstrip("/")
    nat = load_dataset(
        year=2024, period=1, states="US", data_dir=tmp_path / "a", base_url=base, progress=False
    )
    per = load_dataset(
        year=2024,
        period=1,
        states="VT,NH,ME",
        data_dir=tmp_path / "b",
        base_url=base,
        progress=False,
    )
    assert nat.persons.n_records_read == per.persons.n_records_read
    a = estimates_for(nat)
    b = estimates_for(per)
    keys = ["state", "population", "outcome"]
    m = a.merge(b, on=keys, suffixes=("_nat", "_st"))
    m = m[m["state"].isin(["VT", "NH", "ME"])]
    assert len(m) == 3 * 40
    pd.testing.assert_series_equal(m["count_nat"], m["count_st"], check_names=False)
    pd.testing.assert_series_equal(m["count_se_nat"], m["count_se_st"], check_names=False)
    # the national run also reports every other state (zero records) and the US total
    us = a[(a.state == "US") & (a.population == "us_born") & (a.outcome == "total")]["count"].iloc[
        0
    ]
    three = b[(b.population == "us_born") & (b.outcome == "total")]["count"].sum()
    assert us == pytest.approx(three)
    assert set(a["state"]) >= {"CA", "TX", "US"}


def test_fetch_then_verify_detects_damage(httpserver, state_zips, tmp_path, capsys):
    vt = next(z for z in state_zips if z.name == "csv_pvt.zip")
    httpserver.expect_request(f"/2024/1-Year/{vt.name}").respond_with_data(vt.read_bytes())
    base = httpserver.url_for("/").rstrip("/")
    args = [
        "fetch",
        "--year",
        "2024",
        "--period",
        "1",
        "--states",
        "VT",
        "--data-dir",
        str(tmp_path),
        "--base-url",
        base,
        "--no-progress",
    ]
    assert main(args) == 0
    got = capsys.readouterr().out.strip()
    assert got.endswith("csv_pvt.zip")
    assert main(["fetch", "--verify", "--data-dir", str(tmp_path)]) == 0
    assert "intact" in capsys.readouterr().out
    path = tmp_path / "raw" / "2024" / "1yr" / "csv_pvt.zip"
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    assert main(["fetch", "--verify", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and "--force" in err
