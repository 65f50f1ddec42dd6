"""The report's chart catalog: which charts a run draws, from which processed tables.

Charts are drawn from the tables in DATA_DIR/processed and their metadata only, so
``brainwaste figures`` can redraw them without the microdata. Charts about one place are drawn
for the focus state (Massachusetts when present) and for the nation when the run has it; state
comparisons use every state of the run. The trend is drawn when the estimates hold more than one
survey year (see :func:`load_all_processed`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import InputError
from ..geography import NATION, place_name
from . import charts, reuse, trend_charts
from .export import Provenance
from .gallery import GalleryFigure, write_gallery
from .workbook import write_tables

#: Key of ``tables`` that may hold the estimates of several survey years (for the trend).
ALL_YEARS = "estimates_all_years"
#: Keys of ``tables`` that ``brainwaste trend`` adds: the stacked years and the changes.
TREND_TABLES = ("trend", "changes")

SECTIONS = {
    "outcomes": "Labor-market outcomes",
    "states": "States compared",
    "occupations": "Occupations",
    "characteristics": "Who is underutilized",
    "earnings": "Forgone earnings",
    "trend": "Over time",
}


def focus_state(states: list[str]) -> str:
    """The state a report centres on: Massachusetts when present, else the first one."""
    return "MA" if "MA" in states else states[0]


def provenance(meta: dict) -> Provenance:
    return Provenance.for_run(
        meta["year"],
        meta["period"],
        meta["profile"]["name"],
        meta["synthetic"],
        moe=bool(meta.get("replicate_weights", True)),
    )


def _name(paths: list[Path]) -> str:
    return paths[0].name.rsplit(".", 1)[0]


def _one_year(table: pd.DataFrame | None, year: int) -> pd.DataFrame | None:
    """A table restricted to the run's year (a concatenation of runs may hold several)."""
    if table is None or "year" not in table or table["year"].nunique() <= 1:
        return table
    return table[table["year"] == year]


def draw_all(tables: dict[str, pd.DataFrame], meta: dict, reports_dir: Path) -> list[Path]:
    """Draw every chart of the catalog, write the workbook, the table CSVs and the gallery.

    ``tables`` holds the processed tables of one run (``estimates`` required; ``breakdowns``,
    ``occupations``, ``health_workforce``, ``forgone_earnings`` drawn when present) and optionally
    ``estimates_all_years``, the estimates of several runs, for the trend. Returns the files
    written.
    """
    prov = provenance(meta)
    year = int(meta["year"])
    all_years = tables.get(ALL_YEARS, tables["estimates"])
    one = {k: _one_year(v, year) for k, v in tables.items() if k not in (ALL_YEARS, *TREND_TABLES)}
    est = one["estimates"]
    states = [s for s in est["state"].unique() if s != NATION]
    focus = focus_state(states) if states else None
    places = [p for p in (focus, NATION) if p is not None and (est["state"] == p).any()]

    written: list[Path] = []
    gallery: list[GalleryFigure] = []

    def add(paths: list[Path], caption: str, section: str, source: str = "") -> None:
        written.extend(paths)
        gallery.append(GalleryFigure(_name(paths), caption, SECTIONS[section], source))

    for place in places:
        add(
            charts.outcomes_by_group(est, place, prov, reports_dir),
            f"Labor-market outcomes by group: {place_name(place)}",
            "outcomes",
        )
    if states:
        add(
            charts.underutilization_by_state(est, focus, prov, reports_dir),
            "Underutilization rate by state",
            "states",
        )
        add(
            charts.underutilization_map(est, prov, reports_dir),
            "Map of underutilization rates",
            "states",
        )
    for place in places:
        if one.get("occupations") is not None:
            paths = charts.occupations_of_group(one["occupations"], place, prov, reports_dir)
            who = (
                "immigrants educated abroad" if "foreign_educated" in _name(paths) else "immigrants"
            )
            add(paths, f"Most common occupations of {who}: {place_name(place)}", "occupations")
        if one.get("health_workforce") is not None:
            add(
                charts.immigrant_share_of_health_workers(
                    one["health_workforce"], place, prov, reports_dir
                ),
                f"Immigrant share of health workers by occupation: {place_name(place)}",
                "occupations",
            )
    for place in places:
        if one.get("breakdowns") is not None:
            add(
                charts.underutilization_breakdowns(one["breakdowns"], place, prov, reports_dir),
                f"Underutilization by English ability, years in the U.S., degree field and sex: "
                f"{place_name(place)}",
                "characteristics",
            )
    if one.get("forgone_earnings") is not None and states:
        add(
            charts.forgone_earnings_by_state(one["forgone_earnings"], focus, prov, reports_dir),
            "Forgone earnings by state",
            "earnings",
        )
    for place in places:
        years = all_years.loc[all_years["state"] == place, "year"].unique()
        if len(years) > 1:
            trend_prov = Provenance.for_years(
                years, int(meta["period"]), prov.profile, prov.synthetic, moe=prov.moe
            )
            add(
                charts.trend(all_years, place, trend_prov, reports_dir),
                f"Underutilization rate over time: {place_name(place)}",
                "trend",
                trend_prov.source_line(),
            )

    if tables.get("trend") is not None:
        for path, caption in _draw_trend(tables, meta, places, prov, reports_dir):
            add(path, caption, "trend", trend_provenance(meta).source_line())

    one.update({k: tables[k] for k in TREND_TABLES if tables.get(k) is not None})
    table_files = write_tables(one, meta, reports_dir)
    written += table_files
    findings = []
    if places:
        from ..sentences import key_findings

        findings = [f.text for f in key_findings(est, places[0], prov.synthetic, meta["profile"])]
    written.append(write_gallery(gallery, meta, prov, reports_dir, table_files, findings))
    return written


