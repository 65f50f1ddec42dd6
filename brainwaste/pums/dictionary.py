"""Census ACS PUMS data dictionaries, in both published layouts.

- CSV (2017-2021): rows ``NAME,var,type,len,"label"`` and ``VAL,var,type,len,"from","to","label"``;
  the housing record's variables come first, the person record starts at the second ``RT``.
- TXT (2022 on): a header line ``NAME  Character|Numeric  LEN``, a label line, then value lines
  ``CODE .label`` or ``LO..HI .label``; the person record starts at the line ``PERSON RECORD``.

Every variable comes back as ``{"type": "C"|"N", "len": int, "label": str,
"values": [(lo, hi or None, label), ...]}``, in dictionary order. Codes made only of ``b``
("bb", "bbbb") stand for blank, i.e. not applicable.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

_TXT_HEADER = re.compile(r"^([A-Z][A-Z0-9_]*)\s+(Character|Numeric)\s+(\d+)\s*$")
_TXT_VALUE = re.compile(r"^\s+(\S+?)(?:\.\.(\S+))?\s+\.(.*)$")


def is_blank_code(code: str) -> bool:
    """True for the dictionaries' not-applicable code ("b", "bb", "bbbb"...)."""
    return bool(code) and set(code) == {"b"}


def read_dictionary(path: str | os.PathLike, record: str = "person") -> dict[str, dict]:
    """The variables of a PUMS data dictionary: ``record`` is "person", "housing" or "all"."""
    if record not in ("person", "housing", "all"):
        raise ValueError("record must be 'person', 'housing' or 'all'")
    path = Path(path)
    text = path.read_text(encoding="latin-1")
    parse = _read_csv if path.suffix.lower() == ".csv" else _read_txt
    housing, person = parse(text)
    if record == "person":
        return person
    if record == "housing":
        return housing
    return {**housing, **{k: v for k, v in person.items() if k not in housing}}


def _read_txt(text: str) -> tuple[dict[str, dict], dict[str, dict]]:
    lines = text.splitlines()
    sections: tuple[dict[str, dict], dict[str, dict]] = ({}, {})
    current = sections[0]
    var = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("PERSON RECORD"):
            current = sections[1]
        m = _TXT_HEADER.match(line)
        if m:
            label = lines[i + 1].strip() if i + 1 < len(lines) else ""
            var = {"type": m[2][0], "len": int(m[3]), "label": label, "values": []}
            current[m[1]] = var
            i += 2
            continue
        m = _TXT_VALUE.match(line)
        if m and var is not None:
            var["values"].append((m[1], m[2], m[3].strip()))
        i += 1
    return sections


def _read_csv(text: str) -> tuple[dict[str, dict], dict[str, dict]]:
    sections: tuple[dict[str, dict], dict[str, dict]] = ({}, {})
    current = sections[0]
    for row in csv.reader(io.StringIO(text)):
        if len(row) >= 5 and row[0] == "NAME":
            name = row[1]
            if name == "RT" and "RT" in current:
                current = sections[1]  # the second RT opens the person record
            current[name] = {
                "type": row[2],
                "len": int(row[3]),
                "label": row[4].strip(),
                "values": [],
            }
        elif len(row) >= 7 and row[0] == "VAL" and row[1] in current:
            lo, hi = row[4].strip(), row[5].strip()
            current[row[1]]["values"].append((lo, None if hi == lo else hi, row[6].strip()))
    return sections
