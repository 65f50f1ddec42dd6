"""Check brainwaste's replicate standard errors against the R survey package.

For each official Census ACS 2018 1-year person file in
``acs_pums_2018_1yr_person_small_states/`` (DE, NH, VT, WY) this computes, with brainwaste:

- the total population, the foreign-born population and the population 25+ with a bachelor's
  degree or higher (``Persons.population_totals`` -> ``replicate.standard_error``);
- the contract estimates table of the ``mpi`` profile (``estimate_outcomes``): the ``total``,
  ``labor_force`` and ``underutilized`` counts and the ``underutilized`` (of the labor force) and
  ``not_in_labor_force`` (of the total) shares of each of the four populations;

then writes every record's weights and a 0/1 indicator per statistic to a temporary CSV and has
``scripts/se_check.R`` recompute each one independently with ``svrepdesign(type =
"successive-difference", mse = TRUE)``: ``svytotal`` for counts, ``svyratio`` for shares. The
indicators are built from the record columns here, not from brainwaste's aggregation.

A row agrees to 6 significant digits when both the estimate and the SE do:
``|a - b| <= 5e-7 * max(|a|, |b|)`` (or both are zero). Shares whose denominator is zero are
skipped.

Inputs (``--shared DIR``, default ``../shared/data`` relative to the project root).
Outputs (``--out DIR``, default ``docs/validation``): ``se_check_2018.csv`` and
``se_check_2018.md``. Output is deterministic.

Usage: python scripts/validate_se_with_r.py [--shared DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from brainwaste.estimate import replicate
from brainwaste.estimate.outcomes import (
    POPULATION_MEMBERS,
    estimate_outcomes,
    outcome_mask,
    share_of,
    state_codes,
)
from brainwaste.method.classify import classify
from brainwaste.method.profile import load_profile
from brainwaste.pums.readers import read_persons
from brainwaste.pums.schema import REPLICATE_WEIGHTS

ROOT = Path(__file__).resolve().parents[1]
R_SCRIPT = ROOT / "scripts" / "se_check.R"
DATA_DIR = "acs_pums_2018_1yr_person_small_states"
STATE_FILES = {"DE": "csv_pde.zip", "NH": "csv_pnh.zip", "VT": "csv_pvt.zip", "WY": "csv_pwy.zip"}
YEAR = 2018
PROFILE = "mpi"

POPULATION_TOTALS = ("total_population", "foreign_born", "age25_bachelors_plus")
COUNT_OUTCOMES = ("total", "labor_force", "underutilized")
SHARE_OUTCOMES = ("underutilized", "not_in_labor_force")

#: Two numbers agree to 6 significant digits when |a - b| <= RTOL * max(|a|, |b|).
RTOL = 5e-7

CSV_COLUMNS = [
    "state", "statistic", "brainwaste_estimate", "brainwaste_se", "r_estimate", "r_se",
    "rel_diff_estimate", "rel_diff_se", "agree_6sig",
]  # fmt: skip


# -- R -------------------------------------------------------------------------------------------


def r_unavailable_reason() -> str | None:
    """None when Rscript and the survey package can be used, else why not."""
    if shutil.which("Rscript") is None:
        return "Rscript is not installed"
    proc = subprocess.run(
        ["Rscript", "-e", "suppressPackageStartupMessages(library(survey))"],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return "the R survey package is not installed (Rscript -e 'library(survey)' fails)"
    return None


def r_versions() -> dict[str, str]:
    """Versions of R and of the survey package."""
    proc = subprocess.run(
        [
            "Rscript",
            "-e",
            'cat(R.version.string, as.character(packageVersion("survey")), sep = "\\n")',
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    r_version, survey_version = proc.stdout.strip().splitlines()[:2]
    return {"R": r_version, "survey": survey_version}


def run_r(records: pd.DataFrame, workdir: Path) -> pd.DataFrame:
    """Run scripts/se_check.R on `records`; returns id, kind, estimate, se."""
    src = workdir / "records.csv"
    dst = workdir / "results.csv"
    records.to_csv(src, index=False)
    proc = subprocess.run(
        ["Rscript", str(R_SCRIPT), str(src), str(dst)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"se_check.R failed:\n{proc.stderr}")
    return pd.read_csv(dst, dtype={"id": str, "kind": str, "estimate": float, "se": float})


# -- brainwaste side -----------------------------------------------------------------------------


def state_statistics(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """brainwaste's estimates for one state file and the per-record data R needs.

    Returns (spec, records): `spec` has one row per statistic (id, state, statistic, kind,
    brainwaste_estimate, brainwaste_se); `records` has PWGTP, PWGTP1..80 and the indicator
    columns ``t_<id>`` (totals) or ``n_<id>``/``d_<id>`` (ratios).
    """
    persons = read_persons(path)
    frame = persons.frame
    if len(frame) != persons.n_records_read or not persons.has_replicate_weights:
        raise RuntimeError(f"{path}: expected every record with 80 replicate weights")
    weights = ["PWGTP", *REPLICATE_WEIGHTS]
    records = frame[weights].astype("int64").reset_index(drop=True)
    states = state_codes(frame["STATE"]).unique()
    if len(states) != 1:
        raise RuntimeError(f"{path}: expected one state, found {list(states)}")
    usps = str(states[0])

    spec: list[dict] = []
    indicators: dict[str, np.ndarray] = {}

    def add(statistic: str, kind: str, est: float, se: float, *columns: np.ndarray) -> None:
        sid = f"{len(spec):03d}"
        spec.append(
            {
                "id": sid,
                "state": usps,
                "statistic": statistic,
                "kind": kind,
                "brainwaste_estimate": float(est),
                "brainwaste_se": float(se),
            }
        )
        prefixes = ("t_",) if kind == "total" else ("n_", "d_")
        for prefix, col in zip(prefixes, columns, strict=True):
            indicators[prefix + sid] = np.asarray(col, dtype=np.int8)

    # (a) population totals, indicators from the raw record columns.
    totals = persons.population_totals.loc[list(POPULATION_TOTALS), weights].to_numpy()
    totals_se = replicate.standard_error(totals)
    age = frame["AGEP"].astype("float64").to_numpy()
    raw = {
        "total_population": np.ones(len(frame), dtype=bool),
        "foreign_born": (frame["NATIVITY"] == "2").fillna(False).to_numpy(dtype=bool),
        "age25_bachelors_plus": (
            (age >= 25) & frame["SCHL"].isin(["21", "22", "23", "24"]).fillna(False).to_numpy()
        ),
    }
    for i, name in enumerate(POPULATION_TOTALS):
        add(name, "total", totals[i, 0], totals_se[i], raw[name])

    # (b) the contract estimates table, indicators from the classified record columns.
    profile = load_profile(PROFILE)
    classified = classify(frame, profile, file_year=YEAR).reset_index(drop=True)
    table = estimate_outcomes(classified, profile, year=YEAR, period=1)
    table = table.loc[table["state"] == usps].set_index(["population", "outcome"])
    universe = classified["in_universe"].to_numpy(dtype=bool)
    population = classified["population"]

    def cell(pop: str, outcome: str) -> np.ndarray:
        in_pop = population.isin(POPULATION_MEMBERS[pop]).fillna(False).to_numpy(dtype=bool)
        in_outcome = outcome_mask(classified, outcome, profile)
        return universe & in_pop & in_outcome

    for pop in POPULATION_MEMBERS:
        for outcome in COUNT_OUTCOMES:
            row = table.loc[(pop, outcome)]
            add(
                f"count:{pop}:{outcome}", "total", row["count"], row["count_se"], cell(pop, outcome)
            )
        for outcome in SHARE_OUTCOMES:
            den = share_of(outcome, profile)
            if table.loc[(pop, den), "count"] == 0:
                continue
            row = table.loc[(pop, outcome)]
            add(
                f"share:{pop}:{outcome}",
                "ratio",
                row["share"],
                row["share_se"],
                cell(pop, outcome),
                cell(pop, den),
            )
    records = pd.concat([records, pd.DataFrame(indicators)], axis=1)
    return pd.DataFrame(spec), records


# -- comparison ----------------------------------------------------------------------------------


def rel_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| / max(|a|, |b|); 0 where both are zero."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = np.maximum(np.abs(a), np.abs(b))
    out = np.zeros(np.broadcast(a, b).shape)
    np.divide(np.abs(a - b), scale, out=out, where=scale > 0)
    return np.where(np.isnan(a) | np.isnan(b), np.nan, out)


def agree_6sig(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where a and b agree to 6 significant digits (or are both zero)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.abs(a - b) <= RTOL * np.maximum(np.abs(a), np.abs(b))


def compare_state(path: Path) -> pd.DataFrame:
    """The comparison rows (CSV_COLUMNS) for one state file."""
    spec, records = state_statistics(path)
    with tempfile.TemporaryDirectory(prefix="se_check_") as tmp:
        r = run_r(records, Path(tmp))
    merged = spec.merge(r, on=["id", "kind"], how="left", validate="one_to_one")
    if merged["estimate"].isna().any() and not merged["brainwaste_estimate"].isna().any():
        raise RuntimeError(f"{path}: R returned no result for some statistics")
    merged = merged.rename(columns={"estimate": "r_estimate", "se": "r_se"})
    bw_est, bw_se = merged["brainwaste_estimate"], merged["brainwaste_se"]
    merged["rel_diff_estimate"] = rel_diff(bw_est, merged["r_estimate"])
    merged["rel_diff_se"] = rel_diff(bw_se, merged["r_se"])
    merged["agree_6sig"] = agree_6sig(bw_est, merged["r_estimate"]) & agree_6sig(
        bw_se, merged["r_se"]
    )
    return merged[CSV_COLUMNS]


def compare(shared: Path, states: list[str] | None = None) -> pd.DataFrame:
    """Comparison rows for the given states (default all four), in a fixed order."""
    data = Path(shared) / DATA_DIR
    parts = [compare_state(data / STATE_FILES[s]) for s in (states or sorted(STATE_FILES))]
    return pd.concat(parts, ignore_index=True)


# -- outputs -------------------------------------------------------------------------------------


def write_csv(result: pd.DataFrame, path: Path) -> None:
    """The comparison table with 12 significant digits for the estimates and SEs of both
    implementations (``*_estimate``, ``*_se``), 4 for the relative differences."""
    out = result.copy()
    for c in out.columns:
        if c.endswith(("_estimate", "_se")) and not c.startswith("rel_diff"):
            out[c] = out[c].map(lambda x: f"{x:.12g}")
    for c in ("rel_diff_estimate", "rel_diff_se"):
        out[c] = out[c].map(lambda x: f"{x:.3e}")
    out["agree_6sig"] = out["agree_6sig"].map({True: "true", False: "false"})
    out.to_csv(path, index=False, lineterminator="\n")


def summary_markdown(result: pd.DataFrame, versions: dict[str, str]) -> str:
    n = len(result)
    n_ok = int(result["agree_6sig"].sum())
    max_est = result["rel_diff_estimate"].max()
    max_se = result["rel_diff_se"].max()
    zero_se = (result["brainwaste_se"] == 0) & (result["r_se"] == 0)
    zero_est = zero_se & (result["brainwaste_estimate"] == 0)
    controlled = result.loc[zero_se & ~zero_est]
    controlled_text = ", ".join(f"{r.state} {r.statistic}" for r in controlled.itertuples())
    per_state = result.groupby("state", sort=True).agg(
        rows=("statistic", "size"),
        agree=("agree_6sig", "sum"),
        max_rel_diff_estimate=("rel_diff_estimate", "max"),
        max_rel_diff_se=("rel_diff_se", "max"),
    )
    state_lines = "\n".join(
        f"| {s} | {int(r.rows)} | {int(r.agree)} | {r.max_rel_diff_estimate:.3e} "
        f"| {r.max_rel_diff_se:.3e} |"
        for s, r in per_state.iterrows()
    )
    disagree = result.loc[~result["agree_6sig"], ["state", "statistic"]]
    disagree_text = (
        "None."
        if disagree.empty
        else "\n".join(f"- {r.state} {r.statistic}" for r in disagree.itertuples())
    )
    return f"""# Replicate standard errors checked against the R survey package (ACS 2018 1-year)

