"""audio-news: Vietnamese news articles in, podcast-ready MP3 episodes out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import AudioNewsError
from .models import Article, Episode, Segment
from .version import __version__

if TYPE_CHECKING:
    from .pipeline import Producer, produce


def __getattr__(name: str) -> Any:
    # The pipeline pulls in audio, engines and HTML parsing: load it only when asked for.
    if name in ("produce", "Producer"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'audio_news' has no attribute {name!r}")


__all__ = ["Article", "AudioNewsError", "Episode", "Producer", "Segment", "__version__", "produce"]
