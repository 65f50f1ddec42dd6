"""Rebuild brainwaste/pums/dictionary_codes.csv: the codes the PUMS data dictionaries allow for
the coded variables the method reads, so that the reader refuses any other value.

Usage: python scripts/build_dictionary_codes.py [DICTIONARY_DIR]
(default ../shared/data/pums_data_dictionaries, relative to the repository root).

One row per variable and code: the first and last dictionary (by the survey year it ends with)
that lists the code. OCCP is kept per coding: 2010 Census codes (dictionaries of files ending
2017 or earlier) and 2018 Census codes (the rest).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from brainwaste.pums.dictionary import is_blank_code, read_dictionary

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "brainwaste" / "pums" / "dictionary_codes.csv"
VARIABLES = ("SCHL", "FOD1P", "FOD2P", "ESR", "NATIVITY", "SEX", "ENG", "POBP", "OCCP")


def vintage(path: Path) -> tuple[int, str]:
    m = re.search(r"PUMS_Data_Dictionary_(\d{4})(?:-(\d{4}))?", path.name)
    return int(m[2] or m[1]), (m[1] + (f"-{m[2]}" if m[2] else ""))


def main(folder: Path) -> None:
    paths = sorted(
        (p for p in folder.glob("PUMS_Data_Dictionary_*") if p.suffix in (".csv", ".txt")),
        key=vintage,
    )
    seen: dict[tuple[str, str], list[str]] = {}
    for path in paths:
        last, name = vintage(path)
        person = read_dictionary(path)
        for var in VARIABLES:
            key_var = f"OCCP{2010 if last <= 2017 else 2018}" if var == "OCCP" else var
            for lo, hi, _ in person[var]["values"]:
                if is_blank_code(lo):
                    continue
                if hi is not None:
                    raise SystemExit(f"{path.name}: {var} has a range {lo}..{hi}; expected codes")
                seen.setdefault((key_var, lo), []).append(name)
    rows = sorted((v, c, names[0], names[-1]) for (v, c), names in seen.items())
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        f.write(
            "# Codes allowed by the ACS PUMS data dictionaries (person record) for the coded "
            "variables the method reads; blanks (not applicable) are allowed too.\n"
            "# Source: U.S. Census Bureau, ACS PUMS data dictionaries "
            + ", ".join(vintage(p)[1] for p in paths)
            + " (../shared/data/pums_data_dictionaries).\n"
            "# first, last: the first and last of those dictionaries listing the code. OCCP2010 ="
            " OCCP in 2010 Census codes (files ending 2017 or earlier), OCCP2018 = 2018 codes.\n"
            "# Rebuild: python scripts/build_dictionary_codes.py\n"
        )
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["variable", "code", "first", "last"])
        w.writerows(rows)
    print(f"wrote {len(rows)} codes to {OUT}")


if __name__ == "__main__":
    default = ROOT.parent / "shared" / "data" / "pums_data_dictionaries"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
