"""The report notebooks: their parameters, the run description they print first, figure display,
and the renderer that executes them for other parameters.

Each notebook in ``notebooks/`` starts with a cell tagged ``parameters`` (papermill's
convention) assigning the names of :class:`Parameters`; the defaults run on the embedded
synthetic sample, offline. The renderer::

    python -m brainwaste.notebooks [-p NAME VALUE]... [--only 01] [--reports-dir DIR]

executes every notebook (or those whose name starts with an ``--only`` prefix) with papermill
into ``REPORTS_DIR/notebooks/NAME.ipynb``; each notebook's figures go to
``REPORTS_DIR/notebooks/NAME/figures/``. Parameters are checked before any notebook starts, so
a bad value stops the run with a one-line reason and exit status 2.
"""

from __future__ import annotations

import argparse
import ast
import base64
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd

from . import __version__, config
from .acquire.products import validate_period
from .errors import BrainwasteError, InputError
from .geography import NATION, fifty_states_and_dc, parse_states, state
from .method.profile import load_profile
from .report import SAMPLE_PERIOD, SAMPLE_YEAR, Dataset, inputs_checksum
from .wording import SYNTHETIC_MARK
from .years import parse_years

#: Where the records come from: the embedded synthetic sample, Census bulk files, the PUMS API.
SOURCES = ("sample", "files", "api")

#: Parameters set by the renderer itself, not with ``-p``.
RENDERER_SET = ("reports_dir",)

#: Width, in screen pixels, at which figures show in a notebook (the PNG files are 300 dpi).
DISPLAY_WIDTH = 760


class NotebookError(BrainwasteError):
    """A notebook failed while the renderer executed it."""

    exit_code = 1


def _source_and_period(source: str, period) -> int:
    """The period as a number, once `source` and `period` are known to be valid parameters."""
    if source not in SOURCES:
        raise InputError(f"source: {source!r} is not one of {', '.join(SOURCES)}")
    try:
        number = int(period)
    except (TypeError, ValueError):
        number = None
    if number not in (1, 5):
        raise InputError(f"period: {period!r} is not 1 (1-year file) or 5 (5-year file)")
    return number


def _year_or_years(value) -> int | list[int]:
    """A survey year, or several (1-year files pooled): 2023, "2023", "2022-2024", "2022,2024"."""
    years = parse_years(value, label="year")
    return years[0] if len(years) == 1 else years


