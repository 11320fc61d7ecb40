"""What a fetch may reach and for how long: the address policy and the one deadline.

``HostPolicy`` refuses loopback, private, link-local, unique-local, multicast, reserved and
unspecified addresses (IPv4, IPv6 and IPv4-mapped IPv6) unless allowed. The name is resolved
once, every address checked, and the socket connects to a checked address, so a name that
resolves elsewhere a second time (DNS rebinding) gains nothing. Through a proxy the proxy
resolves the name; we check what the name resolves to here, which is all we can see.

``Deadline`` is one time limit for a whole fetch: connect, headers, body and every redirect.
A socket timeout bounds one read only, so a server dripping a byte a second would outlast it;
at the deadline a timer hangs up every connection the fetch opened, which ends a read blocked
anywhere (the status line, a header, the body).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from ..config import InputLimits
from ..errors import FetchError

ALLOW_PRIVATE_ENV = "AUDIO_NEWS_ALLOW_PRIVATE_HOSTS"
"""``1`` allows every address (tests, development), like ``allow_private_hosts = true``."""
_MAX_CONNECT_S = 10.0
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class HostError(FetchError):
    """The host cannot be fetched from: it does not resolve, or the policy refuses where to."""


def is_special_address(address: str) -> bool:
    """Whether ``address`` is anything but a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


@dataclass(frozen=True)
class HostPolicy:
    """Which addresses a fetch may connect to."""

    allow_private: bool = False
    """Every address, public or not."""
    allowed: tuple[Network, ...] = ()
    """Special addresses allowed all the same (an intranet CMS, a test server)."""

    @classmethod
    def from_limits(
        cls, limits: InputLimits, environ: Mapping[str, str] | None = None
    ) -> HostPolicy:
        """The policy the settings ask for; ``AUDIO_NEWS_ALLOW_PRIVATE_HOSTS=1`` allows all."""
        env = os.environ if environ is None else environ
        from_env = env.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes")
        allowed = tuple(ipaddress.ip_network(h, strict=False) for h in sorted(limits.allowed_hosts))
        return cls(limits.allow_private_hosts or from_env, allowed)

    def check(self, host: str, address: str) -> None:
        if self.allow_private or not is_special_address(address):
            return
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(ip in network for network in self.allowed if network.version == ip.version):
            return
        shown = host if host == address else f"{host} ({address})"
        raise HostError(
            f"{shown} is a loopback, private or reserved address, not fetched unless allowed "
            f"(--allow-private-hosts, --allow-host {address}, or {ALLOW_PRIVATE_ENV}=1)"
        )

    def resolve(self, host: str, port: int, *, unresolved_ok: bool = False) -> list[str]:
        """``host``'s addresses, each checked; ``HostError`` if any is not allowed, or if it
        does not resolve (none then, with ``unresolved_ok``: a proxy may know the name)."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as e:
            if unresolved_ok:
                return []
            why = e.strerror if isinstance(e, OSError) and e.strerror else e
            raise HostError(f"cannot resolve {host} ({why})") from e
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            self.check(host, address)
        return addresses


class Deadline:
    """One time limit for everything a fetch does; a context manager that arms the timer."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._connections: list[HTTPConnection] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def left(self) -> float:
        """Seconds left, at least a little, so a timeout is never zero (which means none)."""
        return max(self._at - time.monotonic(), 0.001)

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self._at

    def timeouts(self) -> tuple[float, float]:
        """(connect, read) timeouts for the next request: what is left of the whole."""
        left = self.left()
        return min(left, _MAX_CONNECT_S), left

    def watch(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connections.append(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for connection in self._connections:
                sock = getattr(connection, "sock", None)
                if sock is not None:  # the base class's: an SSL socket's would drop its state
                    with contextlib.suppress(OSError):
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


class _Guarded:
    """Mixed into urllib3's connections: checked addresses only, and watched by the deadline."""

    guard: tuple[HostPolicy, Deadline]

    def _new_conn(self) -> socket.socket:
        policy, deadline = self.guard
        deadline.watch(self)  # type: ignore[arg-type]
        this: Any = self
        if this.proxy is not None:  # the proxy is configuration; the target was checked before
            return super()._new_conn()  # type: ignore[misc,no-any-return]
        host, failure = this._dns_host, None
        try:
            for address in policy.resolve(host, this.port):
                this._dns_host = address  # connect to the address checked, not to the name
                try:
                    return super()._new_conn()  # type: ignore[misc,no-any-return]
                except (NewConnectionError, ConnectTimeoutError) as e:
                    failure = e
        finally:
            this._dns_host = host
        raise failure or NewConnectionError(this, f"{host} has no address")


class _HTTPConnection(_Guarded, HTTPConnection):
    pass


class _HTTPSConnection(_Guarded, HTTPSConnection):
    pass


def _pool_class(
    base: type[HTTPConnectionPool], connection: type[HTTPConnection], guard: tuple[Any, ...]
) -> Callable[..., HTTPConnectionPool]:
    def make(host: str, port: int | None = None, **kwargs: Any) -> HTTPConnectionPool:
        pool = base(host, port, **kwargs)
        pool.ConnectionCls = type(connection.__name__, (connection,), {"guard": guard})
        return pool

    return make


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose connections obey ``policy`` and ``deadline``."""

    def __init__(self, policy: HostPolicy, deadline: Deadline) -> None:
        self._guard = (policy, deadline)
        super().__init__(max_retries=0)

    def _guarded(self, manager: Any) -> Any:
        manager.pool_classes_by_scheme = {
            "http": _pool_class(HTTPConnectionPool, _HTTPConnection, self._guard),
            "https": _pool_class(HTTPSConnectionPool, _HTTPSConnection, self._guard),
        }
        return manager

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self._guarded(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        return self._guarded(super().proxy_manager_for(proxy, **kwargs))


def guarded_session(policy: HostPolicy, deadline: Deadline) -> requests.Session:
    """A session for one fetch: every request through it obeys ``policy`` and ``deadline``."""
    session = requests.Session()
    adapter = GuardedAdapter(policy, deadline)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
