"""Atomic file writes: a reader (or a crash) never sees a half-written output."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

#: Temporary names of :func:`temporary_path` (``.NAME.RANDOM.tmpPID``; ``.NAME.tmpPID`` and the
#: reader's ``NAME.persons.tmpPID`` of earlier versions): the process id says whether the writer
#: may still be running.
_TEMP_NAME = re.compile(r"^(?:\..+|.+\.persons)\.tmp(\d+)$")
_swept: set[Path] = set()


def remove_stale_temp_files(directory: str | os.PathLike) -> list[Path]:
    """Remove the temporary files that killed runs left in `directory` (their process is gone);
    files of a run still going on (two reports at once) are kept. Returns the paths removed."""
    removed = []
    directory = Path(directory)
    if not directory.is_dir():
        return removed
    for p in directory.iterdir():
        m = _TEMP_NAME.match(p.name)
        if m and int(m[1]) != os.getpid() and not _running(int(m[1])):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's process, or a pid we cannot ask about: leave its files
    return True


def temporary_path(path: str | os.PathLike) -> Path:
    """A fresh name beside `path` to write to before renaming it into place: in the same folder
    (so the rename is atomic) and unique to the call (threads and processes may write the same
    `path` at once). A dot-file, so that listings and globs of outputs pass it over."""
    path = Path(path)
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp{os.getpid()}")


def write_atomic(
    path: str | os.PathLike, write: Callable[[Path], object], *, durable: bool = False
) -> Path:
    """Call ``write(tmp)`` on a temporary name beside `path`, then rename it into place.

    The temporary file is removed if `write` fails, so nothing half-written is left behind. With
    `durable`, the file is flushed to disk before the rename (for a file whose loss costs more
    than a rerun, such as the download manifest).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.parent not in _swept:  # once per directory and run: leftovers of killed runs
        _swept.add(path.parent)
        remove_stale_temp_files(path.parent)
    tmp = temporary_path(path)
    try:
        write(tmp)
        if durable:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically."""
    return write_atomic(path, lambda tmp: tmp.write_bytes(data))


def write_text_atomic(path: str | os.PathLike, text: str, *, durable: bool = False) -> Path:
    """Write `text` (UTF-8) to `path` atomically."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), durable=durable)
