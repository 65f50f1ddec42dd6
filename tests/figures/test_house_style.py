"""House style files: what they change, and one-line errors naming the bad key."""

from __future__ import annotations

import pytest

from brainwaste.errors import StyleError
from brainwaste.figures import style


def _style(tmp_path, text: str):
    p = tmp_path / "style.toml"
    p.write_text(text)
    return p


def test_palette_as_list_or_table(tmp_path):
    house = style.load_house_style(
        _style(tmp_path, 'palette = ["#4d4d4d", "#1B9E77", "#7570B3", "#E7298A"]\n')
    )
    assert house.population_colors() == {
        "us_born": "#4d4d4d", "immigrant_us_educated": "#1b9e77",
        "immigrant_foreign_educated": "#7570b3", "immigrant": "#e7298a",
    }  # fmt: skip
    house = style.load_house_style(
        _style(tmp_path, '[palette]\nimmigrant_foreign_educated = "#7570B3"\n')
    )
    colors = house.population_colors()
    assert colors["immigrant_foreign_educated"] == "#7570b3"
    assert colors["us_born"] == style.DEFAULT_POPULATION_COLORS["us_born"]  # default kept


def test_palette_is_applied_inside_using_and_restored_after(tmp_path):
    p = _style(tmp_path, '[palette]\nus_born = "#111111"\n')
    with style.using(p):
        style.apply()
        assert style.POPULATION_COLORS["us_born"] == "#111111"
    style.apply()
    assert style.POPULATION_COLORS["us_born"] == style.OKABE_ITO["grey"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('palette = ["#000000", "#222222", "#444444"]\n', "palette: 3 colour(s) given; the charts draw 4 groups"),
        ('palette = ["#000000", "#000000", "#444444", "#666666"]\n', "palette: us_born and immigrant_us_educated have the same colour"),
        ('[palette]\nnatives = "#000000"\n', "palette.natives: unknown group"),
        ('palette = "blue"\n', "palette: give a list of colours or a table"),
        ('logo = "logo.gif"\n', "logo: logo.gif is not a PNG or SVG file"),
        ('organization = ["A"]\n', "organization: must be text"),
        ('colour = "red"\n', "colour: unknown key"),
    ],
)  # fmt: skip
def test_bad_values_name_the_key(tmp_path, text, message):
    with pytest.raises(StyleError) as exc:
        style.load_house_style(_style(tmp_path, text))
    assert str(exc.value).startswith(message)
    assert "\n" not in str(exc.value)


def test_logo_that_is_not_a_png(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"GIF89a not a png")
    with pytest.raises(StyleError, match=r"^logo: logo.png is not a readable PNG"):
        style.load_house_style(_style(tmp_path, 'logo = "logo.png"\n'))


def test_missing_font_falls_back_with_a_warning(tmp_path):
    with pytest.warns(
        style.StyleWarning, match="font_family: 'No Such Font Family' is not installed"
    ):
        house = style.load_house_style(_style(tmp_path, 'font_family = "No Such Font Family"\n'))
    assert house.font_family == ""
    house = style.load_house_style(_style(tmp_path, 'font_family = "DejaVu Serif"\n'))
    assert house.font_family == "DejaVu Serif"


def test_colour_blind_check(tmp_path):
    # pure red and green: about 9 apart under simulated deuteranopia
    assert style.group_color_difference("#FF0000", "#00AA00") < style.MIN_GROUP_DELTA_E
    assert style.group_color_difference("#999999", "#D55E00") > 30  # the default pair
    with pytest.warns(style.StyleWarning, match="hard to tell apart for colour-blind readers"):
        style.load_house_style(
            _style(tmp_path, 'palette = ["#FF0000", "#00AA00", "#0072B2", "#CC79A7"]\n')
        )


def test_svg_logo(tmp_path):
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):  # OSError: the Cairo library itself is missing
        pytest.skip("cairosvg or the Cairo library is not installed")
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80">'
        '<rect width="200" height="80" fill="#5B2C83"/></svg>'
    )
    house = style.load_house_style(_style(tmp_path, 'logo = "logo.svg"\n'))
    rgba = house.logo_rgba()
    assert rgba.shape[0] == 600 and rgba.shape[1] == 1500  # rasterised at 600 px height
