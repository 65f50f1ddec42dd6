"""The estimate tables for people who work in spreadsheets.

``REPORTS_DIR/tables/brainwaste_tables.xlsx``: a README sheet (definitions of every column,
sources, the definition profile, data year, version, and a warning when the data are synthetic),
then one sheet per table with a frozen header, filters, readable column widths, thousands
separators on counts and percent formats on shares. The same tables are written as CSV next to
it. Same tables in, same bytes out: the workbook's dates are fixed and so are the zip entries'.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .. import __version__
from ..atomic import write_bytes_atomic
from ..estimate.outcomes import RELIABILITY_RULE, RELIABILITY_SENTENCE
from .export import CSV_FLOAT_FORMAT, SYNTHETIC_MARK

WORKBOOK_NAME = "brainwaste_tables.xlsx"

#: Sheets in workbook order, with what each table holds.
SHEETS = {
    "estimates": "Labor-market outcomes by state x population x outcome (the contract table).",
    "breakdowns": "The same estimates split by one characteristic at a time (column breakdown).",
    "occupations": "Occupations of employed health-degree holders by state x population.",
    "health_workforce": "Workers in health occupations (any education) and the immigrant share.",
    "forgone_earnings": "Annual earnings forgone by underutilized health-degree holders.",
    "trend": "The estimates of every survey year of a trend, one block per year, on one profile.",
    "changes": "Change between survey years (first -> each later year, each year -> the next) "
    "with the SE of the difference, sqrt(SE1^2 + SE2^2), its 90% MOE and significance.",
}

#: Definitions of every column of the tables (shown on the README sheet).
COLUMNS = {
    "year": "Survey year (the last year of a 5-year file).",
    "period": "1 (1-year file) or 5 (5-year file).",
    "state": "USPS state code, or US for the nation (sum over the states of the run).",
    "population": "us_born; immigrant (all foreign born); immigrant_us_educated (arrived before "
    "the profile's age, presumed educated in the U.S.); immigrant_foreign_educated (arrived at "
    "that age or later, presumed educated abroad); immigrant_unknown_education (arrival year "
    "missing for some immigrants).",
    "outcome": "total; labor_force; employed_high_skill / employed_middle_skill / "
    "employed_low_skill (employed, by the skill tier of the occupation); "
    "employed_health_occupation / employed_outside_health (employed, in a health occupation, "
    "2018 codes 3000-3655, or not); unemployed; not_in_labor_force; underutilized (the "
    "profile's outcomes, by default low-skilled job or unemployed).",
    "breakdown": "The characteristic the row is split by (none in the estimates sheet).",
    "category": "The category of the breakdown (all when breakdown is none).",
    "count": "Weighted count of people (person weight PWGTP).",
    "count_se": "Standard error of count from the 80 replicate weights (successive difference "
    "replication); empty when the input has no replicate weights.",
    "count_moe90": "90% margin of error of count: 1.645 x count_se.",
    "count_cv": "Coefficient of variation of count: count_se / count.",
    "share": "count as a share of the group's labor force (the job, health-occupation and "
    "unemployment outcomes, and underutilized unless the profile's rate is over all civilians) "
    "or of the group's total (labor_force, not_in_labor_force); 1 for total.",
    "share_se": "Replicate standard error of share.",
    "share_moe90": "90% margin of error of share: 1.645 x share_se.",
    "n_unweighted": "Sample records behind the estimate.",
    "reliable": f"FALSE when {RELIABILITY_RULE} (the count's CV, or the share's own): "
    "interpret with care.",
    "profile": "Name of the definition profile (see Profile settings below).",
    "synthetic": "TRUE when the numbers come from the synthetic sample, not Census data.",
    "data_source": "Where the records came from: sample, files (Census bulk files), api, input.",
    "brainwaste_version": "Version of brainwaste that computed the row.",
    "occp2018": "Occupation, 2018 Census occupation code (OCCP); all_health = every health "
    "occupation together.",
    "title": "Census title of the occupation.",
    "skill_tier": "Skill tier of the occupation (high, middle, low) under the profile's scheme.",
    "share_of_employed": "count as a share of the employed of the same state and population.",
    "immigrants": "Weighted count of immigrants (foreign born) among the occupation's workers.",
    "immigrants_se": "Replicate standard error of immigrants.",
    "immigrant_share": "immigrants / count.",
    "immigrant_share_se": "Replicate standard error of immigrant_share.",
    "immigrant_share_moe90": "90% margin of error of immigrant_share.",
    "immigrants_n": "Sample records behind immigrants.",
    "immigrants_reliable": "Reliability flag of immigrants (same rule as reliable).",
    "underutilized": "Weighted count of underutilized people (forgone_earnings sheet).",
    "comparison_records": "Records of skill-matched comparison workers in the thinnest cell used.",
    "forgone_earnings": "Annual dollars: sum over the underutilized of (mean earnings of "
    "high-skilled workers of the same state, education level and age group) minus own earnings.",
    "forgone_earnings_se": "Replicate standard error of forgone_earnings.",
    "forgone_earnings_moe90": "90% margin of error of forgone_earnings.",
    "mean_gap": "forgone_earnings / underutilized: the average annual gap per person.",
    "mean_gap_se": "Replicate standard error of mean_gap.",
    "counted": "Weighted count of the people the forgone-earnings definition compares "
    "(skill_matched: the underutilized; mpi: people employed in low-skilled jobs).",
    "without_comparison": "Of counted, the weighted count with no comparison worker in their "
    "state, education and age cell even pooled over states: left out of the sums.",
    "without_comparison_n": "Sample records behind without_comparison.",
    "definition": "Forgone-earnings definition: skill_matched (underutilized vs high-skilled "
    "jobs) or mpi (low-skilled workers vs middle- or high-skilled jobs).",
    "dollars": "The year whose dollars every amount is in (CPI-U-RS).",
    "earnings_variable": "PUMS variable the earnings come from: PERNP (total person's earnings) "
    "or, when the input lacks it, WAGP (wages or salary income).",
    "year_from": "First survey year of the change (changes sheet).",
    "year_to": "Second survey year of the change.",
    "share_from": "share in year_from.",
    "share_to": "share in year_to.",
    "share_diff": "share_to - share_from (in shares: 0.02 = 2 percentage points).",
    "share_diff_se": "Standard error of share_diff: sqrt(SE_from^2 + SE_to^2), the years being "
    "independent samples.",
    "share_diff_moe90": "90% margin of error of share_diff: 1.645 x share_diff_se.",
    "count_from": "count in year_from.",
    "count_to": "count in year_to.",
    "count_diff": "count_to - count_from.",
    "count_diff_se": "Standard error of count_diff: sqrt(SE_from^2 + SE_to^2).",
    "count_diff_moe90": "90% margin of error of count_diff.",
    "significant90": "TRUE when |share_diff| > 1.645 x share_diff_se: the change of the share "
    "is statistically significant at the 90% level; empty without replicate weights.",
}

SOURCES = [
    "U.S. Census Bureau, American Community Survey (ACS) Public Use Microdata Sample (PUMS), "
    "person records, with 80 replicate weights for standard errors.",
    "U.S. Census Bureau, 2018 Census Occupation Code List and 2010-2018 crosswalk.",
    "U.S. Bureau of Labor Statistics, Employment Projections Table 5.4 (typical entry education), "
    "for the skill tiers of occupations.",
    "O*NET job zones (National Center for O*NET Development, CC BY 4.0), for the onet profile.",
]

#: Fixed workbook dates and zip-entry times, so the file depends only on the tables.
FIXED_TIME = dt.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_WARN_FONT = Font(bold=True, color="D55E00", size=12)
_PERCENT_COLUMNS = (
    "share",
    "share_se",
    "share_moe90",
    "count_cv",
    "share_of_employed",
    "share_from",
    "share_to",
    "share_diff",
    "share_diff_se",
    "share_diff_moe90",
)
_INTEGER_COLUMNS = (
    "n_unweighted",
    "immigrants_n",
    "comparison_records",
    "year",
    "period",
    "year_from",
    "year_to",
)


def _number_format(column: str) -> str | None:
    if column in _INTEGER_COLUMNS:
        return "0"
    if column.startswith("immigrant_share") or column in _PERCENT_COLUMNS:
        return "0.0%"
    if column.startswith(("count", "immigrants", "underutilized")):
        return "#,##0"
    if column.startswith(("forgone_earnings", "mean_gap")):
        return "$#,##0"
    return None


def _cell(value):
    """A value openpyxl can write: missing -> empty, numpy scalars -> Python."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _table_sheet(wb: Workbook, name: str, table: pd.DataFrame) -> None:
    """A sheet with the header and the first data row; :func:`_rows_xml` writes the rest."""
    ws = wb.create_sheet(name)
    ws.append(list(table.columns))
    if len(table):
        ws.append([_cell(v) for v in table.iloc[0]])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = _HEADER_FILL
    ws.freeze_panes = "A2"
    last = get_column_letter(max(len(table.columns), 1))
    ws.auto_filter.ref = f"A1:{last}{len(table) + 1}"
    for i, column in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        fmt = _number_format(column)
        values = table[column].astype("string").fillna("")
        longest = max([len(column), *values.str.len().fillna(0).astype(int).tolist()])
        ws.column_dimensions[letter].width = min(
            max(longest + 2, 8), 60 if column == "title" else 30
        )
        if fmt and len(table):
            ws.cell(2, i).number_format = fmt


