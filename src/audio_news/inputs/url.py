"""Download an article over HTTP(S): timeouts, a size cap, few redirects, text types only.

``fetch`` is a loop over redirects of four small steps: send one GET, see whether it redirects,
check the status and the content type, read the body within the byte cap and the deadline.
Every transport error is re-raised as one ``FetchError`` that names the URL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions

from ..config import DEFAULT_FETCH_TIMEOUT_S, DEFAULT_MAX_DOWNLOAD_BYTES, InputLimits
from ..errors import FetchError, InputError
from .content_coding import ACCEPT_ENCODING, decoder_for
from .detect import ACCEPTED_CONTENT_TYPES, check_url
from .guard import Deadline, HostError, HostPolicy, guarded_session

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
USER_AGENT = "audio-news/0.1"
_ACCEPT = "text/html, application/xhtml+xml, text/markdown, text/plain;q=0.9"
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
    hosts: HostPolicy | None = None,
    media_types: frozenset[str] | None = ACCEPTED_CONTENT_TYPES,
    accept: str = _ACCEPT,
) -> Fetched:
    """GET ``url``, following at most ``MAX_REDIRECTS`` redirects, within ``timeout`` seconds.

    ``timeout`` is for everything together: connecting, headers, body and every redirect.
    Only addresses ``hosts`` allows are reached (by default none but public ones, unless
    ``AUDIO_NEWS_ALLOW_PRIVATE_HOSTS=1``); ``media_types=None`` takes any content type.
    Every failure is one ``FetchError`` naming the URL: HTTP 4xx/5xx, timeouts, DNS and
    connection errors, a refused address, too many redirects, a body over ``max_bytes``, a
    type not in ``media_types``.
    """
    check_url(url)
    policy = hosts or HostPolicy.from_limits(InputLimits())
    current = url
    with Deadline(timeout) as deadline, guarded_session(policy, deadline) as session:
        session.headers.update(
            {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": ACCEPT_ENCODING}
        )
        for _ in range(MAX_REDIRECTS + 1):
            with _errors_named(current, deadline):
                _check_proxied_target(session, current, policy)
                with _get(session, current, deadline) as response:
                    target = _redirect_target(response, current, origin=url)
                    if target is None:
                        return _fetched(response, current, max_bytes, deadline, media_types)
            log.info("%s redirects to %s", current, target)
            current = target
    raise FetchError(f"cannot fetch {url}: more than {MAX_REDIRECTS} redirects")


def _get(session: requests.Session, url: str, deadline: Deadline) -> requests.Response:
    """Send one GET; the body stays unread until ``_read_capped``."""
    return session.get(url, stream=True, allow_redirects=False, timeout=deadline.timeouts())


def _check_proxied_target(session: requests.Session, url: str, policy: HostPolicy) -> None:
    """Through a proxy our sockets reach only the proxy: check what the target resolves to
    here, if it does (the proxy resolves it again, which we cannot see)."""
    if policy.allow_private:
        return
    proxies = session.merge_environment_settings(url, {}, None, None, None)["proxies"]
    if requests.utils.select_proxy(url, proxies):
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        policy.resolve(parts.hostname or "", port, unresolved_ok=True)


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


def _fetched(
    response: requests.Response,
    url: str,
    max_bytes: int,
    deadline: Deadline,
    media_types: frozenset[str] | None,
) -> Fetched:
    """A final answer: refuse an error status or a type that is not text, else read it."""
    if response.status_code >= 400:
        raise FetchError(f"cannot fetch {url}: {_reason(response)}")
    if response.status_code != 200:
        raise FetchError(f"cannot fetch {url}: unexpected {_reason(response)}")
    media, charset = _media_type(response.headers.get("content-type"))
    if media is not None and media_types is not None and media not in media_types:
        raise FetchError(
            f"cannot fetch {url}: content type {media} is not an article "
            "(expected HTML, plain text or Markdown)"
        )
    data = _read_capped(response, url, max_bytes, deadline)
    return Fetched(data=data, url=response.url, content_type=media, charset=charset)


def _read_capped(
    response: requests.Response, url: str, max_bytes: int, deadline: Deadline
) -> bytes:
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
        if deadline.passed():
            break
    if deadline.passed():  # the deadline hung up, or came between two reads
        raise _timed_out(url, deadline)
    decoder.end()
    return bytes(body)


def _timed_out(url: str, deadline: Deadline) -> FetchError:
    return FetchError(f"cannot fetch {url}: timed out after {deadline.seconds:g} s")


@contextmanager
def _errors_named(url: str, deadline: Deadline) -> Iterator[None]:
    """Re-raise the transport's errors (requests', and urllib3's while reading) as FetchError;
    any of them once the deadline has hung up is the timeout."""
    try:
        yield
    except HostError as e:
        raise FetchError(f"cannot fetch {url}: {e}") from e
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as e:
        if deadline.passed() or isinstance(e, requests.Timeout | urllib3.exceptions.TimeoutError):
            raise _timed_out(url, deadline) from e
        if isinstance(e, requests.ConnectionError):
            raise FetchError(f"cannot fetch {url}: cannot connect ({_root_cause(e)})") from e
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
