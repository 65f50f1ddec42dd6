"""A compiled pre-scan of CSV bytes: the integer weight fields of every record, in one pass.

pyarrow's CSV reader converts the 81 integer weight columns of a person file (PWGTP and
PWGTP1-80) at about the cost of tokenising the whole file. The kernel here reads them straight
from the bytes, while pyarrow parses the other needed columns: one pass over a piece, counting
fields between commas and turning the digits of the weight fields into int32.

It accepts only what it reads exactly as pyarrow does: weight fields of 1 to 9 ASCII digits,
other fields without a quote, ``\\n`` or ``\\r\\n`` line ends, and the header's number of fields
on every line. Anything else (a blank, sign or space in a weight, a quote, a short or long line,
an empty line, a lone ``\\r``) makes it give up on the piece, and the piece is parsed by pyarrow
in full, so that its values, blanks and error messages are exactly those of the full parse.

The weights then go along the records as one int32 array (record x weight): the population
totals are summed from it (:func:`cell_sums`), and only the records the prefilter keeps get
their 80 replicate weights as table columns.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .._compiled import kernel
from .memory import pool_array
from .weights import cell_totals

#: Digits of the largest weight the kernel reads (int32 holds every 9-digit number).
MAX_DIGITS = 9


#: Set once the kernels are compiled or loaded from numba's cache (see :func:`start_loading`).
_READY = threading.Event()
_STARTED = threading.Lock()


def start_loading() -> None:
    """Load the kernels in a background thread (once per process): numba's import and the
    loading of compiled code take about half a second of one core. Pieces read before they are
    ready are parsed in full, so the reading never waits for them."""
    if _STARTED.acquire(blocking=False):
        threading.Thread(target=_load, name="brainwaste kernels", daemon=True).start()


def _load() -> None:
    split(b"1,2\n", ["W", "L"], ["W"], ["L"])
    cell_sums(np.zeros(1, dtype=np.int64), 1, np.ones((1, 1), dtype=np.int32))
    _READY.set()
    # The estimators' summing kernel, which they use once numba runs: loaded here, while the
    # file is still being read, rather than on the first estimate after it (about 0.2 s).
    cell_totals(np.zeros(1, dtype=np.intp), 1, np.ones((1, 1), dtype=np.int32), compiled=True)


def ready(wait: float | None = 0) -> bool:
    """True when the kernels can run without compiling; waits up to `wait` seconds (None: until
    they are) after starting their loading."""
    start_loading()
    return _READY.wait(wait)


@dataclass
class Scanned:
    """A piece (or batch) of records read by the pre-scan: the other needed columns as pyarrow
    parsed them, and the weight columns as one array, ``weights[record, slot]``."""

    table: pa.Table
    weights: np.ndarray


def _scan_piece(data, fields, slots, n_fields, kinds, weights, light, count):  # pragma: no cover
    """One pass over `data` (the bytes of whole lines of `n_fields` fields). For each record,
    field ``fields[i]`` (ascending) goes to ``weights[record, slots[i]]`` when ``slots[i] >= 0``,
    else its bytes are copied to `light`: a CSV of those fields only, one line per record.
    Returns the bytes written to `light` (and the number of records in ``count[0]``), or -1 at
    the first byte it does not expect or when there are more than ``weights.shape[0]`` records.

    The fields between wanted ones are passed by counting commas, without a branch per field."""
    n = data.shape[0]
    n_records = weights.shape[0]
    last = n_fields - 1
    n_light = 0
    for i in range(slots.shape[0]):
        n_light += slots[i] < 0
    pos = 0
    rec = 0
    w = 0
    while pos < n:
        if rec >= n_records:
            return -1
        field = 0  # the field that starts at pos
        at_end = False
        copied = 0
        for i in range(fields.shape[0]):
            k = fields[i] - field  # commas to pass
            bad = 0
            while k > 0 and pos < n:
                kind = kinds[data[pos]]  # 1 comma, 2 LF, CR or quote, else 0
                pos += 1
                k -= kind & 1
                bad |= kind
            if k > 0 or bad & 2:
                return -1
            field = fields[i]
            if slots[i] >= 0:
                value = 0
                start = pos
                while pos < n:
                    c = data[pos]
                    if c < 48 or c > 57:  # not 0-9
                        break
                    value = value * 10 + (c - 48)
                    pos += 1
                digits = pos - start
                if digits == 0 or digits > MAX_DIGITS:
                    return -1
                weights[rec, slots[i]] = value
            else:
                while pos < n and kinds[data[pos]] == 0:
                    light[w] = data[pos]
                    w += 1
                    pos += 1
                copied += 1
                light[w] = 44 if copied < n_light else 10
                w += 1
            if pos < n and data[pos] == 44:
                pos += 1
                field += 1
            elif pos == n or data[pos] == 10 or data[pos] == 13:
                if field != last:
                    return -1
                at_end = True  # fields ascend: this was the last one
            else:
                return -1  # a quote, or a byte that is not a digit in a weight field
        if not at_end:  # the fields after the last wanted one
            bad = 0
            while pos < n:
                c = data[pos]
                if c == 10 or c == 13:
                    break
                field += c == 44
                bad |= c == 34
                pos += 1
            if bad or field != last:
                return -1
        if pos < n:
            if data[pos] == 10:
                pos += 1
            elif data[pos] == 13 and pos + 1 < n and data[pos + 1] == 10:
                pos += 2
            else:
                return -1  # a lone CR (pyarrow ends a line there)
        rec += 1
    count[0] = rec
    return w


def _cell_sums(cells, weights, out):  # pragma: no cover - compiled
    """``out[cell, slot] += weights[record, slot]`` for each record's cell (int64, exact)."""
    for i in range(weights.shape[0]):
        c = cells[i]
        for j in range(weights.shape[1]):
            out[c, j] += weights[i, j]


