"""Files beside the MP3: WebVTT captions, and the episode document the player reads."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..fsutil import write_text_atomic
from ..models import Segment
from .episode import EpisodeDocument


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


def write_sidecars(document: EpisodeDocument, out_dir: Path) -> None:
    """Write ``<slug>.vtt``, then ``<slug>.json``, each atomically.

    The JSON goes last: with its fingerprint it marks the episode done.
    """
    out_dir = Path(out_dir)
    write_text_atomic(out_dir / document.vtt_name, render_vtt(document.segments))
    write_text_atomic(out_dir / document.json_name, document.to_json())
