"""Trimming each clip's silence and laying clips and pauses out on one timeline.

The program is, per clip: the clip cut to its speech plus a small margin, then silence. The
silence is sized so that the gap from one clip's last sound to the next clip's first sound
is the pause its boundary asks for.

Speech is found with pydub's silence detection, on segments that wrap each clip's PCM as it
is; the program itself is written as raw PCM, for ffmpeg to stream.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ..models import Clip
from .decode import iter_pcm

with warnings.catch_warnings():
    # pydub imports audioop, deprecated on Python 3.11-3.12 (audioop-lts stands in from 3.13),
    # and warns when no ffmpeg is on PATH. It never runs one here: segments are built from PCM.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence
    from pydub.utils import ratio_to_db

WINDOW_MS = 10
"""Speech is looked for in windows this long, pydub's unit being the millisecond."""
MARGIN_SECONDS = 0.03
"""Kept on each side of detected speech so soft onsets and releases are not clipped."""
RELATIVE_THRESHOLD_DB = 35.0
"""A window is speech when its RMS is within this of the clip's overall RMS."""
FLOOR_DBFS = -72.0
"""Below this nothing counts as speech, however quiet the clip."""
TAIL_PROBE_MS = 250
"""The end of speech is looked for in the clip's last this long, widened until it holds sound."""

Writer = Callable[[bytes | memoryview], None]


def pcm_segment(pcm: bytes, rate: int) -> AudioSegment:
    """Mono s16le ``pcm`` as a pydub segment, not copied (a stray odd byte is dropped)."""
    whole = pcm if len(pcm) % 2 == 0 else pcm[:-1]
    return AudioSegment(whole, sample_width=2, frame_rate=rate, channels=1)


def speech_bounds(pcm: bytes, rate: int) -> tuple[int, int] | None:
    """First and one-past-last sample of speech in mono s16le ``pcm``; None when silent.

    pydub's ``detect_leading_silence`` steps in from the start; the end is found the same way
    on the clip's tail, reversed. Both walk only the silence, not the speech.
    """
    clip = pcm_segment(pcm, rate)
    level = clip.rms
    if not level:
        return None
    loudness = ratio_to_db(level / clip.max_possible_amplitude)
    threshold = max(loudness - RELATIVE_THRESHOLD_DB, FLOOR_DBFS)
    lead = detect_leading_silence(clip, threshold, WINDOW_MS)
    if lead >= len(clip):
        return None
    onset = _samples(lead, rate)
    n = int(clip.frame_count())
    offset = n - _samples(_trailing_silence(clip, threshold), rate)
    return onset, max(offset, min(n, onset + _samples(WINDOW_MS, rate)))


def _trailing_silence(clip: AudioSegment, threshold: float) -> int:
    """Milliseconds of silence at the end of ``clip``; reverses only as much as it must."""
    span = TAIL_PROBE_MS
    while True:
        tail = clip[-span:] if span < len(clip) else clip
        quiet = detect_leading_silence(tail.reverse(), threshold, WINDOW_MS)
        if quiet < len(tail) or tail is clip:
            return int(quiet)
        span *= 4


def _samples(ms: float, rate: int) -> int:
    """Samples in ``ms``, as pydub counts them when it slices."""
    return int(ms * rate / 1000)


@dataclass
class Layout:
    """Where every clip's kept slice and the silence after it sit in the program (samples)."""

    slices: list[tuple[int, int]] = field(default_factory=list)
    """(lo, hi) kept of each clip, in the clip's own samples."""
    silences: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    speech: list[tuple[int, int]] = field(default_factory=list)
    """Program positions of each clip's first and one-past-last sound."""
    total: int = 0
    peak: int = 0
    """Largest absolute sample value kept."""

    def split_point(self) -> int | None:
        """A sample in the middle of the pause nearest the program's middle."""
        best: int | None = None
        for i, gap in enumerate(self.silences[:-1]):
            cut = self.starts[i] + self._span(i) + gap // 2
            if gap and (best is None or abs(cut - self.total / 2) < abs(best - self.total / 2)):
                best = cut
        return best

    def replay(self, pcm: Iterable[bytes], indices: Sequence[int], write: Writer) -> None:
        """Write the given clips' slices, each followed by its own silence."""
        for i, data in zip(indices, pcm, strict=True):
            lo, hi = self.slices[i]
            write(memoryview(data)[2 * lo : 2 * hi])
            _write_silence(write, self.silences[i])

    def stream_range(
        self, clips: Sequence[Clip], start: int, end: int, rate: int, write: Writer
    ) -> None:
        """Write program samples [start, end)."""
        indices = [
            i
            for i, s in enumerate(self.starts)
            if s < end and s + self._span(i) + self.silences[i] > start
        ]
        for i, data in zip(indices, iter_pcm(clips, indices, rate), strict=True):
            lo, hi = self.slices[i]
            s = self.starts[i]
            a, b = max(start, s), min(end, s + hi - lo)
            if a < b:
                write(memoryview(data)[2 * (lo + a - s) : 2 * (lo + b - s)])
            quiet_from = s + hi - lo
            a, b = max(start, quiet_from), min(end, quiet_from + self.silences[i])
            _write_silence(write, b - a)

    def _span(self, i: int) -> int:
        return self.slices[i][1] - self.slices[i][0]


def _write_silence(write: Writer, samples: int) -> None:
    chunk = bytes(min(samples, 1 << 16) * 2)
    while samples > 0:
        n = min(samples, len(chunk) // 2)
        write(memoryview(chunk)[: 2 * n])
        samples -= n


def layout_clips(pcm: Iterator[bytes], pauses: Sequence[int], rate: int, write: Writer) -> Layout:
    """Trim each clip, lay out pauses, and write the program as it goes."""
    margin = round(rate * MARGIN_SECONDS)
    out = Layout()
    tail = 0
    for i, data in enumerate(pcm):
        n = len(data) // 2
        bounds = speech_bounds(data, rate)
        if bounds is None:
            lo = hi = onset = offset = 0
        else:
            onset, offset = bounds
            lo, hi = max(0, onset - margin), min(n, offset + margin)
        if i > 0:
            gap = max(0, pauses[i - 1] - tail - (onset - lo))
            out.silences.append(gap)
            _write_silence(write, gap)
            out.total += gap
        out.starts.append(out.total)
        out.slices.append((lo, hi))
        out.speech.append((out.total + onset - lo, out.total + offset - lo))
        if hi > lo:
            write(memoryview(data)[2 * lo : 2 * hi])
            out.peak = max(out.peak, pcm_segment(data, rate).get_sample_slice(lo, hi).max)
        out.total += hi - lo
        tail = hi - offset
    out.silences.append(0)
    return out
