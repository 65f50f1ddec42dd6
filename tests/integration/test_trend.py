"""brainwaste trend: years lined up on one profile, differences between years with their SEs,
kept per-year results, refusals of bad input, and the multi-year synthetic sample."""

from __future__ import annotations

import json
import math
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

from brainwaste import sample_years
from brainwaste.cli import main
from brainwaste.errors import DataNotAvailable, InputError
from brainwaste.method.classify import classify
from brainwaste.method.codetables import crosswalk_2010_to_2018, occupations, occupations_2010
from brainwaste.method.profile import load_profile
from brainwaste.trend import (
    CHANGE_COLUMNS,
    changes,
    difference,
    parse_years,
    plan_years,
    stack_years,
    year_pairs,
)
from tests.conftest import shared_file

pytestmark = pytest.mark.usefixtures("fast_retries")


# -- the difference of two years ------------------------------------------------------------------


def test_difference_se_is_the_root_of_the_summed_variances_on_hand_cases():
    diff, se, moe, sig = difference(
        [0.20, 0.10, 0.30, 1000.0], [0.03, 0.01, np.nan, 300.0],
        [0.25, 0.15, 0.20, 1500.0], [0.04, 0.02, 0.05, 400.0],
    )  # fmt: skip
    # 0.05 / sqrt(0.03^2 + 0.04^2) = 0.05 / 0.05 = 1 SE: not significant (1 < 1.645)
    assert diff[0] == pytest.approx(0.05) and se[0] == pytest.approx(0.05)
    assert moe[0] == pytest.approx(0.08225)
    assert sig[0] is False or sig[0] == False  # noqa: E712
    # 0.05 / sqrt(0.0001 + 0.0004) = 0.05 / 0.0223607 = 2.236 SE: significant
    assert se[1] == pytest.approx(math.sqrt(0.0005)) and bool(sig[1]) is True
    assert moe[1] == pytest.approx(1.645 * 0.022360679775)
    # a missing SE (no replicate weights): no SE, no verdict
    assert math.isnan(se[2]) and pd.isna(sig[2])
    # counts: 500 / sqrt(300^2 + 400^2) = 500 / 500 = 1 SE
    assert diff[3] == 500 and se[3] == pytest.approx(500.0) and not bool(sig[3])


def test_significance_boundary_is_strict():
    # |diff| equal to 1.645 x SE is not "greater than"
    _, se, _, sig = difference([0.0], [0.03], [1.645 * 0.05], [0.04])
    assert se[0] == pytest.approx(0.05)
    assert not bool(sig[0])


def _block(year: int, share_fe: float, se_fe: float, count_fe: float, cse_fe: float):
    rows = []
    for pop, share, se, count, cse in (
        ("us_born", 0.10, 0.01, 1000.0, 100.0),
        ("immigrant_foreign_educated", share_fe, se_fe, count_fe, cse_fe),
    ):
        rows.append({"year": year, "period": 1, "state": "MA", "population": pop,
                     "outcome": "underutilized", "breakdown": "none", "category": "all",
                     "count": count, "count_se": cse, "share": share, "share_se": se,
                     "profile": "mpi"})  # fmt: skip
    return rows


def test_changes_pairs_first_to_each_and_each_to_next_with_hand_values():
    t = pd.DataFrame(
        _block(2016, 0.30, 0.03, 500.0, 60.0)
        + _block(2019, 0.28, 0.04, 520.0, 80.0)
        + _block(2024, 0.22, 0.02, 480.0, 40.0)
    )
    c = changes(t)
    assert list(c.columns) == CHANGE_COLUMNS
    fe = c[c["population"] == "immigrant_foreign_educated"]
    assert list(zip(fe["year_from"], fe["year_to"], strict=True)) == [
        (2016, 2019), (2016, 2024), (2019, 2024),
    ]  # fmt: skip
    r = fe.set_index(["year_from", "year_to"])
    # 2016 -> 2024: -0.08 / sqrt(0.03^2 + 0.02^2) = -0.08 / 0.0360555 = -2.22 SE: significant
    assert r.loc[(2016, 2024), "share_diff"] == pytest.approx(-0.08)
    assert r.loc[(2016, 2024), "share_diff_se"] == pytest.approx(math.sqrt(0.0013))
    assert r.loc[(2016, 2024), "share_diff_moe90"] == pytest.approx(1.645 * math.sqrt(0.0013))
    assert bool(r.loc[(2016, 2024), "significant90"])
    # 2016 -> 2019: -0.02 / 0.05: not significant
    assert r.loc[(2016, 2019), "share_diff_se"] == pytest.approx(0.05)
    assert not bool(r.loc[(2016, 2019), "significant90"])
    # counts: 2019 -> 2024: -40 / sqrt(80^2 + 40^2)
    assert r.loc[(2019, 2024), "count_diff"] == -40
    assert r.loc[(2019, 2024), "count_diff_se"] == pytest.approx(math.sqrt(8000))
    assert r.loc[(2019, 2024), "share_from"] == 0.28 and r.loc[(2019, 2024), "share_to"] == 0.22
    assert set(c["profile"]) == {"mpi"}


