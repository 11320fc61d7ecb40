"""A real HTTP server on 127.0.0.1 that serves saved articles and misbehaves on request.

The slow pages (``/slow`` answers after 30 s, ``/drip`` sends a byte every 0.2 s) watch their
connection, so a test can ask ``Site.left_early(path)`` whether the client hung up before the
body was complete: a timeout is seen as an event, not measured with a clock.
"""

from __future__ import annotations

import functools
import gzip
import queue
import select
import socket
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

DATA = Path(__file__).parent.parent / "data"
PAGE = "dantri_2022-12-24_thanh-tra-xang-dau.html"
MARKDOWN = "text_vnexpress_2024-07-27_trinh-van-quyet.md"
SLOW_S = 30.0
DRIP_BYTES = 40
DRIP_EVERY_S = 0.2
SLOW_HOP_S = 0.8
"""Each ``/slow-hops/N`` redirect waits this long: well under a timeout, not N of them."""


TEXT = "Tiêu đề\nĐoạn một.\n".encode()
BOMB_BYTES = 256 << 20
"""What ``/gzip-gzip`` inflates to: a few KB on the wire."""


@functools.cache
def gzip_bomb() -> bytes:
    """``BOMB_BYTES`` of zeros, gzipped twice: the ``Content-Encoding: gzip, gzip`` bomb."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    layers = [inner.compress(block) for _ in range(BOMB_BYTES >> 20)]
    return gzip.compress(b"".join([*layers, inner.flush()]), 9)


def _deflated(wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(TEXT) + packer.flush()


_CODED: dict[str, Callable[[], tuple[str, bytes]]] = {
    "/gzip-gzip": lambda: ("gzip, gzip", gzip_bomb()),
    "/deflate": lambda: ("deflate", _deflated(zlib.MAX_WBITS)),
    "/raw-deflate": lambda: ("deflate", _deflated(-zlib.MAX_WBITS)),
    "/gzip-members": lambda: ("gzip", gzip.compress(TEXT[:9]) + gzip.compress(TEXT[9:])),
    "/gzip-cut": lambda: ("x-gzip", gzip.compress(TEXT * 50)[:-12]),
    "/brotli": lambda: ("br", b"\x0b\x02\x80hello\x03"),
}
"""Paths answered with a ``Content-Encoding``: the header and the body."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _QuietServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str | None, **headers: str) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, b"", "text/plain", Location=location)

    def do_GET(self) -> None:
        path = self.path
        if path == "/page.html":
            self._send(200, (DATA / PAGE).read_bytes(), "text/html; charset=utf-8")
        elif path == "/article":
            self._send(200, (DATA / MARKDOWN).read_bytes(), "text/markdown; charset=utf-8")
        elif path == "/plain":
            self._send(200, "Tiêu đề\nĐoạn một.\n".encode(), "text/plain")
        elif path == "/latin1":
            body = "Tiêu đề\nĐoạn một.\n".encode()
            self._send(200, body.decode("latin-1").encode("utf-8"), "text/plain; charset=utf-8")
        elif path == "/error":
            self._send(500, b"boom", "text/plain")
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        elif path == "/big":
            self._send(200, b"<p>" + b"x" * 150_000 + b"</p>", "text/html")
        elif path == "/big-chunked":
            self._chunked(b"<p>" + b"x" * 150_000 + b"</p>")
        elif path == "/gzip":
            body = gzip.compress("Tiêu đề\nĐoạn một.\n".encode())
            self._send(200, body, "text/plain; charset=utf-8", Content_Encoding="gzip")
        elif path == "/gzip-bomb":
            body = gzip.compress(b"<p>" + b"x" * 1_000_000 + b"</p>")
            self._send(200, body, "text/html", Content_Encoding="gzip")
        elif path in _CODED:
            coding, body = _CODED[path]()
            self._send(200, body, "text/plain; charset=utf-8", Content_Encoding=coding)
        elif path == "/loop":
            self._redirect("/loop")
        elif path.startswith("/hops/"):
            left = int(path.rsplit("/", 1)[1])
            self._redirect(f"/hops/{left - 1}" if left > 0 else "/page.html")
        elif path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/article.txt")
        elif path == "/slow":
            left = self._client_left(SLOW_S)
            if not left:
                self._send(200, b"late", "text/plain")
            self.server.left_early[path].put(left)
        elif path == "/drip":
            self._drip()
        elif path == "/drip-headers":
            self._drip_headers()
        elif path.startswith("/slow-hops/"):
            left = int(path.rsplit("/", 1)[1])
            time.sleep(SLOW_HOP_S)
            self._redirect(f"/slow-hops/{left - 1}" if left > 0 else "/plain")
        elif path.startswith("/to/"):
            self._redirect(unquote(path.removeprefix("/to/")))
        else:
            self._send(404, b"not here", "text/plain")

    def _chunked(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 16_384):
            piece = body[start : start + 16_384]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def _drip(self) -> None:
        """Headers at once, then a byte every 0.2 s: each read is quick, the whole is slow."""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(DRIP_BYTES))
        self.end_headers()
        left = False
        try:
            for sent in range(DRIP_BYTES):
                left = sent > 0 and self._client_left(DRIP_EVERY_S)
                if left:
                    break
                self.wfile.write(b"x")
                self.wfile.flush()
        except OSError:
            left = True
        self.server.left_early["/drip"].put(left)

    def _drip_headers(self) -> None:
        """The status line and the headers themselves a byte at a time: no read ever waits
        long, and the answer never ends."""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
        left = False
        try:
            for byte in head:
                left = self._client_left(DRIP_EVERY_S)
                if left:
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        except OSError:
            left = True
        self.close_connection = True
        self.server.left_early["/drip-headers"].put(left)

    def _client_left(self, wait: float) -> bool:
        """Wait up to ``wait`` seconds; True as soon as the client closes the connection."""
        readable, _, _ = select.select([self.connection], [], [], wait)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    left_early: defaultdict[str, queue.SimpleQueue[bool]]

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up early (timeouts, size caps) are expected here."""


@dataclass(frozen=True)
class Site:
    """The running server: its base URL, and what its slow pages saw."""

    url: str
    """``http://127.0.0.1:PORT``"""
    _server: _QuietServer

    def left_early(self, path: str) -> bool:
        """Whether the next client of ``path`` (``/slow``, ``/drip``) hung up before the whole
        body was sent; waits for that client to be done."""
        return self._server.left_early[path].get(timeout=SLOW_S + 10)


@contextmanager
def serving(host: str = "127.0.0.1") -> Iterator[Site]:
    """Run this module's server in a thread; yield it as a ``Site``."""
    server = _QuietServer((host, 0), _Handler)
    server.left_early = defaultdict(queue.SimpleQueue)
    with running(server) as url:
        yield Site(url, server)


@contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[str]:
    """Serve ``server`` (bound to a 127.x address) in a thread; yield its base URL; shut it
    down."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
