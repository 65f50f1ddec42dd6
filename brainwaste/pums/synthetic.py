"""A deterministic SYNTHETIC ACS PUMS person sample in the Census 2024 1-year person-file schema.

The records are generated, never copied: every distribution comes from the aggregate parameters
in ``synthetic_params.json`` (shares and rates computed by ``scripts/calibrate_synthetic.py`` from
real PUMS files, or published figures; each block names its source). The sample is for
illustrations, tutorials and tests; every output made from it must say so
(:data:`SYNTHETIC_MARK`).

Public API
----------
- :func:`generate_persons` -> a DataFrame of string columns, exactly as a Census
  ``psam_pNN.csv`` reads with ``pandas.read_csv(dtype=str)``: codes zero-padded to the data
  dictionary's width, blanks (missing values) where the dictionary says "N/A".
- :func:`write_sample` -> Census-style zips ``{out}/{year}/1-Year/csv_p{st}.zip`` holding
  ``psam_p{fips}.csv`` and ``SYNTHETIC_README.txt``; byte-identical for the same arguments.
- :func:`is_synthetic_zip` tells such a zip from a Census one.

Design
------
*Sampling.* Each state gets a fixed number of records: 12,000 for the focus states (MA, NY, NJ,
CA, TX, FL) and at least 1,500 for the other states and DC; large non-focus states get one record
per 3,300 residents so that no person weight (nor replicate weight) leaves the dictionary's range
1..9999 (the "tiny" size, a tenth of the records for tests, has ten times larger weights). College graduates (SCHL 21-24) with a health degree (FOD1P or FOD2P in 6100,
6102-6110, 6199) are over-sampled to 27% of the records and carry correspondingly smaller weights.
Within each of the two strata, records are drawn by systematic sampling from the joint
distribution of nativity x age x education of the state, so weighted totals reproduce the
calibrated shares and the state's population (2024 estimate); weights vary by +/-30% at random.

*People.* For each record, in order: nativity, age, SCHL (cell draw); for the foreign born and
the natives born abroad (CIT 2-3): age at arrival -> YOEP; CIT, CITWP; POBP, WAOB, DECADE; fields of
degree; SEX; ESR; OCCP/SOCP; COW; weeks, hours, wages and other income; LANX/ENG; MIL; and a few
demographic variables. College-educated immigrants who arrived at 25 or older
("foreign-educated") get a higher unemployment share and more low-skill jobs than those who
arrived younger ("U.S.-educated"), who in turn fare worse than the U.S.-born (see the
``group_contrasts`` block of the parameters).

*Households.* Persons not in group quarters are grouped into households of 1-4 persons (sizes
from ACS household-size shares) headed by an adult; SPORDER 1 is the head, RELSHIPP follows the
age gaps. Group-quarters persons are units of one. SERIALNO is ``{year}HU{7 digits}`` or
``{year}GQ{7 digits}``; the 7-digit numbers of a state are drawn from its own residue class modulo
64, so two states never share a SERIALNO and each state stays independent of the others.

*Replicate weights.* Successive difference replication as in the ACS: units are put in a
geographic sort order (PUMA, unit size, SERIALNO); unit k gets rows k mod 80 and (k+1) mod 80
of an 80 x 80 Hadamard matrix A (Paley construction I with q = 79, since Sylvester's construction
only gives powers of two); for replicate r its factor is
f_r = 1 + 2^(-3/2) (A[row1, r] - A[row2, r]) in {0.2929, 1, 1.7071}, shared by the unit's
persons; PWGTPr = round(PWGTP x f_r). SE = sqrt(4/80 sum_r (X_r - X)^2) then behaves as in the
real files.

*Columns.* The person-record variables of the year's dictionary, in its order (2022-2024
dictionaries are stored). Filled with calibrated values: RT, SERIALNO, DIVISION, SPORDER, PUMA,
REGION, STATE (ST before 2023), ADJINC, PWGTP, PWGTP1-80, AGEP, CIT, CITWP, COW, DEAR, DEYE, DREM,
DPHY, DIS, ENG, LANX, MAR, MIL, RELSHIPP, SCHL, SEX, WAGP, WKHP, WKWN, WKL, WRK, YOEP, DECADE,
ESR, FOD1P, FOD2P, NATIVITY, OCCP, SOCP, PERNP, PINCP, POBP, WAOB, QTRBIR, RAC1P, HISP, HICOV,
PRIVCOV, PUBCOV. Simple values: DDRS and DOUT are "2" (no difficulty) where applicable; SEMP carries
the earnings of COW 6 (unincorporated self-employed); the other income goes to INTP (under 62)
or to SSP (up to $24,000) and RETP (62 and over); OIP, PAP, SSIP are 0 (all blank under 15); allocation flags whose codes
are 0/1 are "0". Every other column is blank: INDP, NAICSP, JWTRNS and the commute variables,
school enrolment, fertility, detailed race, ancestry, language, migration, poverty, and so on.
PUMA codes are real 2020 PUMA codes for MA, NH, NY and VT and placeholders (00100, 00200, ...)
elsewhere.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .. import __version__
from ..atomic import write_bytes_atomic
from ..errors import InputError
from ..geography import fifty_states_and_dc, parse_states, state, state_table
from ..wording import SYNTHETIC_MARK

#: The zip member that marks a synthetic sample.
README_MEMBER = "SYNTHETIC_README.txt"
DEFAULT_SEED = 20240101
DEFAULT_YEAR = 2024

FOCUS_RECORDS = 12_000  # records per focus state in the default size
OTHER_MIN_RECORDS = 1_500  # records per other state (at least)
PERSONS_PER_RECORD_MAX = 3_300  # other states: at least one record per 3,300 residents
TINY_FRACTION = 0.1
HEALTH_RECORD_SHARE = 0.27  # share of records in the over-sampled stratum
WEIGHT_JITTER = 0.3  # weights vary uniformly by +/- 30% around the stratum mean
REPLICATES = 80
SDR_COEF = 2.0**-1.5
SERIAL_MODULUS = 64  # states take residue classes of the 7-digit serial number
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
SOCIAL_SECURITY_MAX = 24_000  # other income of persons 62+: SSP up to this, RETP the rest

AGE_BANDS = np.array([0, 5, 16, 18, 25, 35, 45, 55, 65, 75])
AGE_BAND_LABELS = [
    "0-4",
    "5-15",
    "16-17",
    "18-24",
    "25-34",
    "35-44",
    "45-54",
    "55-64",
    "65-74",
    "75+",
]
YEARS_IN_US_BINS = np.array([0, 3, 5, 10, 15, 20, 30])
GROUPS = ("health_ba", "other_ba", "no_ba")
ESR_CODES = np.array([1, 2, 3, 4, 5, 6])
IMMIGRANT_GROUPS = ("immigrant_us_educated", "immigrant_foreign_educated")
TIER_NAMES = np.array(["low", "middle", "high"])


class Drift(NamedTuple):
    """Multipliers that move a survey year away from the calibrated one (1.0: as calibrated).

    ``low_skill`` scales the low-tier share of every college graduate's occupations,
    ``foreign_educated`` the foreign-educated contrast on top of it, ``unemployment`` every
    group's unemployment share (the labor force stays the same size).
    """

    low_skill: float = 1.0
    foreign_educated: float = 1.0
    unemployment: float = 1.0


NO_DRIFT = Drift()


# -- parameters ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def params() -> dict:
    """The calibrated aggregate parameters (``synthetic_params.json``)."""
    text = resources.files("brainwaste.pums").joinpath("synthetic_params.json").read_text("utf-8")
    return json.loads(text)


def supported_years() -> list[int]:
    return sorted(int(y) for y in params()["schema"]["years"])


def columns(year: int = DEFAULT_YEAR) -> list[str]:
    """Person-record column names of the Census file of `year`, in file order."""
    return [c[0] for c in _schema(year)["columns"]]


def _schema(year: int) -> dict:
    years = params()["schema"]["years"]
    if str(year) not in years:
        raise InputError(
            f"no synthetic sample for {year}: choose one of {', '.join(map(str, supported_years()))}"
        )
    return years[str(year)]


def _dist(d: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Codes (as int) and normalised probabilities of a {code: share} mapping."""
    codes = np.array([int(k) for k in d], dtype=np.int64)
    p = np.array(list(d.values()), dtype=np.float64)
    return codes, p / p.sum()


