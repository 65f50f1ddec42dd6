"""Atomic file writes: a reader (or a crash) never sees a half-written output."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

#: Temporary names of this module (``.NAME.tmpPID``) and of the reader's parquet cache
#: (``NAME.persons.tmpPID``): the process id says whether the writer may still be running.
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


def write_atomic(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary name beside `path`, then rename it into place.

    The temporary file is removed if `write` fails, so nothing half-written is left behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.parent not in _swept:  # once per directory and run: leftovers of killed runs
        _swept.add(path.parent)
        remove_stale_temp_files(path.parent)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically."""
    return write_atomic(path, lambda tmp: tmp.write_bytes(data))
