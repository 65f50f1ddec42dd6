"""Property tests of the reader and the validation step (hypothesis).

Every generated file is a variant of one small clean person file: the same records with another
header order, case, BOM, line ending, quoting, extra columns or row order, or with one fault
(a duplicated record, a blank, negative or non-numeric weight, a missing replicate weight or
required column, a code outside the dictionary). Each variant either gives exactly the estimates
of its clean twin or is refused with an error of the package's own type; arbitrary damage to the
bytes ends in the numbers or in the package's own error, never in another exception.

``make test`` runs a few hundred cases; ``make fuzz`` (BRAINWASTE_FUZZ=1) runs thousands.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainwaste.errors import BrainwasteError
from brainwaste.estimate.outcomes import estimate_outcomes
from brainwaste.method.classify import classify, universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums.readers import read_persons

FUZZ = bool(os.environ.get("BRAINWASTE_FUZZ"))
# The suite's cases are derandomized (the same cases every run, so a test run is reproducible
# and a pass means the same thing on every machine); `make fuzz` draws fresh random cases.
settings.register_profile(
    "suite",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz", max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = "fuzz" if FUZZ else "suite"

COLUMNS = ["RT", "SERIALNO", "SPORDER", "PUMA", "STATE", "ADJINC", "PWGTP", "AGEP", "CIT",
           "NATIVITY", "YOEP", "ENG", "SCHL", "FOD1P", "FOD2P", "ESR", "OCCP", "WAGP"]  # fmt: skip
REPS = [f"PWGTP{r}" for r in range(1, 81)]
#: Columns the estimates table does not depend on: a file without them gives the same estimates.
OPTIONAL = ["RT", "PUMA", "ADJINC", "CIT", "ENG", "FOD2P", "WAGP"]
REQUIRED = ["SERIALNO", "SPORDER", "STATE", "PWGTP", "AGEP", "NATIVITY", "SCHL", "FOD1P", "ESR",
            "OCCP"]  # fmt: skip

# serial, sporder, age, nativity, yoep, schl, fod1p, esr, occp, pwgtp
PEOPLE = [
    ("2024GQ0000007", 1, 58, "2", "1990", "22", "6107", "1", "3603", 60),
    ("2024HU0000001", 1, 40, "1", "", "21", "6107", "1", "3255", 100),
    ("2024HU0000001", 2, 50, "1", "", "22", "6108", "1", "4720", 50),
    ("2024HU0000002", 1, 45, "2", "1995", "21", "6107", "1", "4720", 80),
    ("2024HU0000003", 1, 55, "2", "2010", "21", "6107", "3", "3255", 70),
    ("2024HU0000003", 2, 35, "2", "2015", "24", "6100", "1", "3090", 65),
    ("2024HU0000004", 1, 30, "1", "", "19", "", "1", "4720", 90),
    ("2024HU0000005", 1, 62, "1", "", "23", "6102", "6", "", 45),
]


def clean_frame() -> pd.DataFrame:
    rows = []
    for i, (serial, sp, age, nat, yoep, schl, fod, esr, occp, w) in enumerate(PEOPLE):
        row = {"RT": "P", "SERIALNO": serial, "SPORDER": str(sp), "PUMA": "00100",
               "STATE": "25", "ADJINC": "1015250", "PWGTP": str(w), "AGEP": str(age),
               "CIT": "1" if nat == "1" else "4", "NATIVITY": nat, "YOEP": yoep,
               "ENG": "" if nat == "1" else "2", "SCHL": schl, "FOD1P": fod, "FOD2P": "",
               "ESR": esr, "OCCP": occp, "WAGP": "40000"}  # fmt: skip
        for r, c in enumerate(REPS):
            row[c] = str(w + (r % 7) - 3 + i)  # replicate weights that differ from PWGTP
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS + REPS)


def to_csv(df: pd.DataFrame, eol: str = "\n", bom: bool = False, quote: bool = False) -> bytes:
    def cell(v: str) -> str:
        return f'"{v}"' if quote and v != "" else v

    lines = [",".join(cell(c) for c in df.columns)]
    lines += [",".join(cell(str(v)) for v in row) for row in df.itertuples(index=False)]
    data = (eol.join(lines) + eol).encode()
    return (b"\xef\xbb\xbf" if bom else b"") + data


def estimates(path: Path) -> pd.DataFrame:
    prof = load_profile("mpi")
    persons = read_persons(path, prefilter=universe_prefilter(prof))
    t = estimate_outcomes(classify(persons.frame, prof), prof, year=2024, period=1)
    return t.sort_values(["state", "population", "outcome"], ignore_index=True)


@functools.lru_cache(maxsize=1)
def reference() -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "psam_p25.csv"
        path.write_bytes(to_csv(clean_frame()))
        return estimates(path)


def outcome(data: bytes, name: str = "psam_p25.csv") -> pd.DataFrame | BrainwasteError:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_bytes(data)
        try:
            return estimates(path)
        except BrainwasteError as exc:
            assert len(str(exc)) <= 200, str(exc)
            assert d not in str(exc)
            return exc


def test_the_clean_file_has_every_group():
    t = reference()
    totals = t[t.outcome == "total"].set_index("population")["count"]
    assert totals["us_born"] == 100 + 50 + 45
    assert totals["immigrant_foreign_educated"] == 70 + 65  # arrived at 41 and 26
    assert totals["immigrant_us_educated"] == 60 + 80  # arrived at 24 and 16
    assert t["count_se"].notna().all()


# -- valid variants: the same estimates -----------------------------------------------------------

layouts = st.fixed_dictionaries(
    {
        "order": st.permutations(range(len(COLUMNS) + len(REPS))),
        "rows": st.permutations(range(len(PEOPLE))),
        "eol": st.sampled_from(["\n", "\r\n"]),
        "bom": st.booleans(),
        "quote": st.booleans(),
        "case": st.sampled_from(["upper", "lower", "mixed"]),
        "extra": st.lists(
            st.text("abcdefghxyz_", min_size=3, max_size=8).map(lambda s: "X_" + s),
            max_size=3,
            unique=True,
        ),
        "drop": st.lists(st.sampled_from(OPTIONAL), max_size=3, unique=True),
    }
)


def _variant(v: dict) -> bytes:
    df = clean_frame()
    df = df[[df.columns[i] for i in v["order"]]].iloc[list(v["rows"])]
    df = df.drop(columns=v["drop"])
    for i, name in enumerate(v["extra"]):
        df[name] = [f"v{i}{j}" for j in range(len(df))]
    if v["case"] != "upper":
        df.columns = [
            c.lower() if v["case"] == "lower" or i % 2 else c for i, c in enumerate(df.columns)
        ]
    return to_csv(df, v["eol"], v["bom"], v["quote"])


@settings(settings.get_profile(PROFILE))
@given(layouts)
def test_valid_layouts_give_the_estimates_of_the_clean_twin(v):
    got = outcome(_variant(v))
    assert not isinstance(got, BrainwasteError), got
    pd.testing.assert_frame_equal(got, reference())


# -- faults: refused, never a changed number ------------------------------------------------------


def _fault(kind: str, row: int, column_pick: int) -> pd.DataFrame:
    df = clean_frame()
    i = row % len(df)
    if kind == "duplicate":
        return pd.concat([df, df.iloc[[i]]]).sample(frac=1, random_state=column_pick)
    if kind == "blank_weight":
        df.loc[i, "PWGTP"] = ""
    elif kind == "negative_weight":
        df.loc[i, "PWGTP"] = "-" + df.loc[i, "PWGTP"]
    elif kind == "text_weight":
        df.loc[i, ["PWGTP", *REPS][column_pick % 81]] = "1O"
    elif kind == "blank_replicate":
        df.loc[i, REPS[column_pick % 80]] = ""
    elif kind == "missing_replicate":
        df = df.drop(columns=[REPS[column_pick % 80]])
    elif kind == "missing_required":
        df = df.drop(columns=[REQUIRED[column_pick % len(REQUIRED)]])
    elif kind == "bad_code":
        col, value = [("SCHL", "25"), ("FOD1P", "610"), ("FOD1P", "61070"), ("ESR", "8"),
                      ("NATIVITY", "0"), ("OCCP", "1234"), ("OCCP", "3600"), ("AGEP", "100"),
                      ("YOEP", "2030"), ("SEX", "3")][column_pick % 10]  # fmt: skip
        if col not in df:
            df[col] = "1"
        df.loc[i, col] = value
    elif kind == "blank_required":
        df.loc[i, ["SPORDER", "AGEP", "NATIVITY", "STATE", "SERIALNO"][column_pick % 5]] = ""
    elif kind == "bad_serial":
        df.loc[i, "SERIALNO"] = ["2024-HU01", "x", "2024HU000000", "1999HU0000001"][column_pick % 4]
    return df


FAULTS = ["duplicate", "blank_weight", "negative_weight", "text_weight", "blank_replicate",
          "missing_replicate", "missing_required", "bad_code", "blank_required", "bad_serial"]  # fmt: skip


@settings(settings.get_profile(PROFILE))
@given(
    kind=st.sampled_from(FAULTS),
    row=st.integers(0, 100),
    pick=st.integers(0, 1000),
    eol=st.sampled_from(["\n", "\r\n"]),
    quote=st.booleans(),
)
def test_every_fault_is_refused_or_changes_nothing(kind, row, pick, eol, quote):
    got = outcome(to_csv(_fault(kind, row, pick), eol, quote=quote))
    if not isinstance(got, BrainwasteError):  # a record the estimates never read
        pd.testing.assert_frame_equal(got, reference())


# -- any damage: the numbers or the package's own error -------------------------------------------


@settings(settings.get_profile(PROFILE))
@given(
    cuts=st.lists(st.tuples(st.integers(0, 20_000), st.binary(max_size=6)), min_size=1, max_size=4),
    name=st.sampled_from(["psam_p25.csv", "x.csv", "ss15pma.csv"]),
)
def test_damaged_bytes_never_raise_another_exception(cuts, name):
    data = bytearray(to_csv(clean_frame()))
    for at, new in cuts:
        at %= len(data)
        data[at : at + len(new)] = new
    got = outcome(bytes(data), name)
    assert isinstance(got, pd.DataFrame | BrainwasteError)


@settings(settings.get_profile(PROFILE))
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise_another_exception(data):
    got = outcome(data)
    assert isinstance(got, pd.DataFrame | BrainwasteError)


@pytest.mark.parametrize("prefix", [b"PK\x03\x04", b"PAR1", b"\x1f\x8b\x08\x00"])
@settings(settings.get_profile(PROFILE), max_examples=500 if FUZZ else 25)
@given(rest=st.binary(max_size=2000))
def test_bytes_that_look_like_zip_parquet_or_gzip(prefix, rest):
    got = outcome(prefix + rest)
    assert isinstance(got, pd.DataFrame | BrainwasteError)
