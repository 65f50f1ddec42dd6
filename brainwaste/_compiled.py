"""numba's ``njit`` when numba can be used here, else None.

Compiled kernels are optional: every caller keeps a pure numpy/pyarrow path that gives the same
numbers, used when numba is not installed or ``BRAINWASTE_NO_NUMBA=1`` is set. numba is imported
only when a caller asks for it (:func:`njit_or_none`, or the module attribute ``njit``): importing
it takes about 0.4 s and its first compiled call in a process about 0.5 s more (even with the
compiled code cached on disk), which a short job does not win back.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable


def disabled() -> bool:
    """True when ``BRAINWASTE_NO_NUMBA`` is set to anything but empty or 0."""
    return os.environ.get(NO_NUMBA_ENV, "") not in ("", "0")


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


#: Environment variable that turns the compiled kernels off (``BRAINWASTE_NO_NUMBA=1``).
NO_NUMBA_ENV = "BRAINWASTE_NO_NUMBA"


def enabled() -> bool:
    """True when compiled kernels can be used (numba importable, not turned off); imports numba."""
    return njit_or_none() is not None


def kernel(function: Callable) -> Callable:
    """`function` compiled at its first call, ``nogil`` (it runs in parallel in reading threads)
    and cached on disk: next to the module (``__pycache__``), or in numba's user-wide cache
    directory (``$NUMBA_CACHE_DIR`` when set) when that is not writable. Call it only when
    :func:`enabled` is true."""
    lock = threading.Lock()
    done: list[Callable] = []

    def compiled() -> Callable:
        with lock:  # two reading threads may call it first at once: compile once
            if not done:
                from numba import njit

                done.append(njit(cache=True, nogil=True)(function))
            return done[0]

    @functools.wraps(function)
    def call(*args):
        return (done[0] if done else compiled())(*args)

    return call
