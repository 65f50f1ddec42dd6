"""Where reading and classifying large files get their memory.

Reading a national file allocates and frees a few hundred megabytes per second: pieces of CSV,
the columns parsed from them, the weights of each batch. Memory that an allocator hands back to
the system is faulted in again page by page when taken back, and with transparent huge pages
each 2 MB page is cleared on its first write. On the virtual machine of docs/performance.md a
huge-page fault cost about 20 ms: with Arrow's default allocator (mimalloc, whose arenas get huge
pages) and numpy's large arrays (which numpy madvises for huge pages), clearing pages took more
CPU than inflating the file, and varied from run to run by seconds.

So, while :func:`reading` is in effect (the readers and ``classify`` run under it):

* Arrow allocates from :func:`reading_pool`, jemalloc's pool where pyarrow has it, which reuses
  freed memory and does not ask for huge pages (the parse threads and the reader's large numpy
  arrays, :func:`pool_array`, use it always);
* the process gets no transparent huge pages (Linux ``prctl(PR_SET_THP_DISABLE)``), which covers
  the numpy arrays that pandas and numpy make meanwhile.

Both are put back afterwards. The numbers are the same whichever way memory is obtained. Setting
``ARROW_DEFAULT_MEMORY_POOL`` (Arrow's own variable) makes the reading use Arrow's default pool.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import sys
import threading
from collections.abc import Iterator

import numpy as np
import pyarrow as pa


@functools.cache
def reading_pool() -> pa.MemoryPool:
    """The Arrow memory pool the readers allocate from (see the module's docstring)."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return pa.default_memory_pool()
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return pa.default_memory_pool()


def pool_array(shape: int | tuple[int, ...], dtype) -> np.ndarray:
    """An uninitialised, writable numpy array whose memory comes from :func:`reading_pool`."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64))
    buf = pa.allocate_buffer(max(n, 1) * dtype.itemsize, memory_pool=reading_pool())
    return np.frombuffer(buf, dtype=dtype, count=n).reshape(shape)


def release_unused() -> None:
    """Hand the memory the pools keep but no longer use back to the system."""
    pa.default_memory_pool().release_unused()
    if not _same(reading_pool(), pa.default_memory_pool()):
        reading_pool().release_unused()


def _same(a: pa.MemoryPool, b: pa.MemoryPool) -> bool:
    """Whether two pools are the same allocator (pyarrow makes a new wrapper on every call)."""
    return a.backend_name == b.backend_name


#: prctl(2) options that read and set whether the process may get transparent huge pages.
_PR_SET_THP_DISABLE, _PR_GET_THP_DISABLE = 41, 42


@functools.cache
def _prctl():
    """libc's prctl, or None (not Linux, or no libc to call)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _huge_pages_off(off: bool) -> bool | None:
    """Turn the process's transparent huge pages off (or back on); returns whether they were
    off before, or None where this cannot be done (then nothing changed)."""
    prctl = _prctl()
    if prctl is None:
        return None
    before = prctl(_PR_GET_THP_DISABLE, 0, 0, 0, 0)
    if before < 0 or prctl(_PR_SET_THP_DISABLE, int(off), 0, 0, 0) != 0:
        return None
    return bool(before)


#: How many :func:`reading` blocks are running (in any thread), and what the first one changed.
_ACTIVE = {"count": 0, "pool": None, "huge_off_before": None}
_LOCK = threading.Lock()


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """For the duration (everything is put back after, also on errors): :func:`reading_pool` is
    Arrow's default pool, and the process gets no transparent huge pages (Linux's
    ``PR_SET_THP_DISABLE``), so that the large numpy arrays made meanwhile (pandas columns,
    copies) are not faulted in as huge pages either. Both settings are the process's: the first
    of several blocks running at once (nested, or in other threads) makes them and the last one
    to end puts them back; other work meanwhile gets the same, which changes how memory is
    obtained, not what it holds."""
    with _LOCK:
        if _ACTIVE["count"] == 0:
            previous = pa.default_memory_pool()
            pool = reading_pool()
            if not _same(pool, previous):
                pa.set_memory_pool(pool)
                _ACTIVE["pool"] = previous
            _ACTIVE["huge_off_before"] = _huge_pages_off(True)
        _ACTIVE["count"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _ACTIVE["count"] -= 1
            if _ACTIVE["count"] == 0:
                if _ACTIVE["huge_off_before"] is not None:
                    _huge_pages_off(_ACTIVE["huge_off_before"])
                if _ACTIVE["pool"] is not None:
                    pa.set_memory_pool(_ACTIVE["pool"])
                _ACTIVE.update(pool=None, huge_off_before=None)


def while_reading(func):
    """Decorate a function to run under :func:`reading`."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with reading():
            return func(*args, **kwargs)

    return wrapper
