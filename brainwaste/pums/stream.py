"""CSV bytes to typed Arrow tables, with the inflate and the parse on two threads.

A national person file is a few gigabytes of CSV deflated in a zip. Reading it is two jobs:
inflating the bytes and parsing them (with ISA-L, parsing is about five times the inflate's
work). They run here on separate threads, so that the machine's cores work at once, in three
stages joined by small bounded queues:

1. **inflate** (a thread): the zip member's compressed bytes are read from the file and inflated
   with the fastest raw-deflate decoder installed (ISA-L through the `isal` package, else
   `zlib-ng`, else the standard library's zlib: the same bytes either way), checking size and
   CRC-32 against the zip's directory. A plain CSV is read as it is.
2. **parse** (a thread, and :data:`PARSE_THREADS` workers, two by default): the bytes are cut
   at record boundaries into pieces of :data:`PIECE_BYTES`, and each piece is parsed by one
   single-threaded ``pyarrow.csv.read_csv`` call: only the columns asked for, with their types
   declared. With more than one worker, pieces are parsed side by side and handed on in file
   order.
3. the caller's thread receives the tables in file order.

Memory is a few pieces whatever the size of the file. Each ``read_csv`` call parses one piece in
memory and returns only when it is done, so no Arrow streaming reader is ever left running; all
threads stop and are joined before :func:`csv_tables` returns or raises, on every path (the end of
the file, a damaged or truncated member, a column that does not parse, a caller that stops early).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import re
import struct
import threading
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import CorruptFileError, SchemaError
from .inputs import ANOTHER_COPY, fit
from .memory import reading_pool

#: Bytes of CSV parsed by one ``read_csv`` call (cut at the last record boundary). Large enough
#: for its blocks to be parsed in parallel, small enough that a few pieces in flight stay small.
PIECE_BYTES = 16 << 20
#: Environment variable setting how many pieces are parsed at once, e.g.
#: ``BRAINWASTE_PARSE_THREADS=2``.
PARSE_THREADS_ENV = "BRAINWASTE_PARSE_THREADS"
#: Pieces parsed at once: two on a machine with two cores or more. On the 2-core machine of
#: docs/performance.md, a second parse thread cut the zip run's wall time by about a quarter when
#: the machine was otherwise quiet, and cost about 10% more CPU for no gain when other work kept
#: both cores busy; ``BRAINWASTE_PARSE_THREADS=1`` suits a busy machine.
PARSE_THREADS = max(1, int(os.environ.get(PARSE_THREADS_ENV) or min(2, os.cpu_count() or 1)))
#: Compressed bytes read (and inflated) at a time: the inflated output of one call, about six
#: times this, is small enough for the allocator to reuse its memory (with 1 MiB, each call's
#: 6 MB output was fresh memory, faulted in page by page: twice the page faults of a 1M-record
#: file, 219,000 against 112,000).
READ_BYTES = 64 << 10
#: Largest output of one inflate call (bounds the memory of a pathological compression ratio).
INFLATE_BYTES = 8 << 20
#: Chunks waiting between the inflate and the parse, and tables between the parse and the caller.
QUEUE_DEPTH = 4
#: Raw-deflate decoders in order of preference (all give the same bytes).
BACKENDS = ("isal", "zlib-ng", "zlib")
#: Environment variable that forces one decoder, e.g. ``BRAINWASTE_INFLATE=zlib``.
BACKEND_ENV = "BRAINWASTE_INFLATE"

#: Reads the header's column names and returns the names to parse the columns under (they may
#: be normalised), the columns to parse and their types; raises the package's own exception
#: when the header is not usable.
Plan = Callable[[list[str]], tuple[list[str], list[str], dict[str, pa.DataType]]]
#: A quicker way to read a piece, given the plan's header, columns and types and the read
#: options: a function run on each piece in a parse thread, returning what to hand on instead of
#: the full table, or None to parse the piece in full (the reader's pre-scan, :mod:`.scan`).
Scan = Callable[
    [list[str], list[str], dict[str, pa.DataType], pacsv.ReadOptions],
    Callable[[pa.Buffer], object | None] | None,
]


def _import_backend(name: str) -> ModuleType | None:
    try:
        if name == "isal":
            from isal import isal_zlib

            return isal_zlib
        if name == "zlib-ng":
            from zlib_ng import zlib_ng

            return zlib_ng
    except ImportError:
        return None
    return zlib if name == "zlib" else None


def inflate_backend(name: str | None = None) -> tuple[str, ModuleType]:
    """The raw-deflate decoder to use: `name`, else $BRAINWASTE_INFLATE, else the fastest installed.

    Each candidate has zlib's interface (``decompressobj(-15)``, ``crc32``).
    """
    forced = name or os.environ.get(BACKEND_ENV, "").strip().lower() or None
    if forced is not None:
        if forced not in BACKENDS:
            raise ValueError(
                f"unknown inflate backend {forced!r}: use one of {', '.join(BACKENDS)}"
            )
        module = _import_backend(forced)
        if module is None:
            raise ValueError(f"inflate backend {forced!r} is not installed")
        return forced, module
    for candidate in BACKENDS:
        module = _import_backend(candidate)
        if module is not None:
            return candidate, module
    return "zlib", zlib  # pragma: no cover - zlib is always there


# -- stage 1: bytes of the CSV ---------------------------------------------------------------------

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra field length


def _member_data_offset(f, info: zipfile.ZipInfo, where: str) -> int:
    f.seek(info.header_offset)
    head = f.read(_LOCAL_HEADER.size)
    if len(head) < _LOCAL_HEADER.size:
        raise _damaged(where, "truncated zip")
    signature, name_len, extra_len = _LOCAL_HEADER.unpack(head)
    if signature != b"PK\x03\x04":
        raise _damaged(where, "bad member header")
    return info.header_offset + _LOCAL_HEADER.size + name_len + extra_len


def member_chunks(
    path: Path, info: zipfile.ZipInfo, where: str, backend: tuple[str, ModuleType]
) -> Iterator[bytes]:
    """The inflated bytes of one zip member, checked against its size and CRC-32."""
    name, module = backend
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        # Encrypted or another method (never in Census files): zipfile's stream checks the CRC.
        try:
            with zipfile.ZipFile(path) as zf, zf.open(info) as f:
                while chunk := f.read(READ_BYTES):
                    yield chunk
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error, RuntimeError) as exc:
            raise _damaged(where, str(exc)) from None
        return
    inflate = module.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    crc, size = 0, 0
    with open(path, "rb") as f:
        f.seek(_member_data_offset(f, info, where))
        remaining = info.compress_size
        while True:
            if inflate is not None and inflate.unconsumed_tail:
                raw = inflate.unconsumed_tail
            elif remaining > 0:
                raw = f.read(min(READ_BYTES, remaining))
                if not raw:
                    raise _damaged(where, "truncated zip")
                remaining -= len(raw)
            else:
                raw = b""
            try:
                if inflate is None:
                    out = raw
                elif raw:
                    out = inflate.decompress(raw, INFLATE_BYTES)
                else:  # all input given: what the decoder still holds
                    out = inflate.flush() if not inflate.eof else b""
            except Exception as exc:  # each backend has its own error type
                raise _damaged(where, f"{name}: {exc}") from None
            if out:
                crc = module.crc32(out, crc)
                size += len(out)
                yield out
            elif not raw:
                break
    if inflate is not None and not inflate.eof:
        raise _damaged(where, "truncated zip member")
    if size != info.file_size or crc != info.CRC:
        raise _damaged(where, "CRC check failed")


def file_chunks(path: Path, where: str) -> Iterator[bytes]:
    """The bytes of a plain CSV file."""
    try:
        with open(path, "rb") as f:
            while chunk := f.read(READ_BYTES * 4):
                yield chunk
    except OSError as exc:
        raise CorruptFileError(f"{where}: could not read the file ({exc})") from None


# -- the threads and their queues ------------------------------------------------------------------


class _Stopped(Exception):
    """Raised inside a stage when the pipeline is being shut down."""


class _End:
    """Marks the end of a stage's output."""


