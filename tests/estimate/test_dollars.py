"""CPI-U-RS table and conversion to one year's dollars."""

from __future__ import annotations

import numpy as np
import pytest

from brainwaste.errors import InputError
from brainwaste.estimate.dollars import cpi_u_rs, cpi_u_rs_table, dollars_label, in_dollars_of


def test_table_holds_the_published_bls_averages():
    # BLS r-cpi-u-rs-allitems.xlsx, column AVG (December 1977 = 100)
    assert cpi_u_rs(1978) == 104.4
    assert cpi_u_rs(2012) == 336.9
    assert cpi_u_rs(2018) == 369.1
    assert cpi_u_rs(2023) == 449.3
    assert cpi_u_rs(2024) == 462.5
    table = cpi_u_rs_table()
    # every ACS year the package reads, without gaps
    assert set(range(2005, 2025)) <= set(table.index)
    assert list(table.index) == list(range(table.index.min(), table.index.max() + 1))


def test_year_over_year_changes_track_the_cpi_u():
    # CPI-U annual averages (BLS CUUR0000SA0): the research series moves with the CPI-U in
    # recent years, so the inflation rates agree within a few hundredths of a percent.
    cpi_u = {2017: 245.120, 2018: 251.107, 2019: 255.657, 2022: 292.655, 2023: 304.702}
    for a, b in [(2017, 2018), (2018, 2019), (2022, 2023)]:
        rs = cpi_u_rs(b) / cpi_u_rs(a) - 1
        u = cpi_u[b] / cpi_u[a] - 1
        assert rs == pytest.approx(u, abs=0.001)


def test_in_dollars_of_by_hand():
    out = in_dollars_of([1000.0, 2000.0, np.nan], [2018, 2024, 2018], 2024)
    assert out[0] == pytest.approx(1000 * 462.5 / 369.1)
    assert out[1] == pytest.approx(2000.0)
    assert np.isnan(out[2])
    # one year for every amount
    same = in_dollars_of(np.array([[100.0, 200.0]]), 2012, 2012)
    assert same.shape == (1, 2)
    np.testing.assert_allclose(same, [[100.0, 200.0]])
    # back and forth is the identity
    there = in_dollars_of([50_000.0], [2015], 2023)
    assert in_dollars_of(there, [2023], 2015)[0] == pytest.approx(50_000.0)


def test_unknown_year_is_refused_with_what_to_do():
    with pytest.raises(InputError, match="no CPI-U-RS annual average for 1970.*cpi_u_rs.csv"):
        cpi_u_rs(1970)
    with pytest.raises(InputError, match="2099"):
        in_dollars_of([1.0, 2.0], [2018, 2099], 2024)
    with pytest.raises(InputError, match="2099"):
        in_dollars_of([1.0], [2018], 2099)


def test_label_names_the_year_and_index():
    assert dollars_label(2024) == "2024 dollars (CPI-U-RS)"
