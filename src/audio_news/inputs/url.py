"""Download an article over HTTP(S): timeouts, a size cap, few redirects, text types only."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from ..errors import FetchError, InputError
from .detect import ACCEPTED_CONTENT_TYPES, check_url

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
USER_AGENT = "audio-news/0.1"
_ACCEPT = "text/html, application/xhtml+xml, text/markdown, text/plain;q=0.9"


@dataclass(frozen=True)
class Fetched:
    """A downloaded document before decoding."""

    data: bytes
    url: str
    """The final URL after redirects."""
    content_type: str | None
    """The media type without parameters, lower case."""
    charset: str | None


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


def _reason(response: httpx.Response) -> str:
    phrase = response.reason_phrase or ""
    return f"HTTP {response.status_code} {phrase}".strip()


def _read_capped(response: httpx.Response, url: str, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            f"cannot fetch {url}: the page is {int(declared):,} bytes, over the download "
            f"limit of {max_bytes:,} bytes (raise max_download_bytes)"
        )
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(
                f"cannot fetch {url}: the page is over the download limit of {max_bytes:,} bytes "
                "(raise max_download_bytes)"
            )
        if time.monotonic() > deadline:
            raise FetchError(f"cannot fetch {url}: download took too long (timed out)")
    return bytes(body)


def fetch(url: str, *, max_bytes: int = 5_000_000, timeout: float = 20.0) -> Fetched:
    """GET ``url``, following at most ``MAX_REDIRECTS`` redirects, within ``timeout`` seconds.

    Every failure is one ``FetchError`` naming the URL: HTTP 4xx/5xx, timeouts, DNS and
    connection errors, too many redirects, a body over ``max_bytes``, a non-text type.
    """
    check_url(url)
    deadline = time.monotonic() + timeout
    limits = httpx.Timeout(timeout, connect=min(timeout, 10.0))
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT}
    current = url
    try:
        with httpx.Client(timeout=limits, headers=headers, follow_redirects=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                with client.stream("GET", current) as response:
                    if response.is_redirect and "location" in response.headers:
                        target = urljoin(current, response.headers["location"])
                        try:
                            check_url(target)
                        except InputError as e:
                            raise FetchError(f"cannot fetch {url}: redirected to {e}") from e
                        log.info("%s redirects to %s", current, target)
                        current = target
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"cannot fetch {current}: {_reason(response)}")
                    if response.status_code != 200:
                        raise FetchError(f"cannot fetch {current}: unexpected {_reason(response)}")
                    media, charset = _media_type(response.headers.get("content-type"))
                    if media is not None and media not in ACCEPTED_CONTENT_TYPES:
                        raise FetchError(
                            f"cannot fetch {current}: content type {media} is not an article "
                            "(expected HTML, plain text or Markdown)"
                        )
                    data = _read_capped(response, current, max_bytes, deadline)
                    return Fetched(
                        data=data, url=str(response.url), content_type=media, charset=charset
                    )
            raise FetchError(f"cannot fetch {url}: more than {MAX_REDIRECTS} redirects")
    except httpx.TimeoutException as e:
        raise FetchError(f"cannot fetch {current}: timed out after {timeout:g} s") from e
    except httpx.ConnectError as e:
        raise FetchError(f"cannot fetch {current}: cannot connect ({e})") from e
    except httpx.HTTPError as e:
        raise FetchError(f"cannot fetch {current}: {type(e).__name__}: {e}") from e
