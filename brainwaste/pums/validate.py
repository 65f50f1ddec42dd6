"""Checks of canonical person records between reading and classifying.

Every refusal names the file, the column, the first offending records (SERIALNO, SPORDER) and
how many there are, so that a user can find them in their own file.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

#: Offending records named in a message (the count says how many there are in all).
SHOWN = 3


def first_rows(tbl: pa.Table, mask: pa.Array | pa.ChunkedArray) -> str:
    """The first offending records and their number, for a message:
    ``"(SERIALNO, SPORDER) (21, 1), (21, 2)...; 5 records"``."""
    mask = pc.fill_null(mask, False)
    n = pc.sum(mask).as_py() or 0
    hit = tbl.select([c for c in ("SERIALNO", "SPORDER") if c in tbl.column_names]).filter(mask)
    rows = hit.slice(0, SHOWN).to_pylist()
    shown = ", ".join("(" + ", ".join(_show(v) for v in r.values()) + ")" for r in rows)
    more = "..." if n > len(rows) else ""
    return f"(SERIALNO, SPORDER) {shown}{more}; {n} record{'s' if n != 1 else ''}"


def _show(value) -> str:
    text = "blank" if value is None else str(value)
    return text if len(text) <= 16 else text[:13] + "..."
