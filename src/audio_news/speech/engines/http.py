"""What every online engine shares: sending one prepared request, and reading its status.

Requests go out through ``requests``, so ``HTTPS_PROXY``/``NO_PROXY`` and the CA-bundle
variables (``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``; ``SSL_CERT_FILE`` through OpenSSL) apply
to every engine alike. Failures become one of our errors: ``TransientEngineError`` for what is
worth trying again (a timeout, a reset, 408/425/429, 5xx), ``EngineError`` for the rest, each
one line naming the engine. Messages never hold a credential: the engines keep keys in
headers, never in URLs, and anything a vendor says back goes through ``redact`` first.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import requests

from ...errors import ConfigError, EngineError, TransientEngineError
from ...version import __version__

log = logging.getLogger(__name__)

USER_AGENT = f"audio-news/{__version__}"
DEFAULT_TIMEOUT = (5.0, 30.0)
"""Seconds to connect and to wait for the answer, per request."""
RETRYABLE_STATUS = frozenset({408, 425, 429})
"""Besides 5xx: answers that mean 'not now' rather than 'never'."""
REFUSED_STATUS = frozenset({401, 403})
"""Answers that mean the credentials were not accepted."""
VENDOR_MESSAGE_CHARS = 160
"""How much of a vendor's own error message an error line quotes."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` on one line, cut short, with every secret in it masked."""
    line = " ".join(text.split())
    for secret in secrets:
        if secret:
            line = line.replace(secret, "***")
    if len(line) > VENDOR_MESSAGE_CHARS:
        line = line[: VENDOR_MESSAGE_CHARS - 1].rstrip() + "…"
    return line


def short_reason(error: Exception) -> str:
    """Why a request did not get an answer, in a few words."""
    text = str(error)
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(error, requests.exceptions.SSLError):
        return "TLS failure"
    if "NameResolutionError" in text:
        return "host name not found"
    # urllib3 reports a hang-up inside a proxy tunnel as a ProxyError: test for it first.
    if any(word in text for word in ("RemoteDisconnected", "reset", "aborted")):
        return "connection reset or dropped"
    if isinstance(error, requests.exceptions.ProxyError):
        return "the proxy refused or could not reach the host"
    if isinstance(error, requests.ConnectionError):
        return "could not connect"
    return text or type(error).__name__


class HttpClient:
    """Sends prepared requests for one engine; one connection pool per thread."""

    def __init__(self, name: str, timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        self.name = name
        self.timeout = timeout
        self._local = threading.local()

    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session

    def send(
        self, request: requests.PreparedRequest, *, allow_redirects: bool = False
    ) -> requests.Response:
        """Send ``request`` with the environment's proxy and CA settings; any status returns."""
        name = self.name
        session = self.session()
        settings = session.merge_environment_settings(request.url, {}, None, None, None)
        try:
            return session.send(
                request, timeout=self.timeout, allow_redirects=allow_redirects, **settings
            )
        except requests.exceptions.SSLError as e:
            if "CERTIFICATE_VERIFY_FAILED" in str(e):
                raise EngineError(f"{name}: TLS certificate not trusted: {e}") from e
            raise TransientEngineError(f"{name}: TLS failure: {e}") from e
        except requests.Timeout as e:
            log.debug("%s request timed out: %s", name, e)
            raise TransientEngineError(f"{name}: request timed out after {self.timeout}") from e
        except requests.ConnectionError as e:
            log.debug("%s connection failed: %s", name, e)
            raise TransientEngineError(f"{name}: connection failed: {short_reason(e)}") from e
        except OSError as e:  # requests' own errors, and a CA bundle that cannot be read
            raise EngineError(f"{name}: request failed: {e}") from e


def raise_for_retryable(
    name: str,
    who: str,
    response: requests.Response,
    detail: str = "",
    retry_after: float | None = None,
) -> None:
    """``TransientEngineError`` when the answer says 'try again later' (408/425/429, 5xx).

    ``retry_after`` is the vendor's own hint when its body gives one; ``Retry-After`` wins.
    """
    status = response.status_code
    if status in RETRYABLE_STATUS or status >= 500:
        header = parse_retry_after(response.headers.get("Retry-After"))
        suffix = f": {detail}" if detail else ""
        raise TransientEngineError(
            f"{name}: {who} answered {status} {response.reason}{suffix}",
            retry_after=header if header is not None else retry_after,
        )


def raise_for_status(
    name: str,
    who: str,
    response: requests.Response,
    detail: str = "",
    retry_after: float | None = None,
) -> None:
    """Our error for any answer but 200: retryable, credentials refused, or a plain refusal.

    ``who`` names the vendor (``Google``); ``detail`` is what it said, already through
    ``redact``.
    """
    raise_for_retryable(name, who, response, detail, retry_after)
    status = response.status_code
    suffix = f": {detail}" if detail else ""
    if status in REFUSED_STATUS:
        raise EngineError(f"{name}: the key was refused ({status}){suffix}")
    if status != 200:
        raise EngineError(f"{name}: {who} answered {status} {response.reason}{suffix}")


@dataclass(frozen=True)
class Secret:
    """A credential and where it came from; only ``source`` is ever shown."""

    value: str = field(repr=False)
    source: str
    """E.g. ``AZURE_SPEECH_KEY`` or ``[azure] api_key``: what ``audio-news engines`` prints."""


def find_secret(variable: str, configured: str | None, table: str, key: str) -> Secret | None:
    """The environment's ``variable``, else the config file's ``[table] key``, else None."""
    value = os.environ.get(variable, "").strip()
    if value:
        return Secret(value, variable)
    if configured and configured.strip():
        return Secret(configured.strip(), f"[{table}] {key}")
    return None


def checked_voice(
    voice: str | None, default: str, pattern: re.Pattern[str], engine: str, vendor: str
) -> str:
    """``voice`` (or ``default``) when it has the shape of ``vendor``'s voice names."""
    chosen = voice or default
    if not pattern.fullmatch(chosen):
        raise ConfigError(f"{engine}: {chosen!r} is not {vendor} voice name")
    return chosen
