"""Successive difference replication (SDR) variance for ACS PUMS estimates, as matrix algebra.

Records carry 1 + R weights (PWGTP and the R = 80 replicate weights PWGTP1..PWGTP80). Any total is
estimated once per weight by a single matrix product, and its standard error is

    SE = sqrt( 4/R * sum_r (X_r - X_0)^2 )

(ACS PUMS User Guide, "Calculating standard errors using replicate weights"). A ratio is
recomputed under every replicate weight (numerator and denominator) before the same formula is
applied. The 90% margin of error is 1.645 x SE.
"""

from __future__ import annotations

import numpy as np

#: z-value of the ACS's published 90 percent margins of error.
Z90 = 1.645

#: The SDR multiplier 4/R; ACS uses R = 80 replicates.
SDR_COEFFICIENT = 4.0


def weight_matrix(frame, replicate_columns: list[str] | tuple[str, ...] = ()) -> np.ndarray:
    """records x (1 + R) float64 matrix: PWGTP then the replicate weights that are present."""
    cols = ["PWGTP", *replicate_columns]
    return frame[cols].to_numpy(dtype=np.float64, na_value=0.0)


def cell_totals(codes: np.ndarray, n_cells: int, values: np.ndarray) -> np.ndarray:
    """Sum the rows of `values` (records x k) within each cell code 0..n_cells-1.

    Vectorised over all k columns at once (sort, then `np.add.reduceat`), so the cost is one pass
    over the records whatever the number of replicate weights.
    """
    codes = np.asarray(codes, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    out = np.zeros((n_cells, values.shape[1]), dtype=np.float64)
    if len(codes) == 0:
        return out
    if codes.min() < 0 or codes.max() >= n_cells:
        raise ValueError("cell code out of range")
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    out[sorted_codes[starts]] = np.add.reduceat(values[order], starts, axis=0)
    return out


def standard_error(estimates: np.ndarray) -> np.ndarray:
    """SE of each row of `estimates` (... x (1 + R)): column 0 is the full-sample estimate.

    Returns NaN where there are no replicate columns or the estimate itself is NaN.
    """
    x = np.asarray(estimates, dtype=np.float64)
    n_rep = x.shape[-1] - 1
    if n_rep <= 0:
        return np.full(x.shape[:-1], np.nan)
    dev = x[..., 1:] - x[..., :1]
    return np.sqrt(SDR_COEFFICIENT / n_rep * np.sum(dev * dev, axis=-1))


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise numerator / denominator for every weight; NaN where the denominator is 0."""
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def moe90(se: np.ndarray) -> np.ndarray:
    """90 percent margin of error from a standard error."""
    return Z90 * np.asarray(se, dtype=np.float64)
