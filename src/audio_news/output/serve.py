"""Serve an output folder over HTTP: episode files with Range support, and an index page.

Only regular files inside the folder with a known suffix are served; anything else,
including ``..``, hidden names and symlinks leading out, is a plain 404.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ..config import DEFAULT_SERVE_HOST, DEFAULT_SERVE_PORT
from ..errors import ConfigError, InputError
from .page import FAVICON_NAME, asset_bytes, render_index

CHUNK_BYTES = 64 * 1024
MAX_RANGE_HEADER = 200
"""Longer Range headers are ignored and the whole file is sent."""
MAX_CONCURRENCY = 512
"""Connections beyond this get 503 instead of queueing without bound."""
STARTUP_TIMEOUT_S = 10.0

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".json": "application/json",
    ".vtt": "text/vtt; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
}
"""The only suffixes served, and what they are served as."""
SHARED_SUFFIXES = frozenset({".mp3", ".json", ".vtt", ".xml", ".jpg", ".jpeg", ".png", ".webp"})
"""Files other sites may fetch (an embedding page reads the episode JSON)."""
BASE_HEADERS = {"x-content-type-options": "nosniff", "cache-control": "no-cache"}
PAGE_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'"

_RANGE_SPEC = re.compile(r"(\d*)-(\d*)")
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")


class RangeNotSatisfiable(Exception):
    """No requested range overlaps the file."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int
    """Exclusive."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range to send for a ``Range`` header (RFC 9110 14.2), or None for the whole file.

    Headers that are absent, too long, not in bytes or syntactically invalid are ignored,
    as the RFC asks. Overlapping or touching ranges are merged; ranges that stay disjoint
    are answered with the whole file, which the RFC allows. Raises ``RangeNotSatisfiable``
    when no range overlaps the file.
    """
    if header is None or len(header) > MAX_RANGE_HEADER or "=" not in header:
        return None
    unit, _, spec_list = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    wanted: list[ByteRange] = []
    specs = [s.strip() for s in spec_list.split(",") if s.strip()]
    if not specs:
        return None
    for spec in specs:
        match = _RANGE_SPEC.fullmatch(spec)
        if match is None or match.group(1) == match.group(2) == "":
            return None
        first, last = match.group(1), match.group(2)
        if first and last and int(last) < int(first):
            return None
        if first:
            start = int(first)
            end = min(int(last) + 1, size) if last else size
        else:
            start, end = max(size - int(last), 0), size
        if start < end:
            wanted.append(ByteRange(start, end))
    if not wanted:
        raise RangeNotSatisfiable
    wanted.sort(key=lambda r: r.start)
    merged = [wanted[0]]
    for r in wanted[1:]:
        if r.start <= merged[-1].end:
            merged[-1] = ByteRange(merged[-1].start, max(merged[-1].end, r.end))
        else:
            return None
    return merged[0]


