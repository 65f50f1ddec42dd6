"""``REPORTS_DIR/index.html``: every figure of a run on one static page.

The page opens from the file system (relative links only, CSS inline, no scripts, fonts or
images from elsewhere), reads on a phone (viewport meta, images scale to the screen), and has a
table of contents, each figure's caption, alt text, source note and download links, the tables,
and a banner when the data are synthetic. Same figures in, same bytes out.
"""

from __future__ import annotations

import base64
import html
import os
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_text_atomic
from ..estimate.outcomes import RELIABILITY_SENTENCE
from . import style
from .export import SYNTHETIC_MARK, Provenance

INDEX_NAME = "index.html"

#: The first lines of every HTML page the package writes (the gallery, the fact sheets).
HTML_START = (
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
)


@dataclass(frozen=True)
class GalleryFigure:
    """One figure on the page: its file stem under figures/, a caption and its section."""

    name: str
    caption: str
    section: str
    source: str = ""  # the source line when it differs from the run's (a trend over years)


CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #ddd; --accent: #0072B2; --warn: #D55E00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
  sans-serif; color: var(--ink); background: #fff; }
main, header, nav, footer { max-width: 980px; margin: 0 auto; padding: 0 1rem; }
header h1 { font-size: 1.6rem; margin: 1.2rem 0 0.3rem; }
header p { color: var(--muted); margin: 0 0 1rem; }
.banner { background: var(--warn); color: #fff; font-weight: 700; padding: 0.7rem 1rem;
  text-align: center; }
nav { border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule); padding: 0.6rem 1rem; }
nav h2 { font-size: 1rem; margin: 0.2rem 0; }
nav ol { margin: 0.2rem 0 0.4rem 1.2rem; padding: 0; }
h2.section { font-size: 1.25rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid var(--accent); }
figure { margin: 1.2rem 0 2rem; }
figure img { display: block; width: 100%; max-width: 100%; height: auto;
  border: 1px solid var(--rule); }
figcaption { margin-top: 0.5rem; }
figcaption .caption { font-weight: 600; }
figcaption .source { color: var(--muted); font-size: 0.85rem; }
details { margin: 0.4rem 0; font-size: 0.92rem; }
summary { cursor: pointer; color: var(--accent); }
.downloads { font-size: 0.9rem; }
.downloads a { margin-right: 0.8rem; color: var(--accent); }
table { border-collapse: collapse; font-size: 0.9rem; }
td, th { border-bottom: 1px solid var(--rule); padding: 0.3rem 0.6rem; text-align: left; }
footer { color: var(--muted); font-size: 0.85rem; margin: 2rem auto; }
.org { display: flex; align-items: center; gap: 0.8rem; margin-top: 1rem; font-weight: 700;
  color: var(--accent); text-transform: uppercase; letter-spacing: 0.04em; font-size: 0.85rem; }