class _Failure:
    def __init__(self, exc: BaseException):
        self.exc = exc


class _Stage:
    """One producer thread and the bounded queue of what it produced."""

    def __init__(self, name: str, produce: Callable[[], Iterator], stop: threading.Event):
        self.queue: queue.Queue = queue.Queue(QUEUE_DEPTH)
        self.stop = stop
        self.produce = produce
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _put(self, item) -> None:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue
        raise _Stopped

    def _run(self) -> None:
        items = self.produce()
        try:
            for item in items:
                self._put(item)
            self._put(_End())
        except _Stopped:
            pass
        except BaseException as exc:  # handed to the consumer, raised in its thread
            with contextlib.suppress(_Stopped):
                self._put(_Failure(exc))
        finally:
            items.close()  # a stage stopped early finishes its own work (files, parse threads)

    def __iter__(self) -> Iterator:
        while True:
            try:
                item = self.queue.get(timeout=0.05)
            except queue.Empty:
                if self.stop.is_set():
                    raise _Stopped from None
                continue
            if isinstance(item, _End):
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item


# -- stage 2: pieces of CSV to tables ---------------------------------------------------------------

_CONVERSION_ERROR = re.compile(r"In CSV column #(\d+): .*CSV conversion error")


def _split_header(chunks: Iterator[bytes], where: str) -> tuple[list[str], bytes]:
    """The header's column names, and the bytes that follow it."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        end = pending.find(b"\n")
        if end >= 0:
            break
    else:
        end = len(pending)
    if not pending.strip():
        raise SchemaError(f"{where} is empty")
    header = pending[:end].decode("utf-8-sig").strip().split(",")
    return [h.strip().strip('"') for h in header], pending[end + 1 :]


class _Pieces:
    """The CSV body in pieces of at most `piece_bytes` (unless a record is longer), each ending
    at the end of a record, written into a few buffers that are used again.

    The inflated chunks are copied once, into a buffer that this object keeps: once the table
    parsed from a piece is handed on, :meth:`release` gives its buffer back for a later piece.
    A fresh buffer per piece would be fresh pages, each faulted in (and zeroed) by the kernel on
    first write: about as many page faults as the file has 4 kB of CSV, which on the machine of
    docs/performance.md cost about as much system time as the inflate itself.
    """

    def __init__(self, piece_bytes: int):
        self.piece_bytes = piece_bytes
        self.free: list[bytearray] = []

    def _take(self, at_least: int) -> bytearray:
        if self.free and len(self.free[-1]) >= at_least:
            return self.free.pop()
        return bytearray(max(at_least, self.piece_bytes))

    def __call__(
        self, first: bytes, chunks: Iterator[bytes]
    ) -> Iterator[tuple[pa.Buffer, bytearray]]:
        """(piece, its buffer) for each piece, in file order."""
        limit = self.piece_bytes
        buf, size = self._take(limit), 0
        for chunk in itertools.chain([first], chunks):
            view = memoryview(chunk)
            while len(view):
                # up to a piece, or on to the end of a record longer than a piece
                room = (limit if size < limit else len(buf)) - size
                if room == 0:
                    buf = buf[:size] + bytearray(size)
                    room = size
                n = min(len(view), room)
                buf[size : size + n] = view[:n]
                size += n
                view = view[n:]
                while size >= limit:
                    cut = buf.rfind(b"\n", 0, limit) + 1
                    if cut == 0:  # a record longer than a piece ends further on
                        cut = buf.find(b"\n", limit, size) + 1
                        if cut == 0:
                            break
                    following = self._take(size - cut)
                    following[: size - cut] = memoryview(buf)[cut:size]
                    yield pa.py_buffer(memoryview(buf)[:cut]), buf
                    buf, size = following, size - cut
        if bytes(memoryview(buf)[:size]).strip():
            yield pa.py_buffer(memoryview(buf)[:size]), buf

    def release(self, buf: bytearray, parsed: object) -> None:
        """Give back the buffer of a piece whose parse is done: only when what was parsed from it
        holds none of its memory (pyarrow's CSV reader copies every value into buffers of its
        own; should a version not, the buffer is left to it)."""
        if len(buf) >= self.piece_bytes and not _holds(parsed, buf):
            self.free.append(buf)


def _holds(parsed: object, buf: bytearray) -> bool:
    """Whether `parsed` (a table, or an object with a ``table``) may point into `buf`."""
    table = getattr(parsed, "table", parsed)
    if not isinstance(table, pa.Table):
        return True
    lo = pa.py_buffer(buf).address
    hi = lo + len(buf)
    for column in table.columns:
        for chunk in column.chunks:
            for b in chunk.buffers():
                if b is not None and b.address < hi and lo < b.address + b.size:
                    return True
    return False


def _parse_error(exc: pa.ArrowInvalid, header: list[str], where: str) -> Exception:
    m = _CONVERSION_ERROR.search(str(exc))
    if m and int(m.group(1)) < len(header):
        column = header[int(m.group(1))]
        error = SchemaError(fit(f"{where}: column {column} does not parse ({exc})"))
        error.column = column  # the reader names the offending records
        return error
    m = _FIELD_COUNT.search(str(exc))
    if m:
        return SchemaError(
            f"{where}: a line has {m[2]} fields where the header has {m[1]}: "
            "fix or remove the short or long lines"
        )
    return _damaged(where, f"CSV: {exc}")


_FIELD_COUNT = re.compile(r"Expected (\d+) columns, got (\d+)")


def _damaged(where: str, what: str) -> CorruptFileError:
    what = what if len(what) <= 60 else what[:57] + "..."
    return CorruptFileError(fit(f"{where} is truncated or damaged ({what}): {ANOTHER_COPY}"))


def csv_tables(
    chunks: Callable[[], Iterator[bytes]],
    where: str,
    plan: Plan,
    *,
    block_size: int = 2 << 20,
    piece_bytes: int | None = None,
    parse_threads: int | None = None,
    scan: Scan | None = None,
) -> Iterator[pa.Table | object]:
    """Tables of the columns `plan` asks for, parsed from the CSV bytes that `chunks()` yields.

    `chunks` runs on the inflate thread (:func:`member_chunks`, :func:`file_chunks`), the parse
    on others; the tables come in file order. Errors of any thread are raised here, after every
    thread has stopped. With `scan`, a piece it reads is handed on as `scan` returns it, and
    only the pieces it gives up on are parsed in full.
    """
    piece_bytes = piece_bytes or PIECE_BYTES
    parse_threads = parse_threads or PARSE_THREADS
    stop = threading.Event()
    inflate = _Stage(f"inflate {where}", chunks, stop)

    def parse() -> Iterator[pa.Table]:
        body = iter(inflate)
        header, first = _split_header(body, where)
        header, include, types = plan(header)
        read = pacsv.ReadOptions(column_names=header, block_size=block_size, use_threads=False)
        convert = pacsv.ConvertOptions(
            include_columns=include, column_types=types, strings_can_be_null=True
        )
        quick = scan(header, include, types, read) if scan is not None else None

        def parse_piece(piece: pa.Buffer) -> pa.Table | object:
            if quick is not None:
                got = quick(piece)
                if got is not None:
                    return got
            try:
                return pacsv.read_csv(
                    pa.BufferReader(piece),
                    read_options=read,
                    convert_options=convert,
                    memory_pool=reading_pool(),
                )
            except pa.ArrowInvalid as exc:
                raise _parse_error(exc, header, where) from None

        # Pieces are parsed by PARSE_THREADS workers, each single-threaded (Arrow's own
        # threads inside one read_csv cost a quarter more CPU for the same work), in order;
        # with one worker, the next piece is cut while the previous one is parsed.
        pool = ThreadPoolExecutor(parse_threads, thread_name_prefix=f"parse {where}")
        try:
            pieces = _Pieces(piece_bytes)
            running: deque[tuple[Future, bytearray]] = deque()

            def done() -> pa.Table | object:
                future, buf = running.popleft()
                parsed = future.result()
                pieces.release(buf, parsed)
                return parsed

            for piece, buf in pieces(first, body):
                running.append((pool.submit(parse_piece, piece), buf))
                if len(running) > parse_threads:
                    yield done()
            while running:
                yield done()
        except (SchemaError, CorruptFileError):
            # Bytes that do not parse may be a damaged member: let the inflate finish its
            # checks, so that a failed CRC is reported rather than a column that is "not numeric".
            for _ in body:
                pass
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    parsed = _Stage(f"parse {where}", parse, stop)
    inflate.thread.start()
    parsed.thread.start()
    try:
        yield from parsed
    finally:
        stop.set()
        parsed.thread.join()
        inflate.thread.join()