@dataclass(frozen=True)
class Parameters:
    """The parameters every notebook takes, checked when made (errors say what to use instead).

    - ``year``: survey year (last year of a 5-year file), or "2022-2024" to pool 1-year files;
    - ``period``: 1 or 5;
    - ``states``: USPS codes "MA,NY", "all" (50 states and DC, with a U.S. total) or "US";
    - ``source``: "sample" (the synthetic sample: 2024, 1-year), "files" (Census bulk files,
      downloaded into ``data_dir`` once) or "api" (the PUMS API, needs ``CENSUS_API_KEY``);
    - ``input_path``: a PUMS person file you already have (csv, zip or parquet), read instead of
      downloading; needs ``source="files"``;
    - ``profile``: a packaged definition profile (``mpi``, ``broad``...) or a .toml path;
    - ``data_dir``: downloads and caches; ``reports_dir``: where figures are written.
    """

    year: int | str | list[int] = SAMPLE_YEAR
    period: int = SAMPLE_PERIOD
    states: str = "MA"
    source: str = "sample"
    input_path: str | None = None
    profile: str = "mpi"
    data_dir: str = "../data"
    reports_dir: str = "../reports/notebooks"

    def __post_init__(self) -> None:
        period = _source_and_period(self.source, self.period)
        year = _year_or_years(self.year)
        if isinstance(year, list) and period != 1:
            raise InputError("year: only 1-year files can be pooled (5-year files overlap)")
        for y in year if isinstance(year, list) else [year]:
            validate_period(y, period)  # e.g. there is no standard 2020 1-year file
        if self.source == "api":
            config.require_census_api_key("source 'api'")
        if self.source == "sample" and (year, period) != (SAMPLE_YEAR, SAMPLE_PERIOD):
            raise InputError(
                f"the synthetic sample is the {SAMPLE_YEAR} {SAMPLE_PERIOD}-year file: for "
                f"year {self.year} period {self.period} use source 'files' (or 'api')"
            )
        if self.input_path not in (None, ""):
            if self.source != "files":
                raise InputError(
                    f"input_path reads your own file: use it with source 'files', not {self.source!r}"
                )
            if not Path(self.input_path).exists():
                raise InputError(f"input_path: no such file {self.input_path}")
        if not str(self.states or "").strip():
            raise InputError("states: give USPS codes such as MA,NY, or 'all', or US")
        parse_states(self.states)
        load_profile(self.profile)  # unknown names and invalid files fail here
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "period", period)
        object.__setattr__(self, "input_path", self.input_path or None)

    def load(self, profile: str | None = None) -> Dataset:
        """Read and classify the records these parameters name (with another profile if given),
        with :func:`brainwaste.load`."""
        from .api import load

        common = {"profile": profile or self.profile, "data_dir": self.data_dir}
        if self.source == "sample":
            return load(source="sample", states=self.states, **common)
        if self.input_path:
            states = None if self.states.strip().lower() == "all" else self.states
            return load(input=self.input_path, states=states, **common)
        return load(
            year=self.year, period=self.period, states=self.states, source=self.source, **common
        )


PARAMETER_NAMES = tuple(f.name for f in fields(Parameters))


@dataclass(frozen=True)
class TrendParameters:
    """The parameters of the trend notebook (``04-trends``), checked when made.

    - ``years``: "2016,2019,2022,2024", a range "2012-2024", or a list; with ``source="sample"``
      years of the synthetic sample (2013-2024 but 2020);
    - ``period``: 1, or 5 for non-overlapping 5-year files (years at least 5 apart);
    - ``states``: "all" (every state and their total), "MA,US" (a state and the national file)
      or a list such as "MA,NY";
    - ``source``: "sample", "files" or "api"; ``profile``, ``data_dir``, ``reports_dir`` as
      for the other notebooks.
    """

    years: str | list[int] = "2016,2019,2022,2024"
    period: int = SAMPLE_PERIOD
    states: str = "all"
    source: str = "sample"
    profile: str = "mpi"
    data_dir: str = "../data"
    reports_dir: str = "../reports/notebooks/04-trends"

    def __post_init__(self) -> None:
        from .sample_years import check_years
        from .trend import parse_years, plan_years

        period = _source_and_period(self.source, self.period)
        plan = plan_years(parse_years(self.years), period)
        if self.source == "sample":
            if period != 1:
                raise InputError("the synthetic sample holds 1-year files: use period 1")
            check_years(list(plan.years))
        if self.source == "api":
            config.require_census_api_key("source 'api'")
        if not str(self.states or "").strip():
            raise InputError("states: give USPS codes such as MA,NY, 'all', or MA,US")
        load_profile(self.profile)
        years = ",".join(str(y) for y in parse_years(self.years))
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "period", period)

    def load(self):
        """Estimate the trend these parameters name (kept years are reused)."""
        from .trend import trend

        return trend(
            self.years,
            self.period,
            self.states,
            profile=self.profile,
            source=self.source,
            data_dir=self.data_dir,
            progress=False,
        )


TREND_PARAMETER_NAMES = tuple(f.name for f in fields(TrendParameters))


def parameters_class(defaults: dict) -> type:
    """The parameters class of a notebook, from the names its parameters cell sets."""
    return TrendParameters if "years" in defaults else Parameters


def parameter_names(defaults: dict) -> tuple[str, ...]:
    return TREND_PARAMETER_NAMES if "years" in defaults else PARAMETER_NAMES


