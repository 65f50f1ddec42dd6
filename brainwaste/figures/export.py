"""Write a figure the way every report figure is written.

``REPORTS_DIR/figures/NAME.{png,svg,pdf}`` (300 dpi PNG, fonts embedded in the PDF, no
timestamps in any metadata so the same input gives the same bytes), ``NAME.alt.txt`` (alt text),
``NAME.csv`` (the plotted numbers with their MOEs), and a source line drawn on the chart.
Figures made from the synthetic sample carry a visible mark in the image and in the alt text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .. import __version__

SYNTHETIC_MARK = "SYNTHETIC DATA: illustration only"

FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True)
class Provenance:
    """What every output says about where its numbers came from."""

    survey: str  # e.g. "ACS 2024 1-year PUMS"
    profile: str
    synthetic: bool
    version: str = __version__

    @classmethod
    def for_run(cls, year: int, period: int, profile: str, synthetic: bool) -> Provenance:
        years = f"{year}" if period == 1 else f"{year - period + 1}-{year}"
        survey = f"ACS {years} {period}-year PUMS"
        if synthetic:
            survey = f"synthetic sample in the {survey} schema"
        return cls(survey, profile, synthetic)

    def source_line(self) -> str:
        return (
            f"Source: {self.survey}; definition profile '{self.profile}'; "
            f"analysis with brainwaste {self.version}. 90% margins of error shown."
        )


def _atomic_write(path: Path, writer) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def save_figure(
    fig: plt.Figure,
    name: str,
    data: pd.DataFrame,
    alt_text: str,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
) -> list[Path]:
    """Stamp the source line (and synthetic mark), then write the five files of a figure."""
    out = Path(reports_dir) / "figures"
    out.mkdir(parents=True, exist_ok=True)
    fig.text(
        0.01, 0.01, provenance.source_line(), fontsize=6.5, color="#444444", ha="left", va="bottom"
    )
    if provenance.synthetic:
        fig.text(
            0.5, 0.5, SYNTHETIC_MARK, fontsize=22, color="#D55E00", alpha=0.25, ha="center",
            va="center", rotation=20, fontweight="bold", zorder=100,
        )  # fmt: skip
        fig.text(
            0.99,
            0.99,
            SYNTHETIC_MARK,
            fontsize=8,
            color="#D55E00",
            ha="right",
            va="top",
            fontweight="bold",
        )
        alt_text = f"{SYNTHETIC_MARK}. {alt_text} These numbers are from a synthetic sample, not Census data."
    paths = []
    meta = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    }
    for fmt in FORMATS:
        p = out / f"{name}.{fmt}"
        _atomic_write(p, lambda t, fmt=fmt: fig.savefig(t, format=fmt, metadata=meta[fmt]))
        paths.append(p)
    plt.close(fig)
    alt = out / f"{name}.alt.txt"
    _atomic_write(alt, lambda t: t.write_text(alt_text.strip() + "\n", encoding="utf-8"))
    csv = out / f"{name}.csv"
    data = data.copy()
    data["source"] = provenance.survey
    data["profile"] = provenance.profile
    data["brainwaste_version"] = provenance.version
    data["synthetic"] = provenance.synthetic
    _atomic_write(
        csv, lambda t: data.to_csv(t, index=False, float_format="%.6g", lineterminator="\n")
    )
    return [*paths, alt, csv]
