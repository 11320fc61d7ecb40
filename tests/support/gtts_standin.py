"""A local stand-in for Google Translate's speech endpoint, reached through ``HTTPS_PROXY``.

It listens on 127.0.0.1 as an HTTPS proxy (``tls_proxy``): it answers ``CONNECT``, ends TLS
itself with a throw-away certificate for translate.google.com and serves the batchexecute
endpoint gTTS talks to behind it, so the real gTTS code and real
HTTP run unchanged. Every request's text is recorded; the answer is a real MP3 (a tone whose
pitch depends on the text and whose length is 60 ms per character).

Knobs, each readable and writable while it runs: ``latency`` (seconds added per request),
``rate_limit_every`` (answer 429 to every Nth request, with ``Retry-After: retry_after``),
``server_error_every`` (answer 500 to every Nth), ``refuse`` (answer ``CONNECT`` with 502, as a
proxy does when it cannot reach the host; tunnels already open stay open), ``force_status``
(answer every request with this HTTP status), ``drop_every`` (hang up on every Nth request
without answering), ``no_audio`` (answer 200 without audio).

Standalone, for benchmarks or ``gtts-cli``::

    python tests/gtts_standin.py --port 8765 --latency 0.15

prints the environment to export. ``GET http://127.0.0.1:PORT/_standin/stats`` returns the
requests seen so far as JSON; ``POST .../_standin/reset`` forgets them.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import signal
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .tls_proxy import DROPPED, Reply, Request, TlsStandin, closed_port

__all__ = ["DROPPED", "GttsStandin", "closed_port", "gtts_standin", "serve_for_test"]

API_PATH = "/_/TranslateWebserverUi/data/batchexecute"
RPC_ID = "jQ1olc"
MS_PER_CHAR = 60
FRAME_MS = 24
"""One MPEG-2 Layer III frame: 576 samples at 24 kHz."""
FRAME_BYTES = 96
"""At 32 kb/s and 24 kHz every frame is exactly 96 bytes, so frames can be cut and joined."""
TONE_SECONDS = 10
PITCHES_HZ = (180, 210, 240, 270, 300, 330, 360, 390)
HOSTNAMES = ("translate.google.com", "*.google.com")


@dataclass(frozen=True)
class Recorded:
    """One batchexecute request as the stand-in saw it."""

    text: str
    lang: str
    status: int


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


class GttsStandin(TlsStandin):
    """The stand-in server; use as a context manager or ``start()``/``stop()``."""

    hostnames = HOSTNAMES

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
        super().__init__(port=port, refuse=refuse, cert_dir=cert_dir)
        self.latency = latency
        self.rate_limit_every = rate_limit_every
        self.retry_after = retry_after
        self.server_error_every = server_error_every
        self.force_status = force_status
        self.drop_every = drop_every
        self.no_audio = no_audio
        self._requests: list[Recorded] = []
        self._count = 0

    def start(self) -> GttsStandin:
        super().start()
        return self

    def __enter__(self) -> GttsStandin:
        return self.start()

    # -- what tests look at ------------------------------------------------------------------

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.requests]

    def reset(self) -> None:
        """Forget the requests seen so far and restart the every-Nth counters."""
        with self._lock:
            self._requests.clear()
            self._count = 0

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

    def _answer(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            text, lang = parse_request_text(body)
        except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError):
            self._record(Recorded("", "", 400))
            return 400, {}, b"bad request"
        with self._lock:
            self._count += 1
            n = self._count
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

    def route(self, request: Request) -> Reply:
        """Google's side: the batchexecute endpoint, and any GET as the reachability probe."""
        if request.method in ("GET", "HEAD"):
            return Reply(200, {"Content-Type": "text/plain"}, b"gTTS stand-in\n")
        if urlsplit(request.path).path != API_PATH:
            return Reply(404, {}, b"not found")
        return Reply(*self._answer(request.body))

    def plain(self, method: str, path: str, body: bytes) -> Reply:
        """Stats and reset for benchmarks; anything else as if it came through a tunnel."""
        path_only = urlsplit(path).path
        if method == "GET" and path_only == "/_standin/stats":
            stats = json.dumps(self._stats(), ensure_ascii=False).encode()
            return Reply(200, {"Content-Type": "application/json"}, stats)
        if method == "POST" and path_only == "/_standin/reset":
            self.reset()
            return Reply(204)
        return self.route(Request(method, "", path_only, {}, body))

    def _record(self, entry: Recorded) -> None:
        with self._lock:
            self._requests.append(entry)

    def _stats(self) -> dict[str, Any]:
        entries = self.requests
        return {"count": len(entries), "requests": [asdict(r) for r in entries]}


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
