"""brainwaste: skill underutilization ("brain waste") of college-educated health-degree holders,
estimated from American Community Survey Public Use Microdata (ACS PUMS).

The functions a researcher types (see docs/api.md)::

    import brainwaste
    ds = brainwaste.load(year=2023, period=1, states="MA")   # or source="sample", offline
    brainwaste.estimate(ds)                                   # counts, shares, SEs, MOEs
"""

__version__ = "0.1.0"

# The subpackages named like two of the functions are imported first, so that the names below
# stay bound to the functions (a later first import of a subpackage would rebind its name).
from . import estimate as _estimate_package  # noqa: E402, F401
from . import factsheet as _factsheet_module  # noqa: E402, F401
from . import figures as _figures_package  # noqa: E402, F401
from . import trend as _trend_module  # noqa: E402, F401
from .api import (  # noqa: E402
    describe,
    estimate,
    factsheet,
    figures,
    load,
    make_report,
    occupations,
    profiles,
    tables,
    write,
)
from .report import Dataset  # noqa: E402
from .trend import trend  # noqa: E402

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
