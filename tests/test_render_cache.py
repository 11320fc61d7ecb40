"""The render cache: an unchanged script and settings give back the same MP3 and timings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from audio_news.audio import Rendered
from audio_news.audio.render_cache import load_render, render_key, store_render
from audio_news.config import AudioSettings, EngineSettings, Settings, settings_from_dict
from audio_news.models import Boundary, Chunk
from audio_news.pipeline import Producer
from audio_news.speech.cache import SegmentCache
from support.helpers import SEED

CHUNKS = (
    Chunk("Tiêu đề", 0, 0, Boundary.TITLE),
    Chunk("Câu thứ nhất,", 1, 1, Boundary.CLAUSE),
    Chunk("và câu thứ hai.", 1, 1, Boundary.END),
)
RENDERED = Rendered(2.5, ((0.0, 0.8), (2.0, 2.2), (2.3, 2.5)), -16.02)


def test_round_trip_gives_back_bytes_and_timings(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path / "cache")
    mp3 = tmp_path / "a.mp3"
    mp3.write_bytes(b"\xff\xfb" + bytes(range(256)) * 40)
    key = render_key("espeak", "v1", CHUNKS, AudioSettings())
    store_render(cache, key, mp3, RENDERED)

    assert load_render(cache, key) == (mp3.read_bytes(), RENDERED)


def test_anything_that_shapes_the_sound_changes_the_key() -> None:
    base = render_key("espeak", "v1", CHUNKS, AudioSettings())
    other_text = (*CHUNKS[:2], dataclasses.replace(CHUNKS[2], text="và câu khác."))
    other_pause = (*CHUNKS[:2], dataclasses.replace(CHUNKS[2], boundary=Boundary.PARAGRAPH))
    variants = {
        render_key("gtts", "v1", CHUNKS, AudioSettings()),
        render_key("espeak", "v2", CHUNKS, AudioSettings()),
        render_key("espeak", "v1", other_text, AudioSettings()),
        render_key("espeak", "v1", other_pause, AudioSettings()),
        render_key("espeak", "v1", CHUNKS, AudioSettings(speed=1.2)),
        render_key("espeak", "v1", CHUNKS, AudioSettings(bitrate_kbps=96)),
        render_key("espeak", "v1", CHUNKS, AudioSettings(loudness_lufs=-19.0)),
    }
    assert base not in variants and len(variants) == 7
    assert (
        render_key(
            "espeak",
            "v1",
            CHUNKS,
            Settings(out_dir="elsewhere", engine=EngineSettings(jobs=3)).audio,
        )
        == base
    )


def test_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path / "cache")
    mp3 = tmp_path / "a.mp3"
    mp3.write_bytes(b"\xff\xfb" * 500)
    key = render_key("espeak", "v1", CHUNKS, AudioSettings())
    store_render(cache, key, mp3, RENDERED)
    entry = cache.path_for(key)
    entry.write_bytes(entry.read_bytes()[:-10])

    assert load_render(cache, key) is None


def test_a_cached_render_lands_in_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    def settings(out: Path) -> Settings:
        options = {"engine": "espeak", "out_dir": str(out), "cache_dir": str(tmp_path / "c")}
        return settings_from_dict(options)

    first = Producer(settings(tmp_path / "a")).produce(str(SEED))
    again = Producer(settings(tmp_path / "b" / "new")).produce(str(SEED))
    assert first is not None and again is not None
    assert Path(again.mp3_path).parent == tmp_path / "b" / "new"
    assert again.duration == first.duration