def _band(age: np.ndarray) -> np.ndarray:
    return np.searchsorted(AGE_BANDS, age, side="right") - 1


@lru_cache(maxsize=16)
def _tables(drift: Drift = NO_DRIFT) -> dict:
    """Arrays derived once from the packaged parameters (and a year's drift)."""
    return derived_tables(params(), drift)


def derived_tables(targets: dict, drift: Drift = NO_DRIFT) -> dict:
    """The arrays the generator draws from, derived from calibrated `targets` (the layout of
    ``synthetic_params.json``) and a year's drift."""
    P = targets
    t: dict = {}
    # age x SCHL (index 0 = blank, 1..24 = code) by nativity
    ages = np.arange(96)
    schl = np.zeros((2, 96, 25))
    for ni, nat in enumerate(("1", "2")):
        for a in ages:
            if a < 3:
                schl[ni, a, 0] = 1.0
                continue
            if a < 25:
                d = P["education"]["by_age"][str(a)]
            else:
                d = P["education"]["by_nativity_and_age_band"][nat][AGE_BAND_LABELS[_band(a)]]
            for k, v in d.items():
                schl[ni, a, int(k)] = v
            schl[ni, a] /= schl[ni, a].sum()
    t["schl"] = schl
    t["age"] = np.array([P["age"]["by_nativity"][n] for n in ("1", "2")])
    t["age"] /= t["age"].sum(axis=1, keepdims=True)
    fod = P["field_of_degree"]
    q2 = fod["fod2p"]["second_only_share_of_health"]
    phi = np.zeros((2, 25))
    for ni, nat in enumerate(("1", "2")):
        for s in (21, 22, 23, 24):
            phi[ni, s] = min(0.95, fod["health_share"]["values"][nat][str(s)] / (1 - q2))
    t["phi"] = phi
    # occupation distributions
    occ = P["occupation"]
    codes = occ["codes"]["values"]
    t["socp"] = {int(k): v[0] for k, v in codes.items()}
    t["tier"] = {int(k): v[1] for k, v in codes.items()}

    def merged(top: dict, other_share: float, other: dict) -> dict[int, float]:
        out: dict[int, float] = {}
        for k, v in top.items():
            out[int(k)] = out.get(int(k), 0.0) + v
        c, p = _dist(other)
        for k, v in zip(c, p, strict=True):
            out[int(k)] = out.get(int(k), 0.0) + other_share * v
        return out

    dists: dict[tuple[str, str], dict[int, float]] = {}
    for nat in ("1", "2"):
        general = occ["other_ba"]["values"][nat]["top"]
        h = occ["health_ba"]["values"][nat]
        dists[("health_ba", nat)] = merged(h["top"], h["other"], general)
        dists[("other_ba", nat)] = {int(k): v for k, v in general.items()}
    dists[("no_ba", "1")] = {int(k): v for k, v in occ["no_ba"]["values"]["top"].items()}
    dists[("military", "1")] = {int(k): v for k, v in occ["armed_forces"]["values"]["top"].items()}
    gc = P["group_contrasts"]
    rates = gc["rates_2024"]["values"]
    for grp in ("health_ba", "other_ba"):
        base = dists[(grp, "2")]
        usb_low = _low_share(dists[(grp, "1")], t["tier"]) * drift.low_skill
        if drift.low_skill != 1.0:
            dists[(grp, "1")] = _tilt_low(dists[(grp, "1")], t["tier"], min(0.9, usb_low))
        for g in IMMIGRANT_GROUPS:
            extra = drift.foreign_educated if g == IMMIGRANT_GROUPS[1] else 1.0
            target = min(0.9, usb_low * gc["factors"][grp][g] * extra)
            dists[(grp, g)] = _tilt_low(base, t["tier"], target)
    t["occ"] = {k: _dist({str(c): p for c, p in v.items()}) for k, v in dists.items()}
    # ESR tables [group, nativity, band(16+ bands: index 2..9), 6]
    esr = np.zeros((3, 2, len(AGE_BAND_LABELS), 6))
    for gi, grp in enumerate(GROUPS):
        for ni, nat in enumerate(("1", "2")):
            for bi, lab in enumerate(AGE_BAND_LABELS):
                if bi < 2:
                    continue
                d = P["employment"]["esr"][grp][nat][lab]
                for k, v in d.items():
                    esr[gi, ni, bi, int(k) - 1] = v
                esr[gi, ni, bi] /= esr[gi, ni, bi].sum()
    if drift.unemployment != 1.0:  # same labor force, more or fewer of it unemployed
        lf = esr[..., :3].sum(axis=-1)
        esr[..., 2] = np.minimum(esr[..., 2] * drift.unemployment, lf)
        emp = esr[..., 0] + esr[..., 1]
        scale = np.divide(lf - esr[..., 2], emp, out=np.zeros_like(emp), where=emp > 0)
        esr[..., 0] *= scale
        esr[..., 1] *= scale
    t["esr"] = esr
    t["unemp_factor"] = {
        (grp, g): gc["factors"][grp][g]
        * rates[grp]["us_born"]["unemployment"]
        / rates[grp]["immigrant"]["unemployment"]
        for grp in ("health_ba", "other_ba")
        for g in IMMIGRANT_GROUPS
    }
    t["hadamard"] = hadamard80()
    return t


def _low_share(dist: dict[int, float], tier: dict[int, str]) -> float:
    return sum(v for k, v in dist.items() if tier[k] == "low") / sum(dist.values())


