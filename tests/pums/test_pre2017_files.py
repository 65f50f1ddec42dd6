"""Files before 2017: plain serial numbers, lower-case replicate weights, ``ssYYpST.csv`` members.

The hand-made file below has the layout of a 2015 1-year person file (RT first, SERIALNO a plain
number, PUMA without leading zeros, ST, RELP, WKW, JWTR, 2010 occupation codes, ``pwgtp1``..80).
Every number asserted was worked out by hand from `PEOPLE` with 2015 as the survey year.
"""

from __future__ import annotations

import io
import json
import math
import zipfile

import pandas as pd
import pytest

from brainwaste.cli import main
from brainwaste.errors import SchemaError
from brainwaste.method.classify import classify
from brainwaste.method.profile import load_profile
from brainwaste.pums import inputs, survey_year
from brainwaste.pums.readers import read_persons
from brainwaste.pums.schema import canonical_header
from brainwaste.report import estimates_for, load_dataset
from tests.conftest import shared_file

HEADER = ["RT", "SERIALNO", "SPORDER", "PUMA", "ST", "ADJINC", "PWGTP", "AGEP", "CIT", "COW",
          "ENG", "JWTR", "RELP", "SCHL", "SEX", "WAGP", "WKHP", "WKW", "YOEP", "ESR", "FOD1P",
          "FOD2P", "NATIVITY", "OCCP", "PERNP", "PINCP", "POBP", "SOCP"]  # fmt: skip
REPS = [f"pwgtp{r}" for r in range(1, 81)]

# serial, sporder, age, cit, nativity, yoep, schl, fod1p, esr, occp (2010 codes), pwgtp, pwgtp1
PEOPLE = [
    ("21", "01", 40, "1", "1", "", "21", "6107", "1", "3255", 100, 120),  # U.S.-born RN: high
    ("21", "02", 50, "1", "1", "", "22", "6108", "1", "4720", 50, 50),  # U.S.-born cashier: low
    # arrived at 45 - (2015 - 1995) = 25: foreign-educated (in a 2016 file: 24, U.S.-educated)
    ("35", "01", 45, "4", "2", "1995", "21", "6107", "1", "4720", 80, 60),  # cashier: low
    ("36", "01", 40, "4", "2", "1990", "24", "6106", "1", "3060", 70, 70),  # arrived at 15: high
    ("102", "01", 50, "5", "2", "2005", "21", "6107", "3", "3060", 40, 50),  # at 40: unemployed
    ("103", "01", 60, "4", "2", "2010", "21", "6107", "1", "3500", 30, 30),  # at 55: LPN, middle
    ("104", "01", 22, "1", "1", "", "21", "6107", "1", "3255", 90, 90),  # too young
    ("105", "01", 40, "1", "1", "", "20", "6107", "1", "3255", 90, 90),  # associate's degree
]


def old_csv(people=PEOPLE, reps=REPS) -> bytes:
    lines = [",".join(HEADER + reps)]
    for serial, sp, age, cit, nat, yoep, schl, fod1, esr, occp, w, r1 in people:
        row = ["P", serial, sp, "100", "25", "1001264", str(w), str(age), cit, "1",
               "" if nat == "1" else "1", "1", "00", schl, "2", "50000", "40", "1", yoep, esr,
               fod1, "", nat, occp, "50000", "50000", "036" if nat == "1" else "210", ""]  # fmt: skip
        lines.append(",".join(row + [str(r1)] + [str(w)] * 79))
    return ("\n".join(lines) + "\n").encode()


def old_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("ACS2015_PUMS_README.pdf", b"%PDF-1.4")
    return buf.getvalue()


@pytest.fixture
def ss15(tmp_path):
    p = tmp_path / "ss15pma.csv"
    p.write_bytes(old_csv())
    return p


@pytest.fixture
def zip15(tmp_path):
    p = tmp_path / "csv_pma.zip"
    p.write_bytes(old_zip({"ss15pma.csv": old_csv()}))
    return p


def row(t, pop, outcome):
    r = t[(t.population == pop) & (t.outcome == outcome) & (t.state == "MA")]
    assert len(r) == 1
    return r.iloc[0]


