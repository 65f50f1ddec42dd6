"""brainwaste check: PUMS totals against verification files and published tables."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from brainwaste import check
from brainwaste.cli import main
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def sample_zip(vt_tiny_zip):
    return vt_tiny_zip


def independent_totals(path) -> pd.DataFrame:
    """Totals and SEs of a few characteristics straight from the CSV with plain pandas."""
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".csv"))
        df = pd.read_csv(zf.open(name), dtype=str)
    weights = ["PWGTP"] + [f"PWGTP{r}" for r in range(1, 81)]
    w = df[weights].astype(float)
    age = df["AGEP"].astype(int)
    rows = []
    for label, mask in (
        ("Total population", np.ones(len(df), bool)),
        ("Total males (SEX=1)", df["SEX"] == "1"),
        ("Age 25-34", (age >= 25) & (age <= 34)),
        ("Age 85 and over", age >= 85),
    ):
        x = w[mask].sum()
        se = np.sqrt(4 / 80 * sum((x[f"PWGTP{r}"] - x["PWGTP"]) ** 2 for r in range(1, 81)))
        rows.append(
            {
                "ST": "50",
                "STATE": "Vermont",
                "CHARACTERISTIC": label,
                "PUMS_EST_24": round(x["PWGTP"]),
                "PUMS_SE_24": round(se),
            }
        )
    return pd.DataFrame(rows)


def test_verification_file_matches_independent_sums(sample_zip, tmp_path):
    ver = independent_totals(sample_zip)
    path = tmp_path / "pums_estimates_24.csv"
    ver.to_csv(path, index=False)
    pums = check.pums_totals([sample_zip])
    t = check.compare_verification(pums, check.read_verification(path))
    assert len(t) == 4 and t["matches"].all()
    # a wrong published number is caught
    ver.loc[1, "PUMS_EST_24"] += 7
    ver.to_csv(path, index=False)
    t = check.compare_verification(pums, check.read_verification(path))
    assert t["matches"].tolist() == [True, False, True, True]
    assert t.loc[1, "difference"] == -7


def test_cli_check_reports_mismatched_periods(sample_zip, capsys):
    ver = shared_file("pums_verification_estimates/pums_estimates_17_21.csv")
    assert main(["check", "--input", str(sample_zip), "--verification", str(ver)]) == 0
    out = capsys.readouterr().out
    assert "2017-2021" in out and "of 16 characteristics match" in out


def test_cli_check_needs_a_comparison(sample_zip, capsys):
    assert main(["check", "--input", str(sample_zip)]) == 2
    assert "--published" in capsys.readouterr().err


def test_published_tables_through_the_census_package(httpserver, monkeypatch, sample_zip):
    """The census package's request goes to BRAINWASTE_API_URL; the answer is compared."""
    fields = [
        "B01003_001E",
        "B05002_013E",
        "B15003_022E",
        "B15003_023E",
        "B15003_024E",
        "B15003_025E",
    ]
    values = [650000, 30000, 100000, 50000, 10000, 8000]
    header = ["NAME", *fields, *[f[:-1] + "M" for f in fields], "state"]
    row = ["Vermont", *map(str, values), *["1000"] * len(fields), "50"]
    httpserver.expect_request("/2024/acs/acs1").respond_with_data(
        json.dumps([header, row]), content_type="application/json"
    )
    monkeypatch.setenv("BRAINWASTE_API_URL", httpserver.url_for("/").rstrip("/"))
    published = check.published_totals(2024, 1, ["VT"], key="test-key-123")
    got = published.set_index("characteristic")
    assert got.loc["Total population", "published_estimate"] == 650000
    assert got.loc[check.COLLEGE_25, "published_estimate"] == 168000
    assert got.loc[check.COLLEGE_25, "published_moe90"] == pytest.approx(2000)
    request = httpserver.log[0][0]
    assert request.args["for"] == "state:50"
    pums = check.pums_totals([sample_zip])
    t = check.compare_published(pums, published)
    tp = t.set_index("characteristic").loc["Total population"]
    assert tp["difference"] == pytest.approx(tp["pums_estimate"] - 650000)


def test_published_tables_need_a_key(monkeypatch):
    monkeypatch.delenv("CENSUS_API_KEY", raising=False)
    from brainwaste.errors import ApiKeyError

    with pytest.raises(ApiKeyError, match="CENSUS_API_KEY"):
        check.published_totals(2024, 1, ["VT"])
