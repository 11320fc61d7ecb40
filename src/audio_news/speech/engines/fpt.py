"""Online engine: FPT.AI text-to-speech v5, whose audio comes later at a link of its own.

``POST https://api.fpt.ai/hmi/tts/v5`` takes the chunk as the body and the ``api-key``,
``voice`` and ``speed`` headers, and answers ``{"async": url, "error": 0, ...}``. The MP3 at
that link exists only once FPT.AI has made it (seconds to two minutes, says its
documentation): until then the link answers 404. Rather than keep a worker waiting, the engine
raises ``ClipPending`` and the scheduler asks again later; each later call polls the link,
with growing pauses, until the audio is there or ``POLL_DEADLINE_S`` has passed. The link is
fetched without the key. Credentials: ``FPT_AI_API_KEY``, else ``[fpt] api_key``.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from ...audio.mp3frames import iter_frames
from ...config import Account, EngineSettings
from ...errors import ClipPending, EngineError, EngineUnavailable, TransientEngineError
from ...models import Clip
from .http import (
    USER_AGENT,
    HttpClient,
    Secret,
    checked_voice,
    find_secret,
    raise_for_retryable,
    raise_for_status,
    redact,
)

NAME = "fpt"
BASE_URL = "https://api.fpt.ai"
SYNTHESIZE_PATH = "/hmi/tts/v5"
MAX_CHARS = 2000
"""FPT.AI takes 5,000 characters a request, but the longer the text the longer the wait."""
MIN_CHARS = 3
"""FPT.AI refuses shorter bodies; shorter chunks are padded with periods."""
DEFAULT_JOBS = 8
DEFAULT_VOICE = "banmai"
KEY_VARIABLE = "FPT_AI_API_KEY"
SPEED_STEPS = 3
"""FPT.AI's speed is a whole number from -3 (slowest) to +3 (fastest)."""
FIRST_POLL_S = 1.0
"""Seconds from the request to the first look at the link."""
POLL_GROWTH = 1.5
MAX_POLL_S = 5.0
POLL_DEADLINE_S = 120.0
"""Longest a link may stay empty before the text is sent again."""
_NOT_READY = frozenset({403, 404})
"""What the storage behind the link answers for a file not written yet."""
_VOICE = re.compile(r"[a-z0-9_]+")


def speed_step(speed: float) -> int:
    """FPT.AI's step nearest to ``speed``: 0.5 is -3, 1.0 is 0, 2.0 is +3 (evenly in log2)."""
    step = round(SPEED_STEPS * math.log2(speed))
    return max(-SPEED_STEPS, min(SPEED_STEPS, step))


@dataclass
class _Pending:
    """A link FPT.AI gave for one text, and how often it has been looked at."""

    url: str
    since: float
    polls: int = 0


