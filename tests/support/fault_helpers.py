"""Tools for the fault tests: runs to kill, small or read-only filesystems, output checks."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from support.helpers import DATA

ARTICLE = DATA / "text_baodaknong_2024-07-02_panama-bolivia.md"
"""The shortest real article: 29 chunks for gtts, about two minutes of audio."""
SLUG = "lich-su-doi-dau-panama-vs-bolivia-bolivia-13-nam-chua-thang-duoc-panama"


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment (isolated user dirs) without proxies, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(extra or {})
    return env


def start_cli(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """``python -m audio_news ARGS`` in its own process group, so the whole run can be killed."""
    return subprocess.Popen(
        [sys.executable, "-m", "audio_news", *args],
        cwd=cwd,
        env=dict(env) if env is not None else child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill_run(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the run and the encoders it started, as a crash or the OOM killer would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=10)


def wait_until(condition: Callable[[], bool], proc: subprocess.Popen[str], timeout: float) -> bool:
    """Poll ``condition`` every few ms while ``proc`` runs; False if it ended or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if condition():
            return True
        time.sleep(0.005)
    return False


def temp_files(folder: Path) -> list[str]:
    """Hidden temp files (ours are ``.<name>.<random>.part``) anywhere under ``folder``."""
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*") if p.is_file())


def assert_finished_files_sound(folder: Path) -> list[str]:
    """Every visible file in ``folder`` is whole: MP3s parse with ID3, JSONs match their MP3.

    Returns the visible names.
    """
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    for name in names:
        path = folder / name
        assert path.stat().st_size > 0, f"empty file left: {name}"
        if name.endswith(".mp3"):
            assert MP3(path).info.length > 1, name
            assert "TIT2" in ID3(path), name
        elif name.endswith((".chapters.json", ".transcript.json")):
            assert json.loads(path.read_text(encoding="utf-8")), name
        elif name.endswith(".json"):
            document = json.loads(path.read_text(encoding="utf-8"))
            mp3 = folder / document["audio"]
            assert mp3.is_file(), f"{name} describes a missing {mp3.name}"
            assert abs(MP3(mp3).info.length - document["duration"]) < 0.1, name
        elif name.endswith(".vtt"):
            assert path.read_text(encoding="utf-8").startswith("WEBVTT"), name
    return names


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """A non-zero exit with exactly one stderr line, no traceback, mentioning each of ``words``."""
    assert result.returncode not in (0, None), result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    for word in words:
        assert word.lower() in line.lower(), line
    return line


@contextlib.contextmanager
def tmpfs(where: Path, options: str) -> Iterator[Path]:
    """Mount a tmpfs with ``options`` (e.g. ``size=200k`` or ``ro,size=1m``) at ``where``."""
    where.mkdir(parents=True, exist_ok=True)
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as e:
        pytest.skip(f"cannot mount a tmpfs here: {e}")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], check=False)
