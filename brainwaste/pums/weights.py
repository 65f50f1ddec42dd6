"""Sums of PUMS person weights (PWGTP and its replicates) within cells of records."""

from __future__ import annotations

import numpy as np
import pandas as pd


def cell_totals(codes: np.ndarray, n_cells: int, values: np.ndarray | pd.DataFrame) -> np.ndarray:
    """Sum the rows of `values` (records x k) within each cell code 0..n_cells-1 (float64).

    One pass over the records per column (`np.bincount`): no sort. A Fortran-ordered array (as
    :func:`brainwaste.estimate.replicate.weight_matrix` makes), float or integer, is read in
    place, one contiguous column at a time. `values` may also be a DataFrame of weight columns
    (missing values count as 0), converted column by column.
    """
    codes = np.asarray(codes, dtype=np.intp)
    if isinstance(values, pd.DataFrame):
        columns = [values[c] for c in values.columns]
    else:
        values = np.asarray(values)
        if values.dtype.kind not in "iuf":
            values = values.astype(np.float64)
        if values.ndim == 1:
            values = values[:, None]
        columns = [values[:, j] for j in range(values.shape[1])]
    out = np.zeros((n_cells, len(columns)), dtype=np.float64)
    if len(codes) == 0:
        return out
    if codes.min() < 0 or codes.max() >= n_cells:
        raise ValueError("cell code out of range")
    for j, col in enumerate(columns):
        if isinstance(col, pd.Series):
            col = col.to_numpy(dtype=np.float64, na_value=0.0)
        out[:, j] = np.bincount(codes, weights=col, minlength=n_cells)
    return out
