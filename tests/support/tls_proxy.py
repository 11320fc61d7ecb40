"""The plumbing every vendor stand-in shares: an HTTPS proxy on 127.0.0.1 that is the vendor.

It answers ``CONNECT``, ends TLS itself with a throw-away self-signed certificate for the
vendor's host names (made with the ``openssl`` CLI) and hands each request inside the tunnel
to the stand-in's ``route``, so the real client code and real HTTP run unchanged. Plain
(unproxied) requests go to ``plain``: stats and reset for benchmarks.

A subclass names its ``hostnames`` and implements ``route``; knobs shared by all: ``refuse``
(answer ``CONNECT`` with 502, as a proxy does when it cannot reach the host; tunnels already
open stay open).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DROPPED = 0
"""Status of a ``Reply`` that hangs up instead of answering."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class Request:
    """One request as it arrived inside a tunnel."""

    method: str
    host: str
    """The host the client opened the tunnel to, without the port."""
    path: str
    headers: dict[str, str]
    """Header names lower-cased."""
    body: bytes


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for 'connection refused')."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def make_certificate(directory: Path, hostnames: tuple[str, ...]) -> tuple[Path, Path]:
    """Write a self-signed certificate and key for ``hostnames`` into ``directory``."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the stand-ins need the openssl command-line tool")
    cert, key = directory / "standin-cert.pem", directory / "standin-key.pem"
    names = ",".join(f"DNS:{name}" for name in hostnames)
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "30", "-subj", f"/CN={hostnames[0]}",
         "-addext", f"subjectAltName={names}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class TlsStandin:
    """A vendor behind an HTTPS proxy; use as a context manager or ``start()``/``stop()``."""

    hostnames: tuple[str, ...] = ()
    """Names the certificate is for (wildcards allowed)."""

    def __init__(self, *, port: int = 0, refuse: bool = False, cert_dir: Path | None = None):
        self.refuse = refuse
        self._port = port
        self._cert_dir = cert_dir
        self._own_cert_dir = cert_dir is None
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.ca_file = Path()
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)

    # -- what a vendor implements ------------------------------------------------------------

    def route(self, request: Request) -> Reply:
        """The vendor's answer to one request inside a tunnel."""
        return Reply(404, {}, b"not found")

    def plain(self, method: str, path: str, body: bytes) -> Reply:
        """The answer to a request sent to the proxy itself (not through a tunnel)."""
        return Reply(404, {}, b"not found")

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Any:
        server = _Server(("127.0.0.1", self._port), _ProxyHandler)
        server.standin = self
        try:
            directory = self._cert_dir or Path(tempfile.mkdtemp(prefix="standin-"))
            self._cert_dir = directory
            directory.mkdir(parents=True, exist_ok=True)
            self.ca_file, key = make_certificate(directory, self.hostnames)
            self._context.load_cert_chain(self.ca_file, key)
        except BaseException:
            server.server_close()
            self._server = None
            self.stop()
            raise
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name=type(self).__name__, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self._sockets.clear()
        if self._own_cert_dir and self._cert_dir is not None:
            shutil.rmtree(self._cert_dir, ignore_errors=True)
            self._cert_dir = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("stand-in not running")
        port: int = self._server.server_address[1]
        return port

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment that sends clients here and trusts our certificate."""
        return {
            "HTTPS_PROXY": self.proxy_url,
            "https_proxy": self.proxy_url,
            "REQUESTS_CA_BUNDLE": str(self.ca_file),
            "NO_PROXY": "",
            "no_proxy": "",
        }

    def _track(self, sock: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._sockets.add(sock)
            else:
                self._sockets.discard(sock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    standin: TlsStandin

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up mid-answer are normal here; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    disable_nagle_algorithm = True  # headers and body go out as two writes
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.standin = self.server.standin

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))

    def _send(self, reply: Reply) -> None:
        if reply.status == DROPPED:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)


class _ApiHandler(_Handler):
    """The vendor's side: every request inside the tunnel goes to ``route``."""

    def __init__(self, sock: Any, client_address: Any, server: _Server, host: str) -> None:
        self.host = host
        super().__init__(sock, client_address, server)

    def _route(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = Request(self.command, self.host, self.path, headers, self._body())
        self._send(self.standin.route(request))

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _route


class _ProxyHandler(_Handler):
    """The proxy in front: opens TLS tunnels; plain requests go to ``plain``."""

    rbufsize = 0  # read nothing past CONNECT's header: the TLS handshake follows it

    def setup(self) -> None:
        super().setup()
        self.standin._track(self.connection, add=True)

    def finish(self) -> None:
        self.standin._track(self.connection, add=False)
        super().finish()

    def do_CONNECT(self) -> None:
        if self.standin.refuse:
            self._send(Reply(502, {}, b"upstream refused"))
            self.close_connection = True
            return
        host = self.path.rsplit(":", 1)[0]
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        try:
            tls = self.standin._context.wrap_socket(self.connection, server_side=True)
        except OSError:
            return
        with contextlib.suppress(OSError):
            _ApiHandler(tls, self.client_address, self.server, host)

    def _plain(self) -> None:
        self._send(self.standin.plain(self.command, self.path, self._body()))

    do_GET = do_HEAD = do_POST = _plain