def _xml_text(values: pd.Series) -> pd.Series:
    return (
        values.str.replace("&", "&amp;", regex=False)
        .str.replace("<", "&lt;", regex=False)
        .str.replace(">", "&gt;", regex=False)
    )


def _rows_xml(table: pd.DataFrame, styles: dict[str, str]) -> str:
    """``<row>`` elements for every data row (from row 2), built column-wise.

    openpyxl serialises cell by cell in Python, about 20 s for the breakdowns table of a
    national run; these are the same elements (inline strings, ``t="n"`` numbers, ``t="b"``
    booleans, the first data row's style ids), built with vectorised string operations.
    """
    rows = pd.Series(np.arange(2, len(table) + 2)).astype(str)
    cells = pd.Series("", index=rows.index, dtype=object)
    for i, column in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        s = f' s="{styles[letter]}"' if letter in styles else ""
        ref = f'<c r="{letter}' + rows
        col = table[column].reset_index(drop=True)
        missing = col.isna().to_numpy()
        if pd.api.types.is_bool_dtype(col):
            xml = (
                ref + f'"{s} t="b"><v>' + col.map({True: "1", False: "0"}).astype(str) + "</v></c>"
            )
        elif pd.api.types.is_numeric_dtype(col):
            text = col.astype("float64").map(repr) if col.dtype.kind == "f" else col.astype(str)
            xml = ref + f'"{s} t="n"><v>' + text.astype(str) + "</v></c>"
        else:
            text = _xml_text(col.astype("string").fillna("")).astype(object)
            xml = ref + f'"{s} t="inlineStr"><is><t>' + text + "</t></is></c>"
        cells = cells + xml.where(~missing, "").astype(object)
    return "".join(('<row r="' + rows + '">' + cells + "</row>").tolist())


