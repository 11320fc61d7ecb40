"""MPEG audio layer III frames: walking a stream, its gapless info, and a LAME "Info" frame.

Enough of the format to count frames exactly, drop tags and header frames before feeding
clips to one decoder, and write the Info/LAME tag that lets players skip the encoder's
priming and padding samples.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import AudioError

_BITRATES_V1 = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_BITRATES_V2 = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}

LAME_DELAY = 576
"""Samples of priming LAME puts before the signal (the decoder adds 529 more)."""
DECODER_DELAY = 529
_XING_FLAGS = 0x0F  # frames, bytes, TOC, quality
_LAME_VERSION = b"LAME3.100"


@dataclass(frozen=True)
class FrameHeader:
    version: int
    """3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5."""
    bitrate_kbps: int
    sample_rate: int
    padding: int
    mono: bool
    raw: bytes

    @property
    def samples(self) -> int:
        return 1152 if self.version == 3 else 576

    @property
    def length(self) -> int:
        factor = 144 if self.version == 3 else 72
        return factor * self.bitrate_kbps * 1000 // self.sample_rate + self.padding

    @property
    def side_info(self) -> int:
        if self.version == 3:
            return 17 if self.mono else 32
        return 9 if self.mono else 17


def parse_header(b: bytes | memoryview) -> FrameHeader | None:
    """The layer III header in the first four bytes of ``b``, or None."""
    if len(b) < 4 or b[0] != 0xFF or b[1] & 0xE0 != 0xE0:
        return None
    version = (b[1] >> 3) & 3
    layer = (b[1] >> 1) & 3
    br_index, sr_index = b[2] >> 4, (b[2] >> 2) & 3
    if version == 1 or layer != 1 or br_index in (0, 15) or sr_index == 3:
        return None
    table = _BITRATES_V1 if version == 3 else _BITRATES_V2
    return FrameHeader(
        version=version,
        bitrate_kbps=table[br_index],
        sample_rate=_RATES[version][sr_index],
        padding=(b[2] >> 1) & 1,
        mono=(b[3] >> 6) == 3,
        raw=bytes(b[:4]),
    )


def _skip_id3v2(data: bytes | memoryview) -> int:
    if len(data) >= 10 and bytes(data[:3]) == b"ID3":
        size = 0
        for byte in data[6:10]:
            size = (size << 7) | (byte & 0x7F)
        return 10 + size + (10 if data[5] & 0x10 else 0)
    return 0


def iter_frames(data: bytes) -> Iterator[tuple[int, FrameHeader]]:
    """Yield (offset, header) of each audio frame, skipping tags and resyncing over junk."""
    end = len(data)
    if end >= 128 and data[end - 128 : end - 125] == b"TAG":
        end -= 128
    pos = _skip_id3v2(data)
    while pos + 4 <= end:
        header = parse_header(data[pos : pos + 4])
        if header is None or pos + header.length > end:
            pos = data.find(b"\xff", pos + 1, end)
            if pos < 0:
                return
            continue
        yield pos, header
        pos += header.length


@dataclass(frozen=True)
class Gapless:
    """Priming and padding a LAME tag declares, in decoded samples."""

    skip_start: int
    skip_end: int


def info_tag(frame: bytes | memoryview, header: FrameHeader) -> Gapless | None:
    """None unless ``frame`` is a Xing/Info header frame; its gapless data when it has one."""
    at = 4 + header.side_info
    tag = bytes(frame[at : at + 4])
    if tag not in (b"Xing", b"Info"):
        return None
    flags = int.from_bytes(frame[at + 4 : at + 8], "big")
    lame = at + 8 + (4 if flags & 1 else 0) + (4 if flags & 2 else 0)
    lame += (100 if flags & 4 else 0) + (4 if flags & 8 else 0)
    if bytes(frame[lame : lame + 4]) not in (b"LAME", b"Lavf", b"Lavc") or lame + 24 > len(frame):
        return Gapless(0, 0)
    packed = int.from_bytes(frame[lame + 21 : lame + 24], "big")
    delay, padding = packed >> 12, packed & 0xFFF
    return Gapless(delay + DECODER_DELAY, max(padding - DECODER_DELAY, 0))


def crc16(data: bytes | bytearray | memoryview) -> int:
    """CRC-16 (polynomial 0x8005, reflected, init 0) as used by the LAME tag."""
    crc = 0
    for byte in bytes(data):
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def lame_info_frame(
    first: FrameHeader, audio_frames: int, audio_bytes: int, padding: int, bitrate_kbps: int
) -> bytes:
    """A CBR "Info" frame with a LAME tag: delay ``LAME_DELAY``, end padding ``padding``."""
    if not 0 <= padding < 4096:
        raise AudioError(f"encoder padding out of range: {padding}")
    header = bytearray(first.raw)
    header[2] &= 0xFD  # no padding slot
    table = _BITRATES_V1 if first.version == 3 else _BITRATES_V2
    parsed = parse_header(bytes(header))
    needed = 4 + first.side_info + 120 + 36
    while parsed is None or parsed.length < needed:
        index = (header[2] >> 4) + 1
        if index >= len(table):
            raise AudioError("no MPEG bitrate leaves room for an Info frame")
        header[2] = (index << 4) | (header[2] & 0x0F)
        parsed = parse_header(bytes(header))
    frame = bytearray(parsed.length)
    frame[:4] = header
    total = parsed.length + audio_bytes
    at = 4 + first.side_info
    frame[at : at + 4] = b"Info"
    frame[at + 4 : at + 8] = _XING_FLAGS.to_bytes(4, "big")
    frame[at + 8 : at + 12] = audio_frames.to_bytes(4, "big")
    frame[at + 12 : at + 16] = total.to_bytes(4, "big")
    frame[at + 16 : at + 116] = bytes(min(255, 256 * i // 100) for i in range(100))
    lame = at + 120
    frame[lame : lame + 9] = _LAME_VERSION
    frame[lame + 9] = 0x01  # tag revision 0, CBR
    frame[lame + 20] = min(bitrate_kbps, 255)
    frame[lame + 21 : lame + 24] = ((LAME_DELAY << 12) | padding).to_bytes(3, "big")
    frame[lame + 28 : lame + 32] = total.to_bytes(4, "big")
    frame[lame + 34 : lame + 36] = crc16(frame[: lame + 34]).to_bytes(2, "big")
    return bytes(frame)
