"""Where the tests find the official Census, BLS and O*NET files, and how the copies vendored
with the tests are unpacked.

Every file is named by its path in ``tests/fixtures/registry.csv`` (the layout of the shared
data folder) and is used only after its size and SHA-256 match the pin there. It is looked for
in three places, in this order:

1. ``tests/fixtures/official/``: vendored with the repository, packed to stay under 5 MB
   (registry column ``vendored``):

   - ``raw``: the file as it is, at ``official/PATH``;
   - ``texts``: a member of ``official/texts.tar.xz``, one solid xz archive of the text files
     (every data dictionary, the small occupation tables), which compresses ~40 near-identical
     dictionaries far better than one by one;
   - ``zip``: an official Census zip rebuilt byte for byte from ``official/PATH.layout.json``
     (its headers and central directory), the CSV member stored column by column in an xz file,
     re-deflated with zlib at level 6, memory level 9 (the settings that reproduce the Census
     bytes exactly), and members that do not re-deflate identically (the README PDF, shared by
     the four zips) stored as their compressed bytes;

2. ``tests/fixtures/fetched/``: what ``make test-data`` downloaded;
3. the shared data folder: ``$BRAINWASTE_SHARED_DATA``, else ``../shared/data``.

Unpacked copies go to a temporary folder of the test session.
"""

from __future__ import annotations

import atexit
import base64
import csv
import functools
import hashlib
import io
import json
import lzma
import os
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
REGISTRY = FIXTURES / "registry.csv"
VENDORED = FIXTURES / "official"
FETCHED = FIXTURES / "fetched"
TEXTS = VENDORED / "texts.tar.xz"
SHARED_DATA = Path(os.environ.get("BRAINWASTE_SHARED_DATA") or ROOT.parent / "shared" / "data")

#: What a skip says to do.
ENABLE = "run `make test-data` (see tests/fixtures/SOURCES.md)"

#: zlib settings that reproduce the deflate streams of the Census 2018 PUMS zips.
DEFLATE_LEVEL, DEFLATE_MEMLEVEL = 6, 9


class OfficialDataError(AssertionError):
    """A copy of an official file does not have its pinned bytes."""


@dataclass(frozen=True)
class Pin:
    path: str
    bytes: int
    sha256: str
    vendored: str


@functools.cache
def registry() -> dict[str, Pin]:
    with open(REGISTRY, newline="", encoding="utf-8") as f:
        return {
            r["path"]: Pin(r["path"], int(r["bytes"]), r["sha256"], r["vendored"])
            for r in csv.DictReader(f)
        }


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_path(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@functools.cache
def _unpacked() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="brainwaste-official-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


# -- the column store of a CSV (exactly reversible) ----------------------------------------------


def pack_columns(data: bytes) -> bytes:
    """A CSV without quotes, column after column (xz compresses that ~7% better than rows).

    Layout: ``b"1"`` or ``b"0"`` (ends with a newline or not), then the columns separated by
    NUL, each the column's fields separated by newlines. Refuses what it could not restore.
    """
    trailing = data.endswith(b"\n")
    lines = (data[:-1] if trailing else data).split(b"\n")
    rows = [line.split(b",") for line in lines]
    width = len(rows[0])
    if b'"' in data or b"\0" in data or any(len(r) != width for r in rows):
        raise ValueError("not a plain CSV with one width")
    columns = [b"\n".join(r[i] for r in rows) for i in range(width)]
    packed = (b"1" if trailing else b"0") + b"\0".join(columns)
    if unpack_columns(packed) != data:
        raise ValueError("column store does not restore the file")
    return packed


def unpack_columns(packed: bytes) -> bytes:
    columns = [c.split(b"\n") for c in packed[1:].split(b"\0")]
    text = b"\n".join(b",".join(row) for row in zip(*columns, strict=True))
    return text + (b"\n" if packed[:1] == b"1" else b"")


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15, DEFLATE_MEMLEVEL)
    return c.compress(data) + c.flush()


# -- zips rebuilt from their parts ---------------------------------------------------------------


