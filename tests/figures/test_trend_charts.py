"""The trend charts, and the trend and changes tables in the workbook and the gallery, from a
hand-made trend table whose numbers the assertions can be checked against."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from brainwaste.figures import trend_charts
from brainwaste.figures.catalog import draw_all, trend_provenance
from brainwaste.figures.export import SUFFIXES, SYNTHETIC_MARK
from brainwaste.method.profile import load_profile
from brainwaste.trend import (
    CHANGE_COLUMNS,
    Trend,
    changes,
)

YEARS = (2016, 2019, 2021)
GROUPS = ("us_born", "immigrant", "immigrant_us_educated", "immigrant_foreign_educated")
# share of the foreign-educated by state and year, and whether that estimate is reliable
FE = {
    "MA": {2016: (0.30, 0.02, True), 2019: (0.27, 0.02, True), 2021: (0.20, 0.02, True)},
    "NH": {2016: (0.40, 0.15, False), 2019: (0.35, 0.10, True), 2021: (0.45, 0.12, True)},
    "US": {2016: (0.32, 0.005, True), 2019: (0.31, 0.005, True), 2021: (0.31, 0.005, True)},
}


def _trend_table() -> pd.DataFrame:
    rows = []
    for st, by_year in FE.items():
        for y in YEARS:
            for pop in GROUPS:
                share, se, ok = (
                    by_year[y] if pop == "immigrant_foreign_educated" else (0.15, 0.01, True)
                )
                for outcome in ("underutilized", "labor_force"):
                    rows.append({
                        "year": y, "period": 1, "state": st, "population": pop, "outcome": outcome,
                        "breakdown": "none", "category": "all", "count": 1000.0 * share,
                        "count_se": 100.0, "count_moe90": 164.5, "count_cv": 0.1, "share": share,
                        "share_se": se, "share_moe90": 1.645 * se, "n_unweighted": 200 if ok else 20,
                        "reliable": ok, "profile": "mpi", "synthetic": True,
                        "data_source": "sample", "brainwaste_version": "0",
                    })  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    out = tmp_path_factory.mktemp("trend_figures")
    est = _trend_table()
    t = Trend(
        estimates=est, changes=changes(est), forgone=None, years=list(YEARS), period=1,
        profile=load_profile("mpi"), synthetic=True, source="sample", skipped=[2020],
    )  # fmt: skip
    meta = t.meta()
    meta["states"] = ["MA", "NH"]
    tables = {"estimates": est[est["year"] == YEARS[-1]], "trend": est, "changes": t.changes}
    written = draw_all(tables, meta, out)
    return out, written, t


def test_trend_figure_files_numbers_and_marks(drawn):
    out, written, _ = drawn
    for name in ("underutilization_trend_ma", "underutilization_trend_us",
                 "underutilization_change_by_state"):  # fmt: skip
        for suffix in SUFFIXES:
            path = out / "figures" / f"{name}.{suffix}"
            assert path.stat().st_size > 0 and path in written
    data = pd.read_csv(out / "figures" / "underutilization_trend_ma.csv")
    fe = data[data["population"] == "immigrant_foreign_educated"].set_index("year")
    assert fe["share"].to_dict() == {y: FE["MA"][y][0] for y in YEARS}
    assert fe["share_moe90"].to_dict() == pytest.approx({y: 1.645 * 0.02 for y in YEARS})
    alt = (out / "figures" / "underutilization_trend_ma.alt.txt").read_text()
    assert alt.startswith(SYNTHETIC_MARK)
    assert "2016 30% (±3), 2019 27% (±3), 2021 20% (±3)" in alt
    assert "2018 change of the Census occupation codes" in alt
    assert "No file for 2020" in alt
    nh = (
        (out / "figures" / "underutilization_trend_nh.alt.txt").read_text()
        if (out / "figures" / "underutilization_trend_nh.alt.txt").exists()
        else ""
    )
    assert nh == ""  # one state is the focus (MA), with the nation


def test_change_by_state_ranks_tests_and_flags(drawn):
    out, _, t = drawn
    data = pd.read_csv(out / "figures" / "underutilization_change_by_state.csv")
    assert list(data["state"]) == ["MA", "US", "NH"]  # ranked by the change, lowest first
    ma = data.set_index("state").loc["MA"]
    # MA 2016 -> 2021: -0.10 / sqrt(0.02^2 + 0.02^2) = -3.5 SE: significant
    assert ma["share_diff"] == pytest.approx(-0.10)
    assert ma["share_diff_moe90"] == pytest.approx(1.645 * (0.02**2 * 2) ** 0.5)
    assert bool(ma["significant90"])
    nh = data.set_index("state").loc["NH"]
    assert not bool(nh["significant90"]) and not bool(nh["reliable_both_years"])
    alt = (out / "figures" / "underutilization_change_by_state.alt.txt").read_text()
    # US: -0.01 against 1.645 x sqrt(2) x 0.005 = 0.0116: not significant; only MA is
    assert "1 of 3 changes are statistically significant" in alt
    assert "unreliable in 2016 or 2021 (asterisk) in: NH" in alt
    assert "MA 30.0% to 20.0% (-10.0 ±4.7 points, significant)" in alt


def test_workbook_and_gallery_hold_the_trend(drawn):
    out, _, t = drawn
    wb = load_workbook(out / "tables" / "brainwaste_tables.xlsx")
    assert wb.sheetnames[-2:] == ["trend", "changes"]
    rows = list(wb["changes"].values)
    assert list(rows[0]) == CHANGE_COLUMNS
    assert len(rows) == len(t.changes) + 1
    readme = "\n".join(str(c.value) for r in wb["README"].iter_rows() for c in r if c.value)
    assert "significant90" in readme and "sqrt(SE_from^2 + SE_to^2)" in readme
    html = (out / "index.html").read_text()
    assert 'id="fig-underutilization-trend-ma"' in html
    assert 'id="fig-underutilization-change-by-state"' in html
    assert "ACS 2016, 2019, 2021 1-year PUMS" in html  # the trend's source line names its years
    assert json.loads(json.dumps(t.meta()))["skipped_years"] == [2020]


def test_trend_provenance_names_every_year():
    meta = {
        "years": [2014, 2019, 2024],
        "period": 5,
        "profile": {"name": "mpi"},
        "synthetic": False,
    }
    line = trend_provenance(meta).source_line()
    assert "ACS 2010-2014, 2015-2019, 2020-2024 5-year PUMS" in line


def test_no_reliable_rate_draws_the_no_data_panel(tmp_path):
    est = _trend_table()
    est["reliable"] = False
    paths = trend_charts.underutilization_trend(
        est, "MA", trend_provenance({"years": list(YEARS), "period": 1,
                                     "profile": {"name": "mpi"}, "synthetic": False}), tmp_path,
    )  # fmt: skip
    alt = [p for p in paths if p.name.endswith(".alt.txt")][0].read_text()
    assert alt.startswith("Not enough data")