class FptEngine:
    """FPT.AI's Vietnamese voices (Bắc, Trung, Nam) as MP3; safe to call from many threads."""

    name = NAME
    max_chars = MAX_CHARS
    default_jobs = DEFAULT_JOBS
    applies_speed = True

    def __init__(self, voice: str | None = None, account: Account | None = None) -> None:
        account = account or Account()
        self.voice = checked_voice(voice, DEFAULT_VOICE, _VOICE, NAME, "an FPT.AI")
        key: Secret | None = find_secret(KEY_VARIABLE, account.api_key, NAME, "api_key")
        if key is None:
            raise EngineUnavailable(
                f"{NAME}: no credentials: set {KEY_VARIABLE} or [{NAME}] api_key in the config file"
            )
        self._key = key
        self.credential_source = key.source
        self.base_url = (account.base_url or BASE_URL).rstrip("/")
        self._http = HttpClient(NAME)
        self._pending: dict[tuple[str, float], _Pending] = {}
        self._lock = threading.Lock()

    @property
    def voice_id(self) -> str:
        return f"{NAME} voice={self.voice} mp3"

    def prepare(self, text: str, speed: float = 1.0) -> requests.PreparedRequest:
        """The request that asks for ``text``, without the key, not yet sent."""
        text = text.strip()
        if not text:
            raise EngineError(f"{NAME}: nothing to speak")
        if len(text) > MAX_CHARS:
            raise EngineError(f"{NAME}: chunk of {len(text)} characters exceeds {MAX_CHARS}")
        return requests.Request(
            "POST",
            self.base_url + SYNTHESIZE_PATH,
            data=text.ljust(MIN_CHARS, ".").encode("utf-8"),
            headers={
                "Content-Type": "text/plain; charset=utf-8",
                "voice": self.voice,
                "speed": str(speed_step(speed)),
                "format": "mp3",
                "Cache-Control": "no-cache",
                "User-Agent": USER_AGENT,
            },
        ).prepare()

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        """The clip, once FPT.AI has made it; ``ClipPending`` until then."""
        key = (text, speed)
        with self._lock:
            pending = self._pending.get(key)
        if pending is None:
            url = self._order(text, speed)
            with self._lock:
                self._pending[key] = _Pending(url, time.monotonic())
            raise ClipPending(f"{NAME}: audio not ready yet", FIRST_POLL_S)
        return self._collect(key, pending)

    def _order(self, text: str, speed: float) -> str:
        """Send the text; the link its audio will be at."""
        request = self.prepare(text, speed)
        request.headers["api-key"] = self._key.value
        response = self._http.send(request)
        secrets = [self._key.value]
        try:
            answer = response.json()
        except ValueError:
            answer = None
        message = answer.get("message") if isinstance(answer, dict) else None
        detail = redact(str(message) if message else response.text, secrets)
        raise_for_status(NAME, "FPT.AI", response, detail)
        if not isinstance(answer, dict):
            raise EngineError(f"{NAME}: FPT.AI's answer is not JSON")
        if answer.get("error") != 0:
            raise EngineError(f"{NAME}: FPT.AI refused the text: {detail or answer.get('error')}")
        url = answer.get("async")
        if not isinstance(url, str) or urlsplit(url).scheme != "https" or not urlsplit(url).netloc:
            raise EngineError(f"{NAME}: FPT.AI answered without an https link to the audio")
        return url

    def _collect(self, key: tuple[str, float], pending: _Pending) -> Clip:
        """Look at the link once: the clip, ``ClipPending`` again, or an error."""
        request = requests.Request("GET", pending.url, headers={"User-Agent": USER_AGENT})
        response = self._http.send(request.prepare(), allow_redirects=True)
        status = response.status_code
        if status == 200 and response.content:
            self._forget(key)
            return mp3_clip(response.content)
        if status in _NOT_READY or status == 200:
            waited = time.monotonic() - pending.since
            if waited >= POLL_DEADLINE_S:
                self._forget(key)
                raise TransientEngineError(f"{NAME}: audio not ready after {waited:.0f} s")
            pending.polls += 1
            delay = min(MAX_POLL_S, FIRST_POLL_S * POLL_GROWTH**pending.polls)
            raise ClipPending(f"{NAME}: audio not ready yet", delay)
        raise_for_retryable(NAME, "FPT.AI's link", response)  # the link is kept: ask it again
        self._forget(key)
        raise EngineError(f"{NAME}: FPT.AI's link answered {status} {response.reason}")

    def _forget(self, key: tuple[str, float]) -> None:
        with self._lock:
            self._pending.pop(key, None)


def mp3_clip(data: bytes) -> Clip:
    """``data`` as an MP3 clip at its own sample rate; ``EngineError`` when it is not MP3."""
    for _, header in iter_frames(data):
        return Clip(data=data, codec="mp3", sample_rate=header.sample_rate)
    raise EngineError(f"{NAME}: the file at FPT.AI's link is not MP3")


def configured(settings: EngineSettings) -> bool:
    """Whether an API key is there; nothing is sent."""
    account = settings.account(NAME)
    return find_secret(KEY_VARIABLE, account.api_key, NAME, "api_key") is not None