def test_year_pairs_for_two_and_four_years():
    assert year_pairs([2024, 2016]) == [(2016, 2024)]
    assert year_pairs([2016, 2019, 2022, 2024]) == [
        (2016, 2019), (2016, 2022), (2016, 2024), (2019, 2022), (2022, 2024),
    ]  # fmt: skip


def test_stack_years_refuses_mixed_profiles():
    a = pd.DataFrame(_block(2016, 0.3, 0.03, 500.0, 60.0))
    b = pd.DataFrame(_block(2019, 0.3, 0.03, 500.0, 60.0)).assign(profile="broad")
    with pytest.raises(InputError, match="different profiles"):
        stack_years([a, b])


# -- which years ----------------------------------------------------------------------------------


def test_parse_years_ranges_and_lists():
    assert parse_years("2012-2015") == [2012, 2013, 2014, 2015]
    assert parse_years("2016,2019,2024") == [2016, 2019, 2024]
    assert parse_years("2019, 2012-2013") == [2012, 2013, 2019]
    with pytest.raises(InputError, match="not a year"):
        parse_years("2019,abc")
    with pytest.raises(InputError, match="empty range"):
        parse_years("2024-2012")


def test_plan_skips_2020_one_year_with_the_reason():
    plan = plan_years(parse_years("2019-2021"), 1)
    assert plan.years == (2019, 2021) and plan.skipped == (2020,)
    assert "2020 skipped" in plan.notes[0] and "experimental" in plan.notes[0]


def test_plan_refuses_a_range_without_any_file_and_a_single_year():
    with pytest.raises(DataNotAvailable, match="no survey year with a 1-year file in 2020"):
        plan_years([2020], 1)
    with pytest.raises(InputError, match="at least two survey years"):
        plan_years([2019, 2020], 1)
    with pytest.raises(InputError, match="outside the supported"):
        plan_years([2009, 2019], 1)


def test_plan_refuses_overlapping_five_year_files_and_accepts_five_apart():
    assert plan_years([2014, 2019, 2024], 5).years == (2014, 2019, 2024)
    assert plan_years([2020, 2015], 5).years == (2015, 2020)  # 2020 5-year exists
    with pytest.raises(InputError, match=r"2015-2019 and 2018-2022 overlap.*2014,2019,2024"):
        plan_years([2019, 2022, 2024], 5)


# -- the 2017 -> 2018 occupation recode ------------------------------------------------------------


def test_a_2010_coded_file_and_its_2018_coded_twin_get_the_same_tiers():
    """Occupations that are the same on both sides of the recode (one 2010 code for one 2018
    code, made of the same SOC occupations) get the same skill tier and health group, whichever
    coding the file uses. A 2010 code has its own tier from its own SOC composition, so a code
    whose 2018 twin holds more SOC occupations may differ (0330 gaming managers, 11-9071, low;
    2018 code 0335 adds entertainment and recreation managers, 11-9072, high)."""
    cw = crosswalk_2010_to_2018()
    one_to_one = cw[cw["rule"].isin(["same", "recoded"])]
    one_to_one = one_to_one[one_to_one["occp2018"].map(cw["occp2018"].value_counts()) == 1]
    one_to_one = one_to_one[one_to_one["occp2018"] < "9800"]  # civilian jobs (no 9920, military)
    soc2010 = occupations_2010().set_index("occp2010")["bls_soc"]
    soc2018 = occupations().set_index("occp")["bls_soc"]
    same_socs = (
        one_to_one["occp2010"].map(soc2010).to_numpy()
        == one_to_one["occp2018"].map(soc2018).to_numpy()
    )
    assert set(one_to_one.loc[~same_socs, "occp2010"]) >= {"0330"}
    one_to_one = one_to_one[same_socs]
    assert len(one_to_one) > 300
    n = len(one_to_one)

    def frame(codes, year):
        return pd.DataFrame({
            "AGEP": pd.array([40] * n, "Int32"), "SCHL": ["22"] * n, "FOD1P": ["6107"] * n,
            "ESR": ["1"] * n, "OCCP": list(codes), "NATIVITY": ["1"] * n,
            "year": pd.array([year] * n, "Int16"), "STATE": ["25"] * n,
        })  # fmt: skip

    prof = load_profile("mpi")
    old = classify(frame(one_to_one["occp2010"], 2017), prof, file_year=2017)
    new = classify(frame(one_to_one["occp2018"], 2018), prof, file_year=2018)
    assert (old["occp2018"].to_numpy() == new["occp2018"].to_numpy()).all()
    assert (old["skill_tier"].to_numpy() == new["skill_tier"].to_numpy()).all()
    assert (old["status"].to_numpy() == new["status"].to_numpy()).all()
    assert (old["occupation_group"].to_numpy() == new["occupation_group"].to_numpy()).all()


