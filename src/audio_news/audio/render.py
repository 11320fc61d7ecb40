"""Assembly: trimmed clips and pauses, loudness normalized, encoded to one MP3.

Three streaming passes over the clips, each holding one clip at a time:

1. scan: trim each clip's silence, lay out pauses, meter the program's loudness and peak;
2. calibrate (only when the peak ceiling forces limiting): meter how much loudness the
   limiter costs, on every few clips;
3. encode: two halves, split in a pause, each filtered, metered and encoded by its own ffmpeg.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..errors import AudioError
from ..models import Boundary, Chunk, Clip
from .decode import PCM, iter_pcm, working_rate
from .encode import OUTPUT_RATE, Part, PartEncoder, join_parts, part_offsets
from .ffmpeg import ffmpeg_exe
from .loudness import (
    LAME_INPUT_SCALE_DB,
    MAX_LIMITING_DB,
    TRUE_PEAK_MARGIN_DB,
    PcmMeter,
    calibration_depths,
    gated_loudness,
    limiter_args,
    measure_loudness,
    solve_depth,
)
from .trim import Layout, layout_clips, pcm_peak

__all__ = ["Rendered", "ffmpeg_exe", "measure_loudness", "render_episode"]

log = logging.getLogger(__name__)

SPLIT_MIN_SECONDS = 30.0
"""Shorter episodes are encoded by one process; longer ones by two, in parallel."""
CALIBRATION_SECONDS = 45.0
"""About this much speech is enough to learn what limiting costs."""
EARLY_DEPTHS = (3.0, 5.0, 7.0, 9.0, 12.0)
"""Limiting depths (dB) metered while the scan runs, before the needed depth is known."""


@dataclass(frozen=True)
class Rendered:
    """The encoded episode and where each chunk's speech sits in it."""

    duration: float
    """Seconds of audio in the MP3, priming and padding excluded."""
    chunk_times: tuple[tuple[float, float], ...]
    """(start, end) of each chunk's speech in the final audio, seconds."""
    loudness_lufs: float
    """Integrated loudness of the output as metered on its way into the encoder."""
    true_peak_dbtp: float
    """4x oversampled peak of the same signal."""


def pause_seconds(boundary: Boundary, settings: Settings) -> float:
    pauses = settings.pauses
    return {
        Boundary.CLAUSE: pauses.clause,
        Boundary.SENTENCE: pauses.sentence,
        Boundary.PARAGRAPH: pauses.paragraph,
        Boundary.TITLE: pauses.title,
        Boundary.END: 0.0,
    }[boundary]


def render_episode(
    clips: Sequence[Clip],
    chunks: Sequence[Chunk],
    settings: Settings,
    target: Path,
    on_progress: Callable[[str], None] | None = None,
) -> Rendered:
    """Assemble ``clips`` (one per chunk) into the MP3 ``target``, written atomically.

    ``clips`` is read in order, a few times, one clip at a time: a lazily loading sequence
    keeps memory flat however long the episode.
    """
    if len(clips) != len(chunks):
        raise AudioError(f"{len(clips)} clips for {len(chunks)} chunks")
    if not clips:
        raise AudioError("nothing to render: no clips")
    say = on_progress or (lambda _message: None)
    rate = working_rate(clips)
    pauses = [round(pause_seconds(c.boundary, settings) * rate) for c in chunks]
    pauses[-1] = 0

    say("measuring loudness")
    early = _start_early(clips, rate, settings)
    meter = PcmMeter(rate, {"u": ""})
    try:
        layout = layout_clips(iter_pcm(clips, range(len(clips)), rate), pauses, rate, meter.write)
        unity = meter.finish()["u"]
        if layout.peak == 0:
            raise AudioError("nothing to render: every clip is silent")
    except BaseException:
        meter.kill()
        if early is not None:
            early.cancel()
        raise
    say("calibrating the limiter")
    gain, ceiling = _choose_gain(clips, layout, unity, settings, rate, early)

    say("encoding")
    chain = ",".join(
        [
            *([f"atempo={settings.speed:g}"] if settings.speed != 1.0 else []),
            f"volume={gain:.3f}dB",
            limiter_args(ceiling),
        ]
    )
    parts, starts = _encode(clips, layout, rate, chain, settings, target)
    try:
        duration = join_parts(target, parts, settings.bitrate_kbps)
    finally:
        for part in parts:
            part.path.unlink(missing_ok=True)

    offsets = [o / OUTPUT_RATE for o in part_offsets(parts)]
    times = []
    for onset, offset in layout.speech:
        k = max(i for i, s in enumerate(starts) if s <= onset)
        times.append(
            (
                round(offsets[k] + (onset - starts[k]) / rate / settings.speed, 4),
                round(offsets[k] + (offset - starts[k]) / rate / settings.speed, 4),
            )
        )
    loudness = gated_loudness(b for p in parts for b in p.blocks) + LAME_INPUT_SCALE_DB
    peak = max(p.sample_peak_os for p in parts) + LAME_INPUT_SCALE_DB
    log.info("rendered %.1f s at %.1f LUFS, %.1f dBTP", duration, loudness, peak)
    return Rendered(duration, tuple(times), round(loudness, 2), round(peak, 2))


