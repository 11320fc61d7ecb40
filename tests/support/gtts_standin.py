"""A local stand-in for Google Translate's speech endpoint, reached through ``HTTPS_PROXY``.

It listens on 127.0.0.1 as an HTTPS proxy: it answers ``CONNECT``, ends TLS itself with a
throw-away self-signed certificate for translate.google.com (made with the ``openssl`` CLI)
and serves the batchexecute endpoint gTTS talks to behind it, so the real gTTS code and real
HTTP run unchanged. Every request's text is recorded; the answer is a real MP3 (a tone whose
pitch depends on the text and whose length is 60 ms per character).

Knobs, each readable and writable while it runs: ``latency`` (seconds added per request),
``rate_limit_every`` (answer 429 to every Nth request, with ``Retry-After: retry_after``),
``server_error_every`` (answer 500 to every Nth), ``refuse`` (answer ``CONNECT`` with 502, as a
proxy does when it cannot reach the host; tunnels already open stay open), ``force_status``
(answer every request with this HTTP status), ``drop_every`` (hang up on every Nth request
without answering), ``no_audio`` (answer 200 without audio), ``gather`` (hold requests until
this many wait together, 10 s at most). Counts for tests: ``arrived``, ``in_flight``,
``peak_in_flight`` and ``refused_tunnels``.

Standalone, for benchmarks or ``gtts-cli``::

    python tests/gtts_standin.py --port 8765 --latency 0.15

prints the environment to export. ``GET http://127.0.0.1:PORT/_standin/stats`` returns the
requests seen so far as JSON; ``POST .../_standin/reset`` forgets them.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import math
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

API_PATH = "/_/TranslateWebserverUi/data/batchexecute"
RPC_ID = "jQ1olc"
MS_PER_CHAR = 60
FRAME_MS = 24
"""One MPEG-2 Layer III frame: 576 samples at 24 kHz."""
FRAME_BYTES = 96
"""At 32 kb/s and 24 kHz every frame is exactly 96 bytes, so frames can be cut and joined."""
TONE_SECONDS = 10
PITCHES_HZ = (180, 210, 240, 270, 300, 330, 360, 390)
DROPPED = 0
"""Status recorded when the stand-in hung up instead of answering."""
HOSTNAMES = ("translate.google.com", "*.google.com")


@dataclass(frozen=True)
class Recorded:
    """One batchexecute request as the stand-in saw it."""

    text: str
    lang: str
    status: int


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for 'connection refused')."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """Write a self-signed certificate and key for Google's translate host into ``directory``."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the gTTS stand-in needs the openssl command-line tool")
    cert, key = directory / "standin-cert.pem", directory / "standin-key.pem"
    names = ",".join(f"DNS:{name}" for name in HOSTNAMES)
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "30", "-subj", f"/CN={HOSTNAMES[0]}",
         "-addext", f"subjectAltName={names}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def _encode_tone(pitch_hz: int) -> bytes:
    import imageio_ffmpeg

    # A tone pulsing four times a second, roughly the rhythm of syllables.
    source = f"aevalsrc=0.4*sin(2*PI*{pitch_hz}*t)*(0.6+0.4*sin(2*PI*4*t)):s=24000:d={TONE_SECONDS}"
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
         "-f", "lavfi", "-i", source, "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k",
         "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "-"],
        check=True, capture_output=True,
    )  # fmt: skip
    data = result.stdout
    if len(data) % FRAME_BYTES or any(data[i] != 0xFF for i in range(0, len(data), FRAME_BYTES)):
        raise RuntimeError("unexpected MP3 frame layout from ffmpeg")
    return data


_tones: dict[int, bytes] = {}
_tones_lock = threading.Lock()


def _tone(pitch_hz: int) -> bytes:
    with _tones_lock:
        if pitch_hz not in _tones:
            _tones[pitch_hz] = _encode_tone(pitch_hz)
        return _tones[pitch_hz]


def batchexecute_body(audio: bytes) -> bytes:
    """An answer shaped like Google's: an anti-JSON prefix, then length-prefixed JSON lines.

    Empty ``audio`` gives the answer Google sends when it has nothing to say (a null payload).
    """
    inner = json.dumps([base64.b64encode(audio).decode("ascii")]) if audio else None
    envelope = [["wrb.fr", RPC_ID, inner, None, None, None, "generic"], ["di", 42]]
    line = json.dumps(envelope, separators=(",", ":"))
    tail = json.dumps([["e", 4, None, None, len(line)]], separators=(",", ":"))
    return f")]}}'\n\n{len(line)}\n{line}\n{len(tail)}\n{tail}\n".encode()