def assert_hand_computed(t: pd.DataFrame) -> None:
    """The estimates of `PEOPLE` as a 2015 1-year file, worked out by hand."""
    assert set(t["year"]) == {2015} and set(t["period"]) == {1}
    # U.S.-born: 100 + 50 (rep 1: 120 + 50); the cashier is underutilized
    r = row(t, "us_born", "total")
    assert (r["count"], r["n_unweighted"]) == (150, 2)
    assert r["count_se"] == pytest.approx(math.sqrt(4 / 80 * 20**2))
    r = row(t, "us_born", "underutilized")
    assert r["count"] == 50 and r["share"] == pytest.approx(50 / 150)
    assert r["share_se"] == pytest.approx(math.sqrt(4 / 80 * (50 / 170 - 50 / 150) ** 2))
    # U.S.-educated immigrant: the physician who arrived at 15
    r = row(t, "immigrant_us_educated", "total")
    assert (r["count"], r["n_unweighted"]) == (70, 1)
    assert row(t, "immigrant_us_educated", "employed_high_skill")["count"] == 70
    assert row(t, "immigrant_us_educated", "underutilized")["count"] == 0
    # foreign-educated: cashier 80 (arrived at 25), unemployed 40, LPN 30 (rep 1: 60, 50, 30)
    r = row(t, "immigrant_foreign_educated", "total")
    assert (r["count"], r["n_unweighted"]) == (150, 3)
    assert row(t, "immigrant_foreign_educated", "employed_low_skill")["count"] == 80
    assert row(t, "immigrant_foreign_educated", "unemployed")["count"] == 40
    assert row(t, "immigrant_foreign_educated", "employed_middle_skill")["count"] == 30
    r = row(t, "immigrant_foreign_educated", "underutilized")
    assert r["count"] == 120 and r["count_se"] == pytest.approx(math.sqrt(4 / 80 * 10**2))
    assert r["share"] == pytest.approx(120 / 150)
    assert r["share_se"] == pytest.approx(math.sqrt(4 / 80 * (110 / 140 - 120 / 150) ** 2))
    assert r["share_moe90"] == pytest.approx(1.645 * r["share_se"])
    # all immigrants: 70 + 150
    assert row(t, "immigrant", "total")["count"] == 220


def estimates_csv(data_dir, year=2015, period=1) -> pd.DataFrame:
    return pd.read_csv(data_dir / "processed" / f"estimates_{year}_{period}yr.csv")


# -- the reader -------------------------------------------------------------------------------


def test_plain_serials_take_the_year_of_the_member_name(zip15):
    p = read_persons(zip15)
    f = p.frame
    assert set(f["year"]) == {2015} and p.years == [2015]
    assert p.has_replicate_weights and "PWGTP1" in f and "pwgtp1" not in f
    assert f["PWGTP1"].iloc[0] == 120
    assert f["PUMA"].iloc[0] == "00100" and f["STATE"].iloc[0] == "25"
    assert f["SERIALNO"].iloc[0] == "21"
    c = classify(f, load_profile("mpi"), file_year=2015)
    assert c["age_at_arrival"].tolist()[2:6] == [25, 15, 40, 55]
    assert c["population"].iloc[2] == "immigrant_foreign_educated"
    # RN and physicians are 2010 codes: 3060 becomes a 2018 physician code
    assert c["occp2018"].iloc[3] in ("3065", "3070", "3090", "3100")


def test_the_year_asked_for_gives_plain_serials_their_year(tmp_path):
    p = tmp_path / "extract.csv"
    p.write_bytes(old_csv())
    with pytest.raises(SchemaError, match=r"give the file's year with --year.*\(21, 1\)"):
        read_persons(p)
    f = read_persons(p, year=2016, period=1).frame
    assert set(f["year"]) == {2016}
    # in a 2016 file the cashier arrived at 24: U.S.-educated
    c = classify(f, load_profile("mpi"), file_year=2016)
    assert c["population"].iloc[2] == "immigrant_us_educated"


def test_year_asked_and_member_name_must_agree(zip15):
    with pytest.raises(SchemaError, match=r"named for the 2015 survey, not 2016: give --year 2015"):
        read_persons(zip15, year=2016, period=1)
    assert read_persons(zip15, year=2015, period=1).years == [2015]


