"""numba's ``njit`` when numba can be used here, else None.

Compiled kernels are optional: every caller keeps a pure numpy/pyarrow path that gives the same
numbers, used when numba is not installed or ``BRAINWASTE_NO_NUMBA=1`` is set. numba is imported
only when a caller asks for it (:func:`njit_or_none`, or the module attribute ``njit``): importing
it takes about 0.4 s and its first compiled call in a process about 0.5 s more (even with the
compiled code cached on disk), which a short job does not win back.
"""

from __future__ import annotations

import os
import sys


def disabled() -> bool:
    """True when ``BRAINWASTE_NO_NUMBA`` is set to anything but empty or 0."""
    return os.environ.get("BRAINWASTE_NO_NUMBA", "") not in ("", "0")


def njit_or_none():
    """``numba.njit``, or None when numba is not importable or disabled."""
    if disabled():
        return None
    try:
        from numba import njit
    except Exception:  # not installed, or broken against this numpy
        return None
    return njit


def loaded() -> bool:
    """Whether numba is already imported in this process (and not disabled): then its start-up
    cost is paid, and a compiled kernel costs only its own loading from the on-disk cache."""
    return "numba" in sys.modules and not disabled()


def __getattr__(name: str):
    if name == "njit":
        return njit_or_none()
    raise AttributeError(name)