def resolve_path(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` (already resolved) that ``url_path`` names, or None."""
    if _UNSAFE_CHARS.search(url_path):
        return None
    parts = url_path.lstrip("/").split("/")
    if any(not p or p.startswith(".") for p in parts):
        return None
    try:
        real = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not real.is_relative_to(root) or real.suffix.lower() not in CONTENT_TYPES:
        return None
    return real if real.is_file() else None


class FileSlice(Response):
    """Part or all of an open file, streamed in chunks; closes the file when done."""

    def __init__(
        self,
        handle: BinaryIO,
        status_code: int,
        headers: dict[str, str],
        start: int,
        length: int,
        head: bool,
    ) -> None:
        self.status_code = status_code
        self.background = None
        self.init_headers({**headers, "content-length": str(length)})
        self._handle, self._start, self._length, self._head = handle, start, length, head

    def _read(self, offset: int, count: int) -> bytes:
        self._handle.seek(offset)
        return self._handle.read(count)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            offset, remaining = self._start, 0 if self._head else self._length
            if remaining == 0:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            while remaining > 0:
                chunk = await run_in_threadpool(self._read, offset, min(CHUNK_BYTES, remaining))
                if not chunk:
                    raise OSError(f"{self._handle.name} shrank while being sent")
                offset += len(chunk)
                remaining -= len(chunk)
                await send(
                    {"type": "http.response.body", "body": chunk, "more_body": remaining > 0}
                )
        finally:
            self._handle.close()


def _not_found() -> Response:
    return PlainTextResponse("Not found\n", status_code=404, headers=BASE_HEADERS)


def file_response(request: Request, path: Path) -> Response:
    """200, 206, 304 or 416 for ``path``, following the request's Range and validators."""
    suffix = path.suffix.lower()
    try:
        handle = path.open("rb")
        info = os.fstat(handle.fileno())
    except OSError:
        return _not_found()
    size = info.st_size
    etag = f'"{size:x}-{info.st_mtime_ns:x}"'
    headers = {
        **BASE_HEADERS,
        "content-type": CONTENT_TYPES[suffix],
        "etag": etag,
        "accept-ranges": "bytes",
    }
    if suffix in SHARED_SUFFIXES:
        headers["access-control-allow-origin"] = "*"
    if suffix == ".html":
        headers["content-security-policy"] = PAGE_POLICY
    if etag in request.headers.get("if-none-match", ""):
        handle.close()
        return Response(
            status_code=304, headers={k: v for k, v in headers.items() if k != "content-type"}
        )
    if_range = request.headers.get("if-range")
    header = request.headers.get("range") if if_range in (None, etag) else None
    try:
        wanted = parse_range(header, size)
    except RangeNotSatisfiable:
        handle.close()
        return PlainTextResponse(
            "Range not satisfiable\n",
            status_code=416,
            headers={**BASE_HEADERS, "content-range": f"bytes */{size}"},
        )
    head = request.method == "HEAD"
    if wanted is None:
        return FileSlice(handle, 200, headers, 0, size, head)
    headers["content-range"] = f"bytes {wanted.start}-{wanted.end - 1}/{size}"
    return FileSlice(handle, 206, headers, wanted.start, wanted.end - wanted.start, head)


def create_app(out_dir: Path) -> Starlette:
    """The ASGI app serving ``out_dir``: ``/`` is a live index, the rest are its files."""
    try:
        root = Path(out_dir).resolve(strict=True)
    except OSError as e:
        raise InputError(f"cannot serve {out_dir}: {e.strerror or e}") from e
    if not root.is_dir():
        raise InputError(f"cannot serve {out_dir}: not a folder")

    async def endpoint(request: Request) -> Response:
        url_path = request.path_params["path"]
        if url_path == "":
            page = await run_in_threadpool(render_index, root)
            return HTMLResponse(
                page, headers={**BASE_HEADERS, "content-security-policy": PAGE_POLICY}
            )
        path = resolve_path(root, url_path)
        if path is None and url_path == FAVICON_NAME:  # a folder made with --no-player
            icon = asset_bytes(FAVICON_NAME)
            return Response(icon, headers={**BASE_HEADERS, "content-type": CONTENT_TYPES[".ico"]})
        if path is None:
            return _not_found()
        return await run_in_threadpool(file_response, request, path)

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "HEAD"])])


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free one."""
    if not 0 <= port <= 65_535:
        raise ConfigError(f"port must be between 0 and 65535, not {port}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as e:
        raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as e:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    return sock


class LocalServer:
    """uvicorn serving an output folder on an already bound socket."""

    def __init__(
        self,
        out_dir: Path,
        host: str = DEFAULT_SERVE_HOST,
        port: int = DEFAULT_SERVE_PORT,
        log_level: str = "warning",
    ) -> None:
        app = create_app(out_dir)
        self._socket = bind_socket(host, port)
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level=log_level,
            lifespan="off",
            server_header=False,
            proxy_headers=False,
            timeout_keep_alive=5,
            limit_concurrency=MAX_CONCURRENCY,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def run(self) -> None:
        """Serve in this thread until interrupted."""
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._socket.close()

    def start(self) -> LocalServer:
        """Serve from a background thread; returns once the server accepts requests."""
        self._thread = threading.Thread(target=self.run, name="audio-news-serve", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ConfigError(f"server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=STARTUP_TIMEOUT_S)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
