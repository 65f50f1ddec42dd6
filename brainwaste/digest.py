"""SHA-256 of files: what the download manifest, the pinned test data and every output's record
of its inputs use to say which bytes they mean."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """The hex SHA-256 of a file, read in chunks of `chunk` bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def file_digest(path: str | os.PathLike) -> dict:
    """``{"path", "bytes", "sha256"}`` of a file, as outputs record their inputs."""
    return {"path": str(path), "bytes": Path(path).stat().st_size, "sha256": sha256_file(path)}