def _readme_sheet(wb: Workbook, tables: dict[str, pd.DataFrame], meta: dict) -> None:
    ws = wb.active
    ws.title = "README"
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1

    def put(a="", b="", bold=False, font=None):
        nonlocal row
        ws.cell(row, 1, a).font = font or Font(bold=bold)
        cell = ws.cell(row, 2, b)
        cell.alignment = wrap
        if font:
            cell.font = font
        row += 1

    put("brainwaste tables", "", font=Font(bold=True, size=14))
    if meta.get("synthetic"):
        put(
            SYNTHETIC_MARK,
            "These numbers come from a synthetic sample generated by brainwaste for "
            "illustration. They are not Census data and must not be cited.",
            font=_WARN_FONT,
        )
    put(
        "What",
        "Skill underutilization ('brain waste') of college-educated health-degree holders: "
        "U.S.-born, immigrants educated in the U.S., and immigrants educated abroad.",
    )
    period = int(meta.get("period", 1))
    year = int(meta["year"])
    put("Data year", f"{year}" if period == 1 else f"{year - period + 1}-{year}")
    put("Period", f"{period}-year ACS PUMS")
    put("States", ", ".join(meta.get("states", [])))
    put("Data source", str(meta.get("data_source", "")))
    put("Replicate weights", "yes" if meta.get("replicate_weights", True) else "no (no SEs)")
    put("brainwaste version", meta.get("brainwaste_version", __version__))
    for note in meta.get("notes", []):
        put("Note", note)
    row += 1
    put("Profile settings", "", bold=True)
    for key, value in meta.get("profile", {}).items():
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        put(key, "none" if value is None else str(value))
    row += 1
    put("Sheets", "", bold=True)
    for name, what in SHEETS.items():
        if name in tables:
            put(name, what)
    row += 1
    put("Columns", "", bold=True)
    seen = [c for name in SHEETS if name in tables for c in tables[name].columns]
    for column in dict.fromkeys(seen):
        put(column, COLUMNS.get(column, ""))
    row += 1
    put("Sources", "", bold=True)
    for source in SOURCES:
        put("", source)
    put(
        "Reliability",
        f"{RELIABILITY_SENTENCE} Such estimates have reliable = FALSE. 90% margins of error = "
        "1.645 x the replicate standard error.",
    )


