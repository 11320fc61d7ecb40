"""Listen to a finished episode: cut it at its segment timings, recognize each segment,
compare it with the words meant there, and flag what sounds wrong.

A segment is flagged ``silent`` when no 20 ms of it is louder than -45 dBFS; ``short`` or
``long`` when its speech (first to last sound) lasts under half or over twice what its
words predict at the episode's own pace; ``other`` when what was heard matches another
segment's text clearly better than its own (audio swapped or out of place); ``unclear``
when it made a sound but its word error rate is above the threshold. All but ``unclear``
are faults.
"""

from __future__ import annotations

import math
import operator
import statistics
import time
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..audio.ffmpeg import run_ffmpeg
from ..errors import InputError
from ..output.episode import OTHER_JSON_SUFFIXES, EpisodeDocument
from .compare import Comparison, Spell, compare, error_rate, word_errors
from .recognizer import SAMPLE_RATE, Recognizer

DEFAULT_THRESHOLD = 0.8
"""Segments with a word error rate above this are flagged ``unclear``."""
FRAME_S = 0.02
"""Loudness is measured over frames of this length."""
SILENCE_DBFS = -45.0
"""A segment none of whose frames is louder than this is silent."""
SOUND_DBFS = -40.0
"""Frames louder than this are speech, for a segment's speech duration."""
SHORT_RATIO, LONG_RATIO = 0.5, 2.0
"""Speech lasting under / over this share of what its words predict is short / long."""
DEFAULT_SECONDS_PER_WORD = 0.35
"""Pace used when an episode has too few segments to learn its own."""
MIN_SEGMENTS_FOR_PACE = 3
OTHER_MARGIN = 0.2
"""How much better another segment's text must match what was heard to flag ``other``."""
FAULTS = ("silent", "short", "long", "other")
"""Flags that mean the audio is wrong, not only hard to understand."""


@dataclass(frozen=True)
class SegmentCheck:
    """What was heard in one segment and what is wrong with it."""

    index: int
    start: float
    end: float
    text: str
    """The sentence as written."""
    comparison: Comparison
    speech_s: float
    """From its first sound to its last, in seconds."""
    expected_s: float = 0.0
    """How long its words should take at the episode's pace."""
    sounds_like: int | None = None
    """The index of the segment whose text was heard instead, when flagged ``other``."""
    flags: tuple[str, ...] = ()

    @property
    def rate(self) -> float:
        return self.comparison.rate

    @property
    def faulty(self) -> bool:
        return any(flag in FAULTS for flag in self.flags)


@dataclass(frozen=True)
class EpisodeCheck:
    """The listening check of one episode."""

    episode: EpisodeDocument
    json_path: Path
    segments: tuple[SegmentCheck, ...]
    recognizer: str
    threshold: float
    audio_s: float
    """Seconds of audio recognized."""
    recognition_s: float
    """Seconds the recognizer took for them."""

    @property
    def words(self) -> int:
        return sum(s.comparison.words for s in self.segments)

    @property
    def errors(self) -> int:
        return sum(s.comparison.errors for s in self.segments)

    @property
    def rate(self) -> float:
        return error_rate(self.errors, self.words)

    @property
    def flagged(self) -> tuple[SegmentCheck, ...]:
        return tuple(s for s in self.segments if s.flags)

    @property
    def real_time_factor(self) -> float:
        return self.recognition_s / self.audio_s if self.audio_s else 0.0

    def fails(self, over: float) -> bool:
        """Whether a publishing gate at ``over`` stops it: rate above it, or any fault."""
        return self.rate > over or any(s.faulty for s in self.segments)


def read_episode(json_path: Path) -> EpisodeDocument:
    """The episode document; the one place this package reads it."""
    return EpisodeDocument.load(json_path)


