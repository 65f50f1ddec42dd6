"""Pinned files (make test-data): taken from a mirror folder or server, else from their own
addresses, and kept only with the pinned size and SHA-256 (local server, no network)."""

from __future__ import annotations

import hashlib

import pytest

from brainwaste.acquire import http
from brainwaste.acquire.pinned import PinnedFile, fetch_one, fetch_pinned, read_registry
from brainwaste.errors import DownloadError
from tests.conftest import ROOT

DATA = b"NAME,var,type,len\n" * 50


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(http, "BACKOFF", 0.01)
    monkeypatch.setattr(http, "TRIES", 2)


def pin(path="dicts/PUMS_Data_Dictionary_2018.csv", data=DATA, urls=()) -> PinnedFile:
    return PinnedFile(path, len(data), hashlib.sha256(data).hexdigest(), tuple(urls))


def test_from_a_mirror_folder_then_kept(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "dicts").mkdir(parents=True)
    (mirror / "dicts" / "PUMS_Data_Dictionary_2018.csv").write_bytes(DATA)
    dest = tmp_path / "dest"
    path, source = fetch_one(pin(), dest, mirror)
    assert path.read_bytes() == DATA and source == str(mirror / pin().path)
    assert fetch_one(pin(), dest, mirror) == (path, None)  # intact: not copied again
    assert not list(dest.rglob("*.part"))


def test_a_wrong_mirror_copy_falls_back_to_the_origin(tmp_path, httpserver):
    mirror = tmp_path / "mirror"
    (mirror / "dicts").mkdir(parents=True)
    (mirror / "dicts" / "PUMS_Data_Dictionary_2018.csv").write_bytes(DATA + b"changed")
    httpserver.expect_request("/missing.csv").respond_with_data("no", status=404)
    httpserver.expect_request("/origin.csv").respond_with_data(DATA)
    urls = [httpserver.url_for("/missing.csv"), httpserver.url_for("/origin.csv")]
    path, source = fetch_one(pin(urls=urls), tmp_path / "dest", mirror)
    assert source == urls[1] and path.read_bytes() == DATA


def test_a_mirror_server_with_the_registry_layout(tmp_path, httpserver):
    httpserver.expect_request("/data/dicts/PUMS_Data_Dictionary_2018.csv").respond_with_data(DATA)
    paths = fetch_pinned([pin()], tmp_path, mirror=httpserver.url_for("/data/"))
    assert paths == [tmp_path / pin().path] and paths[0].read_bytes() == DATA


def test_no_source_with_the_pinned_bytes_is_one_clear_error(tmp_path, httpserver):
    httpserver.expect_request("/origin.csv").respond_with_data(DATA[:-1])
    with pytest.raises(DownloadError) as err:
        fetch_one(pin(urls=[httpserver.url_for("/origin.csv")]), tmp_path, tmp_path / "nowhere")
    message = str(err.value)
    assert "\n" not in message and "not the pinned file" in message and "nowhere" in message
    assert not (tmp_path / pin().path).exists()  # nothing half-written at the final name
    assert not list(tmp_path.rglob("*.part"))


def test_the_registry_pins_every_file_with_a_source():
    rows = read_registry(ROOT / "tests" / "fixtures" / "registry.csv")
    assert len(rows) >= 40 and len({r.path for r in rows}) == len(rows)
    for r in rows:
        assert len(r.sha256) == 64 and r.bytes > 0
        assert all(u.startswith("https://") for u in r.urls)
    by_path = {r.path: r for r in rows}
    # the Census server first, for the files the Census Bureau publishes as they are
    de = by_path["acs_pums_2018_1yr_person_small_states/csv_pde.zip"]
    assert (
        de.urls[0]
        == "https://www2.census.gov/programs-surveys/acs/data/pums/2018/1-Year/csv_pde.zip"
    )
