"""The service's settings: the ``[service]`` table of the config file, plus two secrets that
may come from the environment instead (``AUDIO_NEWS_API_KEYS``, ``AUDIO_NEWS_CALLBACK_SECRET``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError

API_KEYS_ENV = "AUDIO_NEWS_API_KEYS"
"""Comma-separated bearer keys; used when the config file gives none."""
CALLBACK_SECRET_ENV = "AUDIO_NEWS_CALLBACK_SECRET"
DEFAULT_API_HOST = "127.0.0.1"
DEFAULT_API_PORT = 8080
DEFAULT_MAX_BODY_BYTES = 2_000_000
"""A 200,000-character article escaped in JSON fits with room to spare."""
DEFAULT_WORKERS = 2
DEFAULT_HEARTBEAT_TIMEOUT_S = 30.0
DEFAULT_JOB_TIME_LIMIT_S = 3600.0
DEFAULT_ENGINE_RETRIES = 4
DEFAULT_RETRY_BACKOFF_S = 10.0
DEFAULT_RETRY_BACKOFF_MAX_S = 600.0
DEFAULT_CALLBACK_RETRIES = 8
DEFAULT_CALLBACK_BACKOFF_S = 2.0
DEFAULT_CALLBACK_TIMEOUT_S = 10.0
STATE_FOLDER = ".service"
"""Inside the output folder by default; hidden, so the file server never shows it."""


@dataclass(frozen=True)
class ServiceSettings:
    """How the API, the workers and the watcher run; read once, at the edge."""

    api_keys: tuple[str, ...] = field(default=(), repr=False)
    """Bearer keys the API accepts; never logged, never shown."""
    callback_secret: str | None = field(default=None, repr=False)
    """HMAC-SHA256 key for ``X-Audio-News-Signature``; callbacks are refused without it."""
    allow_private_callbacks: bool = False
    """Let callbacks go to loopback and private addresses (a CMS on the same network)."""
    state_dir: str | None = None
    """Jobs and watcher state; ``<out_dir>/.service`` when unset. Shared by all workers."""
    public_url: str | None = None
    """The API's address as clients reach it, for absolute links in callbacks."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """Larger request bodies get 413."""
    workers: int = DEFAULT_WORKERS
    """Jobs at once in the embedded pool (one process each)."""
    engine_limits: tuple[tuple[str, int], ...] = ()
    """Jobs at once per engine across every worker, e.g. ``{gtts = 4}``; unset is no cap."""
    heartbeat_timeout: float = DEFAULT_HEARTBEAT_TIMEOUT_S
    """Seconds of silence after which a worker counts as dead and its jobs go to others."""
    job_time_limit: float = DEFAULT_JOB_TIME_LIMIT_S
    """Seconds one job may run."""
    engine_retries: int = DEFAULT_ENGINE_RETRIES
    """Tries after an engine outage before the job fails."""
    retry_backoff: float = DEFAULT_RETRY_BACKOFF_S
    """First wait after an engine outage; it doubles each time."""
    retry_backoff_max: float = DEFAULT_RETRY_BACKOFF_MAX_S
    callback_retries: int = DEFAULT_CALLBACK_RETRIES
    callback_backoff: float = DEFAULT_CALLBACK_BACKOFF_S
    """First wait after a failed callback; it doubles each time."""
    callback_timeout: float = DEFAULT_CALLBACK_TIMEOUT_S

    def __post_init__(self) -> None:
        if any(not key or key != key.strip() for key in self.api_keys):
            raise ConfigError("API keys must be non-empty, without spaces around them")
        if self.max_body_bytes < 1024:
            raise ConfigError("max_body_bytes must be at least 1024")
        if not 1 <= self.workers <= 64:
            raise ConfigError(f"workers must be between 1 and 64, not {self.workers}")
        if any(limit < 1 for _, limit in self.engine_limits):
            raise ConfigError("engine limits must be at least 1")
        timings = (self.heartbeat_timeout, self.job_time_limit, self.retry_backoff)
        if min(*timings, self.callback_backoff, self.callback_timeout) <= 0:
            raise ConfigError("service timeouts and backoffs must be positive")
        if min(self.engine_retries, self.callback_retries) < 0:
            raise ConfigError("retry counts must not be negative")
        if self.public_url is not None and not self.public_url.startswith(("http://", "https://")):
            raise ConfigError(f"public_url must be an http(s) URL, not {self.public_url!r}")

    def resolved_state_dir(self, out_dir: str) -> Path:
        return Path(self.state_dir) if self.state_dir else Path(out_dir) / STATE_FOLDER

    def engine_limit(self, engine: str) -> int | None:
        return dict(self.engine_limits).get(engine)


def _keys(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(k, str) for k in value):
        raise ConfigError("api_keys must be a list of strings")
    return tuple(k.strip() for k in value if k.strip())


def service_settings_from_dict(
    config: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> ServiceSettings:
    """``ServiceSettings`` from the ``[service]`` table; the environment fills the secrets."""
    environ = os.environ if environ is None else environ
    table = dict(config.get("service", {}))
    if not isinstance(config.get("service", {}), dict):
        raise ConfigError("[service] in the config file must be a table")
    if "api_keys" in table:
        table["api_keys"] = _keys(table["api_keys"])
    elif environ.get(API_KEYS_ENV):
        table["api_keys"] = _keys(environ[API_KEYS_ENV])
    if "callback_secret" not in table and environ.get(CALLBACK_SECRET_ENV):
        table["callback_secret"] = environ[CALLBACK_SECRET_ENV]
    limits = table.get("engine_limits", {})
    if not isinstance(limits, dict):
        raise ConfigError("service.engine_limits must be a table, e.g. {gtts = 4}")
    table["engine_limits"] = tuple(sorted(limits.items()))
    known = {f.name for f in dataclasses.fields(ServiceSettings)}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"unknown service setting(s): {', '.join(sorted(unknown))}")
    try:
        return ServiceSettings(**table)
    except TypeError as e:
        raise ConfigError(f"invalid service setting: {e}") from e
