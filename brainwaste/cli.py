"""Command line: parse arguments, call the library, print progress and results.

Every error a user can cause ends in one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import textwrap
import warnings

from . import __version__, config
from .errors import BrainwasteError, InputError
from .estimate.outcomes import RELIABILITY_RULE
from .wording import SYNTHETIC_MARK, SYNTHETIC_NOT_ESTIMATES
from .years import parse_year, parse_years

EPILOG = """\
examples:
  brainwaste report --sample                      everything on the embedded synthetic sample (offline)
  brainwaste fetch --year 2023 --period 1 --states MA,NY
  brainwaste report --year 2023 --period 5 --states MA
  brainwaste report --year 2024 --period 1 --states all --profile broad
  brainwaste estimate --input my_extract.parquet --states MA
  brainwaste figures                              redraw charts from data/processed
  brainwaste factsheet --sample --state MA        a two-page fact sheet (PDF, HTML, Markdown)

environment:
  BRAINWASTE_DATA_DIR   data directory (default: data)      BRAINWASTE_REPORTS_DIR  (default: reports)
  BRAINWASTE_PUMS_URL   base of the bulk files (default: the Census server)
  BRAINWASTE_STYLE      an organization's house style file (TOML), as --style
  CENSUS_API_KEY        key for --source api (never printed or stored)
"""


def _year(text: str) -> int:
    try:
        return parse_year(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _years(text: str) -> list[int]:
    """One survey year, or several 1-year files to pool: 2022-2024 or 2022,2024."""
    try:
        return parse_years(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _period(text: str) -> int:
    if text not in ("1", "5"):
        raise argparse.ArgumentTypeError("period must be 1 (1-year file) or 5 (5-year file)")
    return int(text)


def _seed(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError("the seed must be 0 or more")
    return v


#: The options of the commands, with their help, by flag: a command lists the ones it takes
#: (``_add(p, "--profile", "--data-dir")``), so each is spelt out once. Options whose help differs
#: from command to command (--year, --states, --sample, --input) are added by the command.
OPTIONS = {
    "--period": {"type": _period, "help": "1 (1-year file) or 5 (5-year file)"},
    "--profile": {
        "default": "mpi",
        "metavar": "NAME|FILE",
        "help": "definition profile: mpi (default), broad, age25_64, arrival22, onet, or a .toml file",
    },
    "--source": {
        "choices": ["files", "api"],
        "default": "files",
        "help": "files: Census bulk zips (default); api: the Census PUMS API (needs CENSUS_API_KEY)",
    },
    "--base-url": {
        "metavar": "URL",
        "help": "replace the Census bulk-file server (layout {YEAR}/{1-Year|5-Year}/csv_p{st}.zip); also $BRAINWASTE_PUMS_URL",
    },
    "--data-dir": {
        "metavar": "DIR",
        "help": "holds raw/ and processed/ (default: $BRAINWASTE_DATA_DIR or data)",
    },
    "--reports-dir": {
        "metavar": "DIR",
        "help": "figures/, tables/, index.html go here (default: reports)",
    },
    "--style": {
        "metavar": "FILE",
        "help": "house style (TOML): organization, logo, palette, font_family, footer; also $BRAINWASTE_STYLE",
    },
    "--no-progress": {"action": "store_true", "help": "no progress bars"},
    "--force": {"action": "store_true", "help": "download again even if the cache is intact"},
    "--verify": {
        "action": "store_true",
        "help": "only check the files in the manifest (sizes and sha256)",
    },
    "--no-figures": {"action": "store_true", "help": "only the tables, no figures or workbook"},
    "--published": {
        "action": "store_true",
        "help": "compare with the published ACS tables (Census API)",
    },
    "--verification": {"metavar": "FILE", "help": "a Census PUMS verification-estimates CSV"},
}

#: What a command that reads records and writes reports takes besides its records.
REPORT_OPTIONS = ("--profile", "--source", "--base-url", "--data-dir", "--reports-dir", "--style")


def _add(p, *flags: str) -> None:
    """Add the options `flags` (keys of OPTIONS) to a command's parser."""
    for flag in flags:
        p.add_argument(flag, **OPTIONS[flag])


