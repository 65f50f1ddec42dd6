"""Speed and memory of brainwaste on national-scale PUMS files (see docs/performance.md).

    python benchmarks/run.py [--sizes 0.5M,1M,3.3M] [--full-16m] [--repeat 3] [--repeat-16m 1]
                             [--out benchmarks/out] [--trend-years 2013-2024] [--no-trend]

For each size a synthetic national person file (``csv_pus.zip`` in the full 2024 layout, parts
psam_pusa.csv, psam_pusb.csv, ...) is generated once and kept in OUT/data/SIZE/. Every measurement
runs in a fresh Python process, so its peak resident memory (ru_maxrss) is its own:

  unzip        `unzip -p FILE > /dev/null`: inflating the zip, nothing else (the physical floor
               of the job on one core; its CPU time is the child's)
  a_floor      pyarrow reading only the needed columns (open_csv, include_columns, pyarrow's own
               type inference): the I/O floor of the brief
  a_typed      the same with the column types declared (no inference): a tighter floor
  b_zip        brainwaste from the zip to the estimates table of every state and the nation
               (read_persons with the universe prefilter, classify, estimate_outcomes)
  b_prescan    b with the compiled pre-scan of the weight fields at any size
               (BRAINWASTE_PRESCAN_BYTES=0; b uses it from 512 MiB of CSV and parses smaller
               files in full with pyarrow); run right after b each round
  cache_write  b with a parquet cache being written (the first run with a cache directory)
  c_cache      b from that parquet cache
  e_engine     cell totals of the 81 weights and SEs: the package's engine, from one contiguous
               weight array and the records' cell codes, each made once per table (with its
               compiled kernel, numba started first and its start-up timed apart, and with the
               numpy bincounts), against a pandas loop with one groupby-sum per weight; and the
               numbering of the cells from the three key columns, timed apart (in one process,
               timed alternately, medians)

Then, once (not per size; --no-trend skips it): `brainwaste trend --years 2013-2024 --states all
--sample` in a fresh folder, the first run and then --repeat second runs (every year's results
kept), each a fresh process timed whole, checking that the second runs leave every output as
the first wrote it.

Once per invocation, numba's start in a fresh process is timed with an empty kernel cache (the
first run ever: numba compiles) and again with it filled (numba_cold, numba_warm).

Results go to OUT/results.json and OUT/results.md and are printed. This is not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

TASKS_REPEATED = ("unzip", "a_floor", "a_typed", "b_zip", "b_prescan", "c_cache")
DEFAULT_SIZES = "0.5M,1M,3.3M"


# -- sizes and data ------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    t = text.strip().upper()
    scale = {"K": 1_000, "M": 1_000_000}.get(t[-1:], 1)
    return int(round(float(t[:-1] if scale > 1 else t) * scale))


def size_label(n: int) -> str:
    return f"{n / 1e6:g}M"


def ensure_data(out: Path, n: int) -> Path:
    """The national zip of `n` records under OUT/data, generated if absent."""
    path = out / "data" / size_label(n) / "csv_pus.zip"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists() and json.loads(meta.read_text())["records"] == n:
        return path
    print(f"generating {size_label(n)} records -> {path}", flush=True)
    t = time.perf_counter()
    # In a child process, so that the generator's memory does not stay with this one.
    code = f"import national, sys; national.write_national_zip(sys.argv[1], {n})"
    subprocess.run([sys.executable, "-c", code, str(path)], cwd=HERE, check=True)
    info = json.loads(meta.read_text())
    print(
        f"  {info['records']:,} records, {info['zip_bytes'] / 1e6:,.0f} MB zip "
        f"({info['csv_bytes'] / 1e6:,.0f} MB CSV) in {time.perf_counter() - t:.0f} s",
        flush=True,
    )
    return path


# -- measurements (each in a child process) ------------------------------------------------------


def _needed_columns(header: list[str]) -> list[str]:
    from brainwaste.pums.readers import _file_columns_needed

    return _file_columns_needed(header, True)


def _members(zip_path: Path) -> list[str]:
    from brainwaste.acquire.products import person_csv_members

    return person_csv_members(zip_path)


def task_unzip(zip_path: Path, **_) -> dict:
    """`unzip -p FILE > /dev/null`: Info-ZIP's inflate (zlib) on one core, with its CRC check."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["unzip", "-p", str(zip_path)], stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"unzip_cpu_s": cpu, "unzip_peak_rss_mb": after.ru_maxrss / 1024}