def _tilt_low(dist: dict[int, float], tier: dict[int, str], target: float) -> dict[int, float]:
    """Rescale the low-tier part of an occupation distribution to total `target`."""
    low = _low_share(dist, tier)
    if not 0 < low < 1:
        return dist
    k = target * (1 - low) / (low * (1 - target))
    out = {c: v * (k if tier[c] == "low" else 1.0) for c, v in dist.items()}
    s = sum(out.values())
    return {c: v / s for c, v in out.items()}


@lru_cache(maxsize=1)
def hadamard80() -> np.ndarray:
    """An 80 x 80 Hadamard matrix (Paley construction I, q = 79 = 3 mod 4), entries +/-1."""
    q = 79
    residues = {(x * x) % q for x in range(1, q)}
    chi = np.array([0] + [1 if a in residues else -1 for a in range(1, q)])
    idx = np.arange(q)
    Q = chi[(idx[None, :] - idx[:, None]) % q]
    S = np.zeros((q + 1, q + 1), dtype=np.int64)
    S[0, 1:] = 1
    S[1:, 0] = -1
    S[1:, 1:] = Q
    H = np.eye(q + 1, dtype=np.int64) + S
    gram = H @ H.T
    assert (gram == (q + 1) * np.eye(q + 1, dtype=np.int64)).all()
    return H


# -- sizes -----------------------------------------------------------------------------------------


def records_per_state(
    states: list[str], size: str | int = "default", targets: dict | None = None
) -> dict[str, int]:
    """Number of records each state gets for a `size` ("default", "tiny" or records per focus
    state), from the packaged parameters or `targets`."""
    P = (targets or params())["states"]
    if size == "default":
        focus_n, scale = FOCUS_RECORDS, 1.0
    elif size == "tiny":
        focus_n, scale = round(FOCUS_RECORDS * TINY_FRACTION), TINY_FRACTION
    elif isinstance(size, int | np.integer) and not isinstance(size, bool) and size >= 50:
        focus_n, scale = int(size), int(size) / FOCUS_RECORDS
    else:
        raise InputError(
            f"size {size!r}: use 'default', 'tiny' or a number of records per focus state (>= 50)"
        )
    out = {}
    for usps in states:
        if usps in P["focus"]:
            out[usps] = focus_n
        else:
            pop = P["population"]["values"][usps]
            n = max(
                OTHER_MIN_RECORDS,
                100 * int(np.ceil(pop / PERSONS_PER_RECORD_MAX / 100)),
            )
            out[usps] = max(20, round(n * scale))
    return out


# -- sampling helpers ------------------------------------------------------------------------------


def _choice(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """Indices drawn from one categorical distribution (inverse CDF)."""
    cdf = np.cumsum(p)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(p) - 1)


def _choice_rows(rng: np.random.Generator, P: np.ndarray) -> np.ndarray:
    """One draw per row of a (n x k) matrix of probabilities."""
    cdf = np.cumsum(P, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(P))[:, None]
    return np.minimum((u > cdf).sum(axis=1), P.shape[1] - 1)


def _systematic(rng: np.random.Generator, mass: np.ndarray, n: int) -> np.ndarray:
    """n cell indices by systematic sampling proportional to `mass` (flattened)."""
    cdf = np.cumsum(mass.ravel())
    cdf /= cdf[-1]
    pos = (rng.random() + np.arange(n)) / n
    return np.minimum(np.searchsorted(cdf, pos, side="right"), cdf.size - 1)


def _round_dollars(x: np.ndarray) -> np.ndarray:
    """Census rounding of dollar amounts: $1-7 -> 4, < $1,000 to $10, < $50,000 to $100, else
    to $1,000."""
    x = np.asarray(x, dtype=np.float64)
    out = np.where(
        x >= 50_000,
        np.round(x / 1000) * 1000,
        np.where(
            x >= 1000,
            np.round(x / 100) * 100,
            np.where(x >= 8, np.round(x / 10) * 10, 4),
        ),
    )
    return np.where(x <= 0, 0, out).astype(np.int64)


def _draw_dict(rng, d: dict[str, float], n: int) -> np.ndarray:
    codes, p = _dist(d)
    return codes[_choice(rng, p, n)]


def _draw_by_cell(rng, cell: np.ndarray, tables: list[dict[str, float]]) -> np.ndarray:
    """For each record, a code drawn from ``tables[cell]`` (one loop over tables, not people)."""
    out = np.zeros(len(cell), dtype=np.int64)
    u = rng.random(len(cell))
    for i, d in enumerate(tables):
        m = cell == i
        if not m.any():
            continue
        codes, p = _dist(d)
        cdf = np.cumsum(p)
        cdf /= cdf[-1]
        out[m] = codes[np.minimum(np.searchsorted(cdf, u[m], side="right"), len(p) - 1)]
    return out


# -- one state -------------------------------------------------------------------------------------


def _state_rng(seed: int, fips: str) -> np.random.Generator:
    ss = np.random.SeedSequence(entropy=int(seed), spawn_key=(int(fips),))
    return np.random.default_rng(ss)


class _Records(SimpleNamespace):
    """One state's records while :func:`_generate_state` draws them: the inputs (``usps``,
    ``year``, ``n``, the random generator ``rng``, the calibrated ``targets`` and the
    ``distributions`` derived from them) and, phase by phase, one array per variable with an
    entry per record (arrays per household or group-quarters unit say so in their names)."""


def _generate_state(
    usps: str,
    year: int,
    seed: int,
    n: int,
    drift: Drift = NO_DRIFT,
    *,
    targets: dict | None = None,
) -> pa.Table:
    """The records of one state, drawn in phases; each phase draws from the same random
    generator in a fixed order, so the same arguments give the same records. `targets` replaces
    the packaged parameters (for the calibration script)."""
    st = state(usps)
    r = _Records(
        usps=usps,
        st=st,
        year=year,
        n=n,
        rng=_state_rng(seed, st.fips),
        targets=params() if targets is None else targets,
        distributions=_tables(drift) if targets is None else derived_tables(targets, drift),
    )
    _draw_nativity_age_education(r)
    _draw_citizenship_arrival_birthplace(r)
    _draw_degrees_and_sex(r)
    _draw_employment_status(r)
    _draw_occupation(r)
    _draw_work_and_income(r)
    _draw_language_military_demographics(r)
    _form_households(r)
    _number_units_and_replicate_weights(r)
    return _person_columns(r)


