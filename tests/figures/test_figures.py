"""Report figures, workbook and gallery, drawn from processed tables of a small run.

The run is the synthetic sample for four states (MA, NY, VT, WY) plus their sum as ``US``; the
tables go through DATA_DIR/processed and :func:`load_processed` exactly as ``brainwaste figures``
reads them, and the catalog is drawn twice into separate directories.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("brainwaste.pums.synthetic")

from openpyxl import load_workbook  # noqa: E402
from PIL import Image  # noqa: E402

from brainwaste import __version__, report  # noqa: E402
from brainwaste.figures import charts  # noqa: E402
from brainwaste.figures.catalog import ALL_YEARS, draw_all, load_all_processed  # noqa: E402
from brainwaste.figures.export import SUFFIXES, SYNTHETIC_MARK, Provenance  # noqa: E402
from brainwaste.figures.workbook import FIXED_TIME, SHEETS, WORKBOOK_NAME  # noqa: E402
from brainwaste.method.categories import BREAKDOWNS  # noqa: E402
from brainwaste.method.classify import classify, universe_prefilter  # noqa: E402
from brainwaste.method.profile import load_profile  # noqa: E402
from brainwaste.pums import synthetic  # noqa: E402
from brainwaste.pums.readers import read_persons  # noqa: E402

STATES = ["MA", "NY", "VT", "WY"]

EXPECTED = {
    "outcomes_by_group_ma", "outcomes_by_group_us", "underutilization_by_state",
    "underutilization_map", "occupations_immigrant_foreign_educated_ma",
    "occupations_immigrant_foreign_educated_us", "immigrant_share_health_workers_ma",
    "immigrant_share_health_workers_us", "underutilization_breakdowns_ma",
    "underutilization_breakdowns_us", "forgone_earnings_by_state",
}  # fmt: skip


@dataclass
class _WithNation(report.Dataset):
    """The four states with a ``US`` row (their sum), so the nation's charts are drawn too."""

    @property
    def national(self) -> bool:
        return True


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory, sample_zips):
    base = tmp_path_factory.mktemp("figures")
    prof = load_profile("mpi")
    zips = sample_zips(STATES, "default")
    persons = read_persons(zips, prefilter=universe_prefilter(prof))
    classified = classify(persons.frame, prof, file_year=synthetic.DEFAULT_YEAR)
    ds = _WithNation(
        persons, classified, prof, synthetic.DEFAULT_YEAR, 1, STATES, True, "sample", []
    )
    data_dir = base / "data"
    report.write_estimates(ds, data_dir, breakdowns=list(BREAKDOWNS))
    tables, meta = report.load_processed(data_dir)
    start = time.perf_counter()
    written = draw_all(tables, meta, base / "r1")
    seconds = time.perf_counter() - start
    draw_all(tables, meta, base / "r2")
    return SimpleNamespace(
        tables=tables, meta=meta, data_dir=data_dir, r1=base / "r1", r2=base / "r2",
        written=written, seconds=seconds, base=base,
    )  # fmt: skip


def _figure(run, name: str, suffix: str) -> Path:
    return run.r1 / "figures" / f"{name}.{suffix}"


def _names(run) -> set[str]:
    return {p.name.split(".")[0] for p in (run.r1 / "figures").iterdir()}


def test_every_figure_has_its_five_files(run):
    assert _names(run) == EXPECTED
    for name in EXPECTED:
        for suffix in SUFFIXES:
            path = _figure(run, name, suffix)
            assert path.stat().st_size > 0, path
            assert path in run.written
    with Image.open(_figure(run, "outcomes_by_group_ma", "png")) as im:
        assert [round(d) for d in im.info["dpi"]] == [300, 300]
        assert im.size == (2700, 1560)  # 9 x 5.2 inches at 300 dpi
    assert b"/FontFile2" in _figure(run, "outcomes_by_group_ma", "pdf").read_bytes()
    # (no time limit here: on a shared machine it fails for reasons outside the code; speed is
    # measured by benchmarks/run.py)


def test_second_run_gives_identical_bytes(run):
    first, second = _digests(run.r1), _digests(run.r2)
    sheets = [name for name in SHEETS if name in run.tables]
    assert len(first) == len(EXPECTED) * len(SUFFIXES) + 1 + 1 + len(sheets)
    assert first == second


