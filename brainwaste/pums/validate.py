"""Checks of canonical person records between reading and classifying.

Every refusal names the file, the column, the first offending records (SERIALNO, SPORDER) and
how many there are, so that a user can find them in their own file.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterator
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..errors import SchemaError
from .inputs import fit, short

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


_NUMBER = {
    "int": r"^\s*[-+]?[0-9]+\s*$",
    "float": r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$",
}


def bad_values(
    chunks: Callable[[], Iterator[bytes]],
    header: list[str],
    column: str,
    to: pa.DataType,
    where: str,
) -> str:
    """The message for a CSV column that does not parse to `to`: the file's bytes (``chunks()``)
    read again with that column as bytes, to name the offending records (values that are not
    numbers, or not UTF-8 text)."""
    keys = [c for c in ("SERIALNO", "SPORDER") if c in header and c != column]
    opts = pacsv.ConvertOptions(
        include_columns=[*keys, column],
        column_types={c: pa.binary() for c in [*keys, column]},
        strings_can_be_null=True,
    )
    read = pacsv.ReadOptions(column_names=header, skip_rows=1)
    parts = chunks()
    try:
        stream = io.BufferedReader(_ChunkReader(parts), buffer_size=1 << 20)
        raw = pacsv.read_csv(stream, read_options=read, convert_options=opts)
    finally:
        parts.close()
    text = {c: _as_text(raw[c]) for c in raw.column_names}
    tbl = pa.table(text)
    name = short(where)
    if pa.types.is_string(to):
        not_text = pa.array([v is not None and not _is_utf8(v) for v in raw[column].to_pylist()])
        return fit(
            f"{name}: column {column} has bytes that are not UTF-8 text, save the file as UTF-8: "
            f"{first_rows(tbl, not_text)}"
        )
    pattern = _NUMBER["float" if pa.types.is_floating(to) else "int"]
    values = text[column]
    bad = pc.and_(
        pc.invert(pc.match_substring_regex(values, pattern)), pc.greater(pc.utf8_length(values), 0)
    )
    bad = bad.fill_null(False)
    first = pc.filter(values, bad)
    shown = f" ('{first[0].as_py()[:12]}')" if len(first) else ""
    return fit(f"{name}: column {column} is not numeric{shown}: {first_rows(tbl, bad)}")


class _ChunkReader(io.RawIOBase):
    """A binary file over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            self._pending = next(self._chunks, b"")
            if not self._pending:
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _as_text(arr: pa.ChunkedArray) -> pa.Array:
    values = [None if v is None else v.decode("utf-8", "replace") for v in arr.to_pylist()]
    return pa.array(values, pa.string())


# -- record checks ----------------------------------------------------------------------------

#: Ranges of the numbers the method reads (PUMS data dictionaries 2013-2017 to 2024: AGEP 0-99,
#: WKHP 1-99; YOEP is at most the record's survey year).
RANGES = {"SPORDER": (1, 99), "AGEP": (0, 99), "WKHP": (1, 99), "YOEP": (1900, None)}
#: Variables every person record has (never blank in any dictionary).
NEVER_BLANK = ("SPORDER", "PWGTP", "AGEP", "NATIVITY", "STATE")


@functools.lru_cache(maxsize=1)
def dictionary_codes() -> dict[str, pa.Array]:
    """Codes the data dictionaries allow, by variable; OCCP2010 and OCCP2018 are the two
    occupation codings, and OCCP both (which one a file must use depends on its year)."""
    source = resources.files("brainwaste.pums").joinpath("dictionary_codes.csv")
    with source.open("r", encoding="utf-8") as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))][1:]
    codes: dict[str, list[str]] = {}
    for var, code, *_ in rows:
        codes.setdefault(var, []).append(code)
        if var.startswith("OCCP"):
            codes.setdefault("OCCP", []).append(code)
    return {var: pa.array(sorted(set(c))) for var, c in codes.items()}


