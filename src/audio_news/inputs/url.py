"""Download an article over HTTP(S): timeouts, a size cap, few redirects, text types only.

``fetch`` is a loop over redirects of four small steps: send one GET, see whether it redirects,
check the status and the content type, read the body within the byte cap and the deadline.
Every transport error is re-raised as one ``FetchError`` that names the URL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin

import requests
import urllib3.exceptions

from ..config import DEFAULT_FETCH_TIMEOUT_S, DEFAULT_MAX_DOWNLOAD_BYTES
from ..errors import FetchError, InputError
from .content_coding import ACCEPT_ENCODING, decoder_for
from .detect import ACCEPTED_CONTENT_TYPES, check_url

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
USER_AGENT = "audio-news/0.1"
_ACCEPT = "text/html, application/xhtml+xml, text/markdown, text/plain;q=0.9"
_MAX_CONNECT_S = 10.0
_READ_SIZE = 65_536


@dataclass(frozen=True)
class Fetched:
    """A downloaded document before decoding."""

    data: bytes
    url: str
    """The final URL after redirects."""
    content_type: str | None
    """The media type without parameters, lower case."""
    charset: str | None


def fetch(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
    timeout: float = DEFAULT_FETCH_TIMEOUT_S,
) -> Fetched:
    """GET ``url``, following at most ``MAX_REDIRECTS`` redirects, within ``timeout`` seconds.

    Every failure is one ``FetchError`` naming the URL: HTTP 4xx/5xx, timeouts, DNS and
    connection errors, too many redirects, a body over ``max_bytes``, a non-text type.
    """
    check_url(url)
    deadline = time.monotonic() + timeout
    current = url
    with requests.Session() as session:
        session.headers.update(
            {"User-Agent": USER_AGENT, "Accept": _ACCEPT, "Accept-Encoding": ACCEPT_ENCODING}
        )
        for _ in range(MAX_REDIRECTS + 1):
            with _errors_named(current, timeout), _get(session, current, timeout) as response:
                target = _redirect_target(response, current, origin=url)
                if target is None:
                    return _fetched(response, current, max_bytes, deadline)
            log.info("%s redirects to %s", current, target)
            current = target
    raise FetchError(f"cannot fetch {url}: more than {MAX_REDIRECTS} redirects")


def _get(session: requests.Session, url: str, timeout: float) -> requests.Response:
    """Send one GET; the body stays unread until ``_read_capped``."""
    limits = (min(timeout, _MAX_CONNECT_S), timeout)
    return session.get(url, stream=True, allow_redirects=False, timeout=limits)


def _redirect_target(response: requests.Response, current: str, *, origin: str) -> str | None:
    """Where ``response`` redirects to (checked like the URL asked for), or None."""
    if not response.is_redirect:
        return None
    target = urljoin(current, response.headers["location"])
    try:
        check_url(target)
    except InputError as e:
        raise FetchError(f"cannot fetch {origin}: redirected to {e}") from e
    return target


def _fetched(response: requests.Response, url: str, max_bytes: int, deadline: float) -> Fetched:
    """A final answer: refuse an error status or a type that is not text, else read it."""
    if response.status_code >= 400:
        raise FetchError(f"cannot fetch {url}: {_reason(response)}")
    if response.status_code != 200:
        raise FetchError(f"cannot fetch {url}: unexpected {_reason(response)}")
    media, charset = _media_type(response.headers.get("content-type"))
    if media is not None and media not in ACCEPTED_CONTENT_TYPES:
        raise FetchError(
            f"cannot fetch {url}: content type {media} is not an article "
            "(expected HTML, plain text or Markdown)"
        )
    data = _read_capped(response, url, max_bytes, deadline)
    return Fetched(data=data, url=response.url, content_type=media, charset=charset)


def _read_capped(response: requests.Response, url: str, max_bytes: int, deadline: float) -> bytes:
    """The decoded body, refused once it passes ``max_bytes`` or the clock passes ``deadline``.

    The raw bytes are inflated here (``content_coding``), never by the transport, so the cap
    holds inside decoding too. ``read1`` returns whatever one read brings, so a server that
    drips a byte at a time is caught by the deadline instead of filling a buffer first.
    """
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            f"cannot fetch {url}: the page is {int(declared):,} bytes, over the download "
            f"limit of {max_bytes:,} bytes (raise max_download_bytes)"
        )
    decoder = decoder_for(response.headers.get("content-encoding"), url)
    body, wire = bytearray(), 0
    while chunk := response.raw.read1(_READ_SIZE, decode_content=False):
        wire += len(chunk)
        body += decoder.decode(chunk, max_bytes - len(body))
        if len(body) > max_bytes or wire > max_bytes:
            raise FetchError(
                f"cannot fetch {url}: the page is over the download limit of {max_bytes:,} bytes "
                "(raise max_download_bytes)"
            )
        if time.monotonic() > deadline:
            raise FetchError(f"cannot fetch {url}: download took too long (timed out)")
    decoder.end()
    return bytes(body)


@contextmanager
def _errors_named(url: str, timeout: float) -> Iterator[None]:
    """Re-raise the transport's errors (requests', and urllib3's while reading) as FetchError."""
    try:
        yield
    except (requests.Timeout, urllib3.exceptions.TimeoutError) as e:
        raise FetchError(f"cannot fetch {url}: timed out after {timeout:g} s") from e
    except requests.ConnectionError as e:
        raise FetchError(f"cannot fetch {url}: cannot connect ({_root_cause(e)})") from e
    except (requests.RequestException, urllib3.exceptions.HTTPError) as e:
        raise FetchError(f"cannot fetch {url}: {type(e).__name__}: {e}") from e


def _root_cause(error: BaseException) -> BaseException:
    """The innermost ``OSError`` behind ``error`` ("Connection refused"), else ``error``."""
    found, link = error, error.__cause__ or error.__context__
    while link is not None:
        if isinstance(link, OSError):
            found = link
        link = link.__cause__ or link.__context__
    return found


def _media_type(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value:
            charset = value.strip().strip("\"'").lower()
    return parts[0].lower() or None, charset


def _reason(response: requests.Response) -> str:
    return f"HTTP {response.status_code} {response.reason or ''}".strip()