def decode_for_recognizer(mp3: Path) -> bytes:
    """The whole episode as 16 kHz mono s16le, decoded once by ffmpeg."""
    if not mp3.is_file():
        raise InputError(f"cannot check {mp3}: the audio file is missing")
    args = ["-i", str(mp3), "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "pipe:1"]
    return run_ffmpeg(args).stdout


def _cut(pcm: bytes, start: float, end: float) -> bytes:
    first = max(0, round(start * SAMPLE_RATE))
    last = max(first, round(end * SAMPLE_RATE))
    return pcm[first * 2 : last * 2]


def frame_levels(pcm: bytes) -> list[float]:
    """Loudness of each 20 ms frame in dBFS (-inf for digital silence)."""
    samples = array("h", pcm[: len(pcm) // 2 * 2])
    size = round(FRAME_S * SAMPLE_RATE)
    levels = []
    for at in range(0, len(samples) - size + 1, size):
        frame = samples[at : at + size]
        power = sum(map(operator.mul, frame, frame)) / size
        levels.append(10 * math.log10(power / 32768**2) if power else -math.inf)
    return levels


def speech_seconds(levels: Sequence[float]) -> float:
    loud = [i for i, level in enumerate(levels) if level > SOUND_DBFS]
    return (loud[-1] - loud[0] + 1) * FRAME_S if loud else 0.0


def _listen(
    index: int, pcm: bytes, episode: EpisodeDocument, recognizer: Recognizer, spell: Spell
) -> SegmentCheck:
    segment = episode.segments[index]
    levels = frame_levels(pcm)
    silent = not any(level > SILENCE_DBFS for level in levels)
    heard = "" if silent else recognizer.transcribe(pcm)
    return SegmentCheck(
        index=index,
        start=segment.start,
        end=segment.end,
        text=segment.text,
        comparison=compare(segment.text, heard, spell),
        speech_s=speech_seconds(levels),
        flags=("silent",) if silent else (),
    )


def episode_pace(segments: Iterable[SegmentCheck]) -> float:
    """Median seconds of speech per word over the segments that made a sound."""
    paces = [s.speech_s / s.comparison.words for s in segments if s.speech_s and s.comparison.words]
    return (
        statistics.median(paces)
        if len(paces) >= MIN_SEGMENTS_FOR_PACE
        else (DEFAULT_SECONDS_PER_WORD)
    )


def _sounds_like(segment: SegmentCheck, others: Sequence[SegmentCheck]) -> int | None:
    heard = segment.comparison.heard
    if len(heard) < 2:
        return None
    best, best_rate = None, segment.rate - OTHER_MARGIN
    for other in others:
        if other.index == segment.index or not other.comparison.words:
            continue
        rate = error_rate(word_errors(other.comparison.expected, heard), other.comparison.words)
        if rate < best_rate:
            best, best_rate = other.index, rate
    return best


def _judge(
    segment: SegmentCheck, pace: float, everyone: Sequence[SegmentCheck], threshold: float
) -> SegmentCheck:
    flags = list(segment.flags)
    expected_s = segment.comparison.words * pace
    if "silent" not in flags and expected_s:
        if segment.speech_s < SHORT_RATIO * expected_s:
            flags.append("short")
        elif segment.speech_s > LONG_RATIO * expected_s:
            flags.append("long")
    sounds_like = None
    if "silent" not in flags and segment.rate > OTHER_MARGIN:
        sounds_like = _sounds_like(segment, everyone)
        if sounds_like is not None:
            flags.append("other")
    if "silent" not in flags and segment.rate > threshold:
        flags.append("unclear")
    return replace(segment, expected_s=expected_s, sounds_like=sounds_like, flags=tuple(flags))


def check_episode(
    json_path: Path,
    recognizer: Recognizer,
    spell: Spell,
    threshold: float = DEFAULT_THRESHOLD,
) -> EpisodeCheck:
    """Listen to the episode whose document is ``json_path``; the MP3 is beside it."""
    episode = read_episode(json_path)
    pcm = decode_for_recognizer(Path(json_path).parent / episode.audio)
    started = time.perf_counter()
    heard = [
        _listen(i, _cut(pcm, s.start, s.end), episode, recognizer, spell)
        for i, s in enumerate(episode.segments)
    ]
    recognition_s = time.perf_counter() - started
    pace = episode_pace(s for s in heard if "silent" not in s.flags)
    judged = tuple(_judge(s, pace, heard, threshold) for s in heard)
    return EpisodeCheck(
        episode=episode,
        json_path=Path(json_path),
        segments=judged,
        recognizer=recognizer.name,
        threshold=threshold,
        audio_s=sum(max(0.0, s.end - s.start) for s in episode.segments),
        recognition_s=recognition_s,
    )


def find_episodes(paths: Iterable[Path]) -> list[Path]:
    """The episode documents named by ``paths``: an MP3 (its ``.json`` beside it), a JSON
    document, or a folder (every episode in it whose audio exists)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(_episodes_in(path))
        elif path.suffix.lower() in (".mp3", ".json") and not path.name.endswith(".check.json"):
            json_path = path.with_suffix(".json")
            if not json_path.is_file():
                raise InputError(f"cannot check {path}: no episode document {json_path.name}")
            found.append(json_path)
        else:
            raise InputError(f"cannot check {path}: give an episode's .mp3 or a folder of them")
    return list(dict.fromkeys(found))


def _episodes_in(folder: Path) -> list[Path]:
    found = []
    for json_path in sorted(folder.glob("*.json")):
        if json_path.name.startswith(".") or json_path.name.endswith(OTHER_JSON_SUFFIXES):
            continue
        try:
            episode = read_episode(json_path)
        except InputError:
            continue
        if (folder / episode.audio).is_file():
            found.append(json_path)
    if not found:
        raise InputError(f"cannot check {folder}: no episodes in it")
    return found