def check_occupation_coding(frame, coding: str, year: int, where: str) -> None:
    """Refuse OCCP codes that are not in the `coding` ("2010" or "2018") Census occupation list
    of the dictionaries: a file whose codes are of another coding than its year implies."""
    if "OCCP" not in frame or not len(frame):
        return
    tbl = pa.Table.from_pandas(
        frame[[c for c in ("SERIALNO", "SPORDER", "OCCP") if c in frame]], preserve_index=False
    )
    known = dictionary_codes()[f"OCCP{coding}"]
    bad = pc.and_not(pc.is_valid(tbl["OCCP"]), pc.is_in(tbl["OCCP"], known))
    if pc.any(bad.fill_null(False)).as_py():
        code = pc.filter(tbl["OCCP"], bad.fill_null(False))[0].as_py()
        other = "2018" if coding == "2010" else "2010"
        raise SchemaError(
            fit(
                f"{short(where)}: OCCP {code} is not a {coding} Census occupation code, which a "
                f"{year} file uses (a {other} code?): check --year; {first_rows(tbl, bad)}"
            )
        )


class RecordChecks:
    """The checks of canonical records between reading and classifying, batch by batch.

    Refused (SchemaError naming file, column, first records and their number): blank required
    values, negative or blank weights, blank replicate weights, codes outside the data
    dictionaries, numbers outside their range, a year of entry after the survey year, and a
    person key (SERIALNO, SPORDER) that appears twice in a file. Counted and reported as warnings:
    foreign-born records without a year of entry (left out of the immigrant split).
    """

    def __init__(self) -> None:
        self.warnings: dict[str, int] = {}
        self._keys: dict[str, _KeyTracker] = {}

    def check(self, tbl: pa.Table, where: str) -> None:
        name = short(where)
        for col in NEVER_BLANK:
            if col in tbl.column_names:
                self._refuse(tbl, pc.is_null(tbl[col]), name, col, "is blank")
        w = tbl["PWGTP"]
        self._refuse(tbl, pc.less(w, 0), name, "PWGTP", "is negative")
        for col in tbl.column_names:
            if col.startswith("PWGTP") and col != "PWGTP":
                self._refuse(tbl, pc.is_null(tbl[col]), name, col, "is blank")
        for col, allowed in dictionary_codes().items():
            if col in tbl.column_names and col not in ("OCCP2010", "OCCP2018"):
                bad = pc.and_not(pc.is_valid(tbl[col]), pc.is_in(tbl[col], allowed))
                self._refuse(tbl, bad, name, col, "has codes not in the PUMS data dictionary")
        for col, (lo, hi) in RANGES.items():
            if col in tbl.column_names:
                out = pc.less(tbl[col], lo)
                if hi is not None:
                    out = pc.or_(out, pc.greater(tbl[col], hi))
                self._refuse(tbl, out, name, col, f"is outside {lo}-{hi or 'the survey year'}")
        if "YOEP" in tbl.column_names:
            late = pc.greater(pc.cast(tbl["YOEP"], pa.int32()), pc.cast(tbl["year"], pa.int32()))
            self._refuse(tbl, late, name, "YOEP", "is after the survey year")
            no_entry = pc.and_(pc.equal(tbl["NATIVITY"], "2"), pc.is_null(tbl["YOEP"]))
            n = pc.sum(no_entry.fill_null(False)).as_py() or 0
            if n:
                key = f"{name}: {{n}} foreign-born record(s) without YOEP, left out of the immigrant split"
                self.warnings[key] = self.warnings.get(key, 0) + n
        self._keys.setdefault(name, _KeyTracker()).add(tbl)

    def finish(self) -> None:
        """End of the files read so far: refuse person keys repeated within a file."""
        for name in list(self._keys):
            dup = self._keys.pop(name).duplicates()
            if dup is None:
                continue
            serial, sporder, n = dup
            raise SchemaError(
                fit(
                    f"{name}: person key (SERIALNO, SPORDER) ({serial}, {sporder}) appears more "
                    f"than once; {n} repeated record(s): remove the repeated rows"
                )
            )

    def messages(self) -> list[str]:
        return [key.format(n=n) for key, n in self.warnings.items()]

    @staticmethod
    def _refuse(tbl: pa.Table, mask, name: str, col: str, what: str) -> None:
        mask = pc.fill_null(mask, False)
        if pc.any(mask).as_py():
            raise SchemaError(fit(f"{name}: column {col} {what}: {first_rows(tbl, mask)}"))