def parse_request_text(body: bytes) -> tuple[str, str]:
    """The (text, lang) inside a batchexecute form body; ``ValueError`` when malformed."""
    form = parse_qs(body.decode("utf-8"), strict_parsing=False)
    (freq,) = form["f.req"]
    rpc = json.loads(freq)[0][0]
    if rpc[0] != RPC_ID:
        raise ValueError(f"unknown rpc {rpc[0]!r}")
    text, lang = json.loads(rpc[1])[:2]
    if not isinstance(text, str) or not isinstance(lang, str):
        raise ValueError("text and lang must be strings")
    return text, lang


class GttsStandin:
    """The stand-in server; use as a context manager or ``start()``/``stop()``."""

    def __init__(
        self,
        *,
        port: int = 0,
        latency: float = 0.0,
        rate_limit_every: int = 0,
        retry_after: float | None = 1.0,
        server_error_every: int = 0,
        refuse: bool = False,
        force_status: int = 0,
        drop_every: int = 0,
        no_audio: bool = False,
        cert_dir: Path | None = None,
    ) -> None:
        self.latency = latency
        self.rate_limit_every = rate_limit_every
        self.retry_after = retry_after
        self.server_error_every = server_error_every
        self.refuse = refuse
        self.force_status = force_status
        self.drop_every = drop_every
        self.no_audio = no_audio
        self.gather = 0
        self._port = port
        self._cert_dir = cert_dir
        self._own_cert_dir = cert_dir is None
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._count = 0
        self._in_flight = self._peak = self._refused = self._round = self._waiting = 0
        self._changed = threading.Condition(self._lock)
        self._sockets: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.ca_file = Path()
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> GttsStandin:
        server = _Server(("127.0.0.1", self._port), _ProxyHandler)
        server.standin = self
        try:
            directory = self._cert_dir or Path(tempfile.mkdtemp(prefix="gtts-standin-"))
            self._cert_dir = directory
            directory.mkdir(parents=True, exist_ok=True)
            self.ca_file, key = make_certificate(directory)
            self._context.load_cert_chain(self.ca_file, key)
        except BaseException:
            server.server_close()
            self._server = None
            self.stop()
            raise
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="gtts-standin", daemon=True
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

    def __enter__(self) -> GttsStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests look at ------------------------------------------------------------------

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
        """Environment that sends gTTS (and our engine) here and trusts our certificate."""
        return {
            "HTTPS_PROXY": self.proxy_url,
            "https_proxy": self.proxy_url,
            "REQUESTS_CA_BUNDLE": str(self.ca_file),
            "NO_PROXY": "",
            "no_proxy": "",
        }

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.requests]

    @property
    def arrived(self) -> int:
        """Requests that reached the API since the last reset, answered or not yet."""
        return self._count

    @property
    def in_flight(self) -> int:
        """Requests the stand-in is still working on (sleeping out ``latency``, say)."""
        return self._in_flight

    @property
    def peak_in_flight(self) -> int:
        return self._peak

    @property
    def refused_tunnels(self) -> int:
        """``CONNECT`` requests answered 502 because ``refuse`` was set."""
        return self._refused

    def wait_idle(self, timeout: float = 30) -> bool:
        """Wait until no connection is open, so no request can still be on its way in."""
        with self._lock:
            return self._changed.wait_for(lambda: not self._sockets, timeout)

    def reset(self) -> None:
        """Forget the requests seen so far and restart the every-Nth counters."""
        with self._lock:
            self._requests.clear()
            self._count = self._peak = self._refused = self._waiting = 0

    def audio_for(self, text: str) -> bytes:
        """The MP3 the stand-in answers ``text`` with: 60 ms per character."""
        tone = _tone(PITCHES_HZ[zlib.crc32(text.encode()) % len(PITCHES_HZ)])
        frames = max(1, math.ceil(len(text) * MS_PER_CHAR / FRAME_MS))
        repeats = math.ceil(frames * FRAME_BYTES / len(tone))
        return (tone * repeats)[: frames * FRAME_BYTES]

    @staticmethod
    def warm() -> None:
        """Encode every tone now rather than on the first request that needs it."""
        for pitch in PITCHES_HZ:
            _tone(pitch)

    # -- used by the handlers ----------------------------------------------------------------

    def _track(self, sock: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._sockets.add(sock)
            else:
                self._sockets.discard(sock)
                self._changed.notify_all()

    def _answer(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            text, lang = parse_request_text(body)
        except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError):
            self._record(Recorded("", "", 400))
            return 400, {}, b"bad request"
        with self._lock:
            self._count += 1
            n = self._count
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)
            self._wait_for_the_gathering()
        try:
            return self._answer_number(n, text, lang)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _wait_for_the_gathering(self) -> None:
        """With ``gather`` set, hold requests until that many are waiting together; the last
        one to arrive lets the batch go (called with the lock held)."""
        if self.gather <= 1:
            return
        self._waiting += 1
        if self._waiting >= self.gather:
            self._waiting = 0
            self._round += 1
            self._changed.notify_all()
            return
        mine = self._round
        self._changed.wait_for(lambda: self._round != mine, timeout=10)

    def _answer_number(self, n: int, text: str, lang: str) -> tuple[int, dict[str, str], bytes]:
        if self.latency > 0:
            time.sleep(self.latency)
        if self.drop_every and n % self.drop_every == 0:
            self._record(Recorded(text, lang, DROPPED))
            return DROPPED, {}, b""
        if self.rate_limit_every and n % self.rate_limit_every == 0:
            headers = {} if self.retry_after is None else {"Retry-After": f"{self.retry_after:g}"}
            self._record(Recorded(text, lang, 429))
            return 429, headers, b"Too Many Requests"
        if self.server_error_every and n % self.server_error_every == 0:
            self._record(Recorded(text, lang, 500))
            return 500, {}, b"Internal Server Error"
        if self.force_status:
            self._record(Recorded(text, lang, self.force_status))
            return self.force_status, {}, b"forced failure"
        self._record(Recorded(text, lang, 200))
        audio = b"" if self.no_audio else self.audio_for(text)
        return 200, {"Content-Type": "application/json; charset=utf-8"}, batchexecute_body(audio)

    def _count_refused(self) -> None:
        with self._lock:
            self._refused += 1

    def _record(self, entry: Recorded) -> None:
        with self._lock:
            self._requests.append(entry)

    def _stats(self) -> dict[str, Any]:
        entries = self.requests
        return {"count": len(entries), "requests": [asdict(r) for r in entries]}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    standin: GttsStandin

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up mid-answer are normal here; stay quiet."""


class _ApiHandler(BaseHTTPRequestHandler):
    """Google's side: the batchexecute endpoint, and any GET as the reachability probe."""

    protocol_version = "HTTP/1.1"
    timeout = 60
    disable_nagle_algorithm = True  # headers and body go out as two writes
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.standin = self.server.standin

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._send(200, {"Content-Type": "text/plain"}, b"gTTS stand-in\n")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if urlsplit(self.path).path != API_PATH:
            self._send(404, {}, b"not found")
            return
        status, headers, answer = self.standin._answer(body)
        if status == DROPPED:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(status, headers, answer)


