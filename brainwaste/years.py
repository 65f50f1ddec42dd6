"""Survey years as people type them: one year, a range ``2022-2024``, a list ``2016,2019,2024``,
or a mix (``2012-2014,2019``). One parser for the command line, the notebooks and trends."""

from __future__ import annotations

from . import config
from .errors import InputError


def _refuse(label: str | None, message: str) -> InputError:
    return InputError(f"{label}: {message}" if label else message)


def parse_year(value, *, label: str | None = None, check_range: bool = True) -> int:
    """One survey year (an int or its text); with `check_range`, within the supported years.
    `label` (``"year"``, ``"--years"``) starts the message of the :class:`InputError`."""
    try:
        year = int(str(value).strip())
    except ValueError:
        raise _refuse(label, f"not a year: {value!r}") from None
    if check_range and not config.FIRST_YEAR <= year <= config.LAST_YEAR:
        raise _refuse(
            label,
            f"{year} is outside the supported survey years {config.FIRST_YEAR}-{config.LAST_YEAR}",
        )
    return year


def parse_years(
    spec: str | int | list | tuple, *, label: str | None = None, check_range: bool = True
) -> list[int]:
    """Sorted distinct survey years from a year, a range, a list, a mix, or a Python list."""
    if isinstance(spec, list | tuple):
        parts = [str(p).strip() for p in spec]
    else:
        parts = [p.strip() for p in str(spec).split(",")]
    years: list[int] = []
    for part in parts:
        if "-" in part[1:]:
            lo, hi = (
                parse_year(p, label=label, check_range=check_range) for p in part.split("-", 1)
            )
            if hi < lo:
                raise _refuse(label, f"empty range {part!r}; write it first-last")
            years.extend(range(lo, hi + 1))
        elif part:
            years.append(parse_year(part, label=label, check_range=check_range))
    if not years:
        raise _refuse(label, "give a survey year such as 2024, a range such as 2022-2024 or a list")
    return sorted(set(years))