# -- the multi-year synthetic sample ---------------------------------------------------------------


def test_sample_year_2024_is_the_plain_sample_and_other_years_are_their_own(tmp_path):
    from brainwaste.pums import synthetic

    a = sample_years.write_sample_year(tmp_path / "a", 2024, states="VT", size="tiny")
    b = synthetic.write_sample(tmp_path / "b", states="VT", year=2024, size="tiny")
    assert a[0].read_bytes() == b[0].read_bytes()
    c = sample_years.write_sample_year(tmp_path / "c", 2016, states="VT", size="tiny")
    d = sample_years.write_sample_year(tmp_path / "d", 2016, states="VT", size="tiny")
    assert c[0].read_bytes() == d[0].read_bytes()  # same arguments, same bytes
    with zipfile.ZipFile(c[0]) as zf:
        readme = zf.read("SYNTHETIC_README.txt").decode()
        df = pd.read_csv(zf.open("ss16pvt.csv"), dtype=str)  # the member name through 2016
    assert "SYNTHETIC" in readme and "survey year 2016" in readme
    assert synthetic.is_synthetic_zip(c[0])
    # the layout of 2016: plain serials, lower-case replicate weights, PUMA not zero-padded
    assert df["SERIALNO"].str.fullmatch(r"[0-9]{1,8}").all()
    assert not df.duplicated(["SERIALNO", "SPORDER"]).any()
    assert "pwgtp80" in df.columns and "PWGTP80" not in df.columns
    assert not df["PUMA"].str.startswith("0").any()
    assert df["ADJINC"].eq("1007588").all()  # the 2016 1-year factor of the Census dictionary
    yoep = pd.to_numeric(df["YOEP"]).dropna()
    assert yoep.max() <= 2016
    # 2010 Census occupation codes before 2018: every code is in the 2010 list
    codes2010 = set(crosswalk_2010_to_2018()["occp2010"])
    assert set(df["OCCP"].dropna()) <= codes2010
    assert not set(df["OCCP"].dropna()) & {"3090", "3100"}  # physicians: 3060 in 2010 codes
    back = sample_years.occp_2018_to_2010()
    assert back["3090"] == "3060" and back["3255"] == "3255" and back["3602"] == "4610"


def test_a_2016_sample_file_reads_as_2016_with_replicate_weights(tmp_path):
    from brainwaste.report import estimates_for, load_dataset

    path = sample_years.write_sample_year(tmp_path, 2016, states="VT", size="tiny")[0]
    ds = load_dataset(input_path=path, profile="mpi", progress=False)
    assert ds.year == 2016 and ds.synthetic and ds.persons.has_replicate_weights
    assert set(ds.persons.frame["year"]) == {2016}
    est = estimates_for(ds)
    assert est["count_se"].notna().any()


def test_sample_year_dollars_are_deflated_by_the_cpi_u_rs(tmp_path):
    from brainwaste.estimate.dollars import cpi_u_rs
    from brainwaste.pums import synthetic

    a = synthetic._generate_state("VT", 2022, sample_years.seed_for(1, 2019), 300,
                                  sample_years.drift_of(2019)).to_pandas()  # fmt: skip
    b = sample_years.generate_state_year("VT", 2019, 1, 300).to_pandas()
    wagp_a, wagp_b = pd.to_numeric(a["WAGP"]), pd.to_numeric(b["WAGP"])
    big = wagp_a > 60_000
    ratio = (wagp_b[big] / wagp_a[big]).median()
    assert ratio == pytest.approx(cpi_u_rs(2019) / cpi_u_rs(2024), abs=0.01)
    pernp = pd.to_numeric(b["PERNP"]).fillna(0)
    parts = pd.to_numeric(b["WAGP"]).fillna(0) + pd.to_numeric(b["SEMP"]).fillna(0)
    assert (pernp == parts).all()
    # the age at arrival is the same as drawn: YOEP moved with the survey year
    arr_a = pd.to_numeric(a["AGEP"]) - (2022 - pd.to_numeric(a["YOEP"]))
    arr_b = pd.to_numeric(b["AGEP"]) - (2019 - pd.to_numeric(b["YOEP"]))
    inner = pd.to_numeric(a["YOEP"]).between(1960, 2022)
    assert (arr_a[inner] == arr_b[inner]).all()


