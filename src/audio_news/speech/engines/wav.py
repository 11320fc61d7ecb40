"""The PCM inside a WAV file, as Google (LINEAR16) and Azure (``riff-*-pcm``) answer."""

from __future__ import annotations

import struct
from dataclasses import dataclass

_PCM = 1
_EXTENSIBLE = 0xFFFE


class WavError(ValueError):
    """The bytes are not a 16-bit mono PCM WAV file."""


@dataclass(frozen=True)
class Wav:
    pcm: bytes
    """16-bit little-endian mono samples."""
    sample_rate: int


def _chunks(data: bytes) -> dict[bytes, bytes]:
    """The RIFF chunks by id; a data chunk whose size runs past the end keeps what is there."""
    chunks: dict[bytes, bytes] = {}
    at = 12
    while at + 8 <= len(data):
        chunk_id, size = struct.unpack_from("<4sI", data, at)
        body = data[at + 8 : at + 8 + size]
        chunks.setdefault(chunk_id, body)
        at += 8 + size + (size & 1)
    return chunks


def read_wav(data: bytes) -> Wav:
    """The samples and rate of a 16-bit mono PCM WAV; ``WavError`` for anything else."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError("not a WAV file")
    chunks = _chunks(data)
    fmt, pcm = chunks.get(b"fmt "), chunks.get(b"data")
    if fmt is None or len(fmt) < 16 or pcm is None:
        raise WavError("a WAV file without its fmt or data chunk")
    tag, channels, rate, _byte_rate, _align, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag not in (_PCM, _EXTENSIBLE) or bits != 16 or channels != 1 or rate <= 0:
        raise WavError(f"WAV is format {tag}, {channels} channel(s), {bits}-bit: not 16-bit mono")
    return Wav(pcm=pcm[: len(pcm) - len(pcm) % 2], sample_rate=rate)
