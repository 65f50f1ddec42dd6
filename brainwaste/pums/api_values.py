"""Values from the Census PUMS API made to look like the bulk files' values.

The API sends codes as numbers where the files have zero-padded strings ("9" for OCCP "0009") and
spells not-applicable as codes the files leave blank. Only the API's own metadata (its
variables.json, as :func:`brainwaste.acquire.api.api_variables` fetches it) is used to put this
right, so that the records then go through the readers' canonicalisation like any file's.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

#: Labels of not-applicable codes in variables.json start with this.
NA_LABEL_PREFIX = "N/A"


def na_codes(meta: Mapping) -> frozenset[str]:
    """Codes that variables.json labels "N/A (...)" for one variable."""
    items = (meta.get("values") or {}).get("item") or {}
    return frozenset(
        str(code)
        for code, label in items.items()
        if str(label).strip().upper().startswith(NA_LABEL_PREFIX)
    )


def code_width(meta: Mapping) -> int | None:
    """The string length the metadata gives for a variable's codes, if it gives one."""
    for field in ("length", "len", "width"):
        value = meta.get(field)
        if value is not None and str(value).strip().isdigit():
            return int(str(value).strip())
    return None


def _numeric(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _normalizer(meta: Mapping):
    items = {str(c) for c in ((meta.get("values") or {}).get("item") or {})}
    na = na_codes(meta)
    ptype = str(meta.get("predicateType", "string")).lower()
    numeric_type = ptype in ("int", "long", "float", "double")
    na_numbers = {n for n in (_numeric(c) for c in na) if n is not None} if numeric_type else set()
    width = code_width(meta) if ptype == "string" else None
    digit_codes = [c for c in items if c.isdigit()]

    def fix(value: str):
        s = str(value)
        if s.isdigit():
            if width and len(s) < width:
                s = s.zfill(width)
            elif s not in items:
                longer = [c for c in digit_codes if len(c) > len(s) and c == s.zfill(len(c))]
                if len(longer) == 1:
                    s = longer[0]
        if s in na:
            return pd.NA
        if na_numbers and _numeric(s) in na_numbers:
            return pd.NA
        return s

    return fix


def normalize_api_frame(df: pd.DataFrame, variables_meta: Mapping) -> pd.DataFrame:
    """Make API values look like the files' values, using only the API's own metadata.

    For every column that `variables_meta` (from `api_variables`, or a whole variables.json)
    describes:

    1. a code sent as a number loses its leading zeros ("9" for OCCP "0009"); a value made of
       digits is zero-padded to the metadata's string length when it gives one ("length" field,
       string variables only), otherwise to the one listed code it matches once padded
       ("9" -> "0009" when "0009" is a listed code, and "9" itself is not, and no other
       padding of "9" is listed);
    2. a value equal to a code whose label starts with "N/A" becomes missing (<NA>); for numeric
       variables (predicateType int/float) the comparison is numeric, so "-1" and "-1.0" match.

    Anything the metadata does not list is left as sent; columns it does not describe are left
    alone. Returns a new frame with string columns.
    """
    meta = variables_meta.get("variables", variables_meta)
    out = df.copy()
    for col in out.columns:
        m = meta.get(col)
        if not isinstance(m, Mapping):
            continue
        fix = _normalizer(m)
        s = out[col].astype("string")
        mapping = {v: fix(v) for v in s.dropna().unique()}
        out[col] = s.map(mapping, na_action="ignore").astype("string")
    return out
