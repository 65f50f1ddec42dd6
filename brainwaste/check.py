"""``brainwaste check``: do the PUMS records add up to what the Census Bureau publishes?

Two comparisons, both on weighted totals over *all* person records of the input:

1. With the ACS published summary tables (fetched with the ``census`` package): total
   population (B01003), foreign-born population (B05002) and population 25+ with a bachelor's
   degree or higher (B15003). PUMS is a subsample of the ACS, so small differences are expected:
   the Census Bureau's PUMS documentation puts them within the published margins of error for
   most large totals.
2. With a Census "PUMS Estimates for User Verification" file (``--verification FILE``): the
   person characteristics it lists (total population, males, females, age groups). The Census
   Bureau computed these from the same PUMS file with the same SDR formula, so estimates and
   SEs must match exactly when the file and the microdata are of the same year and period.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import requests

from . import config
from .errors import ApiError, InputError, SchemaError
from .estimate import replicate
from .geography import state
from .pums.schema import REPLICATE_WEIGHTS

#: Published ACS detailed-table variables (estimate names; MOEs end in M instead of E).
FOREIGN_BORN = "Foreign born (NATIVITY=2)"
COLLEGE_25 = "Age 25+ with a bachelor's degree or higher (SCHL=21-24)"
PUBLISHED = {
    "Total population": ["B01003_001E"],
    FOREIGN_BORN: ["B05002_013E"],
    COLLEGE_25: ["B15003_022E", "B15003_023E", "B15003_024E", "B15003_025E"],
}


# -- statistics over all records ------------------------------------------------------------------

_AGE = re.compile(r"^Age (\d+)-(\d+)$|^Age (\d+) and over$")


def verification_masks(tbl: pa.Table) -> dict[str, np.ndarray]:
    """Boolean masks for the person characteristics of the verification files."""
    age = tbl["AGEP"].to_numpy(zero_copy_only=False)
    masks = {"Total population": np.ones(len(tbl), bool)}
    if "SEX" in tbl.column_names:
        sex = tbl["SEX"].fill_null("").to_numpy(zero_copy_only=False)
        masks["Total males (SEX=1)"] = sex == "1"
        masks["Total females (SEX=2)"] = sex == "2"
    for lo, hi in ((0, 4), (5, 9), (10, 14), (15, 19), (20, 24), (25, 34), (35, 44), (45, 54),
                   (55, 59), (60, 64), (65, 74), (75, 84)):  # fmt: skip
        masks[f"Age {lo}-{hi}"] = (age >= lo) & (age <= hi)
    masks["Age 85 and over"] = age >= 85
    masks[FOREIGN_BORN] = (
        pc.equal(tbl["NATIVITY"], "2").fill_null(False).to_numpy(zero_copy_only=False)
    )
    college = pc.is_in(tbl["SCHL"], pa.array(["21", "22", "23", "24"])).fill_null(False)
    masks[COLLEGE_25] = (age >= 25) & college.to_numpy(zero_copy_only=False)
    return masks


class _Accumulator:
    """Sums every weight over each characteristic, by state, batch by batch."""

    def __init__(self) -> None:
        self.sums: dict[tuple[str, str], np.ndarray] = {}
        self.n_weights = 0
        self.years: set[int] = set()

    def __call__(self, tbl: pa.Table) -> None:
        wcols = ["PWGTP"] + [c for c in REPLICATE_WEIGHTS if c in tbl.column_names]
        w = np.column_stack([tbl[c].to_numpy(zero_copy_only=False) for c in wcols]).astype(float)
        self.n_weights = len(wcols) if not self.n_weights else min(self.n_weights, len(wcols))
        self.years.update(int(y) for y in pc.unique(tbl["year"]).to_pylist())
        st = tbl["STATE"].to_numpy(zero_copy_only=False)
        codes, states = pd.factorize(st)
        for name, mask in verification_masks(tbl).items():
            sums = replicate.cell_totals(codes[mask], len(states), w[mask])
            for i, s in enumerate(states):
                key = (str(s), name)
                prev = self.sums.get(key)
                cur = sums[i, : self.n_weights]
                self.sums[key] = cur if prev is None else prev[: self.n_weights] + cur

    def table(self) -> pd.DataFrame:
        rows = []
        for (st, name), x in sorted(self.sums.items()):
            x = x[: self.n_weights]
            se = replicate.standard_error(x[None, :])[0] if self.n_weights > 1 else np.nan
            rows.append({"STATE": st, "characteristic": name, "pums_estimate": x[0], "pums_se": se})
        out = pd.DataFrame(rows)
        out.attrs["years"] = sorted(self.years)
        return out


def pums_totals(
    paths: list[str | os.PathLike], year: int | None = None, period: int | None = None
) -> pd.DataFrame:
    """Weighted totals and SEs of every checked characteristic, by state, over all records
    (of files of survey `year` and `period`, when known)."""
    from .pums.readers import read_persons

    acc = _Accumulator()
    read_persons(
        paths,
        prefilter=lambda t: pa.array(np.zeros(len(t), bool)),
        on_batch=acc,
        year=year,
        period=period,
    )
    return acc.table()


# -- published tables -------------------------------------------------------------------------------


class _RebasedSession(requests.Session):
    """A session that sends the ``census`` package's requests to BRAINWASTE_API_URL when set."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self._base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if isinstance(url, str) and url.startswith(config.CENSUS_API_URL):
            url = self._base + url[len(config.CENSUS_API_URL) :]
        return super().request(method, url, *args, **kwargs)


