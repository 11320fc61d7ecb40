"""Branding: an intro and an outro (a jingle, a spoken sign-off) around the episode.

Each is brought to the episode's loudness under the same true-peak ceiling, then joined with
a short crossfade into a moment of silence before the speech (and out of one after it), so no
word is faded. The speech keeps its place relative to itself; everything in it moves later by
the intro's length.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..config import AudioSettings
from ..errors import AudioError, InputError
from .encode import LAME_QUALITY, OUTPUT_RATE, join_parts, read_part
from .ffmpeg import run_ffmpeg
from .loudness import LAME_INPUT_SCALE_DB, TRUE_PEAK_MARGIN_DB, PcmMeter, limiter_args
from .render import Rendered

CROSSFADE_SECONDS = 0.5
"""How long a jingle and the episode's edge overlap."""
MAX_JINGLE_SECONDS = 120.0
"""A longer intro or outro is refused: it is not a jingle."""
SILENT_LUFS = -60.0
"""A jingle quieter than this is taken for silence (the meter's floor is -70)."""


@dataclass(frozen=True)
class Jingle:
    """An intro or outro file, checked and measured once."""

    path: Path
    pcm: bytes = field(repr=False)
    """Mono s16le at 44.1 kHz: what is measured is what is mixed."""
    loudness_lufs: float
    sha256: str

    @property
    def samples(self) -> int:
        return len(self.pcm) // 2


@dataclass(frozen=True)
class Branding:
    """The intro and outro a run puts around each episode."""

    intro: Jingle | None = None
    outro: Jingle | None = None

    def fingerprint(self) -> dict[str, str | None]:
        """What of the branding decides an episode's content: the files' bytes."""
        return {
            "intro": self.intro.sha256 if self.intro else None,
            "outro": self.outro.sha256 if self.outro else None,
        }


def read_jingle(path: str, what: str) -> Jingle:
    """Check and measure ``path``; ``InputError`` in one line, naming ``what``, when it is not
    audio ffmpeg reads, is silent, or is shorter than a crossfade or longer than two minutes."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as e:
        raise InputError(f"{what} {path}: {e.strerror or e}") from e
    try:
        pcm = run_ffmpeg(
            ["-i", str(source), "-vn", "-ac", "1", "-ar", str(OUTPUT_RATE), "-f", "s16le", "-"]
        ).stdout
    except AudioError as e:
        raise InputError(f"{what} {path}: not audio that ffmpeg can read") from e
    samples = len(pcm) // 2
    if samples < 2 * CROSSFADE_SECONDS * OUTPUT_RATE:
        raise InputError(f"{what} {path}: shorter than {2 * CROSSFADE_SECONDS:g} s")
    if samples > MAX_JINGLE_SECONDS * OUTPUT_RATE:
        raise InputError(f"{what} {path}: longer than {MAX_JINGLE_SECONDS:g} s")
    meter = PcmMeter(OUTPUT_RATE, {"j": ""})  # as mono, the way it will be mixed
    meter.write(pcm)
    loudness = meter.finish()["j"]
    if not math.isfinite(loudness) or loudness < SILENT_LUFS:
        raise InputError(f"{what} {path}: silent")
    return Jingle(source, pcm, loudness, hashlib.sha256(data).hexdigest())


def load_branding(audio: AudioSettings) -> Branding | None:
    """The run's intro and outro, checked now; None when it has neither."""
    if audio.intro is None and audio.outro is None:
        return None
    return Branding(
        intro=read_jingle(audio.intro, "intro") if audio.intro else None,
        outro=read_jingle(audio.outro, "outro") if audio.outro else None,
    )


def _jingle_chain(label: str, jingle: Jingle, target_lufs: float, ceiling: float) -> str:
    gain = target_lufs - LAME_INPUT_SCALE_DB - jingle.loudness_lufs
    return f"[{label}]volume={gain:.3f}dB,{limiter_args(ceiling)}"


def _filter_graph(
    branding: Branding, loudness_lufs: float, audio: AudioSettings, raw: Path
) -> tuple[list[str], str, str]:
    """ffmpeg's extra inputs (the jingles' PCM, written beside ``raw``), the filter graph,
    and the label of its output."""
    ceiling = audio.true_peak_dbtp - LAME_INPUT_SCALE_DB - TRUE_PEAK_MARGIN_DB
    edge = round(CROSSFADE_SECONDS * OUTPUT_RATE)
    # The encoder scaled the episode once on its way in; undo that before it does so again.
    episode = f"[0:a]aformat=sample_rates={OUTPUT_RATE}:channel_layouts=mono"
    episode += f",volume={-LAME_INPUT_SCALE_DB:.4f}dB"
    if branding.intro:
        episode += f",adelay={edge}S"  # the intro fades out into silence, not into a word
    if branding.outro:
        episode += f",apad=pad_len={edge}"
    inputs: list[str] = []
    graph = [episode + "[ep]"]
    current = "ep"
    for n, jingle in enumerate((branding.intro, branding.outro)):
        if jingle is None:
            continue
        pcm = raw.with_suffix(f".{n}")
        pcm.write_bytes(jingle.pcm)
        inputs += ["-f", "s16le", "-ar", str(OUTPUT_RATE), "-ac", "1", "-i", str(pcm)]
        graph.append(_jingle_chain(f"{len(inputs) // 8}:a", jingle, loudness_lufs, ceiling))
        graph[-1] += f"[j{n}]"
        pair = f"[j{n}][{current}]" if n == 0 else f"[{current}][j{n}]"
        graph.append(f"{pair}acrossfade=d={CROSSFADE_SECONDS}:c1=tri:c2=tri[x{n}]")
        current = f"x{n}"
    return inputs, ";".join(graph), current


def brand_episode(
    mp3: Path, rendered: Rendered, branding: Branding, audio: AudioSettings
) -> Rendered:
    """Rewrite ``mp3`` with the intro before and the outro after; the times move with it."""
    intro = branding.intro.samples if branding.intro else 0
    outro = branding.outro.samples if branding.outro else 0
    samples = intro + round(rendered.duration * OUTPUT_RATE) + outro
    frames = mp3.with_name(f".{mp3.name}.brand")
    raw = mp3.with_name(f".{mp3.name}.jingle")
    try:
        inputs, graph, out = _filter_graph(branding, rendered.loudness_lufs, audio, raw)
        run_ffmpeg(
            ["-y", "-i", str(mp3), *inputs, "-filter_complex", graph, "-map", f"[{out}]",
             "-c:a", "libmp3lame", "-b:a", f"{audio.bitrate_kbps}k",
             "-compression_level", str(LAME_QUALITY), "-f", "mp3", "-write_xing", "0",
             "-id3v2_version", "0", "-write_id3v1", "0", str(frames)]
        )  # fmt: skip
        # The same Info frame as the speech's own, so every player reads the same length.
        duration = join_parts(mp3, [read_part(frames, samples)], audio.bitrate_kbps)
    finally:
        for temp in (frames, raw.with_suffix(".0"), raw.with_suffix(".1")):
            temp.unlink(missing_ok=True)
    offset = intro / OUTPUT_RATE
    return dataclasses.replace(
        rendered,
        duration=round(duration, 4),
        chunk_times=tuple(
            (round(start + offset, 4), round(end + offset, 4))
            for start, end in rendered.chunk_times
        ),
    )