class _ProxyHandler(_ApiHandler):
    """The proxy in front: opens TLS tunnels; plain requests reach the API or the stats."""

    rbufsize = 0  # read nothing past CONNECT's header: the TLS handshake follows it

    def setup(self) -> None:
        super().setup()
        self.standin._track(self.connection, add=True)

    def finish(self) -> None:
        self.standin._track(self.connection, add=False)
        super().finish()

    def do_CONNECT(self) -> None:
        if self.standin.refuse:
            self.standin._count_refused()
            self._send(502, {}, b"upstream refused")
            self.close_connection = True
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        try:
            tls = self.standin._context.wrap_socket(self.connection, server_side=True)
        except OSError:
            return
        with contextlib.suppress(OSError):
            _ApiHandler(tls, self.client_address, self.server)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/_standin/stats":
            body = json.dumps(self.standin._stats(), ensure_ascii=False).encode()
            self._send(200, {"Content-Type": "application/json"}, body)
        else:
            super().do_GET()

    def do_POST(self) -> None:
        if urlsplit(self.path).path == "/_standin/reset":
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.standin.reset()
            self._send(204, {}, b"")
        else:
            super().do_POST()


def serve_for_test(monkeypatch: pytest.MonkeyPatch, **options: Any) -> Iterator[GttsStandin]:
    """Run a stand-in and point this test's environment at it (body of the fixture)."""
    with GttsStandin(**options) as standin:
        for name, value in standin.env().items():
            monkeypatch.setenv(name, value)
        yield standin


@pytest.fixture
def gtts_standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[GttsStandin]:
    """A running stand-in with ``HTTPS_PROXY`` and ``REQUESTS_CA_BUNDLE`` pointing at it."""
    yield from serve_for_test(monkeypatch)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--rate-limit-every", type=int, default=0, metavar="N")
    parser.add_argument("--retry-after", type=float, default=1.0, metavar="SECONDS")
    parser.add_argument("--server-error-every", type=int, default=0, metavar="N")
    parser.add_argument("--cert-dir", type=Path, help="where to write the certificate")
    args = parser.parse_args()
    standin = GttsStandin(
        port=args.port,
        latency=args.latency,
        rate_limit_every=args.rate_limit_every,
        retry_after=args.retry_after,
        server_error_every=args.server_error_every,
        cert_dir=args.cert_dir,
    )
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    GttsStandin.warm()
    with standin:
        exports = " ".join(f"{k}={v}" for k, v in standin.env().items() if k.isupper())
        print(f"export {exports}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        print(f"{len(standin.requests)} requests served", flush=True)


if __name__ == "__main__":
    main()
