"""What every test folder shares: where the repository and the official data are, fast HTTP
retries, and the synthetic sample zips (written once per test session).

The official Census and BLS files (see ../shared/data/SOURCES.md) are read from ../shared/data
relative to the repository root; set BRAINWASTE_SHARED_DATA to read them from elsewhere. Tests that
need a file that is absent are skipped with a line saying which file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("BRAINWASTE_SHARED_DATA") or ROOT.parent / "shared" / "data")


def shared_file(relative: str | Path) -> Path:
    """A file or folder in the shared data directory; skips the calling test when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(
            f"{path} is absent (official files live in ../shared/data or $BRAINWASTE_SHARED_DATA)"
        )
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data directory (it may be absent: use shared_file() for one file)."""
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
