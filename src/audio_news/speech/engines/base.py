"""What every speech engine offers the pipeline."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ...models import Clip


class Engine(Protocol):
    """Turns one chunk of text into one clip of speech."""

    name: str
    """Registry name, e.g. ``espeak``."""
    max_chars: int
    """Longest chunk the engine accepts in one request."""
    default_jobs: int
    """How many chunks to synthesize at once by default."""
    applies_speed: bool
    """Whether the engine speaks at the run's speed itself (a rate control of its own);
    when False it is always asked for speed 1.0 and assembly stretches the audio."""

    @property
    def voice_id(self) -> str:
        """Everything besides the text that changes the audio (voice, lang, rate, version).

        Part of the segment cache key.
        """
        ...

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        """Speak ``text`` at ``speed``; raise ``EngineError`` on failure. Must be thread-safe."""
        ...


@runtime_checkable
class CloudEngine(Engine, Protocol):
    """An engine that speaks through a vendor's paid service, with credentials of ours."""

    @property
    def credential_source(self) -> str:
        """Where the credentials came from (``AZURE_SPEECH_KEY``, ``[fpt] api_key``), never
        the credentials themselves."""
        ...
