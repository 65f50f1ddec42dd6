"""House style: one look for every chart, colour-blind-safe, deterministic output.

An organization can set its own house style in a TOML file (``--style FILE`` or
``$BRAINWASTE_STYLE``): its name, a logo, a palette for the groups, a font family and a footer.
:func:`apply`, which every chart calls first, puts the active house style into effect, so every
figure, the fact sheets and the gallery follow it. See :func:`load_house_style` for the keys.
"""

from __future__ import annotations

import contextlib
import io
import os
import textwrap
import tomllib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ..errors import StyleError  # noqa: E402
from ..estimate.outcomes import RELIABILITY_RULE  # noqa: E402

# The words for groups, outcomes and categories and the number formats are the package's, not the
# house style's: they live in brainwaste.wording, and charts read them from here as before.
from ..wording import (  # noqa: E402, F401
    BREAKDOWN_LABELS,
    CATEGORY_LABELS,
    CATEGORY_ORDER,
    OUTCOME_LABELS,
    POPULATION_LABELS,
    SKILL_TIER_LABELS,
    category_label,
    dollars,
    pct,
)

#: Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008): distinguishable with the
#: common forms of colour blindness.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}

POPULATION_COLORS = {
    "us_born": OKABE_ITO["grey"],
    "immigrant": OKABE_ITO["purple"],
    "immigrant_us_educated": OKABE_ITO["sky_blue"],
    "immigrant_foreign_educated": OKABE_ITO["vermillion"],
}

#: Marker shapes double the colour code, so groups stay apart in greyscale prints too.
POPULATION_MARKERS = {
    "us_born": "o",
    "immigrant": "D",
    "immigrant_us_educated": "s",
    "immigrant_foreign_educated": "^",
}

SKILL_TIER_COLORS = {
    "high": OKABE_ITO["blue"],
    "middle": OKABE_ITO["sky_blue"],
    "low": OKABE_ITO["orange"],
}

#: How an unreliable estimate is drawn everywhere: a bar keeps its colour (so the colour code
#: still reads) under white hatching; a marker is hollow and its whisker faint.
UNRELIABLE_HATCH = "////"
UNRELIABLE_HATCH_COLOR = "white"
UNRELIABLE_WHISKER_ALPHA = 0.35
_RULE = f"{RELIABILITY_RULE}; interpret with care."
UNRELIABLE_NOTE_BARS = f"Hatched bars: {_RULE}"
UNRELIABLE_NOTE_MARKERS = f"Hollow markers: {_RULE}"

#: Highlight of the focus state in state rankings.
FOCUS_BAND = "#FFF1CC"

#: Sequential colour map for rates on maps (cividis: designed for colour-vision deficiency).
SEQUENTIAL_CMAP = "cividis"

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.dpi": 100,
    "figure.titlesize": 12,
    "figure.titleweight": "bold",
    "savefig.dpi": 300,
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,  # embed TrueType fonts in PDF
    "ps.fonttype": 42,
    "svg.fonttype": "path",  # text as paths: the SVG looks the same without the fonts installed
    "svg.hashsalt": "brainwaste",  # stable ids in SVG output
    "path.simplify": True,
    "hatch.linewidth": 0.6,
}


def apply() -> None:
    """Set the house style for every figure drawn after the call: the package's look, with the
    organization's style in effect (:func:`current`) on top: its palette and font family."""
    house = current()
    plt.rcParams.update(RC)
    if house.font_family:
        plt.rcParams["font.family"] = [house.font_family, RC["font.family"]]
    POPULATION_COLORS.clear()
    POPULATION_COLORS.update(house.population_colors())


