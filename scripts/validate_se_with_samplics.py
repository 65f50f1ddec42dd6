"""Check brainwaste's replicate standard errors against samplics, a Python implementation that needs
no R.

samplics (https://github.com/samplics-org/samplics, ``estimation/replication.py``) has no
successive-difference method, but its Fay-BRR estimator is the same formula: with Fay coefficient
rho = 0.5 it weights each squared replicate deviation by 1 / (R (1 - rho)^2) = 4 / R, and with
``conservative=True`` it centres the deviations on the full-sample estimate rather than on the
mean of the replicates. For the R = 80 ACS replicate weights that is

    SE = sqrt( 4/80 * sum_r (X_r - X_0)^2 ),

the formula of the ACS PUMS User Guide. The script asserts that samplics derives the coefficient
4/80 from these settings, so a change in samplics cannot silently change the formula.

The statistics and their record-level 0/1 indicators are those of ``validate_se_with_r.py``
(``state_statistics``: population totals, counts and shares of the ``mpi`` estimates table, the
indicators built from the record columns, not from brainwaste's aggregation). samplics computes a
``Total`` for each count and a ``Ratio`` (numerator indicator over denominator indicator) for
each share. Agreement is to 6 significant digits, as for R.

Inputs: official ACS 2018 1-year person zips (``--data DIR``, default
``../shared/data/acs_pums_2018_1yr_person_small_states``; the tests pass the copies vendored with
them, see tests/official_data.py).
Outputs (``--out DIR``, default ``docs/validation``): ``se_check_samplics_2018.csv`` and ``.md``.

Usage: python scripts/validate_se_with_samplics.py [--data DIR] [--states VT,WY] [--out DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from brainwaste.pums.schema import REPLICATE_WEIGHTS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "acs_pums_2018_1yr_person_small_states"
DEFAULT_STATES = ("DE", "NH", "VT", "WY")

#: Fay's coefficient that turns samplics' BRR variance into the SDR one: 1 / (R (1 - 0.5)^2) = 4/R.
FAY_RHO = 0.5

CSV_COLUMNS = [
    "state", "statistic", "brainwaste_estimate", "brainwaste_se", "samplics_estimate",
    "samplics_se", "rel_diff_estimate", "rel_diff_se", "agree_6sig",
]  # fmt: skip


def _r_check():
    """The R check's module (statistics, comparison rule), loaded from its file."""
    name = "validate_se_with_r"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _samplics():
    with warnings.catch_warnings():
        # samplics announces on import that it is archived; the estimator is what is tested
        warnings.simplefilter("ignore", FutureWarning)
        import samplics
    return samplics


def samplics_version() -> str:
    return version("samplics")


def samplics_statistic(
    weights: np.ndarray, numerator: np.ndarray, denominator: np.ndarray | None
) -> tuple[float, float]:
    """samplics' estimate and SE of a total (``denominator`` None) or a ratio; `weights` is
    records x 81 (PWGTP, then PWGTP1..80)."""
    if not numerator.any():
        # No record in the count (or the share's numerator): 0 with SE 0 under every weight.
        # samplics cannot take it (its coefficient of variation divides by the estimate).
        return 0.0, 0.0
    sp = _samplics()
    param = sp.PopParam.total if denominator is None else sp.PopParam.ratio
    est = sp.ReplicateEstimator(sp.RepMethod.brr, param, fay_coef=FAY_RHO)
    est.estimate(
        y=numerator.astype(np.float64),
        x=None if denominator is None else denominator.astype(np.float64),
        samp_weight=weights[:, 0],
        rep_weights=weights[:, 1:],
        conservative=True,  # deviations from the full-sample estimate, as the Census formula
    )
    coefs = np.asarray(est.rep_coefs, dtype=np.float64)
    if coefs.shape != (80,) or not np.allclose(coefs, 4 / 80, rtol=0, atol=1e-15):
        raise RuntimeError(f"samplics used replicate coefficients {coefs[:3]}..., not 4/80")
    return float(est.point_est), float(est.stderror)


