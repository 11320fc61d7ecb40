"""Online engine: Google Translate's speech through the gTTS library, one HTTP request per chunk.

gTTS builds the request (``gTTS._prepare_requests``); this module sends it, so that it sees
the status and headers, reuses one connection per thread and can tell a retryable failure
(``TransientEngineError``) from a permanent one (``EngineError``).
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import threading
import time
from email.utils import parsedate_to_datetime

import requests

from ...errors import EngineError, EngineUnavailable, TransientEngineError
from ...models import Clip

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
_RETRYABLE_STATUS = frozenset({408, 425, 429})


def translate_url(tld: str = DEFAULT_TLD) -> str:
    """The Google Translate host gTTS talks to."""
    return f"https://translate.google.{tld}/"


def _single_token(text: str) -> list[str]:
    return [text]


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


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
        self._timeout = timeout
        self._local = threading.local()

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
        session = self._session()
        settings = session.merge_environment_settings(request.url, {}, None, None, None)
        try:
            response = session.send(
                request, timeout=self._timeout, allow_redirects=False, **settings
            )
        except requests.exceptions.SSLError as e:
            if "CERTIFICATE_VERIFY_FAILED" in str(e):
                raise EngineError(f"gtts: TLS certificate not trusted: {e}") from e
            raise TransientEngineError(f"gtts: TLS failure: {e}") from e
        except requests.Timeout as e:
            log.debug("gtts request timed out: %s", e)
            raise TransientEngineError(f"gtts: request timed out after {self._timeout}") from e
        except requests.ConnectionError as e:
            log.debug("gtts connection failed: %s", e)
            raise TransientEngineError(f"gtts: connection failed: {_short_reason(e)}") from e
        except OSError as e:  # requests' own errors, and a CA bundle that cannot be read
            raise EngineError(f"gtts: request failed: {e}") from e
        status = response.status_code
        if status in _RETRYABLE_STATUS or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise TransientEngineError(
                f"gtts: Google answered {status} {response.reason}", retry_after=retry_after
            )
        if status != 200:
            raise EngineError(f"gtts: Google answered {status} {response.reason}")
        return extract_audio(response.text)

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        return Clip(data=self.send(self.prepare(text)), codec="mp3", sample_rate=SAMPLE_RATE)

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session


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
            outcome.append(_short_reason(e))

    worker = threading.Thread(target=attempt, name="gtts-probe", daemon=True)
    worker.start()
    worker.join(deadline)
    if not outcome:
        return f"no answer within {deadline:g} s"
    return outcome[0]


def unreachable(settings: object) -> str | None:
    """The engine's quick check before a run: None when Google answered ``probe``."""
    return probe()


def _short_reason(error: Exception) -> str:
    text = str(error)
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(error, requests.exceptions.SSLError):
        return "TLS failure"
    if "NameResolutionError" in text:
        return "host name not found"
    # urllib3 reports a hang-up inside a proxy tunnel as a ProxyError: test for it first.
    if any(word in text for word in ("RemoteDisconnected", "reset", "aborted")):
        return "connection reset or dropped"
    if isinstance(error, requests.exceptions.ProxyError):
        return "the proxy refused or could not reach the host"
    if isinstance(error, requests.ConnectionError):
        return "could not connect"
    return text or type(error).__name__
