"""Local stand-ins for the paid speech services, each behind its own HTTPS proxy (``tls_proxy``).

Each speaks its vendor's documented REST protocol closely enough for the real engine code to
run unchanged, and answers with real speech (espeak-ng through the project's espeak engine,
converted by ffmpeg) in the format asked for, at the speed asked for:

- ``GcloudStandin``: Google Cloud Text-to-Speech v1, ``text:synthesize`` (LINEAR16 as a WAV,
  base64 in JSON) and ``voices``; a wrong key is Google's 400 ``API_KEY_INVALID``, over 5,000
  bytes of input its 400 ``INVALID_ARGUMENT``, a 429 ``RESOURCE_EXHAUSTED``.
- ``AzureStandin``: Azure AI Speech, SSML in, ``riff-24khz-16bit-mono-pcm`` out, for one
  region; a wrong key or region is 401, wrong content type 415, bad SSML 400.
- ``FptStandin``: FPT.AI v5; the answer's ``async`` link (on another host) answers 404 for its
  first ``not_ready_polls`` looks, then the MP3. Its error bodies for a bad text are a guess
  (``{"error": 1, "message": ...}``): FPT.AI does not document them.

Knobs shared by all, readable and writable while running: ``latency`` (seconds per synthesis
request), ``rate_limit_every`` (429 to every Nth, ``Retry-After: retry_after``),
``server_error_every`` (a 5xx to every Nth), ``malformed`` (200 with a broken body),
``refuse`` (the proxy cannot reach the vendor). ``key`` is the only credential accepted.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import threading
import time
import uuid
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import imageio_ffmpeg
import pytest

from .tls_proxy import Reply, Request, TlsStandin


@dataclass(frozen=True)
class Call:
    """One request a stand-in saw."""

    kind: str
    """``synthesize``, ``poll`` or ``voices``."""
    text: str
    voice: str
    speed: float
    status: int
    url: str = ""


_speech_lock = threading.Lock()
_speech: dict[tuple[str, float, str, int], bytes] = {}


def speech(text: str, speed: float, codec: str, rate: int) -> bytes:
    """``text`` spoken by espeak-ng at ``speed``, as ``s16le`` PCM or ``mp3`` at ``rate``."""
    key = (text, speed, codec, rate)
    with _speech_lock:
        if key in _speech:
            return _speech[key]
        from audio_news.speech.engines.espeak import EspeakEngine

        clip = EspeakEngine("vi").synthesize(text)
    tempo = max(0.5, min(2.0, speed))
    out = (
        ["-f", "s16le"] if codec == "s16le" else ["-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3"]
    )
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
         "-f", "s16le", "-ar", str(clip.sample_rate), "-ac", "1", "-i", "-",
         "-af", f"atempo={tempo}", "-ar", str(rate), "-ac", "1", *out, "-"],
        input=clip.data, check=True, capture_output=True,
    )  # fmt: skip
    with _speech_lock:
        _speech[key] = result.stdout
    return result.stdout


def wav_file(pcm: bytes, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return Reply(
        status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, body
    )


class CloudStandin(TlsStandin):
    """What the vendor stand-ins share: knobs, the record of calls, the every-Nth failures."""

    vendor = ""

    def __init__(self, *, key: str | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.key = key or f"{self.vendor}-test-key-0123456789"
        self.latency = 0.0
        self.rate_limit_every = 0
        self.retry_after: float | None = 1.0
        self.server_error_every = 0
        self.malformed = False
        self._calls: list[Call] = []
        self._count = 0

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def synthesized(self) -> list[Call]:
        """The synthesis requests that were answered with audio."""
        return [c for c in self.calls if c.kind == "synthesize" and c.status == 200]

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._count = 0

    def record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def credentials_env(self) -> dict[str, str]:
        """The environment variables that give the engine our key."""
        raise NotImplementedError

    def failure(self) -> int:
        """Sleep out the latency, then the status this request is failed with (0: none)."""
        with self._lock:
            self._count += 1
            n = self._count
        if self.latency > 0:
            time.sleep(self.latency)
        if self.rate_limit_every and n % self.rate_limit_every == 0:
            return 429
        if self.server_error_every and n % self.server_error_every == 0:
            return 503
        return 0

    def retry_headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": f"{self.retry_after:g}"}


# -- Google Cloud Text-to-Speech ---------------------------------------------------------------

GCLOUD_VOICES = (
    ("vi-VN-Standard-A", "FEMALE"),
    ("vi-VN-Standard-D", "MALE"),
    ("vi-VN-Wavenet-A", "FEMALE"),
    ("vi-VN-Neural2-A", "FEMALE"),
    ("vi-VN-Neural2-D", "MALE"),
    ("vi-VN-Chirp3-HD-Aoede", "FEMALE"),
)


def google_error(status: int, code: str, message: str, reason: str = "") -> Reply:
    error: dict[str, Any] = {"code": status, "message": message, "status": code}
    if reason:
        error["details"] = [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
             "domain": "googleapis.com"},
        ]  # fmt: skip
    return _json(status, {"error": error})


class GcloudStandin(CloudStandin):
    """Also Google's OAuth token endpoint, for Application Default Credentials: a refresh
    token equal to ``key`` is swapped for ``token``, which the API then takes as a bearer."""

    vendor = "gcloud"
    hostnames = ("texttospeech.googleapis.com", "oauth2.googleapis.com")
    token = "ya29.standin-access-token"

    def credentials_env(self) -> dict[str, str]:
        return {"GOOGLE_API_KEY": self.key}

    def _token(self, request: Request) -> Reply:
        form = parse_qs(request.body.decode())
        self.record(Call("token", "", "", 1.0, 200))
        if form.get("refresh_token") != [self.key]:
            return _json(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        return _json(200, {"access_token": self.token, "expires_in": 3599, "token_type": "Bearer"})

    def _refused(self, request: Request) -> Reply | None:
        given = request.headers.get("x-goog-api-key")
        if "key" in parse_qs(urlsplit(request.path).query):
            return google_error(400, "INVALID_ARGUMENT", "the stand-in wants keys in headers")
        if given is None and request.headers.get("authorization") == f"Bearer {self.token}":
            return None
        if given is None:
            return google_error(
                403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers."
            )
        if given != self.key:
            return google_error(
                400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                reason="API_KEY_INVALID",
            )  # fmt: skip
        return None

    def route(self, request: Request) -> Reply:
        path = urlsplit(request.path).path
        if request.host == "oauth2.googleapis.com":
            return self._token(request)
        refused = self._refused(request)
        if path == "/v1/voices" and request.method == "GET":
            self.record(Call("voices", "", "", 1.0, refused.status if refused else 200))
            voices = [
                {"languageCodes": ["vi-VN"], "name": name, "ssmlGender": gender,
                 "naturalSampleRateHertz": 24000}
                for name, gender in GCLOUD_VOICES
            ]  # fmt: skip
            return refused or _json(200, {"voices": voices})
        if path != "/v1/text:synthesize" or request.method != "POST":
            return google_error(404, "NOT_FOUND", "not found")
        reply, call = self._synthesize(request, refused)
        self.record(Call("synthesize", *call, status=reply.status))
        return reply

    def _synthesize(
        self, request: Request, refused: Reply | None
    ) -> tuple[Reply, tuple[str, str, float]]:
        try:
            body = json.loads(request.body)
            text, voice = body["input"]["text"], body["voice"]["name"]
            config = body["audioConfig"]
            rate, speed = config.get("sampleRateHertz", 24000), config.get("speakingRate", 1.0)
        except (ValueError, KeyError, TypeError):
            return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."), (
                "",
                "",
                1.0,
            )
        call = (text, voice, speed)
        if refused is not None:
            return refused, call
        if len(text.encode()) > 5000:
            message = "Either `input.text` or `input.ssml` is longer than the limit of 5000 bytes."
            return google_error(400, "INVALID_ARGUMENT", message), call
        if voice not in dict(GCLOUD_VOICES) or body["voice"].get("languageCode") != "vi-VN":
            return google_error(400, "INVALID_ARGUMENT", f"Voice '{voice}' does not exist."), call
        if config.get("audioEncoding") != "LINEAR16" or not 0.25 <= speed <= 4.0:
            return google_error(400, "INVALID_ARGUMENT", "Unsupported audioConfig."), call
        failure = self.failure()
        if failure == 429:
            reply = google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.")
            return Reply(429, {**reply.headers, **self.retry_headers()}, reply.body), call
        if failure:
            return google_error(
                failure, "UNAVAILABLE", "The service is currently unavailable."
            ), call
        if self.malformed:
            return _json(200, {"audioContent": "this is not base64!"}), call
        audio = wav_file(speech(text, speed, "s16le", rate), rate)
        return _json(200, {"audioContent": base64.b64encode(audio).decode("ascii")}), call


# -- Azure AI Speech ---------------------------------------------------------------------------

AZURE_VOICES = (("vi-VN-HoaiMyNeural", "Female"), ("vi-VN-NamMinhNeural", "Male"))
AZURE_FORMATS = {"riff-24khz-16bit-mono-pcm": 24000, "raw-24khz-16bit-mono-pcm": 24000}
SSML_NS = "{http://www.w3.org/2001/10/synthesis}"


def prosody_speed(rate: str | None) -> float:
    """``<prosody rate>`` as a multiplier: ``+20%``, ``-10%`` or ``1.2``."""
    if not rate:
        return 1.0
    if rate.endswith("%"):
        return 1.0 + float(rate[:-1]) / 100
    return float(rate)


class AzureStandin(CloudStandin):
    vendor = "azure"
    hostnames = ("*.tts.speech.microsoft.com",)
    region = "westeurope"

    def credentials_env(self) -> dict[str, str]:
        return {"AZURE_SPEECH_KEY": self.key, "AZURE_SPEECH_REGION": self.region}

    def route(self, request: Request) -> Reply:
        path = urlsplit(request.path).path
        right_place = request.host == f"{self.region}.tts.speech.microsoft.com"
        refused = None
        if request.headers.get("ocp-apim-subscription-key") != self.key or not right_place:
            message = (
                "Access denied due to invalid subscription key or wrong API endpoint. Make sure "
                "to provide a valid key for an active subscription and use a correct regional "
                "API endpoint for your resource."
            )
            refused = _json(401, {"error": {"code": "401", "message": message}})
        if path == "/cognitiveservices/voices/list" and request.method == "GET":
            self.record(Call("voices", "", "", 1.0, refused.status if refused else 200))
            voices = [
                {"ShortName": name, "Gender": gender, "Locale": "vi-VN"}
                for name, gender in AZURE_VOICES
            ]
            return refused or _json(200, voices)
        if path != "/cognitiveservices/v1" or request.method != "POST":
            return Reply(404)
        reply, call = self._synthesize(request, refused)
        self.record(Call("synthesize", *call, status=reply.status))
        return reply

    def _synthesize(
        self, request: Request, refused: Reply | None
    ) -> tuple[Reply, tuple[str, str, float]]:
        if refused is not None:
            return refused, ("", "", 1.0)
        if request.headers.get("content-type", "").split(";")[0] != "application/ssml+xml":
            return Reply(415), ("", "", 1.0)
        output = request.headers.get("x-microsoft-outputformat", "")
        if output not in AZURE_FORMATS or len(request.body) > 64 * 1024:
            return Reply(400), ("", "", 1.0)
        try:
            root = ElementTree.fromstring(request.body)
            voice = root.find(f"{SSML_NS}voice")
            assert voice is not None
            prosody = voice.find(f"{SSML_NS}prosody")
            speed = prosody_speed(prosody.get("rate") if prosody is not None else None)
            text, name = "".join(voice.itertext()), voice.get("name", "")
        except (ElementTree.ParseError, AssertionError, ValueError):
            return Reply(400), ("", "", 1.0)
        call = (text, name, speed)
        if name not in dict(AZURE_VOICES):
            return Reply(400), call
        failure = self.failure()
        if failure:
            return Reply(failure, self.retry_headers() if failure == 429 else {}), call
        if self.malformed:
            return Reply(200, {"Content-Type": "audio/x-wav"}, b"RIFF\0\0\0\0WAVEjunk"), call
        rate = AZURE_FORMATS[output]
        pcm = speech(text, speed, "s16le", rate)
        audio = wav_file(pcm, rate) if output.startswith("riff") else pcm
        return Reply(200, {"Content-Type": "audio/x-wav"}, audio), call


# -- FPT.AI ------------------------------------------------------------------------------------

FPT_VOICES = ("banmai", "thuminh", "leminh", "myan", "giahuy", "ngoclam", "lannhi", "linhsan")
FPT_FILES = "file01.fpt.ai"


@dataclass
class _Order:
    text: str
    voice: str
    speed: float
    looks_left: int


class FptStandin(CloudStandin):
    vendor = "fpt"
    hostnames = ("api.fpt.ai", FPT_FILES)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.not_ready_polls = 2
        """How many looks at each new link answer 404 before the MP3 is there."""
        self.key_seen_at_link = False
        self._orders: dict[str, _Order] = {}

    def credentials_env(self) -> dict[str, str]:
        return {"FPT_AI_API_KEY": self.key}

    def route(self, request: Request) -> Reply:
        path = urlsplit(request.path).path
        if request.host == FPT_FILES and request.method == "GET":
            return self._file(request, path)
        if path != "/hmi/tts/v5" or request.method != "POST":
            return _json(404, {"message": "no Route matched with those values"})
        reply, call = self._order(request)
        self.record(Call("synthesize", *call, status=reply.status))
        return reply

    def _order(self, request: Request) -> tuple[Reply, tuple[str, str, float]]:
        given = request.headers.get("api-key", request.headers.get("api_key"))
        if given is None:
            return _json(401, {"message": "No API key found in request"}), ("", "", 0)
        if given != self.key:
            return _json(401, {"message": "Invalid authentication credentials"}), ("", "", 0)
        text = request.body.decode("utf-8", "replace")
        voice = request.headers.get("voice", "banmai")
        try:
            step = int(request.headers.get("speed") or 0)
        except ValueError:
            step = 99
        call = (text, voice, float(step))
        if not 3 <= len(text) <= 5000 or voice not in FPT_VOICES or not -3 <= step <= 3:
            return _json(200, {"error": 1, "message": "Invalid text, voice or speed"}), call
        failure = self.failure()
        if failure == 429:
            return _json(429, {"message": "API rate limit exceeded"}, self.retry_headers()), call
        if failure:
            return _json(failure, {"message": "An unexpected error occurred"}), call
        if self.malformed:
            return Reply(200, {"Content-Type": "text/html"}, b"<html>gateway</html>"), call
        name = hashlib.md5(f"{text}|{voice}|{step}|{uuid.uuid4()}".encode()).hexdigest()
        with self._lock:
            self._orders[name] = _Order(text, voice, 2 ** (step / 3), self.not_ready_polls)
        answer = {
            "async": f"https://{FPT_FILES}/text2speech-v5/short/2024-01-01/{name}.mp3",
            "error": 0,
            "message": "The content will be returned after a few seconds under the async link.",
            "request_id": str(uuid.uuid4()),
        }
        return _json(200, answer), call

    def _file(self, request: Request, path: str) -> Reply:
        if "api-key" in request.headers or "api_key" in request.headers:
            self.key_seen_at_link = True
        name = path.rsplit("/", 1)[-1].removesuffix(".mp3")
        with self._lock:
            order = self._orders.get(name)
            ready = order is not None and order.looks_left <= 0
            if order is not None and not ready:
                order.looks_left -= 1
        status = 200 if ready else 404
        self.record(Call("poll", order.text if order else "", "", 1.0, status, path))
        if order is None or not ready:
            body = b"<?xml version='1.0'?><Error><Code>NoSuchKey</Code></Error>"
            return Reply(404, {"Content-Type": "application/xml"}, body)
        return Reply(
            200, {"Content-Type": "audio/mpeg"}, speech(order.text, order.speed, "mp3", 22050)
        )


STANDINS: dict[str, type[CloudStandin]] = {
    "gcloud": GcloudStandin,
    "azure": AzureStandin,
    "fpt": FptStandin,
}
CREDENTIAL_VARIABLES = (
    "GOOGLE_API_KEY",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "AZURE_SPEECH_KEY",
    "AZURE_SPEECH_REGION",
    "FPT_AI_API_KEY",
)


def serve_cloud(monkeypatch: pytest.MonkeyPatch, vendor: str) -> Iterator[CloudStandin]:
    """Run ``vendor``'s stand-in and point this test's environment (proxy, CA, key) at it."""
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with STANDINS[vendor]() as standin:
        for name, value in {**standin.env(), **standin.credentials_env()}.items():
            monkeypatch.setenv(name, value)
        yield standin


@pytest.fixture(params=sorted(STANDINS))
def cloud(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Each cloud vendor's stand-in in turn, with the environment pointing at it."""
    yield from serve_cloud(monkeypatch, request.param)
