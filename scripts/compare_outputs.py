"""Check that a code change leaves every number alone: same tables, figure data and workbook sheets.

Two steps. ``write`` runs ``brainwaste report`` (or ``estimate``) on fixed inputs (the synthetic sample, and the
official Census files in ../shared/data where they are present) with the brainwaste package that
Python imports, and keeps what the report wrote in a form that can be compared: every CSV as written
(estimates tables, figure data), every workbook sheet as CSV cell values, and the SHA-256 of every
other output (PNG, SVG, JSON, HTML). ``compare`` lists what differs between two such folders.

To compare a change with the code it started from:

    git archive main | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before .venv/bin/python scripts/compare_outputs.py write /tmp/out-before
    .venv/bin/python scripts/compare_outputs.py write /tmp/out-after
    .venv/bin/python scripts/compare_outputs.py compare /tmp/out-before /tmp/out-after

``compare`` exits 1 when a number in a table, figure CSV or workbook sheet differs (the lines say
which), and 0 when every number is the same; files whose numbers agree but whose words differ (a
sentence reworded) are listed as "wording only", other outputs that differ (PNG, SVG, HTML) as
notes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DEFAULT = ROOT.parent / "shared" / "data"

# (case name, brainwaste command and arguments, file in the shared data folder or None). The 2024
# files are column subsets without the variables of every breakdown, so they get `estimate` only.
CASES = [
    ("sample", ["report", "--sample"], None),
    ("sample_MA_broad", ["report", "--sample", "--states", "MA", "--profile", "broad"], None),
    ("vt_2018", ["report", "--year", "2018", "--period", "1"], "acs_pums_2018_1yr_person_small_states/csv_pvt.zip"),
    ("nh_2018", ["report", "--year", "2018", "--period", "1"], "acs_pums_2018_1yr_person_small_states/csv_pnh.zip"),
    ("ma_2024", ["estimate", "--year", "2024", "--period", "1"], "acs_pums_2024_1yr_person_subset/p_25.parquet"),
    ("ny_2024_age25_64", ["estimate", "--year", "2024", "--period", "1", "--profile", "age25_64"],
     "acs_pums_2024_1yr_person_subset/p_36.parquet"),
]  # fmt: skip

COMPARED = (".csv",)  # exact bytes: these carry the numbers


def shared_data() -> Path:
    return Path(os.environ.get("BRAINWASTE_SHARED_DATA") or SHARED_DEFAULT)


def _sheets_as_csv(xlsx: Path) -> dict[str, bytes]:
    from openpyxl import load_workbook

    out = {}
    wb = load_workbook(xlsx, read_only=True)
    for ws in wb.worksheets:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for row in ws.iter_rows(values_only=True):
            writer.writerow(["" if v is None else repr(v) for v in row])
        out[ws.title] = buf.getvalue().encode()
    wb.close()
    return out


def collect(run_dir: Path, dest: Path) -> int:
    """Copy comparable forms of the outputs below run_dir into dest; returns the number of files."""
    n = 0
    digests = []
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(run_dir)
        if "raw" in rel.parts:  # downloaded or sample inputs, not outputs
            continue
        if path.suffix == ".csv":
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
            n += 1
        elif path.suffix == ".xlsx":
            for title, data in _sheets_as_csv(path).items():
                target = dest / rel.with_suffix("") / f"sheet {title}.csv"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                n += 1
        digests.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel.as_posix()}")
    (dest / "other_files.sha256").write_text("\n".join(digests) + "\n")
    return n


def write(out: Path, shared: Path, cases: list[str] | None) -> None:
    import tempfile

    import brainwaste
    from brainwaste.cli import main

    print(f"brainwaste {brainwaste.__version__} from {Path(brainwaste.__file__).parent}")
    for name, args, needs in CASES:
        if cases and name not in cases:
            continue
        extra = []
        if needs is not None:
            path = shared / needs
            if not path.exists():
                print(f"{name}: skipped, {path} is absent")
                continue
            extra = ["--input", str(path)]
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            argv = [*args, *extra, "--data-dir", str(tmp / "data"), "--no-progress"]
            if args[0] == "report":
                argv += ["--reports-dir", str(tmp / "reports")]
            code = main(argv)
            if code != 0:
                sys.exit(f"{name}: brainwaste {' '.join(argv)} failed with status {code}")
            n = collect(tmp, out / name)
        print(f"{name}: {n} tables and sheets kept")


NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def same_numbers(la: list[bytes], lb: list[bytes]) -> bool:
    """True when two versions of a file hold the same numbers line by line (only words differ)."""
    return len(la) == len(lb) and all(
        NUMBER.findall(x) == NUMBER.findall(y) for x, y in zip(la, lb, strict=True)
    )


def compare(a: Path, b: Path) -> tuple[list[str], list[str]]:
    """(problems, wording): lines naming every table, figure CSV or sheet whose numbers differ or
    that exists on one side only, and those where only the words around the numbers differ."""
    problems, wording = [], []
    files_a = {p.relative_to(a) for p in a.rglob("*.csv")}
    files_b = {p.relative_to(b) for p in b.rglob("*.csv")}
    for rel in sorted(files_a - files_b):
        problems.append(f"only in {a}: {rel}")
    for rel in sorted(files_b - files_a):
        problems.append(f"only in {b}: {rel}")
    for rel in sorted(files_a & files_b):
        la = (a / rel).read_bytes().splitlines()
        lb = (b / rel).read_bytes().splitlines()
        if la != lb:
            first = next(
                (i for i, (x, y) in enumerate(zip(la, lb, strict=False)) if x != y),
                min(len(la), len(lb)),
            )
            if same_numbers(la, lb):
                wording.append(f"wording only: {rel} (first at line {first + 1})")
            else:
                problems.append(f"differs: {rel} (first at line {first + 1})")
    return problems, wording


def other_differences(a: Path, b: Path) -> list[str]:
    out = []
    for da in sorted(a.glob("*/other_files.sha256")):
        db = b / da.relative_to(a)
        if not db.exists():
            continue
        left = dict(reversed(line.split("  ", 1)) for line in da.read_text().splitlines())
        right = dict(reversed(line.split("  ", 1)) for line in db.read_text().splitlines())
        for name in sorted(set(left) | set(right)):
            if not name.endswith(".csv") and left.get(name) != right.get(name):
                out.append(f"note: {da.parent.name}/{name} has other bytes")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="run the report cases and keep their outputs in OUT")
    w.add_argument("out", type=Path)
    w.add_argument("--shared", type=Path, default=None,
                   help="official files (default: $BRAINWASTE_SHARED_DATA or ../shared/data)")  # fmt: skip
    w.add_argument(
        "--case", action="append", help="only these cases: " + ", ".join(c[0] for c in CASES)
    )
    c = sub.add_parser("compare", help="list the outputs that differ between two folders")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        write(args.out, args.shared or shared_data(), args.case)
        return 0
    problems, wording = compare(args.before, args.after)
    for line in problems + wording + other_differences(args.before, args.after):
        print(line)
    n = len(list(args.after.rglob("*.csv")))
    if problems:
        print(f"{len(problems)} of the {n} tables, figure CSVs and sheets differ")
        return 1
    if wording:
        print(f"the numbers of all {n} tables, figure CSVs and workbook sheets are identical; "
              f"{len(wording)} differ in wording only")  # fmt: skip
        return 0
    print(f"all {n} tables, figure CSVs and workbook sheets are identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
