"""Write a figure the way every report figure is written.

``REPORTS_DIR/figures/NAME.{png,svg,pdf}`` (300 dpi PNG, fonts embedded in the PDF, no
timestamps in any metadata so the same input gives the same bytes), ``NAME.alt.txt`` (alt text),
``NAME.csv`` (the plotted numbers with their MOEs), and a source line drawn on the chart.
Figures made from the synthetic sample carry a visible mark in the image and in the alt text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .. import __version__
from ..atomic import write_atomic
from ..wording import SYNTHETIC_MARK
from . import style

FORMATS = ("png", "svg", "pdf")

#: Every file a figure is made of, by suffix.
SUFFIXES = (*FORMATS, "alt.txt", "csv")

#: Digits kept in a figure's CSV (as many as the processed tables keep).
CSV_FLOAT_FORMAT = "%.10g"


def _survey(years: str, period: int, synthetic: bool) -> str:
    survey = f"ACS {years} {period}-year PUMS"
    return f"synthetic sample in the {survey} schema" if synthetic else survey


@dataclass(frozen=True)
class Provenance:
    """What every output says about where its numbers came from."""

    survey: str  # e.g. "ACS 2024 1-year PUMS"
    profile: str
    synthetic: bool
    version: str = __version__
    moe: bool = True  # False when the input had no replicate weights (no standard errors)

    @classmethod
    def for_run(
        cls, year: int, period: int, profile: str, synthetic: bool, moe: bool = True
    ) -> Provenance:
        years = f"{year}" if period == 1 else f"{year - period + 1}-{year}"
        return cls(_survey(years, period, synthetic), profile, synthetic, moe=moe)

    @classmethod
    def for_years(
        cls, years: Iterable[int], period: int, profile: str, synthetic: bool, moe: bool = True
    ) -> Provenance:
        """Provenance of a chart that spans several survey years (a trend)."""
        ys = sorted({int(y) for y in years})
        if period == 1:  # runs of consecutive years as ranges: "2012-2019, 2021-2024"
            runs: list[list[int]] = []
            for y in ys:
                if runs and y == runs[-1][-1] + 1:
                    runs[-1].append(y)
                else:
                    runs.append([y])
            text = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
        else:
            text = ", ".join(f"{y - period + 1}-{y}" for y in ys)
        return cls(_survey(text, period, synthetic), profile, synthetic, moe=moe)

    def source_line(self) -> str:
        moe = (
            "90% margins of error shown."
            if self.moe
            else "No margins of error: the input has no replicate weights."
        )
        return (
            f"Source: {self.survey}; definition profile '{self.profile}'; "
            f"analysis with brainwaste {self.version}. {moe}"
        )


def _metadata(fmt: str, title: str, description: str, author: str = "") -> dict:
    """File metadata: title, alt text and the organization of the house style (if any) in,
    every timestamp and tool version out."""
    if fmt == "png":
        meta = {"Software": None, "Title": title, "Description": description}
        return {**meta, "Author": author} if author else meta
    if fmt == "svg":
        meta = {"Date": None, "Creator": None, "Title": title, "Description": description}
        return {**meta, "Publisher": author} if author else meta
    meta = {
        "CreationDate": None,
        "ModDate": None,
        "Creator": None,
        "Producer": None,
        "Title": title,
        "Subject": description,
    }
    return {**meta, "Author": author} if author else meta


#: Height of the house-style logo in the top-left corner of a figure, in inches.
LOGO_HEIGHT_IN = 0.15


def _stamp_house(fig: plt.Figure, house: style.HouseStyle) -> None:
    """The organization's logo, name and footer in the band above the chart title (top-left; the
    synthetic mark keeps the top-right). The text shrinks, then is cut short, to leave the
    right-hand third of the band free."""
    w_in, h_in = fig.get_size_inches()
    x = 0.01 * w_in
    logo = house.logo_rgba()
    if logo is not None:
        h_px, w_px = logo.shape[:2]
        lw = LOGO_HEIGHT_IN * w_px / h_px
        ax = fig.add_axes(
            (x / w_in, 1 - (0.03 + LOGO_HEIGHT_IN) / h_in, lw / w_in, LOGO_HEIGHT_IN / h_in),
            label="house-logo",
        )
        ax.imshow(logo, interpolation="antialiased")
        ax.set_axis_off()
        x += lw + 0.06
    words = " · ".join(t for t in (house.organization, house.footer) if t)
    if not words:
        return
    room = 0.64 * w_in - x
    size = 6.5
    text = fig.text(
        x / w_in,
        1 - (0.03 + LOGO_HEIGHT_IN / 2) / h_in,
        words,
        fontsize=size,
        color="#222222",
        ha="left",
        va="center",
        fontweight="bold",
    )
    renderer = fig.canvas.get_renderer()

    def width() -> float:
        return text.get_window_extent(renderer).width / fig.dpi

    while size > 5 and width() > room:
        size -= 0.25
        text.set_fontsize(size)
    while width() > room and len(words) > 10:
        words = words[: int(len(words) * room / width()) - 1].rstrip() + "…"
        text.set_text(words)


def stamp(fig: plt.Figure, provenance: Provenance) -> None:
    """Draw the source line, the organization of the house style in effect, and, for synthetic
    data, the visible mark."""
    fig.text(
        0.01,
        0.008,
        provenance.source_line(),
        fontsize=6.5,
        color="#444444",
        ha="left",
        va="bottom",
    )
    _stamp_house(fig, style.current())
    if provenance.synthetic:
        # A faint diagonal mark behind the data (the axes are see-through so it shows) and a
        # solid label in the top-right corner that no crop of the chart can lose.
        fig.text(
            0.5,
            0.5,
            SYNTHETIC_MARK,
            fontsize=26,
            color="#D55E00",
            alpha=0.13,
            ha="center",
            va="center",
            rotation=20,
            fontweight="bold",
            zorder=-10,
        )
        for ax in fig.axes:
            ax.patch.set_alpha(0)
        fig.text(
            0.99,
            0.992,
            SYNTHETIC_MARK,
            fontsize=8,
            color="#D55E00",
            ha="right",
            va="top",
            fontweight="bold",
        )


def save_figure(
    fig: plt.Figure,
    name: str,
    data: pd.DataFrame,
    alt_text: str,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
    title: str | None = None,
) -> list[Path]:
    """Stamp the source line (and synthetic mark), then write the five files of a figure."""
    out = Path(reports_dir) / "figures"
    out.mkdir(parents=True, exist_ok=True)
    stamp(fig, provenance)
    alt_text = " ".join(alt_text.split())
    if provenance.synthetic:
        alt_text = (
            f"{SYNTHETIC_MARK}. {alt_text} These numbers are from a synthetic sample, "
            "not Census data."
        )
    title = title or name.replace("_", " ")
    author = style.current().organization
    paths = []
    for fmt in FORMATS:
        p = out / f"{name}.{fmt}"
        meta = _metadata(fmt, title, alt_text, author)
        write_atomic(p, lambda t, fmt=fmt, meta=meta: fig.savefig(t, format=fmt, metadata=meta))
        paths.append(p)
    plt.close(fig)
    alt = out / f"{name}.alt.txt"
    write_atomic(alt, lambda t: t.write_text(alt_text + "\n", encoding="utf-8"))
    csv = out / f"{name}.csv"
    data = data.copy()
    data["source"] = provenance.survey
    data["profile"] = provenance.profile
    data["brainwaste_version"] = provenance.version
    data["synthetic"] = provenance.synthetic
    write_atomic(
        csv,
        lambda t: data.to_csv(t, index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n"),
    )
    return [*paths, alt, csv]
