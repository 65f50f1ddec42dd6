"""Weighted sums by cell (pums/weights.py): the compiled kernel and the numpy bincounts give the
same float64 sums, bit for bit, and both the hand-computed ones."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from brainwaste import _compiled
from brainwaste.estimate import replicate
from brainwaste.estimate.outcomes import estimate_outcomes
from brainwaste.geography import fifty_states_and_dc
from brainwaste.method.classify import classify, universe_prefilter
from brainwaste.method.profile import load_profile
from brainwaste.pums import weights
from brainwaste.pums.readers import read_persons
from tests.conftest import shared_file

HAS_NUMBA = _compiled.njit_or_none() is not None
#: Both summing paths; the compiled one only where numba is installed.
PATHS = [False, pytest.param(True, marks=pytest.mark.skipif(not HAS_NUMBA, reason="no numba"))]


@pytest.mark.parametrize("compiled", PATHS)
@pytest.mark.parametrize("order", ["C", "F"])
def test_hand_computed_cells(compiled, order):
    values = np.array([[10, 1], [20, 2], [5, 3], [40, 4]], dtype=np.int32, order=order)
    codes = np.array([1, 0, 1, 1])
    out = weights.cell_totals(codes, 3, values, compiled=compiled)
    assert out.dtype == np.float64
    assert out.tolist() == [[20.0, 2.0], [55.0, 8.0], [0.0, 0.0]]
    # rows: record 3 twice and record 0 once, into cells 2, 0, 2
    out = weights.cell_totals([2, 0, 2], 3, values, compiled=compiled, rows=[3, 0, 3])
    assert out.tolist() == [[10.0, 1.0], [0.0, 0.0], [80.0, 8.0]]
    with pytest.raises(ValueError, match="cell code out of range"):
        weights.cell_totals([0, 3, 0, 0], 3, values, compiled=compiled)
    with pytest.raises(ValueError, match="row out of range"):
        weights.cell_totals([0], 3, values, compiled=compiled, rows=[4])


def fractional_weights(n=40_000, k=81, cells=300, seed=3):
    """Weights like apportioned or pooled ones (fractions of integers, some replicate weights
    negative, a few large), whose float64 sums depend on the order of the additions."""
    rng = np.random.default_rng(seed)
    w = rng.integers(-50, 3_000, size=(n, k)).astype(np.float64)
    w[rng.random(n) < 0.01] *= 1e6
    w *= rng.choice([1.0, 1 / 3, 0.1, 0.71, 0.29], size=n)[:, None]
    return rng.integers(0, cells, n), cells, w


def test_the_kernel_adds_in_bincount_order_bit_for_bit():
    codes, cells, w = fractional_weights()
    reference = np.column_stack(
        [np.bincount(codes, weights=w[:, j], minlength=cells) for j in range(w.shape[1])]
    )
    # The data can tell summation orders apart: adding the records backwards changes sums.
    backwards = np.column_stack(
        [np.bincount(codes[::-1], weights=w[::-1, j], minlength=cells) for j in range(3)]
    )
    assert not np.array_equal(backwards, reference[:, :3])
    for compiled in [False, True] if HAS_NUMBA else [False]:
        for arr in (np.ascontiguousarray(w), np.asfortranarray(w)):
            out = weights.cell_totals(codes, cells, arr, compiled=compiled)
            np.testing.assert_array_equal(out, reference)
        rows = np.random.default_rng(4).integers(0, len(w), 10_000)
        np.testing.assert_array_equal(
            weights.cell_totals(codes[rows], cells, w, compiled=compiled, rows=rows),
            weights.cell_totals(codes[rows], cells, w[rows], compiled=False),
        )


@pytest.mark.skipif(not HAS_NUMBA, reason="no numba")
def test_integer_weights_of_every_width_sum_alike():
    codes, cells, w = fractional_weights(n=5_000, k=5)
    ints = np.round(w).astype(np.int64)
    reference = weights.cell_totals(codes, cells, ints.astype(np.float64), compiled=False)
    for dtype in (np.int32, np.int64):
        arr = ints.astype(dtype) if dtype is np.int64 else np.clip(ints, -(2**31), 2**31 - 1)
        expect = weights.cell_totals(codes, cells, arr.astype(np.float64), compiled=False)
        np.testing.assert_array_equal(weights.cell_totals(codes, cells, arr, compiled=True), expect)
    np.testing.assert_array_equal(weights.cell_totals(codes, cells, ints, compiled=True), reference)


def test_the_default_path_starts_numba_only_when_it_runs_already(monkeypatch):
    monkeypatch.setattr(_compiled, "loaded", lambda: False)
    assert not weights.use_compiled()
    assert replicate.weight_matrix(pd.DataFrame({"PWGTP": [1, 2]})).flags.f_contiguous
    monkeypatch.setenv("BRAINWASTE_NO_NUMBA", "1")
    assert _compiled.njit_or_none() is None


def both_paths(monkeypatch, run):
    """`run()` with the compiled kernel (numba loaded) and with the bincounts (numba disabled)."""
    out = []
    for compiled in (True, False):
        if compiled:
            monkeypatch.delenv("BRAINWASTE_NO_NUMBA", raising=False)
            monkeypatch.setattr(_compiled, "loaded", lambda: True)
            assert weights.use_compiled()
        else:
            monkeypatch.setenv("BRAINWASTE_NO_NUMBA", "1")
            monkeypatch.setattr(_compiled, "loaded", lambda: False)
            assert not weights.use_compiled()
        out.append(run())
    return out


def estimates_every_way(frame, year, states):
    """Estimates under the MPI profile and its apportioning variant (fractional weights), with
    and without a breakdown, and pooled (weights divided by 3)."""
    mpi = load_profile("mpi")
    tables = []
    for prof in (mpi, dataclasses.replace(mpi, mixed_codes="apportion")):
        classified = classify(frame, prof, file_year=year)
        for breakdown, divisor in ((None, 1.0), ("sex", 1.0), (None, 3.0)):
            tables.append(
                estimate_outcomes(
                    classified, prof, year=year, period=1, national=True, states=states,
                    breakdown=breakdown, weight_divisor=divisor,
                )
            )  # fmt: skip
    return pd.concat(tables, ignore_index=True)


@pytest.mark.skipif(not HAS_NUMBA, reason="no numba")
def test_estimates_identical_on_both_paths_synthetic(monkeypatch, sample_zips):
    zips = sample_zips(["MA", "VT", "NH"], 1_500)
    frame = read_persons(zips, prefilter=universe_prefilter(load_profile("mpi"))).frame
    a, b = both_paths(monkeypatch, lambda: estimates_every_way(frame, 2024, fifty_states_and_dc()))
    assert (a["count"] > 0).any() and a["count_se"].notna().any()
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.skipif(not HAS_NUMBA, reason="no numba")
def test_estimates_identical_on_both_paths_official_2018_files(monkeypatch):
    files = [
        shared_file(f"acs_pums_2018_1yr_person_small_states/csv_p{st}.zip")
        for st in ("de", "nh", "vt", "wy")
    ]
    frame = read_persons(files).frame
    a, b = both_paths(monkeypatch, lambda: estimates_every_way(frame, 2018, None))
    assert len(a) > 0 and a["count_se"].notna().any()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