def _draw_nativity_age_education(r: _Records) -> None:
    """1. Nativity x age x SCHL cells, in two strata (health-degree holders over-sampled), by
    systematic sampling; the person weights reproduce each stratum's expected persons."""
    rng, n, targets, dist = r.rng, r.n, r.targets, r.distributions
    r.population = pop = targets["states"]["population"]["values"][r.usps]
    fb_share = targets["states"]["foreign_born_share"]["values"][r.usps]
    expected = (
        pop
        * np.array([1 - fb_share, fb_share])[:, None, None]
        * dist["age"][:, :, None]
        * dist["schl"]
    )  # expected persons by nativity x age x SCHL
    expected_health = expected * dist["phi"][:, None, :]
    expected_other = expected - expected_health
    n_h = round(HEALTH_RECORD_SHARE * n)
    n_g = n - n_h
    cells = np.concatenate(
        [_systematic(rng, expected_health, n_h), _systematic(rng, expected_other, n_g)]
    )
    r.health = np.r_[np.ones(n_h, bool), np.zeros(n_g, bool)]
    nat_i, r.age, r.schl = np.unravel_index(cells, expected.shape)
    r.nat = nat_i + 1
    jit = rng.uniform(1 - WEIGHT_JITTER, 1 + WEIGHT_JITTER, n)
    w = np.empty(n)
    w[:n_h] = expected_health.sum() * jit[:n_h] / jit[:n_h].sum()
    w[n_h:] = expected_other.sum() * jit[n_h:] / jit[n_h:].sum()
    r.pwgtp = np.maximum(1, np.round(w)).astype(np.int64)
    r.band = _band(r.age)
    r.ba = r.schl >= 21
    r.fb = r.nat == 2


def _draw_citizenship_arrival_birthplace(r: _Records) -> None:
    """2. Citizenship, age at arrival (YOEP), naturalization (CITWP) and place of birth; the
    foreign-educated are the college graduates born abroad who arrived at 25 or older."""
    rng, n, year, targets = r.rng, r.n, r.year, r.targets
    age, band, ba, fb = r.age, r.band, r.ba, r.fb
    cit = np.where(fb, 5, _draw_dict(rng, targets["citizenship"]["native_cit"]["values"], n))
    r.has_yoep = cit >= 2
    arr_p = targets["arrival_age"]
    bins = np.array(arr_p["bins"])
    edu_key = np.where(ba, 0, 1)
    cell = edu_key * len(AGE_BAND_LABELS) + band
    tables = [
        dict(
            zip(
                map(str, range(len(bins) - 1)),
                arr_p["by_education_and_age_band"][e][lab],
                strict=True,
            )
        )
        for e in ("ba", "no_ba")
        for lab in AGE_BAND_LABELS
    ]
    tables = [{k: v for k, v in t.items() if v > 0} or {"0": 1.0} for t in tables]
    abin = _draw_by_cell(rng, cell, tables)
    lo, hi = bins[abin], bins[abin + 1] - 1
    lo = np.where(lo > age, 0, lo)
    hi = np.minimum(hi, age)
    arrival = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)
    yoep = year - (age - arrival)
    yoep = np.where(yoep <= 1938, 1938, yoep)
    early = (yoep >= 1939) & (yoep <= 1944)
    yoep = np.where(early & (age - (year - 1939) >= 0), 1939, np.where(early, 1945, yoep))
    r.yoep = yoep = np.minimum(yoep, year)
    arrival_coded = age - (year - yoep)
    r.foreign_ed = fb & ba & (arrival_coded >= 25)
    r.us_ed = fb & ba & ~r.foreign_ed
    years_in = year - yoep
    nat_curve = np.array(targets["citizenship"]["naturalized_by_years_in_us"]["values"])
    p4 = nat_curve[np.searchsorted(YEARS_IN_US_BINS, years_in, side="right") - 1]
    r.cit = cit = np.where(fb & (rng.random(n) < p4), 4, cit)
    wait = np.minimum(5, years_in)
    citwp = yoep + wait + np.floor(rng.random(n) * (years_in - wait + 1)).astype(np.int64)
    citwp = np.where(citwp <= 1949, 1949, citwp)
    r.citwp = np.where((citwp >= 1950) & (citwp <= 1953), citwp - (citwp % 2), citwp)

    bp = targets["birthplace"]
    foreign = bp["foreign"]
    f_top = {k: v for k, v in foreign["top"].items()}
    f_other = {k: v * foreign["other_share"] for k, v in _normalised(foreign["other"]).items()}
    f_all = {**f_top, **{k: v for k, v in f_other.items() if k not in f_top}}
    pob_foreign = _draw_dict(rng, f_all, n)
    pob_terr = _draw_dict(rng, bp["territories"]["values"], n)
    others = {
        str(int(f)): targets["states"]["population"]["values"][u]
        for f, u in zip(state_table()["fips"], state_table()["usps"], strict=True)
        if u in targets["states"]["population"]["values"] and u != r.usps
    }
    pob_other_state = _draw_dict(rng, others, n)
    in_state = rng.random(n) < bp["born_in_state_of_residence"]["value"]
    r.pobp = np.where(
        cit == 1,
        np.where(in_state, int(r.st.fips), pob_other_state),
        np.where(cit == 2, pob_terr, pob_foreign),
    )


def _draw_degrees_and_sex(r: _Records) -> None:
    """3. Fields of degree (FOD1P, FOD2P: the health degree first or second) and sex."""
    rng, n, targets = r.rng, r.n, r.targets
    nat, schl, band, ba, health = r.nat, r.schl, r.band, r.ba, r.health
    fod = targets["field_of_degree"]
    other_fod = fod["other_codes_dist"]["values"]
    q2 = fod["fod2p"]["second_only_share_of_health"]
    hcell = (nat - 1) * 4 + np.clip(schl - 21, 0, 3)
    htables = [
        fod["health_codes_dist"]["values"][nt][str(s)]
        for nt in ("1", "2")
        for s in (21, 22, 23, 24)
    ]
    health_code = _draw_by_cell(rng, hcell, htables)
    other1 = _draw_dict(rng, other_fod, n)
    other2 = _draw_dict(rng, other_fod, n)
    other2 = np.where(other2 == other1, _draw_dict(rng, other_fod, n), other2)
    second_only = health & (rng.random(n) < q2)
    r.has2 = ba & (second_only | (rng.random(n) < fod["fod2p"]["present_share"]))
    r.fod1 = np.where(health & ~second_only, health_code, other1)
    fod2 = np.where(second_only, health_code, other2)
    r.fod2 = np.where(fod2 == r.fod1, other1, fod2)
    female_h = fod["female_share_by_health_code"]["values"]
    p_female = np.array(
        [targets["demographics"]["female"][AGE_BAND_LABELS[b]] for b in range(len(AGE_BAND_LABELS))]
    )[band]
    p_female_h = _lookup(health_code, {int(k): v for k, v in female_h.items()}, 0.5)
    r.sex = np.where(rng.random(n) < np.where(health, p_female_h, p_female), 2, 1)


def _draw_employment_status(r: _Records) -> None:
    """4. Employment status (ESR), with the immigrant groups' unemployment contrasts."""
    dist, age, ba, health = r.distributions, r.age, r.ba, r.health
    r.grp = grp = np.where(ba & health, 0, np.where(ba, 1, 2))
    probs = dist["esr"][grp, r.nat - 1, r.band].copy()
    for gi, gname in ((0, "health_ba"), (1, "other_ba")):
        for mask, g in (
            (r.us_ed, IMMIGRANT_GROUPS[0]),
            (r.foreign_ed, IMMIGRANT_GROUPS[1]),
        ):
            m = mask & (grp == gi)
            if not m.any():
                continue
            pr = probs[m]
            lf = pr[:, 0] + pr[:, 1] + pr[:, 2]
            p3 = np.minimum(pr[:, 2] * dist["unemp_factor"][(gname, g)], lf)
            emp = pr[:, 0] + pr[:, 1]
            scale = np.divide(lf - p3, emp, out=np.zeros_like(emp), where=emp > 0)
            pr[:, 0] *= scale
            pr[:, 1] *= scale
            pr[:, 2] = p3
            probs[m] = pr
    r.adult16 = adult16 = age >= 16
    probs[~adult16] = [1, 0, 0, 0, 0, 0]
    r.esr = esr = ESR_CODES[_choice_rows(r.rng, probs)]
    r.employed = adult16 & np.isin(esr, (1, 2))
    r.armed = adult16 & np.isin(esr, (4, 5))


