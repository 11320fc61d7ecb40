"""Intro and outro: real jingles made by ffmpeg, real espeak episodes, the MP3 read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from audio_news.audio.brand import CROSSFADE_SECONDS
from audio_news.audio.ffmpeg import run_ffmpeg
from audio_news.audio.loudness import measure_loudness
from support.helpers import run_cli

INTRO_SECONDS, OUTRO_SECONDS = 2.0, 1.5
SLUG = "mua-lon-o-ha-noi"
ARTICLE = """---
title: Mưa lớn ở Hà Nội
---
Chiều nay Hà Nội có mưa lớn kéo dài.

## Giao thông

Nhiều tuyến phố bị ngập sâu, xe cộ đi lại khó khăn.

## Dự báo

Mưa sẽ giảm dần từ tối nay.
"""


def tone(target: Path, seconds: float, freq: int, level_db: float, *extra: str) -> Path:
    """A sine tone: stereo at 48 kHz, at a level far from the episode's."""
    run_ffmpeg(
        ["-y", "-f", "lavfi", "-i", f"sine=frequency={freq}:duration={seconds}:sample_rate=48000",
         "-af", f"volume={level_db}dB", "-ac", "2", *extra, str(target)]
    )  # fmt: skip
    return target


def produce(work: Path, out: str, *options: str) -> Any:
    return run_cli(
        "produce", "tin.md", "--engine", "espeak", "-o", out, "--cache-dir", "cache", *options,
        cwd=work,
    )  # fmt: skip


def loudness_of(mp3: Path, start: float, seconds: float, work: Path) -> float:
    piece = work / f"piece-{start}.wav"
    run_ffmpeg(["-y", "-ss", str(start), "-t", str(seconds), "-i", str(mp3), str(piece)])
    return measure_loudness(piece)[0]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("brand")
    (work / "tin.md").write_text(ARTICLE, encoding="utf-8")
    tone(work / "intro.wav", INTRO_SECONDS, 660, -24)
    tone(work / "outro.ogg", OUTRO_SECONDS, 440, -4, "-c:a", "libvorbis")
    for out, options in (
        ("plain", ()),
        ("branded", ("--intro", "intro.wav", "--outro", "outro.ogg")),
    ):
        done = produce(work, out, *options)
        assert done.returncode == 0, done.stderr
    return work


def _document(made: Path, folder: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((made / folder / f"{SLUG}.json").read_text("utf-8"))
    return doc


def test_the_mp3_is_intro_then_episode_then_outro(made: Path) -> None:
    plain = MP3(made / "plain" / f"{SLUG}.mp3").info.length
    branded = MP3(made / "branded" / f"{SLUG}.mp3").info.length
    assert branded == pytest.approx(INTRO_SECONDS + plain + OUTRO_SECONDS, abs=0.002)
    doc = _document(made, "branded")
    assert doc["duration"] == pytest.approx(branded, abs=0.002)
    tags = ID3(made / "branded" / f"{SLUG}.mp3")
    assert int(str(tags["TLEN"])) == round(branded * 1000)


def test_timings_chapters_and_captions_move_by_the_intro(made: Path) -> None:
    plain, branded = _document(made, "plain"), _document(made, "branded")
    for key in ("segments", "captions"):
        assert len(plain[key]) == len(branded[key]) > 2
        for before, after in zip(plain[key], branded[key], strict=True):
            assert after["start"] == pytest.approx(before["start"] + INTRO_SECONDS, abs=0.002)
            assert after["end"] == pytest.approx(before["end"] + INTRO_SECONDS, abs=0.002)
    assert [c["title"] for c in branded["chapters"]] == ["Mưa lớn ở Hà Nội", "Giao thông", "Dự báo"]
    assert branded["chapters"][0]["start"] == 0  # the first chapter holds the intro
    for before, after in zip(plain["chapters"][1:], branded["chapters"][1:], strict=True):
        assert after["start"] == pytest.approx(before["start"] + INTRO_SECONDS, abs=0.002)
    assert branded["chapters"][-1]["end"] == branded["duration"]
    chap = ID3(made / "branded" / f"{SLUG}.mp3").getall("CHAP")
    starts = sorted(frame.start_time for frame in chap)
    assert starts[1] == round(branded["chapters"][1]["start"] * 1000)
    vtt = (made / "branded" / f"{SLUG}.vtt").read_text(encoding="utf-8")
    assert "\n00:00:02." in vtt  # the first caption comes after the intro


def test_jingles_are_brought_to_the_episode_loudness(made: Path) -> None:
    mp3 = made / "branded" / f"{SLUG}.mp3"
    doc = _document(made, "branded")
    body = doc["duration"] - INTRO_SECONDS - OUTRO_SECONDS
    # Away from the crossfades: the quiet intro raised, the loud outro lowered, both to -16.
    intro = loudness_of(mp3, 0, INTRO_SECONDS - CROSSFADE_SECONDS, made)
    outro = loudness_of(mp3, doc["duration"] - OUTRO_SECONDS + CROSSFADE_SECONDS, 1.0, made)
    speech = loudness_of(mp3, INTRO_SECONDS, body, made)
    assert intro == pytest.approx(-16, abs=0.7)
    assert outro == pytest.approx(-16, abs=0.7)
    assert speech == pytest.approx(-16, abs=0.7)
    assert measure_loudness(mp3)[1] <= -0.5


def test_a_new_jingle_remakes_the_episode_and_the_same_one_does_not(made: Path) -> None:
    options = ("--intro", "intro.wav", "--outro", "outro.ogg")
    again = produce(made, "branded", *options)
    assert again.returncode == 0 and "up to date, skipped" in again.stderr
    tone(made / "outro.ogg", OUTRO_SECONDS, 550, -4, "-c:a", "libvorbis")  # same name, new sound
    remade = produce(made, "branded", *options)
    assert remade.returncode == 0, remade.stderr
    assert "up to date" not in remade.stderr


def test_intro_from_the_config_file(made: Path) -> None:
    (made / "audio-news.toml").write_text('intro = "intro.wav"\n', encoding="utf-8")
    try:
        done = produce(made, "configured")
    finally:
        (made / "audio-news.toml").unlink()
    assert done.returncode == 0, done.stderr
    plain = MP3(made / "plain" / f"{SLUG}.mp3").info.length
    configured = MP3(made / "configured" / f"{SLUG}.mp3").info.length
    assert configured == pytest.approx(INTRO_SECONDS + plain, abs=0.002)


@pytest.mark.parametrize(
    ("option", "name", "message"),
    [
        ("--intro", "missing.wav", "error: intro missing.wav: No such file or directory"),
        ("--intro", "folder", "error: intro folder: Is a directory"),
        ("--outro", "text.mp3", "error: outro text.mp3: not audio that ffmpeg can read"),
        ("--outro", "silent.wav", "error: outro silent.wav: silent"),
        ("--intro", "blip.wav", "error: intro blip.wav: shorter than 1 s"),
    ],
)
def test_bad_files_are_one_line_and_leave_nothing(
    tmp_path: Path, option: str, name: str, message: str
) -> None:
    (tmp_path / "tin.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "text.mp3").write_text("không phải âm thanh", encoding="utf-8")
    run_ffmpeg(["-y", "-f", "lavfi", "-i", "anullsrc=duration=2", str(tmp_path / "silent.wav")])
    tone(tmp_path / "blip.wav", 0.3, 880, -10)
    done = produce(tmp_path, "out", option, name)
    assert done.returncode != 0
    assert done.stderr.strip() == message
    assert not (tmp_path / "out").exists()
