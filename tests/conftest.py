"""What every test folder shares: where the repository and the official data are, fast HTTP
retries, and the synthetic sample zips (written once per test session).

The official Census, BLS and O*NET files are named by their path in tests/fixtures/registry.csv
(the layout of ../shared/data) and looked up in one place, :func:`shared_file`: the copies
vendored under tests/fixtures/official, then those `make test-data` fetched into
tests/fixtures/fetched, then the shared data folder ($BRAINWASTE_SHARED_DATA, else
../shared/data); each is checked against its pinned SHA-256 (tests/official_data.py). A test
that needs a file found nowhere is skipped with a line naming the file and `make test-data`.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest

from tests.official_data import ENABLE, NOT_REBUILT, SHARED_DATA, complete_folder, locate

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["ROOT", "SHARED_DATA", "load_script", "official_folder", "shared_file"]


def load_script(relative: str) -> ModuleType:
    """A script of the repository (``scripts/NAME.py``, ``benchmarks/NAME.py``) as a module, so
    tests can call its functions; registered in sys.modules under its file name."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def shared_file(relative: str | Path) -> Path:
    """An official file by its path in the shared layout (``pums_data_dictionaries/...``),
    checked against its pin; skips the calling test when it is nowhere here."""
    rel = Path(relative).as_posix()
    path = locate(rel)
    if path is None:
        why = f" ({NOT_REBUILT[rel]})" if rel in NOT_REBUILT else ""
        pytest.skip(f"official file {rel} is not here{why}: {ENABLE}")
    return path


def official_folder(paths: Iterable[str | Path] | None = None) -> Path:
    """A folder laid out like ../shared/data that holds `paths` (default: every pinned file),
    for scripts that take such a folder; skips the calling test when a file is missing."""
    wanted = None if paths is None else [Path(p).as_posix() for p in paths]
    folder, missing = complete_folder(wanted)
    if folder is None:
        shown = ", ".join(missing[:3]) + (
            f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        )
        pytest.skip(f"official files {shown} are not here: {ENABLE}")
    return folder


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data directory (it may be absent: use shared_file() for one file, or
    official_folder() for a folder that holds them)."""
    return SHARED_DATA


@pytest.fixture
def fast_retries(monkeypatch):
    """Retry downloads after 10 ms instead of seconds, and give up on a silent server quickly."""
    from brainwaste.acquire import http

    monkeypatch.setattr(http, "BACKOFF", 0.01)
    monkeypatch.setattr(http, "CONNECT_TIMEOUT", 2.0)
    monkeypatch.setattr(http, "READ_TIMEOUT", 5.0)


@pytest.fixture(scope="session")
def sample_zips(tmp_path_factory):
    """sample_zips(states, size="tiny") -> the synthetic Census-style zips of those states.

    Written once per session for each (states, size) and shared by every test: treat them as
    read-only (copy one before changing it).
    """
    made: dict[tuple, list[Path]] = {}

    def get(states, size: str = "tiny") -> list[Path]:
        from brainwaste.pums import synthetic

        key = (tuple(states), size)
        if key not in made:
            out = tmp_path_factory.mktemp("sample_" + "_".join(states) + f"_{size}")
            made[key] = synthetic.write_sample(out, states=list(states), size=size)
        return made[key]

    return get


@pytest.fixture(scope="session")
def vt_tiny_zip(sample_zips) -> Path:
    """The tiny synthetic Vermont zip (the smallest useful PUMS file)."""
    return sample_zips(["VT"])[0]


@pytest.fixture(params=["prescan", "full parse"])
def reading_path(request, monkeypatch) -> str:
    """Run a test on both ways of reading a CSV: the compiled pre-scan (numba, loaded before the
    test so that every piece takes it) and pyarrow's full parse (``BRAINWASTE_NO_NUMBA=1``)."""
    from brainwaste import _compiled
    from brainwaste.pums import readers, scan

    if request.param == "full parse":
        monkeypatch.setenv(_compiled.NO_NUMBA_ENV, "1")
    else:
        monkeypatch.delenv(_compiled.NO_NUMBA_ENV, raising=False)
        monkeypatch.setenv(readers.PRESCAN_BYTES_ENV, "0")  # small files too
        if not _compiled.enabled():
            pytest.skip("numba is not importable here")
        assert scan.ready(wait=None)
    return request.param
