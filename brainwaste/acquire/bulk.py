"""Download Census PUMS person zips into `DATA_DIR/raw/{year}/{period}yr/csv_p{st}.zip`.

A file is accepted only after it has been checked (not an HTML page, a readable zip whose
members pass their CRC check, holding the person CSV of the requested year and state). Until
then it lives in `NAME.part` (with `NAME.part.json` keeping the server's validators): an
interrupted transfer resumes from there with an HTTP Range request, in the same run or a later
one, and nothing ever appears at the final name unless it passed the checks. A lock on
`NAME.lock` makes a second process fetching the same file wait, then find it in the cache.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import zipfile
import zlib
from pathlib import Path

import requests
from tqdm import tqdm

from .. import config
from ..digest import sha256_file
from ..errors import CorruptFileError, DownloadError
from ..geography import parse_states
from . import cache, http
from .products import (
    bulk_file_name,
    bulk_url,
    period_slug,
    person_csv_members,
    validate_period,
    zip_members_expected,
)

log = logging.getLogger(__name__)

#: Bytes per read; small enough that an interrupted transfer keeps nearly all it received.
CHUNK = 1 << 16
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.I)
#: Errors that cut a transfer short after the answer started; the transfer resumes.
_INTERRUPTED = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


def local_path(raw: Path, year: int, period: int, usps: str) -> Path:
    """Where the zip of a state (or the nation, "US") lands under raw/."""
    return Path(raw) / str(year) / period_slug(period) / bulk_file_name(usps)


def fetch_files(
    year: int,
    period: int,
    states: str | list[str] | tuple[str, ...],
    data_dir: str | os.PathLike | None = None,
    base_url: str | None = None,
    progress: bool = True,
    force: bool = False,
    *,
    revalidate: bool = False,
) -> list[Path]:
    """Download the person zip of each state (or the nation) and return their local paths.

    `states` takes what `geography.parse_states` takes ("MA,NY", ["MA"], "all", "US"). A file
    whose manifest entry still matches its size and SHA-256 is not downloaded again unless
    `force`; with `revalidate`, such a file is checked against the server with
    If-None-Match / If-Modified-Since and replaced only when the server has a newer one.
    A progress bar (bytes, rate) goes to stderr unless `progress` is False.
    """
    year, period = validate_period(year, period)
    codes = parse_states(states)
    base = config.pums_base_url(base_url)
    raw = config.raw_dir(data_dir)
    with http.new_session() as session:
        return [
            _fetch_one(session, raw, base, year, period, usps, progress, force, revalidate)
            for usps in codes
        ]


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _fetch_one(
    session: requests.Session,
    raw: Path,
    base: str,
    year: int,
    period: int,
    usps: str,
    progress: bool,
    force: bool,
    revalidate: bool,
) -> Path:
    final = local_path(raw, year, period, usps)
    final.parent.mkdir(parents=True, exist_ok=True)
    url = bulk_url(base, year, period, usps)
    rel = final.relative_to(raw).as_posix()
    with cache.file_lock(_sibling(final, ".lock")):
        entry = cache.lookup(raw, rel)
        conditional: dict[str, str] = {}
        if cache.is_intact(raw, entry):
            if not (force or revalidate):
                log.info("%s: in the cache, not downloaded again", rel)
                return final
            if not force:
                conditional = _conditional_headers(entry)
        got = _download(
            session, url, final, zip_members_expected(year, usps), progress, conditional
        )
        if got is None:
            log.info("%s: not modified on the server", rel)
            return final
        etag, last_modified, sha = got
        part = _sibling(final, ".part")
        os.replace(part, final)
        _sibling(final, ".part.json").unlink(missing_ok=True)
        cache.record(
            raw,
            cache.make_entry(
                raw,
                final,
                url=url,
                source="files",
                year=year,
                period=period,
                state=usps,
                sha256=sha,
                etag=etag,
                last_modified=last_modified,
            ),
        )
    return final


def _conditional_headers(entry: dict) -> dict[str, str]:
    h = {}
    if entry.get("etag"):
        h["If-None-Match"] = entry["etag"]
    if entry.get("last_modified"):
        h["If-Modified-Since"] = entry["last_modified"]
    return h


def _read_part_info(path: Path) -> dict:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _discard(*paths: Path) -> None:
    for p in paths:
        p.unlink(missing_ok=True)


def _download(
    session: requests.Session,
    url: str,
    final: Path,
    expected: re.Pattern[str],
    progress: bool,
    conditional: dict[str, str],
) -> tuple[str | None, str | None, str] | None:
    """Fetch `url` into `final`.part and check it. Returns (etag, last_modified, sha256), or None
    when a conditional request answered 304 Not Modified."""
    part, info_path = _sibling(final, ".part"), _sibling(final, ".part.json")
    info = _read_part_info(info_path)
    if conditional or (part.exists() and info.get("url") not in (None, http.redact(url))):
        # Revalidating a cached file, or a leftover from another server: nothing to resume.
        _discard(part, info_path)
        info = {}
    interruptions = 0
    while True:
        offset = part.stat().st_size if part.exists() else 0
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
            validator = info.get("etag") or info.get("last_modified")
            if validator:
                headers["If-Range"] = validator
        else:
            headers.update(conditional)
        try:
            resp = http.get(session, url, headers=headers, stream=True)
        except http.NotOnServer:
            _discard(part, info_path)
            raise
        with resp:
            if resp.status_code == 304 and conditional and not offset:
                return None
            if resp.status_code == 416:
                # The part is no prefix of the file any more (it changed, or is complete but
                # unrecorded): start over.
                _discard(part, info_path)
                interruptions += 1
                _check_interruptions(interruptions, url, "the server refused to resume")
                continue
            if resp.status_code not in (200, 206):
                raise DownloadError(
                    f"unexpected HTTP {resp.status_code} for {http.redact(url)}: "
                    "check --base-url, or try again"
                )
            _refuse_html(resp, url, part, info_path)
            total = None
            if resp.status_code == 206:
                m = _CONTENT_RANGE.match(resp.headers.get("Content-Range", ""))
                if not m or int(m.group(1)) != offset:
                    _discard(part, info_path)
                    interruptions += 1
                    _check_interruptions(interruptions, url, "the server resumed at a wrong offset")
                    continue
                total = None if m.group(3) == "*" else int(m.group(3))
                mode = "ab"
                log.info("%s: resuming at byte %d", final.name, offset)
            else:
                # A 200 answer to a Range request: the server ignored it; restart cleanly.
                offset, mode = 0, "wb"
                length = resp.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
            etag, last_modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
            info = {"url": http.redact(url), "etag": etag, "last_modified": last_modified}
            info_path.write_text(json.dumps(info), encoding="utf-8")
            bar = tqdm(
                total=total,
                initial=offset,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=final.name,
                file=sys.stderr,
                disable=not progress,
                dynamic_ncols=True,
            )
            try:
                with open(part, mode) as f:
                    for chunk in resp.iter_content(CHUNK):
                        f.write(chunk)
                        bar.update(len(chunk))
            except _INTERRUPTED:
                interruptions += 1
                _check_interruptions(interruptions, url, "the connection broke off", part)
                time.sleep(http.wait_before(interruptions))
                continue
            finally:
                bar.close()
        size = part.stat().st_size
        if total is not None and size < total:
            interruptions += 1
            _check_interruptions(interruptions, url, "the answer ended early", part)
            time.sleep(http.wait_before(interruptions))
            continue
        if total is not None and size > total:
            _discard(part, info_path)
            raise CorruptFileError(
                f"truncated or corrupt zip from {http.redact(url)}: {size:,} bytes where the "
                f"server announced {total:,}; fetch again"
            )
        break
    try:
        check_zip(part, url, expected, name=final.name)
    except CorruptFileError:
        _discard(part, info_path)
        raise
    return etag, last_modified, sha256_file(part)


def _check_interruptions(n: int, url: str, what: str, part: Path | None = None) -> None:
    if n < http.TRIES:
        return
    kept = ""
    if part is not None and part.exists() and part.stat().st_size:
        kept = f" ({part.stat().st_size:,} bytes kept: running fetch again resumes from there)"
    raise DownloadError(
        f"gave up after {n} tries: {what} while downloading {http.redact(url)}{kept}; "
        "check the connection and try again"
    )


def _html_message(url: str) -> str:
    return (
        f"the server sent an HTML page instead of a zip ({http.redact(url)}): "
        "check --base-url, or try again later"
    )


def _refuse_html(resp: requests.Response, url: str, part: Path, info_path: Path) -> None:
    ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        _discard(part, info_path)
        raise CorruptFileError(_html_message(url))


def check_zip(
    path: str | os.PathLike,
    url: str,
    expected: re.Pattern[str] | None = None,
    name: str | None = None,
) -> list[str]:
    """Accept a downloaded file only if it is a sound PUMS person zip; return its person CSVs."""
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(512)
    if head.lstrip().startswith(b"<"):
        raise CorruptFileError(_html_message(url))
    bad = f"truncated or corrupt zip from {http.redact(url)}"
    if not zipfile.is_zipfile(path):
        raise CorruptFileError(f"{bad}: fetch it again")
    try:
        with zipfile.ZipFile(path) as zf:
            broken = zf.testzip()
            if broken is not None:
                raise CorruptFileError(
                    f"{bad} (member {broken} fails its CRC check): fetch it again"
                )
            return person_csv_members(zf, expected, name=name or path.name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError) as exc:
        raise CorruptFileError(f"{bad} ({exc}): fetch it again") from None