def test_sample_refuses_years_it_does_not_cover():
    with pytest.raises(InputError, match="synthetic sample has no 2012"):
        sample_years.check_years([2012, 2016])


# -- the command, on official files served by a local server ---------------------------------------


@pytest.fixture
def nh_server(httpserver, tmp_path):
    """A Census-layout server with the official 2018 New Hampshire file and the 2024 synthetic
    one (both in the official schema)."""
    real = shared_file("acs_pums_2018_1yr_person_small_states/csv_pnh.zip")
    syn = sample_years.write_sample_year(tmp_path / "syn", 2024, states="NH", size="tiny")[0]
    httpserver.expect_request("/2018/1-Year/csv_pnh.zip").respond_with_data(
        real.read_bytes(), content_type="application/zip"
    )
    httpserver.expect_request("/2024/1-Year/csv_pnh.zip").respond_with_data(
        syn.read_bytes(), content_type="application/zip"
    )
    httpserver.expect_request("/2022/1-Year/csv_pnh.zip").respond_with_data("no", status=404)
    return httpserver.url_for("/")


def _cli(*args) -> int:
    return main([*args, "--no-progress"])


def test_trend_of_two_official_schema_files_equals_two_estimate_runs(nh_server, tmp_path, capsys):
    d1, d2 = tmp_path / "trend", tmp_path / "single"
    assert _cli("trend", "--years", "2018,2024", "--period", "1", "--states", "NH",
                "--base-url", nh_server, "--data-dir", str(d1), "--no-figures") == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out  # 2024 is synthetic, and the trend says so
    t = pd.read_csv(d1 / "processed" / "trend_2018-2024_1yr.csv")
    for year in (2018, 2024):
        assert _cli("estimate", "--year", str(year), "--period", "1", "--states", "NH",
                    "--base-url", nh_server, "--data-dir", str(d2)) == 0  # fmt: skip
        e = pd.read_csv(d2 / "processed" / f"estimates_{year}_1yr.csv")
        e = e[e["breakdown"] == "none"].reset_index(drop=True)
        block = t[t["year"] == year].reset_index(drop=True)
        assert list(block.columns) == list(e.columns)
        pd.testing.assert_frame_equal(block, e, check_exact=True)
    c = pd.read_csv(d1 / "processed" / "changes_2018-2024_1yr.csv")
    assert list(c.columns) == CHANGE_COLUMNS
    r = c[(c["population"] == "us_born") & (c["outcome"] == "underutilized")].iloc[0]
    a = t[(t["year"] == 2018) & (t["population"] == "us_born") & (t["outcome"] == "underutilized")]
    b = t[(t["year"] == 2024) & (t["population"] == "us_born") & (t["outcome"] == "underutilized")]
    assert r["share_diff"] == pytest.approx(b["share"].iloc[0] - a["share"].iloc[0], abs=1e-9)
    se = math.hypot(a["share_se"].iloc[0], b["share_se"].iloc[0])
    assert r["share_diff_se"] == pytest.approx(se, rel=1e-8)
    assert bool(r["significant90"]) == (abs(r["share_diff"]) > 1.645 * r["share_diff_se"])
    meta = json.loads((d1 / "processed" / "trend_2018-2024_1yr.meta.json").read_text())
    assert meta["dollars"] == "2024 dollars (CPI-U-RS)"
    assert meta["profile"]["name"] == "mpi" and meta["years"] == [2018, 2024]
    f = pd.read_csv(d1 / "processed" / "forgone_earnings_trend_2018-2024_1yr.csv")
    assert set(f["dollars"]) == {"2024 dollars (CPI-U-RS)"}


