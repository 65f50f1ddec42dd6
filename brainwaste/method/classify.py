"""Classify canonical PUMS person records by population group and labor-market outcome.

Adds documented columns to the canonical person table (see :func:`classify`); the estimator only
groups and sums them. Definitions come from a :class:`~brainwaste.method.profile.Profile`.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import SchemaError
from ..pums.memory import while_reading
from . import codetables
from .categories import (
    ENGLISH,
    ESR_CIVILIAN,
    ESR_EMPLOYED,
    ESR_NOT_IN_LABOR_FORCE,
    ESR_UNEMPLOYED,
    OCCP_2018_FROM,
    STATUSES,
)
from .profile import Profile


def universe_prefilter(
    profile: Profile, keep_health_workers: bool = True, occupation_coding: str | None = None
):
    """An Arrow-level filter for the readers: records in the profile's universe (plus, if asked,
    every employed person in a health occupation, for the immigrant-share-of-workers tables).

    `occupation_coding` is the coding of the file's OCCP (:func:`occupation_coding`; None when
    not known yet: the codes of both codings are kept, and :func:`classify` decides): health
    occupations are recognised after conversion to 2018 codes, so a 2010-coded file keeps its
    personal care aides (2010 code 4610, 2018 code 3602)."""
    degrees = pa.array(sorted(codetables.health_degree_codes(profile.degree_set)))
    schl = pa.array(list(profile.education_codes))
    codings = ("2018", "2010") if occupation_coding is None else (occupation_coding,)
    health_codes = sorted(set().union(*(codetables.health_occupation_codes(c) for c in codings)))

    def keep(tbl: pa.Table) -> pa.Array:
        age_ok = pc.greater_equal(tbl["AGEP"], profile.min_age)
        if profile.max_age is not None:
            age_ok = pc.and_(age_ok, pc.less_equal(tbl["AGEP"], profile.max_age))
        degree = pc.is_in(tbl["FOD1P"], degrees)
        if profile.use_second_degree and "FOD2P" in tbl.column_names:
            degree = pc.or_(degree.fill_null(False), pc.is_in(tbl["FOD2P"], degrees))
        universe = pc.and_(pc.and_(age_ok, pc.is_in(tbl["SCHL"], schl)), degree).fill_null(False)
        if not keep_health_workers:
            return universe
        worker = pc.and_(
            pc.is_in(tbl["ESR"], pa.array(list(ESR_EMPLOYED))),
            pc.is_in(tbl["OCCP"], pa.array(health_codes)),
        ).fill_null(False)
        return pc.or_(universe, worker)

    # The rules in one digest: the readers cache the records a prefilter keeps under it.
    rules = [
        degrees.to_pylist(),
        schl.to_pylist(),
        profile.min_age,
        profile.max_age,
        profile.use_second_degree,
        keep_health_workers,
        sorted(ESR_EMPLOYED),
        health_codes,
    ]
    keep.cache_key = hashlib.sha256(json.dumps(rules, default=str).encode()).hexdigest()[:16]
    return keep


def api_predicates(profile: Profile) -> dict[str, str]:
    """The part of the profile's universe the Census API can filter server side: the age range and
    the education codes (predicates cannot express "FOD1P or FOD2P", so the degree rule is applied
    to the answer by :func:`universe_prefilter`)."""
    upper = profile.max_age if profile.max_age is not None else 99
    return {"AGEP": f"{profile.min_age}:{upper}", "SCHL": ",".join(profile.education_codes)}


@lru_cache(maxsize=1)
def _birth_regions() -> pd.DataFrame:
    with resources.files("brainwaste.method").joinpath("birth_regions.csv").open() as f:
        return pd.read_csv(f, comment="#")


def _labelled(codes: np.ndarray, labels, index: pd.Index) -> pd.Series:
    """A string Series holding ``labels[code]`` for each code (-1: missing): one Arrow take
    instead of converting a Python string per record."""
    values = pd.array(list(labels), dtype="string").take(np.asarray(codes), allow_fill=True)
    return pd.Series(values, index=index)


def _cut(values: pd.Series, edges: list[float], labels: list[str]) -> pd.Series:
    out = pd.cut(values.astype("float64"), bins=edges, labels=labels, right=True)
    return _labelled(out.cat.codes.to_numpy(), labels, values.index)


def _birth_region(pobp: pd.Series) -> pd.Series:
    """Region of birth of each POBP code (the last region whose range holds it), else <NA>."""
    code = pd.to_numeric(pobp, errors="coerce")
    region = pd.Series(pd.NA, index=pobp.index, dtype="string")
    for r in _birth_regions().itertuples(index=False):
        region = region.mask(code.between(r.low, r.high).fillna(False), r.region)
    return region


#: The population groups, in the order of the codes :func:`classify` computes them in.
POPULATION_CODES = ("us_born", "immigrant_us_educated", "immigrant_foreign_educated",
                    "immigrant_unknown")  # fmt: skip


def occupation_coding(year: int) -> str:
    """'2018' or '2010': the Census occupation coding of OCCP in a file whose last year is `year`."""
    return "2018" if year >= OCCP_2018_FROM else "2010"


@while_reading
def classify(frame: pd.DataFrame, profile: Profile, file_year: int | None = None) -> pd.DataFrame:
    """Return a copy of the canonical person table with these columns added:

    - ``in_universe``: civilian, age, education and health-degree rules of the profile all hold
    - ``population``: us_born / immigrant_us_educated / immigrant_foreign_educated, or
      ``immigrant_unknown`` when YOEP is not in the input (the immigrant split needs it)
    - ``age_at_arrival``, ``years_since_arrival``: from AGEP, YOEP and the record's survey year
    - ``occp2018``: OCCP in 2018 Census codes (2010-coded files converted by the crosswalk)
    - ``skill_tier``: low / middle / high for the current or last occupation (profile's scheme)
    - ``status``: one of :data:`STATUSES` for civilians; missing for Armed Forces and children
    - ``health_worker``: employed civilian in a health occupation (2018 codes 3000-3655, after
      conversion of 2010 codes); ``occupation_group``
    - ``part_time``: employed with usual hours (WKHP) below 35 (only when WKHP is in the input)
    - the breakdown columns of :data:`BREAKDOWNS`
    """
    missing = [
        c for c in ("AGEP", "SCHL", "FOD1P", "ESR", "OCCP", "NATIVITY", "year") if c not in frame
    ]
    if missing:
        raise SchemaError(f"cannot classify: missing column(s) {', '.join(missing)}")
    df = frame.copy(deep=False)  # copy-on-write: new columns never touch the caller's frame
    if file_year is None:
        file_year = int(df["year"].max()) if len(df) else 2024

    age = df["AGEP"].astype("Int64")
    esr = df["ESR"].astype("string")
    civilian = esr.isin(ESR_CIVILIAN).fillna(False).astype(bool)
    age_ok = age >= profile.min_age
    if profile.max_age is not None:
        age_ok &= age <= profile.max_age
    degrees = codetables.health_degree_codes(profile.degree_set)
    has_degree = df["FOD1P"].isin(degrees).fillna(False)
    if profile.use_second_degree and "FOD2P" in df:
        has_degree |= df["FOD2P"].isin(degrees).fillna(False)
    college = df["SCHL"].isin(profile.education_codes).fillna(False)
    df["in_universe"] = (civilian & age_ok.fillna(False) & college & has_degree).astype(bool)

    # Population: immigrants split by age at arrival, the proxy for where the degree was earned.
    immigrant = (df["NATIVITY"] == "2").fillna(False).astype(bool)
    if "YOEP" in df and df.loc[immigrant, "YOEP"].notna().any():
        yoep = df["YOEP"].astype("Int64")
        df["age_at_arrival"] = (age - (df["year"].astype("Int64") - yoep)).clip(lower=0)
        df["years_since_arrival"] = (df["year"].astype("Int64") - yoep).clip(lower=0)
        abroad = df["age_at_arrival"] >= profile.foreign_educated_arrival_age
        pop = np.where(~immigrant, 0, np.where(abroad.fillna(False), 2, 1))
        pop = np.where(immigrant & df["age_at_arrival"].isna().to_numpy(), 3, pop)
    else:
        df["age_at_arrival"] = pd.array([pd.NA] * len(df), dtype="Int64")
        df["years_since_arrival"] = pd.array([pd.NA] * len(df), dtype="Int64")
        pop = np.where(immigrant, 3, 0)
    df["population"] = _labelled(pop, POPULATION_CODES, df.index)

    # Occupation: the tier of the file's own code (a 2010 code has its own tier, from its own
    # SOC composition); 2018 codes (2010 codes converted first) for the health group.
    coding = occupation_coding(file_year)
    raw_occp = df["OCCP"].astype("string")
    occp = codetables.convert_occp_2010_to_2018(raw_occp) if coding == "2010" else raw_occp
    df["occp2018"] = occp
    df["skill_tier"] = codetables.skill_tier(raw_occp, profile.skill_scheme, coding)
    group = codetables.health_group(occp)
    support = (group == "support").fillna(False).to_numpy(dtype=bool)
    if profile.health_support_low:
        # health-support jobs (aides, assistants: 3601-3655) count as low-skilled
        df["skill_tier"] = df["skill_tier"].mask(support, "low")
    employed = esr.isin(ESR_EMPLOYED).fillna(False).astype(bool)
    unemployed = esr.isin(ESR_UNEMPLOYED).fillna(False).astype(bool)
    nilf = esr.isin(ESR_NOT_IN_LABOR_FORCE).fillna(False).astype(bool)
    tier = df["skill_tier"]
    # A civilian job always has a tier; "none" (military codes, 9920 "last worked 5+ years
    # ago") or no tier for an employed civilian means the codes are not what the year implies.
    untiered = employed & (tier.isna() | (tier == "none")).fillna(True)
    if untiered.any():
        bad = sorted(occp[untiered].dropna().unique())[:10]
        raise SchemaError(
            f"employed records without an occupation skill tier (OCCP {bad or 'blank'}): "
            "the file may use another occupation coding than its year suggests"
        )
    status = np.select(
        [
            employed & (tier == "high"),
            employed & (tier == "middle"),
            employed & (tier == "low"),
            unemployed,
            nilf,
        ],
        list(range(len(STATUSES))),
        default=-1,
    )
    df["status"] = _labelled(status, STATUSES, df.index)
    df["health_worker"] = (employed & group.isin(["practitioner", "support"]).fillna(False)).astype(
        bool
    )
    df["occupation_group"] = group.where(employed, pd.NA).replace(
        {
            "practitioner": "health_practitioner",
            "support": "health_support",
            "other": "other_occupation",
        }
    )

    # Breakdowns.
    field1 = codetables.degree_field_group(df["FOD1P"], profile.degree_set)
    field2 = (
        codetables.degree_field_group(df["FOD2P"], profile.degree_set)
        if profile.use_second_degree and "FOD2P" in df
        else pd.Series(pd.NA, index=df.index, dtype="string")
    )
    df["degree_field"] = field1.fillna(field2)
    if "ENG" in df:
        eng = codetables.by_distinct(df["ENG"], lambda v: v.map(ENGLISH).astype("string"))
        df["english"] = eng.where(df["ENG"].notna(), "only_english")
    df["years_in_us"] = _cut(
        df["years_since_arrival"], [-1, 5, 10, 20, 200], ["0-5", "6-10", "11-20", "21+"]
    )
    if "SEX" in df:
        df["sex"] = codetables.by_distinct(
            df["SEX"], lambda v: v.map({"1": "male", "2": "female"}).astype("string")
        )
    if "POBP" in df:
        region = codetables.by_distinct(df["POBP"], _birth_region)
        df["birth_region"] = region.where(immigrant, pd.NA)
    if "WKHP" in df:
        ft = np.where(df["WKHP"].astype("Float64").fillna(0) >= 35, 0, 1)
        work_time = _labelled(ft, ("full_time", "part_time"), df.index)
        df["work_time"] = work_time.where(employed, pd.NA)
        df["part_time"] = (employed & (df["work_time"] == "part_time").fillna(False)).astype(bool)
    df["age_group"] = _cut(
        age, [24, 34, 44, 54, 64, 200], ["25-34", "35-44", "45-54", "55-64", "65+"]
    )
    if profile.mixed_codes == "apportion":
        shares = codetables.tier_shares(raw_occp, profile.skill_scheme, coding)
        apportioned = employed.to_numpy() & shares["mixed"].to_numpy()
        if profile.health_support_low:
            apportioned &= ~support
        df = apportion(df, shares, apportioned)
    return df


def apportion(df: pd.DataFrame, shares: pd.DataFrame, mixed: np.ndarray) -> pd.DataFrame:
    """Split each employed record of a mixed occupation code (``mixed`` True) into one row per
    tier with a positive employment share, ``weight_fraction`` being that share.

    The fractions are constants, so every replicate weight is scaled alike and replicate SEs
    stay valid. ``record_count`` is 1 on the row of the code's majority tier and 0 on the
    others, so record counts still count each person once. Rows keep the input's order and
    index (a split record's rows share its index label).
    """
    out = df.assign(weight_fraction=1.0, record_count=1)
    if not mixed.any():
        return out
    positions = np.flatnonzero(mixed)
    whole = df[mixed]
    majority = shares[list(codetables.TIERS)].to_numpy()[mixed].argmax(axis=1)
    parts, order = [out[~mixed]], [np.flatnonzero(~mixed)]
    for i, tier in enumerate(codetables.TIERS):
        share = shares[tier].to_numpy()[mixed]
        keep = share > 0
        parts.append(
            whole[keep].assign(
                skill_tier=pd.array([tier] * keep.sum(), dtype="string"),
                status=pd.array([f"employed_{tier}_skill"] * keep.sum(), dtype="string"),
                weight_fraction=share[keep],
                record_count=(majority[keep] == i).astype(int),
            )
        )
        order.append(positions[keep])
    both = pd.concat(parts)
    return both.iloc[np.argsort(np.concatenate(order), kind="stable")]
