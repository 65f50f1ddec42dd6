"""Sensitivity of the headline numbers to the definition profile, on real Census files.

Runs every packaged profile on
- the official ACS 2018 1-year person files of DE, NH, VT and WY (all columns, replicate
  weights), reported for the four states together, and
- the real ACS 2024 1-year Massachusetts extract (no YOEP, FOD2P or replicate weights: the
  immigrant split and SEs are not available, and only the first major is seen),
and writes docs/validation/sensitivity.csv and sensitivity.md.

    python scripts/sensitivity.py [--shared ../shared/data] [--out docs/validation]
"""

from __future__ import annotations

import argparse
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
        prof = load_profile(name)
        persons = read_persons(paths, prefilter=universe_prefilter(prof, keep_health_workers=False))
        c = classify(persons.frame, prof, file_year=year)
        # the four states together: every record counted once under the 'US'-style sum
        t = estimate_outcomes(c, prof, year=year, period=1, national=True)
        t = t[t["state"] == "US"] if len(paths) > 1 else t
        for pop in POPULATIONS:
            tot = t[(t.population == pop) & (t.outcome == "total")].iloc[0]
            und = t[(t.population == pop) & (t.outcome == "underutilized")].iloc[0]
            rows.append(
                {
                    "data": label, "profile": name, "population": pop,
                    "holders": tot["count"], "holders_moe90": tot["count_moe90"],
                    "underutilized": und["count"], "underutilized_moe90": und["count_moe90"],
                    "rate": und["share"], "rate_moe90": und["share_moe90"],
                    "records": tot["n_unweighted"],
                }
            )  # fmt: skip
    return pd.DataFrame(rows)


def to_markdown(t: pd.DataFrame) -> str:
    out = []
    for data, d in t.groupby("data", sort=False):
        out.append(f"### {data}\n")
        out.append("| profile | population | holders | underutilized | rate (90% MOE) | records |")
        out.append("| --- | --- | ---: | ---: | ---: | ---: |")
        for r in d.itertuples():
            if pd.isna(r.holders):
                out.append(f"| {r.profile} | {r.population} | n/a | n/a | n/a | |")
                continue
            moe = "" if pd.isna(r.rate_moe90) else f" (±{100 * r.rate_moe90:.1f})"
            rate = "n/a" if pd.isna(r.rate) else f"{100 * r.rate:.1f}%{moe}"
            out.append(
                f"| {r.profile} | {r.population} | {r.holders:,.0f} | {r.underutilized:,.0f} | {rate} | {r.records} |"
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
        [run(small, 2018, "ACS 2018 1-year, DE+NH+VT+WY (official files)"),
         run([ma], 2024, "ACS 2024 1-year, Massachusetts (extract without YOEP, FOD2P, replicate weights)")],
        ignore_index=True,
    )  # fmt: skip
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t.to_csv(out / "sensitivity.csv", index=False, float_format="%.6g", lineterminator="\n")
    (out / "sensitivity.md").write_text(
        "# Sensitivity of the estimates to the definition profile\n\n"
        "Made by `python scripts/sensitivity.py` from the real Census files in ../shared/data. "
        "Holders: civilian health-degree holders in the profile's universe; rate: underutilized "
        "(low-skilled job or unemployed) / civilian labor force.\n\n" + to_markdown(t) + "\n"
    )
    print(to_markdown(t))


if __name__ == "__main__":
    main()