def compare_state(path: Path) -> pd.DataFrame:
    """The comparison rows (CSV_COLUMNS) for one official state file."""
    check = _r_check()
    spec, records = check.state_statistics(path)
    weights = records[["PWGTP", *REPLICATE_WEIGHTS]].to_numpy(dtype=np.float64)
    values = []
    for row in spec.itertuples():
        if row.kind == "total":
            values.append(samplics_statistic(weights, records[f"t_{row.id}"].to_numpy(), None))
        else:
            num, den = records[f"n_{row.id}"].to_numpy(), records[f"d_{row.id}"].to_numpy()
            values.append(samplics_statistic(weights, num, den))
    out = spec.copy()
    out["samplics_estimate"] = [v[0] for v in values]
    out["samplics_se"] = [v[1] for v in values]
    bw_est, bw_se = out["brainwaste_estimate"], out["brainwaste_se"]
    out["rel_diff_estimate"] = check.rel_diff(bw_est, out["samplics_estimate"])
    out["rel_diff_se"] = check.rel_diff(bw_se, out["samplics_se"])
    out["agree_6sig"] = check.agree_6sig(bw_est, out["samplics_estimate"]) & check.agree_6sig(
        bw_se, out["samplics_se"]
    )
    return out[CSV_COLUMNS]


def compare(data: Path, states: list[str] | tuple[str, ...] = DEFAULT_STATES) -> pd.DataFrame:
    """Comparison rows for the given states, in the order given."""
    files = _r_check().STATE_FILES
    return pd.concat([compare_state(Path(data) / files[s]) for s in states], ignore_index=True)


def summary_markdown(result: pd.DataFrame) -> str:
    n, n_ok = len(result), int(result["agree_6sig"].sum())
    states = ", ".join(result["state"].unique())
    return f"""# Replicate standard errors checked against samplics (ACS 2018 1-year, no R needed)

`scripts/validate_se_with_samplics.py` recomputes the statistics of the R check
([se_check_2018.md](se_check_2018.md)) with the Python package samplics
{samplics_version()} (`ReplicateEstimator("BRR", ..., fay_coef=0.5)`, `conservative=True`)
on the official Census ACS 2018 1-year PUMS person files of {states}. Fay's BRR with
ρ = 0.5 weights each squared replicate deviation by 1 / (R (1 − ρ)²) = 4/80, and
`conservative=True` centres the deviations on the full-sample estimate: the SDR formula of the
ACS PUMS User Guide, SE = sqrt(4/80 × Σ_r (X_r − X)²). The script refuses to run if samplics
derives any other coefficient. Counts are samplics `Total`s, shares are `Ratio`s of the
numerator and denominator indicators. Results per row:
[`se_check_samplics_2018.csv`](se_check_samplics_2018.csv).

## Result

- {n_ok} of {n} rows agree to 6 significant digits (estimate and SE).
- {int(result["samplics_estimate"].eq(0).sum())} rows have no sample record in the count or the
  share's numerator: 0 with SE 0 by construction, not passed to samplics (its coefficient of
  variation divides by the estimate); brainwaste must still give exactly 0 and 0 there.
- Largest relative difference of the estimates: {result["rel_diff_estimate"].max():.3e}; of the
  standard errors: {result["rel_diff_se"].max():.3e}.

The test `tests/integration/test_se_against_samplics.py` repeats this comparison in every test
run, on the same four files vendored with the tests (`tests/fixtures/official/`), so it runs in
a fresh clone without R or network.

## Rerun

```sh
.venv/bin/python scripts/validate_se_with_samplics.py   # [--data DIR] [--states VT,WY] [--out docs/validation]
```
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--states", default=",".join(DEFAULT_STATES))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "validation")
    args = parser.parse_args(argv)
    states = [s.strip().upper() for s in args.states.split(",") if s.strip()]
    files = _r_check().STATE_FILES
    unknown = [s for s in states if s not in files]
    if unknown:
        print(
            f"cannot check: no official 2018 file for {unknown}; use {sorted(files)}",
            file=sys.stderr,
        )
        return 2
    missing = [files[s] for s in states if not (args.data / files[s]).is_file()]
    if missing:
        print(f"cannot check: {missing} not in {args.data} (give --data DIR)", file=sys.stderr)
        return 2
    result = compare(args.data, states)
    return _r_check().write_report(
        result, args.out, "se_check_samplics_2018", summary_markdown(result)
    )


if __name__ == "__main__":
    sys.exit(main())