.org img { max-height: 2.6rem; max-width: 10rem; }
.findings li { margin: 0.3rem 0; }
@media (max-width: 600px) { body { font-size: 15px; } header h1 { font-size: 1.3rem; } }
"""


def _font_css(house: style.HouseStyle) -> str:
    """The house style's font first, the page's usual fonts after it."""
    if not house.font_family:
        return ""
    return f'\nbody {{ font-family: "{_e(house.font_family)}", system-ui, sans-serif; }}\n'


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _slug(name: str) -> str:
    return "fig-" + name.replace("_", "-")


def write_gallery(
    figures: list[GalleryFigure],
    meta: dict,
    provenance: Provenance,
    reports_dir: str | os.PathLike,
    table_files: list[Path] = (),
    findings: list[str] = (),
) -> Path:
    """Write REPORTS_DIR/index.html for the figures (whose files are in REPORTS_DIR/figures),
    with the key `findings` (sentences from :mod:`brainwaste.sentences`) on top, in the house
    style in effect (organization, logo, footer)."""
    house = style.current()
    reports = Path(reports_dir)
    fig_dir = reports / "figures"
    sections: dict[str, list[GalleryFigure]] = {}
    for f in figures:
        sections.setdefault(f.section, []).append(f)

    period = int(meta.get("period", 1))
    year = int(meta["year"])
    years = f"{year}" if period == 1 else f"{year - period + 1}-{year}"
    profile = meta.get("profile", {}).get("name", provenance.profile)
    out = [
        *HTML_START,
        f"<title>brainwaste report: ACS {_e(years)}{' (synthetic)' if provenance.synthetic else ''}</title>",
        f"<style>{CSS}{_font_css(house)}</style>",
        "</head>",
        "<body>",
    ]
    if provenance.synthetic:
        out.append(
            f'<div class="banner" role="alert">{_e(SYNTHETIC_MARK)}. These figures are drawn '
            "from a synthetic sample, not Census data: do not cite them.</div>"
        )
    out.append("<header>")
    if house.organization or house.logo is not None:
        logo = ""
        if house.logo is not None:
            data = base64.b64encode(house.logo_png()).decode("ascii")
            logo = (
                f'<img src="data:image/png;base64,{data}" alt="{_e(house.organization or "logo")}">'
            )
        out.append(f'<div class="org">{logo}<span>{_e(house.organization)}</span></div>')
    out += [
        "<h1>Underutilization of college-educated health-degree holders</h1>",
        "<p>U.S.-born, immigrants educated in the U.S., and immigrants educated abroad. "
        f"Data: {_e(provenance.survey)}; definition profile '{_e(profile)}'; "
        f"brainwaste {_e(provenance.version)}.</p>",
        "</header>",
        '<nav aria-label="Contents">',
        "<h2>Contents</h2>",
        "<ol>",
    ]
    if findings:
        out.append('<li><a href="#findings">Key findings</a></li>')
    for section, items in sections.items():
        out.append(f"<li>{_e(section)}<ol>")
        out += [f'<li><a href="#{_slug(f.name)}">{_e(f.caption)}</a></li>' for f in items]
        out.append("</ol></li>")
    if table_files:
        out.append('<li><a href="#tables">Tables</a></li>')
    out += ["</ol>", "</nav>", "<main>"]
    if findings:
        out += ['<h2 class="section" id="findings">Key findings</h2>', '<ul class="findings">']
        out += [f"<li>{_e(f)}</li>" for f in findings]
        out.append("</ul>")
    for section, items in sections.items():
        out.append(f'<h2 class="section">{_e(section)}</h2>')
        for f in items:
            alt_path = fig_dir / f"{f.name}.alt.txt"
            alt = alt_path.read_text(encoding="utf-8").strip() if alt_path.exists() else f.caption
            links = " ".join(
                f'<a href="figures/{_e(f.name)}.{ext}" download>{label}</a>'
                for ext, label in (
                    ("png", "PNG"),
                    ("svg", "SVG"),
                    ("pdf", "PDF"),
                    ("csv", "Data (CSV)"),
                )
            )
            out += [
                f'<figure id="{_slug(f.name)}">',
                f'<a href="figures/{_e(f.name)}.png"><img src="figures/{_e(f.name)}.png" '
                f'alt="{_e(alt)}" loading="lazy"></a>',
                "<figcaption>",
                f'<div class="caption">{_e(f.caption)}</div>',
                f"<details><summary>Text description</summary><p>{_e(alt)}</p></details>",
                f'<div class="source">{_e(f.source or provenance.source_line())}</div>',
                f'<div class="downloads">Download: {links}</div>',
                "</figcaption>",
                "</figure>",
            ]
    if table_files:
        out += [
            '<h2 class="section" id="tables">Tables</h2>',
            "<p>The estimate tables with every standard error, margin of error and reliability "
            "flag; the workbook's README sheet defines each column.</p>",
            "<ul>",
        ]
        for p in table_files:
            rel = p.relative_to(reports).as_posix()
            out.append(f'<li><a href="{_e(rel)}" download>{_e(p.name)}</a></li>')
        out.append("</ul>")
    out += [
        "</main>",
        "<footer>",
        f"<p>{_e(provenance.source_line())} {_e(RELIABILITY_SENTENCE)} Unreliable estimates are "
        "drawn hatched or hollow on the charts and named in each text description.</p>",
        *([f"<p>{_e(house.label)}</p>"] if house.label else []),
        "</footer>",
        "</body>",
        "</html>",
        "",
    ]
    index = reports / INDEX_NAME
    return write_text_atomic(index, "\n".join(out))