def _pyarrow_read(zip_path: Path, typed: bool) -> dict:
    import pyarrow.csv as pacsv

    from brainwaste.pums.readers import _file_column_types

    rows = 0
    with zipfile.ZipFile(zip_path) as zf:
        for m in _members(zip_path):
            with zf.open(m) as f:
                header = f.readline().decode().strip().split(",")
            include = _needed_columns(header)
            convert = pacsv.ConvertOptions(
                include_columns=include,
                column_types=_file_column_types(include) if typed else None,
            )
            read = pacsv.ReadOptions(block_size=2 << 20) if typed else None
            with zf.open(m) as f:
                for batch in pacsv.open_csv(f, read_options=read, convert_options=convert):
                    rows += batch.num_rows
    return {"rows": rows, "columns": len(include)}


def task_a_floor(zip_path: Path, **_) -> dict:
    return _pyarrow_read(zip_path, typed=False)


def task_a_typed(zip_path: Path, **_) -> dict:
    return _pyarrow_read(zip_path, typed=True)


def _pipeline(zip_path: Path, cache_dir: Path | None, save: Path | None) -> dict:
    from brainwaste.estimate.outcomes import estimate_outcomes
    from brainwaste.geography import fifty_states_and_dc
    from brainwaste.method.classify import classify, universe_prefilter
    from brainwaste.method.profile import load_profile
    from brainwaste.pums.readers import read_persons

    prof = load_profile("mpi")
    t0 = time.perf_counter()
    persons = read_persons(zip_path, prefilter=universe_prefilter(prof), cache_dir=cache_dir)
    t1 = time.perf_counter()
    classified = classify(persons.frame, prof, file_year=2024)
    t2 = time.perf_counter()
    table = estimate_outcomes(
        classified, prof, year=2024, period=1, national=True, states=fifty_states_and_dc()
    )
    t3 = time.perf_counter()
    if save is not None:
        table.to_parquet(save, index=False)
    return {
        "read_s": t1 - t0,
        "classify_s": t2 - t1,
        "estimate_s": t3 - t2,
        "records_read": persons.n_records_read,
        "records_kept": len(persons.frame),
        "records_in_universe": int(classified["in_universe"].sum()),
        "estimate_rows": len(table),
    }


def task_b_zip(zip_path: Path, save: Path | None = None, **_) -> dict:
    return _pipeline(zip_path, None, save)


def task_b_prescan(zip_path: Path, save: Path | None = None, **_) -> dict:
    """b with the compiled pre-scan for any size (``BRAINWASTE_PRESCAN_BYTES=0``; b uses it from
    512 MiB of CSV, readers.PRESCAN_BYTES, and parses smaller files in full with pyarrow)."""
    os.environ["BRAINWASTE_PRESCAN_BYTES"] = "0"
    return _pipeline(zip_path, None, save)


def _numba_start(cache: Path) -> dict:
    """numba's import and the loading (or compiling) of the reader's kernels, with their cache in
    `cache`: empty on the first call (the first run ever), filled on the next."""
    os.environ["NUMBA_CACHE_DIR"] = str(cache)
    t = time.perf_counter()
    import numba  # noqa: F401

    imported = time.perf_counter() - t
    from brainwaste.pums import scan

    t = time.perf_counter()
    scan.ready(wait=None)
    return {"numba_import_s": imported, "kernels_s": time.perf_counter() - t}


def task_numba_cold(cache_dir: Path, **_) -> dict:
    shutil.rmtree(cache_dir / "numba", ignore_errors=True)
    return _numba_start(cache_dir / "numba")


def task_numba_warm(cache_dir: Path, **_) -> dict:
    return _numba_start(cache_dir / "numba")


def task_cache_write(zip_path: Path, cache_dir: Path, save: Path | None = None, **_) -> dict:
    shutil.rmtree(cache_dir, ignore_errors=True)
    out = _pipeline(zip_path, cache_dir, save)
    out["cache_bytes"] = sum(p.stat().st_size for p in cache_dir.glob("*.parquet"))
    return out