#: Axis tick formatter for shares (0.25 -> "25%").
PERCENT = FuncFormatter(lambda v, _: f"{100 * v:.0f}%")


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def text_color_on(rgba) -> str:
    """Black or white, whichever reads better on a fill colour (relative luminance)."""
    r, g, b = rgba[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


# -- an organization's house style ----------------------------------------------------------------

#: Environment variable naming the house style file used when no ``--style`` is given.
STYLE_ENV = "BRAINWASTE_STYLE"

#: The package's own group colours (Okabe-Ito), kept whenever no style file replaces them.
DEFAULT_POPULATION_COLORS = dict(POPULATION_COLORS)

#: The groups a palette colours, in the order a list of colours is read.
PALETTE_GROUPS = ("us_born", "immigrant_us_educated", "immigrant_foreign_educated", "immigrant")

#: The groups drawn side by side in one chart, which must stay apart for colour-blind readers.
_SIDE_BY_SIDE = (PALETTE_GROUPS[:3], ("us_born", "immigrant"))

#: Keys a style file may hold.
STYLE_KEYS = ("organization", "logo", "palette", "font_family", "footer")

#: Smallest colour difference (CIELAB delta E 1976) between two groups drawn side by side, for
#: normal vision and under simulated protanopia, deuteranopia and tritanopia (Machado, Oliveira &
#: Fernandes 2009, severity 1). Okabe-Ito's grey, sky blue and vermillion are 32 or more apart;
#: pure red and green (#FF0000, #00AA00) only 9 under deuteranopia.
MIN_GROUP_DELTA_E = 10.0

_CVD = {  # Machado et al. (2009), severity 1.0, on linear RGB
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


class StyleWarning(UserWarning):
    """A style setting could not be honoured and a fallback is used (e.g. a missing font)."""


@dataclass(frozen=True)
class HouseStyle:
    """An organization's house style. The default (no file) is the package's own look."""

    organization: str = ""
    logo: Path | None = None
    #: Group colours that replace the defaults, as (group, colour) pairs.
    palette: tuple[tuple[str, str], ...] = ()
    font_family: str = ""
    footer: str = ""
    #: The style file it was read from.
    path: Path | None = field(default=None, compare=False)

    def population_colors(self) -> dict[str, str]:
        return {**DEFAULT_POPULATION_COLORS, **dict(self.palette)}

    @property
    def label(self) -> str:
        """What the outputs credit: "organization: footer", either part when alone."""
        return ": ".join(p for p in (self.organization, self.footer) if p)

    def logo_png(self) -> bytes | None:
        """The logo as PNG bytes (an SVG logo is rasterised at 600 px height), or None."""
        if self.logo is None:
            return None
        return _logo_png(self.logo)

    def logo_rgba(self):
        """The logo as an RGBA array for drawing with matplotlib, or None."""
        data = self.logo_png()
        if data is None:
            return None
        return plt.imread(io.BytesIO(data), format="png")


DEFAULT_HOUSE = HouseStyle()


def _logo_png(path: Path) -> bytes:
    if path.suffix.lower() == ".svg":
        try:
            import cairosvg
        except (ImportError, OSError):
            raise StyleError(
                f"logo: {path.name} is an SVG, which needs the cairosvg package and the Cairo "
                "library (pip install cairosvg); or give a PNG logo"
            ) from None
        try:
            return cairosvg.svg2png(url=str(path), output_height=600)
        except Exception as exc:  # cairosvg raises parser errors of several kinds
            raise StyleError(f"logo: {path} is not a readable SVG ({exc})") from None
    return path.read_bytes()


def _style_error(key: str, problem: str) -> StyleError:
    return StyleError(f"{key}: {problem}")


def _text(raw: dict, key: str) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise _style_error(key, f"must be text in quotes, not {value!r}")
    return " ".join(value.split())


def _color(key: str, value) -> str:
    if not isinstance(value, str) or not matplotlib.colors.is_color_like(value):
        raise _style_error(key, f'{value!r} is not a colour; use a hex code such as "#0072B2"')
    return matplotlib.colors.to_hex(value)


def _palette(value) -> tuple[tuple[str, str], ...]:
    """Group colours from a list (read in the order of :data:`PALETTE_GROUPS`) or a table."""
    names = ", ".join(PALETTE_GROUPS)
    if isinstance(value, list):
        if len(value) < len(PALETTE_GROUPS):
            raise _style_error(
                "palette",
                f"{len(value)} colour(s) given; the charts draw {len(PALETTE_GROUPS)} groups, so "
                f"give {len(PALETTE_GROUPS)} colours (in the order {names}) or a table by group",
            )
        pairs = [
            (g, _color(f"palette[{i}]", c))
            for i, (g, c) in enumerate(zip(PALETTE_GROUPS, value, strict=False))
        ]
    elif isinstance(value, dict):
        for k in value:
            if k not in PALETTE_GROUPS:
                raise _style_error(f"palette.{k}", f"unknown group; the groups are {names}")
        pairs = [(g, _color(f"palette.{g}", value[g])) for g in PALETTE_GROUPS if g in value]
    else:
        raise _style_error("palette", f"give a list of colours or a table by group ({names})")
    colors = {**DEFAULT_POPULATION_COLORS, **dict(pairs)}
    given = {g for g, _ in pairs}
    for groups in _SIDE_BY_SIDE:
        for i, a in enumerate(groups):
            for b in groups[i + 1 :]:
                if not {a, b} & given:
                    continue
                if colors[a] == colors[b]:
                    raise _style_error("palette", f"{a} and {b} have the same colour {colors[a]}")
                seen = group_color_difference(colors[a], colors[b])
                if seen < MIN_GROUP_DELTA_E:
                    warnings.warn(
                        f"palette: {a} and {b} are hard to tell apart for colour-blind readers "
                        f"(difference {seen:.0f} < {MIN_GROUP_DELTA_E:.0f}); the charts also "
                        "mark groups by shape, but consider other colours",
                        StyleWarning,
                        stacklevel=4,
                    )
    return tuple(pairs)


def _font(value: str) -> str:
    """The font family if matplotlib finds it, else "" (the default font) with a warning."""
    from matplotlib import font_manager

    if not value:
        return ""
    try:
        font_manager.findfont(font_manager.FontProperties(family=value), fallback_to_default=False)
    except ValueError:
        warnings.warn(
            f"font_family: {value!r} is not installed; using {RC['font.family']} instead",
            StyleWarning,
            stacklevel=3,
        )
        return ""
    return value


def load_house_style(path: str | os.PathLike) -> HouseStyle:
    """Read and check a house style file (TOML). Keys, all optional:

    ``organization`` (name shown on every figure and fact sheet), ``logo`` (a PNG or SVG file,
    relative to the style file), ``palette`` (group colours: a list of four, in the order
    U.S.-born, immigrants educated in the U.S., immigrants educated abroad, all immigrants; or a
    table by those group names), ``font_family`` (a font installed on this machine; falls back
    to the default with a warning), ``footer`` (a line of text under the organization's name).

    A bad file raises :class:`~brainwaste.errors.StyleError` whose message names the key.
    """
    path = Path(path)
    if not path.is_file():
        raise StyleError(f"style file {path}: no such file (--style or ${STYLE_ENV})")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StyleError(f"style file {path}: not valid TOML ({exc})") from None
    for key in raw:
        if key not in STYLE_KEYS:
            raise _style_error(
                key, f"unknown key in {path.name}; the keys are {', '.join(STYLE_KEYS)}"
            )
    logo = None
    if "logo" in raw:
        name = _text(raw, "logo")
        logo = (path.parent / name).resolve()
        if logo.suffix.lower() not in (".png", ".svg"):
            raise _style_error("logo", f"{name} is not a PNG or SVG file")
        if not logo.is_file():
            raise _style_error("logo", f"no such file {logo}")
        png = _logo_png(logo)
        if not png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise _style_error("logo", f"{name} is not a readable PNG")
    house = HouseStyle(
        organization=_text(raw, "organization"),
        logo=logo,
        palette=_palette(raw["palette"]) if "palette" in raw else (),
        font_family=_font(_text(raw, "font_family")),
        footer=_text(raw, "footer"),
        path=path,
    )
    return house


_ACTIVE: list[HouseStyle] = []
_FROM_ENV: dict[tuple[str, float], HouseStyle] = {}


def current() -> HouseStyle:
    """The house style in effect: the innermost :func:`using`, else the file named by
    ``$BRAINWASTE_STYLE``, else the package's own."""
    if _ACTIVE:
        return _ACTIVE[-1]
    env = os.environ.get(STYLE_ENV, "").strip()
    if not env:
        return DEFAULT_HOUSE
    p = Path(env)
    key = (str(p.resolve()), p.stat().st_mtime if p.exists() else 0.0)
    if key not in _FROM_ENV:
        _FROM_ENV[key] = load_house_style(p)
    return _FROM_ENV[key]


def resolve(spec: HouseStyle | str | os.PathLike | None) -> HouseStyle:
    """A house style from a :class:`HouseStyle`, a file path, or None (the one in effect)."""
    if spec is None:
        return current()
    if isinstance(spec, HouseStyle):
        return spec
    return load_house_style(spec)


@contextlib.contextmanager
def using(spec: HouseStyle | str | os.PathLike | None) -> Iterator[HouseStyle]:
    """Draw everything inside the block in a house style (a file, a :class:`HouseStyle`, or
    None for the one already in effect)."""
    house = resolve(spec)
    _ACTIVE.append(house)
    try:
        yield house
    finally:
        _ACTIVE.pop()
        POPULATION_COLORS.clear()
        POPULATION_COLORS.update(current().population_colors())


def _lab(hex_color: str, matrix=None) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour, optionally through a colour-vision-deficiency matrix."""
    rgb = matplotlib.colors.to_rgb(hex_color)
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    if matrix is not None:
        lin = [
            min(1.0, max(0.0, sum(m * c for m, c in zip(row, lin, strict=True)))) for row in matrix
        ]
    r, g, b = lin
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def group_color_difference(a: str, b: str) -> float:
    """The smallest CIELAB difference between two colours for normal vision and the three
    simulated colour-vision deficiencies: how well the worst-placed reader tells them apart."""
    out = []
    for matrix in (None, *_CVD.values()):
        la, lb = _lab(a, matrix), _lab(b, matrix)
        out.append(sum((x - y) ** 2 for x, y in zip(la, lb, strict=True)) ** 0.5)
    return min(out)