def _draw_occupation(r: _Records) -> None:
    """5. Occupation (OCCP) from the distribution of each group, and its skill tier."""
    rng, n, dist = r.rng, r.n, r.distributions
    band, grp, esr, adult16 = r.band, r.grp, r.esr, r.adult16
    employed, armed, fb = r.employed, r.armed, r.fb
    r.emp_p = emp_p = r.targets["employment"]
    r.nowork = nowork = np.array([emp_p["unemployed_never_worked"]["values"][g] for g in GROUPS])[
        grp
    ]
    r.occ6 = occ6 = np.array(
        [
            [
                emp_p["nilf_with_occupation"]["values"][g].get(lab, 0.0)
                for lab in AGE_BAND_LABELS[2:]
            ]
            for g in GROUPS
        ]
    )
    p_occ6 = np.where(band >= 2, occ6[grp, np.maximum(band - 2, 0)], 0.0)
    u = rng.random(n)
    never = adult16 & (esr == 3) & (u < nowork)
    has_occ = (
        employed | armed | (adult16 & (esr == 3) & ~never) | (adult16 & (esr == 6) & (u < p_occ6))
    )
    dist_id = np.full(n, -1)
    keys: list[tuple[str, str]] = []

    def assign(mask: np.ndarray, key: tuple[str, str]) -> None:
        keys.append(key)
        dist_id[mask & (dist_id < 0)] = len(keys) - 1

    assign(armed, ("military", "1"))
    for gi, gname in ((0, "health_ba"), (1, "other_ba")):
        assign(has_occ & (grp == gi) & r.us_ed, (gname, IMMIGRANT_GROUPS[0]))
        assign(has_occ & (grp == gi) & r.foreign_ed, (gname, IMMIGRANT_GROUPS[1]))
        assign(has_occ & (grp == gi) & fb, (gname, "2"))
        assign(has_occ & (grp == gi), (gname, "1"))
    assign(has_occ, ("no_ba", "1"))
    occp = np.full(n, -1)
    u = rng.random(n)
    for i, key in enumerate(keys):
        m = dist_id == i
        if m.any():
            codes, p = dist["occ"][key]
            cdf = np.cumsum(p)
            cdf /= cdf[-1]
            occp[m] = codes[np.minimum(np.searchsorted(cdf, u[m], side="right"), len(p) - 1)]
    r.occp = occp = np.where(never, 9920, occp)
    r.has_occp = occp >= 0
    tier = _lookup(occp, dist["tier"], "middle")
    r.tier = np.where(np.isin(tier, TIER_NAMES), tier, "middle")


def _draw_work_and_income(r: _Records) -> None:
    """6. Work in the past 12 months, weeks, hours, earnings, class of worker, other income."""
    rng, n, targets = r.rng, r.n, r.targets
    age, band, grp, esr, adult16 = r.age, r.band, r.grp, r.esr, r.adult16
    employed, armed, occp, has_occp, tier = (
        r.employed,
        r.armed,
        r.occp,
        r.has_occp,
        r.tier,
    )
    nowork, occ6, emp_p = r.nowork, r.occ6, r.emp_p
    work = targets["work"]
    wk = emp_p["worked_past_12_months"]["values"]
    w3 = np.array([[wk[g][lab]["3"] for lab in AGE_BAND_LABELS[2:]] for g in GROUPS])
    w6 = np.array([[wk[g][lab]["6"] for lab in AGE_BAND_LABELS[2:]] for g in GROUPS])
    bi = np.maximum(band - 2, 0)
    p_w3 = np.minimum(1, w3[grp, bi] / np.maximum(1e-9, 1 - nowork))
    p_w6 = np.minimum(1, w6[grp, bi] / np.maximum(1e-9, occ6[grp, bi]))
    u = rng.random(n)
    worked12 = employed | armed
    worked12 |= adult16 & (esr == 3) & has_occp & (occp != 9920) & (u < p_w3)
    worked12 |= adult16 & (esr == 6) & has_occp & (u < p_w6)
    r.worked12 = worked12
    now = employed | armed
    edu = np.where(r.ba, "ba", "no_ba")
    wkhp = np.zeros(n, dtype=np.int64)
    wkwn = np.zeros(n, dtype=np.int64)
    for t_name in TIER_NAMES:
        for e in ("ba", "no_ba"):
            m = worked12 & now & (tier == t_name) & (edu == e)
            wkhp[m] = _draw_dict(rng, work["hours"][t_name][e], int(m.sum()))
    m = worked12 & ~now
    wkhp[m] = _draw_dict(rng, work["hours_not_employed_now"], int(m.sum()))
    for e in ("ba", "no_ba"):
        m = worked12 & now & (edu == e)
        wkwn[m] = _draw_dict(rng, work["weeks"][e], int(m.sum()))
    m = worked12 & ~now
    wkwn[m] = _draw_dict(rng, work["weeks"]["not_employed_now"], int(m.sum()))
    r.wkhp, r.wkwn = wkhp, wkwn
    mu = np.zeros(n)
    sd = np.ones(n)
    for t_name in TIER_NAMES:
        for e in ("ba", "no_ba"):
            m = (tier == t_name) & (edu == e)
            mu[m] = work["wage"][t_name][e]["mean_log_hourly"]
            sd[m] = work["wage"][t_name][e]["sd_log_hourly"]
    adj = np.array([work["age_adjustment"].get(lab, 0.0) for lab in AGE_BAND_LABELS])[band]
    earnings = np.exp(mu + adj + sd * rng.standard_normal(n)) * wkhp * wkwn
    earnings = np.where(worked12, np.minimum(earnings, work["wagp_topcode"]), 0)
    cow = np.zeros(n, dtype=np.int64)
    for t_name in TIER_NAMES:
        m = has_occp & (tier == t_name)
        cow[m] = _draw_dict(rng, work["cow"][t_name], int(m.sum()))
    cow = np.where(armed, 5, cow)
    r.cow = cow = np.where(occp == 9920, 9, cow)
    earnings = np.where(cow == 8, 0, earnings)
    r.semp = np.where(cow == 6, _round_dollars(earnings), 0)
    r.wagp = np.where(cow == 6, 0, _round_dollars(earnings))
    oi = work["other_income"]
    oband = np.where(age == 15, 1, band)
    sh = np.array([oi.get(lab, {"share_positive": 0})["share_positive"] for lab in AGE_BAND_LABELS])
    ml = np.array([oi.get(lab, {"mean_log": 0})["mean_log"] for lab in AGE_BAND_LABELS])
    sl = np.array([oi.get(lab, {"sd_log": 1})["sd_log"] for lab in AGE_BAND_LABELS])
    has_oi = (age >= 15) & (rng.random(n) < sh[oband])
    other_inc = np.where(
        has_oi,
        _round_dollars(np.exp(ml[oband] + sl[oband] * rng.standard_normal(n))),
        0,
    )
    other_inc = np.minimum(other_inc, 999_999)
    senior = age >= 62
    r.ssp = np.where(senior, _round_dollars(np.minimum(other_inc, SOCIAL_SECURITY_MAX)), 0)
    r.retp = np.where(senior, _round_dollars(other_inc - r.ssp), 0)
    r.intp = np.where(senior, 0, other_inc)
    r.pernp = r.wagp + r.semp
    r.pincp = r.pernp + r.ssp + r.retp + r.intp


