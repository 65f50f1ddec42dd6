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
import pandas as pd

# The weighted sum by cell is the readers' too (population totals while reading), so it lives
# below them in pums/weights; the estimators use it as replicate.cell_totals.
from ..pums.memory import pool_array
from ..pums.weights import cell_totals, use_compiled  # noqa: F401

#: z-value of the ACS's published 90 percent margins of error.
Z90 = 1.645

#: The SDR multiplier 4/R; ACS uses R = 80 replicates.
SDR_COEFFICIENT = 4.0


def weight_matrix(
    frame,
    replicate_columns: list[str] | tuple[str, ...] = (),
    dtype=np.float64,
    order: str | None = None,
) -> np.ndarray:
    """records x (1 + R) matrix: PWGTP then the replicate weights that are present.

    One contiguous array, built once and then summed over any number of cell partitions by
    :func:`cell_totals` (missing weights count as 0). `order` None: C order (each record's
    weights together) when :func:`cell_totals` will use its compiled kernel, else Fortran order
    (each weight's values contiguous for its bincount). ``dtype=np.int32`` keeps file weights at
    half the memory. Rows of a record split among skill tiers (column ``weight_fraction``,
    setting ``mixed_codes = "apportion"``) carry that constant fraction of every weight (then
    always float64), which leaves the replicate variance formula valid.
    """
    cols = ["PWGTP", *replicate_columns]
    fraction = (
        frame["weight_fraction"].to_numpy(dtype=np.float64) if "weight_fraction" in frame else None
    )
    if fraction is not None:
        dtype = np.float64
    if order is None:
        order = "C" if use_compiled() else "F"
    # memory of the reading pool: a fresh numpy array of this size is madvised for huge pages,
    # which some machines fault in far more slowly (see brainwaste.pums.memory)
    shape = (len(frame), len(cols))
    out = pool_array(shape if order == "C" else shape[::-1], dtype)
    out = out if order == "C" else out.T
    for j, c in enumerate(cols):
        out[:, j] = frame[c].to_numpy(dtype=dtype, na_value=0)
        if fraction is not None:
            out[:, j] *= fraction
    return out


def record_counts(frame) -> np.ndarray:
    """How many records each row stands for: 1, except the extra rows of a record split among
    skill tiers (column ``record_count``), so that every person counts once."""
    if "record_count" in frame:
        return frame["record_count"].to_numpy(dtype=np.float64)
    return np.ones(len(frame))


#: Largest number of key combinations numbered through a dense table (else by hashing).
_DENSE_CELLS = 1 << 24


def cell_codes(keys: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Cell codes 0..n-1 for the distinct rows of `keys` (a missing value is a value of its own),
    and the cells themselves: row i of the returned frame holds the key values of code i.

    Each key column is factorized once and the codes are combined arithmetically, which is
    several times faster than hashing row tuples (``pd.MultiIndex.from_frame(keys).factorize()``).
    """
    if keys.shape[1] == 0:
        raise ValueError("cell_codes needs at least one key column")
    combined = np.zeros(len(keys), dtype=np.int64)
    size = 1
    for c in keys.columns:
        codes, uniques = pd.factorize(keys[c], use_na_sentinel=False)
        if size * len(uniques) > _DENSE_CELLS:
            combined, uniq = pd.factorize(combined)  # keep the combined code small
            size = len(uniq)
        combined = combined * len(uniques) + codes
        size *= max(len(uniques), 1)
    if size <= _DENSE_CELLS:
        present = np.bincount(combined, minlength=size) > 0
        lookup = np.cumsum(present) - 1
        codes = lookup[combined]
        first_rows = np.full(int(present.sum()), len(keys), dtype=np.int64)
        np.minimum.at(first_rows, codes, np.arange(len(keys)))
    else:
        codes, _ = pd.factorize(combined)
        _, first_rows = np.unique(codes, return_index=True)
    return codes.astype(np.int64), keys.iloc[first_rows].reset_index(drop=True)


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
