"""The cache of kept records (brainwaste/pums/kept.py): a rerun with the same prefilter reads
only the records it kept and the file's totals, and gives every number of a full read."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from brainwaste.method.classify import universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums import readers

PROFILE = load_profile("mpi")


@pytest.fixture
def zips(sample_zips):
    return sample_zips(["MA", "WY"])


def assert_same_persons(a: readers.Persons, b: readers.Persons) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    pd.testing.assert_frame_equal(a.population_totals, b.population_totals, check_exact=True)
    pd.testing.assert_frame_equal(
        a.state_population_totals, b.state_population_totals, check_exact=True
    )
    assert (a.n_records_read, a.has_replicate_weights, a.notes, a.sources) == (
        b.n_records_read,
        b.has_replicate_weights,
        b.notes,
        b.sources,
    )


def test_rerun_reads_only_the_kept_records(tmp_path, zips, monkeypatch):
    keep = universe_prefilter(PROFILE)
    full = readers.read_persons(zips, prefilter=keep)
    cache = tmp_path / "cache"
    first = readers.read_persons(zips, prefilter=keep, cache_dir=cache)
    kept_files = sorted(cache.glob("*.kept-*.parquet"))
    assert len(kept_files) == len(zips) and len(list(cache.glob("*.persons.parquet"))) == 2
    assert 0 < len(first.frame) < first.n_records_read

    def no_reading(*args, **kwargs):
        raise AssertionError("the file or its full cache was read")

    monkeypatch.setattr(readers, "iter_raw_batches", no_reading)
    again = readers.read_persons(zips, prefilter=keep, cache_dir=cache)
    assert_same_persons(again, full)
    assert_same_persons(first, full)


def test_other_rules_other_kept_files(tmp_path, zips):
    cache = tmp_path / "cache"
    universe_only = universe_prefilter(PROFILE, keep_health_workers=False)
    assert universe_only.cache_key != universe_prefilter(PROFILE).cache_key
    assert universe_prefilter(PROFILE).cache_key == universe_prefilter(PROFILE).cache_key
    a = readers.read_persons(zips, prefilter=universe_prefilter(PROFILE), cache_dir=cache)
    b = readers.read_persons(zips, prefilter=universe_only, cache_dir=cache)
    assert len(list(cache.glob("*.kept-*.parquet"))) == 2 * len(zips)
    assert len(b.frame) < len(a.frame)
    assert_same_persons(b, readers.read_persons(zips, prefilter=universe_only))


def test_kept_files_are_ignored_when_stale_or_when_every_batch_is_wanted(tmp_path, zips):
    keep = universe_prefilter(PROFILE)
    cache = tmp_path / "cache"
    readers.read_persons(zips, prefilter=keep, cache_dir=cache)
    seen = []
    readers.read_persons(zips, prefilter=keep, cache_dir=cache, on_batch=seen.append)
    assert sum(b.num_rows for b in seen) > 0  # every record passed by, from the full cache
    # A source newer than its kept file: read again (and the kept file written again).
    (kept_file,) = [f for f in cache.glob("*.kept-*.parquet") if zips[0].stem in f.name]
    old = zips[0].stat().st_mtime - 10
    os.utime(kept_file, (old, old))
    before = kept_file.stat().st_mtime
    readers.read_persons(zips, prefilter=keep, cache_dir=cache)
    assert kept_file.stat().st_mtime > before
    # A damaged kept file is not an error: it is written again.
    kept_file.write_bytes(b"PAR1 not really")
    again = readers.read_persons(zips, prefilter=keep, cache_dir=cache)
    assert_same_persons(again, readers.read_persons(zips, prefilter=keep))
