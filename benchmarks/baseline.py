"""The replicate-weight engine against a straightforward pandas computation of the same numbers.

Both compute, for every fine cell (state x population group x status), the weighted total under
PWGTP and each of the 80 replicate weights, and the successive-difference standard error
SE = sqrt(4/80 * sum_r (X_r - X)^2). The engine does it as one matrix operation
(:mod:`brainwaste.estimate.replicate`); the baseline is what one would write in pandas without it:
a groupby-sum per weight column and a loop over the replicates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from brainwaste.estimate import replicate
from brainwaste.pums.schema import REPLICATE_WEIGHTS

#: The fine cells of the estimates table (without a breakdown).
CELL_KEYS = ["STATE", "population", "status"]
WEIGHTS = ["PWGTP", *REPLICATE_WEIGHTS]


def universe(classified: pd.DataFrame) -> pd.DataFrame:
    """The records the estimates are made of (in the universe, with a status)."""
    return classified.loc[classified["in_universe"], [*CELL_KEYS, *WEIGHTS]]


def weight_array(frame: pd.DataFrame, order: str | None = None) -> np.ndarray:
    """The 81 weights as one contiguous records x 81 array, built once (integer weights stay
    int32, as in the file; pooled weights are float64), in the order the engine reads best
    (C order for the compiled kernel, Fortran order for the bincounts) unless given."""
    integer = all(pd.api.types.is_integer_dtype(frame[c]) for c in WEIGHTS)
    return replicate.weight_matrix(
        frame, REPLICATE_WEIGHTS, dtype=np.int32 if integer else np.float64, order=order
    )


def cells(frame: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Each record's cell code and the cells' keys, numbered once per table from the key
    columns, as the estimator numbers its fine cells once and sums any number of outcome blocks
    from them."""
    return replicate.cell_codes(frame[CELL_KEYS])


def engine(
    frame: pd.DataFrame,
    weights: np.ndarray | None = None,
    compiled: bool | None = None,
    numbered: tuple[np.ndarray, pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Cell totals under all 81 weights and the count SE, by the package's engine, from one
    contiguous weight array (:func:`weight_array`, built here when not given) and the records'
    cell codes (:func:`cells`, numbered here when not given): the cells' keys, the cells x 81
    totals and the SEs, as the estimator uses them (:func:`as_frame` lays them out like
    :func:`pandas_baseline`'s result). `compiled`: the kernel or the bincounts (None: the
    package's default, see :func:`brainwaste.pums.weights.use_compiled`)."""
    if weights is None:
        weights = weight_array(frame)
    codes, keys = numbered if numbered is not None else cells(frame)
    totals = replicate.cell_totals(codes, len(keys), weights, compiled=compiled)
    return keys, totals, replicate.standard_error(totals)


def as_frame(result: tuple[pd.DataFrame, np.ndarray, np.ndarray]) -> pd.DataFrame:
    """An :func:`engine` result as a frame indexed by the cells, with the weights and ``se``."""
    cells, totals, se = result
    out = pd.DataFrame(totals, index=pd.MultiIndex.from_frame(cells), columns=WEIGHTS)
    out["se"] = se
    return out


def pandas_baseline(frame: pd.DataFrame) -> pd.DataFrame:
    """The same numbers with one pandas groupby-sum per weight column and a replicate loop."""
    sums = {}
    for w in WEIGHTS:
        sums[w] = frame.groupby(CELL_KEYS, sort=False, dropna=False)[w].sum().astype("float64")
    out = pd.DataFrame(sums)
    squares = pd.Series(0.0, index=out.index)
    for w in REPLICATE_WEIGHTS:
        squares += (out[w] - out["PWGTP"]) ** 2
    out["se"] = np.sqrt(replicate.SDR_COEFFICIENT / len(REPLICATE_WEIGHTS) * squares)
    return out


def same_numbers(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """True when two results hold exactly the same cells and numbers (order aside)."""
    if len(a) != len(b) or list(a.columns) != list(b.columns):
        return False
    a = a.sort_index()
    b = b.reindex(a.index)
    return bool(np.array_equal(a.to_numpy(), b.to_numpy()))