def task_c_cache(zip_path: Path, cache_dir: Path, save: Path | None = None, **_) -> dict:
    if not any(cache_dir.glob("*.parquet")):
        raise SystemExit("c_cache needs the cache: run cache_write first")
    return _pipeline(zip_path, cache_dir, save)


def task_e_engine(zip_path: Path, cache_dir: Path, repeat: int = 3, **_) -> dict:
    """The engine against the pandas loop, in one process, alternately: cell totals and SEs from
    the weight array and the cell codes (each made once per table, their times reported apart),
    with the compiled kernel (numba started first, its start-up timed on its own) and with the
    numpy bincounts; and the numbering of the cells, timed in the same rounds."""
    import baseline
    import numpy as np

    from brainwaste.method.classify import classify, universe_prefilter
    from brainwaste.method.profile import load_profile
    from brainwaste.pums import weights as pums_weights
    from brainwaste.pums.readers import read_persons

    prof = load_profile("mpi")
    persons = read_persons(zip_path, prefilter=universe_prefilter(prof), cache_dir=cache_dir)
    frame = baseline.universe(classify(persons.frame, prof, file_year=2024))
    t = time.perf_counter()
    kernels = pums_weights._compiled_kernels()  # imports numba and loads or compiles the kernel
    if kernels is not None:
        w = baseline.weight_array(frame, order="C")[:2]
        pums_weights.cell_totals(np.zeros(2, dtype=np.intp), 1, w, compiled=True)
    start_s = time.perf_counter() - t
    t = time.perf_counter()
    weights_c = baseline.weight_array(frame, order="C")  # once, as the estimator builds it
    weights_c_s = time.perf_counter() - t
    t = time.perf_counter()
    weights_f = baseline.weight_array(frame, order="F")
    weights_f_s = time.perf_counter() - t
    numbered = baseline.cells(frame)
    engine_s, numpy_s, cells_s, baseline_s = [], [], [], []
    for _ in range(max(repeat, 5)):  # alternating, so all see the same machine load
        if kernels is not None:
            t = time.perf_counter()
            fast = baseline.engine(frame, weights_c, compiled=True, numbered=numbered)
            engine_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        plain = baseline.engine(frame, weights_f, compiled=False, numbered=numbered)
        numpy_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        again = baseline.cells(frame)
        cells_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        slow = baseline.pandas_baseline(frame)
        baseline_s.append(time.perf_counter() - t)
    same = baseline.same_numbers(baseline.as_frame(plain), slow)
    same = same and np.array_equal(again[0], numbered[0]) and again[1].equals(numbered[1])
    if kernels is not None:
        same = same and baseline.same_numbers(baseline.as_frame(fast), slow)
    return {
        "records": len(frame),
        "cells": len(plain[0]),
        "compiled": kernels is not None,
        "numba_start_s": start_s if kernels is not None else None,
        "weights_s": weights_c_s,
        "weights_f_s": weights_f_s,
        "cells_s": statistics.median(cells_s),
        "engine_s": statistics.median(engine_s) if engine_s else None,
        "engine_numpy_s": statistics.median(numpy_s),
        "baseline_s": statistics.median(baseline_s),
        "identical": same,
    }


def task_noop(**_) -> dict:
    """Python with brainwaste, pandas and pyarrow imported: the memory every process starts with."""
    import brainwaste.estimate.outcomes  # noqa: F401
    import brainwaste.method.classify  # noqa: F401
    import brainwaste.pums.readers  # noqa: F401

    return {}


TASKS = {
    "noop": task_noop,
    "unzip": task_unzip,
    "a_floor": task_a_floor,
    "a_typed": task_a_typed,
    "b_zip": task_b_zip,
    "b_prescan": task_b_prescan,
    "numba_cold": task_numba_cold,
    "numba_warm": task_numba_warm,
    "cache_write": task_cache_write,
    "c_cache": task_c_cache,
    "e_engine": task_e_engine,
}


