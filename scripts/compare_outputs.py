"""Check that a code change leaves every number alone: same tables, figure data and workbook sheets.

``write`` runs the cases below (``brainwaste report``, ``estimate`` or ``trend`` on the synthetic
sample, and on the official Census files in ../shared/data where they are present) with the
brainwaste package that Python imports, and keeps what they wrote in a form that can be compared:
every CSV as written (estimates tables, figure data), every workbook sheet as CSV cell values, and
the SHA-256 of every other output (PNG, SVG, JSON, HTML).

``check`` compares such a folder with the committed digests of the outputs the code gave before
(tests/fixtures/output_digests.txt, two SHA-256 a file: of its bytes and of its numbers alone);
tests/integration/test_outputs_unchanged.py runs every case and this check, so the test suite
fails when any table, figure CSV or sheet changes. When numbers change ON PURPOSE (a new
definition, a corrected rule), regenerate the digests with the changed code and say why in the
commit message:

    .venv/bin/python scripts/compare_outputs.py write /tmp/out
    .venv/bin/python scripts/compare_outputs.py digests /tmp/out > tests/fixtures/output_digests.txt

``compare`` lists what differs between two folders, line by line, to see what a change did:

    git archive main | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before .venv/bin/python scripts/compare_outputs.py write /tmp/out-before
    .venv/bin/python scripts/compare_outputs.py write /tmp/out-after
    .venv/bin/python scripts/compare_outputs.py compare /tmp/out-before /tmp/out-after

``compare`` and ``check`` exit 1 when a number in a table, figure CSV or workbook sheet differs
(the lines say which); files whose numbers agree but whose words differ (a sentence reworded) are
listed as "wording only" (``compare`` exits 0 for them, ``check`` 1: its outputs must be
identical), other outputs that differ (PNG, SVG, HTML) as notes.
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
    ("trend_sample", ["trend", "--sample"], None),
]  # fmt: skip

#: A trend is run twice in one data folder: the second run reads back the years the first kept,
#: and what it writes must be what the first wrote.
RUNS = {"trend": 2}


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


def run_case(name: str, shared: Path, out: Path) -> int | None:
    """Run one case of CASES and keep its outputs in out/name; the number of tables and sheets
    kept, or None when the case's official file is absent. A failed run ends the script."""
    import tempfile

    from brainwaste.cli import main

    args, needs = next((a, n) for c, a, n in CASES if c == name)
    extra = []
    if needs is not None:
        path = shared / needs
        if not path.exists():
            print(f"{name}: skipped, {path} is absent")
            return None
        extra = ["--input", str(path)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        argv = [*args, *extra, "--data-dir", str(tmp / "data"), "--no-progress"]
        if args[0] in ("report", "trend"):
            argv += ["--reports-dir", str(tmp / "reports")]
        for run in range(RUNS.get(args[0], 1)):
            code = main(argv)
            if code != 0:
                sys.exit(f"{name}: brainwaste {' '.join(argv)} failed with status {code}")
            if run == 0:
                n = collect(tmp, out / name)
                continue
            with tempfile.TemporaryDirectory() as again:
                collect(tmp, Path(again))
                problems, wording = compare(out / name, Path(again))
            if problems or wording:
                lines = "\n".join(problems + wording)
                sys.exit(f"{name}: run {run + 1} in the same folders wrote other outputs:\n{lines}")
    return n


def write(out: Path, shared: Path, cases: list[str] | None) -> None:
    import brainwaste

    print(f"brainwaste {brainwaste.__version__} from {Path(brainwaste.__file__).parent}")
    for name, _, _ in CASES:
        if cases and name not in cases:
            continue
        n = run_case(name, shared, out)
        if n is not None:
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


DIGESTS = ROOT / "tests" / "fixtures" / "output_digests.txt"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digests(out: Path) -> dict[str, tuple[str, str]]:
    """{case/file: (SHA-256 of its bytes, SHA-256 of its numbers)} for every kept CSV in `out`;
    the second digest tells a changed number from a reworded sentence."""
    found = {}
    for path in sorted(out.rglob("*.csv")):
        data = path.read_bytes()
        numbers = b"\n".join(b" ".join(NUMBER.findall(line)) for line in data.splitlines())
        found[path.relative_to(out).as_posix()] = (_sha256(data), _sha256(numbers))
    return found


def read_digests(path: Path) -> dict[str, tuple[str, str]]:
    """The digests written by ``digests OUT``: lines "BYTES NUMBERS case/file", # for comments."""
    found = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            whole, numbers, name = line.split(" ", 2)
            found[name] = (whole, numbers)
    return found


def check(expected: dict[str, tuple[str, str]], out: Path) -> list[str]:
    """One line for each kept table, figure CSV or sheet of the cases in `out` that is not as
    `expected` says: numbers differ, wording differs, missing, or not expected."""
    cases = {p.name for p in out.iterdir() if p.is_dir()}
    wanted = {k: v for k, v in expected.items() if k.split("/", 1)[0] in cases}
    found = digests(out)
    problems = [f"missing: {name}" for name in sorted(wanted.keys() - found.keys())]
    problems += [f"not in the digests: {name}" for name in sorted(found.keys() - wanted.keys())]
    for name in sorted(wanted.keys() & found.keys()):
        (whole, numbers), (now_whole, now_numbers) = wanted[name], found[name]
        if now_numbers != numbers:
            problems.append(f"numbers differ: {name}")
        elif now_whole != whole:
            problems.append(f"wording differs (numbers the same): {name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="run the cases and keep their outputs in OUT")
    w.add_argument("out", type=Path)
    w.add_argument(
        "--shared",
        type=Path,
        default=None,
        help="official files (default: $BRAINWASTE_SHARED_DATA or ../shared/data)",
    )
    w.add_argument(
        "--case", action="append", help="only these cases: " + ", ".join(c[0] for c in CASES)
    )
    d = sub.add_parser("digests", help="print the digests of the outputs kept in OUT")
    d.add_argument("out", type=Path)
    d.add_argument("--note", action="append", default=[], help="a comment line to put on top")
    k = sub.add_parser("check", help="compare the outputs kept in OUT with the committed digests")
    k.add_argument("out", type=Path)
    k.add_argument("--digests", type=Path, default=DIGESTS, help=f"default: {DIGESTS}")
    c = sub.add_parser("compare", help="list the outputs that differ between two folders")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        write(args.out, args.shared or shared_data(), args.case)
        return 0
    if args.command == "digests":
        for line in args.note:
            print(f"# {line}")
        print("# SHA-256 of the bytes, SHA-256 of the numbers, case/file: made by")
        print("# scripts/compare_outputs.py (write, then digests); see its docstring")
        for name, (whole, numbers) in digests(args.out).items():
            print(whole, numbers, name)
        return 0
    if args.command == "check":
        problems = check(read_digests(args.digests), args.out)
        for line in problems:
            print(line)
        print(f"{len(problems)} outputs differ from {args.digests}" if problems else "as digested")
        return 1 if problems else 0
    problems, wording = compare(args.before, args.after)
    for line in problems + wording + other_differences(args.before, args.after):
        print(line)
    n = len(list(args.after.rglob("*.csv")))
    if problems:
        print(f"{len(problems)} of the {n} tables, figure CSVs and sheets differ")
        return 1
    if wording:
        print(
            f"the numbers of all {n} tables, figure CSVs and workbook sheets are identical; "
            f"{len(wording)} differ in wording only"
        )
        return 0
    print(f"all {n} tables, figure CSVs and workbook sheets are identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
