"""A tiny hand-made PUMS person file through the reader, the classification and the estimator.

Every number asserted below was worked out by hand from the rows of `PEOPLE`.
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import replace

import pandas as pd
import pytest

from brainwaste.errors import CorruptFileError, SchemaError
from brainwaste.estimate.outcomes import estimate_outcomes
from brainwaste.method.classify import classify, universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums.readers import read_persons
from brainwaste.pums.schema import REPLICATE_WEIGHTS

HEADER = ["RT", "SERIALNO", "SPORDER", "ST", "PUMA", "ADJINC", "PWGTP", "AGEP", "SEX", "CIT",
          "NATIVITY", "YOEP", "POBP", "ENG", "SCHL", "FOD1P", "FOD2P", "ESR", "OCCP", "SOCP",
          "WKHP", "WAGP", "PERNP"]  # fmt: skip

# serial, age, cit, nativity, yoep, schl, fod1, fod2, esr, occp, pwgtp, rep1 (others = pwgtp)
PEOPLE = [
    # in the universe
    ("0000001", 40, "1", "1", "", "21", "6107", "", "1", "3255", 100, 120),  # U.S.-born RN: high
    ("0000002", 50, "1", "1", "", "22", "6108", "", "1", "4720", 50, 50),  # U.S.-born cashier: low
    (
        "0000003",
        30,
        "1",
        "1",
        "",
        "21",
        "5200",
        "6107",
        "3",
        "3603",
        30,
        30,
    ),  # 2nd major nursing: unemployed
    (
        "0000004",
        45,
        "4",
        "2",
        "2000",
        "24",
        "6106",
        "",
        "1",
        "3602",
        80,
        60,
    ),  # arrived at 21: US-educated, low
    (
        "0000005",
        55,
        "5",
        "2",
        "2010",
        "21",
        "6107",
        "",
        "1",
        "3603",
        70,
        70,
    ),  # arrived at 41: foreign, middle
    (
        "0000006",
        60,
        "4",
        "2",
        "1990",
        "23",
        "6100",
        "",
        "6",
        "",
        40,
        40,
    ),  # arrived at 26: foreign, NILF
    # outside the universe
    ("0000007", 24, "1", "1", "", "21", "6107", "", "1", "3255", 90, 90),  # too young
    ("0000008", 40, "1", "1", "", "20", "6107", "", "1", "3255", 90, 90),  # associate's degree
    ("0000009", 40, "1", "1", "", "21", "5200", "", "1", "3255", 90, 90),  # not a health degree
    ("0000010", 40, "1", "1", "", "21", "6107", "", "4", "9830", 90, 90),  # Armed Forces
]


def tiny_csv() -> str:
    lines = [",".join(HEADER + list(REPLICATE_WEIGHTS))]
    for serial, age, cit, nat, yoep, schl, f1, f2, esr, occp, w, r1 in PEOPLE:
        row = ["P", f"2024HU{serial}", "1", "25", "00100", "1015250", str(w), str(age), "2", cit,
               nat, yoep, "036" if nat == "1" else "210", "" if nat == "1" else "1", schl, f1, f2,
               esr, occp, "", "40", "50000", "50000"]  # fmt: skip
        reps = [str(r1)] + [str(w)] * 79
        lines.append(",".join(row + reps))
    return "\n".join(lines) + "\n"


@pytest.fixture
def csv_path(tmp_path):
    p = tmp_path / "psam_p25.csv"
    p.write_text(tiny_csv())
    return p


@pytest.fixture
def table(csv_path):
    prof = load_profile("mpi")
    persons = read_persons(csv_path, prefilter=universe_prefilter(prof))
    return estimate_outcomes(classify(persons.frame, prof), prof, year=2024, period=1)


def row(t, pop, outcome):
    return t[(t.population == pop) & (t.outcome == outcome)].iloc[0]


def test_reader_keeps_codes_as_strings_and_adjusts_dollars(csv_path):
    p = read_persons(csv_path)
    f = p.frame
    assert p.n_records_read == 10 and p.has_replicate_weights
    assert list(f["STATE"].unique()) == ["25"] and f["POBP"].iloc[0] == "036"
    assert f["OCCP"].isna().sum() == 1  # the blank OCCP stays missing, not "0" or ""
    assert f["WAGP"].iloc[0] == pytest.approx(50000 * 1.015250)
    assert set(f["year"]) == {2024}
    # population totals cover all 10 records before any filter
    assert (
        p.population_totals.loc["total_population", "PWGTP"]
        == 100 + 50 + 30 + 80 + 70 + 40 + 4 * 90
    )


def test_classification_by_hand(csv_path):
    prof = load_profile("mpi")
    c = classify(read_persons(csv_path).frame, prof)
    assert c["in_universe"].tolist() == [True] * 6 + [False] * 4
    assert c["population"].tolist()[:6] == [
        "us_born", "us_born", "us_born",
        "immigrant_us_educated", "immigrant_foreign_educated", "immigrant_foreign_educated",
    ]  # fmt: skip
    assert c["status"].tolist()[:6] == [
        "employed_high_skill", "employed_low_skill", "unemployed",
        "employed_low_skill", "employed_middle_skill", "not_in_labor_force",
    ]  # fmt: skip
    assert c["age_at_arrival"].tolist()[3:6] == [21, 41, 26]
    # a lower arrival threshold moves nobody here (21 < 22), but 25 -> 20 would
    c20 = classify(read_persons(csv_path).frame, replace(prof, foreign_educated_arrival_age=20))
    assert c20["population"].iloc[3] == "immigrant_foreign_educated"


def test_estimates_by_hand(table):
    # U.S.-born: 100 + 50 + 30 = 180 (rep1: 120 + 50 + 30 = 200)
    r = row(table, "us_born", "total")
    assert r["count"] == 180 and r["n_unweighted"] == 3
    assert r["count_se"] == pytest.approx(math.sqrt(4 / 80 * 20**2))
    # underutilized U.S.-born: cashier 50 + unemployed 30 = 80 of a labor force of 180
    r = row(table, "us_born", "underutilized")
    assert r["count"] == 80 and r["share"] == pytest.approx(80 / 180)
    assert r["share_se"] == pytest.approx(math.sqrt(4 / 80 * (80 / 200 - 80 / 180) ** 2))
    # immigrants: 80 + 70 + 40 = 190; labor force 150; underutilized 80 (the US-educated aide)
    r = row(table, "immigrant", "underutilized")
    assert r["count"] == 80 and r["share"] == pytest.approx(80 / 150)
    # rep1: the aide weighs 60, the labor force 130
    assert r["share_se"] == pytest.approx(math.sqrt(4 / 80 * (60 / 130 - 80 / 150) ** 2))
    # foreign-educated: middle-skilled 70, NILF 40; nobody underutilized
    assert row(table, "immigrant_foreign_educated", "employed_middle_skill")["count"] == 70
    assert row(table, "immigrant_foreign_educated", "underutilized")["share"] == 0
    assert row(table, "immigrant_foreign_educated", "not_in_labor_force")["share"] == pytest.approx(
        40 / 110
    )


def test_zip_and_parquet_with_integer_codes_agree(tmp_path, csv_path, table):
    z = tmp_path / "csv_pma.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(csv_path, "psam_p25.csv")
        zf.writestr("ACS2024_PUMS_README.pdf", b"%PDF")
    df = pd.read_csv(csv_path, dtype=str)
    for col in ("ST", "PUMA", "POBP", "SCHL", "FOD1P", "FOD2P", "OCCP", "ESR", "NATIVITY"):
        df[col] = pd.to_numeric(df[col]).astype("Int64")  # leading zeros lost, as in many extracts
    pq = tmp_path / "extract.parquet"
    df.to_parquet(pq)
    prof = load_profile("mpi")
    for path in (z, pq):
        persons = read_persons(path, prefilter=universe_prefilter(prof))
        assert persons.frame["POBP"].iloc[0] == "036"
        t = estimate_outcomes(classify(persons.frame, prof), prof, year=2024, period=1)
        pd.testing.assert_frame_equal(t, table)


def test_not_a_person_file(tmp_path):
    h = tmp_path / "psam_h25.csv"
    h.write_text("RT,SERIALNO,DIVISION,PUMA,REGION,ST,NP,TEN\nH,2024HU0000001,1,00100,1,25,2,1\n")
    with pytest.raises(SchemaError, match="housing file"):
        read_persons(h)
    page = tmp_path / "csv_pma.zip"
    page.write_text("<!DOCTYPE html><html><body>Not found</body></html>")
    with pytest.raises(CorruptFileError, match="HTML"):
        read_persons(page)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(CorruptFileError):
        read_persons(broken)


def test_parquet_cache_gives_the_same_records(tmp_path, csv_path):
    cache = tmp_path / "cache"
    first = read_persons(csv_path, cache_dir=cache)
    assert len(list(cache.glob("psam_p25.*.persons.parquet"))) == 1
    second = read_persons(csv_path, cache_dir=cache)
    pd.testing.assert_frame_equal(first.frame, second.frame)


def test_employed_civilian_without_a_civilian_occupation_is_refused(tmp_path):
    """An employed civilian coded 9920 ("last worked 5+ years ago") cannot be tiered: refuse
    rather than drop the record from every count."""
    text = tiny_csv().replace(",1,3255,", ",1,9920,", 1)
    p = tmp_path / "psam_p25.csv"
    p.write_text(text)
    with pytest.raises(SchemaError, match="9920"):
        classify(read_persons(p).frame, load_profile("mpi"))


def test_report_on_a_file_without_pobp_or_yoep(tmp_path, csv_path, capsys):
    """A column subset (no POBP, no YOEP, like many extracts) still gives the report: the
    breakdowns it cannot make are named, the immigrant split is said to be missing, and no
    'thin numbers' remedy is offered for a split that more records would not give."""
    from brainwaste.cli import main

    t = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    subset = tmp_path / "subset" / "psam_p25.csv"
    subset.parent.mkdir()
    t.drop(columns=["POBP", "YOEP"]).to_csv(subset, index=False)
    status = main(["report", "--input", str(subset), "--year", "2024", "--period", "1",
                   "--states", "MA", "--data-dir", str(tmp_path / "d"),
                   "--reports-dir", str(tmp_path / "r")])  # fmt: skip
    assert status in (0, None)
    out = capsys.readouterr()
    text = out.out + out.err
    assert "no breakdown by birth_region" in text
    assert "no YOEP" in text
    assert "thin numbers" not in text
    est = pd.read_csv(tmp_path / "d" / "processed" / "estimates_2024_1yr.csv")
    # the same numbers as with the full file (see test_estimates_by_hand)
    r = row(est, "us_born", "underutilized")
    assert r["count"] == 80 and r["share"] == pytest.approx(80 / 180)
    assert row(est, "immigrant", "total")["n_unweighted"] > 0
    with pytest.raises(SchemaError, match="no breakdown by birth_region"):
        prof = load_profile("mpi")
        persons = read_persons(subset, prefilter=universe_prefilter(prof))
        estimate_outcomes(classify(persons.frame, prof), prof, year=2024, period=1,
                          breakdown="birth_region")  # fmt: skip
