"""Assembly speed: ``render_episode`` vs a bare libmp3lame encode of the same speech.

    python benchmarks/bench_assembly.py [--runs 5] [ARTICLE]

Synthesizes the article once with espeak, then times, side by side:

- floor: ffmpeg encoding the clips' PCM, back to back, to 44.1 kHz 64 kbps MP3 at
  libmp3lame's default quality (no trimming, pauses, loudness or limiting);
- ours: ``render_episode`` (trim, pauses, loudness measurement and limiting, MP3 in two
  parallel parts, gapless Info frame).

Prints medians and their ratio, then where our time goes, stage by stage.

    python benchmarks/bench_assembly.py --hours 2

renders a 2-hour episode from a lazily built clip sequence and prints peak memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from audio_news.audio import measure_loudness, render_episode
from audio_news.audio.decode import clip_rate, iter_pcm
from audio_news.audio.ffmpeg import ffmpeg_exe
from audio_news.audio.trim import layout_clips
from audio_news.config import AudioSettings, EngineSettings, Settings
from audio_news.models import Chunk, Clip
from audio_news.pipeline import prepare
from audio_news.speech.engines.espeak import EspeakEngine
from audio_news.speech.spool import ClipSequence

SEED = (
    Path(__file__).parent.parent
    / "tests/data/baobackan_2023-12-28_hoi-nghi-to-chuc-xay-dung-dang.txt"
)


def floor(pcm: bytes, rate: int, out: Path) -> float:
    start = time.perf_counter()
    cmd = [ffmpeg_exe(), "-v", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "1"]
    cmd += ["-i", "-", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "64k", str(out)]
    subprocess.run(cmd, input=pcm, check=True)
    return time.perf_counter() - start


def _marker(marks: list[tuple[str, float]]) -> Callable[[str], None]:
    return lambda stage: marks.append((stage, time.perf_counter()))


def _discard(_data: bytes | memoryview) -> None:
    pass


class _Repeated(ClipSequence):
    """``clips`` over and over, built on access: a long episode without holding it."""

    def __init__(self, clips: list[Clip], chunks: Sequence[Chunk], count: int) -> None:
        self._clips, self._chunks, self._count = clips, chunks, count

    def __len__(self) -> int:
        return self._count

    def clip(self, i: int) -> Clip:
        if not -self._count <= i < self._count:
            raise IndexError(i)
        clip = self._clips[i % self._count % len(self._clips)]
        return Clip(bytes(clip.data), clip.codec, clip.sample_rate)

    def chunks(self) -> list[Chunk]:
        n = len(self._chunks)
        return [dataclasses.replace(self._chunks[i % n]) for i in range(self._count)]


def long_episode(clips: list[Clip], chunks: Sequence[Chunk], hours: float, out: Path) -> None:
    """Render ``hours`` of speech from a lazily built clip sequence; print time and peak RSS."""
    seconds = sum(len(c.data) / 2 / c.sample_rate for c in clips)
    count = int(len(clips) * hours * 3600 / seconds)
    lazy = _Repeated(clips, chunks, count)
    start = time.perf_counter()
    rendered = render_episode(lazy, lazy.chunks(), AudioSettings(), out)
    wall = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{rendered.duration / 3600:.2f} h episode rendered in {wall:.1f} s;")
    print(f"  peak RSS: this process {own:.0f} MB, largest ffmpeg {child:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", default=str(SEED))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hours", type=float, help="instead: render this long an episode")
    args = parser.parse_args()

    settings = Settings(engine=EngineSettings(name="espeak"))
    engine = EspeakEngine()
    script = prepare(args.article, settings, engine.max_chars).script
    clips = [engine.synthesize(c.text) for c in script.chunks]
    rate = clip_rate(clips[0])
    pcm = b"".join(c.data for c in clips)
    print(f"{len(clips)} clips, {len(pcm) / 2 / rate:.1f} s of speech at {rate} Hz")
    if args.hours:
        del pcm
        with tempfile.TemporaryDirectory() as tmp:
            long_episode(clips, script.chunks, args.hours, Path(tmp) / "long.mp3")
        return

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ep.mp3"
        floors, ours, stages = [], [], []
        for _ in range(args.runs):
            floors.append(floor(pcm, rate, Path(tmp) / "floor.mp3"))
            marks: list[tuple[str, float]] = []
            start = time.perf_counter()
            rendered = render_episode(
                clips, script.chunks, settings.audio, out, on_progress=_marker(marks)
            )
            end = time.perf_counter()
            ours.append(end - start)
            stages.append(
                {
                    name: (marks[i + 1][1] if i + 1 < len(marks) else end) - at
                    for i, (name, at) in enumerate(marks)
                }
            )
        t0 = time.perf_counter()
        layout_clips(iter_pcm(clips, range(len(clips)), rate), [0] * len(clips), rate, _discard)
        trim = time.perf_counter() - t0
        lufs, peak = measure_loudness(out)

    f, o = statistics.median(floors), statistics.median(ours)
    print(f"episode: {rendered.duration:.1f} s, {lufs:.1f} LUFS, {peak:.1f} dBTP (ffmpeg ebur128)")
    print(f"{'floor (ffmpeg libmp3lame, default q)':40s} {f:6.3f} s")
    print(f"{'ours (render_episode)':40s} {o:6.3f} s   ratio {o / f:.2f}x")
    print("where our time goes (medians):")
    for name in stages[0]:
        print(f"  {name:36s} {statistics.median(s[name] for s in stages):6.3f} s")
    print(f"    of which decode + trim in Python   {trim:6.3f} s")


if __name__ == "__main__":
    main()
