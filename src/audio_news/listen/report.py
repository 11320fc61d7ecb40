"""The check's two outputs: ``<slug>.check.json`` beside the episode, and a terminal table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..fsutil import write_text_atomic
from .check import EpisodeCheck, SegmentCheck

REPORT_VERSION = 1
REPORT_SUFFIX = ".check.json"
HEARD_COLUMN = 60
"""Characters of the heard text shown in the table."""


def report_path(check: EpisodeCheck) -> Path:
    return check.json_path.with_name(f"{check.episode.slug}{REPORT_SUFFIX}")


def _segment(segment: SegmentCheck) -> dict[str, Any]:
    return {
        "index": segment.index,
        "start": segment.start,
        "end": segment.end,
        "text": segment.text,
        "expected": " ".join(segment.comparison.expected),
        "heard": " ".join(segment.comparison.heard),
        "words": segment.comparison.words,
        "errors": segment.comparison.errors,
        "wer": round(segment.rate, 4),
        "speech": round(segment.speech_s, 3),
        "expected_speech": round(segment.expected_s, 3),
        "sounds_like": segment.sounds_like,
        "flags": list(segment.flags),
    }


def report_document(check: EpisodeCheck) -> dict[str, Any]:
    """What ``<slug>.check.json`` holds; rates are word error rates, times in seconds."""
    return {
        "version": REPORT_VERSION,
        "episode": check.json_path.name,
        "audio": check.episode.audio,
        "engine": check.episode.engine,
        "recognizer": check.recognizer,
        "threshold": check.threshold,
        "wer": round(check.rate, 4),
        "words": check.words,
        "errors": check.errors,
        "flagged": [s.index for s in check.flagged],
        "faults": [s.index for s in check.segments if s.faulty],
        "audio_seconds": round(check.audio_s, 3),
        "recognition_seconds": round(check.recognition_s, 3),
        "real_time_factor": round(check.real_time_factor, 4),
        "segments": [_segment(s) for s in check.segments],
    }


def write_report(check: EpisodeCheck) -> Path:
    """Write ``<slug>.check.json`` atomically beside the episode; returns its path."""
    target = report_path(check)
    text = json.dumps(report_document(check), ensure_ascii=False, indent=2) + "\n"
    write_text_atomic(target, text)
    return target


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _flags(segment: SegmentCheck) -> str:
    return ",".join(
        f"other(#{segment.sounds_like})" if flag == "other" else flag for flag in segment.flags
    )


def format_table(check: EpisodeCheck, only_flagged: bool = False) -> list[str]:
    """One line per segment (or per flagged one), then the episode's figures."""
    lines = [f"{'#':>3}  {'start':>7}  {'end':>7}  {'words':>5}  {'WER':>5}  {'flags':<14}  heard"]
    for s in check.flagged if only_flagged else check.segments:
        heard = _clip(" ".join(s.comparison.heard), HEARD_COLUMN)
        lines.append(
            f"{s.index:>3}  {s.start:>7.2f}  {s.end:>7.2f}  {s.comparison.words:>5}"
            f"  {s.rate:>5.2f}  {_flags(s):<14}  {heard}"
        )
    lines.append(
        f"episode WER {check.rate:.2f} over {check.words} words; "
        f"{len(check.flagged)} of {len(check.segments)} segments flagged; "
        f"recognized at {check.real_time_factor:.2f}x real time"
    )
    return lines