def zip_parts(data: bytes, stem: str) -> tuple[dict, dict[str, bytes]]:
    """Split a zip into a layout (headers and directory as base64, members by reference) and the
    files to store: ``{stem}.{member}.cols.xz`` for a CSV member that re-deflates identically,
    ``{member}.deflated`` (its compressed bytes) for any other member."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    segments: list[dict] = []
    files: dict[str, bytes] = {}
    pos = 0
    for info in sorted(zf.infolist(), key=lambda i: i.header_offset):
        head = info.header_offset
        name_len = int.from_bytes(data[head + 26 : head + 28], "little")
        extra_len = int.from_bytes(data[head + 28 : head + 30], "little")
        start = head + 30 + name_len + extra_len
        payload = data[start : start + info.compress_size]
        segments.append({"bytes": base64.b64encode(data[pos:start]).decode("ascii")})
        content = zf.read(info.filename)
        if (
            info.compress_type == zipfile.ZIP_DEFLATED
            and info.filename.endswith(".csv")
            and deflate(content) == payload
        ):
            store = f"{stem}.{info.filename}.cols.xz"
            files[store] = lzma.compress(pack_columns(content), preset=9 | lzma.PRESET_EXTREME)
            segments.append({"member": info.filename, "file": store, "deflate": True})
        else:
            store = f"{info.filename}.deflated"
            files[store] = payload
            segments.append({"member": info.filename, "file": store, "deflate": False})
        pos = start + info.compress_size
    segments.append({"bytes": base64.b64encode(data[pos:]).decode("ascii")})
    return {"segments": segments}, files


def rebuild_zip(layout: dict, folder: Path) -> bytes:
    out = io.BytesIO()
    for seg in layout["segments"]:
        if "bytes" in seg:
            out.write(base64.b64decode(seg["bytes"]))
        elif seg["deflate"]:
            csv_bytes = unpack_columns(lzma.decompress((folder / seg["file"]).read_bytes()))
            out.write(deflate(csv_bytes))
        else:
            out.write((folder / seg["file"]).read_bytes())
    return out.getvalue()


# -- lookup --------------------------------------------------------------------------------------


def _checked(path: Path, pin: Pin, what: str) -> Path:
    if path.stat().st_size != pin.bytes or sha256_path(path) != pin.sha256:
        raise OfficialDataError(
            f"{what} {path} is not the pinned {pin.path} (size or SHA-256 differs): "
            "replace it, or run `make test-data`"
        )
    return path


#: Vendored files that could not be rebuilt here, and why (for the skip message).
NOT_REBUILT: dict[str, str] = {}


@functools.cache
def _texts() -> dict[str, bytes]:
    with tarfile.open(TEXTS, "r:xz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def _unpack(pin: Pin) -> Path | None:
    """The vendored copy of `pin`, unpacked into the session folder (None when not vendored)."""
    if pin.vendored == "raw":
        path = VENDORED / pin.path
        return _checked(path, pin, "vendored") if path.is_file() else None
    if pin.vendored == "texts":
        data = _texts().get(pin.path) if TEXTS.is_file() else None
    elif pin.vendored == "zip":
        layout_path = VENDORED / f"{pin.path}.layout.json"
        if not layout_path.is_file():
            return None
        data = rebuild_zip(json.loads(layout_path.read_text()), layout_path.parent)
    else:
        return None
    if data is None:
        return None
    if len(data) != pin.bytes or sha256_bytes(data) != pin.sha256:
        if pin.vendored == "zip":
            # A zlib that deflates differently (zlib-ng) cannot rebuild the Census bytes: not a
            # damaged file, so the fetched or shared copy is used, or the test skips.
            NOT_REBUILT[pin.path] = "this Python's zlib does not rebuild the Census zip"
            return None
        raise OfficialDataError(f"the vendored copy of {pin.path} is damaged: {ENABLE}")
    out = _unpacked() / pin.path
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


@functools.cache
def locate(relative: str) -> Path | None:
    """The checked copy of a registry file, or None when it is nowhere here."""
    pin = registry().get(relative)
    if pin is None:
        # not pinned (a folder, or a file added to the shared data later): the shared folder
        path = SHARED_DATA / relative
        return path if path.exists() else None
    found = _unpack(pin)
    if found is not None:
        return found
    for base, what in ((FETCHED, "fetched"), (SHARED_DATA, "shared")):
        path = base / relative
        if path.is_file():
            return _checked(path, pin, what)
    return None


def complete_folder(paths: Iterable[str] | None = None) -> tuple[Path | None, list[str]]:
    """A folder laid out like the shared data holding `paths` (default: every registry file),
    and the paths that are missing. The shared folder itself when it has them all, else a
    session folder of links to wherever each file is."""
    wanted = sorted(paths if paths is not None else registry())
    if all((SHARED_DATA / p).is_file() for p in wanted):
        for p in wanted:
            if p in registry():
                _checked(SHARED_DATA / p, registry()[p], "shared")
        return SHARED_DATA, []
    found = {p: locate(p) for p in wanted}
    missing = [p for p, path in found.items() if path is None]
    if missing:
        return None, missing
    key = sha256_bytes("\n".join(wanted).encode())[:12]
    folder = _unpacked() / f"complete-{key}"
    for p, path in found.items():
        link = folder / p
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path.resolve())
    return folder, []
