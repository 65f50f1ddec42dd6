"""The download cache: `DATA_DIR/raw/manifest.json` records every file fetched into raw/.

One entry per file, keyed by its path relative to raw/:

| field | meaning |
| --- | --- |
| url | where it came from, with any `key=` parameter redacted |
| path | path relative to raw/ (also the entry's key) |
| bytes, sha256 | size and SHA-256 of the file as accepted |
| downloaded_at | UTC time it was accepted, ISO 8601 |
| etag, last_modified | the server's validators, when it sent them (else null) |
| source | "files" (Census bulk zip) or "api" (Census API extract) |
| year, period, state | survey year, 1 or 5, USPS code (US for the nation) |

Updates are atomic (temporary file + os.replace) and serialised with an exclusive flock on
`manifest.json.lock`, so several processes can fetch into the same data directory.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .. import config
from ..atomic import write_text_atomic
from ..digest import sha256_file
from ..errors import CorruptFileError
from .http import redact

MANIFEST = "manifest.json"
FORMAT = 1
SOURCES = ("files", "api")


@dataclass(frozen=True)
class Problem:
    """A file the manifest lists that is missing or no longer matches its recorded size/hash."""

    path: str  # relative to raw/
    kind: str  # "missing", "size" or "checksum"
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.detail}"


@contextmanager
def file_lock(path: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive flock on `path` (created if needed); other holders wait."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def manifest_path(raw: str | os.PathLike) -> Path:
    return Path(raw) / MANIFEST


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_manifest(raw: str | os.PathLike) -> dict[str, dict]:
    """The manifest's entries by relative path ({} when there is no manifest yet)."""
    path = manifest_path(raw)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        data = json.loads(text)
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError("'files' is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptFileError(
            f"{path} is not a readable manifest ({exc}): delete it and fetch again"
        ) from None
    return files


def _write_manifest(raw: Path, files: dict[str, dict]) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    payload = {"format": FORMAT, "files": dict(sorted(files.items()))}
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    write_text_atomic(manifest_path(raw), text, durable=True)


@contextmanager
def _locked(raw: Path) -> Iterator[None]:
    with file_lock(raw / (MANIFEST + ".lock")):
        yield


def lookup(raw: str | os.PathLike, rel: str) -> dict | None:
    """The entry for a path relative to raw/, or None."""
    return read_manifest(raw).get(rel)


def record(raw: str | os.PathLike, entry: dict) -> None:
    """Add or replace one entry (keyed by entry["path"]) under the manifest lock."""
    raw = Path(raw)
    missing = {"url", "path", "bytes", "sha256", "source"} - entry.keys()
    if missing:
        raise ValueError(f"manifest entry lacks {sorted(missing)}")
    if entry["source"] not in SOURCES:
        raise ValueError(f"manifest source must be one of {SOURCES}, not {entry['source']!r}")
    with _locked(raw):
        files = read_manifest(raw)
        files[entry["path"]] = entry
        _write_manifest(raw, files)


def make_entry(
    raw: str | os.PathLike,
    path: str | os.PathLike,
    *,
    url: str,
    source: str,
    year: int,
    period: int,
    state: str,
    sha256: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    **extra,
) -> dict:
    """A manifest entry for a file already in place under raw/ (hashes it unless given)."""
    path = Path(path)
    entry = {
        "url": redact(url),
        "path": path.relative_to(raw).as_posix(),
        "bytes": path.stat().st_size,
        "sha256": sha256 or sha256_file(path),
        "downloaded_at": utc_now(),
        "etag": etag,
        "last_modified": last_modified,
        "source": source,
        "year": int(year),
        "period": int(period),
        "state": state,
    }
    entry.update(extra)
    return entry


def check(raw: str | os.PathLike, entry: dict) -> Problem | None:
    """Compare a file with its entry: None when size and SHA-256 still match."""
    rel = entry["path"]
    path = Path(raw) / rel
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Problem(rel, "missing", "listed in the manifest but missing: fetch it again")
    if size != entry["bytes"]:
        return Problem(
            rel,
            "size",
            f"damaged: {size:,} bytes instead of {entry['bytes']:,}: fetch it again with --force",
        )
    if sha256_file(path) != entry["sha256"]:
        return Problem(rel, "checksum", "damaged: SHA-256 differs: fetch it again with --force")
    return None


def is_intact(raw: str | os.PathLike, entry: dict | None) -> bool:
    return entry is not None and check(raw, entry) is None


def verify(data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Recompute sizes and SHA-256 of every file in the manifest; list the missing or damaged ones."""
    raw = config.raw_dir(data_dir)
    problems = []
    for _rel, entry in sorted(read_manifest(raw).items()):
        p = check(raw, entry)
        if p is not None:
            problems.append(p)
    return problems
