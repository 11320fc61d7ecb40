"""End to end with Google's voice: the real gTTS code path, through a local stand-in."""

from __future__ import annotations

import re
from pathlib import Path

from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from support.gtts_standin import GttsStandin
from support.helpers import SEED, SEED_SLUG, assert_valid_episode_file, ebur128, run_cli

VIETNAMESE_TEXT = re.compile(r"[\w\s,.;:!?…'\"“”‘’()\-–]+")


def test_gtts_episode_is_complete_and_requests_are_clean(
    gtts_standin: GttsStandin, tmp_path: Path
) -> None:
    script = run_cli("script", str(SEED), "--engine", "gtts", cwd=tmp_path)
    chunks = script.stdout.splitlines()

    result = run_cli(
        "produce", str(SEED), "--engine", "gtts", "--cache-dir", str(tmp_path / "c"), cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    sent = gtts_standin.texts
    assert sorted(set(sent)) == sorted(set(chunks))
    assert len(sent) == len(set(chunks))
    for text in sent:
        assert 0 < len(text) <= 100
        assert VIETNAMESE_TEXT.fullmatch(text), text
        assert not re.search(r"\d|0:00|BBK|Xem thêm", text)
    mp3 = tmp_path / "output" / f"{SEED_SLUG}.mp3"
    speech_s = sum(len(text) for text in chunks) * 0.060
    assert speech_s * 0.8 < MP3(mp3).info.length < speech_s + 0.9 * len(chunks)
    assert str(ID3(mp3)["TXXX:engine"]) == "gtts"
    integrated, peak = ebur128(mp3)
    assert -17.0 <= integrated <= -15.0 and peak <= -1.0
    document = assert_valid_episode_file(tmp_path / "output" / f"{SEED_SLUG}.json")
    assert document["engine"] == "gtts"
    assert document["segments"][-1]["end"] <= document["duration"]


def test_warm_rerun_sends_no_request(gtts_standin: GttsStandin, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    first = run_cli("produce", str(SEED), "--engine", "gtts", "--cache-dir", cache, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    cold_requests = len(gtts_standin.requests)
    gtts_standin.reset()

    again = run_cli(
        "produce", str(SEED), "--engine", "gtts", "--cache-dir", cache, "--force", cwd=tmp_path
    )

    assert again.returncode == 0, again.stderr
    assert cold_requests > 50
    assert gtts_standin.requests == []
