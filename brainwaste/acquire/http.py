"""HTTP for the bulk files and the Census API: bounded retries with backoff, one-line errors.

Connection errors, timeouts, HTTP 5xx and 429 are retried up to `TRIES` times in all, waiting
`BACKOFF`, 2 x `BACKOFF`, 4 x `BACKOFF` ... seconds (capped at `MAX_WAIT`; a numeric Retry-After
from the server is honoured within the same cap). Other answers are final. The settings are
module attributes read at call time, so a caller (or a test) can lower them.

Every URL that appears in a message or is stored goes through `redact`, which hides the
value of any `key=` parameter: the Census API key never leaves the process.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests

from .. import __version__
from ..errors import DataNotAvailable, DownloadError

#: Attempts per request, the first included.
TRIES = 4
#: First wait between attempts, in seconds; doubles after each failed attempt.
BACKOFF = 1.0
#: Longest single wait, in seconds.
MAX_WAIT = 30.0
#: Seconds to wait for a connection, and for each read of the answer.
CONNECT_TIMEOUT = 15.0
READ_TIMEOUT = 60.0

#: Answers worth another try: the server is overloaded or failing, not refusing the request.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

_KEY_PARAM = re.compile(r"(?i)([?&;]key=)[^&#\s]*")
_DNS_MARKERS = (
    "NameResolutionError",
    "Name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "Temporary failure in name resolution",
    "No address associated with hostname",
)


class NotOnServer(DownloadError, DataNotAvailable):
    """HTTP 404: the requested file is not on the server (a download error and missing data)."""


def user_agent() -> str:
    return f"brainwaste/{__version__} (ACS PUMS downloader; python-requests/{requests.__version__})"


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Hide `key=...` URL parameters and any given secret strings in a URL or message."""
    out = _KEY_PARAM.sub(r"\1REDACTED", str(text))
    for s in secrets:
        if s:
            out = out.replace(s, "REDACTED")
    return out


def host_of(url: str) -> str:
    return urlsplit(url).hostname or url


def new_session() -> requests.Session:
    """A session that names brainwaste and its version in the User-Agent."""
    s = requests.Session()
    s.headers["User-Agent"] = user_agent()
    return s


def wait_before(attempt: int, retry_after: str | None = None) -> float:
    """Seconds to sleep before attempt number `attempt + 1` (attempt counts from 1)."""
    wait = BACKOFF * 2 ** (attempt - 1)
    if retry_after and retry_after.strip().isdigit():
        wait = max(wait, float(retry_after))
    return min(wait, MAX_WAIT)


def is_dns_error(exc: BaseException) -> bool:
    text = repr(exc)
    return any(m in text for m in _DNS_MARKERS)


def connection_message(exc: BaseException, url: str, hint: str = "--base-url") -> str:
    """One line for a connection-level failure (DNS, refused, reset, timeout)."""
    host = host_of(url)
    if isinstance(exc, requests.ConnectTimeout):
        return (
            f"no connection to {host} within {CONNECT_TIMEOUT:g} s (timeout) for {redact(url)}: "
            f"try again later, or check the connection or {hint}"
        )
    if isinstance(exc, requests.Timeout) or "timed out" in repr(exc).lower():
        return (
            f"no answer from {host} within {READ_TIMEOUT:g} s (timeout) for {redact(url)}: "
            f"try again later, or check the connection or {hint}"
        )
    if is_dns_error(exc):
        return f"could not reach {host} (DNS/network): check the connection or {hint}"
    reason = "connection refused" if "refused" in repr(exc).lower() else "connection failed"
    return f"could not connect to {host} ({reason}): check the connection or {hint}"


def status_message(status: int, url: str) -> str:
    """One line for an HTTP error status, saying what to do."""
    u = redact(url)
    if status == 404:
        return f"HTTP 404 for {u}: the file does not exist — check --year/--period/--states"
    if status in (401, 403):
        return f"HTTP {status} for {u}: the server refused access — check --base-url"
    if status == 429:
        return f"HTTP 429 for {u} (too many requests): wait a while and try again"
    if status >= 500:
        return f"HTTP {status} for {u} (server error): try again later"
    return f"HTTP {status} for {u}: the server refused the request — check --base-url"


def status_error(resp: requests.Response, url: str, error: type[Exception] = DownloadError):
    """The exception for a final error status (404 also counts as data not available)."""
    if resp.status_code == 404 and issubclass(error, DownloadError):
        return NotOnServer(status_message(404, url))
    return error(status_message(resp.status_code, url))


def get(
    session: requests.Session,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    stream: bool = False,
    check: bool = True,
    error: type[Exception] = DownloadError,
    tries: int | None = None,
    hint: str = "--base-url",
) -> requests.Response:
    """GET with bounded retries. Returns the response, or raises `error` with a one-line message.

    With `check` (the default) a final status of 400 or more raises; without it the caller gets
    the response and reads the server's explanation itself (the API does). `hint` names the
    setting that points at the server, for messages.
    """
    tries = max(1, tries or TRIES)
    timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)
    last = ""
    for attempt in range(1, tries + 1):
        retry_after = None
        try:
            resp = session.get(url, headers=headers, stream=stream, timeout=timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            last = connection_message(exc, url, hint)
        else:
            if resp.status_code not in RETRY_STATUS:
                if check and resp.status_code >= 400:
                    resp.close()
                    raise status_error(resp, url, error)
                return resp
            retry_after = resp.headers.get("Retry-After")
            last = status_message(resp.status_code, url)
            resp.close()
        if attempt < tries:
            time.sleep(wait_before(attempt, retry_after))
    if tries == 1:
        raise error(last)
    raise error(f"gave up after {tries} tries: {last}")
