"""The publishing steps after assembly, on real espeak episodes: their order, ``--no-player``,
a bad cover, and the index written once per batch."""

from __future__ import annotations

import collections
import os
from pathlib import Path
from typing import Any

import pytest

import audio_news
from audio_news.cli.batch import run_batch
from audio_news.config import Settings, settings_from_dict
from audio_news.errors import ConfigError
from audio_news.output.episode import EpisodeDocument, list_episodes
from audio_news.pipeline import Producer, publishing_steps

TITLES = ("Mưa lớn ở Đà Nẵng", "Nắng nóng ở Huế", "Gió mùa về Hà Nội")


def _articles(folder: Path) -> list[str]:
    sources = []
    for n, title in enumerate(TITLES, start=1):
        path = folder / f"tin-{n}.txt"
        path.write_text(f"{title}\n\nBản tin số {n} chỉ có một câu.\n", encoding="utf-8")
        sources.append(str(path))
    return sources


def _settings(tmp_path: Path, **options: Any) -> Settings:
    base = {"engine": "espeak", "out_dir": str(tmp_path / "out"), "quiet": True}
    return settings_from_dict({**base, "cache_dir": str(tmp_path / "cache"), **options})


class Counts:
    """How often the real code renames a file into ``index.html`` and parses an episode file."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.index_writes = 0
        self.parsed: collections.Counter[str] = collections.Counter()
        real_replace, real_from_json = os.replace, EpisodeDocument.from_json

        def replace(src: Any, dst: Any) -> None:
            self.index_writes += Path(dst).name == "index.html"
            real_replace(src, dst)

        def from_json(cls: type, text: str | bytes, name: str = "episode") -> EpisodeDocument:
            self.parsed[name] += 1
            return real_from_json(text, name)

        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(EpisodeDocument, "from_json", classmethod(from_json))


def test_steps_run_in_order_and_no_player_drops_the_page_and_index() -> None:
    names = [step.name for step in publishing_steps(Settings())]
    assert names == [
        "tagging", "captions", "transcript", "chapters", "cover", "page", "document", "index"
    ]  # fmt: skip
    without_player = [*names[:5], "document"]
    assert [step.name for step in publishing_steps(Settings(player=False))] == without_player
    assert [step.name for step in publishing_steps(Settings()) if step.per_batch] == ["index"]


def test_a_batch_writes_the_index_once_and_parses_each_document_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sources, settings = _articles(tmp_path), _settings(tmp_path)
    counts = Counts(monkeypatch)

    assert run_batch(sources, settings, force=False) == []

    out = tmp_path / "out"
    made = sorted(p.name for p in out.glob("*.json") if p.name.count(".") == 1)
    assert len(made) == len(TITLES)
    assert counts.index_writes == 1
    assert counts.parsed == collections.Counter(made), "each document parsed once, by the index"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(title in index for title in TITLES)

    again = Counts(monkeypatch)
    assert run_batch(sources, settings, force=False) == []
    assert again.index_writes == 0, "nothing made, nothing to list anew"
    capsys.readouterr()


def test_the_single_episode_api_writes_the_index(tmp_path: Path) -> None:
    (source,) = _articles(tmp_path)[:1]
    out = tmp_path / "out"
    episode = audio_news.produce(source, str(out), engine="espeak", cache_dir=str(tmp_path / "c"))
    assert [e.slug for e in list_episodes(out)] == [episode.slug]
    assert f'href="{episode.slug}.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_without_the_player_an_episode_is_its_mp3_and_sidecars(tmp_path: Path) -> None:
    (source,) = _articles(tmp_path)[:1]
    producer = Producer(_settings(tmp_path, player=False))
    episode = producer.produce(source)
    producer.finish()
    assert episode is not None
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    extensions = (".chapters.json", ".json", ".mp3", ".transcript.json", ".vtt")
    assert names == sorted(f"{episode.slug}{ext}" for ext in extensions)


def test_a_cover_that_is_not_a_picture_fails_before_anything_is_made(tmp_path: Path) -> None:
    bad = tmp_path / "cover.png"
    bad.write_text("not a picture", encoding="utf-8")
    with pytest.raises(ConfigError, match="JPEG or PNG"):
        Producer(_settings(tmp_path, cover=str(bad)))
    assert not (tmp_path / "out").exists()
