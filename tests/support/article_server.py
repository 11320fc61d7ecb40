"""A real HTTP server on 127.0.0.1 that serves saved articles and misbehaves on request."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).parent.parent / "data"
PAGE = "dantri_2022-12-24_thanh-tra-xang-dau.html"
MARKDOWN = "text_vnexpress_2024-07-27_trinh-van-quyet.md"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

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
        elif path == "/loop":
            self._redirect("/loop")
        elif path.startswith("/hops/"):
            left = int(path.rsplit("/", 1)[1])
            self._redirect(f"/hops/{left - 1}" if left > 0 else "/page.html")
        elif path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/article.txt")
        elif path == "/slow":
            time.sleep(3)
            self._send(200, b"late", "text/plain")
        elif path == "/drip":
            self._drip()
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
        self.send_header("Content-Length", "40")
        self.end_headers()
        try:
            for _ in range(40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up early (timeouts, size caps) are expected here."""


@contextmanager
def serving() -> Iterator[str]:
    """Run this module's server in a thread; yield its base URL, ``http://127.0.0.1:PORT``."""
    with running(_QuietServer(("127.0.0.1", 0), _Handler)) as url:
        yield url


@contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[str]:
    """Serve ``server`` (bound to 127.0.0.1) in a thread; yield its base URL; shut it down."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
