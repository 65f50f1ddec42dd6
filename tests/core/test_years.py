"""The one survey-year parser (command line, notebooks, trends)."""

from __future__ import annotations

import pytest

from brainwaste import config
from brainwaste.errors import InputError
from brainwaste.years import parse_year, parse_years


def test_a_year_a_range_a_list_and_a_mix():
    assert parse_years("2023") == [2023]
    assert parse_years(2023) == [2023]
    assert parse_years("2022-2024") == [2022, 2023, 2024]
    assert parse_years(" 2024, 2016 ,2019") == [2016, 2019, 2024]
    assert parse_years("2019,2012-2013,2013") == [2012, 2013, 2019]
    assert parse_years(["2024", 2022]) == [2022, 2024]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("abc", "year: not a year: 'abc'"),
        ("2024-2022", "year: empty range '2024-2022'; write it first-last"),
        ("", "year: give a survey year such as 2024"),
        (str(config.LAST_YEAR + 1), f"year: {config.LAST_YEAR + 1} is outside the supported"),
        (
            f"2010-{config.FIRST_YEAR}",
            f"year: 2010 is outside the supported survey years {config.FIRST_YEAR}",
        ),
    ],
)
def test_refusals_say_what_to_type(spec, message):
    with pytest.raises(InputError) as exc:
        parse_years(spec, label="year")
    assert str(exc.value).startswith(message)


def test_the_range_check_can_wait():
    """A trend refuses all unsupported years at once later, so the parser lets them through."""
    assert parse_years("2005-2006", check_range=False) == [2005, 2006]
    with pytest.raises(InputError, match=r"^not a year: 'x'$"):
        parse_year("x", check_range=False)
