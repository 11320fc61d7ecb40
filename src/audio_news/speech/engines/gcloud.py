"""Online engine: Google Cloud Text-to-Speech (REST v1), one request per chunk.

``POST /v1/text:synthesize`` with the text, the voice and LINEAR16 at 24 kHz, the voices'
native rate; the answer's ``audioContent`` is a WAV whose PCM we keep, so the episode is
encoded once. Speed goes to Google as ``speakingRate``. Credentials: ``GOOGLE_API_KEY``, else
the config file's ``[gcloud] api_key`` (sent as ``X-Goog-Api-Key``, never in the URL), else
Application Default Credentials from a file through ``google-auth`` when that is installed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import importlib.util
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

import requests

from ...config import Account, EngineSettings
from ...errors import EngineError, EngineUnavailable, TransientEngineError
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

NAME = "gcloud"
BASE_URL = "https://texttospeech.googleapis.com"
SYNTHESIZE_PATH = "/v1/text:synthesize"
VOICES_PATH = "/v1/voices"
MAX_BYTES = 5000
"""Google's limit on the input of one request, in UTF-8 bytes."""
MAX_CHARS = 1500
"""At most three bytes per Vietnamese letter: 1,500 characters always fit in 5,000 bytes."""
DEFAULT_JOBS = 8
DEFAULT_VOICE = "vi-VN-Neural2-A"
SAMPLE_RATE = 24_000
"""What Google's Vietnamese voices speak at; asked for explicitly."""
KEY_VARIABLE = "GOOGLE_API_KEY"
ADC_VARIABLE = "GOOGLE_APPLICATION_CREDENTIALS"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
ADC = "Application Default Credentials"

_VOICE = re.compile(r"[a-z]{2,3}-[A-Z]{2}-[A-Za-z0-9-]+")
_KEY_REFUSED = frozenset({"API_KEY_INVALID", "API_KEY_SERVICE_BLOCKED", "API_KEY_EXPIRED"})