`scripts/validate_se_with_r.py` recomputes brainwaste's estimates and successive-difference
replication (SDR) standard errors, SE = sqrt(4/80 × Σ_r (X_r − X)²), independently with the R
`survey` package, on the official Census ACS 2018 1-year PUMS person files of four small states
(`acs_pums_2018_1yr_person_small_states/csv_p{{de,nh,vt,wy}}.zip`). Results per row:
[`se_check_2018.csv`](se_check_2018.csv).

## What is compared

Per state:

- the total population, the foreign-born population (NATIVITY = 2) and the population 25+ with a
  bachelor's degree or higher (SCHL 21–24), from `Persons.population_totals` and
  `replicate.standard_error` (statistics `total_population`, `foreign_born`,
  `age25_bachelors_plus`);
- from the contract estimates table of the `mpi` profile (`estimate_outcomes`), for each of the
  populations `us_born`, `immigrant`, `immigrant_us_educated`, `immigrant_foreign_educated`: the
  `total`, `labor_force` and `underutilized` counts (`count:<population>:<outcome>`) and the
  `underutilized` share of the labor force and `not_in_labor_force` share of the total
  (`share:<population>:<outcome>`). Shares with a zero denominator are skipped.

For R, every record's PWGTP, PWGTP1–PWGTP80 and a 0/1 indicator per statistic (for shares, one
for the numerator and one for the denominator) are written to a temporary CSV;
`scripts/se_check.R` builds

