"""Finished episode audio kept in the segment cache, so an unchanged article re-renders at once.

A render is keyed by everything that shapes the sound: the engine and voice, each chunk's text
and the pause after it, and the audio settings. It is stored as one checksummed cache entry
(codec ``episode``): the ``Rendered`` timings as JSON, then the untagged MP3.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import struct
from collections.abc import Sequence
from pathlib import Path

from ..config import AudioSettings
from ..models import Chunk, Clip
from ..speech.cache import SegmentCache
from ..version import __version__
from . import Rendered

RENDER_FORMAT = 2
CODEC = "episode"
MAX_CACHED_MP3_BYTES = 24_000_000
"""Longer episodes (about 50 minutes at 64 kbps) are not kept: memory matters more there."""

_LENGTH = struct.Struct("<I")


def render_key(engine: str, voice_id: str, chunks: Sequence[Chunk], audio: AudioSettings) -> str:
    fields = [
        RENDER_FORMAT,
        __version__,
        engine,
        voice_id,
        [(chunk.text, chunk.boundary.value) for chunk in chunks],
        dataclasses.asdict(audio),
    ]
    blob = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def store_render(cache: SegmentCache, key: str, mp3: Path, rendered: Rendered) -> None:
    """Keep the untagged MP3 at ``mp3`` and its timings; too large an episode is skipped."""
    if mp3.stat().st_size > MAX_CACHED_MP3_BYTES:
        return
    meta = json.dumps(
        {
            "duration": rendered.duration,
            "chunk_times": rendered.chunk_times,
            "loudness_lufs": rendered.loudness_lufs,
        }
    ).encode("utf-8")
    cache.put(key, Clip(_LENGTH.pack(len(meta)) + meta + mp3.read_bytes(), CODEC, 0))


def load_render(cache: SegmentCache, key: str) -> tuple[bytes, Rendered] | None:
    """The cached untagged MP3 and its timings, or None on a miss."""
    clip = cache.get(key)
    if clip is None or clip.codec != CODEC or len(clip.data) < _LENGTH.size:
        return None
    (meta_len,) = _LENGTH.unpack_from(clip.data)
    start = _LENGTH.size + meta_len
    try:
        meta = json.loads(clip.data[_LENGTH.size : start])
        rendered = Rendered(
            duration=float(meta["duration"]),
            chunk_times=tuple((float(a), float(b)) for a, b in meta["chunk_times"]),
            loudness_lufs=float(meta["loudness_lufs"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return clip.data[start:], rendered
