"""Build a small real episode folder: an MP3 of tone bursts and the sidecars that time it.

Each sentence is a tone burst of its own pitch followed by a silence, so a test (or a
listener) can tell from the audio alone which sentence is playing.
"""

from __future__ import annotations

import json
import math
import subprocess
from array import array
from pathlib import Path
from typing import Any

import imageio_ffmpeg
from mutagen.mp3 import MP3

SAMPLE_RATE = 22_050
TONE_SECONDS = 0.9
GAP_SECONDS = 0.35

DEFAULT_TITLE = "Bản tin thử nghiệm: Hà Nội đón mưa lớn"
DEFAULT_BODY = (
    (
        "Sáng nay, mưa lớn kéo dài ở nhiều quận nội thành.",
        "Nhiều tuyến phố ngập sâu khiến giao thông ùn tắc.",
    ),
    (
        "Cơ quan khí tượng dự báo mưa sẽ giảm từ chiều tối.",
        "Người dân được khuyên hạn chế ra đường.",
    ),
)


def _pcm(count: int) -> bytes:
    samples = array("h")
    for i in range(count):
        freq = 330.0 + 110.0 * i
        tone = int(SAMPLE_RATE * TONE_SECONDS)
        fade = SAMPLE_RATE // 50
        for n in range(tone):
            envelope = min(1.0, n / fade, (tone - n) / fade)
            samples.append(int(12_000 * envelope * math.sin(2 * math.pi * freq * n / SAMPLE_RATE)))
        samples.extend([0] * int(SAMPLE_RATE * GAP_SECONDS))
    return samples.tobytes()


def _encode_mp3(pcm: bytes, target: Path) -> None:
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "s16le",
        "-ar",
        str(SAMPLE_RATE),
        "-ac",
        "1",
        "-i",
        "pipe:0",
        "-codec:a",
        "libmp3lame",
        "-b:a",
        "64k",
        str(target),
    ]
    subprocess.run(cmd, input=pcm, check=True, timeout=60)


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def make_episode(
    out_dir: Path,
    slug: str = "ban-tin-thu-nghiem",
    title: str = DEFAULT_TITLE,
    body: tuple[tuple[str, ...], ...] = DEFAULT_BODY,
    date: str = "2024-05-17",
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write ``<slug>.mp3``, ``.json`` and ``.vtt`` into ``out_dir``; return the JSON path.

    ``extra`` adds fields of the version 2 document (``chapters``, ``image``, ``url`` ...).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    sentences = [(0, title)] + [(p, s) for p, para in enumerate(body, 1) for s in para]
    mp3 = out_dir / f"{slug}.mp3"
    _encode_mp3(_pcm(len(sentences)), mp3)
    duration = MP3(mp3).info.length
    step = TONE_SECONDS + GAP_SECONDS
    segments = [
        {
            "text": text,
            "start": round(i * step, 3),
            "end": round(i * step + TONE_SECONDS, 3),
            "paragraph": para,
        }
        for i, (para, text) in enumerate(sentences)
    ]
    doc = {
        "version": 1,
        "title": title,
        "audio": mp3.name,
        "duration": round(duration, 3),
        "engine": "tones",
        "date": date,
        "summary": body[0][0] if body else title,
        "artist": "Báo Thử Nghiệm",
        "album": None,
        "paragraphs": [title, *(" ".join(p) for p in body)],
        "segments": segments,
    }
    if extra:
        doc = {**doc, "version": 2, **extra}
    json_path = out_dir / f"{slug}.json"
    json_path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    cues = [
        f"{i}\n{_vtt_time(s['start'])} --> {_vtt_time(s['end'])}\n{s['text']}\n"
        for i, s in enumerate(segments, 1)
    ]
    (out_dir / f"{slug}.vtt").write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    return json_path
