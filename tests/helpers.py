"""Independent measurements used by end-to-end tests (not the code under test)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
DATA = Path(__file__).parent / "data"
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