# -- what a notebook prints first ----------------------------------------------------------------


def _states_text(ds: Dataset) -> str:
    states = ds.report_states
    if set(fifty_states_and_dc()) <= set(states):
        return "50 states and DC, and their total for the United States (US)"
    names = [f"{state(s).name} ({s})" for s in states if s != NATION]
    return ", ".join(names)


def describe(ds: Dataset) -> str:
    """The run, in the order a reader checks it: data year, profile, package version, synthetic
    or not, input checksum; then states, records and the notes of the run."""
    period = f"{ds.period}-year file" + (
        f", {ds.years_label} pooled" if len(ds.pooled_years) > 1 else ""
    )
    checksum = inputs_checksum(ds.inputs)
    n = len(ds.inputs)
    lines = [
        f"data year:       {ds.year} ({period})",
        f"profile:         {ds.profile.name} ({ds.profile.description})",
        f"brainwaste:      {__version__}",
        "data:            "
        + (
            f"{SYNTHETIC_MARK} (the sample generated by brainwaste), NOT Census data"
            if ds.synthetic
            else f"ACS PUMS (source: {ds.source})"
        ),
        "input checksum:  "
        + (
            f"sha256 {checksum} ({n} file{'s' if n != 1 else ''}; sha256 of the sorted lines "
            "'file-sha256 bytes name')"
            if checksum
            else "none (records from the Census API: no input file)"
        ),
        f"states:          {_states_text(ds)}",
        f"records kept:    {len(ds.classified):,} of {ds.persons.n_records_read:,} read; "
        f"replicate weights: {'yes' if ds.persons.has_replicate_weights else 'no (no MOEs)'}",
    ]
    lines += [f"note:            {note}" for note in ds.notes]
    lines += [f"warning:         {w}" for w in ds.persons.warnings]
    thin = ds.thin_numbers()
    if thin:
        lines.append(f"note:            {thin}")
    if ds.synthetic:
        lines.append("")
        lines.append(
            f"*** {SYNTHETIC_MARK}: every number below illustrates the method; never quote it. ***"
        )
    return "\n".join(lines)


# -- figures in a notebook -----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A chart written by the package's exporter, displayed in a notebook by its PNG."""

    paths: tuple[Path, ...]

    @property
    def name(self) -> str:
        return self.paths[0].name.rsplit(".", 1)[0]

    def file(self, suffix: str) -> Path:
        return next(p for p in self.paths if p.name.endswith(f".{suffix}"))

    def alt_text(self) -> str:
        return self.file("alt.txt").read_text(encoding="utf-8").strip()

    def _repr_mimebundle_(self, include=None, exclude=None):
        png = base64.b64encode(self.file("png").read_bytes()).decode("ascii")
        data = {"image/png": png, "text/plain": f"{self.name}: {self.alt_text()}"}
        return data, {"image/png": {"width": DISPLAY_WIDTH}}


@dataclass(frozen=True)
class Missing:
    """What a notebook shows instead of a chart whose table the run does not have."""

    what: str

    def __repr__(self) -> str:
        return f"not drawn: this run has no {self.what} table"


def figure(
    chart: Callable[..., list[Path]],
    table: pd.DataFrame | None,
    *args,
    **kwargs,
) -> Figure | Missing:
    """Draw `chart` from `table` (a function of :mod:`brainwaste.figures.charts`, which writes
    PNG, SVG, PDF, alt text and CSV through the exporter) and return it for display; a note
    when the run has no such table (e.g. the health workforce in an API extract)."""
    if table is None:
        return Missing(chart.__name__.replace("_", " "))
    paths = tuple(chart(table, *args, **kwargs))
    fig = Figure(paths)
    folder = paths[0].parent
    print(f"{fig.name}: .png .svg .pdf .alt.txt .csv in {folder}")
    return fig