def test_kept_years_are_reused_and_recomputed_when_inputs_or_profile_change(
    nh_server, tmp_path, capsys, monkeypatch
):
    d = tmp_path / "d"
    args = ("trend", "--years", "2018,2024", "--period", "1", "--states", "NH",
            "--base-url", nh_server, "--data-dir", str(d), "--no-figures")  # fmt: skip
    assert _cli(*args) == 0
    first = (d / "processed" / "trend_2018-2024_1yr.csv").read_bytes()
    assert "kept results reused: none" in capsys.readouterr().out
    import brainwaste.report

    def no_hashing(path):
        raise AssertionError(f"{path} hashed again although unchanged")

    with monkeypatch.context() as m:  # unchanged files: no record read, no file hashed
        m.setattr(sys.modules["brainwaste.trend"], "file_digest", no_hashing)
        m.setattr(brainwaste.report, "read_persons", no_hashing)
        assert _cli(*args) == 0
    assert "kept results reused: 2018, 2024" in capsys.readouterr().out
    assert (d / "processed" / "trend_2018-2024_1yr.csv").read_bytes() == first
    # a kept year made with other settings of the same profile name is estimated again
    kept = d / "processed" / "trend_years" / "mpi" / "files" / "2018_1yr_NH.json"
    meta = json.loads(kept.read_text())
    meta["profile"]["foreign_educated_arrival_age"] = 22
    kept.write_text(json.dumps(meta))
    assert _cli(*args) == 0
    out = capsys.readouterr().out
    assert "kept results reused: 2024" in out
    assert "note: kept 2018 results were made with other settings of profile 'mpi'" in out
    # a changed input file (another checksum) is estimated again
    z = d / "raw" / "2024" / "1yr" / "csv_pnh.zip"
    z.write_bytes(z.read_bytes() + b"")
    z.touch()
    assert _cli(*args) == 0
    assert "kept results reused: 2018, 2024" in capsys.readouterr().out  # same bytes: same sha
    assert (d / "processed" / "trend_2018-2024_1yr.csv").read_bytes() == first


def test_a_year_missing_on_the_server_is_left_out_with_a_note(nh_server, tmp_path, capsys):
    d = tmp_path / "d"
    assert _cli("trend", "--years", "2018,2022,2024", "--period", "1", "--states", "NH",
                "--base-url", nh_server, "--data-dir", str(d), "--no-figures") == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "note: 2022 skipped: HTTP 404" in out
    assert (d / "processed" / "trend_2018-2024_1yr.csv").exists()
    # with one year left there is no trend: error, nothing written
    d2 = tmp_path / "d2"
    code = _cli("trend", "--years", "2018,2022", "--period", "1", "--states", "NH",
                "--base-url", nh_server, "--data-dir", str(d2), "--no-figures")  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in err if line.startswith("brainwaste trend: error:")]
    assert code != 0 and errors == [err[-1]] and "at least two years with data" in err[-1]
    assert not list((d2 / "processed").glob("*_2018-*"))  # no trend, changes or meta file


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--years", "2020", "--period", "1", "--states", "MA"),
            "no survey year with a 1-year file",
        ),
        (("--years", "2019,2022", "--period", "5", "--states", "MA"), "overlap"),
        (("--years", "2019", "--period", "1", "--states", "MA"), "at least two survey years"),
        (("--years", "2016,2019", "--states", "MA"), "give --period"),
        (("--period", "1", "--states", "MA"), "give --years"),
        (("--sample", "--years", "2012,2016"), "synthetic sample has no 2012"),
        (("--sample", "--period", "5"), "1-year files"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, message):
    d = tmp_path / "d"
    code = _cli("trend", *args, "--data-dir", str(d), "--reports-dir", str(tmp_path / "r"))
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1 and message in err[0], err
    assert not (d / "processed").exists()
    assert not (tmp_path / "r").exists()


def test_trend_command_draws_its_charts_workbook_and_gallery(nh_server, tmp_path):
    from openpyxl import load_workbook

    r = tmp_path / "r"
    assert _cli("trend", "--years", "2018,2024", "--period", "1", "--states", "NH",
                "--base-url", nh_server, "--data-dir", str(tmp_path / "d"),
                "--reports-dir", str(r)) == 0  # fmt: skip
    for suffix in ("png", "svg", "pdf", "alt.txt", "csv"):
        assert (r / "figures" / f"underutilization_trend_nh.{suffix}").stat().st_size > 0
    alt = (r / "figures" / "underutilization_trend_nh.alt.txt").read_text()
    assert "New Hampshire" in alt and "SYNTHETIC" in alt  # 2024 comes from the synthetic file
    wb = load_workbook(r / "tables" / "brainwaste_tables.xlsx")
    assert wb.sheetnames == ["README", "estimates", "trend", "changes"]
    assert not list((r / "tables").glob("*.csv"))  # the CSVs are those of DATA_DIR/processed
    readme = "\n".join(str(c.value) for row in wb["README"].iter_rows() for c in row if c.value)
    assert "2024 dollars (CPI-U-RS)" in readme
    html = (r / "index.html").read_text()
    assert 'id="fig-underutilization-trend-nh"' in html and "ACS 2018, 2024 1-year" in html
