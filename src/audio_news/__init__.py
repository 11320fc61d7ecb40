"""audio-news: Vietnamese news articles in, podcast-ready MP3 episodes out."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import AudioNewsError
from .models import Article, Episode, Segment
from .pipeline import Producer, produce

__all__ = ["Article", "AudioNewsError", "Episode", "Producer", "Segment", "__version__", "produce"]
