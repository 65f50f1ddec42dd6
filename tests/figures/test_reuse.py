"""Outputs kept when their inputs are unchanged (figures/reuse.py), and written again whenever
anything they are made from, or the files on disk, changed."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from brainwaste.figures import catalog, reuse, style
from brainwaste.figures.workbook import _workbook_bytes, build_workbook
from brainwaste.trend import run_trend


class Writer:
    """Writes two files whose content is the table's CSV, counting its calls."""

    def __init__(self, folder: Path):
        self.folder, self.calls = folder, 0

    def __call__(self, table: pd.DataFrame) -> list[Path]:
        self.calls += 1
        paths = [self.folder / "a.csv", self.folder / "b.txt"]
        for p in paths:
            p.write_text(table.to_csv(index=False) + str(self.calls))
        return paths


def test_kept_until_an_input_a_file_or_the_style_changes(tmp_path):
    write = Writer(tmp_path)
    table = pd.DataFrame({"state": ["MA", "NH"], "share": [0.25, 0.5]})

    def run(t, parts=()):
        return reuse.reuse_or_write(tmp_path, "chart", (t, *parts), lambda: write(t))

    first = run(table)
    assert write.calls == 1 and first == [tmp_path / "a.csv", tmp_path / "b.txt"]
    assert run(table.copy()) == first and write.calls == 1  # same inputs: kept
    assert (tmp_path / "b.txt").read_text().endswith("1")
    # a number changed in the last bit
    changed = table.assign(share=[0.25, 0.5 + 2**-53])
    run(changed)
    assert write.calls == 2
    run(changed)
    assert write.calls == 2
    run(changed, parts=({"years": [2023, 2024]},))  # another setting
    assert write.calls == 3
    run(changed, parts=({"years": [2023, 2024]},))
    assert write.calls == 3
    # a file on disk changed (same size), or deleted
    b = tmp_path / "b.txt"
    b.write_text(b.read_text()[:-1] + "x")
    os.utime(b, ns=(b.stat().st_atime_ns, b.stat().st_mtime_ns + 10**9))
    run(changed, parts=({"years": [2023, 2024]},))
    assert write.calls == 4
    (tmp_path / "a.csv").unlink()
    run(changed, parts=({"years": [2023, 2024]},))
    assert write.calls == 5 and (tmp_path / "a.csv").exists()
    # another house style
    style_file = tmp_path / "style.toml"
    style_file.write_text('organization = "Example Institute"\nfooter = "example.org"\n')
    with style.using(style_file):
        run(changed, parts=({"years": [2023, 2024]},))
    assert write.calls == 6
    # a damaged record: written again
    reuse.record_path(tmp_path, "chart").write_text("{not json")
    run(changed, parts=({"years": [2023, 2024]},))
    assert write.calls == 7


def test_the_digest_sees_column_names_order_dtypes_and_index():
    t = pd.DataFrame({"a": [1, 2], "b": [3.0, 4.0]})
    d = reuse.inputs_digest(t)
    assert d == reuse.inputs_digest(t.copy())
    for other in (
        t.rename(columns={"b": "c"}),
        t[["b", "a"]],
        t.astype({"a": "float64"}),
        t.set_axis([5, 6]),
        t.iloc[::-1],
        t.assign(a=[1, None]).astype({"a": "Int64"}),
    ):
        assert reuse.inputs_digest(other) != d


def test_the_workbook_does_not_show_which_years_were_reused():
    """The workbook's record leaves out ``reused_years`` (a rerun changes it): that is right
    only while no sheet shows it."""
    tables = {"estimates": pd.DataFrame({"state": ["NH"], "count": [1.0]})}
    meta = {"year": 2024, "period": 1, "years": [2018, 2024], "synthetic": False,
            "profile": {"name": "mpi"}, "notes": ["n"], "reused_years": []}  # fmt: skip

    def xlsx(m):
        return _workbook_bytes(build_workbook(tables, m), tables)

    assert xlsx(meta) == xlsx({**meta, "reused_years": [2018, 2024]})
    assert catalog.workbook_meta({**meta, "reused_years": [2018]}) == catalog.workbook_meta(meta)


def _files(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.name: (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def test_a_rerun_keeps_the_trend_figures_and_redraws_what_changed(tmp_path):
    """The second run of a trend keeps every figure, the workbook and the tables, identical to
    what a fresh run draws; a changed style or a changed year's numbers redraw them."""
    d, r = tmp_path / "d", tmp_path / "r"
    t = run_trend([2019, 2024], states="NH,VT", sample=True, data_dir=d, progress=False)
    from brainwaste.trend import draw_trend, write_trend

    write_trend(t, d)
    draw_trend(t, r)
    figures, tables = _files(r / "figures"), _files(r / "tables")
    processed = _files(d / "processed")
    assert any(n.endswith(".png") for n in figures) and "brainwaste_tables.xlsx" in tables

    again = run_trend([2019, 2024], states="NH,VT", sample=True, data_dir=d, progress=False)
    assert again.reused == [2019, 2024]
    write_trend(again, d)
    draw_trend(again, r)
    assert _files(r / "figures") == figures  # same bytes, not even rewritten
    assert _files(r / "tables") == tables
    kept = {n: v for n, v in _files(d / "processed").items() if not n.endswith("meta.json")}
    assert kept == {n: v for n, v in processed.items() if not n.endswith("meta.json")}

    # ... and the same bytes as a fresh drawing in another folder
    fresh = tmp_path / "fresh"
    draw_trend(again, fresh)
    for folder in ("figures", "tables"):
        new = {n: b for n, (_, b) in _files(fresh / folder).items() if not n.startswith(".")}
        old = {n: b for n, (_, b) in _files(r / folder).items() if not n.startswith(".")}
        assert new == old, folder

    # another house style: every figure drawn again, differently
    style_file = tmp_path / "style.toml"
    style_file.write_text('organization = "Example Institute"\nfooter = "example.org"\n')
    with style.using(style_file):
        draw_trend(again, r)
    restyled = _files(r / "figures")
    png = "underutilization_trend_nh.png"
    assert restyled[png][1] != figures[png][1]

    # one year's numbers changed: its charts and the workbook are redrawn
    changed = run_trend([2019, 2024], states="NH,VT", sample=True, data_dir=d, progress=False)
    est = changed.estimates
    est.loc[est.index[est["year"] == 2024][:50], "share"] *= 1.5
    draw_trend(changed, r)
    after = _files(r / "figures")
    assert after[png][0] != restyled[png][0] and after[png][1] != figures[png][1]
    assert _files(r / "tables")["brainwaste_tables.xlsx"] != tables["brainwaste_tables.xlsx"]
