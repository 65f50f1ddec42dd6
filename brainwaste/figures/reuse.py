"""Keep an output written earlier when everything it is made from is unchanged.

Drawing a chart (PNG, SVG and PDF) or writing the workbook takes seconds and does not depend on
how many records a trend is made of, so a trend rerun from kept years spent most of its time
redrawing outputs identical to those on disk. :func:`reuse_or_write` records, beside the
outputs, a digest of their inputs (tables, settings, the house style and its logo) and of what
else decides their bytes (the package's own source and data files, and the versions of the
libraries that write them), with each output file's size and modification time; the next run
with the same digest and untouched files keeps them. Any change in an input, in the code, in a
library version, or to an output file on disk (edited, replaced, deleted) writes them again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..atomic import write_atomic
from . import style

#: Libraries whose version can change the bytes of a figure, a workbook or a table file.
LIBRARIES = ("matplotlib", "fonttools", "pillow", "openpyxl", "pandas", "pyarrow", "numpy")

#: Package files that decide outputs: the code and its tables, profiles and styles.
SOURCE_SUFFIXES = (".py", ".csv", ".toml", ".json", ".mplstyle", ".ttf", ".otf")


@functools.lru_cache(maxsize=1)
def source_digest() -> str:
    """SHA-256 over the package's own code and data files (path and bytes of each)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.suffix in SOURCE_SUFFIXES and "__pycache__" not in p.parts and p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            h.update(p.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def _style_part() -> dict:
    """The current house style, with the digest of its logo's bytes (the path alone would miss
    a logo replaced in place)."""
    hs = style.current()
    out = {k: v for k, v in dataclasses.asdict(hs).items() if k != "path"}
    if hs.logo is not None:
        logo = Path(hs.logo)
        out["logo_sha256"] = (
            hashlib.sha256(logo.read_bytes()).hexdigest() if logo.is_file() else None
        )
    return out


def _feed(h, part) -> None:
    """Add one input to the digest: frames by their values, index, columns and dtypes; other
    values by their JSON form."""
    if isinstance(part, pd.DataFrame | pd.Series):
        frame = part.to_frame() if isinstance(part, pd.Series) else part
        h.update(b"frame\0")
        h.update(json.dumps([list(map(str, frame.columns)), list(map(str, frame.dtypes))]).encode())
        h.update(str(len(frame)).encode() + b"\0")
        if len(frame.columns):
            rows = pd.util.hash_pandas_object(frame, index=True, categorize=False).to_numpy()
            h.update(np.ascontiguousarray(rows).tobytes())
        else:
            h.update(pd.util.hash_pandas_object(frame.index).to_numpy().tobytes())
    elif dataclasses.is_dataclass(part) and not isinstance(part, type):
        _feed(h, {"dataclass": type(part).__name__, **dataclasses.asdict(part)})
    elif isinstance(part, dict):
        h.update(b"dict\0")
        for k in sorted(part, key=str):
            h.update(json.dumps(str(k)).encode() + b"\0")
            _feed(h, part[k])
    elif isinstance(part, list | tuple):
        h.update(f"list{len(part)}\0".encode())
        for p in part:
            _feed(h, p)
    else:
        h.update(json.dumps(part, default=str, sort_keys=True).encode() + b"\0")


def inputs_digest(*parts) -> str:
    """SHA-256 of `parts` (frames, dicts, lists, dataclasses, plain values) together with the
    package version, its source files, the libraries' versions and the current house style."""
    h = hashlib.sha256()
    _feed(h, [__version__, source_digest(), library_versions(), _style_part()])
    for part in parts:
        _feed(h, part)
    return h.hexdigest()


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def record_path(folder: Path, key: str) -> Path:
    """Where the record of the outputs called `key` is kept (a hidden file in `folder`)."""
    return Path(folder) / f".{key}.inputs.json"


def kept_outputs(folder: Path, key: str, digest: str) -> list[Path] | None:
    """The outputs recorded under `key` when they were made from `digest` and are on disk as
    they were written (same size and modification time); else None."""
    try:
        record = json.loads(record_path(folder, key).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("inputs_sha256") != digest:
        return None
    files = record.get("files")
    if not isinstance(files, dict) or not files:
        return None
    paths = []
    for name, stat in files.items():
        path = Path(folder) / name
        if _stat(path) != stat:
            return None
        paths.append(path)
    return paths


def reuse_or_write(
    folder: str | os.PathLike, key: str, parts: tuple, write: Callable[[], list[Path]]
) -> list[Path]:
    """`write()`'s outputs (files in `folder`), written again only when the digest of `parts`
    (see :func:`inputs_digest`) or the files on disk differ from what was recorded when they
    were last written; returns their paths either way."""
    folder = Path(folder)
    digest = inputs_digest(key, *parts)
    kept = kept_outputs(folder, key, digest)
    if kept is not None:
        return kept
    record = record_path(folder, key)
    record.unlink(missing_ok=True)  # no stale record while the outputs are being replaced
    paths = [Path(p) for p in write()]
    files = {}
    for p in paths:
        if p.parent.resolve() != folder.resolve():
            return paths  # outputs elsewhere: not kept track of, written every time
        files[p.name] = _stat(p)
    text = json.dumps({"inputs_sha256": digest, "files": files}, indent=1) + "\n"
    write_atomic(record, lambda t: t.write_text(text))
    return paths