def draw_trend_report(tables: dict[str, pd.DataFrame], meta: dict, reports_dir: Path) -> list[Path]:
    """What ``brainwaste trend`` draws: the trend charts (the focus state and the nation, the
    change by state), the workbook with the last year's estimates and the trend and changes
    sheets, and a gallery of those charts. Only the trend's own charts, so that a trend made of
    kept years is quick to redraw (``brainwaste report`` draws the full catalog of one year)."""
    trend = tables["trend"]
    states = [s for s in trend["state"].unique() if s != NATION]
    focus = focus_state(states) if states else None
    places = [p for p in (focus, NATION) if p is not None and (trend["state"] == p).any()]
    tprov = trend_provenance(meta)
    written: list[Path] = []
    gallery: list[GalleryFigure] = []
    for paths, caption in _draw_trend(tables, meta, places, tprov, reports_dir):
        written.extend(paths)
        gallery.append(GalleryFigure(_name(paths), caption, SECTIONS["trend"]))
    present = {k: tables[k] for k in ("estimates", *TREND_TABLES) if tables.get(k) is not None}
    # The trend's CSVs are in DATA_DIR/processed already: the workbook only (writing tens of
    # thousands of rows as CSV again would double the time of a trend made of kept years), and
    # only when its tables or settings changed since it was written.
    table_files = reuse.reuse_or_write(
        Path(reports_dir) / "tables",
        "trend_workbook",
        (present, workbook_meta(meta)),
        lambda: write_tables(present, meta, reports_dir, csv=False),
    )
    written += table_files
    written.append(write_gallery(gallery, meta, tprov, reports_dir, table_files))
    return written


def trend_provenance(meta: dict) -> Provenance:
    """Provenance of a ``brainwaste trend`` run (its meta lists the years)."""
    return Provenance.for_years(
        meta["years"],
        int(meta["period"]),
        meta["profile"]["name"],
        meta["synthetic"],
        moe=bool(meta.get("replicate_weights", True)),
    )


def _draw_trend(tables, meta, places, prov, reports_dir) -> list[tuple[list[Path], str]]:
    """The charts of a trend: the rate over time per place, the change by state."""
    trend, changes = tables["trend"], tables.get("changes")
    tprov = trend_provenance(meta)
    skipped = meta.get("skipped_years", [])
    figures = Path(reports_dir) / "figures"
    # Each chart is drawn again only when what it is drawn from changed (figures/reuse.py).
    out = [
        (
            reuse.reuse_or_write(
                figures,
                f"underutilization_trend_{place.lower()}",
                (trend, place, tprov, skipped),
                lambda place=place: trend_charts.underutilization_trend(
                    trend, place, tprov, reports_dir, skipped
                ),
            ),
            f"Underutilization rate over time: {place_name(place)}",
        )
        for place in places
    ]
    states = [s for s in trend["state"].unique() if s != NATION]
    if changes is not None and len(states) > 1:
        out.append(
            (
                reuse.reuse_or_write(
                    figures,
                    "underutilization_change_by_state",
                    (changes, tprov, trend),
                    lambda: trend_charts.underutilization_change_by_state(
                        changes, tprov, reports_dir, trend=trend
                    ),
                ),
                "Change in the underutilization rate of immigrants educated abroad, by state",
            )
        )
    return out


def workbook_meta(meta: dict) -> dict:
    """The part of a run's metadata the workbook shows: all of it but the list of years reused
    from kept results (which a rerun changes and no sheet shows)."""
    return {k: v for k, v in meta.items() if k != "reused_years"}


def load_all_processed(
    data_dir: str | os.PathLike | None = None,
    profile: str | None = None,
    period: int | None = None,
) -> pd.DataFrame:
    """The estimates of every run in DATA_DIR/processed with the same profile, one table.

    By default the profile, period and synthetic flag are those of the latest run, so runs made
    with other definitions (or the synthetic sample) never mix into a trend. Put the result in
    ``tables["estimates_all_years"]`` to have :func:`draw_all` draw the trend.
    """
    out = config.processed_dir(data_dir)
    metas = sorted(out.glob("estimates_*_*yr.meta.json"), key=lambda p: (p.stat().st_mtime, p.name))
    if not metas:
        raise InputError(
            f"no estimates in {out}: run 'brainwaste estimate' or 'brainwaste report' first"
        )
    latest = json.loads(metas[-1].read_text())
    profile = profile or latest["profile"]["name"]
    period = period or int(latest["period"])
    synthetic = bool(latest["synthetic"])
    frames = []
    for path in sorted(out.glob("estimates_*_*yr.parquet")):
        t = pd.read_parquet(path)
        keep = (t["profile"] == profile) & (t["period"] == period)
        if "synthetic" in t:
            keep &= t["synthetic"].fillna(False).astype(bool) == synthetic
        if keep.any():
            frames.append(t[keep])
    if not frames:
        raise InputError(f"no estimates with profile {profile!r} and period {period} in {out}")
    return pd.concat(frames, ignore_index=True).sort_values(
        ["year"], kind="stable", ignore_index=True
    )