```r
svrepdesign(weights = ~PWGTP, repweights = "PWGTP[0-9]+",
            type = "successive-difference", mse = TRUE, data = records)
```

and computes `svytotal` for the counts and `svyratio` for the shares. A row agrees to 6
significant digits when both the estimate and the SE satisfy |a − b| ≤ 5·10⁻⁷ × max(|a|, |b|)
(or both are zero); `rel_diff_*` = |a − b| / max(|a|, |b|).

## The R design

{versions["R"]}; survey {versions["survey"]}. From the package source (`svrepdesign.default`,
`svrVar`) and its documentation (`?svrepdesign`):

- `type = "successive-difference"` (same as `type = "ACS"`) sets `scale = 4/ncol(repweights)`
  and `rscales = rep(1, ncol(repweights))`, i.e. 4/80 with the 80 ACS replicate weights; a
  `scale` or `rscales` argument is ignored with a warning. `se_check.R` also asserts
  `des$scale == 4/80`, `rscales == 1` and that the replicate columns are exactly PWGTP1–PWGTP80.
- `mse = TRUE` makes `svrVar` centre the replicate deviations on the full-sample estimate
  (`meantheta <- coef`), as the Census formula does. The default,
  `getOption("survey.replicates.mse")`, is `FALSE`, which centres on the mean of the replicates,
  so `mse = TRUE` must be given explicitly.
