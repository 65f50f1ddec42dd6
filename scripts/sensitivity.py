"""Sensitivity of the headline numbers to the definition profile, on real Census files.

Runs every packaged profile, under both settings of mixed_codes (majority: a code's majority
tier; apportion: each tier with its employment share), on
- the official ACS 2018 1-year person files of DE, NH, VT and WY (all columns, replicate
  weights), reported for the four states together, and
- the real ACS 2024 1-year Massachusetts extract (no YOEP, FOD2P or replicate weights: the
  immigrant split and SEs are not available, and only the first major is seen),
and writes docs/validation/sensitivity.csv and sensitivity.md.

    python scripts/sensitivity.py [--shared ../shared/data] [--out docs/validation]
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import pandas as pd

from brainwaste.estimate.outcomes import estimate_outcomes
from brainwaste.method.classify import classify, universe_prefilter
from brainwaste.method.profile import load_profile, packaged_profiles
from brainwaste.pums.readers import read_persons

SMALL_STATES = ["csv_pde.zip", "csv_pnh.zip", "csv_pvt.zip", "csv_pwy.zip"]
POPULATIONS = ["us_born", "immigrant", "immigrant_us_educated", "immigrant_foreign_educated"]


def run(paths: list[Path], year: int, label: str) -> pd.DataFrame:
    rows = []
    for name in packaged_profiles():
        base = load_profile(name)
        coding = "2018" if year >= 2018 else "2010"
        keep = universe_prefilter(base, keep_health_workers=False, occupation_coding=coding)
        persons = read_persons(paths, prefilter=keep)
        for mixed in ("majority", "apportion"):
            prof = replace(base, mixed_codes=mixed)
            c = classify(persons.frame, prof, file_year=year)
            # the four states together: every record counted once under the 'US'-style sum
            t = estimate_outcomes(c, prof, year=year, period=1, national=True)
            t = t[t["state"] == "US"] if len(paths) > 1 else t
            rows += rows_of(t, label, name, mixed)
    return pd.DataFrame(rows)


def rows_of(t: pd.DataFrame, label: str, name: str, mixed: str) -> list[dict]:
    rows = []
    for pop in POPULATIONS:
        tot = t[(t.population == pop) & (t.outcome == "total")].iloc[0]
        und = t[(t.population == pop) & (t.outcome == "underutilized")].iloc[0]
        rows.append(
            {
                "data": label, "profile": name, "mixed_codes": mixed, "population": pop,
                "holders": tot["count"], "holders_moe90": tot["count_moe90"],
                "underutilized": und["count"], "underutilized_moe90": und["count_moe90"],
                "rate": und["share"], "rate_moe90": und["share_moe90"],
                "records": tot["n_unweighted"],
            }
        )  # fmt: skip
    return rows


def to_markdown(t: pd.DataFrame) -> str:
    out = []
    for data, d in t.groupby("data", sort=False):
        out.append(f"### {data}\n")
        out.append(
            "| profile | mixed codes | population | holders | underutilized | rate (90% MOE) | records |"
        )
        out.append("| --- | --- | --- | ---: | ---: | ---: | ---: |")
        for r in d.itertuples():
            if pd.isna(r.holders):
                out.append(
                    f"| {r.profile} | {r.mixed_codes} | {r.population} | n/a | n/a | n/a | |"
                )
                continue
            moe = "" if pd.isna(r.rate_moe90) else f" (±{100 * r.rate_moe90:.1f})"
            rate = "n/a" if pd.isna(r.rate) else f"{100 * r.rate:.1f}%{moe}"
            out.append(
                f"| {r.profile} | {r.mixed_codes} | {r.population} | {r.holders:,.0f} | {r.underutilized:,.0f} | {rate} | {r.records} |"
            )
        out.append("")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--shared", default="../shared/data")
    ap.add_argument("--out", default="docs/validation")
    args = ap.parse_args()
    shared = Path(args.shared)
    small = [shared / "acs_pums_2018_1yr_person_small_states" / f for f in SMALL_STATES]
    ma = shared / "acs_pums_2024_1yr_person_subset" / "p_25.parquet"
    t = pd.concat(
        [
            run(small, 2018, "ACS 2018 1-year, DE+NH+VT+WY (official files)"),
            run(
                [ma],
                2024,
                "ACS 2024 1-year, Massachusetts (extract without YOEP, FOD2P, replicate weights)",
            ),
        ],
        ignore_index=True,
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t.to_csv(out / "sensitivity.csv", index=False, float_format="%.6g", lineterminator="\n")
    (out / "sensitivity.md").write_text(
        "# Sensitivity of the estimates to the definition profile\n\n"
        "Made by `python scripts/sensitivity.py` from the real Census files in ../shared/data. "
        "Holders: civilians in the profile's universe (health-degree holders; every field for "
        "untapped_talent); underutilized and rate: the profile's definition (mpi and most "
        "profiles: low-skilled job or unemployed, over the civilian labor force; outside_field: "
        "unemployed or employed outside health occupations, over the labor force; commission: "
        "unemployed, out of the labor force, outside health occupations or part-time in one, "
        "over all civilians aged 25-64). Mixed codes: `majority` gives each occupation code the tier with "
        "most of its employment; `apportion` counts a record of a mixed code (winning tier under "
        "two thirds of the employment) in each tier with that tier's share of its weight.\n\n"
        + to_markdown(t)
        + "\n"
    )
    print(to_markdown(t))


if __name__ == "__main__":
    main()
