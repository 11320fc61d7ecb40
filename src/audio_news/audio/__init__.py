"""Assembly: clips in, one loudness-normalized, gapless MP3 out (see ``render``)."""

from .ffmpeg import ffmpeg_exe
from .loudness import measure_loudness
from .render import Rendered, pause_seconds, render_episode

__all__ = ["Rendered", "ffmpeg_exe", "measure_loudness", "pause_seconds", "render_episode"]