class _DefaultCredentials:
    """Application Default Credentials from google-auth, looked up on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._credentials: Any = None

    def headers(self) -> dict[str, str]:
        import google.auth
        import google.auth.exceptions
        import google.auth.transport.requests

        with self._lock:
            try:
                if self._credentials is None:
                    self._credentials, _project = google.auth.default(scopes=[SCOPE])
                credentials = self._credentials
                if not credentials.valid:
                    credentials.refresh(google.auth.transport.requests.Request())
            except google.auth.exceptions.DefaultCredentialsError as e:
                raise EngineError(f"{NAME}: no credentials: {missing_credentials()}") from e
            except google.auth.exceptions.TransportError as e:
                raise TransientEngineError(f"{NAME}: could not get an access token: {e}") from e
            except google.auth.exceptions.RefreshError as e:
                line = redact(str(e.args[0] if e.args else e), [])  # args[1]: the whole body
                if getattr(e, "retryable", False):
                    raise TransientEngineError(f"{NAME}: {ADC} refresh failed: {line}") from e
                raise EngineError(f"{NAME}: {ADC} were refused: {line}") from e
            headers = {"Authorization": f"Bearer {credentials.token}"}
            project = getattr(credentials, "quota_project_id", None)
            if project:
                headers["X-Goog-User-Project"] = str(project)
            return headers


def missing_credentials() -> str:
    return (
        f"set {KEY_VARIABLE} or [{NAME}] api_key in the config file, or install google-auth "
        f"and point {ADC_VARIABLE} at a credentials file (or run "
        "`gcloud auth application-default login`)"
    )


def default_credentials_file() -> Path | None:
    """Where Application Default Credentials would be read from, if such a file exists.

    Only files count (``GOOGLE_APPLICATION_CREDENTIALS``, else gcloud's own): asking a cloud
    machine's metadata server could take seconds on any other machine.
    """
    named = os.environ.get(ADC_VARIABLE, "").strip()
    if named:
        return Path(named) if Path(named).is_file() else None
    config = os.environ.get("CLOUDSDK_CONFIG")
    if config:
        folder = Path(config)
    elif os.name == "nt":
        folder = Path(os.environ.get("APPDATA", "")) / "gcloud"
    else:
        folder = Path.home() / ".config" / "gcloud"
    found = folder / "application_default_credentials.json"
    return found if found.is_file() else None


def _google_error(response: requests.Response) -> tuple[str, str, float | None]:
    """(reason, message, seconds to wait) from Google's JSON error body, as far as it says."""
    try:
        error = response.json().get("error", {})
        details = error.get("details", [])
    except (ValueError, AttributeError):
        return "", response.text, None
    reason, retry_after = str(error.get("status", "")), None
    for detail in details if isinstance(details, list) else []:
        kind = str(detail.get("@type", "")) if isinstance(detail, dict) else ""
        if kind.endswith("google.rpc.ErrorInfo"):
            reason = str(detail.get("reason", reason))
        elif kind.endswith("google.rpc.RetryInfo"):
            delay = str(detail.get("retryDelay", "")).removesuffix("s")
            with contextlib.suppress(ValueError):
                retry_after = max(0.0, float(delay))
    return reason, str(error.get("message", "")), retry_after


class GcloudEngine:
    """Google Cloud's Vietnamese voices as 24 kHz PCM; safe to call from many threads."""

    name = NAME
    max_chars = MAX_CHARS
    default_jobs = DEFAULT_JOBS
    applies_speed = True

    def __init__(self, voice: str | None = None, account: Account | None = None) -> None:
        account = account or Account()
        self.voice = checked_voice(voice, DEFAULT_VOICE, _VOICE, NAME, "a Google")
        self.language = "-".join(self.voice.split("-")[:2])
        self.base_url = (account.base_url or BASE_URL).rstrip("/")
        self._key: Secret | None = find_secret(KEY_VARIABLE, account.api_key, NAME, "api_key")
        self._adc: _DefaultCredentials | None = None
        self.credential_source = self._key.source if self._key is not None else ""
        if self._key is None:
            adc_file = default_credentials_file()
            if adc_file is None or importlib.util.find_spec("google.auth") is None:
                raise EngineUnavailable(f"{NAME}: no credentials: {missing_credentials()}")
            self._adc = _DefaultCredentials()
            self.credential_source = f"{ADC} ({adc_file})"
        self._http = HttpClient(NAME)

    @property
    def voice_id(self) -> str:
        return f"{NAME} voice={self.voice} LINEAR16 {SAMPLE_RATE} Hz"

    def prepare(self, text: str, speed: float = 1.0) -> requests.PreparedRequest:
        """The request that speaks ``text``, without credentials, not yet sent."""
        text = text.strip()
        if not text:
            raise EngineError(f"{NAME}: nothing to speak")
        size = len(text.encode("utf-8"))
        if size > MAX_BYTES:
            raise EngineError(f"{NAME}: chunk of {size} bytes exceeds Google's {MAX_BYTES}")
        body = {
            "input": {"text": text},
            "voice": {"languageCode": self.language, "name": self.voice},
            "audioConfig": {
                "audioEncoding": "LINEAR16",
                "sampleRateHertz": SAMPLE_RATE,
                "speakingRate": round(speed, 3),
            },
        }
        return requests.Request(
            "POST",
            self.base_url + SYNTHESIZE_PATH,
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
        ).prepare()

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        request = self.prepare(text, speed)
        request.headers.update(self._credentials())
        response = self._http.send(request)
        if response.status_code != 200:
            self._raise_for(response)
        return parse_answer(response)

    def _credentials(self) -> dict[str, str]:
        if self._key is not None:
            return {"X-Goog-Api-Key": self._key.value}
        assert self._adc is not None
        return self._adc.headers()

    def _raise_for(self, response: requests.Response) -> None:
        reason, message, retry_after = _google_error(response)
        secret = self._key.value if self._key is not None else None
        detail = redact(" ".join(part for part in (reason, message) if part), [secret])
        if response.status_code == 400 and reason in _KEY_REFUSED:
            raise EngineError(f"{NAME}: the key was refused (400): {detail}")
        raise_for_status(NAME, "Google", response, detail, retry_after)


def parse_answer(response: requests.Response) -> Clip:
    """The PCM clip inside a ``text:synthesize`` answer; ``EngineError`` when there is none."""
    try:
        payload = response.json()
    except ValueError as e:
        raise EngineError(f"{NAME}: Google's answer is not JSON") from e
    content = payload.get("audioContent") if isinstance(payload, dict) else None
    if not isinstance(content, str) or not content:
        raise EngineError(f"{NAME}: Google answered without audio")
    try:
        wav = read_wav(base64.b64decode(content, validate=True))
    except binascii.Error as e:
        raise EngineError(f"{NAME}: audio in Google's answer is not valid base64") from e
    except WavError as e:
        raise EngineError(f"{NAME}: Google's audio is unusable: {e}") from e
    if not wav.pcm:
        raise EngineError(f"{NAME}: Google answered with empty audio")
    return Clip(data=wav.pcm, codec="pcm_s16le", sample_rate=wav.sample_rate)


def configured(settings: EngineSettings) -> bool:
    """Whether an API key or Application Default Credentials are there; nothing is sent."""
    account = settings.account(NAME)
    if find_secret(KEY_VARIABLE, account.api_key, NAME, "api_key") is not None:
        return True
    return (
        default_credentials_file() is not None
        and importlib.util.find_spec("google.auth") is not None
    )