_compiled_scan = kernel(_scan_piece)
#: Byte kinds for the kernel: 1 a comma, 2 a line end or a quote, 0 anything else.
_KINDS = np.zeros(256, dtype=np.uint8)
_KINDS[ord(",")] = 1
_KINDS[[ord("\n"), ord("\r"), ord('"')]] = 2
_compiled_sums = kernel(_cell_sums)


def split(
    piece, header: list[str], weight_columns: list[str], light_columns: list[str]
) -> tuple[np.ndarray, pa.Buffer] | None:
    """The `weight_columns` of the records of `piece` (a buffer of whole CSV lines under
    `header`) as an int32 array (record x column), and the `light_columns` as a CSV of those
    columns only, in the header's order (no header line), for pyarrow to parse; None when the
    kernel gives up on the piece (see the module's docstring). The narrow CSV is valid until the
    next call in the same thread. Only when :func:`brainwaste._compiled.enabled`."""
    wanted = [(header.index(c), slot) for slot, c in enumerate(weight_columns)]
    wanted += [(header.index(c), -1) for c in light_columns]
    wanted.sort()
    fields = np.array([f for f, _ in wanted], dtype=np.int64)
    slots = np.array([s for _, s in wanted], dtype=np.int64)
    data = np.frombuffer(piece, dtype=np.uint8)
    # A record has at least a byte per field (its commas and its line end): room for the most
    # records the piece can hold, in buffers the thread keeps (fresh ones would cost a page
    # fault per 4 kB written, and grow the allocator's heaps).
    weights, light = _scratch(len(weight_columns), len(data) // len(header) + 1, len(data) + 1)
    count = np.zeros(1, dtype=np.int64)
    written = _compiled_scan(data, fields, slots, len(header), _KINDS, weights, light, count)
    if written < 0:
        return None
    # The weights go on with the records: copied to a buffer of the reading's memory pool, which
    # reuses freed memory (a fresh numpy array of this size is fresh pages, see .memory).
    n = int(count[0])
    out = pool_array((n, weights.shape[1]), np.int32)
    out[:] = weights[:n]
    return out, pa.py_buffer(light[:written])


_THREAD = threading.local()


def _scratch(n_weights: int, n_records: int, n_bytes: int) -> tuple[np.ndarray, np.ndarray]:
    weights, light = getattr(_THREAD, "weights", None), getattr(_THREAD, "light", None)
    if weights is None or weights.shape[1] != n_weights or weights.shape[0] < n_records:
        weights = _THREAD.weights = pool_array((n_records, n_weights), np.int32)
    if light is None or len(light) < n_bytes:
        light = _THREAD.light = pool_array(n_bytes, np.uint8)
    return weights, light


def weights(piece, header: list[str], columns: list[str]) -> np.ndarray | None:
    """The `columns` (weights) of the records of `piece` as an int32 array (record x column), or
    None when the kernel gives up on the piece."""
    got = split(piece, header, columns, [])
    return None if got is None else got[0]


def cell_sums(cells: np.ndarray, n_cells: int, weights: np.ndarray) -> np.ndarray:
    """Totals of each weight by cell: int64 (cell x slot); `cells` is each record's cell."""
    out = np.zeros((n_cells, weights.shape[1]), dtype=np.int64)
    cells = np.ascontiguousarray(cells, dtype=np.int64)
    _compiled_sums(cells, np.ascontiguousarray(weights, dtype=np.int32), out)
    return out