def _draw_language_military_demographics(r: _Records) -> None:
    """7. Language (LANX, ENG), military service, marital status, race, Hispanic origin,
    health coverage, disabilities and quarter of birth."""
    rng, n, targets = r.rng, r.n, r.targets
    age, band, nat, grp, sex = r.age, r.band, r.nat, r.grp, r.sex
    eng_p = targets["english"]["values"]
    cellg = grp * 2 + (nat - 1)
    lang = np.array([eng_p[g][nt]["other_language"] for g in GROUPS for nt in ("1", "2")])[cellg]
    r.lanx = np.where(rng.random(n) < lang, 1, 2)
    r.eng = _draw_by_cell(rng, cellg, [eng_p[g][nt]["eng"] for g in GROUPS for nt in ("1", "2")])
    dem = targets["demographics"]
    mcell = (sex - 1) * len(AGE_BAND_LABELS) + band
    mil_tables = [
        dem["mil"][str(s)].get(lab) or {"4": 1.0} for s in (1, 2) for lab in AGE_BAND_LABELS
    ]
    r.mil = np.where(r.armed, 1, _draw_by_cell(rng, mcell, mil_tables))
    mar = _draw_by_cell(rng, band, [dem["mar"][lab] for lab in AGE_BAND_LABELS])
    r.mar = np.where(age < 15, 5, mar)
    r.rac1p = _draw_by_cell(rng, nat - 1, [dem["rac1p"]["1"], dem["rac1p"]["2"]])
    r.hisp = _draw_by_cell(rng, nat - 1, [dem["hisp"]["1"], dem["hisp"]["2"]])
    cov = _draw_by_cell(rng, band, [dem["coverage"][lab] for lab in AGE_BAND_LABELS])
    r.privcov, r.pubcov = cov // 10, cov % 10
    r.hicov = np.where((r.privcov == 1) | (r.pubcov == 1), 1, 2)
    dis_rates = dem["disability"]
    r.dflags = dflags = {}
    for c in ("DEAR", "DEYE", "DREM", "DPHY"):
        rate = np.array([dis_rates[lab].get(c, 0.0) for lab in AGE_BAND_LABELS])[band]
        dflags[c] = np.where(rng.random(n) < rate, 1, 2)
    r.dis = np.where(np.any([v == 1 for v in dflags.values()], axis=0), 1, 2)
    r.qtrbir = rng.integers(1, 5, n)


def _form_households(r: _Records) -> None:
    """8. Group quarters, and households of 1-4 persons headed by an adult: each person's unit,
    SPORDER (the oldest first), RELSHIPP and the spouses' marital status."""
    rng, n, targets, age = r.rng, r.n, r.targets, r.age
    gq_p = np.array(
        [targets["group_quarters"]["share_by_age_band"][lab] for lab in AGE_BAND_LABELS]
    )
    gq = rng.random(n) < gq_p[r.band]
    perm = rng.permutation(n)
    hh_idx = perm[~gq[perm]]
    adults = hh_idx[age[hh_idx] >= 18]
    minors = hh_idx[age[hh_idx] < 18]
    if len(adults) == 0:  # degenerate tiny samples: everyone is a unit of one
        gq |= True
        hh_idx = hh_idx[:0]
        adults = minors = hh_idx
    unit = np.full(n, -1)
    n_hh = 0
    if len(hh_idx):
        hs = targets["group_quarters"]["household_size"]["values"]
        size_codes, size_p = _dist(hs)
        sizes = size_codes[_choice(rng, size_p, len(hh_idx))]
        cs = np.cumsum(sizes)
        n_hh = int(np.searchsorted(cs, len(hh_idx)) + 1)
        n_hh = min(n_hh, len(adults))
        sizes = sizes[:n_hh].copy()
        heads = adults[:n_hh]
        rest = np.concatenate([adults[n_hh:], minors])
        rest = rest[rng.permutation(len(rest))]
        slots = np.repeat(np.arange(n_hh), np.maximum(sizes - 1, 0))
        if len(slots) >= len(rest):
            member_unit = slots[: len(rest)]
        else:
            extra = rng.integers(0, n_hh, len(rest) - len(slots))
            member_unit = np.concatenate([slots, extra])
        unit[heads] = np.arange(n_hh)
        unit[rest] = member_unit
    gq_idx = np.flatnonzero(gq)
    unit[gq_idx] = n_hh + np.arange(len(gq_idx))
    r.n_units = n_units = n_hh + len(gq_idx)
    r.unit_is_gq = np.r_[np.zeros(n_hh, bool), np.ones(len(gq_idx), bool)]
    r.unit = unit
    # the oldest member is the reference person (SPORDER 1), the others follow by age
    order = np.lexsort((-age, unit))
    first = np.r_[True, unit[order][1:] != unit[order][:-1]]
    is_head = np.zeros(n, bool)
    is_head[order[first]] = True
    sporder = np.empty(n, dtype=np.int64)
    pos = np.arange(n) - np.maximum.accumulate(np.where(first, np.arange(n), 0))
    sporder[order] = pos + 1
    r.sporder = sporder
    head_of = np.zeros(n_units, dtype=np.int64)
    head_of[unit[is_head]] = np.flatnonzero(is_head)
    head_age = age[head_of[unit]]
    rel = np.full(n, 33)
    rel = np.where(age <= head_age - 16, 25, rel)
    rel = np.where(age >= head_age + 16, 29, rel)
    rel = np.where((rel == 33) & (age < 18), 28, rel)
    cand = (rel == 33) & (age >= 18) & ~is_head
    # the first spouse-like adult of each household is the spouse
    cand_order = order[cand[order]]
    _, first_idx = np.unique(unit[cand_order], return_index=True)
    spouse = cand_order[first_idx]
    rel[spouse] = 21
    rel[is_head] = 20
    r.rel = rel = np.where(gq, np.where(age >= 65, 37, 38), rel)
    married_units = np.zeros(n_units, bool)
    married_units[unit[spouse]] = True
    mar = np.where((rel == 21) | ((rel == 20) & married_units[unit] & ~gq), 1, r.mar)
    r.mar = np.where(age < 15, 5, mar)


