"""State fact sheets: two printable pages per state with the numbers in words.

``REPORTS_DIR/factsheets/{ST}_{YEAR}_{PERIOD}yr_{PROFILE}.pdf`` (US Letter, at most two pages,
real text in embedded TrueType fonts), a self-contained ``.html`` (CSS and images inlined) and a
``.md`` with the same content; the charts they show are written beside them in
``{stem}/figures/`` by the package's chart functions (with their alt text and data CSV).

Content: a headline sentence and four to six key numbers with their 90% margins of error, all
from :mod:`brainwaste.sentences` (one wording rule everywhere); three or four charts (outcomes
by group, the state against the nation, the top occupations of immigrants educated abroad, the
immigrant share of health workers, and the trend when several survey years are available); a
"how these numbers were made" box and the source line. From the synthetic sample, every page
carries a SYNTHETIC banner and every sentence says it is an illustration.

The PDF is laid out with matplotlib's PDF backend (already a dependency, no browser needed):
each page is a Letter-size figure, text is drawn as text (``pdf.fonttype`` 42 embeds the fonts
as TrueType, so it stays selectable and searchable), and the charts are placed as their
300 dpi PNGs.
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.textpath import TextToPath

from . import __version__, config, sentences
from .atomic import write_atomic
from .errors import InputError
from .figures import charts, style
from .figures.export import SYNTHETIC_MARK, Provenance
from .figures.gallery import HTML_START
from .geography import NATION, place_name
from .sentences import Finding

#: Folder under REPORTS_DIR.
FACTSHEET_DIR = "factsheets"

#: US Letter, portrait, in inches, and the margin on every side.
PAGE_SIZE = (8.5, 11.0)
MARGIN = 0.55

#: The text of the banner on every page of a fact sheet made from the synthetic sample.
SYNTHETIC_BANNER = f"{SYNTHETIC_MARK}. Not Census data: do not cite these numbers."

#: Occupations listed in the fact sheet's occupation chart (the report's shows 12).
TOP_OCCUPATIONS = 8

#: A chart is never drawn smaller than this share of its natural width (so its text stays
#: readable in print); a chart that would need to be smaller is left out.
MIN_CHART_SCALE = 0.62

INK = "#1A1A1A"
MUTED = "#4D4D4D"
RULE = "#BBBBBB"
BOX = "#F3F5F7"
WARN = style.OKABE_ITO["vermillion"]
ACCENT = style.OKABE_ITO["blue"]


@dataclass(frozen=True)
class SheetChart:
    """A chart on the fact sheet: its PNG (drawn by the package's chart function) and alt text."""

    name: str
    caption: str
    png: Path
    alt: str

    @property
    def size_in(self) -> tuple[float, float]:
        """Natural size in inches (the PNGs are 300 dpi)."""
        from PIL import Image

        with Image.open(self.png) as im:
            w, h = im.size
        return w / 300, h / 300


@dataclass
class FactSheet:
    """Everything a fact sheet says, independent of the format it is written in."""

    place: str
    stem: str
    title: str
    subtitle: str
    headline: Finding | None
    findings: list[Finding]
    charts: list[SheetChart]
    method: list[tuple[str, str]]
    source: str
    provenance: Provenance
    house: style.HouseStyle
    notes: list[str] = field(default_factory=list)
    #: A warning printed under the headline when most estimates are unreliable.
    caution: Finding | None = None

    @property
    def synthetic(self) -> bool:
        return self.provenance.synthetic


# -- content ------------------------------------------------------------------------------------


def sheet_stem(place: str, meta: dict) -> str:
    """``MA_2024_1yr_mpi``: state, survey year (a pooled range as 2022-2024), period, profile."""
    years = meta.get("pooled_years") or [meta["year"]]
    label = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    profile = re.sub(r"[^A-Za-z0-9_.-]+", "_", meta["profile"]["name"])
    return f"{place}_{label}_{int(meta['period'])}yr_{profile}"


def method_box(meta: dict, provenance: Provenance) -> list[tuple[str, str]]:
    """The "how these numbers were made" box: (heading, text) pairs from the run's metadata."""
    p = meta["profile"]
    ages = (
        f"aged {p['min_age']} or older"
        if p.get("max_age") is None
        else f"aged {p['min_age']} to {p['max_age']}"
    )
    definition = sentences.Definition.of(p)
    field_words = "in any field" if p.get("degree_set") == "all" else "in a health field"
    degree = f"a bachelor's degree or higher {field_words}" + (
        " (first or second major)" if p.get("use_second_degree", True) else " (first major)"
    )
    what = sentences.underutilized_words(definition.underutilized)
    of = "the civilian labor force" if definition.of_labor_force else "all in the group"
    tiers = {
        "bls": "the typical entry education of the occupation (BLS Employment Projections)",
        "onet": "the O*NET Job Zone of the occupation",
    }.get(p.get("skill_scheme", "bls"), f"the {p.get('skill_scheme')} skill scheme")
    se = (
        "Standard errors come from the survey's 80 replicate weights (successive difference "
        "replication); a 90% margin of error is 1.645 standard errors. Two rates are called "
        "higher or lower only when the 90% interval of their difference excludes zero."
        if provenance.moe
        else "The input has no replicate weights, so there are no margins of error and no "
        "difference is tested."
    )
    box = [
        ("Data", f"{provenance.survey[:1].upper()}{provenance.survey[1:]}, person records."),
        ("Who is counted", f"Civilians {ages} with {degree}, by place of birth."),
        (
            "Educated abroad",
            "The survey does not ask where a degree was earned: immigrants who arrived in the "
            f"U.S. at age {p['foreign_educated_arrival_age']} or older are counted as educated "
            "abroad, the others as educated in the U.S.",
        ),
        (
            "Underutilized",
            f"Those who {what}, as a share of {of}; job skill levels follow {tiers}.",
        ),
        ("Margins of error", se),
        ("Reliability", sentences.RELIABILITY_RULE),
        ("Definitions", f"Profile '{p['name']}': {p.get('description', '')}"),
    ]
    return box


def _chart(paths: list[Path], caption: str) -> SheetChart | None:
    png = next(p for p in paths if p.suffix == ".png")
    alt = png.with_suffix("").with_suffix(".alt.txt")
    alt = png.parent / (png.stem + ".alt.txt")
    text = alt.read_text(encoding="utf-8").strip()
    if text.removeprefix(f"{SYNTHETIC_MARK}. ").startswith(charts.NO_DATA):
        return None  # a "Not enough data" panel says nothing a fact sheet should print
    return SheetChart(png.stem, caption, png, text)


def years_available(
    data_dir: str | os.PathLike | None, profile: str, period: int, synthetic: bool
) -> pd.DataFrame | None:
    """The estimates of every survey year in DATA_DIR/processed made with this profile, period
    and synthetic flag: those of single runs (``estimates_*``) and of ``brainwaste trend``
    (``trend_*``), one row per cell and year (a later file wins). None when there are none."""
    out = config.processed_dir(data_dir)
    paths = [*sorted(out.glob("estimates_*_*yr.parquet")), *sorted(out.glob("trend_*_*yr.parquet"))]
    frames = []
    for path in paths:
        t = pd.read_parquet(path)
        if not {"profile", "period", "year", "state", "population", "outcome"} <= set(t.columns):
            continue
        keep = (t["profile"] == profile) & (t["period"] == period)
        if "synthetic" in t:
            keep &= t["synthetic"].fillna(False).astype(bool) == synthetic
        frames.append(t[keep])
    frames = [f for f in frames if len(f)]
    if not frames:
        return None
    t = pd.concat(frames, ignore_index=True)
    keys = [
        c for c in ("year", "state", "population", "outcome", "breakdown", "category") if c in t
    ]
    t = t.drop_duplicates(keys, keep="last")
    return t.sort_values("year", kind="stable", ignore_index=True)


def _trend_chart():
    """The trend chart function: the dedicated trend module's when present, else the catalog's."""
    try:
        from .figures import trend_charts  # noqa: PLC0415
    except ImportError:
        return charts.trend
    return getattr(trend_charts, "underutilization_trend", charts.trend)


def draw_sheet_charts(
    tables: dict[str, pd.DataFrame],
    place: str,
    provenance: Provenance,
    out_dir: Path,
    all_years: pd.DataFrame | None = None,
    period: int = 1,
) -> list[SheetChart]:
    """Draw the fact sheet's charts into ``out_dir/figures``, most important first."""
    est = tables["estimates"]
    name = place_name(place, "text")
    out: list[SheetChart] = []
    out.append(
        _chart(
            charts.outcomes_by_group(est, place, provenance, out_dir),
            f"Labor-market outcomes by group, {name}",
        )
    )
    if all_years is not None:
        years = all_years.loc[all_years["state"] == place, "year"].unique()
        if len(years) > 1:
            trend_prov = Provenance.for_years(
                years, period, provenance.profile, provenance.synthetic, moe=provenance.moe
            )
            out.append(
                _chart(
                    _trend_chart()(all_years, place, trend_prov, out_dir),
                    f"Underutilization over time, {name}",
                )
            )
    if place != NATION and (est["state"] == NATION).any():
        both = est[est["state"].isin([place, NATION])]
        out.append(
            _chart(
                charts.underutilization_by_state(both, place, provenance, out_dir),
                f"Underutilization rate: {name} and the nation",
            )
        )
    occ = tables.get("occupations")
    if occ is not None and (occ["state"] == place).any():
        out.append(
            _chart(
                charts.occupations_of_group(occ, place, provenance, out_dir, top=TOP_OCCUPATIONS),
                f"Most common jobs of immigrants educated abroad, {name}",
            )
        )
    hw = tables.get("health_workforce")
    if hw is not None and (hw["state"] == place).any():
        out.append(
            _chart(
                charts.immigrant_share_of_health_workers(hw, place, provenance, out_dir),
                f"Immigrant share of health workers, {name}",
            )
        )
    return out


def compose(
    tables: dict[str, pd.DataFrame],
    meta: dict,
    place: str,
    reports_dir: str | os.PathLike | None = None,
    house: style.HouseStyle | None = None,
    all_years: pd.DataFrame | None = None,
) -> FactSheet:
    """The content of one state's fact sheet (drawing its charts on the way)."""
    from .figures.catalog import provenance as provenance_of

    est = tables["estimates"]
    if not (est["state"] == place).any():
        have = ", ".join(sorted(set(est["state"])))
        raise InputError(
            f"no estimates for {place} in this run (it has {have}): add it to --states"
        )
    house = house or style.current()
    prov = provenance_of(meta)
    stem = sheet_stem(place, meta)
    out_dir = config.reports_dir(reports_dir) / FACTSHEET_DIR / stem
    definition = sentences.Definition.of(meta["profile"])
    with style.using(house):
        drawn = draw_sheet_charts(tables, place, prov, out_dir, all_years, int(meta["period"]))
    drawn = [c for c in drawn if c is not None]
    findings = sentences.key_findings(est, place, prov.synthetic, definition)
    head = sentences.headline(est, place, prov.synthetic, definition)
    findings = [f for f in findings if head is None or f.text != head.text]
    where = place_name(place, "text")
    every_field = meta["profile"].get("degree_set") == "all"
    who = "College graduates" if every_field else "Health-degree holders"
    title = f"{who} in {where}"
    subtitle = (
        "Skill underutilization of college-educated immigrants"
        + ("" if every_field else " with health degrees")
        + f": {prov.survey}"
    )
    source = prov.source_line()
    notes = [n for n in meta.get("notes", []) if not n.startswith("SYNTHETIC")]
    return FactSheet(
        place,
        stem,
        title,
        subtitle,
        head,
        findings,
        drawn,
        method_box(meta, prov),
        source,
        prov,
        house,
        notes,
        sentences.caution(est, place, prov.synthetic),
    )


# -- PDF ----------------------------------------------------------------------------------------

_T2P = TextToPath()


def _font(size: float, weight: str = "normal", family: str | None = None) -> FontProperties:
    fam = [family, style.RC["font.family"]] if family else [style.RC["font.family"]]
    return FontProperties(family=fam, size=size, weight=weight)


def _width_in(text: str, prop: FontProperties) -> float:
    w, _, _ = _T2P.get_text_width_height_descent(text, prop, ismath=False)
    return w / 72


def wrap_to(text: str, width_in: float, prop: FontProperties) -> list[str]:
    """Greedy line breaking on measured word widths (the fonts are proportional)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and _width_in(trial, prop) > width_in:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


class _Page:
    """One Letter page, laid out top to bottom in inches from the top edge."""

    def __init__(self, sheet: FactSheet, number: int, family: str | None) -> None:
        self.sheet = sheet
        self.family = family
        self.fig = plt.figure(figsize=PAGE_SIZE)
        self.w, self.h = PAGE_SIZE
        self.y = MARGIN
        self.number = number

    def _xy(self, x_in: float, y_in: float) -> tuple[float, float]:
        return x_in / self.w, 1 - y_in / self.h

    def text(self, x, y, s, size, weight="normal", color=INK, **kw):
        return self.fig.text(
            *self._xy(x, y),
            s,
            fontproperties=_font(size, weight, self.family),
            color=color,
            va="top",
            **kw,
        )

    def paragraph(
        self,
        s: str,
        size: float,
        x: float = MARGIN,
        width: float | None = None,
        weight="normal",
        color=INK,
        leading: float = 1.32,
    ) -> float:
        """Wrapped text at the cursor; returns its height (inches) and moves the cursor down."""
        width = width or self.w - 2 * MARGIN
        lines = wrap_to(s, width, _font(size, weight, self.family))
        step = size * leading / 72
        for i, line in enumerate(lines):
            self.text(x, self.y + i * step, line, size, weight, color)
        height = len(lines) * step
        self.y += height
        return height

    def rect(self, x, y, w, h, color, **kw):
        self.fig.add_artist(
            Rectangle(
                self._xy(x, y + h),
                w / self.w,
                h / self.h,
                transform=self.fig.transFigure,
                facecolor=color,
                edgecolor="none",
                **kw,
            )
        )

    def image(self, rgba_or_png, x, y, w, h, label: str):
        ax = self.fig.add_axes(
            (x / self.w, 1 - (y + h) / self.h, w / self.w, h / self.h), label=label
        )
        if isinstance(rgba_or_png, (str, Path)):  # a chart: opaque 8-bit RGB, embedded as is
            from PIL import Image

            with Image.open(rgba_or_png) as im:
                img = np.asarray(im.convert("RGB"))
        else:
            img = rgba_or_png
        ax.imshow(img, interpolation="none")
        ax.set_axis_off()

    def banner(self) -> None:
        """The SYNTHETIC banner across the top of the page."""
        self.rect(0, 0, self.w, 0.36, WARN)
        self.text(self.w / 2, 0.1, SYNTHETIC_BANNER, 9.5, "bold", "white", ha="center")

    def _source_lines(self) -> list[str]:
        return wrap_to(self.sheet.source, self.w - 2 * MARGIN, _font(6.5, family=self.family))

    def footer(self, total: int) -> None:
        """Organization credit and page number, then the source line, at the bottom."""
        s = self.sheet
        lines = self._source_lines()
        top = self.h - MARGIN + 0.02 - 0.11 * (len(lines) + 1)
        self.fig.add_artist(
            plt.Line2D(
                [MARGIN / self.w, 1 - MARGIN / self.w],
                [1 - (top - 0.06) / self.h] * 2,
                color=RULE,
                lw=0.6,
                transform=self.fig.transFigure,
            )
        )
        if s.house.label:
            self.text(MARGIN, top, s.house.label, 6.5, "bold", MUTED)
        self.text(
            self.w - MARGIN, top, f"Page {self.number} of {total}", 6.5, color=MUTED, ha="right"
        )
        for i, line in enumerate(lines):
            self.text(MARGIN, top + (i + 1) * 0.11, line, 6.5, color=MUTED)

    def bottom_limit(self) -> float:
        """Lowest y the page content may reach (above the footer)."""
        return self.h - MARGIN + 0.02 - 0.11 * (len(self._source_lines()) + 1) - 0.16


def _fit_charts(
    items: list[SheetChart], width: float, height: float, gap: float
) -> tuple[list[SheetChart], float]:
    """The charts (in order) that fit one column `width` x `height`, and the scale that fits them:
    full width if possible, else shrunk together, never below :data:`MIN_CHART_SCALE`."""
    chosen = list(items)
    while chosen:
        widths = [c.size_in[0] for c in chosen]
        heights = [c.size_in[1] * width / w for c, w in zip(chosen, widths, strict=True)]
        need = sum(heights) + gap * (len(chosen) - 1)
        scale = min(1.0, (height - gap * (len(chosen) - 1)) / sum(heights))
        if need <= height or scale >= MIN_CHART_SCALE:
            return chosen, scale
        chosen = chosen[:-1]
    return [], 1.0


def _draw_chart(
    page: _Page, chart: SheetChart, width: float, scale: float, caption: bool = True
) -> None:
    nat_w, nat_h = chart.size_in
    w = width * scale
    h = nat_h * w / nat_w
    x = MARGIN + (width - w) / 2
    page.image(chart.png, x, page.y, w, h, chart.name)
    page.y += h


def _header(page: _Page, sheet: FactSheet) -> None:
    if sheet.synthetic:
        page.banner()
        page.y = 0.36 + 0.3
    logo = sheet.house.logo_rgba()
    text_w = page.w - 2 * MARGIN
    if logo is not None:
        lh = 0.5
        lw = lh * logo.shape[1] / logo.shape[0]
        page.image(logo, page.w - MARGIN - lw, page.y, lw, lh, "logo")
        text_w -= lw + 0.2
    if sheet.house.organization:
        page.text(MARGIN, page.y, sheet.house.organization.upper(), 8, "bold", ACCENT)
        page.y += 0.2
    page.paragraph(sheet.title, 19, width=text_w, weight="bold", leading=1.15)
    page.y += 0.04
    page.paragraph(sheet.subtitle, 9, width=text_w, color=MUTED)
    page.y += 0.12
    page.fig.add_artist(
        plt.Line2D(
            [MARGIN / page.w, 1 - MARGIN / page.w],
            [1 - page.y / page.h] * 2,
            color=ACCENT,
            lw=1.6,
            transform=page.fig.transFigure,
        )
    )
    page.y += 0.18


def _findings(page: _Page, sheet: FactSheet) -> None:
    if sheet.headline is not None:
        page.paragraph(sheet.headline.text, 12.5, weight="bold", leading=1.3)
        page.y += 0.16
    if sheet.caution is not None:
        page.paragraph(sheet.caution.text, 9.5, weight="bold", color=WARN)
        page.y += 0.14
    page.text(MARGIN, page.y, "KEY NUMBERS", 8, "bold", ACCENT)
    page.y += 0.22
    tile_w = 1.25
    text_x = MARGIN + tile_w + 0.15
    text_w = page.w - MARGIN - text_x
    for f in sheet.findings:
        top = page.y
        figure_size = 15 if len(f.figure) <= 7 else 11
        page.text(MARGIN, top, f.figure, figure_size, "bold", WARN if sheet.synthetic else ACCENT)
        tile = figure_size * 1.25 / 72
        if f.label:
            lines = wrap_to(f.label, tile_w, _font(6.8, family=page.family))
            for i, line in enumerate(lines):
                page.text(MARGIN, top + tile + i * 0.11, line, 6.8, color=MUTED)
            tile += 0.11 * len(lines)
        h = page.paragraph(f.text, 8.8, x=text_x, width=text_w)
        page.y = top + max(h, tile) + 0.1
    page.y += 0.05


METHOD_SIZE = 7.6


def _method_rows(page: _Page, sheet: FactSheet) -> list[tuple[str, float, list[str]]]:
    """Each (heading, heading width, lines): the heading is bold and starts the first line."""
    prop = _font(METHOD_SIZE, family=page.family)
    bold = _font(METHOD_SIZE, "bold", page.family)
    inner = page.w - 2 * MARGIN - 0.3
    rows = []
    for k, v in sheet.method:
        head = f"{k}. "
        hw = _width_in(head, bold) + 0.02
        first = wrap_to(v, inner - hw, prop)
        lines = first[:1] + wrap_to(" ".join(first[1:]), inner, prop) if len(first) > 1 else first
        rows.append((head, hw, lines))
    return rows


def _method_height(page: _Page, sheet: FactSheet) -> float:
    step = METHOD_SIZE * 1.3 / 72
    rows = _method_rows(page, sheet)
    return 0.42 + sum(len(lines) for _, _, lines in rows) * step + 0.05 * len(rows) + 0.1


def _method(page: _Page, sheet: FactSheet, bottom: float) -> None:
    """The "how these numbers were made" box, anchored to the bottom of the page."""
    step = METHOD_SIZE * 1.3 / 72
    height = _method_height(page, sheet)
    page.fig.add_artist(
        FancyBboxPatch(
            page._xy(MARGIN, bottom),
            (page.w - 2 * MARGIN) / page.w,
            height / page.h,
            boxstyle="square,pad=0",
            transform=page.fig.transFigure,
            facecolor=BOX,
            edgecolor=RULE,
            lw=0.6,
        )
    )
    page.y = bottom - height + 0.14
    x = MARGIN + 0.15
    page.text(x, page.y, "How these numbers were made", 9.5, "bold")
    page.y += 0.26
    for head, hw, lines in _method_rows(page, sheet):
        page.text(x, page.y, head, METHOD_SIZE, "bold")
        for i, line in enumerate(lines):
            page.text(x + (hw if i == 0 else 0), page.y, line, METHOD_SIZE)
            page.y += step
        page.y += 0.05


def _captioned(page: _Page, chart: SheetChart, width: float, scale: float) -> None:
    _draw_chart(page, chart, width, scale)
    page.y += 0.14


def render_pdf(sheet: FactSheet, path: Path) -> Path:
    """Write the fact sheet as a PDF of at most two Letter pages."""
    family = sheet.house.font_family or None
    width = PAGE_SIZE[0] - 2 * MARGIN
    with style.using(sheet.house):
        style.apply()
        pages: list[_Page] = []
        p1 = _Page(sheet, 1, family)
        pages.append(p1)
        _header(p1, sheet)
        _findings(p1, sheet)
        rest = list(sheet.charts)
        room = p1.bottom_limit() - p1.y
        fit, scale = _fit_charts(rest[:1], width, room, 0.14)
        for c in fit:
            _captioned(p1, c, width, scale)
        rest = rest[len(fit) :]
        p2 = _Page(sheet, 2, family)
        pages.append(p2)
        if sheet.synthetic:
            p2.banner()
            p2.y = 0.36 + 0.3
        box_h = _method_height(p2, sheet)
        bottom = p2.bottom_limit()
        room = bottom - box_h - 0.2 - p2.y
        room_charts = 4 - len(fit)
        fit2, scale2 = _fit_charts(rest[:room_charts], width, room, 0.18)
        for c in fit2:
            _captioned(p2, c, width, scale2)
        _method(p2, sheet, min(bottom, p2.y + 0.1 + box_h))  # right under the charts
        for p in pages:
            p.footer(len(pages))
        sheet.charts[:] = [*fit, *fit2]
        meta = {
            "Title": f"{sheet.title} ({sheet.stem})",
            "Subject": sheet.headline.text if sheet.headline else sheet.subtitle,
            "Keywords": "SYNTHETIC" if sheet.synthetic else "",
            "Author": sheet.house.organization or None,
            "Creator": None,
            "Producer": None,
            "CreationDate": None,
            "ModDate": None,
        }

        def write(tmp: Path) -> None:
            with PdfPages(tmp, metadata=meta) as pdf:
                for p in pages:
                    pdf.savefig(p.fig)

        write_atomic(path, write)
        for p in pages:
            plt.close(p.fig)
    return path


# -- HTML and Markdown ------------------------------------------------------------------------

HTML_CSS = """
@page { size: letter; margin: 0.55in; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 7.4in; padding: 0.3in 0.2in; color: #1a1a1a;
  font: 10.5pt/1.45 FONT, "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Helvetica, Arial,
  sans-serif; }
.banner { background: #D55E00; color: #fff; font-weight: 700; text-align: center;
  padding: 0.45em 1em; margin: 0 0 1em; }
header { display: flex; justify-content: space-between; align-items: flex-start; gap: 1em;
  border-bottom: 2px solid #0072B2; padding-bottom: 0.6em; margin-bottom: 0.9em; }
header .org { color: #0072B2; font-weight: 700; font-size: 8.5pt; letter-spacing: 0.05em;
  text-transform: uppercase; margin: 0; }
header h1 { font-size: 19pt; margin: 0.1em 0 0.15em; line-height: 1.15; }
header p.sub { color: #4d4d4d; margin: 0; font-size: 9.5pt; }
header img.logo { max-height: 0.6in; max-width: 2in; }
p.headline { font-size: 12.5pt; font-weight: 700; margin: 0 0 0.8em; }
p.caution { color: #D55E00; font-weight: 700; }
h2 { color: #0072B2; font-size: 9pt; letter-spacing: 0.05em; text-transform: uppercase;
  margin: 1em 0 0.4em; }
ul.key { list-style: none; padding: 0; margin: 0; }
ul.key li { display: grid; grid-template-columns: 1.3in 1fr; gap: 0.15in; margin: 0 0 0.55em;
  font-size: 9.5pt; }
ul.key .figure { font-size: 15pt; font-weight: 700; color: #0072B2; line-height: 1.1; }
.synthetic ul.key .figure { color: #D55E00; }
ul.key .figure.long { font-size: 11pt; white-space: nowrap; }
ul.key .label { display: block; font-size: 7.5pt; font-weight: 400; color: #4d4d4d;
  margin-top: 0.2em; }
figure { margin: 0.8em 0 1em; break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: 8.5pt; color: #4d4d4d; margin-top: 0.2em; }
.method { background: #F3F5F7; border: 1px solid #bbb; padding: 0.6em 0.9em; font-size: 8.5pt;
  break-inside: avoid; }
.method h2 { color: #1a1a1a; text-transform: none; letter-spacing: 0; font-size: 10pt;
  margin-top: 0.2em; }
.method p { margin: 0.25em 0; }
footer { border-top: 1px solid #bbb; margin-top: 1em; padding-top: 0.4em; color: #4d4d4d;
  font-size: 7.5pt; }
"""


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def render_html(sheet: FactSheet, path: Path) -> Path:
    """Write the fact sheet as one self-contained HTML page (images inlined, no scripts)."""
    family = f'"{sheet.house.font_family}"' if sheet.house.font_family else '"DejaVu Sans"'
    out = [
        *HTML_START,
        f"<title>{_e(sheet.title)}{' (SYNTHETIC)' if sheet.synthetic else ''}</title>",
        f'<meta name="generator" content="brainwaste {_e(__version__)}">',
        f"<style>{HTML_CSS.replace('FONT', family)}</style>",
        "</head>",
        f'<body class="{"synthetic" if sheet.synthetic else "real"}">',
    ]
    if sheet.synthetic:
        out.append(f'<div class="banner" role="alert">{_e(SYNTHETIC_BANNER)}</div>')
    out.append("<header><div>")
    if sheet.house.organization:
        out.append(f'<p class="org">{_e(sheet.house.organization)}</p>')
    out += [f"<h1>{_e(sheet.title)}</h1>", f'<p class="sub">{_e(sheet.subtitle)}</p>', "</div>"]
    logo = sheet.house.logo
    if logo is not None:
        if logo.suffix.lower() == ".svg":
            uri = _data_uri(logo.read_bytes(), "image/svg+xml")
        else:
            uri = _data_uri(sheet.house.logo_png(), "image/png")
        out.append(f'<img class="logo" src="{uri}" alt="{_e(sheet.house.organization or "logo")}">')
    out.append("</header>")
    if sheet.headline is not None:
        out.append(f'<p class="headline">{_e(sheet.headline.text)}</p>')
    if sheet.caution is not None:
        out.append(f'<p class="caution">{_e(sheet.caution.text)}</p>')
    out += ["<h2>Key numbers</h2>", '<ul class="key">']
    for f in sheet.findings:
        label = f'<span class="label">{_e(f.label)}</span>' if f.label else ""
        out.append(
            f'<li><span class="figure{" long" if len(f.figure) > 7 else ""}">{_e(f.figure)}{label}'
            f"</span><span>{_e(f.text)}</span></li>"
        )
    out.append("</ul>")
    for c in sheet.charts:
        uri = _data_uri(c.png.read_bytes(), "image/png")
        out += [
            "<figure>",
            f'<img src="{uri}" alt="{_e(c.alt)}">',
            f"<figcaption>{_e(c.caption)}</figcaption>",
            "</figure>",
        ]
    out += ['<section class="method">', "<h2>How these numbers were made</h2>"]
    out += [f"<p><strong>{_e(k)}.</strong> {_e(v)}</p>" for k, v in sheet.method]
    out += ["</section>", "<footer>", f"<p>{_e(sheet.source)}</p>"]
    if sheet.house.label:
        out.append(f"<p>{_e(sheet.house.label)}</p>")
    out += ["</footer>", "</body>", "</html>", ""]
    return write_atomic(path, lambda t: t.write_text("\n".join(out), encoding="utf-8"))


def render_markdown(sheet: FactSheet, path: Path) -> Path:
    """Write the fact sheet as Markdown, its charts linked from ``{stem}/figures/``."""
    out = []
    if sheet.synthetic:
        out += [f"> **{SYNTHETIC_BANNER}**", ""]
    if sheet.house.organization:
        out += [f"*{sheet.house.organization}*", ""]
    out += [f"# {sheet.title}", "", sheet.subtitle, ""]
    if sheet.headline is not None:
        out += [f"**{sheet.headline.text}**", ""]
    if sheet.caution is not None:
        out += [f"> {sheet.caution.text}", ""]
    out += ["## Key numbers", ""]
    out += [
        f"- **{f.figure}**" + (f" ({f.label})" if f.label else "") + f": {f.text}"
        for f in sheet.findings
    ]
    out.append("")
    for c in sheet.charts:
        rel = c.png.relative_to(path.parent).as_posix()
        alt = " ".join(c.alt.replace("[", "(").replace("]", ")").split())
        out += [f"![{alt}]({rel})", "", f"*{c.caption}*", ""]
    out += ["## How these numbers were made", ""]
    out += [f"- **{k}.** {v}" for k, v in sheet.method]
    out += ["", "---", "", sheet.source]
    if sheet.house.label:
        out += ["", sheet.house.label]
    out.append("")
    return write_atomic(path, lambda t: t.write_text("\n".join(out), encoding="utf-8"))


# -- writing ------------------------------------------------------------------------------------


def write_factsheet(
    tables: dict[str, pd.DataFrame],
    meta: dict,
    place: str,
    reports_dir: str | os.PathLike | None = None,
    house: style.HouseStyle | str | os.PathLike | None = None,
    all_years: pd.DataFrame | None = None,
) -> list[Path]:
    """Write ``REPORTS_DIR/factsheets/{ST}_{YEAR}_{PERIOD}yr_{PROFILE}.{pdf,html,md}`` for one
    place from the processed tables of a run (``estimates``, and ``occupations`` and
    ``health_workforce`` when present) and its metadata. `house`: a style file, a
    :class:`~brainwaste.figures.style.HouseStyle`, or None for the one in effect. Returns the
    three paths."""
    house = style.resolve(house)
    sheet = compose(tables, meta, place, reports_dir, house, all_years)
    base = config.reports_dir(reports_dir) / FACTSHEET_DIR / sheet.stem
    pdf = render_pdf(sheet, base.with_name(base.name + ".pdf"))
    page = render_html(sheet, base.with_name(base.name + ".html"))
    md = render_markdown(sheet, base.with_name(base.name + ".md"))
    return [pdf, page, md]


def write_factsheets(
    tables: dict[str, pd.DataFrame],
    meta: dict,
    places: Iterable[str],
    reports_dir: str | os.PathLike | None = None,
    house: style.HouseStyle | str | os.PathLike | None = None,
    all_years: pd.DataFrame | None = None,
    progress: bool = True,
) -> list[Path]:
    """One fact sheet per place, with a progress line for each."""
    from .report import log

    places = list(places)
    house = style.resolve(house)
    written: list[Path] = []
    for i, place in enumerate(places, 1):
        paths = write_factsheet(tables, meta, place, reports_dir, house, all_years)
        if progress:
            log(f"fact sheet {i}/{len(places)}: {paths[0]}")
        written += paths
    return written