def build_workbook(tables: dict[str, pd.DataFrame], meta: dict) -> Workbook:
    """The workbook object: README first, then a sheet per table present."""
    wb = Workbook()
    _readme_sheet(wb, tables, meta)
    for name in SHEETS:
        if name in tables:
            _table_sheet(wb, name, tables[name])
    wb.properties.creator = "brainwaste"
    wb.properties.title = "brainwaste estimate tables"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def _workbook_bytes(wb: Workbook, tables: dict[str, pd.DataFrame]) -> bytes:
    """Serialise (not with openpyxl's save, which stamps the current time), put every data row
    into the table sheets, and fix the zip entries' times."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    sheet_files = {
        f"xl/worksheets/sheet{i}.xml": ws.title for i, ws in enumerate(wb.worksheets, start=1)
    }
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            table = tables.get(sheet_files.get(info.filename, ""))
            if table is not None and len(table):
                data = _splice_rows(data.decode("utf-8"), table).encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    return out.getvalue()


def _splice_rows(xml: str, table: pd.DataFrame) -> str:
    """Replace the sheet's first data row (written by openpyxl) with all of them."""
    last = get_column_letter(len(table.columns))
    xml = re.sub(
        r'<dimension ref="[^"]*"', f'<dimension ref="A1:{last}{len(table) + 1}"', xml, count=1
    )
    start = xml.index('<row r="2"')
    end = xml.index("</row>", start) + len("</row>")
    styles = dict(re.findall(r'<c r="([A-Z]+)2" s="(\d+)"', xml[start:end]))
    return xml[:start] + _rows_xml(table, styles) + xml[end:]


def write_tables(
    tables: dict[str, pd.DataFrame],
    meta: dict,
    reports_dir: str | os.PathLike,
    csv: bool = True,
) -> list[Path]:
    """Write REPORTS_DIR/tables/brainwaste_tables.xlsx and (with `csv`) one CSV per table;
    returns the paths."""
    out = Path(reports_dir) / "tables"
    out.mkdir(parents=True, exist_ok=True)
    present = {name: tables[name] for name in SHEETS if name in tables}
    xlsx = out / WORKBOOK_NAME
    write_bytes_atomic(xlsx, _workbook_bytes(build_workbook(present, meta), present))
    written = [xlsx]
    for name, table in present.items() if csv else ():
        csv = out / f"{name}.csv"
        text = table.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n")
        write_bytes_atomic(csv, text.encode("utf-8"))
        written.append(csv)
    return written