def _add_selection(p, pool: bool = True):
    p.add_argument(
        "--year",
        type=_years if pool else _year,
        help=f"survey year ({config.FIRST_YEAR}-{config.LAST_YEAR}); for a 5-year file its last year"
        + ("; with --period 1 a range such as 2022-2024 pools 1-year files" if pool else ""),
    )
    _add(p, "--period")
    p.add_argument(
        "--states",
        metavar="LIST",
        help="USPS codes like MA,NY; 'all' for every state and DC; US for the national file",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brainwaste",
        description=textwrap.dedent("""\
            Estimate how many college-educated health-degree holders (U.S.-born, immigrants
            educated in the U.S., immigrants educated abroad) work in low-skilled jobs or are
            unemployed ("brain waste"), from ACS PUMS microdata, with replicate-weight standard
            errors and margins of error."""),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"brainwaste {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "sample",
        help="write the synthetic sample as Census-style zips",
        description="Write the embedded synthetic PUMS sample (deterministic: same seed, same bytes) as "
        "Census-style zips OUT/2024/1-Year/csv_pST.zip. Synthetic records for trying the tool offline; "
        "never findings.",
    )
    p.add_argument(
        "--out", metavar="DIR", help="output folder (default: DATA_DIR/raw/sample/seedN)"
    )
    p.add_argument("--states", metavar="LIST", help="states to write (default: all 50 and DC)")
    p.add_argument("--seed", type=_seed, default=None, help="random seed (default: 20240101)")
    _add(p, "--data-dir")

    p = sub.add_parser(
        "fetch",
        help="download PUMS person files (or API extracts) into DATA_DIR/raw",
        description="Download ACS PUMS person records into DATA_DIR/raw with a manifest (URL, bytes, sha256, "
        "time). Files already downloaded and intact are not fetched again; an interrupted download resumes.",
        epilog="example: brainwaste fetch --year 2023 --period 1 --states MA,NY",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_selection(p)
    _add(p, "--source", "--base-url", "--data-dir", "--force", "--verify", "--no-progress")

    for name, helptext, desc in (
        (
            "estimate",
            "estimate counts, shares, SEs and MOEs into DATA_DIR/processed",
            "Classify health-degree holders and write DATA_DIR/processed/estimates_{YEAR}_{PERIOD}yr.csv and .parquet "
            "(one row per state x population x outcome) with a .meta.json naming the profile, data and version.",
        ),
        (
            "report",
            "fetch (if needed), estimate, draw figures and tables: the whole job",
            "Run the whole job: get records, estimate, and write figures (REPORTS_DIR/figures), the workbook "
            "(REPORTS_DIR/tables/brainwaste_tables.xlsx) and the gallery. --sample runs offline on the synthetic sample.",
        ),
    ):
        p = sub.add_parser(name, help=helptext, description=desc)
        src = p.add_mutually_exclusive_group()
        src.add_argument(
            "--sample",
            action="store_true",
            help="use the embedded synthetic sample (offline; outputs marked SYNTHETIC)",
        )
        src.add_argument(
            "--input",
            metavar="PATH",
            help="a PUMS person table you already have: Census csv or zip, or parquet with PUMS column names",
        )
        _add_selection(p)
        if name == "estimate":
            _add(p, "--profile", "--source", "--base-url", "--data-dir")
            p.add_argument(
                "--breakdown",
                action="append",
                metavar="NAME",
                help="also estimate by a breakdown (repeatable): " + ", ".join(_breakdowns()),
            )
        else:
            _add(p, *REPORT_OPTIONS)
        _add(p, "--no-progress")

    p = sub.add_parser(
        "trend",
        help="estimate several survey years on one definition and test their changes",
        description="Estimate every survey year on one definition profile and write "
        "DATA_DIR/processed/trend_{FIRST}-{LAST}_{PERIOD}yr.csv (the estimates of each year) and "
        "changes_{FIRST}-{LAST}_{PERIOD}yr.csv (differences between years with their SE, 90% MOE and "
        "significance), earnings in the last year's dollars (CPI-U-RS), the trend figures, workbook "
        "and gallery. Years already estimated with the same profile, inputs and version are reused.",
        epilog="examples:\n  brainwaste trend --sample\n"
        "  brainwaste trend --years 2012-2024 --period 1 --states MA,US\n"
        "  brainwaste trend --years 2014,2019,2024 --period 5 --states all",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--sample",
        action="store_true",
        help="the embedded synthetic sample over several years (offline; default years "
        "2016,2019,2022,2024, every state; outputs marked SYNTHETIC)",
    )
    p.add_argument(
        "--years",
        metavar="YEARS",
        help="a range 2012-2024 or a list 2016,2019,2024 (2020 1-year is skipped: no standard file)",
    )
    p.add_argument(
        "--period",
        type=_period,
        help="1 (1-year files) or 5 (5-year files, which must not overlap: e.g. 2014,2019,2024)",
    )
    p.add_argument(
        "--states",
        metavar="LIST",
        help="USPS codes like MA,NY; MA,US for a state and the nation (national file); 'all' for every state",
    )
    _add(p, *REPORT_OPTIONS, "--no-figures", "--no-progress")

    p = sub.add_parser(
        "figures",
        help="redraw figures and tables from DATA_DIR/processed",
        description="Draw the chart catalog and the workbook from the estimates already in DATA_DIR/processed.",
    )
    p.add_argument("--year", type=_year, help="which estimates (default: the latest written)")
    p.add_argument("--period", type=_period, help="which estimates (default: the latest written)")
    _add(p, "--data-dir", "--reports-dir", "--style")

    p = sub.add_parser(
        "factsheet",
        help="two-page fact sheets (PDF, HTML, Markdown) for one state or every state",
        description="Write REPORTS_DIR/factsheets/{ST}_{YEAR}_{PERIOD}yr_{PROFILE}.pdf (US Letter, at most "
        "two pages), .html and .md: a headline sentence, key numbers in words with their 90% margins of "
        "error, three or four charts, and how the numbers were made.",
        epilog="examples:\n  brainwaste factsheet --sample --state MA\n"
        "  brainwaste factsheet --year 2023 --period 5 --state NY --style ourstyle.toml\n"
        "  brainwaste factsheet --sample --states all",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--sample",
        action="store_true",
        help="use the embedded synthetic sample (offline; every page marked SYNTHETIC)",
    )
    src.add_argument("--input", metavar="PATH", help="a PUMS person table you already have")
    p.add_argument(
        "--year", type=_years, help="survey year; with --period 1 a range pools 1-year files"
    )
    _add(p, "--period")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--state", metavar="ST", help="the state of the fact sheet (USPS code, or US)"
    )
    where.add_argument(
        "--states",
        metavar="LIST",
        help="one fact sheet per state: a list like MA,NY, or 'all' (every state and DC)",
    )
    _add(p, *REPORT_OPTIONS, "--no-progress")

    p = sub.add_parser(
        "check",
        help="compare PUMS-weighted totals with published ACS tables or a verification file",
        description="Weighted totals over all person records (total population, foreign born, 25+ with a "
        "bachelor's or higher; with --verification also sex and age groups) compared with the ACS "
        "published tables (--published, via the census package; needs CENSUS_API_KEY) and/or a Census "
        "'PUMS Estimates for User Verification' CSV (--verification FILE).",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--sample", action="store_true", help="check the synthetic sample")
    src.add_argument("--input", metavar="PATH", help="a PUMS person file you already have")
    _add_selection(p, pool=False)
    _add(p, "--base-url", "--published", "--verification", "--data-dir", "--no-progress")

    p = sub.add_parser("profiles", help="list the definition profiles and their settings")
    return parser


def _breakdowns() -> list[str]:
    from .method.categories import BREAKDOWNS

    return list(BREAKDOWNS)


def _getting(args) -> dict:
    """How the library gets records, from --data-dir, --base-url and --no-progress."""
    return {"data_dir": args.data_dir, "base_url": args.base_url, "progress": not args.no_progress}


def _dataset(args, states: str | None = None):
    """The records the arguments name, read and classified (`states` in place of --states)."""
    from .api import load

    ds = load(
        year=args.year,
        period=args.period,
        states=args.states if states is None else states,
        input=args.input,
        source="sample" if args.sample else args.source,
        profile=args.profile,
        **_getting(args),
    )
    for warning in ds.persons.warnings:  # once per run, also kept in the metadata
        print(f"brainwaste: warning: {warning}", file=sys.stderr)
    return ds


def _cmd_sample(args) -> None:
    from .geography import parse_states
    from .pums import synthetic
    from .report import SAMPLE_SEED, SAMPLE_YEAR, log, synthetic_default_states

    seed = SAMPLE_SEED if args.seed is None else args.seed
    states = parse_states(args.states) if args.states else synthetic_default_states()
    if states == ["US"]:
        states = synthetic_default_states()
    out = args.out or (config.raw_dir(args.data_dir) / "sample" / f"seed{seed}")
    paths = synthetic.write_sample(out, states=states, year=SAMPLE_YEAR, seed=seed)
    for p in paths:
        log(f"wrote {p}")
    print(f"{len(paths)} synthetic state file(s) in {out} ({SYNTHETIC_MARK})")


def _cmd_fetch(args) -> None:
    from .acquire import fetch_files, verify

    if args.verify:
        problems = verify(args.data_dir)
        if problems:
            for p in problems:
                print(p, file=sys.stderr)
            raise InputError(
                f"{len(problems)} damaged or missing file(s) in the cache: run fetch with --force"
            )
        print("every file in the manifest is intact")
        return
    if args.year is None or args.period is None or not args.states:
        raise InputError("fetch needs --year, --period and --states (or --verify)")
    if args.source == "api":
        from .geography import parse_states
        from .method.profile import load_profile
        from .report import api_persons

        if len(args.year) > 1:
            raise InputError("--source api fetches one year at a time")
        persons = api_persons(
            args.year[0],
            args.period,
            parse_states(args.states),
            load_profile("mpi"),
            data_dir=args.data_dir,
        )
        print(
            f"{persons.n_records_read} records from the API cached in {config.raw_dir(args.data_dir)}"
        )
        return
    paths = []
    for year in args.year:
        paths += fetch_files(
            year,
            args.period,
            args.states,
            **_getting(args),
            force=args.force,
        )
    for p in paths:
        print(p)


def _summary(table, ds=None) -> None:
    """A few headline rows on stdout: underutilization rates by group, and whether the
    foreign-educated numbers are thin."""
    if ds is not None:
        from .report import thin_numbers_note

        thin = thin_numbers_note(table, ds.period, len(ds.pooled_years) > 1)
    else:
        thin = None
    t = table[(table["outcome"] == "underutilized") & (table["breakdown"] == "none")]
    if t.empty:
        return
    print(f"{'state':5} {'population':28} {'underutilized':>14} {'rate':>7} {'moe90':>6} {'n':>6}")
    for r in t.itertuples():
        rate = "" if r.share != r.share else f"{100 * r.share:.1f}%"
        moe = "" if r.share_moe90 != r.share_moe90 else f"{100 * r.share_moe90:.1f}"
        count = "" if r.count != r.count else f"{r.count:,.0f}"
        flag = "" if r.reliable else " *"
        print(
            f"{r.state:5} {r.population:28} {count:>14} {rate:>7} {moe:>6} {r.n_unweighted:>6}{flag}"
        )
    print(f"* unreliable: {RELIABILITY_RULE}")
    if thin:
        print(f"note: {thin}")


def _estimate_and_say(args, make) -> None:
    """Read and classify the records the arguments name, make the tables with `make(ds)`, then
    print the synthetic mark, the summary table and the dataset's notes."""
    ds = _dataset(args)
    tables = make(ds)
    if ds.synthetic:
        print(SYNTHETIC_NOT_ESTIMATES)
    _summary(tables["estimates"], ds)
    # the dataset's notes (missing columns, pooled years, ...), the synthetic mark printed above
    for note in ds.notes[1:] if ds.synthetic else ds.notes:
        print(f"note: {note}")


def _cmd_estimate(args) -> None:
    from .api import write

    _estimate_and_say(args, lambda ds: write(ds, data_dir=args.data_dir, breakdowns=args.breakdown))


def _cmd_report(args) -> None:
    from .api import make_report

    _estimate_and_say(
        args, lambda ds: make_report(ds, data_dir=args.data_dir, reports_dir=args.reports_dir)
    )
    print(
        f"outputs: {config.processed_dir(args.data_dir)} and {config.reports_dir(args.reports_dir)}"
    )


def _cmd_trend(args) -> None:
    from .trend import draw_trend, write_trend
    from .trend import trend as estimate_trend

    source = "sample" if args.sample else args.source
    trend = estimate_trend(
        args.years, args.period, args.states, profile=args.profile, source=source, **_getting(args)
    )
    write_trend(trend, args.data_dir)
    if not args.no_figures:
        draw_trend(trend, args.reports_dir)
    if trend.synthetic:
        print(SYNTHETIC_NOT_ESTIMATES)
    _trend_summary(trend)
    for note in trend.notes:
        print(f"note: {note}")
    reused = ", ".join(map(str, trend.reused)) or "none"
    print(f"years: {', '.join(map(str, trend.years))} (kept results reused: {reused})")
    print(
        f"outputs: {config.processed_dir(args.data_dir)}"
        + ("" if args.no_figures else f" and {config.reports_dir(args.reports_dir)}")
    )


def _trend_summary(trend) -> None:
    """The underutilization rate's change from the first to the last year, by state and group."""
    c = trend.changes
    c = c[
        (c["outcome"] == "underutilized")
        & (c["year_from"] == trend.years[0])
        & (c["year_to"] == trend.years[-1])
    ]
    states = list(dict.fromkeys(c["state"]))
    if len(states) > 6:  # every state: the focus state and the nation (all in the changes file)
        from .figures.catalog import focus_state

        c = c[c["state"].isin([focus_state(states), "US"])]
    if c.empty:
        return
    print(f"underutilization rate, {trend.years[0]} -> {trend.years[-1]} (change, 90% MOE)")
    for r in c.itertuples():
        if r.share_from != r.share_from and r.share_to != r.share_to:
            continue
        diff = "" if r.share_diff != r.share_diff else f"{100 * r.share_diff:+.1f}"
        moe = "" if r.share_diff_moe90 != r.share_diff_moe90 else f"{100 * r.share_diff_moe90:.1f}"
        sig = {True: " significant", False: ""}.get(r.significant90, "")
        print(
            f"{r.state:5} {r.population:28} {100 * r.share_from:5.1f}% -> {100 * r.share_to:5.1f}% "
            f"{diff:>6} +/- {moe:>4}{sig}"
        )


def _cmd_figures(args) -> None:
    from .api import figures

    written = figures(
        data_dir=args.data_dir, reports_dir=args.reports_dir, year=args.year, period=args.period
    )
    print(f"{len(written)} files in {config.reports_dir(args.reports_dir)}")


def _cmd_factsheet(args) -> None:
    from .factsheet import write_factsheets, years_available
    from .geography import NATION, fifty_states_and_dc, parse_states
    from .report import build_tables, metadata

    if not (args.state or args.states):
        raise InputError("say which state: --state MA, or --states all for every state")
    places = parse_states(args.state or args.states)
    if places == [NATION] and args.states:
        places = fifty_states_and_dc()
    # The nation's numbers come with every state's records: the sample always has them; for
    # downloaded files only a run over every state (or the national file) does.
    wanted = None if args.sample else ("all" if args.states else ",".join(places))
    ds = _dataset(args, states=wanted)
    tables = build_tables(ds, extras=True)
    all_years = years_available(args.data_dir, ds.profile.name, ds.period, ds.synthetic)
    paths = write_factsheets(
        tables,
        metadata(ds),
        places,
        args.reports_dir,
        None,
        all_years,
        progress=not args.no_progress,
    )
    if ds.synthetic:
        print(SYNTHETIC_NOT_ESTIMATES)
    for p in paths:
        print(p)


def _cmd_check(args) -> None:
    from . import check
    from .geography import state
    from .report import log, sample_paths

    if not (args.published or args.verification):
        raise InputError("say what to compare with: --published and/or --verification FILE")
    if args.sample:
        paths = sample_paths(args.data_dir)
        year, period = 2024, 1
    elif args.input:
        paths, year, period = [args.input], args.year, args.period
    else:
        if args.year is None or args.period is None or not args.states:
            raise InputError("give --sample, --input PATH, or --year, --period and --states")
        from .acquire import fetch_files

        paths = fetch_files(
            args.year,
            args.period,
            args.states,
            **_getting(args),
        )
        year, period = args.year, args.period
    log(f"summing weights over every record of {len(paths)} file(s)")
    pums = check.pums_totals(paths, year, period)
    pums["state"] = pums["STATE"].map(lambda f: state(f).usps)
    if args.published:
        if year is None or period is None:
            raise InputError(
                "--published needs --year and --period (the survey the input comes from)"
            )
        states = sorted(pums["state"].unique())
        t = check.compare_published(pums, check.published_totals(year, period, states))
        print(f"PUMS-weighted totals against the published ACS {year} {period}-year tables")
        print(
            check.format_table(
                t,
                [
                    "state",
                    "characteristic",
                    "pums_estimate",
                    "pums_se",
                    "published_estimate",
                    "published_moe90",
                    "difference",
                    "difference_pct",
                    "within_published_moe",
                ],
            )
        )
    if args.verification:
        verification = check.read_verification(args.verification)
        warning = check.period_mismatch(pums, verification)
        if warning:
            print(f"warning: {warning}")
        t = check.compare_verification(pums, verification)
        t["state"] = t["STATE"].map(lambda f: state(f).usps)
        done = t[t["matches"].notna()]
        print("PUMS-weighted totals against the Census verification estimates")
        print(
            check.format_table(
                done,
                [
                    "state",
                    "characteristic",
                    "pums_estimate",
                    "census_estimate",
                    "difference",
                    "pums_se",
                    "census_se",
                    "matches",
                ],
            )
        )
        n_ok = int(done["matches"].astype(bool).sum())
        print(
            f"{n_ok} of {len(done)} characteristics match (estimate exactly, SE to the published rounding); "
            f"{len(t) - len(done)} need housing records and were not checked"
        )


def _cmd_profiles(args) -> None:
    from .method.profile import load_profile, packaged_profiles

    for name in packaged_profiles():
        p = load_profile(name)
        print(f"{name:16} {p.description}")


COMMANDS = {
    "sample": _cmd_sample,
    "fetch": _cmd_fetch,
    "estimate": _cmd_estimate,
    "report": _cmd_report,
    "figures": _cmd_figures,
    "trend": _cmd_trend,
    "check": _cmd_check,
    "factsheet": _cmd_factsheet,
    "profiles": _cmd_profiles,
}


def _show_warning(message, category, *args, **kwargs) -> None:
    print(f"brainwaste: warning: {message}", file=sys.stderr)


def _house_style(path: str | None):
    """The house style for the whole command: --style, else $BRAINWASTE_STYLE (checked before
    any work starts, so a bad file stops the command at once)."""
    if path is None and not os.environ.get("BRAINWASTE_STYLE", "").strip():
        return contextlib.nullcontext()
    from .figures import style

    return style.using(path)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        with warnings.catch_warnings(), _house_style(getattr(args, "style", None)):
            warnings.showwarning = _show_warning
            COMMANDS[args.command](args)
    except BrainwasteError as exc:
        print(f"brainwaste {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            f"brainwaste {args.command}: interrupted; nothing half-written was kept",
            file=sys.stderr,
        )
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