# -- stored notebooks ----------------------------------------------------------------------------

#: Metadata a run leaves on cells and notebooks (timings, papermill's record), never stored.
RUN_METADATA = ("execution", "papermill", "ExecuteTime", "collapsed", "scrolled")


def clear_outputs(path: str | os.PathLike) -> bool:
    """Store a notebook the way the repository keeps them: no outputs, no execution counts, no
    run metadata, and no cell papermill injected. Returns whether the file changed."""
    import nbformat

    path = Path(path)
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in RUN_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata.pop("papermill", None)
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


# -- the renderer --------------------------------------------------------------------------------


def default_notebooks_dir() -> Path:
    """./notebooks when run from the project, else the notebooks beside the package source."""
    here = Path("notebooks")
    return here if here.is_dir() else Path(__file__).resolve().parent.parent / "notebooks"


def notebook_paths(
    notebooks_dir: str | os.PathLike, only: Sequence[str] | None = None
) -> list[Path]:
    """The notebooks to render, in name order; `only` keeps names starting with a prefix."""
    folder = Path(notebooks_dir)
    books = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not books:
        raise InputError(f"no notebooks in {folder}: give --notebooks-dir")
    if only:
        chosen = [p for p in books if any(p.stem.startswith(o) for o in only)]
        unknown = [o for o in only if not any(p.stem.startswith(o) for p in books)]
        if unknown:
            raise InputError(
                f"--only {', '.join(unknown)}: no such notebook; "
                f"there are {', '.join(p.stem for p in books)}"
            )
        books = chosen
    return books


def parse_parameter(name: str, text: str):
    """A ``-p NAME VALUE`` pair as the value the notebook receives (checked by
    :class:`Parameters` afterwards)."""
    if name in RENDERER_SET:
        raise InputError(f"-p {name}: set by the renderer; use --reports-dir instead")
    known = dict.fromkeys([*PARAMETER_NAMES, *TREND_PARAMETER_NAMES])
    if name not in known:
        allowed = ", ".join(n for n in known if n not in RENDERER_SET)
        raise InputError(f"-p {name}: unknown notebook parameter; use one of {allowed}")
    text = text.strip()
    if name == "year":
        return _year_or_years(text)
    if name == "years":
        from .trend import parse_years

        return ",".join(str(y) for y in parse_years(text))
    if name == "period":
        if text not in ("1", "5"):
            raise InputError(f"-p period {text}: use 1 (1-year file) or 5 (5-year file)")
        return int(text)
    if name == "input_path":
        return None if text.lower() in ("", "none") else str(Path(text).resolve())
    if name == "data_dir":
        return str(Path(text).resolve())
    if name == "profile" and (text.endswith(".toml") or Path(text).exists()):
        return str(Path(text).resolve())  # the notebook runs in notebooks/, not here
    return text


