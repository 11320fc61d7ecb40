"""Online engine: Google Translate's speech through the gTTS library, one HTTP request per chunk.

gTTS builds the request (``gTTS._prepare_requests``); this module sends it, so that it sees
the status and headers, reuses one connection per thread and can tell a retryable failure
(``TransientEngineError``) from a permanent one (``EngineError``); ``http`` does the sending.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import threading

import requests

from ...errors import EngineError, EngineUnavailable
from ...models import Clip
from .http import HttpClient, raise_for_retryable, short_reason

log = logging.getLogger(__name__)

NAME = "gtts"
MAX_CHARS = 100
"""Google's limit per request (``gTTS.GOOGLE_TTS_MAX_CHARS``)."""
DEFAULT_JOBS = 8
SAMPLE_RATE = 24_000
"""Google answers with 24 kHz mono MP3."""
DEFAULT_TLD = "com"
DEFAULT_TIMEOUT = (5.0, 15.0)
"""Seconds to connect and to wait for the answer, per request."""
PROBE_TIMEOUT = 1.5
"""Seconds the probe waits to connect and to be answered."""
PROBE_DEADLINE = 2.0
"""Hard ceiling on the whole probe, name resolution included."""

_AUDIO_LINE = re.compile(r'"jQ1olc","\[\\"([A-Za-z0-9+/=]+)\\"\]"')


def translate_url(tld: str = DEFAULT_TLD) -> str:
    """The Google Translate host gTTS talks to."""
    return f"https://translate.google.{tld}/"


def _single_token(text: str) -> list[str]:
    return [text]


def extract_audio(body: str) -> bytes:
    """The MP3 inside a batchexecute answer; ``EngineError`` when there is none."""
    found = _AUDIO_LINE.search(body)
    if not found:
        raise EngineError("gtts: Google answered without audio")
    try:
        audio = base64.b64decode(found.group(1), validate=True)
    except binascii.Error as e:
        raise EngineError(f"gtts: audio in Google's answer is not valid base64: {e}") from e
    if not audio:
        raise EngineError("gtts: Google answered with empty audio")
    return audio


class GttsEngine:
    """Google Translate text-to-speech; safe to call from many threads at once."""

    name = NAME
    max_chars = MAX_CHARS
    default_jobs = DEFAULT_JOBS
    applies_speed = False

    def __init__(
        self,
        lang: str = "vi",
        tld: str = DEFAULT_TLD,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        try:
            from gtts import gTTS
        except ImportError as e:
            raise EngineUnavailable(f"gtts: the gTTS library is not installed: {e}") from e
        self._gtts = gTTS
        self._lang = lang
        self._tld = tld
        self._http = HttpClient(NAME, timeout)

    @property
    def voice(self) -> str:
        """Google Translate has one voice per language: the language is its name."""
        return self._lang

    @property
    def voice_id(self) -> str:
        return f"gtts lang={self._lang} tld={self._tld}"

    def prepare(self, text: str) -> requests.PreparedRequest:
        """The one request that speaks ``text``, built by gTTS, not yet sent."""
        text = text.strip()
        if not text:
            raise EngineError("gtts: nothing to speak")
        if len(text) > self.max_chars:
            raise EngineError(f"gtts: chunk of {len(text)} characters exceeds {self.max_chars}")
        tts = self._gtts(
            text,
            tld=self._tld,
            lang=self._lang,
            lang_check=False,
            pre_processor_funcs=[],
            tokenizer_func=_single_token,
        )
        try:
            prepared: list[requests.PreparedRequest] = tts._prepare_requests()
        except AssertionError as e:
            raise EngineError(f"gtts: nothing to speak in {text!r}") from e
        if len(prepared) != 1:
            raise EngineError(f"gtts: {text[:40]!r} would need {len(prepared)} requests")
        return prepared[0]

    def send(self, request: requests.PreparedRequest) -> bytes:
        """Send one prepared request and return the MP3 it answers with."""
        response = self._http.send(request)
        raise_for_retryable(NAME, "Google", response)
        if response.status_code != 200:
            raise EngineError(f"gtts: Google answered {response.status_code} {response.reason}")
        return extract_audio(response.text)

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        return Clip(data=self.send(self.prepare(text)), codec="mp3", sample_rate=SAMPLE_RATE)


def probe(
    tld: str = DEFAULT_TLD, timeout: float = PROBE_TIMEOUT, deadline: float = PROBE_DEADLINE
) -> str | None:
    """Ask Google's translate host for anything; None when it answered, else why not.

    Honours the proxy and CA-bundle environment variables, as the engine does. Runs in a
    daemon thread so that a slow name lookup cannot hold the caller past ``deadline``.
    """
    outcome: list[str | None] = []

    def attempt() -> None:
        try:
            with requests.Session() as session:
                session.head(translate_url(tld), timeout=(timeout, timeout), allow_redirects=False)
            outcome.append(None)
        except Exception as e:  # whatever went wrong, Google did not answer
            outcome.append(short_reason(e))

    worker = threading.Thread(target=attempt, name="gtts-probe", daemon=True)
    worker.start()
    worker.join(deadline)
    if not outcome:
        return f"no answer within {deadline:g} s"
    return outcome[0]


def unreachable(settings: object) -> str | None:
    """The engine's quick check before a run: None when Google answered ``probe``."""
    return probe()