- `svyratio` recomputes the ratio under each replicate weight (numerator and denominator) and
  applies the same variance formula to the replicate ratios.

## Result

- {n_ok} of {n} rows agree to 6 significant digits.
- Largest relative difference of the estimates: {max_est:.3e}; of the standard errors:
  {max_se:.3e} (last-bit differences of double arithmetic from the order of summation).
- {int(zero_se.sum())} rows have an SE of exactly 0 in both: {int(zero_est.sum())} with an
  estimate of 0 (no sample records in the count or in the share's numerator) and
  {len(controlled)} where every replicate weight reproduces the full-sample total
  ({controlled_text or "none"}).

| state | rows | agree | max rel. diff. estimate | max rel. diff. SE |
| --- | ---: | ---: | ---: | ---: |
{state_lines}

Rows that disagree: {disagree_text}

## Rerun

```sh
.venv/bin/python scripts/validate_se_with_r.py   # [--shared ../shared/data] [--out docs/validation]
.venv/bin/python -m pytest tests/integration/test_se_against_r.py   # VT and WY; skipped without R/survey/data
```
"""


def write_report(result: pd.DataFrame, out: Path, stem: str, markdown: str) -> int:
    """Write OUT/STEM.csv and OUT/STEM.md, print the one-line verdict, and return the exit
    status: 0 when every row agrees to 6 significant digits, else 1."""
    out.mkdir(parents=True, exist_ok=True)
    write_csv(result, out / f"{stem}.csv")
    (out / f"{stem}.md").write_text(markdown, encoding="utf-8")
    n_ok = int(result["agree_6sig"].sum())
    print(
        f"{n_ok}/{len(result)} rows agree to 6 significant digits; max relative difference "
        f"estimate {result['rel_diff_estimate'].max():.3e}, SE {result['rel_diff_se'].max():.3e}"
    )
    return 0 if n_ok == len(result) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT / ".." / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "validation")
    args = parser.parse_args(argv)
    reason = r_unavailable_reason()
    if reason:
        print(f"cannot check: {reason}", file=sys.stderr)
        return 2
    data = args.shared / DATA_DIR
    if not data.is_dir():
        print(f"cannot check: {data} does not exist", file=sys.stderr)
        return 2
    result = compare(args.shared)
    return write_report(result, args.out, "se_check_2018", summary_markdown(result, r_versions()))


if __name__ == "__main__":
    sys.exit(main())
