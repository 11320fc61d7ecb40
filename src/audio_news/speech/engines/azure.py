"""Online engine: Azure AI Speech (REST), one SSML request per chunk.

``POST https://{region}.tts.speech.microsoft.com/cognitiveservices/v1`` with the chunk,
XML-escaped into SSML, asking for ``riff-24khz-16bit-mono-pcm``: the neural voices' own rate,
lossless, so the episode is encoded once. Speed goes into ``<prosody rate>``. Credentials:
``AZURE_SPEECH_KEY`` and ``AZURE_SPEECH_REGION``, else the config file's ``[azure] api_key``
and ``region``; the key travels in ``Ocp-Apim-Subscription-Key``, never in the URL.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

import requests

from ...config import Account, EngineSettings
from ...errors import ConfigError, EngineError, EngineUnavailable
from ...models import Clip
from .http import (
    USER_AGENT,
    HttpClient,
    Secret,
    checked_voice,
    find_secret,
    raise_for_status,
    redact,
)
from .wav import WavError, read_wav

NAME = "azure"
BASE_URL = "https://{region}.tts.speech.microsoft.com"
"""``base_url`` may hold ``{region}`` too, e.g. ``https://{region}.tts.speech.azure.cn``."""
SYNTHESIZE_PATH = "/cognitiveservices/v1"
VOICES_PATH = "/cognitiveservices/voices/list"
OUTPUT_FORMAT = "riff-24khz-16bit-mono-pcm"
SAMPLE_RATE = 24_000
MAX_CHARS = 2000
"""Well inside Azure's limits on one request (64 KB of SSML, 10 minutes of audio)."""
DEFAULT_JOBS = 8
DEFAULT_VOICE = "vi-VN-HoaiMyNeural"
KEY_VARIABLE = "AZURE_SPEECH_KEY"
REGION_VARIABLE = "AZURE_SPEECH_REGION"

_VOICE = re.compile(r"[a-z]{2,3}-[A-Z]{2}-[A-Za-z0-9]+")
_REGION = re.compile(r"[a-z0-9]+")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, even escaped."""


def ssml(text: str, voice: str, speed: float = 1.0) -> str:
    """The SSML document that speaks ``text`` (plain text, escaped here) in ``voice``."""
    language = "-".join(voice.split("-")[:2])
    spoken = escape(_NOT_XML.sub(" ", text))
    if speed != 1.0:
        spoken = f"<prosody rate={quoteattr(f'{(speed - 1) * 100:+.0f}%')}>{spoken}</prosody>"
    return (
        f"<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' "
        f"xml:lang={quoteattr(language)}><voice name={quoteattr(voice)}>{spoken}</voice></speak>"
    )


def _region(account: Account) -> tuple[str, str]:
    """(region, where it came from), or ``EngineUnavailable``; only a-z and 0-9 pass."""
    secret = find_secret(REGION_VARIABLE, account.region, NAME, "region")
    if secret is None:
        raise EngineUnavailable(
            f"{NAME}: no region: set {REGION_VARIABLE} or [{NAME}] region in the config file"
        )
    region = secret.value.lower()
    if not _REGION.fullmatch(region):
        raise ConfigError(f"{NAME}: {region!r} is not an Azure region name such as westeurope")
    return region, secret.source


class AzureEngine:
    """Azure's neural Vietnamese voices as 24 kHz PCM; safe to call from many threads."""

    name = NAME
    max_chars = MAX_CHARS
    default_jobs = DEFAULT_JOBS
    applies_speed = True

    def __init__(self, voice: str | None = None, account: Account | None = None) -> None:
        account = account or Account()
        self.voice = checked_voice(voice, DEFAULT_VOICE, _VOICE, NAME, "an Azure")
        key: Secret | None = find_secret(KEY_VARIABLE, account.api_key, NAME, "api_key")
        if key is None:
            raise EngineUnavailable(
                f"{NAME}: no credentials: set {KEY_VARIABLE} and {REGION_VARIABLE}, "
                f"or [{NAME}] api_key and region in the config file"
            )
        self._key = key
        self.region, region_source = _region(account)
        self.base_url = (account.base_url or BASE_URL).rstrip("/").replace("{region}", self.region)
        self.credential_source = f"{key.source} + {region_source} ({self.region})"
        self._http = HttpClient(NAME)

    @property
    def voice_id(self) -> str:
        return f"{NAME} voice={self.voice} {OUTPUT_FORMAT}"

    def prepare(self, text: str, speed: float = 1.0) -> requests.PreparedRequest:
        """The request that speaks ``text``, without the key, not yet sent."""
        text = text.strip()
        if not text:
            raise EngineError(f"{NAME}: nothing to speak")
        if len(text) > MAX_CHARS:
            raise EngineError(f"{NAME}: chunk of {len(text)} characters exceeds {MAX_CHARS}")
        return requests.Request(
            "POST",
            self.base_url + SYNTHESIZE_PATH,
            data=ssml(text, self.voice, speed).encode("utf-8"),
            headers={
                "Content-Type": "application/ssml+xml",
                "X-Microsoft-OutputFormat": OUTPUT_FORMAT,
                "User-Agent": USER_AGENT,
            },
        ).prepare()

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        request = self.prepare(text, speed)
        request.headers["Ocp-Apim-Subscription-Key"] = self._key.value
        response = self._http.send(request)
        if response.status_code != 200:
            raise_for_status(NAME, "Azure", response, redact(_message(response), [self._key.value]))
        return parse_answer(response)


def _message(response: requests.Response) -> str:
    """What Azure said about a failure: its JSON error's message, else the body's text."""
    try:
        error = response.json().get("error", {})
        return str(error.get("message", "")) if isinstance(error, dict) else str(error)
    except (ValueError, AttributeError):
        return response.text


def parse_answer(response: requests.Response) -> Clip:
    """The PCM clip inside Azure's WAV answer; ``EngineError`` when there is none."""
    try:
        wav = read_wav(response.content)
    except WavError as e:
        if not response.content:
            raise EngineError(f"{NAME}: Azure answered without audio") from e
        raise EngineError(f"{NAME}: Azure's audio is unusable: {e}") from e
    if not wav.pcm:
        raise EngineError(f"{NAME}: Azure answered with empty audio")
    return Clip(data=wav.pcm, codec="pcm_s16le", sample_rate=wav.sample_rate)


def configured(settings: EngineSettings) -> bool:
    """Whether a key and a region are there; nothing is sent."""
    account = settings.account(NAME)
    key = find_secret(KEY_VARIABLE, account.api_key, NAME, "api_key")
    return (
        key is not None and find_secret(REGION_VARIABLE, account.region, NAME, "region") is not None
    )
