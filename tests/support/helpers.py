"""Independent measurements used by end-to-end tests (not the code under test)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import jsonschema

from audio_news.output.episode import schema

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
DATA = Path(__file__).parent.parent / "data"
SEED = DATA / "baobackan_2023-12-28_hoi-nghi-to-chuc-xay-dung-dang.txt"
SEED_SLUG = "hoi-nghi-toan-quoc-tong-ket-cong-tac-to-chuc-xay-dung-dang-nam-2023"


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) as ffmpeg's ebur128 filter reports them."""
    result = subprocess.run(
        [
            FFMPEG,
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-filter_complex",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        errors="replace",
        check=True,
    )
    summary = result.stderr[result.stderr.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))  # type: ignore[union-attr]
    return integrated, peak


def episode_schema_errors(document: Any) -> list[str]:
    """Why ``document`` (decoded JSON) breaks the published episode schema; empty when valid."""
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def assert_valid_episode_file(path: Path) -> dict[str, Any]:
    """The decoded episode JSON at ``path``, after checking it against the published schema."""
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    errors = episode_schema_errors(document)
    assert not errors, errors
    return document


def run_cli(
    *args: str,
    cwd: Path,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m audio_news`` as a user would, capturing both streams."""
    return subprocess.run(
        [sys.executable, "-m", "audio_news", *args],
        cwd=cwd,
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def make_cover_png(path: Path) -> Path:
    subprocess.run(
        [
            FFMPEG,
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=darkred:s=64x64",
            "-frames:v",
            "1",
            "-y",
            str(path),
        ],
        check=True,
    )
    return path


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese editors wrote it: base letter, then a combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def as_mojibake(text: str) -> bytes:
    """UTF-8 text that was once opened as Windows-1252 (Latin-1 for its holes), saved as UTF-8."""
    chars = []
    for byte in text.encode("utf-8"):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars).encode("utf-8")


def vtt_cues(text: str) -> list[tuple[float, float, list[str]]]:
    """(start, end, lines) of each cue of a WebVTT file, read as a player would."""

    def seconds(stamp: str) -> float:
        hours, minutes, rest = stamp.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(rest)

    assert text.startswith("WEBVTT"), "not WebVTT"
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.split("\n")
        timing = next(i for i, line in enumerate(lines) if " --> " in line)
        start, end = lines[timing].split(" --> ")
        cues.append((seconds(start), seconds(end.split()[0]), lines[timing + 1 :]))
    return cues
