"""Exceptions a user can cause. The CLI prints their message on one line and exits non-zero.

Every message says what went wrong *and* what to do about it.
"""

from __future__ import annotations


class BrainwasteError(Exception):
    """Base class for every error a user can cause (bad input, unreachable data, bad settings)."""

    exit_code = 2


class InputError(BrainwasteError):
    """A command-line value or function argument is invalid (unknown state, year, period...)."""


class DataNotAvailable(BrainwasteError):
    """The requested data product does not exist (e.g. the 2020 1-year PUMS, a 404)."""


class DownloadError(BrainwasteError):
    """Downloading failed after retries (network, DNS, HTTP 5xx, timeout, bad content)."""

    exit_code = 3


class CorruptFileError(BrainwasteError):
    """A file exists but is damaged: truncated zip, HTML page instead of a zip, checksum mismatch."""


class SchemaError(BrainwasteError):
    """A table is not a PUMS person table, or lacks columns the method needs."""


class ApiError(BrainwasteError):
    """The Census API refused a request, returned no rows, or pieces did not line up."""

    exit_code = 3


class ApiKeyError(ApiError):
    """CENSUS_API_KEY is missing or was rejected."""


class ProfileError(BrainwasteError):
    """A definition profile has an unknown key or an invalid value."""


class StyleError(BrainwasteError):
    """A house style file has an unknown key or an invalid value (the message names the key)."""