def published_totals(
    year: int,
    period: int,
    states: list[str],
    *,
    key: str | None = None,
    base_url: str | None = None,
) -> pd.DataFrame:
    """Published ACS totals (and MOEs) of the checked characteristics, by state."""
    from census import Census

    key = key or config.require_census_api_key("comparing with the published tables")
    session = _RebasedSession(config.api_base_url(base_url))
    client = Census(key, year=year, session=session)
    source = client.acs1 if period == 1 else client.acs5
    fields = [v for vs in PUBLISHED.values() for v in vs]
    fields += [v[:-1] + "M" for v in fields]
    rows = []
    for usps in states:
        fips = state(usps).fips
        try:
            answer = source.state(["NAME", *fields], fips, year=year)
        except Exception as exc:  # the census package raises its own and requests' errors
            text = str(exc).replace(key, "***")
            raise ApiError(
                f"the published tables could not be fetched for {usps} {year} ({text})"
            ) from None
        if not answer:
            raise ApiError(f"the published tables returned nothing for {usps} {year}")
        rec = answer[0]
        for name, variables in PUBLISHED.items():
            est = sum(float(rec[v]) for v in variables)
            moe = float(np.sqrt(sum(float(rec[v[:-1] + "M"]) ** 2 for v in variables)))
            rows.append(
                {
                    "STATE": fips,
                    "characteristic": name,
                    "published_estimate": est,
                    "published_moe90": moe,
                }
            )
    return pd.DataFrame(rows)


def compare_published(pums: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Differences between PUMS and published totals, in counts, percent and published MOEs."""
    t = pums.merge(published, on=["STATE", "characteristic"], how="inner")
    t["difference"] = t["pums_estimate"] - t["published_estimate"]
    t["difference_pct"] = 100 * t["difference"] / t["published_estimate"]
    t["within_published_moe"] = t["difference"].abs() <= t["published_moe90"]
    return t


# -- verification files ---------------------------------------------------------------------------


def read_verification(path: str | os.PathLike) -> pd.DataFrame:
    """A Census "PUMS Estimates for User Verification" CSV in long form."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"--verification {path}: no such file")
    df = pd.read_csv(path, dtype={"ST": str}, encoding="latin-1")
    est = [c for c in df.columns if c.startswith("PUMS_EST")]
    se = [c for c in df.columns if c.startswith("PUMS_SE")]
    if not {"ST", "CHARACTERISTIC"} <= set(df.columns) or len(est) != 1 or len(se) != 1:
        raise SchemaError(
            f"{path} is not a PUMS verification file (expected columns ST, CHARACTERISTIC, PUMS_EST_*, PUMS_SE_*)"
        )
    out = df.rename(
        columns={"CHARACTERISTIC": "characteristic", est[0]: "census_estimate", se[0]: "census_se"}
    )
    out["STATE"] = out["ST"].str.zfill(2)
    for c in ("census_estimate", "census_se"):
        out[c] = pd.to_numeric(out[c].astype(str).str.replace(",", ""), errors="coerce")
    out = out[["STATE", "characteristic", "census_estimate", "census_se"]]
    m = re.search(r"PUMS_EST_(\d\d)(?:_TO_(\d\d))?", est[0])
    if m:
        first = 2000 + int(m.group(1))
        last = 2000 + int(m.group(2) or m.group(1))
        out.attrs["years"] = list(range(first, last + 1))
    return out


def period_mismatch(pums: pd.DataFrame, verification: pd.DataFrame) -> str | None:
    """A warning when the microdata's survey years differ from the verification file's."""
    have, want = pums.attrs.get("years"), verification.attrs.get("years")
    if have and want and have != want:
        return (
            f"the records are from {have[0]}-{have[-1]} but the verification file is for "
            f"{want[0]}-{want[-1]}: differences are expected; use the file of the same year and period"
        )
    return None


def compare_verification(pums: pd.DataFrame, verification: pd.DataFrame) -> pd.DataFrame:
    """Row by row: PUMS estimate and SE against the Census verification values (same states)."""
    v = verification[verification["STATE"].isin(pums["STATE"].unique())]
    t = v.merge(pums, on=["STATE", "characteristic"], how="left")
    t["difference"] = t["pums_estimate"] - t["census_estimate"]
    t["se_difference"] = t["pums_se"] - t["census_se"]
    # The verification SEs are published rounded to whole persons.
    ok = (t["difference"].abs() < 0.5) & ((t["se_difference"].abs() <= 0.5) | t["pums_se"].isna())
    t["matches"] = pd.array(ok, dtype="boolean")
    t.loc[t["pums_estimate"].isna(), "matches"] = pd.NA
    return t


def format_table(t: pd.DataFrame, columns: list[str]) -> str:
    """Plain-text table for the terminal."""
    show = t[columns].copy()
    for c in show.columns:
        if pd.api.types.is_float_dtype(show[c]):
            show[c] = show[c].map(lambda v: "" if pd.isna(v) else f"{v:,.1f}")
    return show.to_string(index=False)
