"""Files beside the MP3: a JSON document of timings for the player, and WebVTT captions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..fsutil import write_text_atomic
from ..models import Segment

DOCUMENT_VERSION = 1


def _ms(seconds: float) -> float:
    return round(seconds, 3)


def episode_document(
    *,
    title: str,
    audio_file: str,
    duration: float,
    paragraphs: Sequence[str],
    segments: Sequence[Segment],
    engine: str,
    date: str,
    summary: str,
    artist: str | None,
    album: str | None,
    voice: str = "",
) -> dict[str, object]:
    """The episode's JSON document; ``paragraphs[0]`` is the title, times in seconds."""
    return {
        "version": DOCUMENT_VERSION,
        "title": title,
        "audio": audio_file,
        "duration": _ms(duration),
        "engine": engine,
        "voice": voice,
        "date": date,
        "summary": summary,
        "artist": artist,
        "album": album,
        "paragraphs": list(paragraphs),
        "segments": [
            {"text": s.text, "start": _ms(s.start), "end": _ms(s.end), "paragraph": s.paragraph}
            for s in segments
        ],
    }


def vtt_timestamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def _escape(text: str) -> str:
    flat = " ".join(text.split())
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(segments: Sequence[Segment]) -> str:
    """WebVTT with one cue per segment."""
    cues = [
        f"{n}\n{vtt_timestamp(s.start)} --> {vtt_timestamp(max(s.end, s.start))}\n{_escape(s.text)}"
        for n, s in enumerate(segments, start=1)
    ]
    return "\n\n".join(["WEBVTT", *cues]) + "\n"


def write_sidecars(
    json_path: Path, vtt_path: Path, document: dict[str, object], segments: Sequence[Segment]
) -> None:
    """Write the JSON document and the WebVTT file, each atomically."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    write_text_atomic(json_path, text)
    write_text_atomic(vtt_path, render_vtt(segments))
