"""Clips as mono 16-bit PCM at one working rate, decoded in as few ffmpeg runs as possible.

PCM clips pass through untouched. MP3 clips of one sample rate are stripped of tags and
header frames, concatenated and decoded by a single ffmpeg process; its output is cut back
into clips by their known frame counts.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from ..errors import AudioError
from ..models import Clip
from .ffmpeg import ffmpeg_exe, last_line, run_ffmpeg
from .mp3frames import info_tag, iter_frames

PCM = "pcm_s16le"
MP3 = "mp3"


def clip_rate(clip: Clip) -> int:
    """The sample rate a clip really has (an MP3's own header wins over ``Clip.sample_rate``)."""
    if clip.codec == PCM:
        return clip.sample_rate
    if clip.codec == MP3:
        for _, header in iter_frames(clip.data):
            return header.sample_rate
        raise AudioError("an MP3 clip holds no audio frames")
    raise AudioError(f"unsupported clip codec: {clip.codec!r}")


def resample(pcm: bytes, src: int, dst: int) -> bytes:
    raw = ["-f", "s16le", "-ac", "1"]
    return run_ffmpeg(
        [*raw, "-ar", str(src), "-i", "pipe:0", *raw, "-ar", str(dst), "pipe:1"], pcm
    ).stdout


@dataclass(frozen=True)
class _Mp3Layout:
    spans: tuple[tuple[int, int], ...]
    """Byte ranges of audio frames, Info frame and tags left out."""
    samples: int
    skip_start: int
    skip_end: int
    rate: int


def _layout(data: bytes) -> _Mp3Layout:
    spans: list[tuple[int, int]] = []
    samples = skip_start = skip_end = rate = 0
    for n, (pos, header) in enumerate(iter_frames(data)):
        if n == 0:
            rate = header.sample_rate
            gapless = info_tag(data[pos : pos + header.length], header)
            if gapless is not None:
                skip_start, skip_end = gapless.skip_start, gapless.skip_end
                continue
        if header.sample_rate != rate:
            raise AudioError("an MP3 clip changes sample rate midway")
        end = pos + header.length
        if spans and spans[-1][1] == pos:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((pos, end))
        samples += header.samples
    if not samples:
        raise AudioError("an MP3 clip holds no audio frames")
    return _Mp3Layout(tuple(spans), samples, skip_start, skip_end, rate)


def _decode_one(data: bytes, rate: int) -> bytes:
    args = ["-f", "mp3", "-i", "pipe:0", "-ac", "1", "-ar", str(rate), "-f", "s16le", "pipe:1"]
    return run_ffmpeg(args, data).stdout


class _Mp3Batch:
    """One ffmpeg decoding the given MP3 clips back to back, read clip by clip."""

    def __init__(self, clips: Sequence[Clip], indices: Sequence[int], rate: int) -> None:
        self._clips = clips
        self._indices = list(indices)
        self._layouts = [_layout(clips[i].data) for i in self._indices]
        self._src_rate = self._layouts[0].rate
        self._rate = rate
        self._pos_in = 0
        self._pos_out = 0
        args = ["-f", "mp3", "-i", "pipe:0", "-ac", "1", "-ar", str(rate), "-f", "s16le", "pipe:1"]
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error", *args]
        try:
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except OSError as e:
            raise AudioError(f"cannot run ffmpeg: {e}") from e
        self._errors: list[bytes] = []
        self._writer = threading.Thread(target=self._feed, daemon=True)
        self._drain = threading.Thread(target=self._read_errors, daemon=True)
        self._writer.start()
        self._drain.start()

    @staticmethod
    def uniform(clips: Sequence[Clip], indices: Sequence[int]) -> bool:
        return len({clip_rate(clips[i]) for i in indices}) == 1

    def _feed(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            for i, layout in zip(self._indices, self._layouts, strict=True):
                data = memoryview(self._clips[i].data)
                for start, end in layout.spans:
                    stdin.write(data[start:end])
        except (BrokenPipeError, OSError):
            pass
        finally:
            _close(stdin)

    def _read_errors(self) -> None:
        stderr = self._proc.stderr
        assert stderr is not None
        self._errors.append(stderr.read())

    def __iter__(self) -> Iterator[bytes]:
        stdout = self._proc.stdout
        assert stdout is not None
        ratio = self._rate / self._src_rate
        try:
            for layout in self._layouts:
                self._pos_in += layout.samples
                end = round(self._pos_in * ratio)
                want = end - self._pos_out
                self._pos_out = end
                pcm = stdout.read(want * 2)
                if len(pcm) != want * 2:
                    self._fail("MP3 clips decoded short")
                head = round(layout.skip_start * ratio) * 2
                tail = len(pcm) - round(layout.skip_end * ratio) * 2
                yield pcm[head:tail] if head or tail < len(pcm) else pcm
            stdout.read()
        finally:
            self.finish()

    def _fail(self, what: str) -> None:
        self.finish()
        detail = last_line(b"".join(self._errors)) if self._errors else ""
        raise AudioError(f"{what}: {detail}" if detail else what)

    def finish(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._writer.join()
        self._drain.join()


def _close(stream: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        stream.close()


def iter_pcm(clips: Sequence[Clip], indices: Sequence[int], rate: int) -> Iterator[bytes]:
    """Mono s16le PCM at ``rate`` of ``clips[i]`` for each ``i`` in ``indices``, in order.

    Holds one clip at a time, so a lazily loading ``clips`` keeps memory flat. PCM clips are
    read only when their turn comes, so a sequence still being filled can be followed; MP3
    clips are decoded as one batch, which needs them all from the first one on.
    """
    decoder: _Mp3Batch | None = None
    batch: Iterator[bytes] | None = None
    batch_tried = False
    try:
        for n, i in enumerate(indices):
            clip = clips[i]
            if clip.codec == PCM:
                yield (
                    clip.data
                    if clip.sample_rate == rate
                    else resample(clip.data, clip.sample_rate, rate)
                )
            elif clip.codec == MP3:
                if not batch_tried:
                    batch_tried = True
                    mp3s = [j for j in indices[n:] if clips[j].codec == MP3]
                    if _Mp3Batch.uniform(clips, mp3s):
                        decoder = _Mp3Batch(clips, mp3s, rate)
                        batch = iter(decoder)
                yield next(batch) if batch is not None else _decode_one(clip.data, rate)
            else:
                raise AudioError(f"unsupported clip codec: {clip.codec!r}")
    finally:
        if decoder is not None:
            decoder.finish()
