"""Callbacks: the status document POSTed to the client's URL, signed with HMAC-SHA256.

The receiver checks ``X-Audio-News-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw body
under the shared secret, before trusting the body. Only http(s) URLs are called, and loopback,
private and other special addresses only when the service allows them; redirects are not
followed.
"""

from __future__ import annotations

import hashlib
import hmac
import socket
from urllib.parse import urlsplit

import requests

from ..errors import AudioNewsError, ConfigError
from ..inputs.guard import Deadline, HostError, HostPolicy, guarded_session, is_special_address
from ..version import __version__

SIGNATURE_HEADER = "X-Audio-News-Signature"
EVENT_HEADER = "X-Audio-News-Event"
MAX_URL_CHARS = 2000


class CallbackError(AudioNewsError):
    """A callback could not be delivered this time; worth another try."""


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_matches(body: bytes, secret: str, header: str | None) -> bool:
    """What a receiver does: compare in constant time."""
    return header is not None and hmac.compare_digest(sign(body, secret), header)


def check_callback_url(url: str, allow_private: bool) -> str:
    """``url`` when it may be called; else ``ConfigError`` saying why."""
    parts = urlsplit(url)
    if len(url) > MAX_URL_CHARS or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("callback_url must be an http(s) URL with a host")
    if parts.username or parts.password:
        raise ConfigError("callback_url must not carry a user name or password")
    if allow_private:
        return url
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as e:
        raise ConfigError(f"callback_url: cannot resolve {parts.hostname}") from e
    if any(is_special_address(str(info[4][0])) for info in infos):
        raise ConfigError(
            "callback_url points to a private or loopback address, which this service "
            "does not call (allow_private_callbacks)"
        )
    return url


def deliver(url: str, body: bytes, secret: str, *, timeout: float, allow_private: bool) -> None:
    """POST ``body`` to ``url``; ``CallbackError`` unless the receiver answers 2xx.

    The address is checked again here: a name may resolve elsewhere than it did at submit.
    ``timeout`` is for the whole call, a receiver that drips its answer included.
    """
    check_callback_url(url, allow_private)
    headers = {
        "content-type": "application/json",
        "user-agent": f"audio-news/{__version__}",
        SIGNATURE_HEADER: sign(body, secret),
        EVENT_HEADER: "episode.status",
    }
    policy = HostPolicy(allow_private=allow_private)
    with Deadline(timeout) as deadline, guarded_session(policy, deadline) as session:
        try:
            # No redirects: the address checked is the only one a callback may reach; the
            # connection goes to that address (rebinding gains nothing) and its body is unread.
            with session.post(
                url,
                data=body,
                headers=headers,
                timeout=deadline.timeouts(),
                allow_redirects=False,
                stream=True,
            ) as response:
                status = response.status_code
        except HostError as e:
            raise CallbackError(f"callback to {url} refused: {e}") from e
        except (requests.RequestException, OSError) as e:
            raise CallbackError(f"callback to {url} failed: {type(e).__name__}") from e
    if not 200 <= status < 300:
        raise CallbackError(f"callback to {url} answered {status}")