def test_plain_serials_in_a_5_year_file_are_refused(zip15):
    with pytest.raises(SchemaError, match="plain SERIALNO numbers in a file of several years"):
        read_persons(zip15, year=2015, period=5)


@pytest.mark.parametrize(
    "serial", ["2015-000021", "X21", "21.0", " ", "2015HX0000021", "20150000000210"]
)
def test_serials_that_carry_no_readable_year_are_refused(tmp_path, serial):
    people = [(serial, *PEOPLE[0][1:])] + PEOPLE[1:]
    p = tmp_path / "ss15pma.csv"
    p.write_bytes(old_csv(people))
    with pytest.raises(SchemaError) as exc:
        read_persons(p)
    msg = str(exc.value)
    assert msg.startswith("ss15pma.csv: column SERIALNO is neither a 13-character")
    assert "; 1 record" in msg and len(msg) <= 200


def test_five_year_file_years_come_from_each_serial(tmp_path):
    """A 2012-2016 5-year layout: 13-digit serials whose first four digits are the year."""
    people = [(f"{2012 + i % 5}{int(s):09d}", *rest) for i, (s, *rest) in enumerate(PEOPLE)]
    p = tmp_path / "ss16pma.csv"
    p.write_bytes(old_csv(people))
    f = read_persons(p, year=2016, period=5).frame
    assert f["year"].tolist() == [2012, 2013, 2014, 2015, 2016, 2012, 2013, 2014]
    c = classify(f, load_profile("mpi"), file_year=2016)
    # the cashier's record is from 2014: arrived at 45 - (2014 - 1995) = 26
    assert c["age_at_arrival"].iloc[2] == 26
    # a record of 2011 is not in the 2012-2016 period; nor is any 2017 record
    people[3] = ("2011000000036", *people[3][1:])
    p.write_bytes(old_csv(people))
    with pytest.raises(
        SchemaError, match=r"year 2011 is outside the 2016 5-year file.*2011000000036"
    ):
        read_persons(p, year=2016, period=5)


def test_a_file_of_another_year_is_refused(tmp_path):
    people = [(f"2017{int(s):09d}", *rest) for s, *rest in PEOPLE]
    p = tmp_path / "psam_p25.csv"
    p.write_bytes(old_csv(people))
    with pytest.raises(SchemaError, match="SERIALNO year 2017 is outside the 2018 1-year file"):
        read_persons(p, year=2018, period=1)
    with pytest.raises(SchemaError, match="every record is from survey year 2017, not 2018"):
        read_persons(p, year=2018)
    assert read_persons(p, year=2017, period=1).years == [2017]


def test_column_names_match_whatever_their_case(tmp_path):
    assert canonical_header(["rt", "SerialNo", "st", "pwgtp", "pwgtp80", "other"]) == [
        "RT", "SERIALNO", "ST", "PWGTP", "PWGTP80", "other",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="pwgtp1 and PWGTP1 are the same variable"):
        canonical_header(["pwgtp1", "PWGTP1"])
    df = pd.read_csv(io.BytesIO(old_csv()), dtype=str)
    df.columns = [c.lower() for c in df.columns]
    pq = tmp_path / "lower.parquet"
    df.to_parquet(pq)
    a = read_persons(pq, year=2015).frame
    b = read_persons(io_path(tmp_path, old_csv())).frame
    pd.testing.assert_frame_equal(a, b)


def io_path(tmp_path, data: bytes):
    p = tmp_path / "ss15pma.csv"
    p.write_bytes(data)
    return p


def test_names_of_old_members():
    assert survey_year.year_in_name("csv_pma.zip:ss15pma.csv") == 2015
    assert survey_year.year_in_name("/d/ss12pusb.csv") == 2012
    assert survey_year.year_in_name("psam_p25.csv") is None
    assert inputs.short("/tmp/x/y/csv_pma.zip:ss15pma.csv") == "csv_pma.zip:ss15pma.csv"


# -- end to end: --input and fetch ------------------------------------------------------------


