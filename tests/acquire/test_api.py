"""The Census PUMS API client against a local server that answers like the API (no network)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from werkzeug import Request, Response

from brainwaste.acquire import api_variables, cache, fetch_api
from brainwaste.acquire.api import MAX_VARIABLES, chunk_variables, encode_predicate
from brainwaste.errors import ApiError, ApiKeyError, InputError
from brainwaste.pums.api_values import normalize_api_frame

KEY = "k3y-SECRET-0123456789abcdef"
ENDPOINT = "/2018/acs/acs1/pums"
PREDICATES = {"AGEP": "25:99", "SCHL": [21, 22, 23, 24]}

#: Three people of Vermont (FIPS 50): SERIALNO, SPORDER.
PEOPLE = [("2018HU0000012", 1), ("2018HU0000012", 2), ("2018GQ0000345", 1)]
#: 120 variables: the person weight, its 80 replicates, and 39 others.
WIDE = ["PWGTP"] + [f"PWGTP{i}" for i in range(1, 81)] + [f"V{i:02d}" for i in range(39)]


@pytest.fixture(autouse=True)
def api_key(fast_retries, monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", KEY)


def value(var: str, serial: str, sporder: int):
    """What the fake API sends for a person and variable: numbers for weights, else strings."""
    if var.startswith("PWGTP"):
        return int(serial[-3:]) * 10 + sporder + len(var)  # sent as a JSON number
    if var == "OCCP":
        return "0010"  # a code with leading zeros, sent as a string
    return f"{var}-{serial[-3:]}-{sporder}"


def answer(get: list[str], people=PEOPLE, order=None) -> list[list]:
    rows = [[*get, "state"]]
    picked = [people[i] for i in order] if order else list(people)
    for serial, sporder in picked:
        row = []
        for v in get:
            if v == "SERIALNO":
                row.append(serial)
            elif v == "SPORDER":
                row.append(sporder)  # the API sends SPORDER as a number in some years
            else:
                row.append(value(v, serial, sporder))
        rows.append([*row, "50"])
    return rows


def chunked_handler(requests_seen: list, tamper=None):
    """Answer each request with its own row order, like independent API calls may."""

    def handler(request: Request) -> Response:
        requests_seen.append(request)
        get = request.args["get"].split(",")
        n = len(requests_seen)
        order = [(i + n) % len(PEOPLE) for i in range(len(PEOPLE))][:: -1 if n % 2 else 1]
        rows = answer(get, order=order)
        if tamper:
            rows = tamper(n, rows)
        return Response(json.dumps(rows), content_type="application/json")

    return handler


def fetch_vt(httpserver, tmp_path, variables, **kw):
    return fetch_api(
        2018,
        1,
        "VT",
        variables,
        predicates=kw.pop("predicates", PREDICATES),
        base_url=httpserver.url_for("/"),
        data_dir=tmp_path,
        **kw,
    )


# -- requests and joins -------------------------------------------------------------------------


def test_predicates_are_encoded_as_ranges_and_lists():
    assert encode_predicate("agep", "25:99") == ("AGEP", "25:99")
    assert encode_predicate("AGEP", range(25, 100)) == ("AGEP", "25:99")
    assert encode_predicate("SCHL", [21, 22, 23, 24]) == ("SCHL", "21,22,23,24")
    assert encode_predicate("SCHL", "21,22,23,24") == ("SCHL", "21,22,23,24")
    assert encode_predicate("ESR", 3) == ("ESR", "3")
    with pytest.raises(InputError, match="malformed"):
        encode_predicate("AGEP", "25 99")
    with pytest.raises(InputError, match="step 1"):
        encode_predicate("AGEP", range(25, 100, 5))
    with pytest.raises(InputError, match="not a PUMS variable name"):
        encode_predicate("AGE P", "25:99")


def test_chunks_hold_the_keys_and_at_most_50_names():
    names = ["SERIALNO", "SPORDER", *WIDE]
    chunks = chunk_variables(names)
    assert [len(c) for c in chunks] == [50, 50, 26]
    assert all(c[:2] == ["SERIALNO", "SPORDER"] for c in chunks)
    assert [v for c in chunks for v in c[2:]] == WIDE
    assert chunk_variables(["SERIALNO", "SPORDER"]) == [["SERIALNO", "SPORDER"]]


def test_wide_request_is_split_and_joined_on_keys(httpserver, tmp_path):
    seen: list = []
    httpserver.expect_request(ENDPOINT).respond_with_handler(chunked_handler(seen))
    variables = [*WIDE, "OCCP"]
    df = fetch_vt(httpserver, tmp_path, variables)

    assert len(seen) == 3
    for r in seen:
        get = r.args["get"].split(",")
        assert len(get) <= MAX_VARIABLES and get[:2] == ["SERIALNO", "SPORDER"]
        assert r.args["for"] == "state:50"
        assert r.args["key"] == KEY
        assert r.args["AGEP"] == "25:99"
        assert r.args["SCHL"] == "21,22,23,24"
        assert "AGEP=25:99" in r.query_string.decode()
        assert "SCHL=21,22,23,24" in r.query_string.decode()
    assert list(df.columns) == ["SERIALNO", "SPORDER", *variables]
    assert all(str(t) == "string" for t in df.dtypes)
    assert len(df) == 3
    # Every cell belongs to its person, although each request listed people in another order.
    for _, row in df.iterrows():
        serial, sporder = row["SERIALNO"], int(row["SPORDER"])
        for v in variables:
            assert row[v] == str(value(v, serial, sporder)), (serial, sporder, v)
    assert df.loc[0, "PWGTP80"] == str(int("012") * 10 + 1 + len("PWGTP80"))  # number -> "128"
    assert set(df["OCCP"]) == {"0010"}  # leading zeros kept as sent
    assert set(df["SPORDER"]) == {"1", "2"}


def test_results_are_cached_without_the_key(httpserver, tmp_path, monkeypatch):
    seen: list = []
    httpserver.expect_request(ENDPOINT).respond_with_handler(chunked_handler(seen))
    first = fetch_vt(httpserver, tmp_path, ["AGEP", "OCCP"])
    assert len(seen) == 1

    raw = tmp_path / "raw"
    manifest_text = (raw / "manifest.json").read_text()
    assert KEY not in manifest_text
    entries = cache.read_manifest(raw)
    [(rel, entry)] = entries.items()
    assert rel.startswith("2018/1yr/api_vt_") and rel.endswith(".parquet")
    assert entry["source"] == "api" and entry["state"] == "VT"
    assert "key=REDACTED" in entry["url"] and "AGEP=25:99" in entry["url"]
    assert entry["rows"] == 3
    assert all(KEY not in str(p) for p in raw.rglob("*"))

    monkeypatch.delenv("CENSUS_API_KEY")  # not needed for what is cached
    again = fetch_vt(httpserver, tmp_path, ["AGEP", "OCCP"])
    assert len(seen) == 1
    pd.testing.assert_frame_equal(first, again)


def test_chunks_with_different_people_are_refused(httpserver, tmp_path):
    def drop_one_in_second(n, rows):
        return rows[:-1] if n == 2 else rows

    seen: list = []
    httpserver.expect_request(ENDPOINT).respond_with_handler(
        chunked_handler(seen, drop_one_in_second)
    )
    with pytest.raises(ApiError) as e:
        fetch_vt(httpserver, tmp_path, WIDE)
    assert str(e.value) == (
        "the API requests for VT do not line up: request 2 has 0 person(s) that request 1 lacks "
        "and lacks 1 that it has; refusing to join them (try again; if it persists, ask for "
        "fewer variables)"
    )
    assert not list((tmp_path / "raw").rglob("*.parquet"))


def test_duplicated_keys_are_refused(httpserver, tmp_path):
    def duplicate(n, rows):
        return [*rows, rows[1]]

    seen: list = []
    httpserver.expect_request(ENDPOINT).respond_with_handler(chunked_handler(seen, duplicate))
    with pytest.raises(ApiError) as e:
        fetch_vt(httpserver, tmp_path, ["AGEP"])
    assert str(e.value) == (
        "the API answer for VT 2018 1-year has 1 duplicated SERIALNO+SPORDER key(s): "
        "refusing to join on them; try again"
    )


# -- keys ---------------------------------------------------------------------------------------


def test_missing_key(httpserver, tmp_path, monkeypatch):
    monkeypatch.delenv("CENSUS_API_KEY")
    with pytest.raises(ApiKeyError) as e:
        fetch_vt(httpserver, tmp_path, ["AGEP"])
    assert (
        str(e.value) == "the Census PUMS API needs a key in CENSUS_API_KEY (free at "
        "https://api.census.gov/data/key_signup.html)"
    )
    assert httpserver.log == []


INVALID_KEY_PAGE = (
    "<html><head><title>Invalid Key</title></head><body><p>A valid <em>key</em> must be "
    "included with each data API request. You included a key with this request, however, it "
    "is not valid. Please check your key and try again.</p></body></html>"
)


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (200, INVALID_KEY_PAGE, "text/html"),
        (400, f"Invalid Key: {KEY}", "text/plain"),
        (403, "<html><body>Sorry, that key is not recognised</body></html>", "text/html"),
    ],
)
def test_rejected_key(httpserver, tmp_path, status, body, content_type):
    httpserver.expect_request(ENDPOINT).respond_with_data(
        body, status=status, content_type=content_type
    )
    with pytest.raises(ApiKeyError) as e:
        fetch_vt(httpserver, tmp_path, ["AGEP"], key=KEY)
    msg = str(e.value)
    assert msg == (
        "the Census API rejected the key in CENSUS_API_KEY (invalid, or not yet activated from "
        "the e-mail the Census Bureau sent): check it, or get a free key at "
        "https://api.census.gov/data/key_signup.html"
    )
    assert KEY not in msg and KEY not in repr(e.value.args)
    assert e.value.__cause__ is None
    raw = tmp_path / "raw"
    assert not (raw / "manifest.json").exists()
    assert all(KEY not in str(p) for p in raw.rglob("*"))


def test_key_never_appears_in_server_error_messages(httpserver, tmp_path):
    httpserver.expect_request(ENDPOINT).respond_with_data("upstream down", status=503)
    with pytest.raises(ApiError) as e:
        fetch_vt(httpserver, tmp_path, ["AGEP"])
    assert KEY not in str(e.value)
    assert str(e.value).startswith("gave up after 4 tries: HTTP 503 for http://localhost:")
    assert "key=REDACTED" in str(e.value)


def test_api_error_text_is_passed_on(httpserver, tmp_path):
    httpserver.expect_request(ENDPOINT).respond_with_data(
        "error: error: unknown variable 'FOO'", status=400
    )
    with pytest.raises(ApiError) as e:
        fetch_vt(httpserver, tmp_path, ["FOO"])
    assert str(e.value) == (
        "the API refused the request for VT 2018 1-year (HTTP 400: error: error: unknown "
        "variable 'FOO'): check the variable names and predicates for this year"
    )


@pytest.mark.parametrize(
    ("status", "body"),
    [(200, "[]"), (200, json.dumps([["SERIALNO", "SPORDER", "AGEP", "state"]])), (204, "")],
)
def test_empty_answer(httpserver, tmp_path, status, body):
    httpserver.expect_request(ENDPOINT).respond_with_data(
        body, status=status, content_type="application/json"
    )
    with pytest.raises(ApiError) as e:
        fetch_vt(httpserver, tmp_path, ["AGEP"])
    assert str(e.value) == (
        "the API returned no rows for VT 2018 1-year with AGEP=25:99 and SCHL=21,22,23,24: "
        "check the predicates, --year/--period and --states"
    )
    assert not list((tmp_path / "raw").rglob("*.parquet"))


# -- metadata and normalisation ----------------------------------------------------------------

#: Modelled on https://api.census.gov/data/2018/acs/acs1/pums/variables.json (same structure;
#: the codes and labels of ESR, SCHL, OCCP and WAGP as in the 2018 dictionary, lists shortened).
#: PUMA carries a "length" field to exercise that rule.
VARIABLES_JSON = {
    "variables": {
        "ESR": {
            "label": "Employment status recode",
            "predicateType": "string",
            "group": "N/A",
            "limit": 0,
            "suggested-weight": "PWGTP",
            "values": {
                "item": {
                    "0": "N/A (less than 16 years old)",
                    "1": "Civilian employed, at work",
                    "2": "Civilian employed, with a job but not at work",
                    "3": "Unemployed",
                    "4": "Armed forces, at work",
                    "5": "Armed forces, with a job but not at work",
                    "6": "Not in labor force",
                }
            },
        },
        "SCHL": {
            "label": "Educational attainment",
            "predicateType": "string",
            "values": {
                "item": {
                    "0": "N/A (less than 3 years old)",
                    "01": "No schooling completed",
                    "21": "Bachelor's degree",
                    "24": "Doctorate degree",
                }
            },
        },
        "OCCP": {
            "label": "Occupation recode for 2018 and later based on 2018 OCC codes",
            "predicateType": "string",
            "values": {
                "item": {
                    "0009": "N/A (less than 16 years old/NILF who last worked more than 5 "
                    "years ago or never worked)",
                    "0010": "MGR-Chief Executives And Legislators",
                    "3255": "MED-Registered Nurses",
                }
            },
        },
        "WAGP": {
            "label": "Wages or salary income past 12 months",
            "predicateType": "int",
            "values": {
                "range": [{"min": "0", "max": "999999", "description": "Wages or salary income"}],
                "item": {"-1": "N/A (less than 15 years old)"},
            },
        },
        "PUMA": {
            "label": "Public use microdata area code",
            "predicateType": "string",
            "length": "5",
        },
        "AMBIG": {
            "label": "A code list where one value pads to two listed codes",
            "predicateType": "string",
            "values": {"item": {"09": "nine", "009": "also nine"}},
        },
    }
}


def test_api_variables_are_fetched_once_and_cached(httpserver, tmp_path):
    httpserver.expect_request(f"{ENDPOINT}/variables.json").respond_with_json(VARIABLES_JSON)
    meta = api_variables(2018, 1, base_url=httpserver.url_for("/"), data_dir=tmp_path)
    assert meta["ESR"]["values"]["item"]["0"] == "N/A (less than 16 years old)"
    assert "key" not in httpserver.log[0][0].args  # metadata needs no key
    again = api_variables(2018, 1, base_url=httpserver.url_for("/"), data_dir=tmp_path)
    assert again == meta and len(httpserver.log) == 1
    entry = cache.lookup(tmp_path / "raw", "2018/1yr/api_variables.json")
    assert entry["source"] == "api" and entry["url"].endswith("/pums/variables.json")


def test_api_variables_that_are_not_metadata(httpserver, tmp_path):
    httpserver.expect_request(f"{ENDPOINT}/variables.json").respond_with_data("<html>maintenance")
    with pytest.raises(ApiError, match="is not a Census variables.json"):
        api_variables(2018, 1, base_url=httpserver.url_for("/"), data_dir=tmp_path)


def test_normalize_maps_na_codes_and_restores_leading_zeros():
    df = pd.DataFrame(
        {
            "SERIALNO": ["2018HU0000012", "2018HU0000012", "2018GQ0000345", "2018HU0000999"],
            "ESR": ["0", "1", "6", "3"],
            "SCHL": ["0", "1", "21", "24"],
            "OCCP": ["9", "10", "3255", "0010"],
            "WAGP": ["-1", "0", "25000", "-1.0"],
            "PUMA": ["100", "00200", "1", None],
            "AMBIG": ["9", "09", "009", "7"],
            "OTHER": ["0", "9", "N/A", "x"],
        },
        dtype="string",
    )
    out = normalize_api_frame(df, VARIABLES_JSON)
    na = pd.NA
    expect = {
        "SERIALNO": ["2018HU0000012", "2018HU0000012", "2018GQ0000345", "2018HU0000999"],
        "ESR": [na, "1", "6", "3"],
        "SCHL": [na, "01", "21", "24"],
        "OCCP": [na, "0010", "3255", "0010"],
        "WAGP": [na, "0", "25000", na],
        "PUMA": ["00100", "00200", "00001", na],
        "AMBIG": ["9", "09", "009", "7"],  # "9" pads to two listed codes: left as sent
        "OTHER": ["0", "9", "N/A", "x"],  # not in the metadata: untouched
    }
    pd.testing.assert_frame_equal(out, pd.DataFrame(expect, dtype="string"))
    pd.testing.assert_frame_equal(normalize_api_frame(df, VARIABLES_JSON["variables"]), out)
    assert df.loc[0, "ESR"] == "0"  # the input is not modified


def test_unreachable_api_says_what_to_check(tmp_path):
    with pytest.raises(ApiError) as e:
        fetch_api(2018, 1, "VT", ["AGEP"], base_url="http://nonexistent.invalid", data_dir=tmp_path)
    assert str(e.value) == (
        "gave up after 4 tries: could not reach nonexistent.invalid (DNS/network): "
        "check the connection or BRAINWASTE_API_URL"
    )


def test_states_are_stacked_and_the_nation_asks_for_every_state(httpserver, tmp_path):
    seen: list = []
    httpserver.expect_request(ENDPOINT).respond_with_handler(chunked_handler(seen))
    df = fetch_api(2018, 1, "VT,NH", ["AGEP"], base_url=httpserver.url_for("/"), data_dir=tmp_path)
    assert [r.args["for"] for r in seen] == ["state:50", "state:33"]
    assert len(df) == 2 * len(PEOPLE)
    fetch_api(2018, 1, "US", ["AGEP"], base_url=httpserver.url_for("/"), data_dir=tmp_path)
    assert seen[-1].args["for"] == "state:*"
    names = sorted(p.name.split("_")[1] for p in (tmp_path / "raw").rglob("api_*.parquet"))
    assert names == ["nh", "us", "vt"]
