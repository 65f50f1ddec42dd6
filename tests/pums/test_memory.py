"""Where the reading gets its memory (brainwaste/pums/memory.py): the settings of
:func:`memory.reading` hold while it runs and are put back after, also when it raises."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from brainwaste.pums import memory


def test_pool_arrays_are_writable_arrays_of_the_reading_pool():
    pool = memory.reading_pool()
    before = pool.bytes_allocated()
    a = memory.pool_array((1000, 81), np.int32)
    assert a.shape == (1000, 81) and a.dtype == np.int32 and a.flags.writeable
    assert a.flags.c_contiguous
    assert pool.bytes_allocated() >= before + 1000 * 81 * 4
    a[:] = 7
    assert int(a.sum()) == 7 * 81_000
    assert memory.pool_array(0, np.float64).shape == (0,)
    del a


def test_reading_sets_the_pool_and_puts_it_back_also_on_errors():
    outside = pa.default_memory_pool()
    with memory.reading():
        assert pa.default_memory_pool().backend_name == memory.reading_pool().backend_name
    assert pa.default_memory_pool().backend_name == outside.backend_name
    with pytest.raises(RuntimeError), memory.reading():
        raise RuntimeError("stop")
    assert pa.default_memory_pool().backend_name == outside.backend_name


def test_reading_turns_huge_pages_off_and_back():
    if memory._prctl() is None:
        pytest.skip("no prctl here (not Linux)")
    get = lambda: memory._prctl()(memory._PR_GET_THP_DISABLE, 0, 0, 0, 0)  # noqa: E731
    outside = get()  # 0 unless the process was started with huge pages off
    with memory.reading():
        assert get() == 1
        with memory.reading():  # nested: still off, and off again after the inner one
            assert get() == 1
        assert get() == 1
    assert get() == outside
    memory._huge_pages_off(False)  # from "on", whatever the process started with
    with pytest.raises(ValueError), memory.reading():
        assert get() == 1
        raise ValueError
    assert get() == 0
    memory._huge_pages_off(bool(outside))


def test_arrow_default_pool_variable_is_respected(monkeypatch):
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    memory.reading_pool.cache_clear()
    try:
        assert memory.reading_pool().backend_name == pa.default_memory_pool().backend_name
    finally:
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        memory.reading_pool.cache_clear()


def test_overlapping_reads_in_threads_put_everything_back_once_all_end():
    import threading

    outside = pa.default_memory_pool().backend_name
    huge_off = memory._prctl()(memory._PR_GET_THP_DISABLE, 0, 0, 0, 0) if memory._prctl() else 0
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with memory.reading():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def second():
        a_in.wait(5)
        with memory.reading():
            b_in.set()
            a_out.wait(5)  # the first ended while this one still runs
            seen["pool while second runs"] = pa.default_memory_pool().backend_name

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen["pool while second runs"] == memory.reading_pool().backend_name
    assert pa.default_memory_pool().backend_name == outside
    if memory._prctl() is not None:
        assert memory._prctl()(memory._PR_GET_THP_DISABLE, 0, 0, 0, 0) == huge_off