@pytest.mark.parametrize("which", ["csv", "zip"])
def test_estimate_input_of_a_2015_file(which, ss15, zip15, tmp_path, capsys):
    path = ss15 if which == "csv" else zip15
    data = tmp_path / "data"
    assert main(["estimate", "--input", str(path), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "no replicate weights" not in out
    assert_hand_computed(estimates_csv(data))
    meta = json.loads((data / "processed" / "estimates_2015_1yr.meta.json").read_text())
    assert meta["year"] == 2015


def test_estimate_input_without_a_year_in_the_name(tmp_path, capsys):
    p = tmp_path / "extract.csv"
    p.write_bytes(old_csv())
    data = tmp_path / "data"
    assert main(["estimate", "--input", str(p), "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "extract.csv: plain SERIALNO numbers carry no survey year" in err
    assert str(tmp_path) not in err
    args = ["estimate", "--input", str(p), "--year", "2015", "--period", "1"]
    assert main([*args, "--data-dir", str(data)]) == 0
    assert_hand_computed(estimates_csv(data))


def test_fetch_and_estimate_a_2015_file_from_the_server(httpserver, tmp_path, capsys):
    httpserver.expect_request("/2015/1-Year/csv_pma.zip").respond_with_data(
        old_zip({"ss15pma.csv": old_csv()}), content_type="application/zip"
    )
    data = tmp_path / "data"
    base = ["--year", "2015", "--period", "1", "--states", "MA", "--data-dir", str(data)]
    url = ["--base-url", httpserver.url_for("/")]
    assert main(["fetch", *base, *url, "--no-progress"]) == 0
    assert main(["estimate", *base, *url, "--no-progress"]) == 0
    assert_hand_computed(estimates_csv(data))
    assert len(httpserver.log) == 1  # estimate used the fetched file
    # the second read comes from the parquet cache: the same numbers
    ds = load_dataset(year=2015, period=1, states="MA", data_dir=data,
                      base_url=httpserver.url_for("/"), progress=False)  # fmt: skip
    assert_hand_computed(estimates_for(ds))


def test_fetched_2016_file_with_2015_member_is_refused(httpserver, tmp_path, capsys):
    httpserver.expect_request("/2016/1-Year/csv_pma.zip").respond_with_data(
        old_zip({"ss15pma.csv": old_csv()}), content_type="application/zip"
    )
    args = ["estimate", "--year", "2016", "--period", "1", "--states", "MA", "--no-progress",
            "--data-dir", str(tmp_path), "--base-url", httpserver.url_for("/")]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ss15pma.csv" in err


# -- an official file rewritten in the pre-2017 layout -----------------------------------------

VT_2018 = "acs_pums_2018_1yr_person_small_states/csv_pvt.zip"


def test_official_file_in_the_old_layout_gives_the_same_numbers(tmp_path):
    """The official 2018 Vermont file rewritten as a pre-2017 1-year file (plain serial numbers,
    lower-case replicate weights, ``ss18pvt.csv`` member) gives every estimate, SE and the
    immigrant split of the original: the year comes from the member name, not from SERIALNO."""
    vt_2018 = shared_file(VT_2018)
    with zipfile.ZipFile(vt_2018) as zf:
        df = pd.read_csv(zf.open("psam_p50.csv"), dtype=str, keep_default_na=False)
    codes, _ = pd.factorize(df["SERIALNO"])
    df["SERIALNO"] = (codes + 1).astype(str)  # HU and GQ serials stay distinct, as in old files
    df = df.rename(columns={f"PWGTP{r}": f"pwgtp{r}" for r in range(1, 81)})
    old = tmp_path / "csv_pvt.zip"
    old.write_bytes(old_zip({"ss18pvt.csv": df.to_csv(index=False).encode()}))
    new_ds = load_dataset(input_path=vt_2018, progress=False)
    old_ds = load_dataset(input_path=old, progress=False)
    assert old_ds.year == 2018 and old_ds.persons.has_replicate_weights
    a, b = estimates_for(new_ds), estimates_for(old_ds)
    pd.testing.assert_frame_equal(a, b)
    fe = a[(a.population == "immigrant_foreign_educated") & (a.outcome == "total")]
    assert fe["count"].iloc[0] > 0 and fe["count_se"].iloc[0] > 0
