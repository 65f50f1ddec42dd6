"""Change over time: each survey year estimated on one definition profile, lined up, and the
difference between years with its standard error.

``brainwaste trend`` runs :func:`run_trend` then :func:`write_trend`, which writes

- ``DATA_DIR/processed/trend_{FIRST}-{LAST}_{PERIOD}yr.csv`` (and ``.parquet``): the estimates
  table of every year, one block per year (the columns of ``estimates_{YEAR}_{PERIOD}yr.csv``);
- ``DATA_DIR/processed/changes_{FIRST}-{LAST}_{PERIOD}yr.csv``: for every state x population x
  outcome, the change from the first year to each later year and from each year to the next
  (:data:`CHANGE_COLUMNS`);
- ``forgone_earnings_trend_{FIRST}-{LAST}_{PERIOD}yr.csv`` when the records have earnings, every
  dollar amount in the last year's dollars (CPI-U-RS), and a ``.meta.json`` for the three.

Differences between years: two ACS years (or two non-overlapping 5-year periods) are independent
samples, so SE(x2 - x1) = sqrt(SE1^2 + SE2^2) and a change is significant at the 90% level when
|x2 - x1| > 1.645 x SE(x2 - x1), as the Census Bureau's "Understanding and Using American
Community Survey Data" (2020, ch. 7 and 8: comparing estimates) sets out. Overlapping 5-year
periods share sample records, so they are refused rather than compared with a formula that
would overstate the SE.

Per-year results are kept in ``DATA_DIR/processed/trend_years/`` and read back, without reading
any record, when the profile's settings, the input files' checksums and the package version are
those of the kept year; adding a year to a trend therefore costs that one year.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__, config
from .acquire.products import NO_STANDARD_1YR, validate_period
from .atomic import write_atomic
from .errors import DataNotAvailable, InputError
from .estimate.outcomes import RELIABILITY_RULE
from .estimate.replicate import Z90
from .geography import NATION, fifty_states_and_dc, parse_states
from .method.profile import Profile, load_profile
from .report import (
    SAMPLE_SEED,
    Dataset,
    estimates_for,
    file_digest,
    inputs_checksum,
    load_dataset,
    log,
    write_table,
)
from .wording import SYNTHETIC_MARK
from .years import parse_years as _parse_years

#: Columns of the changes table (contract).
CHANGE_COLUMNS = [
    "state", "population", "outcome", "year_from", "year_to",
    "share_from", "share_to", "share_diff", "share_diff_se", "share_diff_moe90",
    "count_from", "count_to", "count_diff", "count_diff_se", "count_diff_moe90",
    "significant90", "profile",
]  # fmt: skip

#: Dollar columns of the forgone-earnings table, moved to the last year's dollars.
DOLLAR_COLUMNS = (
    "forgone_earnings", "forgone_earnings_se", "forgone_earnings_moe90", "mean_gap", "mean_gap_se",
)  # fmt: skip

#: Where per-year results are kept, under DATA_DIR/processed.
KEPT_DIR = "trend_years"


# -- which years ----------------------------------------------------------------------------------


def parse_years(spec: str | int | list[int] | tuple[int, ...]) -> list[int]:
    """Survey years from "2012-2024", "2016,2019,2024", a mix ("2012-2014,2019"), or a list;
    years outside the supported range are refused later, all at once, by :func:`plan_years`."""
    return _parse_years(spec, label="--years", check_range=False)


@dataclass(frozen=True)
class YearPlan:
    """The survey years a trend estimates, and why any asked-for year is left out."""

    years: tuple[int, ...]
    period: int
    notes: tuple[str, ...] = ()
    skipped: tuple[int, ...] = ()


def plan_years(years: list[int], period: int) -> YearPlan:
    """Check the years of a trend: supported, an existing product, at least two, and for 5-year
    files not overlapping. The 2020 1-year file, which does not exist in standard form, is left
    out with a note; everything else wrong is an InputError saying what to ask for instead."""
    if period not in (1, 5):
        raise InputError(f"--period {period}: give 1 (1-year files) or 5 (5-year files)")
    out_of_range = [y for y in years if not config.FIRST_YEAR <= y <= config.LAST_YEAR]
    if out_of_range:
        raise InputError(
            f"--years: {', '.join(map(str, out_of_range))} outside the supported survey years "
            f"{config.FIRST_YEAR}-{config.LAST_YEAR}"
        )
    notes, kept, skipped = [], [], []
    for y in sorted(set(years)):
        if period == 1 and y in NO_STANDARD_1YR:
            notes.append(f"{y} skipped: {NO_STANDARD_1YR[y]}")
            skipped.append(y)
        else:
            validate_period(y, period)
            kept.append(y)
    if not kept:
        raise DataNotAvailable(
            f"no survey year with a {period}-year file in {_span(years)}: choose other --years"
        )
    if len(kept) < 2:
        raise InputError(
            f"a trend needs at least two survey years; only {kept[0]} has a {period}-year file "
            "in --years"
        )
    if period == 5:
        close = [(a, b) for a, b in zip(kept, kept[1:], strict=False) if b - a < 5]
        if close:
            a, b = close[0]
            suggestion = ",".join(str(y) for y in range(kept[-1], config.FIRST_YEAR - 1, -5))
            raise InputError(
                f"5-year files {a - 4}-{a} and {b - 4}-{b} overlap (they share survey years, so "
                "their difference has no valid SE): choose years at least 5 apart, e.g. "
                f"--years {','.join(reversed(suggestion.split(',')))}"
            )
    return YearPlan(tuple(kept), period, tuple(notes), tuple(skipped))


def _span(years) -> str:
    ys = sorted(years)
    return str(ys[0]) if len(ys) == 1 else f"{ys[0]}-{ys[-1]}"


# -- states ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """What to read (``load``: state files, or US for the national file) and which rows to keep."""

    load: tuple[str, ...]
    report: tuple[str, ...] | None  # None: every row the estimates hold

    @property
    def key(self) -> str:
        """A short name for the set of files read (part of a kept result's file name)."""
        if set(fifty_states_and_dc()) <= set(self.load):
            return "all"
        text = "-".join(sorted(self.load))
        return text if len(text) <= 40 else hashlib.sha256(text.encode()).hexdigest()[:12]


def places(spec: str | list[str], sample: bool = False) -> Places:
    """ "MA,US": Massachusetts and the nation from the national file; "all": every state and
    their total; "MA,NY": those states. The synthetic sample has no national file: its states
    are read and summed instead."""
    items = [p.strip().upper() for p in (spec.split(",") if isinstance(spec, str) else spec)]
    items = [p for p in items if p]
    if NATION in items and len(items) > 1:
        others = parse_states([p for p in items if p != NATION])
        load = tuple(fifty_states_and_dc()) if sample else (NATION,)
        return Places(load, (*others, NATION))
    codes = parse_states(items)
    if sample and codes == [NATION]:
        return Places(tuple(fifty_states_and_dc()), None)
    return Places(tuple(codes), None)


# -- one year -------------------------------------------------------------------------------------


@dataclass
class YearResult:
    """The estimates (and forgone earnings, in the year's own dollars) of one survey year."""

    year: int
    estimates: pd.DataFrame
    forgone: pd.DataFrame | None
    meta: dict
    reused: bool = False


@dataclass(frozen=True)
class Request:
    period: int
    places: Places
    profile: Profile
    sample: bool = False
    source: str = "files"
    data_dir: str | os.PathLike | None = None
    base_url: str | None = None
    progress: bool = True
    seed: int = SAMPLE_SEED

    @property
    def source_name(self) -> str:
        return "sample" if self.sample else self.source


def _kept_stem(req: Request, year: int) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", req.profile.name) or "profile"
    folder = config.processed_dir(req.data_dir) / KEPT_DIR / name / req.source_name
    return folder / f"{year}_{req.period}yr_{req.places.key}"


def expected_inputs(req: Request, year: int) -> list[Path] | None:
    """The files a year is read from, when they can be named without reading anything (None for
    the Census API, which has no input files)."""
    if req.sample:
        base = config.raw_dir(req.data_dir) / "sample" / f"seed{req.seed}" / str(year) / "1-Year"
        return [base / f"csv_p{s.lower()}.zip" for s in req.places.load]
    if req.source == "api":
        return None
    from .acquire.bulk import local_path

    raw = config.raw_dir(req.data_dir)
    return [local_path(raw, year, req.period, s) for s in req.places.load]


def _digests(paths: list[Path], known: dict[str, dict]) -> list[dict]:
    """Size, modification time and SHA-256 of each file; the SHA-256 is taken from `known` when
    size and modification time are unchanged (hashing a national file takes seconds)."""
    out = []
    for p in paths:
        st = p.stat()
        k = known.get(str(p.resolve()))
        if k and k.get("bytes") == st.st_size and k.get("mtime_ns") == st.st_mtime_ns:
            out.append({"path": str(p), "bytes": st.st_size, "sha256": k["sha256"],
                        "mtime_ns": st.st_mtime_ns})  # fmt: skip
        else:
            d = file_digest(p)
            d["mtime_ns"] = st.st_mtime_ns
            out.append(d)
    return out


def read_kept(req: Request, year: int, notes: list[str]) -> YearResult | None:
    """The kept result of a year when it still holds: same package version, same profile
    settings, same input checksums. Otherwise None (and a note when the profile differs)."""
    stem = _kept_stem(req, year)
    meta_path = stem.with_suffix(".json")
    if not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    if meta.get("brainwaste_version") != __version__:
        return None
    if meta.get("profile") != req.profile.settings():
        notes.append(
            f"kept {year} results were made with other settings of profile "
            f"'{req.profile.name}': {year} estimated again"
        )
        return None
    if meta.get("inputs_sha256") is None:  # API extracts: no input checksum to trust
        return None
    paths = expected_inputs(req, year)
    if paths is None or not all(p.exists() for p in paths):
        return None
    known = {i.get("resolved", i["path"]): i for i in meta.get("inputs", [])}
    if inputs_checksum(_digests(paths, known)) != meta["inputs_sha256"]:
        return None
    est_path = stem.with_suffix(".parquet")
    if not est_path.exists():
        return None
    estimates = pd.read_parquet(est_path)
    forgone_path = _forgone_path(stem)
    forgone = pd.read_parquet(forgone_path) if forgone_path.exists() else None
    return YearResult(year, estimates, forgone, meta, reused=True)


def _forgone_path(stem: Path) -> Path:
    return stem.parent / f"{stem.name}.forgone.parquet"


def _keep(req: Request, result: YearResult) -> None:
    stem = _kept_stem(req, result.year)
    write_table(result.estimates, stem)
    stem.with_suffix(".csv").unlink(missing_ok=True)  # the parquet is what is read back
    if result.forgone is not None:
        write_atomic(_forgone_path(stem), lambda t: result.forgone.to_parquet(t, index=False))
    write_atomic(
        stem.with_suffix(".json"), lambda t: t.write_text(json.dumps(result.meta, indent=2) + "\n")
    )


def _load(req: Request, year: int) -> Dataset:
    common = {"profile": req.profile, "data_dir": req.data_dir, "progress": req.progress}
    if req.sample:
        return load_dataset(sample=True, year=year, states=list(req.places.load), **common)
    return load_dataset(
        year=year, period=req.period, states=list(req.places.load), source=req.source,
        base_url=req.base_url, **common,
    )  # fmt: skip


def estimate_year(req: Request, year: int) -> YearResult:
    """Read and classify one year's records and estimate them (no reuse; see :func:`year_result`)."""
    from .estimate.earnings import forgone_earnings

    ds = _load(req, year)
    estimates = estimates_for(ds)
    forgone = None
    if "PERNP" in ds.classified or "WAGP" in ds.classified:
        forgone = forgone_earnings(
            ds.classified, ds.profile, year=ds.year, period=ds.period,
            national=ds.national, states=ds.report_states,
        )  # fmt: skip
    digests = []
    for i in ds.inputs:
        d = dict(i)
        d["mtime_ns"] = Path(i["path"]).stat().st_mtime_ns
        d["resolved"] = str(Path(i["path"]).resolve())
        digests.append(d)
    meta = {
        "brainwaste_version": __version__,
        "year": ds.year,
        "period": ds.period,
        "states": list(req.places.load),
        "synthetic": ds.synthetic,
        "data_source": ds.source,
        "profile": ds.profile.settings(),
        "inputs": digests,
        "inputs_sha256": inputs_checksum(ds.inputs),
        "replicate_weights": ds.persons.has_replicate_weights,
        "notes": ds.notes,
    }
    return YearResult(year, estimates, forgone, meta)


def year_result(req: Request, year: int, notes: list[str]) -> YearResult:
    """A year's result: the kept one when it still holds, else estimated and kept."""
    kept = read_kept(req, year, notes)
    if kept is not None:
        log(f"{year}: kept results reused ({_kept_stem(req, year).name})")
        return kept
    log(f"{year}: estimating")
    result = estimate_year(req, year)
    _keep(req, result)
    return result


# -- the trend ------------------------------------------------------------------------------------


@dataclass
class Trend:
    """A trend: the stacked estimates, the changes between years, forgone earnings in one year's
    dollars, and what produced them."""

    estimates: pd.DataFrame
    changes: pd.DataFrame
    forgone: pd.DataFrame | None
    years: list[int]
    period: int
    profile: Profile
    synthetic: bool
    source: str
    notes: list[str] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    reused: list[int] = field(default_factory=list)
    year_meta: dict[int, dict] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return f"{self.years[0]}-{self.years[-1]}_{self.period}yr"

    @property
    def dollars_year(self) -> int:
        return self.years[-1]

    # What a reader calls at a prompt or in the notebook (the functions below, as methods).
    @property
    def focus(self) -> str:
        return focus_place(self)

    def describe(self) -> str:
        return describe(self)

    def rates_over_time(self, place: str, outcome: str = "underutilized") -> pd.DataFrame:
        return rates_over_time(self, place, outcome)

    def changes_table(
        self, places: list[str], outcome: str = "underutilized", pairs: str = "first_last"
    ) -> pd.DataFrame:
        return changes_table(self, places, outcome, pairs)

    def in_words(self, place: str, outcome: str = "underutilized") -> str:
        return in_words(self, place, outcome)

    def meta(self) -> dict:
        from .estimate.dollars import dollars_label

        return {
            "brainwaste_version": __version__,
            "years": self.years,
            "period": self.period,
            "skipped_years": self.skipped,
            "year": self.years[-1],
            "states": list(dict.fromkeys(self.estimates["state"])),
            "synthetic": self.synthetic,
            "data_source": self.source,
            "profile": self.profile.settings(),
            "dollars": dollars_label(self.dollars_year),
            "replicate_weights": all(
                m.get("replicate_weights", True) for m in self.year_meta.values()
            ),
            "reused_years": self.reused,
            "inputs_sha256": {str(y): m.get("inputs_sha256") for y, m in self.year_meta.items()},
            "notes": [
                f"survey years {', '.join(map(str, self.years))} on one profile; dollar amounts "
                f"in {dollars_label(self.dollars_year)}",
                *self.notes,
            ],
        }


def run_trend(
    years: str | list[int],
    period: int | None = None,
    states: str | list[str] | None = None,
    *,
    profile: str | Profile = "mpi",
    sample: bool = False,
    source: str = "files",
    data_dir: str | os.PathLike | None = None,
    base_url: str | None = None,
    progress: bool = True,
    seed: int = SAMPLE_SEED,
) -> Trend:
    """Estimate every year of a trend (reusing kept years) and the changes between years.

    A year whose file the server does not have is left out with a note; the trend needs at
    least two years that could be estimated.
    """
    from .sample_years import DEFAULT_TREND_YEARS, check_years

    if sample:
        if period not in (None, 1):
            raise InputError("the synthetic sample holds 1-year files: use --period 1")
        period = 1
        years = list(DEFAULT_TREND_YEARS) if years in (None, "", []) else years
        states = states or "all"
    if years in (None, "", []):
        raise InputError("give --years, e.g. --years 2012-2024 or --years 2016,2019,2024")
    if period is None:
        raise InputError("give --period 1 (1-year files) or --period 5 (5-year files)")
    if not states:
        raise InputError("give --states, e.g. --states MA,US or --states all")
    plan = plan_years(parse_years(years), int(period))
    if sample:
        check_years(list(plan.years))
    prof = load_profile(profile)
    req = Request(plan.period, places(states, sample), prof, sample, source, data_dir, base_url,
                  progress, seed)  # fmt: skip
    notes = list(plan.notes)
    results: list[YearResult] = []
    skipped = list(plan.skipped)
    for y in plan.years:
        try:
            results.append(year_result(req, y, notes))
        except DataNotAvailable as exc:  # e.g. HTTP 404: the server has no such file
            notes.append(f"{y} skipped: {exc}")
            skipped.append(y)
            log(f"{y} skipped: {exc}")
    if len(results) < 2:
        done = ", ".join(str(r.year) for r in results) or "none"
        raise DataNotAvailable(
            f"a trend needs at least two years with data; estimated: {done} ({'; '.join(notes)})"
        )
    estimates = stack_years([r.estimates for r in results], req.places.report)
    forgone = None
    if all(r.forgone is not None for r in results):
        forgone = in_one_years_dollars(
            pd.concat([r.forgone for r in results], ignore_index=True), results[-1].year
        )
        if req.places.report is not None:
            forgone = forgone[forgone["state"].isin(req.places.report)].reset_index(drop=True)
    return Trend(
        estimates=estimates,
        changes=changes(estimates),
        forgone=forgone,
        years=[r.year for r in results],
        period=plan.period,
        profile=prof,
        synthetic=any(bool(r.meta.get("synthetic")) for r in results),
        source=req.source_name,
        notes=notes,
        skipped=sorted(skipped),
        reused=[r.year for r in results if r.reused],
        year_meta={r.year: r.meta for r in results},
    )


def trend(
    years: str | list[int] | None = None,
    period: int | None = None,
    states: str | list[str] | None = None,
    *,
    profile: str | Profile = "mpi",
    source: str = "files",
    data_dir: str | os.PathLike | None = None,
    base_url: str | None = None,
    progress: bool = True,
) -> Trend:
    """The survey years lined up on one profile, with the changes between years, in memory
    (what ``brainwaste trend`` computes; :func:`write_trend` writes it).

    ``source="sample"`` runs on the synthetic multi-year sample (default years 2016, 2019,
    2022, 2024, every state); otherwise ``files`` (Census bulk files) or ``api``. The result's
    ``estimates`` are the contract estimates of every year (shares 0-1, counts in persons),
    ``changes`` the :data:`CHANGE_COLUMNS`, ``forgone`` forgone earnings in the last year's
    dollars (CPI-U-RS); ``describe()``, ``rates_over_time(place)``, ``changes_table(places)``
    and ``in_words(place)`` read it.
    """
    sample = source == "sample"
    return run_trend(
        years, period, states, profile=profile, sample=sample,
        source="files" if sample else source, data_dir=data_dir, base_url=base_url,
        progress=progress,
    )  # fmt: skip


def stack_years(tables: list[pd.DataFrame], report: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The per-year estimates as one table, one block per year; refuses tables made with
    different profiles (a trend compares one definition over time)."""
    table = pd.concat(tables, ignore_index=True)
    profiles = sorted(table["profile"].unique())
    if len(profiles) > 1:
        raise InputError(
            f"the years were estimated with different profiles ({', '.join(profiles)}): a trend "
            "needs one; run it again with --profile"
        )
    if report is not None:
        table = table[table["state"].isin(report)]
    table = table[table["breakdown"] == "none"] if "breakdown" in table else table
    return table.sort_values("year", kind="stable", ignore_index=True)


def difference(
    est_from, se_from, est_to, se_to
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(difference, SE, 90% MOE, significant at 90%) of two estimates from independent samples:
    SE = sqrt(SE1^2 + SE2^2), significant when |difference| > 1.645 x SE. Where an SE is
    missing (no replicate weights) the SE and MOE are NaN and significance is unknown (NA)."""
    a, b = np.asarray(est_from, float), np.asarray(est_to, float)
    sa, sb = np.asarray(se_from, float), np.asarray(se_to, float)
    diff = b - a
    se = np.sqrt(sa**2 + sb**2)
    sig = pd.array(np.abs(diff) > Z90 * se, dtype="boolean")
    sig[np.isnan(se) | np.isnan(diff)] = pd.NA
    return diff, se, Z90 * se, sig


def year_pairs(years: list[int]) -> list[tuple[int, int]]:
    """First year -> each later year, then each year -> the next (each pair once, in order)."""
    ys = sorted(years)
    pairs = [(ys[0], y) for y in ys[1:]] + list(zip(ys, ys[1:], strict=False))
    return sorted(set(pairs))


def changes(trend_table: pd.DataFrame) -> pd.DataFrame:
    """The changes table (:data:`CHANGE_COLUMNS`) of a stacked trend table."""
    keys = ["state", "population", "outcome"]
    t = trend_table
    frames = []
    for y0, y1 in year_pairs(sorted(t["year"].unique())):
        a = t[t["year"] == y0].set_index(keys)
        b = t[t["year"] == y1].set_index(keys)
        a, b = a.align(b, join="inner", axis=0)
        share = difference(a["share"], a["share_se"], b["share"], b["share_se"])
        count = difference(a["count"], a["count_se"], b["count"], b["count_se"])
        frames.append(
            pd.DataFrame(
                {
                    "year_from": y0, "year_to": y1,
                    "share_from": a["share"].to_numpy(), "share_to": b["share"].to_numpy(),
                    "share_diff": share[0], "share_diff_se": share[1], "share_diff_moe90": share[2],
                    "count_from": a["count"].to_numpy(), "count_to": b["count"].to_numpy(),
                    "count_diff": count[0], "count_diff_se": count[1], "count_diff_moe90": count[2],
                    "significant90": share[3], "profile": b["profile"].to_numpy(),
                },
                index=a.index,
            ).reset_index()
        )  # fmt: skip
    if not frames:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    order = {k: i for i, k in enumerate(dict.fromkeys(t["state"]))}
    pop = {k: i for i, k in enumerate(dict.fromkeys(t["population"]))}
    outc = {k: i for i, k in enumerate(dict.fromkeys(t["outcome"]))}
    out = out.assign(
        _s=out["state"].map(order), _p=out["population"].map(pop), _o=out["outcome"].map(outc)
    )
    out = out.sort_values(["_s", "_p", "_o", "year_from", "year_to"], kind="stable")
    return out[CHANGE_COLUMNS].reset_index(drop=True)


def in_one_years_dollars(forgone: pd.DataFrame, to_year: int) -> pd.DataFrame:
    """The forgone-earnings table with every dollar column in dollars of `to_year` (CPI-U-RS)."""
    from .estimate.dollars import dollars_label, in_dollars_of

    out = forgone.copy()
    for c in DOLLAR_COLUMNS:
        if c in out:
            out[c] = in_dollars_of(out[c].to_numpy(dtype=float), out["year"].to_numpy(), to_year)
    out["dollars"] = dollars_label(to_year)
    return out


def write_trend(trend: Trend, data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Write the trend, changes and forgone-earnings tables and their metadata (atomically)."""
    from .figures.reuse import reuse_or_write

    out = config.processed_dir(data_dir)
    tables = {"trend": trend.estimates, "changes": trend.changes}
    if trend.forgone is not None:
        tables["forgone_earnings_trend"] = trend.forgone

    def write_tables() -> list[Path]:
        return [
            p for name, t in tables.items() for p in write_table(t, out / f"{name}_{trend.stem}")
        ]

    # A rerun from kept years makes the same tables: the files written last time are kept.
    paths = reuse_or_write(out, f"trend_tables_{trend.stem}", (tables,), write_tables)
    meta = out / f"trend_{trend.stem}.meta.json"
    write_atomic(meta, lambda t: t.write_text(json.dumps(trend.meta(), indent=2) + "\n"))
    paths.append(meta)
    for p in paths:
        log(f"wrote {p}")
    return paths


def draw_trend(trend: Trend, reports_dir: str | os.PathLike | None = None) -> list[Path]:
    """The trend figures, workbook (with trend and changes sheets) and gallery."""
    from .figures.catalog import draw_trend_report

    last = trend.estimates[trend.estimates["year"] == trend.years[-1]]
    meta = trend.meta()
    tables = {"estimates": last, "trend": trend.estimates, "changes": trend.changes}
    written = draw_trend_report(tables, meta, config.reports_dir(reports_dir))
    for p in written:
        log(f"wrote {p}")
    return written


# -- for reading: what the notebook and the command print -----------------------------------------

#: The groups a reader compares, in reading order.
READING_GROUPS = ("us_born", "immigrant_us_educated", "immigrant_foreign_educated")


def focus_place(t: Trend) -> str:
    """The state a trend centres on: Massachusetts when present, else the first state (or US)."""
    from .figures.catalog import focus_state

    states = [s for s in dict.fromkeys(t.estimates["state"]) if s != NATION]
    return focus_state(states) if states else NATION


def describe(t: Trend) -> str:
    """The run, in the order a reader checks it: years, profile, version, synthetic or not, the
    input checksum of each year, which years were reused, dollars, notes."""
    lines = [
        f"survey years:    {', '.join(map(str, t.years))} ({t.period}-year files)"
        + (f"; left out: {', '.join(map(str, t.skipped))}" if t.skipped else ""),
        f"profile:         {t.profile.name} ({t.profile.description})",
        f"brainwaste:      {__version__}",
        "data:            "
        + (
            "SYNTHETIC sample generated by brainwaste: illustration only, NOT Census data"
            if t.synthetic
            else f"ACS PUMS (source: {t.source})"
        ),
        f"dollars:         {t.meta()['dollars']}",
    ]
    for y in t.years:
        sha = t.year_meta[y].get("inputs_sha256")
        kept = " (kept result reused)" if y in t.reused else ""
        lines.append(f"input {y}:      " + (f"sha256 {sha}" if sha else "Census API") + kept)
    lines += [f"note:            {n}" for n in t.notes]
    if t.synthetic:
        lines += [
            "",
            f"*** {SYNTHETIC_MARK}: every number below illustrates the method; never quote it. ***",
        ]
    return "\n".join(lines)


def rates_over_time(t: Trend, place: str, outcome: str = "underutilized") -> pd.DataFrame:
    """One row per survey year, one column per group: the rate with its 90% MOE (a † marks an
    unreliable estimate)."""
    from .summaries import format_share, place_name

    e = t.estimates[(t.estimates["state"] == place) & (t.estimates["outcome"] == outcome)]
    e = e[e["population"].isin(READING_GROUPS)]
    text = [format_share(r.share, r.share_moe90, r.reliable) for r in e.itertuples()]
    table = e.assign(text=text).pivot(index="year", columns="population", values="text")
    table = table[[g for g in READING_GROUPS if g in table.columns]]
    from .figures import style

    table.columns = [style.POPULATION_LABELS[g] for g in table.columns]
    table.columns.name = place_name(place)
    return table


def changes_table(
    t: Trend, places: list[str], outcome: str = "underutilized", pairs: str = "first_last"
) -> pd.DataFrame:
    """The changes of a rate for the places and groups: from, to, change with its 90% MOE (in
    percentage points) and whether it is significant at the 90% level. `pairs`: ``first_last``
    (first year to last), ``first`` (first to each later year) or ``all``."""
    from .figures import style
    from .summaries import format_share, place_name

    c = t.changes[
        t.changes["state"].isin(places)
        & (t.changes["outcome"] == outcome)
        & t.changes["population"].isin(READING_GROUPS)
    ]
    first, last = t.years[0], t.years[-1]
    if pairs == "first_last":
        c = c[(c["year_from"] == first) & (c["year_to"] == last)]
    elif pairs == "first":
        c = c[c["year_from"] == first]
    verdict = c["significant90"].map({True: "yes", False: "no"}).fillna("no SE")
    return pd.DataFrame(
        {
            "place": c["state"].map(place_name),
            "group": c["population"].map(style.POPULATION_LABELS),
            "years": c["year_from"].astype(str) + "-" + c["year_to"].astype(str),
            "from": [format_share(v) for v in c["share_from"]],
            "to": [format_share(v) for v in c["share_to"]],
            "change (points)": [
                _points(d, m) for d, m in zip(c["share_diff"], c["share_diff_moe90"], strict=True)
            ],
            "significant (90%)": verdict,
        }
    ).reset_index(drop=True)


def _points(diff: float, moe: float) -> str:
    if pd.isna(diff):
        return "n/a"
    return f"{100 * diff:+.1f}" + ("" if pd.isna(moe) else f" (±{100 * moe:.1f})")


def in_words(t: Trend, place: str, outcome: str = "underutilized") -> str:
    """What the first-to-last change of each group's rate says, in sentences that keep the
    uncertainty: a significant change is "rose"/"fell"; any other is "cannot be told from no
    change" (never "stayed the same")."""
    from .figures import style
    from .summaries import place_name

    first, last = t.years[0], t.years[-1]
    c = t.changes[
        (t.changes["state"] == place)
        & (t.changes["outcome"] == outcome)
        & (t.changes["year_from"] == first)
        & (t.changes["year_to"] == last)
        & t.changes["population"].isin(READING_GROUPS)
    ]
    e = t.estimates[(t.estimates["state"] == place) & (t.estimates["outcome"] == outcome)]
    unreliable = set(e.loc[~e["reliable"].fillna(False).astype(bool), "population"])
    out = [f"{place_name(place)}, {first} to {last}:"]
    for r in c.itertuples():
        who = style.POPULATION_LABELS[r.population]
        if pd.isna(r.share_diff):
            out.append(f"- {who}: no rate in both years.")
            continue
        span = f"from {100 * r.share_from:.1f}% in {first} to {100 * r.share_to:.1f}% in {last}"
        change = _points(r.share_diff, r.share_diff_moe90) + " percentage points"
        if pd.isna(r.significant90):
            verdict = "no margin of error (no replicate weights), so no test of the change"
        elif bool(r.significant90):
            verdict = (
                f"the rate {'rose' if r.share_diff > 0 else 'fell'}: the change is statistically "
                "significant at the 90% level"
            )
        else:
            verdict = (
                "the change is not statistically significant at the 90% level: it cannot be told "
                "from no change (which is not the same as saying the rate held steady)"
            )
        caution = (
            f"; at least one of the two rates is unreliable ({RELIABILITY_RULE})"
            if r.population in unreliable
            else ""
        )
        out.append(f"- {who}: {span}, a change of {change}; {verdict}{caution}.")
    return "\n".join(out)