class _KeyTracker:
    """Finds a repeated (SERIALNO, SPORDER) in a stream of batches.

    Census files are sorted by the key, so strictly increasing keys prove there is no repeat at
    the cost of one comparison per record; only unsorted files keep every key to sort at the end.
    """

    def __init__(self) -> None:
        self.last: int | None = None
        self.sorted = True
        self.kept: list[np.ndarray] = []
        self.serials: dict[int, tuple[str, int]] = {}

    def add(self, tbl: pa.Table) -> None:
        keys = person_keys(tbl)
        if not len(keys):
            return
        increasing = bool(np.all(keys[1:] > keys[:-1])) and (
            self.last is None or keys[0] > self.last
        )
        if self.sorted and not increasing:
            self.sorted = False
        self.kept.append(keys)
        if self.sorted:
            self.kept = self.kept[-1:]  # sorted so far: only the last key matters
        self.last = int(keys[-1])

    def duplicates(self) -> tuple[str, int, int] | None:
        if self.sorted:
            return None
        keys = np.sort(np.concatenate(self.kept))
        repeated = keys[1:][keys[1:] == keys[:-1]]
        if not len(repeated):
            return None
        first = int(repeated[0])
        return _serial_of(first // 100), first % 100, len(repeated)


#: Person keys of HU/GQ serials start here, above every all-digit serial (13 digits at most).
_HU_GQ = 2 * 10**13


def person_keys(tbl: pa.Table) -> np.ndarray:
    """(SERIALNO, SPORDER) as one int64 per record, in the order of the Census files' sort:
    all-digit serials as their number, ``YYYYGQnnnnnnn`` / ``YYYYHUnnnnnnn`` above them (year,
    then GQ before HU, then the digits); times 100, plus SPORDER (1-99)."""
    serial = tbl["SERIALNO"]
    lettered = pc.match_substring_regex(serial, "^[0-9]{4}(GQ|HU)[0-9]{7}$").fill_null(False)
    n_lettered = pc.sum(lettered).as_py() or 0
    # A file's serials are usually all of one form (the other form's work is then skipped).
    if n_lettered == 0:
        number = pc.cast(serial, pa.int64()).to_numpy(zero_copy_only=False)
    else:
        only = n_lettered == len(serial)
        parts = [
            pc.cast(part if only else pc.if_else(lettered, part, "0"), pa.int64()).to_numpy(
                zero_copy_only=False
            )
            for part in (pc.utf8_slice_codeunits(serial, a, b) for a, b in ((0, 4), (6, 13)))
        ]
        hu = pc.starts_with(pc.utf8_slice_codeunits(serial, 4, 6), "HU").fill_null(False)
        hu = hu.to_numpy(zero_copy_only=False)
        number = _HU_GQ + parts[0] * 10**8 + hu * 10**7 + parts[1]
        if not only:
            digits = pc.cast(pc.if_else(lettered, "0", serial), pa.int64())
            lettered = lettered.to_numpy(zero_copy_only=False)
            number = np.where(lettered, number, digits.to_numpy(zero_copy_only=False))
    return number * 100 + pc.cast(tbl["SPORDER"], pa.int64()).to_numpy(zero_copy_only=False)


def _serial_of(number: int) -> str:
    if number < _HU_GQ:
        return str(number)
    rest = number - _HU_GQ
    year, rest = divmod(rest, 10**8)
    flag, digits = divmod(rest, 10**7)
    return f"{year}{'HU' if flag else 'GQ'}{digits:07d}"
