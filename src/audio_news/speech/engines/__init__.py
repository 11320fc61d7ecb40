"""The engine registry: names and building one.

Adding an engine is one module with a class following ``base.Engine`` and one line in
``_FACTORIES``. Engine modules import their optional dependencies lazily. A module may also
offer ``configured(settings) -> bool`` (its credentials are there) and ``unreachable(settings)
-> str | None`` (a quick probe); ``speech.choice`` asks them when it orders engines for a run.
"""

from __future__ import annotations

from collections.abc import Callable

from ...config import EngineSettings
from ...errors import ConfigError
from .base import Engine

AUTO = "auto"


def _make_gtts(settings: EngineSettings) -> Engine:
    from .gtts import GttsEngine

    return GttsEngine(lang=settings.voice or settings.lang)


def _make_espeak(settings: EngineSettings) -> Engine:
    from .espeak import EspeakEngine

    return EspeakEngine(voice=settings.voice or settings.lang)


def _make_piper(settings: EngineSettings) -> Engine:
    from .piper import create

    return create(settings)


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
    "piper": _make_piper,
    "gcloud": _make_gcloud,
    "azure": _make_azure,
    "fpt": _make_fpt,
}

ENGINE_NAMES: tuple[str, ...] = tuple(_FACTORIES)
"""Engines a user can name (``speech.choice`` decides the order ``auto`` tries them in)."""


def create_engine(name: str, settings: EngineSettings) -> Engine:
    """Build the engine called ``name``; ``EngineUnavailable`` when it cannot run here."""
    factory = _FACTORIES.get(name)
    if factory is None:
        choices = ", ".join((AUTO, *ENGINE_NAMES))
        raise ConfigError(f"unknown engine {name!r}; choose one of {choices}")
    return factory(settings)