def child(args: argparse.Namespace) -> None:
    t = time.perf_counter()
    extra = TASKS[args.child](
        zip_path=Path(args.zip) if args.zip else None,
        cache_dir=Path(args.cache) if args.cache else None,
        save=Path(args.save) if args.save else None,
        repeat=args.repeat,
    )
    seconds = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report = {
        "task": args.child,
        "seconds": seconds,
        # CPU time of the process (all threads): less sensitive than wall time to other work on
        # the machine; the load average says how busy the machine was.
        "cpu_s": usage.ru_utime + usage.ru_stime + extra.pop("unzip_cpu_s", 0.0),
        "load_avg_1min": os.getloadavg()[0],
        "peak_rss_mb": peak_rss_mb(),
        **extra,
    }
    print(json.dumps(report))


def peak_rss_mb() -> float:
    """Peak resident memory of this process: VmHWM (reset at exec, unlike ru_maxrss, which a
    child started by fork keeps from its parent), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(task: str, zip_path: Path | None, data: Path | None, repeat: int = 1) -> dict:
    """Run one task in a fresh interpreter and return what it reported."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", task, "--repeat", str(repeat)]
    if zip_path is not None:
        cmd += ["--zip", str(zip_path), "--cache", str(data / "cache")]
        if task in ("b_zip", "b_prescan", "cache_write", "c_cache"):
            cmd += ["--save", str(data / f"estimates_{task}.parquet")]
    elif data is not None:
        cmd += ["--cache", str(data)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{task} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the second run of a national trend ------------------------------------------------------------


def run_command(cmd: list[str]) -> dict:
    """Run a command; its wall time, CPU time (user + system) and peak RSS, from its own
    resource usage (os.wait4), and the 1-minute load average when it ended."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{stderr.decode()[-3000:]}")
    return {
        "seconds": seconds,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "load_avg_1min": os.getloadavg()[0],
    }


def _output_digests(work: Path) -> dict[str, str]:
    """SHA-256 of every output file of a trend run but its metadata (which lists the years
    reused, so a second run's differs)."""
    import hashlib

    return {
        p.relative_to(work).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(work.rglob("*"))
        if p.is_file() and "raw" not in p.parts and "trend_years" not in p.parts
        and not p.name.endswith(".meta.json") and not p.name.startswith(".")
    }  # fmt: skip


def measure_trend(out: Path, years: str, repeat: int) -> dict:
    """`brainwaste trend --years YEARS --states all --sample` in a fresh folder: the first run
    (it writes the synthetic files, estimates every year and keeps the results), then `repeat`
    second runs (every year's results kept); each a fresh process, timed whole (starting Python
    included). Checks that the second runs leave every output identical to the first's."""
    work = out / "work" / "trend"
    shutil.rmtree(work, ignore_errors=True)
    cmd = [sys.executable, "-m", "brainwaste", "trend", "--years", years, "--states", "all",
           "--sample", "--data-dir", str(work / "data"), "--reports-dir", str(work / "reports"),
           "--no-progress"]  # fmt: skip
    print(f"trend {years}: first run", flush=True)
    first = run_command(cmd)
    after_first = _output_digests(work)
    seconds = []
    for i in range(repeat):
        r = run_command(cmd)
        seconds.append(r)
        print(
            f"  trend second run {i + 1}: {r['seconds']:.2f} s, {r['cpu_s']:.2f} s CPU", flush=True
        )
    kept = sorted((work / "data" / "processed" / "trend_years").rglob("*.json"))
    return {
        "years": years,
        "kept_years": len(kept),
        "first": first,
        "second_runs": seconds,
        "second": summarize(seconds),
        "identical": _output_digests(work) == after_first,
        "outputs": len(after_first),
    }


# -- summary ---------------------------------------------------------------------------------------


def machine() -> dict:
    import numpy
    import pandas
    import pyarrow

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gib": round(ram, 1),
        "python": platform.python_version(),
        "pyarrow": pyarrow.__version__,
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "platform": platform.platform(),
    }


def summarize(runs: list[dict]) -> dict:
    out = {"runs": len(runs), "seconds": statistics.median(r["seconds"] for r in runs)}
    out["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    if "cpu_s" in runs[0]:
        out["cpu_s"] = statistics.median(r["cpu_s"] for r in runs)
        out["load_avg_1min"] = max(r["load_avg_1min"] for r in runs)
    for k in ("read_s", "classify_s", "estimate_s"):
        if k in runs[0]:
            out[k] = statistics.median(r[k] for r in runs)
    for k, v in runs[-1].items():
        if k not in out and k not in ("task", "seconds", "peak_rss_mb"):
            out[k] = v
    return out


def paired_ratios(runs: dict[str, list[dict]]) -> dict[str, float]:
    """Medians over the rounds of b/unzip, b/a, b/a typed and c/b, each within its own round."""
    pairs = {
        "b/unzip": ("b_zip", "unzip"),
        "b/a": ("b_zip", "a_floor"),
        "b/a typed": ("b_zip", "a_typed"),
        "c/b": ("c_cache", "b_zip"),
        "b prescan/unzip": ("b_prescan", "unzip"),
        "b prescan/b": ("b_prescan", "b_zip"),
    }
    return {
        name: statistics.median(
            x["seconds"] / y["seconds"] for x, y in zip(runs[num], runs[den], strict=True)
        )
        for name, (num, den) in pairs.items()
    }


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares intercept and slope."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    return my - slope * mx, slope


#: Sizes below this (those of a 1-year file) make the growth lines; larger ones test them.
FIT_BELOW = 10_000_000


def growth(sizes: dict) -> dict:
    """Least-squares lines of time and peak memory against millions of records, from the sizes
    below FIT_BELOW, with the value they predict at 16M and the one measured there (if any)."""
    fit_on = [r for r in sizes.values() if r["records"] < FIT_BELOW]
    if len(fit_on) < 2:
        return {}
    big = next((r for r in sizes.values() if r["records"] == 16_000_000), None)
    xs = [r["records"] / 1e6 for r in fit_on]
    out = {}
    for name, task, key in [
        ("a floor time", "a_floor", "seconds"),
        ("a typed time", "a_typed", "seconds"),
        ("b zip time", "b_zip", "seconds"),
        ("c cache time", "c_cache", "seconds"),
        ("cache write time", "cache_write", "seconds"),
        ("b zip peak rss", "b_zip", "peak_rss_mb"),
        ("c cache peak rss", "c_cache", "peak_rss_mb"),
    ]:
        a, b = fit(xs, [r["summary"][task][key] for r in fit_on])
        out[name] = {"intercept": a, "per_million": b, "at_16m": a + 16 * b}
        if big is not None:
            out[name]["measured_16m"] = big["summary"][task][key]
    return out


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM; Python "
        f"{m['python']}, pyarrow {m['pyarrow']}, numpy {m['numpy']}, pandas {m['pandas']}. "
        "Each measurement runs in a fresh process; times are medians over the runs of a size, "
        "peak RSS the largest of them.",
        "",
        "Ratios are medians of the ratios within each round (the tasks of a round run one "
        "after the other, so they see about the same machine load).",
        "",
        "| records | runs | zip MB | unzip -p s | a floor s | a typed s | b zip s | b/unzip "
        "| b/a | b/a typed | c cache s | c/b | cache write s | RSS b MB | RSS c MB | engine ms "
        "| pandas ms | engine speed-up | identical | load |",
        "|" + "---:|" * 20,
    ]
    for label, r in results["sizes"].items():
        s = r["summary"]
        e = s.get("e_engine", {})
        q = r.get("ratios") or {}
        nan = float("nan")
        load = max(s.get(t, {}).get("load_avg_1min", nan) for t in TASKS_REPEATED)
        lines.append(
            f"| {label} | {r.get('repeat', results['repeat'])} "
            f"| {r['data']['zip_bytes'] / 1e6:,.0f} | {s['unzip']['seconds']:.1f} "
            f"| {s['a_floor']['seconds']:.1f} | {s['a_typed']['seconds']:.1f} "
            f"| {s['b_zip']['seconds']:.1f} "
            f"| {q.get('b/unzip', nan):.2f} | {q.get('b/a', nan):.2f} "
            f"| {q.get('b/a typed', nan):.2f} "
            f"| {s['c_cache']['seconds']:.1f} | {q.get('c/b', nan):.2f} "
            f"| {s['cache_write']['seconds']:.1f} "
            f"| {s['b_zip']['peak_rss_mb']:,.0f} | {s['c_cache']['peak_rss_mb']:,.0f} "
            f"| {(e.get('engine_s') or nan) * 1e3:,.1f} "
            f"| {e.get('baseline_s', nan) * 1e3:,.0f} "
            f"| {e.get('baseline_s', nan) / (e.get('engine_s') or nan):.0f}x "
            f"| {'yes' if r['identical'] else 'NO'} | {load:.1f} |"
        )
    if all("cpu_s" in r["summary"]["b_zip"] for r in results["sizes"].values()):
        lines += [
            "",
            "CPU seconds (user + system, all threads; medians) and the busiest 1-minute load "
            "average seen:",
            "",
            "| records | unzip -p | a floor | a typed | b zip | c cache | b/unzip | b/a | b/a typed "
            "| load |",
            "|" + "---:|" * 10,
        ]
        for label, r in results["sizes"].items():
            s = r["summary"]
            cpu = {t: s[t]["cpu_s"] for t in ("unzip", "a_floor", "a_typed", "b_zip", "c_cache")}
            load = max(s[t]["load_avg_1min"] for t in cpu)
            lines.append(
                f"| {label} | " + " | ".join(f"{v:.1f}" for v in cpu.values())
                + f" | {cpu['b_zip'] / cpu['unzip']:.2f}"
                + f" | {cpu['b_zip'] / cpu['a_floor']:.2f} | {cpu['b_zip'] / cpu['a_typed']:.2f}"
                f" | {load:.1f} |"
            )  # fmt: skip
    lines += reading_lines(results)
    g = results.get("growth")
    if g:
        lines += [
            "",
            "Growth with records (least-squares lines over the sizes below 10M records):",
            "",
            "| measure | intercept | per million records | 16M extrapolated | 16M measured |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, v in g.items():
            unit = "MB" if "rss" in name else "s"
            measured = f"{v['measured_16m']:,.0f} {unit}" if "measured_16m" in v else "-"
            lines.append(
                f"| {name} | {v['intercept']:,.1f} {unit} | {v['per_million']:,.2f} {unit} "
                f"| {v['at_16m']:,.0f} {unit} | {measured} |"
            )
    engines = {k: r["summary"]["e_engine"] for k, r in results["sizes"].items()
               if "engine_numpy_s" in r["summary"].get("e_engine", {})}  # fmt: skip
    if engines:
        lines += [
            "",
            "The engine (cell totals of the 81 weights and their SEs over the universe records, "
            "from the weight array and the records' cell codes, each made once per table) and "
            "the numbering of the cells (state x population group x status, from three string "
            "columns); medians of alternating runs in one process:",
            "",
            "| records | universe records | cells | compiled ms | numpy ms | numbering ms "
            "| pandas loop ms | compiled speed-up | numpy speed-up | with numbering "
            "| numba start s | identical |",
            "|" + "---:|" * 12,
        ]
        for label, e in engines.items():
            nan = float("nan")
            comp = e.get("engine_s") or nan
            numbering = e.get("cells_s", nan)
            start = e.get("numba_start_s")
            lines.append(
                f"| {label} | {e['records']:,} | {e['cells']:,} | {comp * 1e3:.2f} "
                f"| {e['engine_numpy_s'] * 1e3:.2f} | {numbering * 1e3:.2f} "
                f"| {e['baseline_s'] * 1e3:.0f} "
                f"| {e['baseline_s'] / comp:.0f}x | {e['baseline_s'] / e['engine_numpy_s']:.0f}x "
                f"| {e['baseline_s'] / (comp + numbering):.0f}x "
                f"| {'-' if start is None else f'{start:.2f}'} "
                f"| {'yes' if e['identical'] else 'NO'} |"
            )
    cache = {k: r["summary"]["c_cache"] for k, r in results["sizes"].items()}
    if cache:
        lines += [
            "",
            "Where the time of c (rerun from the cache) goes, seconds (medians):",
            "",
            "| records | c wall | c CPU | read | classify | estimate | rest (imports, writing) |",
            "|" + "---:|" * 7,
        ]
        for label, c in cache.items():
            parts = [c.get(k, float("nan")) for k in ("read_s", "classify_s", "estimate_s")]
            lines.append(
                f"| {label} | {c['seconds']:.2f} | {c.get('cpu_s', float('nan')):.2f} | "
                + " | ".join(f"{v:.2f}" for v in parts)
                + f" | {c['seconds'] - sum(parts):.2f} |"
            )
    t = results.get("trend")
    if t:
        sec = t["second"]
        lines += [
            "",
            f"`brainwaste trend --years {t['years']} --states all --sample` ({t['kept_years']} "
            "years, every state and the nation), each run a fresh process timed whole:",
            "",
            "| run | wall s | CPU s | peak RSS MB | load |",
            "|---|---:|---:|---:|---:|",
            f"| first | {t['first']['seconds']:.1f} | {t['first']['cpu_s']:.1f} "
            f"| {t['first']['peak_rss_mb']:,.0f} | {t['first']['load_avg_1min']:.1f} |",
            f"| second (median of {sec['runs']}) | {sec['seconds']:.2f} | {sec['cpu_s']:.2f} "
            f"| {sec['peak_rss_mb']:,.0f} | {sec['load_avg_1min']:.1f} |",
            "",
            f"Second runs left all {t['outputs']} outputs identical: "
            f"{'yes' if t['identical'] else 'NO'}.",
        ]
    lines += ["", f"Process with imports only: {results['noop_rss_mb']:,.0f} MB peak RSS."]
    return "\n".join(lines) + "\n"


#: Targets of the reading: b at most this many times `unzip -p` (1M and 3.3M records, 2 cores),
#: and the 16M national file in at most this many seconds and MB of peak memory.
TARGET_B_UNZIP, TARGET_16M_S, TARGET_16M_MB = 1.0, 50.0, 2048.0


def reading_lines(results: dict) -> list[str]:
    """The reading as it is (b) against the compiled pre-scan at every size (b prescan), run back
    to back in each round; numba's start-up; which targets are met."""
    nan = float("nan")
    lines = [
        "",
        "Reading: b (the default: the compiled pre-scan from 512 MiB of CSV, the full parse by "
        "pyarrow below) against b prescan (`BRAINWASTE_PRESCAN_BYTES=0`: the pre-scan at every "
        "size), back to back in each round (wall s / CPU s, medians):",
        "",
        "| records | unzip -p | b zip | b prescan | b/unzip | b prescan/unzip | b prescan/b "
        "| RSS b MB | RSS b prescan MB | target (b) | met |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for label, r in results["sizes"].items():
        s, q = r["summary"], r.get("ratios") or {}
        if "b_prescan" not in s:
            continue
        cells = [f"{s[t]['seconds']:.1f} / {s[t].get('cpu_s', nan):.1f}"
                 for t in ("unzip", "b_zip", "b_prescan")]  # fmt: skip
        if r["records"] >= FIT_BELOW:
            target = f"<= {TARGET_16M_S:.0f} s, <= {TARGET_16M_MB:,.0f} MB"
            met = (
                s["b_zip"]["seconds"] <= TARGET_16M_S and s["b_zip"]["peak_rss_mb"] <= TARGET_16M_MB
            )
        else:
            target = f"b/unzip <= {TARGET_B_UNZIP:.1f}"
            met = q.get("b/unzip", nan) <= TARGET_B_UNZIP
        lines.append(
            f"| {label} | " + " | ".join(cells)
            + f" | {q.get('b/unzip', nan):.2f} | {q.get('b prescan/unzip', nan):.2f}"
            + f" | {q.get('b prescan/b', nan):.2f} | {s['b_zip']['peak_rss_mb']:,.0f}"
            + f" | {s['b_prescan']['peak_rss_mb']:,.0f} | {target} | {'yes' if met else 'no'} |"
        )  # fmt: skip
    start = results.get("numba_start")
    if start:
        lines += [
            "",
            "numba's start in a fresh process (import / the reader's kernels): first run ever "
            f"(empty cache, compiling) {start['cold']['numba_import_s']:.2f} / "
            f"{start['cold']['kernels_s']:.2f} s; later runs (kernels loaded from the cache) "
            f"{start['warm']['numba_import_s']:.2f} / {start['warm']['kernels_s']:.2f} s; "
            f"{start['warm']['peak_rss_mb'] - results['noop_rss_mb']:,.0f} MB more peak RSS "
            "than a process with imports only.",
        ]
    return lines


def identical_estimates(data: Path) -> bool:
    import pandas as pd

    tables = [
        pd.read_parquet(data / f"estimates_{t}.parquet")
        for t in ("b_zip", "b_prescan", "cache_write", "c_cache")
    ]
    try:
        for t in tables[1:]:
            pd.testing.assert_frame_equal(tables[0], t, check_exact=True)
    except AssertionError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="records, e.g. 0.5M,1M,3.3M")
    ap.add_argument("--full-16m", action="store_true", help="also the 5-year national size (16M)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument(
        "--repeat-16m", type=int, default=1, help="runs per measurement at 16M (default 1)"
    )
    ap.add_argument("--out", default=str(HERE / "out"), help="results and generated data")
    ap.add_argument(
        "--trend-years", default="2013-2024", help="years of the national sample trend measured"
    )
    ap.add_argument("--no-trend", action="store_true", help="skip the trend measurement")
    ap.add_argument(
        "--report-only", action="store_true", help="rewrite results.md from results.json"
    )
    ap.add_argument("--child", choices=sorted(TASKS), help=argparse.SUPPRESS)
    ap.add_argument("--zip", help=argparse.SUPPRESS)
    ap.add_argument("--cache", help=argparse.SUPPRESS)
    ap.add_argument("--save", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args)
        return 0

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        md = markdown(json.loads((out / "results.json").read_text()))
        (out / "results.md").write_text(md)
        print(md)
        return 0
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    if args.full_16m and 16_000_000 not in sizes:
        sizes.append(16_000_000)
    results: dict = {"machine": machine(), "repeat": args.repeat, "sizes": {}}
    previous = out / "results.json"
    if previous.exists():  # sizes measured before stay (a size measured again is replaced)
        results["sizes"] = json.loads(previous.read_text()).get("sizes", {})
    results["noop_rss_mb"] = measure("noop", None, None)["peak_rss_mb"]
    numba_cache = out / "work" / "numba-cache"
    results["numba_start"] = {
        "cold": measure("numba_cold", None, numba_cache),
        "warm": measure("numba_warm", None, numba_cache),
    }
    started = time.perf_counter()
    for n in sizes:
        zip_path = ensure_data(out, n)
        # The caches and the estimates each run writes go beside the results, not beside the zip,
        # so that a shared, read-only data folder (OUT/data may be a link) is never written to.
        data = out / "work" / size_label(n)
        data.mkdir(parents=True, exist_ok=True)
        info = json.loads(zip_path.with_suffix(".json").read_text())
        runs: dict[str, list[dict]] = {t: [] for t in TASKS_REPEATED}
        # One-off: write the cache (its cost is paid once per file), then the engine.
        once = {"cache_write": [measure("cache_write", zip_path, data)]}
        repeat = args.repeat_16m if n >= FIT_BELOW else args.repeat
        for i in range(repeat):
            for task in TASKS_REPEATED:
                r = measure(task, zip_path, data)
                runs[task].append(r)
                print(f"  {size_label(n)} {task} run {i + 1}: {r['seconds']:.2f} s, "
                      f"{r['peak_rss_mb']:,.0f} MB", flush=True)  # fmt: skip
        once["e_engine"] = [measure("e_engine", zip_path, data, repeat=repeat)]
        summary = {t: summarize(r) for t, r in {**runs, **once}.items()}
        results["sizes"][size_label(n)] = {
            "records": n,
            "repeat": repeat,
            "data": info,
            "summary": summary,
            "ratios": paired_ratios(runs),
            "identical": identical_estimates(data),
        }
        (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    if previous.exists() and "trend" in json.loads(previous.read_text()):
        results["trend"] = json.loads(previous.read_text())["trend"]
    if not args.no_trend:
        results["trend"] = measure_trend(out, args.trend_years, args.repeat)
    results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda kv: kv[1]["records"]))
    results["growth"] = growth(results["sizes"])
    results["total_seconds"] = time.perf_counter() - started
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    md = markdown(results)
    (out / "results.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
