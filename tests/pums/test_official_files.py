"""The official Census files read right (vendored with the tests, or fetched: tests/conftest.py)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from brainwaste.cli import main
from brainwaste.estimate.replicate import standard_error
from brainwaste.pums.readers import read_persons
from tests.conftest import shared_file

SMALL = "acs_pums_2018_1yr_person_small_states"
MA_2024 = "acs_pums_2024_1yr_person_subset/p_25.parquet"

ROWS = {"de": 9_123, "nh": 13_780, "vt": 6_436, "wy": 5_740}


def need(path: str) -> Path:
    return shared_file(path)


@pytest.mark.parametrize("st", sorted(ROWS))
def test_official_2018_files_row_counts_and_total_population(st):
    path = need(f"{SMALL}/csv_p{st}.zip")
    persons = read_persons(path)
    assert persons.n_records_read == ROWS[st] == len(persons.frame)
    assert persons.has_replicate_weights
    # independent: plain pandas over the CSV inside the zip
    with zipfile.ZipFile(path) as zf:
        member = next(n for n in zf.namelist() if n.endswith(".csv"))
        raw = pd.read_csv(zf.open(member), usecols=["PWGTP", *[f"PWGTP{r}" for r in range(1, 81)]])
    sums = raw.sum().to_numpy(dtype=float)
    totals = persons.population_totals.loc["total_population"].to_numpy()
    np.testing.assert_array_equal(totals, sums)
    # SE of the total by the verification-estimate formula, written out longhand
    se = np.sqrt(4 / 80 * sum((sums[r] - sums[0]) ** 2 for r in range(1, 81)))
    assert standard_error(totals[None, :])[0] == pytest.approx(se, abs=1e-9)


def test_vermont_2018_codes_keep_their_zeros():
    f = read_persons(need(f"{SMALL}/csv_pvt.zip")).frame
    assert f["OCCP"].dropna().str.len().eq(4).all()
    assert f["SCHL"].dropna().str.len().eq(2).all()
    assert f["POBP"].dropna().str.len().eq(3).all()
    assert (f["STATE"] == "50").all()
    assert f["ADJINC"].eq(1_013_097).all()


def test_real_2024_massachusetts_extract_through_input(tmp_path, capsys):
    path = need(MA_2024)
    code = main(["estimate", "--input", str(path), "--data-dir", str(tmp_path)])
    assert code == 0
    meta = json.loads((tmp_path / "processed" / "estimates_2024_1yr.meta.json").read_text())
    assert meta["records_read"] == 74_617 and meta["year"] == 2024 and not meta["synthetic"]
    assert any("no replicate weights" in n for n in meta["notes"])
    out = capsys.readouterr().out
    assert "no replicate weights" in out
    p = read_persons(path)
    assert p.population_totals.loc["total_population", "PWGTP"] == 7_136_171
    assert p.population_totals.loc["foreign_born", "PWGTP"] == 1_338_927
    est = pd.read_csv(tmp_path / "processed" / "estimates_2024_1yr.csv")
    assert est["count_se"].isna().all()
    # without YOEP the immigrant split is empty, never zero
    assert est.loc[est.population == "immigrant_foreign_educated", "count"].isna().all()
    assert est.loc[(est.population == "immigrant") & (est.outcome == "total"), "count"].iloc[0] > 0
