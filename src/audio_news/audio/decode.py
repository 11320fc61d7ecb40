"""Clips as mono 16-bit PCM at one working rate, decoded in as few ffmpeg runs as possible.

PCM clips pass through untouched. MP3 clips of one sample rate are stripped of tags and
header frames, concatenated and decoded by a single ffmpeg process as they arrive; its output
is cut back into clips by their known frame counts.
"""

from __future__ import annotations

import contextlib
import queue
import subprocess
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from ..errors import AudioError
from ..models import Clip
from ..speech.spool import ClipSequence, ClipSpool
from .ffmpeg import FfmpegProcess, last_line, run_ffmpeg
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
    """One ffmpeg decoding MP3 clips back to back, fed as they arrive and read clip by clip.

    A feeder thread walks ``indices`` in order: each MP3 clip at the batch's rate is fed to
    ffmpeg and its layout queued; any other clip is queued as ``None``, for the reader to
    convert on its own. So the reader can follow a sequence that is still being filled.

    ffmpeg and the feeder start on entering the batch as a context manager; leaving it stops
    ffmpeg. Iterate inside the block.
    """

    def __init__(self, clips: Sequence[Clip], indices: Sequence[int], rate: int) -> None:
        self._clips = clips
        self._indices = list(indices)
        self._src_rate = clip_rate(clips[self._indices[0]])
        self._rate = rate
        self._queue: queue.SimpleQueue[_Mp3Layout | BaseException | None] = queue.SimpleQueue()
        self._ffmpeg: FfmpegProcess | None = None

    def __enter__(self) -> _Mp3Batch:
        args = ["-f", "mp3", "-i", "pipe:0", "-ac", "1", "-ar", str(self._rate)]
        self._ffmpeg = FfmpegProcess(
            ["-loglevel", "error", *args, "-f", "s16le", "pipe:1"], stdout=subprocess.PIPE
        )
        threading.Thread(target=self._feed, args=(self._ffmpeg,), daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop ffmpeg. The feeder ends at its next write; it is not waited for, as it may
        be waiting for a clip still being synthesized."""
        if self._ffmpeg is not None:
            self._ffmpeg.kill()

    def _feed(self, ffmpeg: FfmpegProcess) -> None:
        stdin = ffmpeg.proc.stdin
        assert stdin is not None
        try:
            for i in self._indices:
                clip = self._clips[i]
                layout = _layout(clip.data) if clip.codec == MP3 else None
                if layout is None or layout.rate != self._src_rate:
                    self._queue.put(None)
                    continue
                # Queued first: the reader must drain ffmpeg's output while this clip goes in,
                # or a clip larger than the pipes' buffers blocks both ends.
                self._queue.put(layout)
                data = memoryview(clip.data)
                for start, end in layout.spans:
                    stdin.write(data[start:end])
        except OSError:  # ffmpeg is gone; the reader reports why
            pass
        except BaseException as e:  # a clip that could not be had: raised by the reader
            self._queue.put(e)
        finally:
            _close(stdin)

    def __iter__(self) -> Iterator[tuple[bytes, bool]]:
        if self._ffmpeg is None:
            raise RuntimeError("an MP3 batch is read inside its with block")
        ffmpeg = self._ffmpeg
        stdout = ffmpeg.proc.stdout
        assert stdout is not None
        ratio = self._rate / self._src_rate
        pos_in = pos_out = 0
        for i in self._indices:
            layout = self._queue.get()
            if isinstance(layout, BaseException):
                raise layout
            if layout is None:
                yield _pcm_alone(self._clips[i], self._rate)
                continue
            pos_in += layout.samples
            end = round(pos_in * ratio)
            want, pos_out = end - pos_out, end
            pcm = stdout.read(want * 2)
            if len(pcm) != want * 2:
                ffmpeg.kill()
                raise _failure("MP3 clips decoded short", ffmpeg.stderr)
            head = round(layout.skip_start * ratio) * 2
            tail = len(pcm) - round(layout.skip_end * ratio) * 2
            yield (pcm[head:tail] if head or tail < len(pcm) else pcm), True
        stdout.read()


def _failure(what: str, log: bytes) -> AudioError:
    detail = last_line(log) if log else ""
    return AudioError(f"{what}: {detail}" if detail else what)


def _close(stream: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        stream.close()


def _pcm_alone(clip: Clip, rate: int) -> tuple[bytes, bool]:
    """One clip's PCM, converted on its own if need be, and whether it was converted."""
    if clip.codec == PCM and clip.sample_rate == rate:
        return clip.data, False
    if clip.codec == PCM:
        return resample(clip.data, clip.sample_rate, rate), True
    if clip.codec == MP3:
        return _decode_one(clip.data, rate), True
    raise AudioError(f"unsupported clip codec: {clip.codec!r}")


def iter_pcm(clips: Sequence[Clip], indices: Sequence[int], rate: int) -> Iterator[bytes]:
    """Mono s16le PCM at ``rate`` of ``clips[i]`` for each ``i`` in ``indices``, in order.

    Holds one clip at a time, so a lazily loading ``clips`` keeps memory flat, and reads each
    clip only when its turn comes, so a sequence still being filled can be followed. From the
    first MP3 clip on, MP3 clips of its rate are decoded by one ffmpeg as one stream.
    """
    for pcm, _converted in _iter_marked(clips, indices, rate):
        yield pcm


def _iter_marked(
    clips: Sequence[Clip], indices: Sequence[int], rate: int
) -> Iterator[tuple[bytes, bool]]:
    """``iter_pcm``, each clip's PCM paired with whether it had to be decoded or resampled."""
    for n, i in enumerate(indices):
        clip = clips[i]
        if clip.codec == MP3:
            with _Mp3Batch(clips, indices[n:], rate) as batch:
                yield from batch
            return
        yield _pcm_alone(clip, rate)


class ConvertedClips(ClipSequence):
    """``clips`` as PCM at ``rate``, converting each only once.

    ``first_pass`` yields every clip's PCM in order and keeps those that had to be decoded
    or resampled in a temp file; indexing then serves those copies, so later passes read
    instead of decoding again. Clips that were PCM at ``rate`` already are not copied.
    """

    def __init__(self, clips: Sequence[Clip], rate: int) -> None:
        self._clips = clips
        self._rate = rate
        self._copies = ClipSpool(len(clips))
        self._copies.close(None)  # nothing is waited for: a clip without a copy is its own
        self._copied = [False] * len(clips)

    def first_pass(self) -> Iterator[bytes]:
        indices = range(len(self._clips))
        marked = _iter_marked(self._clips, indices, self._rate)
        for i, (pcm, converted) in zip(indices, marked, strict=True):
            if converted:
                self._copies.store([i], Clip(pcm, PCM, self._rate))
                self._copied[i] = True
            yield pcm

    def __len__(self) -> int:
        return len(self._clips)

    def clip(self, index: int) -> Clip:
        return self._copies[index] if self._copied[index] else self._clips[index]
