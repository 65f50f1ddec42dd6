"""brainwaste: skill underutilization ("brain waste") of college-educated health-degree holders,
estimated from American Community Survey Public Use Microdata (ACS PUMS).

The functions a researcher types (see docs/api.md)::

    import brainwaste
    ds = brainwaste.load(year=2023, period=1, states="MA")   # or source="sample", offline
    brainwaste.estimate(ds)                                   # counts, shares, SEs, MOEs
"""

__version__ = "0.1.0"

import importlib as _importlib
import types as _types

from ._lazy import lazy_getattr as _lazy_getattr

# The public names are imported when first used, so that a program using only part of the
# package (a reader, the estimator, the command line) does not import matplotlib and the rest:
# importing everything took about 0.6 s of a 1.5 s rerun from the cache.
_HOMES = {
    **dict.fromkeys(
        [
            "describe",
            "estimate",
            "factsheet",
            "figures",
            "load",
            "make_report",
            "occupations",
            "profiles",
            "tables",
            "write",
        ],
        ".api",
    ),
    "Dataset": ".report",
    "trend": ".trend",
}

#: Public functions named like a subpackage or module of their own.
_SHADOWED = frozenset({"estimate", "factsheet", "figures", "trend"})


__getattr__ = _lazy_getattr(__name__, _HOMES, globals())


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


class _Package(_types.ModuleType):
    """The package module: importing the subpackage ``brainwaste.estimate`` (or ``figures``,
    ``factsheet``, ``trend``) does not rebind ``brainwaste.estimate``, which stays the function."""

    def __setattr__(self, name, value):
        if name in _SHADOWED and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_importlib.import_module("sys").modules[__name__].__class__ = _Package

# factsheet joins this list when its module exists (see brainwaste/api.py).
__all__ = [
    "Dataset",
    "__version__",
    "describe",
    "estimate",
    "factsheet",
    "figures",
    "load",
    "occupations",
    "profiles",
    "make_report",
    "tables",
    "trend",
    "write",
]