def _compare(plotted: pd.DataFrame, source: pd.DataFrame, keys: list[str], values: list[str]):
    merged = plotted.merge(source, on=keys, how="left", suffixes=("", "_table"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", keys]
    assert len(merged) == len(plotted)
    for v in values:
        a = merged[v].to_numpy(dtype=float)
        b = merged[f"{v}_table"].to_numpy(dtype=float)
        np.testing.assert_allclose(a, b, rtol=1e-9, equal_nan=True, err_msg=v)


def test_figure_csvs_agree_with_the_tables(run):
    est = pd.concat([run.tables["estimates"], run.tables["breakdowns"]], ignore_index=True)
    values = ["share", "share_moe90", "count", "count_moe90", "n_unweighted", "reliable"]
    for name in EXPECTED:
        plotted = pd.read_csv(_figure(run, name, "csv"), dtype={"occp2018": str})
        assert plotted["source"].eq("synthetic sample in the ACS 2024 1-year PUMS schema").all()
        assert plotted["brainwaste_version"].eq(__version__).all()
        if name.startswith(("outcomes", "underutilization")):
            _compare(plotted, est, charts.ESTIMATE_KEYS, values)
        elif name.startswith("occupations"):
            _compare(plotted, run.tables["occupations"], ["state", "population", "occp2018"],
                     ["count", "count_moe90", "share_of_employed"])  # fmt: skip
        elif name.startswith("immigrant_share"):
            _compare(plotted, run.tables["health_workforce"], ["state", "occp2018"],
                     ["count", "immigrant_share", "immigrant_share_moe90"])  # fmt: skip
        elif name.startswith("forgone"):
            _compare(plotted, run.tables["forgone_earnings"], ["state", "population"],
                     ["forgone_earnings", "forgone_earnings_moe90"])  # fmt: skip
    # the state chart shows every state and group: nothing left out
    by_state = pd.read_csv(_figure(run, "underutilization_by_state", "csv"))
    assert set(by_state["state"]) == {*STATES, "US"}
    assert len(by_state) == 5 * 3


def test_alt_text_gives_the_numbers_and_names_unreliable_cells(run):
    est = run.tables["estimates"]
    row = est[
        (est["state"] == "MA")
        & (est["population"] == "immigrant_foreign_educated")
        & (est["outcome"] == "underutilized")
    ].iloc[0]
    alt = _figure(run, "underutilization_by_state", "alt.txt").read_text()
    assert (
        f"Immigrants educated abroad {100 * row.share:.0f}% (±{100 * row.share_moe90:.0f})" in alt
    )
    plotted = pd.read_csv(_figure(run, "underutilization_by_state", "csv"))
    bad = plotted[~plotted["reliable"]]
    assert len(bad) > 0  # Vermont and Wyoming are small
    names = {
        "VT": "Vermont",
        "WY": "Wyoming",
        "NY": "New York",
        "MA": "Massachusetts",
        "US": "U.S.",
    }
    labels = {"us_born": "U.S.-born", "immigrant_us_educated": "Immigrants educated in the U.S.",
              "immigrant_foreign_educated": "Immigrants educated abroad"}  # fmt: skip
    for r in bad.itertuples():
        assert f"{names[r.state]}, {labels[r.population]}" in alt


def test_synthetic_mark_in_image_text_and_alt_text(run, tmp_path):
    for name in EXPECTED:
        assert _figure(run, name, "alt.txt").read_text().startswith(SYNTHETIC_MARK)
        assert SYNTHETIC_MARK in _figure(run, name, "svg").read_text()
        assert pd.read_csv(_figure(run, name, "csv"))["synthetic"].all()
    real = Provenance.for_run(2024, 1, "mpi", synthetic=False)
    paths = charts.outcomes_by_group(run.tables["estimates"], "MA", real, tmp_path)
    by_suffix = {p.name.split(".", 1)[1]: p for p in paths}
    assert SYNTHETIC_MARK not in by_suffix["alt.txt"].read_text()
    assert SYNTHETIC_MARK not in by_suffix["svg"].read_text()
    assert not pd.read_csv(by_suffix["csv"])["synthetic"].any()


def test_workbook_has_every_table_and_a_readme(run):
    path = run.r1 / "tables" / WORKBOOK_NAME
    wb = load_workbook(path)
    present = [name for name in SHEETS if name in run.tables]
    assert wb.sheetnames == ["README", *present]
    assert wb.properties.created == FIXED_TIME
    readme = "\n".join(
        str(c.value) for row in wb["README"].iter_rows() for c in row if c.value is not None
    )
    assert SYNTHETIC_MARK in readme
    defined = {row[0].value: row[1].value for row in wb["README"].iter_rows() if row[0].value}
    for table in run.tables.values():  # every column of every sheet is defined
        assert all(defined.get(c) for c in table.columns)
    assert "foreign_educated_arrival_age" in readme and "mpi" in readme  # profile settings
    assert "2024" in readme and __version__ in readme
    for name in present:
        ws = wb[name]
        table = run.tables[name]
        assert ws.freeze_panes == "A2"
        rows = list(ws.values)
        assert list(rows[0]) == list(table.columns)
        assert len(rows) == len(table) + 1
        sheet = pd.DataFrame(rows[1:], columns=rows[0])
        for column in table.columns:
            if table[column].dtype.kind == "f":
                np.testing.assert_allclose(
                    sheet[column].astype(float), table[column], rtol=0, equal_nan=True
                )
            else:
                assert sheet[column].tolist() == table[column].tolist(), (name, column)
        csv = pd.read_csv(run.r1 / "tables" / f"{name}.csv", dtype={"occp2018": str})
        assert len(csv) == len(table)
    shares = wb["estimates"]
    share_col = list(run.tables["estimates"].columns).index("share") + 1
    assert shares.cell(2, share_col).number_format == "0.0%"
    assert shares.column_dimensions["D"].width >= len("immigrant_foreign_educated")


def test_gallery_links_every_figure_and_nothing_remote(run):
    page = (run.r1 / "index.html").read_text()
    for name in EXPECTED:
        assert f'id="fig-{name.replace("_", "-")}"' in page
        for ext in ("png", "svg", "pdf", "csv"):
            assert f'href="figures/{name}.{ext}"' in page
        assert f'src="figures/{name}.png"' in page
    assert re.search(r"(src|href)=\"https?://", page) is None
    assert "http://" not in page and "https://" not in page
    assert '<meta name="viewport"' in page
    assert 'class="banner"' in page and SYNTHETIC_MARK in page
    assert f'href="tables/{WORKBOOK_NAME}"' in page


def test_a_chart_with_no_reliable_data_says_so(run, tmp_path):
    est = run.tables["estimates"].assign(reliable=False)
    paths = charts.underutilization_by_state(est, "MA", Provenance("test", "mpi", False), tmp_path)
    alt = next(p for p in paths if p.name.endswith(".alt.txt")).read_text()
    assert alt.startswith(charts.NO_DATA)
    assert "Massachusetts, Immigrants educated abroad" in alt  # the cells are still named
    plotted = pd.read_csv(next(p for p in paths if p.suffix == ".csv"))
    assert len(plotted) == 5 * 3 and not plotted["reliable"].any()


def test_trend_needs_several_years(run, tmp_path):
    assert not any("trend" in n for n in _names(run))
    # a second run of another year (same profile) and one with another profile
    processed = run.data_dir / "processed"
    data = tmp_path / "data"
    shutil.copytree(processed, data / "processed")
    est = run.tables["estimates"]
    earlier = est.assign(year=2022, share=est["share"] * 0.9)
    earlier.to_parquet(data / "processed" / "estimates_2022_1yr.parquet")
    est.assign(year=2023, profile="broad").to_parquet(
        data / "processed" / "estimates_2023_1yr.parquet"
    )
    meta = json.loads((processed / "estimates_2024_1yr.meta.json").read_text())
    all_years = load_all_processed(data, profile="mpi")
    assert sorted(all_years["year"].unique()) == [2022, 2024]
    tables = {"estimates": est, ALL_YEARS: all_years}
    written = draw_all(tables, meta, tmp_path / "reports")
    trend = pd.read_csv(tmp_path / "reports" / "figures" / "underutilized_trend_ma.csv")
    assert sorted(trend["year"].unique()) == [2022, 2024]
    assert trend["source"].iloc[0] == "synthetic sample in the ACS 2022, 2024 1-year PUMS schema"
    ma = trend[(trend["population"] == "us_born")].set_index("year")["share"]
    assert ma[2022] == pytest.approx(0.9 * ma[2024])
    assert tmp_path / "reports" / "figures" / "underutilized_trend_us.png" in written
