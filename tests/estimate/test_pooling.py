"""Pooling 1-year files: weights divided by the number of years."""

from __future__ import annotations

import numpy as np
import pytest

from brainwaste.pums import synthetic
from brainwaste.report import estimates_for, load_dataset


@pytest.fixture(scope="module")
def vt_zips(tmp_path_factory):
    """The tiny synthetic Vermont sample written as a 2022 and a 2023 file: the same people (the
    same seed), each file's SERIALNOs carrying its own year."""
    out = tmp_path_factory.mktemp("s")
    return {
        y: synthetic.write_sample(out, states=["VT"], size="tiny", year=y)[0] for y in (2022, 2023)
    }


@pytest.fixture(scope="module")
def vt_zip(vt_zips):
    return vt_zips[2022]


def test_same_file_pooled_twice_gives_the_same_estimates(httpserver, vt_zips, tmp_path):
    for year in (2022, 2023):
        httpserver.expect_request(f"/{year}/1-Year/csv_pvt.zip").respond_with_data(
            vt_zips[year].read_bytes(), content_type="application/zip"
        )
    base = httpserver.url_for("/").rstrip("/")
    one = load_dataset(
        year=2023, period=1, states="VT", data_dir=tmp_path, base_url=base, progress=False
    )
    two = load_dataset(
        year=[2022, 2023], period=1, states="VT", data_dir=tmp_path, base_url=base, progress=False
    )
    assert two.pooled_years == [2022, 2023] and two.years_label == "2022-2023"
    assert one.synthetic and two.synthetic  # synthetic zips stay marked wherever they come from
    a, b = estimates_for(one), estimates_for(two)
    # the same records twice with half the weight: same counts, shares and SEs; twice the records
    np.testing.assert_allclose(b["count"], a["count"])
    np.testing.assert_allclose(b["count_se"], a["count_se"])
    np.testing.assert_allclose(b["share"].fillna(-1), a["share"].fillna(-1))
    np.testing.assert_array_equal(b["n_unweighted"], 2 * a["n_unweighted"])
    assert any("pooled" in n for n in two.notes)


def test_pooling_five_year_files_is_refused(tmp_path):
    from brainwaste.errors import InputError

    with pytest.raises(InputError, match="only 1-year files"):
        load_dataset(year=[2022, 2023], period=5, states="VT", data_dir=tmp_path)


def test_parquet_cache_keeps_years_apart(httpserver, vt_zip, tmp_path):
    """csv_pvt.zip of two years must not share one parquet copy."""
    other = synthetic.write_sample(tmp_path / "o", states=["VT"], size="tiny", seed=7, year=2023)[0]
    httpserver.expect_request("/2022/1-Year/csv_pvt.zip").respond_with_data(vt_zip.read_bytes())
    httpserver.expect_request("/2023/1-Year/csv_pvt.zip").respond_with_data(other.read_bytes())
    base = httpserver.url_for("/").rstrip("/")
    data = tmp_path / "data"
    a = load_dataset(year=2022, period=1, states="VT", data_dir=data, base_url=base, progress=False)
    b = load_dataset(year=2023, period=1, states="VT", data_dir=data, base_url=base, progress=False)
    assert len(list((data / "raw" / "cache").glob("*.persons.parquet"))) == 2
    assert a.persons.n_records_read != b.persons.n_records_read or not a.classified["PWGTP"].equals(
        b.classified["PWGTP"]
    )
