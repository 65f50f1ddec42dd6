"""A client for the Census PUMS API: person records of a state with any number of variables.

Request: `{api_base}/{year}/acs/{acs1|acs5}/pums?get=V1,V2,...&for=state:NN&key=KEY`, plus
predicates that filter rows on the server. A predicate value is either a range `lo:hi`
(inclusive, e.g. `AGEP=25:99`) or a comma list of codes (e.g. `SCHL=21,22,23,24`), the two
forms used in the Census examples and by tidycensus; `fetch_api` accepts them as strings, or as
a Python `range` (sent as `lo:hi`) or a list/tuple/set of codes (sent as a comma list).

The API takes at most 50 variables a request. Wider requests are split in chunks that each
carry SERIALNO and SPORDER (which count toward the 50), and the chunks are joined on those two
keys, never by row position; when the chunks' key sets differ or hold duplicates the request is
refused rather than guessed at.

The answer is a JSON array of arrays, headers first; the geography (`state`) comes last and is
dropped. Values arrive as strings or numbers depending on variable and year; `fetch_api` turns
them into strings as sent. Not-applicable values are codes listed in the API's own
`variables.json` (they differ from the files' blanks): `brainwaste.pums.api_values` maps them to
missing, next to the readers.

Results are cached as `raw/{year}/{period}yr/api_{st}_{hash}.parquet` (hash of the variables and
predicates) with a manifest entry; the key appears in no message, URL stored, or file name.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote, urlencode

import pandas as pd
import requests

from .. import config
from ..atomic import write_atomic, write_bytes_atomic
from ..errors import ApiError, ApiKeyError, InputError
from ..geography import NATION, parse_states, state
from . import cache, http
from .products import period_slug, validate_period

#: Most variables the API returns in one request (the keys included).
MAX_VARIABLES = 50
#: The person key: housing unit serial number and person number within it.
KEYS = ("SERIALNO", "SPORDER")
#: The setting that points the client at another API server.
API_URL_HINT = "BRAINWASTE_API_URL"
#: Texts of the API's answer to a wrong or inactive key (an HTML page or a plain message).
INVALID_KEY_MARKERS = (
    "invalid key",
    "you included a key with this request",
    "key is not valid",
    "not a valid key",
)
#: The label prefix that marks a not-applicable code in variables.json ("N/A (GQ/vacant)").

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_PREDICATE_VALUE = re.compile(r"^[^\s&=#]+$")
_GEOGRAPHY_COLUMNS = frozenset({"state", "public use microdata area", "ucgid"})


def dataset(period: int) -> str:
    """The API dataset of a period: "acs1" or "acs5"."""
    return f"acs{period}"


def pums_endpoint(base: str, year: int, period: int) -> str:
    return f"{base.rstrip('/')}/{int(year)}/acs/{dataset(period)}/pums"


def _rejected_key_error() -> ApiKeyError:
    return ApiKeyError(
        "the Census API rejected the key in CENSUS_API_KEY (invalid, or not yet activated from "
        f"the e-mail the Census Bureau sent): check it, or get a free key at {config.KEY_SIGNUP}"
    )


def clean_variables(variables: Iterable[str]) -> list[str]:
    """Upper-case, de-duplicated variable names with SERIALNO and SPORDER first."""
    if isinstance(variables, str):
        variables = variables.split(",")
    out = list(KEYS)
    for v in variables:
        name = str(v).strip().upper()
        if not name:
            continue
        if not _NAME.match(name):
            raise InputError(f"{v!r} is not a PUMS variable name: use names such as AGEP, SCHL")
        if name not in out:
            out.append(name)
    return out


def encode_predicate(name: str, value) -> tuple[str, str]:
    """One predicate as (NAME, value text): "25:99" for a range, "21,22,23,24" for a list."""
    key = str(name).strip().upper()
    if not _NAME.match(key):
        raise InputError(f"{name!r} is not a PUMS variable name for a predicate")
    if isinstance(value, bool):
        raise InputError(f"predicate {key}: give codes or a range, not {value!r}")
    if isinstance(value, range):
        if value.step != 1 or len(value) == 0:
            raise InputError(
                f"predicate {key}: give a non-empty range with step 1, e.g. range(25, 100)"
            )
        text = f"{value.start}:{value.stop - 1}"
    elif isinstance(value, int | str):
        text = str(value).strip()
    elif isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        if not items or not all(
            isinstance(i, int | str) and not isinstance(i, bool) for i in items
        ):
            raise InputError(
                f"predicate {key}: give a non-empty list of codes, e.g. [21, 22, 23, 24]"
            )
        text = ",".join(str(i).strip() for i in items)
    else:
        raise InputError(f"predicate {key}: give a code, a list of codes or a range, not {value!r}")
    if not text or not _PREDICATE_VALUE.match(text):
        raise InputError(
            f"predicate {key}={text!r} is malformed: use a range such as 25:99 or a list such as 21,22"
        )
    return key, text


def encode_predicates(predicates: Mapping | None) -> list[tuple[str, str]]:
    if not predicates:
        return []
    if not isinstance(predicates, Mapping):
        raise InputError("predicates must be a mapping such as {'AGEP': '25:99'}")
    return [encode_predicate(k, v) for k, v in predicates.items()]


def chunk_variables(variables: list[str], size: int = MAX_VARIABLES) -> list[list[str]]:
    """Split a variable list (keys first) into requests of at most `size` names, each with the keys."""
    others = [v for v in variables if v not in KEYS]
    room = size - len(KEYS)
    if not others:
        return [list(KEYS)]
    return [list(KEYS) + others[i : i + room] for i in range(0, len(others), room)]


def request_url(
    base: str,
    year: int,
    period: int,
    get: list[str],
    geography: str,
    predicates: list[tuple[str, str]],
    key: str | None,
) -> str:
    """The full request URL (commas, colons and * left readable, as in the Census examples)."""
    params = [("get", ",".join(get)), *predicates, ("for", geography)]
    if key:
        params.append(("key", key))
    query = urlencode(params, safe=",:*", quote_via=quote)
    return f"{pums_endpoint(base, year, period)}?{query}"


def geography_of(usps: str) -> str:
    return "state:*" if usps == NATION else f"state:{state(usps).fips}"


def cache_tag(variables: list[str], predicates: list[tuple[str, str]]) -> str:
    """A short hash naming the cached extract of these variables and predicates."""
    spec = json.dumps({"get": variables, "where": sorted(predicates)}, separators=(",", ":"))
    return hashlib.sha256(spec.encode()).hexdigest()[:12]


def fetch_api(
    year: int,
    period: int,
    states: str | list[str] | tuple[str, ...],
    variables: Iterable[str],
    predicates: Mapping | None = None,
    key: str | None = None,
    base_url: str | None = None,
    *,
    data_dir: str | os.PathLike | None = None,
    force: bool = False,
) -> pd.DataFrame:
    """Person records from the Census PUMS API, one row per person, one string column per variable.

    Columns: SERIALNO, SPORDER, then `variables` in the order given (names upper-cased), values as
    the API sent them turned into strings (missing values are <NA>). States are stacked in the
    order given. The key comes from `key` or CENSUS_API_KEY and is needed only for extracts not
    already in the cache (`force` fetches again).
    """
    year, period = validate_period(year, period)
    codes = parse_states(states)
    names = clean_variables(variables)
    where = encode_predicates(predicates)
    base = config.api_base_url(base_url)
    raw = config.raw_dir(data_dir)
    tag = cache_tag(names, where)
    frames = []
    session: requests.Session | None = None
    try:
        for usps in codes:
            path = raw / str(year) / period_slug(period) / f"api_{usps.lower()}_{tag}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            rel = path.relative_to(raw).as_posix()
            with cache.file_lock(path.with_name(path.name + ".lock")):
                entry = cache.lookup(raw, rel)
                if not force and cache.is_intact(raw, entry):
                    frames.append(_read_extract(path, names))
                    continue
                key = key or config.require_census_api_key("the Census PUMS API")
                session = session or http.new_session()
                frame, urls = _fetch_state(session, base, year, period, usps, names, where, key)
                _write_parquet(frame, path)
                cache.record(
                    raw,
                    cache.make_entry(
                        raw,
                        path,
                        url=urls[0],
                        source="api",
                        year=year,
                        period=period,
                        state=usps,
                        urls=[http.redact(u) for u in urls],
                        variables=names,
                        predicates=dict(where),
                        rows=len(frame),
                    ),
                )
                frames.append(frame)
    finally:
        if session is not None:
            session.close()
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out


def _read_extract(path: Path, names: list[str]) -> pd.DataFrame:
    df = pd.read_parquet(path)
    return df[names].astype("string")


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def _fetch_state(
    session: requests.Session,
    base: str,
    year: int,
    period: int,
    usps: str,
    names: list[str],
    where: list[tuple[str, str]],
    key: str,
) -> tuple[pd.DataFrame, list[str]]:
    chunks = chunk_variables(names)
    geo = geography_of(usps)
    pieces: list[pd.DataFrame] = []
    urls = []
    for i, chunk in enumerate(chunks, 1):
        url = request_url(base, year, period, chunk, geo, where, key)
        urls.append(url)
        what = f"{usps} {year} {period}-year"
        if len(chunks) > 1:
            what += f" (request {i} of {len(chunks)})"
        rows = _get_rows(session, url, key, what, where)
        pieces.append(_rows_to_frame(rows, chunk, what))
    return _join_on_keys(pieces, names, usps), urls


def _get_rows(
    session: requests.Session, url: str, key: str, what: str, where: list[tuple[str, str]]
) -> list:
    resp = http.get(session, url, check=False, error=ApiError, hint=API_URL_HINT)
    with resp:
        status, text = resp.status_code, resp.text
    filters = " and ".join(f"{k}={v}" for k, v in where) or "no predicates"
    empty = ApiError(
        f"the API returned no rows for {what} with {filters}: check the predicates, "
        "--year/--period and --states"
    )
    if status == 204 or not text.strip():
        raise empty
    lowered = text.lower()
    if any(m in lowered for m in INVALID_KEY_MARKERS):
        raise _rejected_key_error()
    if text.lstrip().startswith("<"):
        if "key" in lowered:
            raise _rejected_key_error()
        raise ApiError(
            f"the API sent an HTML page instead of data (HTTP {status}) for {what} "
            f"({http.redact(url)}): check {API_URL_HINT}, or try again later"
        )
    if status >= 400:
        said = http.redact(" ".join(text.split())[:200], [key])
        raise ApiError(
            f"the API refused the request for {what} (HTTP {status}: {said}): check the variable "
            "names and predicates for this year"
        )
    try:
        rows = json.loads(text)
    except ValueError:
        raise ApiError(
            f"the API answer for {what} is not JSON ({http.redact(url)}): try again later"
        ) from None
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError(f"the API answer for {what} is not a table of rows: try again later")
    if len(rows) <= 1:
        raise empty
    return rows


def _as_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _rows_to_frame(rows: list, wanted: list[str], what: str) -> pd.DataFrame:
    header = [str(h) for h in rows[0]]
    missing = [v for v in wanted if v not in header]
    if missing:
        raise ApiError(f"the API answer for {what} lacks {', '.join(missing)}: check the names")
    if len(set(header)) != len(header):
        raise ApiError(f"the API answer for {what} repeats a column name: try again")
    width = len(header)
    if any(len(r) != width for r in rows[1:]):
        raise ApiError(f"the API answer for {what} has rows of uneven length: try again later")
    cols = {h: i for i, h in enumerate(header)}
    data = {v: [_as_text(r[cols[v]]) for r in rows[1:]] for v in wanted}
    df = pd.DataFrame(data).astype("string")
    dup = int(df.duplicated(list(KEYS)).sum())
    if dup:
        raise ApiError(
            f"the API answer for {what} has {dup} duplicated SERIALNO+SPORDER key(s): "
            "refusing to join on them; try again"
        )
    return df


def _join_on_keys(pieces: list[pd.DataFrame], names: list[str], usps: str) -> pd.DataFrame:
    first = pieces[0]
    keys = list(KEYS)
    ref = pd.MultiIndex.from_frame(first[keys])
    for i, p in enumerate(pieces[1:], 2):
        other = pd.MultiIndex.from_frame(p[keys])
        only_first, only_other = ref.difference(other), other.difference(ref)
        if len(only_first) or len(only_other):
            raise ApiError(
                f"the API requests for {usps} do not line up: request {i} has "
                f"{len(only_other)} person(s) that request 1 lacks and lacks {len(only_first)} "
                "that it has; refusing to join them (try again; if it persists, ask for fewer "
                "variables)"
            )
    out = first
    for p in pieces[1:]:
        out = out.merge(p, on=keys, how="inner", validate="one_to_one", sort=False)
    if len(out) != len(first):  # guarded above; kept as a last line of defence
        raise ApiError(f"the API requests for {usps} joined to {len(out)} rows, not {len(first)}")
    return out[names].reset_index(drop=True)


# -- metadata: variables.json ---------------------------------------------------------------


def api_variables(
    year: int,
    period: int,
    base_url: str | None = None,
    *,
    data_dir: str | os.PathLike | None = None,
    force: bool = False,
) -> dict[str, dict]:
    """The API's metadata per variable (label, predicateType, values.item / values.range).

    Read from `{api_base}/{year}/acs/{acs1|acs5}/pums/variables.json` (no key needed) and cached
    as `raw/{year}/{period}yr/api_variables.json` with a manifest entry.
    """
    year, period = validate_period(year, period)
    base = config.api_base_url(base_url)
    raw = config.raw_dir(data_dir)
    path = raw / str(year) / period_slug(period) / "api_variables.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    rel = path.relative_to(raw).as_posix()
    url = f"{pums_endpoint(base, year, period)}/variables.json"
    with cache.file_lock(path.with_name(path.name + ".lock")):
        entry = cache.lookup(raw, rel)
        if force or not cache.is_intact(raw, entry):
            with http.new_session() as session:
                resp = http.get(session, url, error=ApiError, hint=API_URL_HINT)
                with resp:
                    body = resp.content
            _parse_variables(body, url)
            write_bytes_atomic(path, body)
            cache.record(
                raw,
                cache.make_entry(
                    raw,
                    path,
                    url=url,
                    source="api",
                    year=year,
                    period=period,
                    state=NATION,
                    etag=resp.headers.get("ETag"),
                    last_modified=resp.headers.get("Last-Modified"),
                ),
            )
        return _parse_variables(path.read_bytes(), url)


def _parse_variables(body: bytes, url: str) -> dict[str, dict]:
    try:
        data = json.loads(body)
        variables = data["variables"]
        if not isinstance(variables, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ApiError(
            f"{http.redact(url)} is not a Census variables.json (no 'variables' object): "
            f"check {API_URL_HINT} and --year/--period"
        ) from None
    return variables
