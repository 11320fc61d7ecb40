"""Trimming each clip's silence and laying clips and pauses out on one timeline.

The program is, per clip: the clip cut to its speech plus a small margin, then silence. The
silence is sized so that the gap from one clip's last sound to the next clip's first sound
is the pause its boundary asks for.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ..models import Clip
from .decode import iter_pcm

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

WINDOW_SECONDS = 0.01
MARGIN_SECONDS = 0.03
"""Kept on each side of detected speech so soft onsets and releases are not clipped."""
RELATIVE_THRESHOLD_DB = 35.0
"""A window is speech when its RMS is within this of the clip's overall RMS."""
ABSOLUTE_FLOOR = 8
"""RMS (of 32768) below which nothing counts as speech, about -72 dBFS."""

Writer = Callable[[bytes | memoryview], None]


def speech_bounds(pcm: bytes, rate: int) -> tuple[int, int] | None:
    """First and one-past-last sample of speech in mono s16le ``pcm``; None when silent."""
    n = len(pcm) // 2
    if n == 0:
        return None
    level = audioop.rms(pcm, 2)
    threshold = max(level * 10 ** (-RELATIVE_THRESHOLD_DB / 20), ABSOLUTE_FLOOR)
    w = max(1, round(rate * WINDOW_SECONDS))

    def loud(s: int) -> bool:
        return bool(audioop.rms(pcm[2 * s : 2 * (s + w)], 2) > threshold)

    onset = next((s for s in range(0, n, w) if loud(s)), None)
    if onset is None:
        return None
    last = next(s for s in range((n - 1) // w * w, onset - 1, -w) if loud(s))
    return onset, min(n, last + w)


def pcm_peak(pcm: bytes) -> int:
    """Largest absolute sample value of mono s16le ``pcm``."""
    return int(audioop.max(pcm, 2)) if pcm else 0


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
            kept = memoryview(data)[2 * lo : 2 * hi]
            write(kept)
            out.peak = max(out.peak, audioop.max(kept, 2))
        out.total += hi - lo
        tail = hi - offset
    out.silences.append(0)
    return out
