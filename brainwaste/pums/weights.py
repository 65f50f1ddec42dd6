"""Sums of PUMS person weights (PWGTP and its replicates) within cells of records."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _compiled

_kernels: tuple | None = None


def _compiled_kernels() -> tuple | None:
    """(rows kernel, columns kernel) compiled by numba (cached on disk), or None.

    Both add each record's values to its cell record by record, in the records' order, into a
    float64 cell x weight array: for every cell and weight the additions happen in the same order
    as ``np.bincount``'s (which converts each value to float64 and adds it to its bin record by
    record), so the sums are identical to the last bit, integer or fractional weights alike.
    """
    global _kernels
    if _kernels is None:
        njit = _compiled.njit_or_none()
        if njit is None:
            return None
        try:
            _kernels = _make_kernels(njit)
        except Exception:  # e.g. no writable place for numba's cache: sum with numpy
            return None
    return _kernels


def _make_kernels(njit) -> tuple:
    @njit(cache=True, nogil=True)
    def sum_rows(codes, rows, values, out):  # C-ordered values: one record's row at a time
        for t in range(codes.shape[0]):
            c = codes[t]
            i = rows[t]
            for j in range(values.shape[1]):
                out[c, j] += values[i, j]

    @njit(cache=True, nogil=True)
    def sum_columns(codes, rows, values, out):  # Fortran-ordered values: a weight at a time
        for j in range(values.shape[1]):
            for t in range(codes.shape[0]):
                out[codes[t], j] += values[rows[t], j]

    return sum_rows, sum_columns


def use_compiled() -> bool:
    """Whether :func:`cell_totals` uses its compiled kernel by default: when numba is importable,
    not disabled (``BRAINWASTE_NO_NUMBA=1``) and already running in this process. Starting numba
    costs about a second per process, more than the kernel saves in one estimate (a few
    milliseconds per million record x weight values), so a process that has not started it for
    another reason sums with numpy."""
    return _compiled.loaded() and _compiled_kernels() is not None


def cell_totals(
    codes: np.ndarray,
    n_cells: int,
    values: np.ndarray | pd.DataFrame,
    compiled: bool | None = None,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Sum the rows of `values` (records x k) within each cell code 0..n_cells-1 (float64).

    `rows` (optional, one per code) says which row of `values` each code belongs to, in the
    order summed, and may repeat rows: ``cell_totals(codes, n, values, rows=r)`` gives the sums
    of ``cell_totals(codes, n, values[r])`` without building that array.

    One pass over the records: a compiled kernel adding each record's row to its cell (`compiled`
    True; None: :func:`use_compiled`), or one `np.bincount` per column (no sort). Both give the
    same float64 sums, bit for bit. An array in either order, float or integer, is read in place
    (Fortran order, as :func:`brainwaste.estimate.replicate.weight_matrix` makes it by default,
    suits the bincounts: each column is contiguous; C order suits the kernel). `values` may also
    be a DataFrame of weight columns (missing values count as 0), converted column by column.
    """
    codes = np.asarray(codes, dtype=np.intp)
    frame = isinstance(values, pd.DataFrame)
    if frame:
        k = values.shape[1]
    else:
        values = np.asarray(values)
        if values.dtype.kind not in "iuf" or values.dtype.itemsize not in (4, 8):
            values = values.astype(np.float64)
        if values.ndim == 1:
            values = values[:, None]
        k = values.shape[1]
    out = np.zeros((n_cells, k), dtype=np.float64)
    n_values = len(values)
    if rows is not None:
        rows = np.asarray(rows, dtype=np.intp)
        if rows.shape != codes.shape:
            raise ValueError("rows and codes differ in length")
    elif len(codes) != n_values:
        raise ValueError("codes and values differ in length")
    if len(codes) == 0:
        return out
    if codes.min() < 0 or codes.max() >= n_cells:
        raise ValueError("cell code out of range")
    if rows is not None and (rows.min() < 0 or rows.max() >= n_values):
        raise ValueError("row out of range")
    if compiled is None:
        compiled = use_compiled()
    kernels = _compiled_kernels() if compiled and not frame else None
    if kernels is not None:
        if not (values.flags.c_contiguous or values.flags.f_contiguous):
            values = np.ascontiguousarray(values)
        take = np.arange(len(codes), dtype=np.intp) if rows is None else rows
        if values.flags.c_contiguous:
            kernels[0](codes, take, values, out)
        else:
            kernels[1](codes, take, values, out)
        return out
    for j in range(k):
        col = values.iloc[:, j].to_numpy(dtype=np.float64, na_value=0.0) if frame else values[:, j]
        if rows is not None:
            col = col[rows]
        out[:, j] = np.bincount(codes, weights=col, minlength=n_cells)
    return out
