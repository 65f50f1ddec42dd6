"""Counts and shares for arbitrary domains (groupings of records), with replicate SEs.

The general tool behind the occupation and health-workforce tables: group records by some
columns, sum all 81 weights per group in one pass, and report the count (and, given a numerator
flag, the share of the group that has it) with SE, 90% MOE, CV, records and the reliability flag.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import replicate
from .outcomes import reliability, replicate_columns


def domain_estimates(
    frame: pd.DataFrame, by: list[str], numerator: np.ndarray | pd.Series | None = None
) -> pd.DataFrame:
    """One row per combination of `by` values present in `frame`.

    Columns: the `by` columns, ``count`` (weighted records), ``count_se``, ``count_moe90``,
    ``count_cv``, ``n_unweighted``, ``reliable``; with `numerator` (a boolean per record) also
    ``numerator``, ``numerator_se``, ``share`` (numerator / count), ``share_se``, ``share_moe90``,
    ``numerator_n`` and ``numerator_reliable``.
    """
    reps = replicate_columns(frame)
    W = replicate.weight_matrix(frame, reps)
    k = W.shape[1]
    records = replicate.record_counts(frame)[:, None]
    parts = [W, records]
    if numerator is not None:
        num = np.asarray(numerator, dtype=bool)
        parts += [W * num[:, None], records * num[:, None]]
    values = np.column_stack(parts)
    codes, keys = pd.MultiIndex.from_frame(
        frame[by].astype("string").fillna("not_applicable")
    ).factorize()
    sums = replicate.cell_totals(codes, len(keys), values)
    out = keys.to_frame(index=False, name=by)
    est = sums[:, :k]
    n = sums[:, k]
    se = replicate.standard_error(est) if reps else np.full(len(out), np.nan)
    cv, ok = reliability(est[:, 0], se, n)
    out["count"] = est[:, 0]
    out["count_se"] = se
    out["count_moe90"] = replicate.moe90(se)
    out["count_cv"] = cv
    out["n_unweighted"] = n.astype(np.int64)
    out["reliable"] = ok
    if numerator is not None:
        num_est = sums[:, k + 1 : 2 * k + 1]
        num_n = sums[:, 2 * k + 1]
        share = replicate.ratio(num_est, est)
        num_se = replicate.standard_error(num_est) if reps else np.full(len(out), np.nan)
        share_se = replicate.standard_error(share) if reps else np.full(len(out), np.nan)
        _, num_ok = reliability(num_est[:, 0], num_se, num_n, share[:, 0], share_se)
        out["numerator"] = num_est[:, 0]
        out["numerator_se"] = num_se
        out["share"] = share[:, 0]
        out["share_se"] = share_se
        out["share_moe90"] = replicate.moe90(share_se)
        out["numerator_n"] = num_n.astype(np.int64)
        out["numerator_reliable"] = num_ok
    return out
