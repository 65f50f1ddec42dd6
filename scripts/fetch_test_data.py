"""Fetch the official test data that is not vendored (``make test-data``).

Reads ``tests/fixtures/registry.csv`` and makes every file marked ``vendored = no`` present under
``tests/fixtures/fetched/`` (git-ignored) with its pinned SHA-256, through
:mod:`brainwaste.acquire.pinned`: from a mirror first (``--mirror DIR|URL`` or
``$BRAINWASTE_TEST_DATA_MIRROR``: a folder or server laid out like the registry's paths, such as
``../shared/data``), else from the Census server, else from the public repository copy the file
was pinned from. Files already present and intact are not fetched again.

Usage: python scripts/fetch_test_data.py [--mirror DIR|URL] [--all]
(--all also fetches the vendored files, e.g. to check their published copies).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

from brainwaste.acquire.pinned import fetch_pinned, read_registry
from brainwaste.errors import BrainwasteError

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "tests" / "fixtures" / "registry.csv"
FETCHED = ROOT / "tests" / "fixtures" / "fetched"
MIRROR_ENV = "BRAINWASTE_TEST_DATA_MIRROR"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirror", help=f"folder or base URL tried first (default ${MIRROR_ENV})")
    ap.add_argument("--all", action="store_true", help="also the files vendored with the tests")
    ap.add_argument("--dest", type=Path, default=FETCHED, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    mirror = args.mirror or os.environ.get(MIRROR_ENV) or None
    if mirror and not mirror.startswith(("http://", "https://")) and not Path(mirror).is_dir():
        print(f"test-data: mirror folder {mirror} does not exist", file=sys.stderr)
        return 2
    with open(REGISTRY, newline="", encoding="utf-8") as f:
        vendored = {r["path"]: r["vendored"] for r in csv.DictReader(f)}
    pins = [p for p in read_registry(REGISTRY) if args.all or vendored[p.path] == "no"]
    try:
        paths = fetch_pinned(pins, args.dest, mirror=mirror, log=lambda m: print(f"test-data: {m}"))
    except BrainwasteError as exc:
        print(f"test-data: error: {exc}", file=sys.stderr)
        return 1
    total = sum(p.stat().st_size for p in paths)
    print(f"test-data: {len(paths)} files, {total:,} bytes, in {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
