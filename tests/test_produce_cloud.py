"""End to end with each cloud engine: ``audio-news produce --engine gcloud|azure|fpt`` through
the vendors' local stand-ins, read back with mutagen and ffmpeg."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from support.cloud_standins import CloudStandin, serve_cloud
from support.helpers import SEED, SEED_SLUG, ebur128, run_cli
from support.tls_proxy import closed_port

DEFAULT_VOICES = {"gcloud": "vi-VN-Neural2-A", "azure": "vi-VN-HoaiMyNeural", "fpt": "banmai"}


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def assert_secret_nowhere(secret: str, folder: Path, *texts: str) -> None:
    for text in texts:
        assert secret not in text
    for path in files_under(folder):
        assert secret.encode() not in path.read_bytes(), path


def produce(
    vendor: str, tmp_path: Path, *options: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = run_cli(
        "produce", str(SEED), "--engine", vendor, "--cache-dir", str(tmp_path / "cache"),
        *options, cwd=tmp_path,
    )  # fmt: skip
    return result, time.monotonic() - started


def test_each_cloud_engine_makes_a_complete_episode(cloud: CloudStandin, tmp_path: Path) -> None:
    vendor = cloud.vendor
    chunks = run_cli("script", str(SEED), "--engine", vendor, cwd=tmp_path).stdout.splitlines()
    gtts_chunks = run_cli("script", str(SEED), "--engine", "gtts", cwd=tmp_path).stdout.splitlines()

    result, _ = produce(vendor, tmp_path)

    assert result.returncode == 0, result.stderr
    sent = [call.text for call in cloud.synthesized()]
    assert sorted(sent) == sorted(set(chunks)), "each distinct chunk once, nothing else"
    assert len(sent) * 2 < len(gtts_chunks), "far fewer requests than gTTS's 100 characters"
    mp3 = tmp_path / "output" / f"{SEED_SLUG}.mp3"
    info = MP3(mp3).info
    assert info.sample_rate == 44_100 and info.length > 20
    tags = ID3(mp3)
    assert str(tags["TXXX:engine"]) == vendor
    assert DEFAULT_VOICES[vendor] in str(tags["TXXX:voice"])
    integrated, peak = ebur128(mp3)
    assert -17.0 <= integrated <= -15.0 and peak <= -1.0
    document = json.loads((tmp_path / "output" / f"{SEED_SLUG}.json").read_text("utf-8"))
    assert document["engine"] == vendor
    assert document["segments"][-1]["end"] <= document["duration"]
    assert_secret_nowhere(cloud.key, tmp_path, result.stdout, result.stderr)


def test_a_wrong_key_is_one_line_exit_1_and_nothing_written(
    cloud: CloudStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "WRONG-key-5e4d3c2b1a"
    monkeypatch.setenv(next(iter(cloud.credentials_env())), wrong)

    result, _ = produce(cloud.vendor, tmp_path)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"error: {cloud.vendor}: the key was refused (40"), lines
    assert "Traceback" not in result.stderr
    assert files_under(tmp_path / "output") == []
    assert_secret_nowhere(wrong, tmp_path, result.stdout, result.stderr)


def test_a_429_storm_still_completes(cloud: CloudStandin, tmp_path: Path) -> None:
    cloud.rate_limit_every, cloud.retry_after = 2, 0.2

    result, _ = produce(cloud.vendor, tmp_path)

    assert result.returncode == 0, result.stderr
    statuses = [call.status for call in cloud.calls if call.kind == "synthesize"]
    assert statuses.count(429) >= 5
    assert (tmp_path / "output" / f"{SEED_SLUG}.mp3").is_file()


@pytest.mark.slow
def test_an_unreachable_vendor_fails_within_a_minute_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generator = serve_cloud(monkeypatch, "azure")
    next(generator)
    dead = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("HTTPS_PROXY", dead)
    monkeypatch.setenv("https_proxy", dead)

    result, seconds = produce("azure", tmp_path)

    generator.close()
    assert result.returncode == 1
    assert seconds < 60
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: azure: gave up after") and "connection failed" in line
    assert files_under(tmp_path / "output") == []
