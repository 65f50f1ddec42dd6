"""Bulk downloads against a local server laid out like the Census one (no network)."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import threading
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from werkzeug import Request, Response

from brainwaste.acquire import (
    bulk,
    bulk_url,
    cache,
    fetch_files,
    http,
    person_csv_members,
    validate_period,
    verify,
)
from brainwaste.acquire.products import zip_members_expected
from brainwaste.errors import (
    CorruptFileError,
    DataNotAvailable,
    DownloadError,
    InputError,
)
from tests.conftest import shared_file

REAL_2018 = "acs_pums_2018_1yr_person_small_states"
PATH_VT = "/2018/1-Year/csv_pvt.zip"
ETAG = '"vt-2018-v1"'


pytestmark = pytest.mark.usefixtures("fast_retries")


@pytest.fixture
def real_vt() -> bytes:
    return shared_file(f"{REAL_2018}/csv_pvt.zip").read_bytes()


def make_zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


PERSON_CSV = (
    b"RT,SERIALNO,SPORDER,ST,PWGTP,AGEP\nP,2018GQ0000001,1,50,12,34\nP,2018HU0000002,1,50,80,61\n"
)


@pytest.fixture
def small_vt() -> bytes:
    # Stored (not deflated) and padded so that the byte layout is predictable for the tests.
    return make_zip(
        {"psam_p50.csv": PERSON_CSV * 200, "ACS2018_PUMS_README.pdf": b"%PDF-1.4 readme"},
        zipfile.ZIP_STORED,
    )


def final_path(data_dir: Path) -> Path:
    return data_dir / "raw" / "2018" / "1yr" / "csv_pvt.zip"


def assert_nothing_final(data_dir: Path, part_too: bool = True) -> None:
    final = final_path(data_dir)
    assert not final.exists()
    if part_too:
        assert not final.with_name(final.name + ".part").exists()
    manifest = cache.read_manifest(data_dir / "raw")
    assert "2018/1yr/csv_pvt.zip" not in manifest


def fetch_vt(httpserver, data_dir: Path, **kw) -> list[Path]:
    kw.setdefault("progress", False)
    return fetch_files(2018, 1, "VT", data_dir=data_dir, base_url=httpserver.url_for("/"), **kw)


def range_handler(body: bytes, etag: str = ETAG):
    """A server that honours `Range: bytes=N-` like a static file server."""

    def handler(request: Request) -> Response:
        rng = request.headers.get("Range")
        if rng:
            start = int(rng.split("=")[1].rstrip("-"))
            resp = Response(body[start:], status=206, content_type="application/zip")
            resp.headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
        else:
            resp = Response(body, content_type="application/zip")
        resp.headers["ETag"] = etag
        resp.headers["Accept-Ranges"] = "bytes"
        return resp

    return handler


# -- periods ------------------------------------------------------------------------------------


def test_validate_period_accepts_and_refuses():
    assert validate_period("2018", "5") == (2018, 5)
    assert validate_period(2012, 1) == (2012, 1)
    assert validate_period(2020, 5) == (2020, 5)
    with pytest.raises(DataNotAvailable) as e:
        validate_period(2020, 1)
    assert str(e.value) == (
        "no 2020 1-year PUMS: Census released no standard 2020 1-year PUMS, only experimental "
        "weights; use --period 5 (e.g. 2020 5-year) or another year"
    )
    with pytest.raises(InputError, match=r"^year 2011 is outside the supported range: give a "):
        validate_period(2011, 5)
    with pytest.raises(InputError, match=r"give 1 \(1-year\) or 5 \(5-year\)"):
        validate_period(2018, 3)
    with pytest.raises(InputError, match="is not a number"):
        validate_period("last", 1)


def test_urls_and_member_names():
    base = "https://www2.census.gov/programs-surveys/acs/data/pums/"
    assert bulk_url(base, 2018, 1, "VT") == f"{base}2018/1-Year/csv_pvt.zip"
    assert bulk_url(base, 2016, 5, "US") == f"{base}2016/5-Year/csv_pus.zip"
    assert zip_members_expected(2018, "VT").match("psam_p50.csv")
    assert not zip_members_expected(2018, "VT").match("psam_p33.csv")
    assert zip_members_expected(2016, "MA").match("ss16pma.csv")
    assert zip_members_expected(2016, "US").match("ss16pusd.csv")
    assert zip_members_expected(2019, "US").match("psam_pusb.csv")
    national = make_zip(
        {
            "psam_pusb.csv": b"x",
            "psam_pusa.csv": b"x",
            "psam_husa.csv": b"x",
            "ACS2019_PUMS_README.pdf": b"x",
        }
    )
    with zipfile.ZipFile(io.BytesIO(national)) as zf:
        assert person_csv_members(zf) == ["psam_pusa.csv", "psam_pusb.csv"]
        with pytest.raises(CorruptFileError, match="not the person CSV of the requested"):
            person_csv_members(zf, zip_members_expected(2016, "US"))


def test_person_csv_members_of_the_official_zip():
    path = shared_file(f"{REAL_2018}/csv_pwy.zip")
    assert person_csv_members(path, zip_members_expected(2018, "WY")) == ["psam_p56.csv"]


# -- success and cache --------------------------------------------------------------------------


def test_fetch_writes_file_manifest_and_then_uses_the_cache(httpserver, tmp_path, real_vt):
    httpserver.expect_request(PATH_VT).respond_with_data(
        real_vt,
        content_type="application/zip",
        headers={"ETag": ETAG, "Last-Modified": "Tue, 29 Oct 2019 17:06:00 GMT"},
    )
    paths = fetch_vt(httpserver, tmp_path)
    final = final_path(tmp_path)
    assert paths == [final]
    assert final.read_bytes() == real_vt
    assert not final.with_name("csv_pvt.zip.part").exists()

    entry = json.loads((tmp_path / "raw" / "manifest.json").read_text())["files"][
        "2018/1yr/csv_pvt.zip"
    ]
    assert entry["sha256"] == hashlib.sha256(real_vt).hexdigest()
    assert entry["bytes"] == len(real_vt) == 1339153
    assert entry["url"] == httpserver.url_for(PATH_VT)
    assert entry["path"] == "2018/1yr/csv_pvt.zip"
    assert (entry["source"], entry["year"], entry["period"], entry["state"]) == (
        "files",
        2018,
        1,
        "VT",
    )
    assert entry["etag"] == ETAG
    assert entry["last_modified"] == "Tue, 29 Oct 2019 17:06:00 GMT"
    assert datetime.fromisoformat(entry["downloaded_at"]).utcoffset().total_seconds() == 0
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"].startswith("brainwaste/")

    assert fetch_vt(httpserver, tmp_path) == [final]
    assert len(httpserver.log) == 1  # the second run was served from the cache
    assert verify(tmp_path) == []

    fetch_vt(httpserver, tmp_path, force=True)
    assert len(httpserver.log) == 2


def test_progress_bar_shows_bytes_and_rate_on_stderr(httpserver, tmp_path, small_vt, capsys):
    httpserver.expect_request(PATH_VT).respond_with_data(small_vt, content_type="application/zip")
    fetch_vt(httpserver, tmp_path, progress=True)
    err = capsys.readouterr().err
    assert "csv_pvt.zip" in err and "B/s" in err
    fetch_vt(httpserver, tmp_path / "quiet", progress=False)
    assert capsys.readouterr().err == ""


def test_revalidate_accepts_304(httpserver, tmp_path, small_vt):
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == ETAG:
            return Response(status=304)
        return Response(small_vt, content_type="application/zip", headers={"ETag": ETAG})

    httpserver.expect_request(PATH_VT).respond_with_handler(handler)
    fetch_vt(httpserver, tmp_path)
    before = cache.read_manifest(tmp_path / "raw")
    fetch_vt(httpserver, tmp_path, revalidate=True)
    assert len(httpserver.log) == 2
    assert httpserver.log[1][0].headers["If-None-Match"] == ETAG
    assert httpserver.log[1][1].status_code == 304
    assert cache.read_manifest(tmp_path / "raw") == before
    assert final_path(tmp_path).read_bytes() == small_vt


def test_verify_reports_damaged_and_missing_files(httpserver, tmp_path, small_vt):
    httpserver.expect_request(PATH_VT).respond_with_data(small_vt, content_type="application/zip")
    fetch_vt(httpserver, tmp_path)
    final = final_path(tmp_path)

    data = bytearray(small_vt)
    data[100] ^= 0xFF  # same size, one byte changed
    final.write_bytes(bytes(data))
    problems = verify(tmp_path)
    assert [(p.path, p.kind) for p in problems] == [("2018/1yr/csv_pvt.zip", "checksum")]
    assert str(problems[0]) == (
        "2018/1yr/csv_pvt.zip: damaged: SHA-256 differs: fetch it again with --force"
    )

    final.write_bytes(small_vt[:-10])
    assert [p.kind for p in verify(tmp_path)] == ["size"]

    # A damaged file is not trusted as a cache hit: the next fetch downloads it again.
    fetch_vt(httpserver, tmp_path)
    assert len(httpserver.log) == 2
    assert final.read_bytes() == small_vt and verify(tmp_path) == []

    final.unlink()
    assert [str(p) for p in verify(tmp_path)] == [
        "2018/1yr/csv_pvt.zip: listed in the manifest but missing: fetch it again"
    ]


# -- resume -------------------------------------------------------------------------------------


def test_resume_with_range_after_the_connection_drops(httpserver, tmp_path, real_vt):
    half = len(real_vt) // 2
    calls = []

    def handler(request: Request) -> Response:
        calls.append(dict(request.headers))
        if len(calls) == 1:
            # Announce the whole file, send half of it, then the server closes the connection.
            resp = Response(real_vt[:half], content_type="application/zip")
            resp.headers["Content-Length"] = str(len(real_vt))
            resp.headers["ETag"] = ETAG
            return resp
        return range_handler(real_vt)(request)

    httpserver.expect_request(PATH_VT).respond_with_handler(handler)
    fetch_vt(httpserver, tmp_path)
    assert len(calls) == 2
    assert "Range" not in calls[0]
    # Resumes from what reached the disk (the last, broken read is lost).
    start = int(calls[1]["Range"].removeprefix("bytes=").removesuffix("-"))
    assert half - 2 * 65536 < start <= half
    assert calls[1]["If-Range"] == ETAG
    assert httpserver.log[1][1].status_code == 206
    final = final_path(tmp_path)
    assert hashlib.sha256(final.read_bytes()).hexdigest() == hashlib.sha256(real_vt).hexdigest()
    entry = cache.lookup(tmp_path / "raw", "2018/1yr/csv_pvt.zip")
    assert entry["sha256"] == hashlib.sha256(real_vt).hexdigest()
    assert not final.with_name("csv_pvt.zip.part").exists()
    assert not final.with_name("csv_pvt.zip.part.json").exists()


def test_interrupted_run_keeps_the_part_and_the_next_run_resumes(httpserver, tmp_path, monkeypatch):
    monkeypatch.setattr(http, "TRIES", 2)
    body = make_zip({"psam_p50.csv": PERSON_CSV * 3000}, zipfile.ZIP_STORED)
    step = bulk.CHUNK  # each answer breaks off after one full read

    def dropping(request: Request) -> Response:
        rng = request.headers.get("Range")
        start = int(rng.split("=")[1].rstrip("-")) if rng else 0
        resp = Response(body[start : start + step], status=206 if rng else 200)
        if rng:
            resp.headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
        resp.headers["Content-Length"] = str(len(body) - start)
        resp.headers["Content-Type"] = "application/zip"
        return resp

    httpserver.expect_request(PATH_VT).respond_with_handler(dropping)
    url = httpserver.url_for(PATH_VT)
    with pytest.raises(DownloadError) as e:
        fetch_vt(httpserver, tmp_path)
    assert str(e.value) == (
        f"gave up after 2 tries: the connection broke off while downloading {url} "
        f"({2 * step:,} bytes kept: running fetch again resumes from there); "
        "check the connection and try again"
    )
    assert httpserver.log[1][0].headers["Range"] == f"bytes={step}-"
    assert_nothing_final(tmp_path, part_too=False)
    part = final_path(tmp_path).with_name("csv_pvt.zip.part")
    assert part.read_bytes() == body[: 2 * step]

    httpserver.clear()
    httpserver.expect_request(PATH_VT).respond_with_handler(range_handler(body))
    fetch_vt(httpserver, tmp_path)
    assert httpserver.log[0][0].headers["Range"] == f"bytes={2 * step}-"
    assert final_path(tmp_path).read_bytes() == body
    assert not part.exists()


def test_server_that_ignores_range_restarts_cleanly(httpserver, tmp_path, small_vt):
    final = final_path(tmp_path)
    final.parent.mkdir(parents=True)
    part = final.with_name("csv_pvt.zip.part")
    leftover = b"left over from an older, different file" * 50
    part.write_bytes(leftover)
    httpserver.expect_request(PATH_VT).respond_with_data(small_vt, content_type="application/zip")
    fetch_vt(httpserver, tmp_path)
    assert httpserver.log[0][0].headers["Range"] == f"bytes={len(leftover)}-"
    assert httpserver.log[0][1].status_code == 200
    assert final.read_bytes() == small_vt
    assert not part.exists()


# -- failures -----------------------------------------------------------------------------------


def test_404_says_the_file_does_not_exist(httpserver, tmp_path):
    httpserver.expect_request(PATH_VT).respond_with_data("Not Found", status=404)
    with pytest.raises(DownloadError) as e:
        fetch_vt(httpserver, tmp_path)
    url = httpserver.url_for(PATH_VT)
    assert str(e.value) == (
        f"HTTP 404 for {url}: the file does not exist — check --year/--period/--states"
    )
    assert isinstance(e.value, DataNotAvailable)
    assert len(httpserver.log) == 1  # a 404 is final, not retried
    assert_nothing_final(tmp_path)


def test_500_then_success_is_retried(httpserver, tmp_path, small_vt):
    httpserver.expect_oneshot_request(PATH_VT).respond_with_data("oops", status=500)
    httpserver.expect_request(PATH_VT).respond_with_data(small_vt, content_type="application/zip")
    fetch_vt(httpserver, tmp_path)
    assert [r.status_code for _, r in httpserver.log] == [500, 200]
    assert final_path(tmp_path).read_bytes() == small_vt


def test_persistent_503_gives_up_with_a_message(httpserver, tmp_path):
    httpserver.expect_request(PATH_VT).respond_with_data("busy", status=503)
    with pytest.raises(DownloadError) as e:
        fetch_vt(httpserver, tmp_path)
    url = httpserver.url_for(PATH_VT)
    assert str(e.value) == (
        f"gave up after 4 tries: HTTP 503 for {url} (server error): try again later"
    )
    assert len(httpserver.log) == 4
    assert_nothing_final(tmp_path)


def test_timeout_gives_up_with_a_message(httpserver, tmp_path, monkeypatch):
    monkeypatch.setattr(http, "READ_TIMEOUT", 0.2)
    monkeypatch.setattr(http, "TRIES", 2)
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(5)
        return Response(b"late", content_type="application/zip")

    httpserver.expect_request(PATH_VT).respond_with_handler(slow)
    t0 = time.monotonic()
    try:
        with pytest.raises(DownloadError) as e:
            fetch_vt(httpserver, tmp_path)
    finally:
        release.set()
    assert time.monotonic() - t0 < 3
    url = httpserver.url_for(PATH_VT)
    assert str(e.value) == (
        f"gave up after 2 tries: no answer from localhost within 0.2 s (timeout) for {url}: "
        "try again later, or check the connection or --base-url"
    )
    assert_nothing_final(tmp_path)


def test_dns_failure_says_what_to_check(tmp_path):
    with pytest.raises(DownloadError) as e:
        fetch_files(
            2018, 1, "VT", data_dir=tmp_path, base_url="http://nonexistent.invalid", progress=False
        )
    assert str(e.value) == (
        "gave up after 4 tries: could not reach nonexistent.invalid (DNS/network): "
        "check the connection or --base-url"
    )
    assert_nothing_final(tmp_path)


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/octet-stream"])
def test_html_page_instead_of_a_zip(httpserver, tmp_path, content_type):
    page = "\n  <!DOCTYPE html><html><body>Service temporarily unavailable</body></html>"
    httpserver.expect_request(PATH_VT).respond_with_data(page, content_type=content_type)
    with pytest.raises(CorruptFileError) as e:
        fetch_vt(httpserver, tmp_path)
    url = httpserver.url_for(PATH_VT)
    assert str(e.value) == (
        f"the server sent an HTML page instead of a zip ({url}): "
        "check --base-url, or try again later"
    )
    assert_nothing_final(tmp_path)


def test_truncated_zip_is_refused(httpserver, tmp_path, real_vt):
    httpserver.expect_request(PATH_VT).respond_with_data(
        real_vt[: len(real_vt) - 5000], content_type="application/zip"
    )
    with pytest.raises(CorruptFileError) as e:
        fetch_vt(httpserver, tmp_path)
    url = httpserver.url_for(PATH_VT)
    assert str(e.value) == f"truncated or corrupt zip from {url}: fetch it again"
    assert_nothing_final(tmp_path)


def test_zip_with_a_damaged_member_is_refused(httpserver, tmp_path, small_vt):
    data = bytearray(small_vt)
    data[200] ^= 0xFF  # inside the stored psam_p50.csv: its CRC no longer matches
    httpserver.expect_request(PATH_VT).respond_with_data(
        bytes(data), content_type="application/zip"
    )
    with pytest.raises(CorruptFileError) as e:
        fetch_vt(httpserver, tmp_path)
    url = httpserver.url_for(PATH_VT)
    assert str(e.value) == (
        f"truncated or corrupt zip from {url} (member psam_p50.csv fails its CRC check): "
        "fetch it again"
    )
    assert_nothing_final(tmp_path)


def test_zip_without_a_person_csv_is_refused(httpserver, tmp_path):
    body = make_zip({"psam_h50.csv": b"RT,SERIALNO\nH,1\n", "ACS2018_PUMS_README.pdf": b"%PDF"})
    httpserver.expect_request(PATH_VT).respond_with_data(body, content_type="application/zip")
    with pytest.raises(CorruptFileError) as e:
        fetch_vt(httpserver, tmp_path)
    assert str(e.value) == (
        "csv_pvt.zip holds no person CSV (expected psam_pNN.csv or ssYYpST.csv, found "
        "psam_h50.csv, ACS2018_PUMS_README.pdf): it is not a PUMS person zip; fetch it again "
        "with --force or check --base-url"
    )
    assert_nothing_final(tmp_path)


def test_zip_of_another_state_is_refused(httpserver, tmp_path):
    body = make_zip({"psam_p33.csv": PERSON_CSV})
    httpserver.expect_request(PATH_VT).respond_with_data(body, content_type="application/zip")
    with pytest.raises(CorruptFileError, match=r"^csv_pvt.zip holds psam_p33.csv, not the person"):
        fetch_vt(httpserver, tmp_path)
    assert_nothing_final(tmp_path)


def test_unknown_state_and_missing_year_fail_before_any_request(httpserver, tmp_path):
    with pytest.raises(InputError) as e:
        fetch_vt_states(httpserver, tmp_path, "VT,XX")
    assert str(e.value) == (
        "unknown state 'XX': use USPS codes such as MA,NY,CA (or 'all', or US for the nation)"
    )
    with pytest.raises(DataNotAvailable, match="^no 2020 1-year PUMS"):
        fetch_files(2020, 1, "VT", data_dir=tmp_path, base_url=httpserver.url_for("/"))
    assert httpserver.log == []
    assert not (tmp_path / "raw").exists()


def fetch_vt_states(httpserver, data_dir, states):
    return fetch_files(
        2018, 1, states, data_dir=data_dir, base_url=httpserver.url_for("/"), progress=False
    )


# -- concurrency --------------------------------------------------------------------------------


def slow_zip_handler(body: bytes, delay: float = 0.4):
    def handler(request: Request) -> Response:
        time.sleep(delay)
        return Response(body, content_type="application/zip")

    return handler


def test_two_threads_fetching_the_same_file(httpserver, tmp_path, small_vt):
    httpserver.expect_request(PATH_VT).respond_with_handler(slow_zip_handler(small_vt))
    results: list = []

    def run():
        try:
            results.append(fetch_vt(httpserver, tmp_path))
        except Exception as exc:  # surfaced by the assertion below
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert results == [[final_path(tmp_path)]] * 2
    assert len(httpserver.log) == 1  # the second waited for the lock, then used the cache
    assert final_path(tmp_path).read_bytes() == small_vt
    assert verify(tmp_path) == []


def _fetch_in_process(base_url: str, data_dir: str) -> list[str]:
    return [
        str(p)
        for p in fetch_files(2018, 1, "VT", data_dir=data_dir, base_url=base_url, progress=False)
    ]


def test_two_processes_fetching_the_same_file(httpserver, tmp_path, small_vt):
    httpserver.expect_request(PATH_VT).respond_with_handler(slow_zip_handler(small_vt, 1.0))
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        args = [(httpserver.url_for("/"), str(tmp_path))] * 2
        out = pool.starmap(_fetch_in_process, args)
    assert out == [[str(final_path(tmp_path))]] * 2
    assert len(httpserver.log) == 1
    assert final_path(tmp_path).read_bytes() == small_vt
    assert list(cache.read_manifest(tmp_path / "raw")) == ["2018/1yr/csv_pvt.zip"]
