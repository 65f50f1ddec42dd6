"""Files pinned by SHA-256, fetched from a mirror or from where they were published.

A registry (a CSV file: ``path, bytes, sha256, urls``) names each file by its path under a data
folder, with the size and SHA-256 it must have and the addresses it can be downloaded from
(``urls``: space-separated, tried in order, e.g. the Census server, then a copy in a public
repository at a fixed commit). :func:`fetch_pinned` makes every file present under a destination
folder: a file already there with the pinned checksum is kept; otherwise it is taken from a
mirror (a local folder, or the base URL of a server, laid out like the registry's paths), else
from its own addresses. Each copy goes to ``NAME.part`` first and gets its final name only after
its size and SHA-256 match the pin, so nothing half-written or different is ever used.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import requests

from ..digest import sha256_file
from ..errors import DownloadError
from . import http

#: Bytes per read of a download.
CHUNK = 1 << 16


@dataclass(frozen=True)
class PinnedFile:
    """One registry row: where the file goes, what it must be, where it can come from."""

    path: str  # relative, with forward slashes
    bytes: int
    sha256: str
    urls: tuple[str, ...]


def read_registry(path: str | os.PathLike) -> list[PinnedFile]:
    """The rows of a registry CSV (columns ``path, bytes, sha256, urls``; other columns ignored)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        PinnedFile(r["path"], int(r["bytes"]), r["sha256"].lower(), tuple(r["urls"].split()))
        for r in rows
    ]


def is_intact(path: Path, pin: PinnedFile) -> bool:
    """True when `path` exists with the pinned size and SHA-256."""
    return path.is_file() and path.stat().st_size == pin.bytes and sha256_file(path) == pin.sha256


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def sources(pin: PinnedFile, mirror: str | os.PathLike | None) -> list[str]:
    """Where `pin` is looked for, in order: the mirror (folder or URL), then its own addresses."""
    found: list[str] = []
    if mirror:
        m = str(mirror)
        found.append(f"{m.rstrip('/')}/{pin.path}" if _is_url(m) else str(Path(m) / pin.path))
    return found + list(pin.urls)


def _copy_into(source: str, part: Path, session) -> None:
    if _is_url(source):
        if session is None:
            with http.new_session() as own:
                return _copy_into(source, part, own)
        with (
            http.get(session, source, stream=True, hint="the mirror") as resp,
            open(part, "wb") as f,
        ):
            for chunk in resp.iter_content(CHUNK):
                f.write(chunk)
    else:
        if not Path(source).is_file():
            raise FileNotFoundError(source)
        shutil.copyfile(source, part)


def fetch_one(pin: PinnedFile, dest: Path, mirror=None, session=None) -> tuple[Path, str | None]:
    """Make `dest/pin.path` the pinned file. Returns (path, source used; None when it was
    already there). Raises DownloadError, naming every source tried, when none gives it."""
    final = dest / pin.path
    if is_intact(final, pin):
        return final, None
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(final.name + ".part")
    tried: list[str] = []
    for source in sources(pin, mirror):
        try:
            _copy_into(source, part, session)
        except (OSError, DownloadError, requests.RequestException) as exc:
            tried.append(f"{http.redact(source)}: {str(exc).splitlines()[0] or type(exc).__name__}")
            part.unlink(missing_ok=True)
            continue
        size, sha = part.stat().st_size, sha256_file(part)
        if size == pin.bytes and sha == pin.sha256:
            os.replace(part, final)
            return final, source
        part.unlink(missing_ok=True)
        tried.append(
            f"{http.redact(source)}: {size:,} bytes with sha256 {sha[:12]}..., not the pinned file"
        )
    raise DownloadError(
        f"{pin.path}: no source gave the file with sha256 {pin.sha256[:12]}... "
        f"({'; '.join(tried) or 'no source'}); give a mirror folder or URL"
    )


def fetch_pinned(
    pins: Iterable[PinnedFile],
    dest: str | os.PathLike,
    *,
    mirror: str | os.PathLike | None = None,
    log=None,
) -> list[Path]:
    """Make every pinned file present and intact under `dest` (see the module docstring).

    `mirror` is a local folder or a base URL laid out like the registry's paths. `log(message)`
    is called once per file. Returns the paths; stops at the first file no source can give.
    """
    dest = Path(dest)
    out = []
    with http.new_session() as session:
        for pin in pins:
            path, source = fetch_one(pin, dest, mirror, session)
            if log is not None:
                log(
                    f"{pin.path}: "
                    + ("already present" if source is None else f"from {http.redact(source)}")
                )
            out.append(path)
    return out