def notebook_defaults(path: str | os.PathLike) -> dict:
    """The values a notebook's ``parameters`` cell assigns (literals only)."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    cell = next(
        (c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None
    )
    if cell is None or cell.cell_type != "code":
        raise InputError(f"{path}: no code cell tagged 'parameters'")
    values = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                values[target.id] = ast.literal_eval(node.value)
    return values


def prepare(path: Path, overrides: dict, reports_dir: Path, data_dir: Path | None = None) -> dict:
    """The parameters one notebook runs with: its own defaults, then `overrides`, with absolute
    data and reports directories; checked with :class:`Parameters` (raises InputError)."""
    values = notebook_defaults(path)
    names = parameter_names(values)
    missing = [n for n in names if n not in values]
    if missing:
        raise InputError(f"{path.name}: the parameters cell does not set {', '.join(missing)}")
    # A parameter only some notebooks take (year, input_path; years) goes to those.
    values.update({k: v for k, v in overrides.items() if k in names})
    if "data_dir" not in overrides:
        values["data_dir"] = str(Path(data_dir or config.data_dir()).resolve())
    values["reports_dir"] = str((reports_dir / path.stem).resolve())
    params = parameters_class(values)(**values)
    return asdict(params)


def render(
    overrides: dict | None = None,
    only: Sequence[str] | None = None,
    reports_dir: str | os.PathLike | None = None,
    notebooks_dir: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> list[Path]:
    """Execute the notebooks with papermill into REPORTS_DIR/notebooks/NAME.ipynb.

    Every notebook's parameters are checked before the first one starts. A notebook that fails
    is still written (up to the failing cell) and the others still run; then NotebookError says
    which failed and why.
    """
    import papermill

    books = notebook_paths(notebooks_dir or default_notebooks_dir(), only)
    out_dir = config.reports_dir(reports_dir).resolve() / "notebooks"
    plans = [(p, prepare(p, dict(overrides or {}), out_dir, data_dir)) for p in books]
    out_dir.mkdir(parents=True, exist_ok=True)
    written, failures = [], []
    for path, params in plans:
        target = out_dir / path.name
        start = time.perf_counter()
        if progress:
            print(f"brainwaste: rendering {path.name} -> {target}", file=sys.stderr, flush=True)
        try:
            papermill.execute_notebook(
                str(path),
                str(target),
                parameters=params,
                cwd=str(path.parent),
                progress_bar=False,
                log_output=False,
            )
        except papermill.PapermillExecutionError as exc:
            failures.append(
                f"{path.name} failed in cell [{exc.exec_count}]: {exc.ename}: {exc.evalue} "
                f"(see {target})"
            )
            continue
        written.append(target)
        if progress:
            print(
                f"brainwaste: wrote {target} ({time.perf_counter() - start:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
    if failures:
        raise NotebookError("; ".join(failures))
    return written


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m brainwaste.notebooks",
        description="Execute the report notebooks with other parameters (papermill) into "
        "REPORTS_DIR/notebooks/NAME.ipynb, figures in REPORTS_DIR/notebooks/NAME/figures/.",
        epilog="parameters: "
        + ", ".join(
            n
            for n in dict.fromkeys([*PARAMETER_NAMES, *TREND_PARAMETER_NAMES])
            if n not in RENDERER_SET
        )
        + "\nexamples:\n"
        "  python -m brainwaste.notebooks -p states NY,NJ\n"
        "  python -m brainwaste.notebooks -p source files -p year 2023 -p period 1 -p states MA\n"
        "  python -m brainwaste.notebooks --only 01 -p profile broad",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter (repeatable)",
    )
    p.add_argument(
        "--only",
        action="append",
        metavar="PREFIX",
        help="render only the notebooks whose name starts with PREFIX (repeatable), e.g. 01",
    )
    p.add_argument(
        "--reports-dir", help="output root (default: $BRAINWASTE_REPORTS_DIR or reports)"
    )
    p.add_argument("--notebooks-dir", help="where the notebooks are (default: notebooks)")
    p.add_argument("--list", action="store_true", help="list the notebooks and their defaults")
    p.add_argument(
        "--clear",
        action="store_true",
        help="clear outputs and run metadata of the notebooks in place (as they are stored), "
        "then exit",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.clear:
            for path in notebook_paths(args.notebooks_dir or default_notebooks_dir(), args.only):
                print(f"{path}: {'cleared' if clear_outputs(path) else 'already clean'}")
            return 0
        if args.list:
            for path in notebook_paths(args.notebooks_dir or default_notebooks_dir(), args.only):
                defaults = notebook_defaults(path)
                shown = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
                print(f"{path.stem}: {shown}")
            return 0
        overrides = {}
        for name, value in args.parameter:
            overrides[name] = parse_parameter(name, value)
        render(overrides, args.only, args.reports_dir, args.notebooks_dir)
    except BrainwasteError as exc:
        print(f"brainwaste.notebooks: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
