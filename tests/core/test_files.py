"""Atomic writes and file digests, used by every writer and by the download manifest."""

from __future__ import annotations

import hashlib

import pytest

from brainwaste.atomic import temporary_path, write_atomic, write_text_atomic
from brainwaste.digest import file_digest, sha256_file
from brainwaste.geography import place_name


def test_sha256_matches_hashlib_across_chunks(tmp_path):
    path = tmp_path / "f.bin"
    data = bytes(range(256)) * 5000  # 1.28 MB: more than one 1 MiB chunk
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()
    assert sha256_file(path, chunk=7) == hashlib.sha256(data).hexdigest()
    assert file_digest(path) == {
        "path": str(path),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out" / "table.csv"
    write_text_atomic(path, "old\n")

    def half(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(path, half)
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["table.csv"]
    write_text_atomic(path, "new\n", durable=True)
    assert path.read_text() == "new\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["table.csv"]


def test_temporary_names_are_hidden_and_unique(tmp_path):
    a, b = temporary_path(tmp_path / "x.json"), temporary_path(tmp_path / "x.json")
    assert a != b and a.parent == tmp_path and a.name.startswith(".x.json.")


def test_place_names_in_three_forms():
    assert [place_name("US", f) for f in ("name", "text", "short")] == [
        "United States",
        "the United States",
        "U.S.",
    ]
    assert place_name("MA") == place_name("25", "short") == "Massachusetts"