def _number_units_and_replicate_weights(r: _Records) -> None:
    """Serial numbers (each state in its own residue class), PUMA, and the successive-difference
    replicate weights of each unit's persons."""
    rng, n_units, unit_is_gq, unit = r.rng, r.n_units, r.unit_is_gq, r.unit
    slot = int(state_table().index[state_table()["fips"] == r.st.fips][0]) + 1
    kmax = (9_999_999 - slot) // SERIAL_MODULUS
    serial = np.empty(n_units, dtype=np.int64)
    for flag in (False, True):
        ids = np.flatnonzero(unit_is_gq == flag)
        k = np.sort(rng.choice(kmax + 1, size=len(ids), replace=False))
        serial[ids] = k * SERIAL_MODULUS + slot
    r.serial = serial
    pumas = r.targets["states"]["puma"]["values"].get(r.usps)
    if pumas is None:
        n_puma = max(
            1,
            round(r.population / r.targets["states"]["puma"]["persons_per_placeholder"]),
        )
        pumas = {f"{(i + 1) * 100:05d}": 1.0 for i in range(n_puma)}
    puma_codes = np.array(list(pumas))
    r.unit_puma = unit_puma = puma_codes[_choice(rng, _dist(pumas)[1], n_units)]
    unit_size = np.bincount(unit, minlength=n_units)
    r.sort_units = np.lexsort((serial, ~unit_is_gq))  # file order: GQ before HU, then serial
    geo_order = np.lexsort((serial, unit_is_gq, unit_size, unit_puma))
    k_of_unit = np.empty(n_units, dtype=np.int64)
    k_of_unit[geo_order] = np.arange(n_units)
    hadamard = r.distributions["hadamard"]
    row1 = hadamard[k_of_unit % REPLICATES]
    row2 = hadamard[(k_of_unit + 1) % REPLICATES]
    factors = 1 + SDR_COEF * (row1 - row2)  # n_units x 80
    r.replicate_weights = np.round(r.pwgtp[:, None] * factors[unit]).astype(np.int64)


def _person_columns(r: _Records) -> pa.Table:
    """9. Records in file order (units by serial number, persons by SPORDER) and the columns
    of the year's person file, blanks where the dictionary says N/A."""
    n, year, st, unit, n_units = r.n, r.year, r.st, r.unit, r.n_units
    unit_rank = np.empty(n_units, dtype=np.int64)
    unit_rank[r.sort_units] = np.arange(n_units)
    rec = np.lexsort((r.sporder, unit_rank[unit]))
    tag = np.where(r.unit_is_gq, "GQ", "HU")
    serialno = np.char.add(np.char.add(str(year), tag), np.char.zfill(r.serial.astype(str), 7))

    def ordered(x):
        """`x` in the file's record order."""
        return x[rec]

    a = ordered(r.age)
    is15 = a >= 15
    is16 = a >= 16
    is5 = a >= 5
    hy = ordered(r.has_yoep)
    ho = ordered(r.has_occp)
    w12 = ordered(r.worked12)
    col: dict[str, pa.Array] = {}
    col["RT"] = _const("P", n)
    col["SERIALNO"] = pa.array(ordered(serialno[unit]))
    col["DIVISION"] = _const(str(st.division), n)
    col["SPORDER"] = _code(ordered(r.sporder), 2)
    col["PUMA"] = pa.array(ordered(r.unit_puma[unit]))
    col["REGION"] = _const(str(st.region), n)
    col["STATE"] = _const(st.fips, n)
    col["ST"] = col["STATE"]
    col["ADJINC"] = _const(_schema(year)["adjinc"], n)
    col["PWGTP"] = _num(ordered(r.pwgtp))
    col["AGEP"] = _num(a)
    col["CIT"] = _num(ordered(r.cit))
    col["CITWP"] = _num(ordered(r.citwp), ordered(r.cit) == 4)
    col["COW"] = _num(ordered(r.cow), ho)
    col["DDRS"] = _num(np.full(n, 2), is5)
    col["DEAR"] = _num(ordered(r.dflags["DEAR"]))
    col["DEYE"] = _num(ordered(r.dflags["DEYE"]))
    col["DOUT"] = _num(np.full(n, 2), is15)
    col["DPHY"] = _num(ordered(r.dflags["DPHY"]), is5)
    col["DREM"] = _num(ordered(r.dflags["DREM"]), is5)
    col["DIS"] = _num(ordered(r.dis))
    col["ENG"] = _num(ordered(r.eng), is5 & (ordered(r.lanx) == 1))
    col["LANX"] = _num(ordered(r.lanx), is5)
    col["MAR"] = _num(ordered(r.mar))
    col["MIL"] = _num(ordered(r.mil), a >= 17)
    col["RELSHIPP"] = _num(ordered(r.rel))
    col["SCHL"] = _code(ordered(r.schl), 2, ordered(r.schl) > 0)
    col["SEX"] = _num(ordered(r.sex))
    for c, v in (
        ("INTP", r.intp),
        ("OIP", 0),
        ("PAP", 0),
        ("RETP", r.retp),
        ("SSIP", 0),
        ("SSP", r.ssp),
    ):
        col[c] = _num(np.broadcast_to(ordered(v) if isinstance(v, np.ndarray) else v, n), is15)
    col["SEMP"] = _num(ordered(r.semp), is15)
    col["WAGP"] = _num(ordered(r.wagp), is15)
    col["WKHP"] = _num(ordered(r.wkhp), w12)
    col["WKWN"] = _num(ordered(r.wkwn), w12)
    wkl = np.where(w12, 1, np.where(ho & (ordered(r.occp) != 9920), 2, 3))
    col["WKL"] = _num(wkl, is16)
    col["WRK"] = _num(np.where(np.isin(ordered(r.esr), (1, 4)), 1, 2), is16)
    col["YOEP"] = _num(ordered(r.yoep), hy)
    y = ordered(r.yoep)
    decade = np.clip((y - 1940) // 10 + 1, 1, 8)
    decade = np.where(y < 1950, 1, decade)
    col["DECADE"] = _num(decade, hy)
    col["ESR"] = _num(ordered(r.esr), is16)
    col["FOD1P"] = _code(ordered(r.fod1), 4, ordered(r.ba))
    col["FOD2P"] = _code(ordered(r.fod2), 4, ordered(r.ba & r.has2))
    col["HICOV"] = _num(ordered(r.hicov))
    col["PRIVCOV"] = _num(ordered(r.privcov))
    col["PUBCOV"] = _num(ordered(r.pubcov))
    col["HISP"] = _code(ordered(r.hisp), 2)
    col["NATIVITY"] = _num(ordered(r.nat))
    col["OCCP"] = _code(ordered(r.occp), 4, ho)
    col["SOCP"] = pa.array(
        _lookup(ordered(r.occp), r.distributions["socp"], ""), pa.string(), mask=~ho
    )
    col["PERNP"] = _num(ordered(r.pernp), is16)
    col["PINCP"] = _num(ordered(r.pincp), is15)
    col["POBP"] = _code(ordered(r.pobp), 3)
    col["QTRBIR"] = _num(ordered(r.qtrbir))
    col["RAC1P"] = _num(ordered(r.rac1p))
    col["WAOB"] = _num(_waob(ordered(r.pobp)))
    for i in range(REPLICATES):
        col[f"PWGTP{i + 1}"] = _num(r.replicate_weights[rec, i])
    sch = _schema(year)
    zero = _const("0", n)
    for flag in sch["flag_zero"]:
        col.setdefault(flag, zero)
    names = [c[0] for c in sch["columns"]]
    blank = pa.nulls(n, pa.string())
    return pa.table({c: col.get(c, blank) for c in names})


def _lookup(keys: np.ndarray, mapping: dict, default) -> np.ndarray:
    """``mapping[k]`` for every element of `keys` (one dict look-up per distinct key)."""
    uniq, inv = np.unique(keys, return_inverse=True)
    vals = np.array([mapping.get(int(k), default) for k in uniq])
    return vals[inv]


def _normalised(d: dict[str, float]) -> dict[str, float]:
    s = sum(d.values())
    return {k: v / s for k, v in d.items()}


def _const(value: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), n)


