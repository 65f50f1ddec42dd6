"""The synthetic PUMS sample: determinism, Census schema and codes, consistency, weights."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from brainwaste.errors import InputError
from brainwaste.geography import fifty_states_and_dc
from brainwaste.pums import synthetic as syn
from brainwaste.pums.dictionary import is_blank_code, read_dictionary
from tests.conftest import shared_file

DICT_2024 = "pums_data_dictionaries/PUMS_Data_Dictionary_2024.txt"
HEALTH = {"6100", "6102", "6103", "6104", "6105", "6106", "6107", "6108", "6109", "6110", "6199"}
FOCUS = ["MA", "NY", "NJ", "CA", "TX", "FL"]
MA_POPULATION = 7_136_171


# -- helpers ---------------------------------------------------------------------------------------


def parse_dictionary(path: Path) -> dict[str, dict]:
    """Person-record variables of a Census TXT data dictionary, without the blank ("bb") codes."""
    variables = read_dictionary(path, "person")
    for var in variables.values():
        var["values"] = [v for v in var["values"] if not is_blank_code(v[0])]
    return variables


def invalid_values(values: pd.Series, var: dict) -> list[str]:
    """Distinct non-blank values of `values` that no code or range of `var` covers."""
    bad = []
    numeric = var["type"] == "N"
    for v in values.dropna().unique():
        ok = False
        for lo, hi, _ in var["values"]:
            if hi is None:
                ok = v == lo or (numeric and lo.lstrip("-").isdigit() and int(v) == int(lo))
            elif numeric:
                ok = int(lo) <= int(v) <= int(hi)
            else:
                ok = len(v) == len(lo) and lo <= v <= hi
            if ok:
                break
        if not ok:
            bad.append(v)
    return sorted(bad)[:10]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def num(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(df[col])


@pytest.fixture(scope="module")
def dictionary() -> dict[str, dict]:
    return parse_dictionary(shared_file(DICT_2024))


@pytest.fixture(scope="module")
def tiny_all() -> pd.DataFrame:
    return syn.generate_persons(size="tiny")


@pytest.fixture(scope="module")
def focus_default() -> pd.DataFrame:
    return syn.generate_persons(FOCUS)


# -- determinism -----------------------------------------------------------------------------------


def test_same_seed_same_bytes(tmp_path):
    a = syn.write_sample(tmp_path / "a", ["MA", "VT"], size="tiny")
    b = syn.write_sample(tmp_path / "b", ["MA", "VT"], size="tiny")
    assert [p.name for p in a] == ["csv_pma.zip", "csv_pvt.zip"]
    assert [sha256(p) for p in a] == [sha256(p) for p in b]


def test_different_seed_differs(tmp_path):
    (a,) = syn.write_sample(tmp_path / "a", ["MA"], size="tiny", seed=1)
    (b,) = syn.write_sample(tmp_path / "b", ["MA"], size="tiny", seed=2)
    assert sha256(a) != sha256(b)


def test_states_are_independent():
    alone = syn.generate_persons(["MA"], size="tiny")
    both = syn.generate_persons(["NY", "MA"], size="tiny")
    assert set(both["STATE"]) == {"25", "36"}
    pd.testing.assert_frame_equal(alone, both[both["STATE"] == "25"].reset_index(drop=True))


# -- files -----------------------------------------------------------------------------------------


def test_zip_layout(tmp_path, dictionary):
    (path,) = syn.write_sample(tmp_path, ["VT"], size="tiny", seed=7)
    assert path == tmp_path / "2024" / "1-Year" / "csv_pvt.zip"
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == ["SYNTHETIC_README.txt", "psam_p50.csv"]
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        readme = zf.read("SYNTHETIC_README.txt").decode()
        raw = zf.read("psam_p50.csv")
    assert syn.SYNTHETIC_MARK in readme and "seed 7" in readme and "NOT Census" in readme
    assert b"\r" not in raw and b'"' not in raw  # LF line ends, no quoting, as the Census files
    assert raw.split(b"\n", 1)[0].decode().split(",") == list(dictionary)
    assert syn.is_synthetic_zip(path)
    assert not list(tmp_path.rglob("*.tmp*"))


def test_is_synthetic_zip_false_for_others(tmp_path):
    plain = tmp_path / "csv_pma.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("psam_p25.csv", "RT,SERIALNO\n")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"<html>not a zip</html>")
    assert not syn.is_synthetic_zip(plain)
    assert not syn.is_synthetic_zip(junk)
    assert not syn.is_synthetic_zip(tmp_path / "missing.zip")


def test_csv_reads_back_as_generated(tmp_path):
    (path,) = syn.write_sample(tmp_path, ["RI"], size="tiny")
    with zipfile.ZipFile(path) as zf, zf.open("psam_p44.csv") as f:
        back = pd.read_csv(f, dtype=str)
    pd.testing.assert_frame_equal(
        back, syn.generate_persons(["RI"], size="tiny"), check_dtype=False
    )


# -- schema and codes ------------------------------------------------------------------------------

CODED = [
    "SCHL",
    "CIT",
    "NATIVITY",
    "ESR",
    "SEX",
    "ENG",
    "FOD1P",
    "FOD2P",
    "OCCP",
    "POBP",
    "STATE",
    "COW",
]


def test_columns_follow_the_2024_dictionary(tiny_all, dictionary):
    assert list(tiny_all.columns) == list(dictionary)
    assert all(pd.api.types.is_string_dtype(tiny_all[c]) for c in tiny_all.columns)


def test_codes_are_dictionary_codes(dictionary):
    df = syn.generate_persons(["MA", "CA", "PA", "WY"])  # default size: weights in range too
    for col in CODED:
        assert df[col].notna().any(), col
        assert invalid_values(df[col], dictionary[col]) == [], col
    filled = [c for c in df.columns if df[c].notna().any()]
    bad = {c: invalid_values(df[c], dictionary[c]) for c in filled}
    assert {c: v for c, v in bad.items() if v} == {}
    widths = {c: dictionary[c]["len"] for c in ("SCHL", "OCCP", "POBP", "PUMA", "FOD1P", "SOCP")}
    for c, width in widths.items():
        assert (df[c].dropna().str.len() == width).all(), c


def test_socp_matches_occp(tiny_all, dictionary):
    pairs = tiny_all[["OCCP", "SOCP"]].dropna().drop_duplicates()
    assert (tiny_all["OCCP"].isna() == tiny_all["SOCP"].isna()).all()
    # an occupation has the same title under OCCP and under SOCP in the dictionary
    occ = {v[0]: v[2].lower() for v in dictionary["OCCP"]["values"]}
    soc = {v[0]: v[2].lower() for v in dictionary["SOCP"]["values"]}
    assert len(pairs) > 100
    assert (pairs["OCCP"].map(occ) == pairs["SOCP"].map(soc)).all()


# -- consistency -----------------------------------------------------------------------------------


def test_consistency(tiny_all):
    df = tiny_all
    cit, nat, age = num(df, "CIT"), num(df, "NATIVITY"), num(df, "AGEP")
    assert ((nat == 1) == cit.isin([1, 2, 3])).all()
    assert ((nat == 2) == cit.isin([4, 5])).all()
    # YOEP is blank only for people born in the United States (CIT 1); every foreign-born
    # person (and, as in the Census files, natives born abroad: CIT 2-3) has one.
    assert (df["YOEP"].isna() == (cit == 1)).all()
    assert df.loc[nat == 2, "YOEP"].notna().all()
    yoep = num(df, "YOEP").dropna()
    assert (age[yoep.index] - (2024 - yoep) >= 0).all()
    assert (yoep <= 2024).all()
    schl = num(df, "SCHL")
    assert (df["FOD1P"].isna() == ~(schl >= 21)).all()
    assert df.loc[df["FOD2P"].notna(), "FOD1P"].notna().all()
    assert (df["ESR"].isna() == (age < 16)).all()
    assert (df["SCHL"].isna() == (age < 3)).all()
    assert (df["WAGP"].isna() == (age < 15)).all()
    assert (df["WKHP"].isna() == df["WKWN"].isna()).all()
    assert df.loc[num(df, "ESR").isin([1, 2]), "OCCP"].notna().all()
    assert df.loc[df["LANX"] == "2", "ENG"].isna().all()
    assert df.loc[age < 5, "ENG"].isna().all()
    assert (df["CITWP"].notna() == (cit == 4)).all()
    assert (df["SERIALNO"].str.fullmatch(r"2024(HU|GQ)\d{7}")).all()
    pernp = num(df, "PERNP").dropna()
    assert (pernp == num(df, "WAGP")[pernp.index] + num(df, "SEMP")[pernp.index]).all()


def test_households(tiny_all):
    df = tiny_all
    key = df["STATE"] + df["SERIALNO"]
    assert df.duplicated(["STATE", "SERIALNO", "SPORDER"]).sum() == 0
    assert not df.groupby("SERIALNO")["STATE"].nunique().gt(1).any()  # serials never shared
    sizes = key.value_counts()
    assert sizes.max() <= 8 and (sizes.between(1, 4).mean() > 0.99)
    sp = num(df, "SPORDER")
    gq = df["SERIALNO"].str[4:6] == "GQ"
    assert (sp == 1).sum() == key.nunique()
    heads = df[(sp == 1) & ~gq]
    assert (num(heads, "AGEP") >= 18).all() and (heads["RELSHIPP"] == "20").all()
    assert (sp[gq] == 1).all() and (df.loc[gq, "RELSHIPP"].isin(["37", "38"])).all()
    # sorted like a Census file
    assert (
        df.groupby("STATE", sort=False)["SERIALNO"].apply(lambda s: s.is_monotonic_increasing)
    ).all()


# -- weights ---------------------------------------------------------------------------------------


def test_replicate_weights(focus_default):
    df = focus_default
    w = num(df, "PWGTP").to_numpy(float)
    rep = np.column_stack([num(df, f"PWGTP{r}").to_numpy(float) for r in range(1, 81)])
    assert (rep >= 0).all() and (w >= 1).all()
    big = w >= 200  # rounding blurs small weights
    f = rep[big] / w[big, None]
    sdr = np.array([1 - 2**-0.5, 1.0, 1 + 2**-0.5])  # 1 + 2^(-3/2) * {-2, 0, 2}
    nearest = np.abs(f[..., None] - sdr).argmin(axis=-1)
    assert np.allclose(f, sdr[nearest], atol=0.01)
    assert set(np.unique(nearest)) == {0, 1, 2}
    assert abs(f.mean() - 1) < 0.005
    assert (np.abs(rep.mean(axis=1) / w - 1)[big] < 0.15).mean() > 0.9
    ma = (df["STATE"] == "25").to_numpy()
    total, totals = w[ma].sum(), rep[ma].sum(axis=0)
    se = np.sqrt(4 / 80 * ((totals - total) ** 2).sum())
    assert 0.001 < se / total < 0.01  # as the CV of a state total in a real file: small


def test_hadamard_80():
    h = syn.hadamard80()
    assert h.shape == (80, 80) and set(np.unique(h)) == {-1, 1}
    assert (h @ h.T == 80 * np.eye(80)).all()


def test_state_totals_and_sizes(focus_default):
    df = focus_default
    w = num(df, "PWGTP")
    assert abs(w[df["STATE"] == "25"].sum() / MA_POPULATION - 1) < 0.02
    assert df.groupby("STATE").size().eq(12_000).all()
    sizes = syn.records_per_state(fifty_states_and_dc())
    assert 140_000 <= sum(sizes.values()) <= 165_000
    assert min(sizes.values()) == 1_500
    health = df["FOD1P"].isin(HEALTH) | df["FOD2P"].isin(HEALTH)
    assert 0.25 <= health.mean() <= 0.30  # over-sampled
    assert (w * health).sum() / w.sum() < 0.05  # ... but weighted back to a small share
    assert w.max() <= 9999 and num(df, "PWGTP1").max() <= 9999


def test_foreign_educated_health_graduates_in_focus_states(focus_default):
    df = focus_default
    age, yoep = num(df, "AGEP"), num(df, "YOEP")
    health = df["FOD1P"].isin(HEALTH) | df["FOD2P"].isin(HEALTH)
    universe = (age >= 25) & (num(df, "SCHL") >= 21) & health
    fe = universe & (df["NATIVITY"] == "2") & (age - (2024 - yoep) >= 25)
    counts = fe.groupby(df["STATE"]).sum()
    assert len(counts) == 6 and (counts >= 100).all(), counts.to_dict()


def test_group_contrasts(focus_default):
    """Foreign-educated > U.S.-educated > U.S.-born underutilization; ~2/3 foreign-educated."""
    df = focus_default
    age, esr = num(df, "AGEP"), num(df, "ESR")
    w = num(df, "PWGTP")
    health = df["FOD1P"].isin(HEALTH) | df["FOD2P"].isin(HEALTH)
    lf = (age >= 25) & (num(df, "SCHL") >= 21) & health & esr.isin([1, 2, 3])
    tiers = syn.params()["occupation"]["codes"]["values"]
    low = df["OCCP"].map(lambda c: isinstance(c, str) and tiers[c][1] == "low").astype(bool)
    under = lf & ((esr == 3) | (esr.isin([1, 2]) & low))
    imm = df["NATIVITY"] == "2"
    fe = imm & (age - (2024 - num(df, "YOEP")) >= 25)
    groups = {"us_born": ~imm, "us_educated": imm & ~fe, "foreign_educated": fe}
    rate = {g: (w * under * m).sum() / (w * lf * m).sum() for g, m in groups.items()}
    assert rate["foreign_educated"] > rate["us_educated"] > rate["us_born"] > 0.05
    assert rate["foreign_educated"] < 0.29  # health graduates fare better than MPI's all fields
    share = (w * under * fe).sum() / (w * under * imm).sum()
    assert 0.55 < share < 0.75
    nursing = df["FOD1P"] == "6107"
    assert (w * nursing * (df["SEX"] == "2")).sum() / (w * nursing).sum() > 0.8


# -- arguments -------------------------------------------------------------------------------------


def test_sizes_and_bad_arguments():
    tiny = syn.records_per_state(["MA", "WY"], "tiny")
    assert tiny == {"MA": 1200, "WY": 150}
    assert syn.records_per_state(["MA", "WY"], 600) == {"MA": 600, "WY": 75}
    with pytest.raises(InputError):
        syn.records_per_state(["MA"], "huge")
    with pytest.raises(InputError):
        syn.generate_persons(["MA"], year=2019, size="tiny")
    with pytest.raises(InputError):
        syn.generate_persons(["XX"], size="tiny")
    with pytest.raises(InputError):
        syn.generate_persons(["US"], size="tiny")
    assert len(syn.generate_persons("ma", size=100)) == 100
