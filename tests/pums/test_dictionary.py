"""The PUMS data dictionary reader, on both published layouts (skipped where they are absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from brainwaste.geography import state_table
from brainwaste.pums.dictionary import is_blank_code, read_dictionary
from tests.conftest import shared_file


def need(name: str) -> Path:
    return shared_file(f"pums_data_dictionaries/{name}")


@pytest.mark.parametrize("name", ["PUMS_Data_Dictionary_2018.csv", "PUMS_Data_Dictionary_2024.txt"])
def test_both_layouts_give_the_person_record(name):
    person = read_dictionary(need(name))
    housing = read_dictionary(need(name), "housing")
    # the 2018 person file has 286 columns (its CSV header says so); 2024 has the same count
    assert len(person) == 286
    assert list(person)[:4] == ["RT", "SERIALNO", "DIVISION", "SPORDER"]
    assert "PWGTP80" in person and "WGTP80" in housing and "PWGTP" not in housing
    schl = person["SCHL"]
    assert schl["type"] == "C" and schl["len"] == 2
    assert ("21", None, "Bachelor's degree") in schl["values"]
    assert is_blank_code(schl["values"][0][0])
    # ranges come back as (lo, hi)
    assert any(hi is not None for _, hi, _ in person["AGEP"]["values"])


def test_states_table_matches_the_2024_dictionary():
    var = read_dictionary(need("PUMS_Data_Dictionary_2024.txt"), "all")["STATE"]
    listed = {lo: label.rsplit("/", 1) for lo, _, label in var["values"]}
    table = state_table()
    assert sorted(listed) == sorted(table["fips"])
    for r in table.itertuples():
        assert listed[r.fips] == [r.name, r.usps]


def test_unknown_record_type():
    with pytest.raises(ValueError):
        read_dictionary("x.txt", "family")
