"""Assembly: trimmed clips and pauses, loudness normalized, encoded to one MP3.

Three streaming passes over the clips, each holding one clip at a time:

1. scan: trim each clip's silence, lay out pauses, meter the program's loudness and peak;
   it reads clips as synthesis delivers them, so the two overlap;
2. calibrate (only when the peak ceiling forces limiting): meter how much loudness the
   limiter costs, on every few clips;
3. encode: two halves, split in a pause, each filtered and encoded by its own ffmpeg.

The episode's loudness is not metered a third time on its way out: it follows from the scan,
the gain and the calibrated limiter loss, and tests hold that to within 0.5 LU of the MP3.
"""

from __future__ import annotations

import bisect
import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import AudioSettings
from ..errors import AudioError
from ..fsutil import make_dir
from ..models import Boundary, Chunk, Clip
from .decode import ConvertedClips, clip_rate, iter_pcm
from .encode import OUTPUT_RATE, Part, PartEncoder, join_parts, part_offsets
from .ffmpeg import ffmpeg_exe
from .loudness import (
    LAME_INPUT_SCALE_DB,
    MAX_LIMITING_DB,
    TRUE_PEAK_MARGIN_DB,
    TRUE_PEAK_TOLERANCE_DB,
    PcmMeter,
    calibration_depths,
    limiter_args,
    measure_loudness,
    net_gain,
    solve_depth,
)
from .trim import Layout, layout_clips

__all__ = ["Rendered", "ffmpeg_exe", "measure_loudness", "render_episode"]

log = logging.getLogger(__name__)

SPLIT_MIN_SECONDS = 30.0
"""Shorter episodes are encoded by one process; longer ones by two, in parallel."""
CALIBRATION_SECONDS = 45.0
"""At least this much speech, in clips spread over the episode, is metered to learn what
limiting costs."""


@dataclass(frozen=True)
class Rendered:
    """The encoded episode and where each chunk's speech sits in it."""

    duration: float
    """Seconds of audio in the MP3, priming and padding excluded."""
    chunk_times: tuple[tuple[float, float], ...]
    """(start, end) of each chunk's speech in the final audio, seconds."""
    loudness_lufs: float
    """Integrated loudness the gain and limiter were set to reach (below the target only when
    reaching it would take more than ``MAX_LIMITING_DB`` of limiting)."""


def pause_seconds(boundary: Boundary, settings: AudioSettings) -> float:
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
    settings: AudioSettings,
    target: Path,
    on_progress: Callable[[str], None] | None = None,
) -> Rendered:
    """Assemble ``clips`` (one per chunk) into the MP3 ``target``, written atomically.

    ``clips`` is read in order, one clip at a time: a lazily loading sequence keeps memory
    flat however long the episode, and one that waits for clips still being synthesized
    lets the scan keep pace with synthesis. Later passes read PCM copies of the clips the
    scan had to decode.
    """
    if len(clips) != len(chunks):
        raise AudioError(f"{len(clips)} clips for {len(chunks)} chunks")
    if not clips:
        raise AudioError("nothing to render: no clips")
    say = on_progress or (lambda _message: None)
    rate = clip_rate(clips[0])  # later clips at another rate are resampled to it
    pcm_clips = ConvertedClips(clips, rate)
    say("measuring loudness")
    layout, unity = _scan(pcm_clips, _pause_samples(chunks, settings, rate), rate)
    say("calibrating the limiter")
    gain, ceiling, loudness = _choose_gain(pcm_clips, layout, unity, settings, rate)
    say("encoding")
    chain = _filter_chain(settings.speed, gain, ceiling)
    mp3 = _write_mp3(pcm_clips, layout, rate, chain, settings, target)
    excess = measure_loudness(target)[1] - settings.true_peak_dbtp
    if excess > TRUE_PEAK_TOLERANCE_DB:
        # The limiter holds sample peaks; bright voices (Piper) overshoot between samples and
        # in the codec by more than the margin. Once more, that much lower.
        log.info("true peak %.1f dB over the ceiling: encoding again", excess)
        say("encoding again under a lower ceiling")
        chain = _filter_chain(settings.speed, gain, ceiling - excess - TRUE_PEAK_MARGIN_DB)
        mp3 = _write_mp3(pcm_clips, layout, rate, chain, settings, target)
        loudness = measure_loudness(target)[0]
    times = tuple(mp3.times(onset, offset, rate, settings.speed) for onset, offset in layout.speech)
    log.info("rendered %.1f s at %.1f LUFS", mp3.duration, loudness)
    return Rendered(mp3.duration, times, round(loudness, 2))


def _pause_samples(chunks: Sequence[Chunk], settings: AudioSettings, rate: int) -> list[int]:
    """The pause after each chunk, in samples; none after the last."""
    pauses = [round(pause_seconds(c.boundary, settings) * rate) for c in chunks]
    pauses[-1] = 0
    return pauses


def _scan(clips: ConvertedClips, pauses: Sequence[int], rate: int) -> tuple[Layout, float]:
    """Pass 1: trim and lay out every clip, metering the program; its layout and unity LUFS."""
    meter = PcmMeter(rate, {"u": ""})
    try:
        layout = layout_clips(clips.first_pass(), pauses, rate, meter.write)
        unity = meter.finish()["u"]
    except BaseException:
        meter.kill()
        raise
    if layout.peak == 0:
        raise AudioError("nothing to render: every clip is silent")
    return layout, unity


