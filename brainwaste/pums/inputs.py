"""What a file handed to the reader is, and clear refusals for the files it cannot read.

Whatever the bytes (gzip, UTF-16, binary, a spreadsheet, a directory, a zip whose member is
encrypted, Deflate64-compressed or cut short), the reader ends in one of the package's own
errors that names the file and says what to do, never in a Python exception. Messages name the
file, not its directory (:func:`short`), and stay under :data:`MAX_MESSAGE` characters.
"""

from __future__ import annotations

import contextlib
import gzip
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from ..errors import BrainwasteError, CorruptFileError, SchemaError

#: The longest message about a user's file.
MAX_MESSAGE = 200

#: Compression methods Python's zipfile reads: stored, deflate, bzip2, lzma.
READABLE_ZIP_METHODS = {
    zipfile.ZIP_STORED,
    zipfile.ZIP_DEFLATED,
    zipfile.ZIP_BZIP2,
    zipfile.ZIP_LZMA,
}
ZIP_METHOD_NAMES = {9: "Deflate64", 6: "Implode", 93: "Zstandard", 95: "xz", 98: "PPMd", 99: "AES"}

#: What a damaged file can raise while it is decompressed or parsed.
READ_ERRORS = (zipfile.BadZipFile, EOFError, OSError, zlib.error, gzip.BadGzipFile)

#: What to do about a damaged file, whether the user's own or a download.
ANOTHER_COPY = "replace it with a complete copy (brainwaste fetch --force for a downloaded file)"


def short(where: str) -> str:
    """A file named in a message: its name (and zip member), not its whole path."""
    head, sep, member = str(where).partition(".zip:")
    name = re.split(r"[/\\]", head)[-1]
    return f"{name}{sep}{member}" if sep else name


def fit(message: str) -> str:
    """A message cut to :data:`MAX_MESSAGE` characters (long excerpts of the file end in ...)."""
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."


def kind(path: Path) -> str:
    """ "csv", "gzip", "zip" or "parquet"; refuses what is none of these with what to do."""
    name = short(str(path))
    if path.is_dir():
        raise SchemaError(
            f"{name} is a directory: give the person file inside it (csv, zip or parquet)"
        )
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise SchemaError(fit(f"{name} cannot be opened ({exc.strerror or exc})")) from None
    if head.startswith(b"PK"):
        return "zip"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    check_text(head, name)
    return "csv"


def check_text(head: bytes, name: str) -> None:
    """Refuse the first bytes of a 'CSV' that is not UTF-8 comma-separated text."""
    if not head.strip():
        raise SchemaError(f"{name} is empty: give a PUMS person file")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:200].count(b"\x00") > 10:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or re.match(rb"^(.\x00){8}", head):
            raise SchemaError(f"{name} is UTF-16 text: save it as CSV in UTF-8 and try again")
        raise SchemaError(
            f"{name} is a binary file, not a CSV: give a PUMS person csv, zip or parquet"
        )
    text = head.lstrip().lower()
    if text.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        raise CorruptFileError(f"{name} is an HTML/XML page, not PUMS data: {ANOTHER_COPY}")
    if b"\x00" in head:
        raise SchemaError(
            f"{name} is a binary file, not a CSV: give a PUMS person csv, zip or parquet"
        )
    first = head.split(b"\n", 1)[0]
    try:
        first.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(first) - 4:  # not just a character cut at the end of the excerpt
            raise SchemaError(
                f"{name}: the header line is not UTF-8 text: save the file as UTF-8 CSV"
            ) from None


def check_separator(header: list[str], name: str) -> None:
    """Refuse a header that is one field holding semicolons or tabs (not comma-separated)."""
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        raise SchemaError(f"{name} is not comma-separated: save it as CSV with commas")


def zip_members(zf: zipfile.ZipFile, members: list[str], name: str) -> None:
    """Refuse a zip without person CSV (a spreadsheet, another zip) or with members Python
    cannot decompress (encrypted, Deflate64)."""
    if not members:
        found = [n for n in zf.namelist() if not n.endswith("/")]
        if any(n.startswith("xl/") for n in found):
            raise SchemaError(
                f"{name} is an Excel workbook: save the sheet as CSV (UTF-8) and give that"
            )
        shown = ", ".join(found[:3]) or "nothing"
        raise SchemaError(
            fit(
                f"{name} holds no PUMS person CSV (psam_pNN.csv or ssYYpST.csv; found {shown}): "
                "give the CSV itself with --input"
            )
        )
    for m in members:
        info = zf.getinfo(m)
        if info.flag_bits & 0x1:
            raise SchemaError(
                fit(f"{name}:{m} is encrypted: extract it with its password, then give the CSV")
            )
        if info.compress_type not in READABLE_ZIP_METHODS:
            method = ZIP_METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            raise SchemaError(
                fit(
                    f"{name}:{m} is compressed with {method}, which Python cannot read: "
                    "extract it (or zip it again with standard Deflate) and try again"
                )
            )


@contextlib.contextmanager
def damaged_as_error(where: str) -> Iterator[None]:
    """Turn what a damaged or unreadable stream raises into a CorruptFileError about the file."""
    try:
        yield
    except BrainwasteError as exc:
        if len(str(exc)) > MAX_MESSAGE:
            raise type(exc)(fit(str(exc))) from None
        raise
    except NotImplementedError as exc:  # zipfile: a compression method it cannot read
        raise SchemaError(fit(f"{short(where)} cannot be decompressed ({exc})")) from None
    except UnicodeDecodeError:
        raise SchemaError(f"{short(where)} is not UTF-8 text: save it as UTF-8 CSV") from None
    except (pa.ArrowInvalid, *READ_ERRORS) as exc:
        m = _FIELD_COUNT.search(str(exc))
        if m:
            raise SchemaError(
                f"{short(where)}: a line has {m[2]} fields where the header has {m[1]}: "
                "fix or remove the short or long lines"
            ) from None
        raise CorruptFileError(
            fit(f"{short(where)} is truncated or damaged ({_first_line(exc)}): {ANOTHER_COPY}")
        ) from None


_FIELD_COUNT = re.compile(r"Expected (\d+) columns, got (\d+)")


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 60 else text[:57] + "..."
