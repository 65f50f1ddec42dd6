"""Person records from the Census PUMS API come out as the bulk file's records do.

A local server answers like the API (no network), from the official 2018 Vermont person file:
the variables.json metadata lists each variable's codes with its not-applicable code labelled
"N/A (...)", and the person answers carry what the API sends, not what the file holds: codes
without their leading zeros ("36" for POBP 036), not-applicable values as their N/A codes instead
of blanks, weights as JSON numbers, the geography last, only the records the predicates ask for,
at most 50 variables a request. :func:`load_api_persons` must then give exactly the records and
values that :func:`read_persons` gives from the zip for the same universe.
"""

from __future__ import annotations

import json
import zipfile
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest
from werkzeug import Request, Response

from brainwaste.method.classify import api_predicates, universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums import schema
from brainwaste.pums.from_api import load_api_persons
from brainwaste.pums.readers import read_persons
from tests.conftest import ROOT, shared_file

VT_2018 = "acs_pums_2018_1yr_person_small_states/csv_pvt.zip"
ENDPOINT = "/2018/acs/acs1/pums"
NUMERIC_NA = "-999999"  # the N/A code of numeric variables: no such value in the file


def vt_2018_path():
    vendored = ROOT / "tests" / "fixtures" / "official" / VT_2018
    return vendored if vendored.is_file() else shared_file(VT_2018)


@pytest.fixture(scope="module")
def vt_file() -> pd.DataFrame:
    with zipfile.ZipFile(vt_2018_path()) as zf:
        return pd.read_csv(zf.open("psam_p50.csv"), dtype=str, keep_default_na=False)


def is_numeric(name: str) -> bool:
    if name.startswith("PWGTP"):
        return True
    v = schema.BY_NAME.get(name)
    return v is not None and v.kind in ("int", "weight", "dollar")


def variables_json(vt_file: pd.DataFrame) -> dict:
    """Metadata in the layout of the API's variables.json, for the file's columns that the
    canonical table reads (the API lists all 286; these are enough for the loader)."""
    wanted = set(schema.BY_NAME) | set(schema.REPLICATE_WEIGHTS) | {"ST"}
    out = {}
    for name in (c for c in vt_file.columns if c in wanted):
        values = vt_file[name]
        if is_numeric(name):
            assert NUMERIC_NA not in set(values)
            out[name] = {
                "label": name,
                "predicateType": "int",
                "values": {"item": {NUMERIC_NA: "N/A (not applicable)"}},
            }
        else:
            codes = sorted(set(values) - {""})
            assert "0" not in codes or name == "SERIALNO"
            items = {"0": "N/A (not applicable)", **{c: f"code {c}" for c in codes}}
            out[name] = {"label": name, "predicateType": "string", "values": {"item": items}}
    return {"variables": out}


def sent(name: str, value: str):
    """A file value as the API sends it."""
    if value == "":
        return int(NUMERIC_NA) if is_numeric(name) else "0"
    if name.startswith("PWGTP"):
        return int(value)  # a JSON number
    if name in ("SERIALNO", "RT") or not value.isdigit():
        return value
    return str(int(value))  # numbers lose their leading zeros


def pums_handler(vt_file: pd.DataFrame, seen: list):
    def handler(request: Request) -> Response:
        args = parse_qs(urlparse(request.url).query)
        seen.append(args)
        get = args["get"][0].split(",")
        assert len(get) <= 50 and args["for"] == ["state:50"]
        lo, hi = (int(x) for x in args["AGEP"][0].split(":"))
        schl = args["SCHL"][0].split(",")
        age = vt_file["AGEP"].astype(int)
        rows = vt_file[(age >= lo) & (age <= hi) & vt_file["SCHL"].isin(schl)]
        body = [[*get, "state"]]
        body += [[sent(v, r[v]) for v in get] + ["50"] for _, r in rows.iterrows()]
        return Response(json.dumps(body), content_type="application/json")

    return handler


def test_api_records_equal_the_bulk_file_records(httpserver, tmp_path, monkeypatch, vt_file):
    monkeypatch.setenv("CENSUS_API_KEY", "k3y")
    seen: list = []
    httpserver.expect_request(f"{ENDPOINT}/variables.json").respond_with_json(
        variables_json(vt_file)
    )
    httpserver.expect_request(ENDPOINT).respond_with_handler(pums_handler(vt_file, seen))
    profile = load_profile("mpi")
    api = load_api_persons(
        2018, 1, ["VT"], api_predicates(profile),
        universe_prefilter(profile, keep_health_workers=False),
        data_dir=tmp_path, base_url=httpserver.url_for("/"),
    )  # fmt: skip
    files = read_persons(
        vt_2018_path(), prefilter=universe_prefilter(profile, keep_health_workers=False)
    )
    # the server was asked for the universe's ages and education, in requests of 50 names
    assert {a["AGEP"][0] for a in seen} == {"25:99"}
    assert {a["SCHL"][0] for a in seen} == {"21,22,23,24"}
    assert len(seen) >= 3 and api.has_replicate_weights
    key = ["SERIALNO", "SPORDER"]
    a = api.frame.sort_values(key, ignore_index=True)
    f = files.frame.sort_values(key, ignore_index=True)
    assert len(a) == len(f) == api.n_records_read > 100  # 149 health-degree holders 25+
    common = [c for c in f.columns if c in a.columns]
    assert set(schema.BY_NAME) - {"WKWN", "WKW"} <= set(common)  # 2018: WKW, no WKWN
    assert {"POBP", "OCCP", "FOD1P", "FOD2P", "WAGP", "PWGTP80"} <= set(common)
    pd.testing.assert_frame_equal(a[common], f[common])
    # the values the API spells differently came back as the file has them
    assert f["OCCP"].str.len().eq(4).all() and f["POBP"].str.len().eq(3).all()
    assert f["FOD2P"].isna().any() and f["WKHP"].isna().any()
    assert np.isclose(a["PWGTP"].sum(), f["PWGTP"].sum())