def _filter_chain(speed: float, gain_db: float, ceiling: float) -> str:
    """The ffmpeg filters every part goes through: tempo, gain, then the limiter."""
    tempo = [f"atempo={speed:g}"] if speed != 1.0 else []
    return ",".join([*tempo, f"volume={gain_db:.3f}dB", limiter_args(ceiling)])


@dataclass(frozen=True)
class _Written:
    """The MP3 as written: its length, and where each encoded part sits in it."""

    duration: float
    starts: tuple[int, ...]
    """Each part's first sample in the program (before any tempo change)."""
    offsets: tuple[float, ...]
    """Each part's first sample in the MP3, seconds."""

    def times(self, onset: int, offset: int, rate: int, speed: float) -> tuple[float, float]:
        """Program samples [onset, offset) of one clip's speech as seconds in the MP3."""
        k = bisect.bisect_right(self.starts, onset) - 1
        start, at = self.starts[k], self.offsets[k]
        return (
            round(at + (onset - start) / rate / speed, 4),
            round(at + (offset - start) / rate / speed, 4),
        )


def _write_mp3(
    clips: Sequence[Clip],
    layout: Layout,
    rate: int,
    chain: str,
    settings: AudioSettings,
    target: Path,
) -> _Written:
    """Pass 3: encode the program's parts and join them into ``target``."""
    parts, starts = _encode(clips, layout, rate, chain, settings, target)
    try:
        duration = join_parts(target, parts, settings.bitrate_kbps)
    finally:
        for part in parts:
            part.path.unlink(missing_ok=True)
    offsets = tuple(o / OUTPUT_RATE for o in part_offsets(parts))
    return _Written(duration, tuple(starts), offsets)


def _calibrate(
    clips: Sequence[Clip],
    layout: Layout,
    rate: int,
    to_ceiling: float,
    ceiling: float,
    depths: Sequence[float],
) -> list[tuple[float, float]]:
    """(depth, loudness lost) for each limiting depth, metered on every few clips."""
    sample = _spread(len(clips), layout.total / rate / CALIBRATION_SECONDS)
    branches = {"u": ""} | {
        f"d{n}": f"volume={to_ceiling + d:.3f}dB,{limiter_args(ceiling)}"
        for n, d in enumerate(depths)
    }
    meter = PcmMeter(rate, branches)
    try:
        layout.replay(iter_pcm(clips, sample, rate), sample, meter.write)
    except BaseException:
        meter.kill()
        raise
    levels = meter.finish()
    return [(d, levels["u"] + to_ceiling + d - levels[f"d{n}"]) for n, d in enumerate(depths)]


def _spread(count: int, stride: float) -> list[int]:
    """About one index in ``stride``, gaps alternating between the integers around it.

    A fractional stride keeps the sample from falling in step with a pattern that repeats
    every few clips, as a fixed whole-number stride can. A few long clips (a stride longer
    than the count) still give one, the middle one: a meter fed nothing fails.
    """
    stride = max(1.0, stride)
    picked = [i for i in range(count) if math.floor((i + 1) / stride) > math.floor(i / stride)]
    return picked or ([count // 2] if count else [])


def _choose_gain(
    clips: Sequence[Clip], layout: Layout, unity: float, settings: AudioSettings, rate: int
) -> tuple[float, float, float]:
    """(gain dB, limiter ceiling dBFS, resulting LUFS): the loudness target under the peak cap."""
    target = settings.loudness_lufs - LAME_INPUT_SCALE_DB
    ceiling = settings.true_peak_dbtp - LAME_INPUT_SCALE_DB - TRUE_PEAK_MARGIN_DB
    if not math.isfinite(unity):
        return 0.0, ceiling, unity
    to_ceiling = ceiling - 20 * math.log10(layout.peak / 32768)
    shortfall = target - (unity + to_ceiling)
    if shortfall <= 0:
        return target - unity, ceiling, settings.loudness_lufs
    losses = _calibrate(clips, layout, rate, to_ceiling, ceiling, calibration_depths(shortfall))
    depth = solve_depth(shortfall, losses)
    if depth >= MAX_LIMITING_DB:
        log.warning("loudness target needs more than %.0f dB of limiting", MAX_LIMITING_DB)
    reached = unity + to_ceiling + net_gain(depth, losses) + LAME_INPUT_SCALE_DB
    return to_ceiling + depth, ceiling, min(reached, settings.loudness_lufs)


def _encode(
    clips: Sequence[Clip],
    layout: Layout,
    rate: int,
    chain: str,
    settings: AudioSettings,
    target: Path,
) -> tuple[list[Part], list[int]]:
    """Encode the program in one or two parts at once; the parts and their start samples."""
    cuts = [0, layout.total]
    if layout.total / rate >= SPLIT_MIN_SECONDS:
        middle = layout.split_point()
        if middle is not None:
            cuts.insert(1, middle)
    make_dir(target.parent)
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
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        parts = [e.finish() for e in encoders]
    except BaseException:  # Ctrl+C included: no part file may outlive the run
        for e in encoders:
            e.kill()
        for t in threads:
            if t.ident is not None:
                t.join()
        for e in encoders:
            e.path.unlink(missing_ok=True)
        raise
    return parts, cuts[:-1]