class _Calibration:
    """Loudness lost to limiting at several depths, metered on every few clips in a thread."""

    def __init__(
        self,
        clips: Sequence[Clip],
        indices: Sequence[int],
        rate: int,
        peak: int,
        ceiling: float,
        depths: Sequence[float],
        layout: Layout | None = None,
    ) -> None:
        self.to_ceiling = ceiling - 20 * math.log10(max(peak, 1) / 32768)
        self.depths = tuple(depths)
        branches = {"u": ""} | {
            f"d{n}": f"volume={self.to_ceiling + d:.3f}dB,{limiter_args(ceiling)}"
            for n, d in enumerate(self.depths)
        }
        self._meter = PcmMeter(rate, branches)
        self._errors: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(clips, indices, rate, layout), daemon=True
        )
        self._thread.start()

    def _run(
        self, clips: Sequence[Clip], indices: Sequence[int], rate: int, layout: Layout | None
    ) -> None:
        try:
            pcm = iter_pcm(clips, indices, rate)
            if layout is not None:
                layout.replay(pcm, indices, self._meter.write)
            else:
                for data in pcm:
                    self._meter.write(data)
        except BaseException as e:  # re-raised by losses()
            self._errors.append(e)

    def losses(self) -> list[tuple[float, float]]:
        self._thread.join()
        if self._errors:
            self._meter.kill()
            raise self._errors[0]
        levels = self._meter.finish()
        return [
            (d, levels["u"] + self.to_ceiling + d - levels[f"d{n}"])
            for n, d in enumerate(self.depths)
        ]

    def cancel(self) -> None:
        self._meter.kill()
        self._thread.join()


def _sample(clips: Sequence[Clip], seconds: float) -> range:
    return range(0, len(clips), max(1, math.ceil(seconds / CALIBRATION_SECONDS)))


def _choose_gain(
    clips: Sequence[Clip],
    layout: Layout,
    unity: float,
    settings: Settings,
    rate: int,
    early: _Calibration | None,
) -> tuple[float, float]:
    """(gain dB, limiter ceiling dBFS) that land on the loudness target under the peak cap."""
    target = settings.loudness_lufs - LAME_INPUT_SCALE_DB
    ceiling = settings.true_peak_dbtp - LAME_INPUT_SCALE_DB - TRUE_PEAK_MARGIN_DB
    to_ceiling = ceiling - 20 * math.log10(layout.peak / 32768)
    shortfall = target - (unity + to_ceiling)
    if not math.isfinite(unity) or shortfall <= 0:
        if early is not None:
            early.cancel()
        return (target - unity if math.isfinite(unity) else 0.0), ceiling
    if early is None:
        sample = _sample(clips, layout.total / rate)
        depths = calibration_depths(shortfall)
        early = _Calibration(clips, sample, rate, layout.peak, ceiling, depths, layout)
    depth = solve_depth(shortfall + to_ceiling - early.to_ceiling, early.losses())
    if depth >= MAX_LIMITING_DB:
        log.warning("loudness target needs more than %.0f dB of limiting", MAX_LIMITING_DB)
    return early.to_ceiling + depth, ceiling


def _start_early(clips: Sequence[Clip], rate: int, settings: Settings) -> _Calibration | None:
    """With PCM clips the peak is known up front: meter a grid of depths during the scan."""
    if any(c.codec != PCM for c in clips):
        return None
    peak = max(pcm_peak(c.data) for c in clips)
    if peak == 0:
        return None
    seconds = sum(len(c.data) for c in clips) / 2 / rate
    ceiling = settings.true_peak_dbtp - LAME_INPUT_SCALE_DB - TRUE_PEAK_MARGIN_DB
    return _Calibration(clips, _sample(clips, seconds), rate, peak, ceiling, EARLY_DEPTHS)


def _encode(
    clips: Sequence[Clip], layout: Layout, rate: int, chain: str, settings: Settings, target: Path
) -> tuple[list[Part], list[int]]:
    """Encode the program in one or two parts at once; the parts and their start samples."""
    cuts = [0, layout.total]
    if layout.total / rate >= SPLIT_MIN_SECONDS:
        middle = layout.split_point()
        if middle is not None:
            cuts.insert(1, middle)
    encoders = [
        PartEncoder(
            target.with_name(f".{target.name}.{n}.part"),
            rate,
            chain,
            settings.bitrate_kbps,
            settings.speed,
        )
        for n in range(len(cuts) - 1)
    ]
    errors: list[BaseException] = []

    def feed(n: int) -> None:
        try:
            layout.stream_range(clips, cuts[n], cuts[n + 1], rate, encoders[n].write)
        except BaseException as e:  # re-raised below, in the caller's thread
            errors.append(e)
            encoders[n].kill()

    threads = [threading.Thread(target=feed, args=(n,)) for n in range(len(encoders))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        if errors:
            raise errors[0]
        parts = [e.finish() for e in encoders]
    except BaseException:
        for e in encoders:
            e.kill()
            e.path.unlink(missing_ok=True)
        raise
    return parts, cuts[:-1]