def _num(values, valid: np.ndarray | None = None) -> pa.Array:
    arr = np.asarray(values, dtype=np.int64)
    mask = None if valid is None else ~np.asarray(valid, bool)
    return pc.cast(pa.array(arr, mask=mask), pa.string())


def _code(values, width: int, valid: np.ndarray | None = None) -> pa.Array:
    return pc.utf8_lpad(_num(values, valid), width=width, padding="0")


def _waob(pobp: np.ndarray) -> np.ndarray:
    """World area of birth from POBP, as the dictionary defines it."""
    p = pobp
    out = np.full(len(p), 8)
    out = np.where(p <= 59, 1, out)
    out = np.where((p >= 61) & (p <= 99), 2, out)
    out = np.where((p >= 100) & (p <= 199), 5, out)
    out = np.where(np.isin(p, (158, 159, 161)) | ((p >= 200) & (p <= 299)), 4, out)
    out = np.where((p >= 300) & (p <= 399), 3, out)
    out = np.where(np.isin(p, (300, 301, 302, 304, 305, 306, 307, 308, 309)), 7, out)
    out = np.where((p >= 400) & (p <= 499), 6, out)
    return out


# -- public API ------------------------------------------------------------------------------------


def _states_arg(states: list[str] | str | None) -> list[str]:
    out = fifty_states_and_dc() if states is None else parse_states(states)
    if "US" in out or "PR" in out:
        raise InputError("the synthetic sample is made state by state: give USPS codes (not US/PR)")
    return sorted(out, key=lambda u: state(u).fips)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed {seed!r}: use a non-negative integer")
    return int(seed)


def generate_persons(
    states: list[str] | str | None = None,
    year: int = DEFAULT_YEAR,
    seed: int = DEFAULT_SEED,
    size: str | int = "default",
    drift: Drift = NO_DRIFT,
    targets: dict | None = None,
) -> pd.DataFrame:
    """Generate the synthetic person records of `states` (default: 50 states and DC).

    Every column is a string column in the Census file's order; blanks are missing values. The
    same `seed`, `year` and `size` give the same records for a state whatever other states are
    requested. `targets` generates from other parameters than the packaged ones (in the layout
    of ``synthetic_params.json``; ``scripts/calibrate_synthetic.py`` tunes them this way).
    """
    states = _states_arg(states)
    seed = _check_seed(seed)
    _schema(year)
    sizes = records_per_state(states, size, targets)
    tables = [_generate_state(u, year, seed, sizes[u], drift, targets=targets) for u in states]
    tbl = pa.concat_tables(tables)
    return tbl.to_pandas()


def _csv_bytes(tbl: pa.Table) -> bytes:
    buf = io.BytesIO()
    buf.write((",".join(tbl.column_names) + "\n").encode("ascii"))
    pacsv.write_csv(
        tbl,
        buf,
        write_options=pacsv.WriteOptions(include_header=False, quoting_style="none"),
    )
    return buf.getvalue()


#: Where the numbers of the calibrated sample come from, for its README.
ORIGIN = (
    ". The records follow the layout of the ACS 1-year PUMS person file and were drawn from "
    "aggregate shares and rates (brainwaste/pums/synthetic_params.json) computed from real ACS "
    "PUMS files and published tables."
)


def write_state_zip(path: Path, member: str, tbl: pa.Table, made_by: str, about: str, origin: str):
    """Write a synthetic state zip: `tbl` as the CSV `member` beside a README that says it is
    synthetic, what it holds (`about`: state, year, seed, size), which module `made_by` it and
    where its numbers come from (`origin`, a sentence's end). Returns `path`."""
    readme = (
        f"{SYNTHETIC_MARK}\n\n"
        f"{member} in this archive is SYNTHETIC: {len(tbl):,} person records generated by "
        f"brainwaste {__version__} ({made_by}) for {about}.\n"
        f"It is NOT Census Bureau data and describes no real person{origin} "
        "Use it to try the software, never to report estimates.\n"
    )
    members = {member: _csv_bytes(tbl), README_MEMBER: readme.encode("utf-8")}
    write_bytes_atomic(path, _zip_bytes(members))
    return path


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, members[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


def write_sample(
    out_dir: str | os.PathLike,
    states: list[str] | str | None = None,
    year: int = DEFAULT_YEAR,
    seed: int = DEFAULT_SEED,
    size: str | int = "default",
    drift: Drift = NO_DRIFT,
) -> list[Path]:
    """Write the synthetic sample as Census-style zips ``out_dir/{year}/1-Year/csv_p{st}.zip``.

    Each zip holds ``psam_p{fips}.csv`` and ``SYNTHETIC_README.txt``. The bytes depend only on
    the arguments (and the package version). Returns the paths written, in FIPS order.
    """
    states = _states_arg(states)
    seed = _check_seed(seed)
    _schema(year)
    sizes = records_per_state(states, size)
    base = Path(out_dir) / str(year) / "1-Year"
    paths = []
    for usps in states:
        tbl = _generate_state(usps, year, seed, sizes[usps], drift)
        about = f"{usps}, survey year {year}, seed {seed}, size {size}"
        member = f"psam_p{state(usps).fips}.csv"
        path = base / f"csv_p{usps.lower()}.zip"
        paths.append(write_state_zip(path, member, tbl, __name__, about, ORIGIN))
    return paths


def is_synthetic_zip(path: str | os.PathLike) -> bool:
    """True when `path` is a zip that carries the synthetic-sample README."""
    try:
        with zipfile.ZipFile(path) as zf:
            if README_MEMBER not in zf.namelist():
                return False
            text = zf.read(README_MEMBER).decode("utf-8", errors="replace")
    except (OSError, zipfile.BadZipFile, KeyError):
        return False
    return SYNTHETIC_MARK in text
