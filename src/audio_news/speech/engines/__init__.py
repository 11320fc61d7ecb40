"""The engine registry: names, availability, and choosing one for a run.

Adding an engine is one module with a class following ``base.Engine`` and one line in
``_FACTORIES``. Engine modules import their optional dependencies lazily.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from ...config import EngineSettings
from ...errors import ConfigError, EngineUnavailable
from .base import CloudEngine, Engine

AUTO = "auto"


def _make_gtts(settings: EngineSettings) -> Engine:
    from .gtts import GttsEngine

    return GttsEngine(lang=settings.lang)


def _make_espeak(settings: EngineSettings) -> Engine:
    from .espeak import EspeakEngine

    return EspeakEngine(voice=settings.lang)


def _make_gcloud(settings: EngineSettings) -> Engine:
    from .gcloud import GcloudEngine

    return GcloudEngine(settings.voice, settings.account("gcloud"))


def _make_azure(settings: EngineSettings) -> Engine:
    from .azure import AzureEngine

    return AzureEngine(settings.voice, settings.account("azure"))


def _make_fpt(settings: EngineSettings) -> Engine:
    from .fpt import FptEngine

    return FptEngine(settings.voice, settings.account("fpt"))


_FACTORIES: dict[str, Callable[[EngineSettings], Engine]] = {
    "gtts": _make_gtts,
    "espeak": _make_espeak,
    "gcloud": _make_gcloud,
    "azure": _make_azure,
    "fpt": _make_fpt,
}

ENGINE_NAMES: tuple[str, ...] = tuple(_FACTORIES)
"""Engines a user can name, in the order ``auto`` prefers them."""


@dataclass(frozen=True)
class EngineInfo:
    """One line of ``audio-news engines``."""

    name: str
    available: bool
    """Whether the engine can run here, now."""
    detail: str
    """What it is, or why it cannot run."""
    is_default: bool
    """Whether a run with the current settings would use it."""


def create_engine(name: str, settings: EngineSettings) -> Engine:
    """Build the engine called ``name``; ``EngineUnavailable`` when it cannot run here."""
    factory = _FACTORIES.get(name)
    if factory is None:
        choices = ", ".join((AUTO, *ENGINE_NAMES))
        raise ConfigError(f"unknown engine {name!r}; choose one of {choices}")
    return factory(settings)


def google_unreachable() -> str | None:
    """None when Google's TTS host answers a quick probe, else the reason it did not."""
    if importlib.util.find_spec("gtts") is None:
        return "the gTTS library is not installed"
    from .gtts import probe

    return probe()


def resolve_engine(settings: EngineSettings, notify: Callable[[str], None]) -> Engine:
    """The engine for this run; ``auto`` picks gtts when Google answers, else espeak.

    A named engine never falls back: it is built or its error is raised.
    """
    if settings.name != AUTO:
        return create_engine(settings.name, settings)
    reason = google_unreachable()
    if reason is None:
        notify("engine: gtts (Google answered)")
        return create_engine("gtts", settings)
    notify(f"engine: espeak (Google unreachable: {reason})")
    return create_engine("espeak", settings)


def _status(name: str, settings: EngineSettings, unreachable: str | None) -> tuple[bool, str]:
    if name == "gtts" and unreachable is not None:
        return False, f"Google unreachable: {unreachable}"
    try:
        engine = create_engine(name, settings)
    except EngineUnavailable as e:
        return False, str(e)
    if isinstance(engine, CloudEngine):
        where = f"online, credentials from {engine.credential_source}"
    else:
        where = "online, Google answered" if name == "gtts" else "offline"
    return True, f"{where}; {engine.voice_id}; {engine.default_jobs} at once"


def engine_infos(settings: EngineSettings) -> list[EngineInfo]:
    """Every registered engine, whether it can run here, and which one a run would use."""
    if settings.name != AUTO and settings.name not in _FACTORIES:
        create_engine(settings.name, settings)
    unreachable = google_unreachable()
    if settings.name == AUTO:
        default = "gtts" if unreachable is None else "espeak"
    else:
        default = settings.name
    return [
        EngineInfo(name, *_status(name, settings, unreachable), is_default=name == default)
        for name in ENGINE_NAMES
    ]
