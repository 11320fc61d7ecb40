"""The podcast feed, read back with feedparser and ElementTree."""

from __future__ import annotations

import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from audio_news.cli.publish import feed as feed_command
from audio_news.errors import ConfigError
from audio_news.output.episode import EpisodeDocument
from audio_news.output.feed import (
    FeedSettings,
    check_base_url,
    episode_guid,
    feed_settings_from_dict,
    write_feed,
)
from support.episode_factory import make_episode

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
BASE = "https://bao.example.org/podcast"


@pytest.fixture(scope="module")
def two_episodes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feed")
    make_episode(out, slug="mua-lon", title="Hà Nội mưa lớn", date="2024-05-17")
    make_episode(
        out,
        slug="nang-nong",
        title="Nắng nóng miền Trung",
        date="2024-06-02",
        body=(("Nhiệt độ lên tới 40 độ.",),),
    )
    return out


@pytest.fixture()
def out(two_episodes: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    shutil.copytree(two_episodes, folder)
    return folder


def test_feed_parses_and_enclosures_match_file_sizes(out: Path) -> None:
    settings = FeedSettings(
        title="Bản tin Thử", owner_name="Toà soạn", owner_email="toasoan@example.org"
    )
    path = write_feed(out, BASE + "/", settings)
    assert path == out / "feed.xml"
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Bản tin Thử"
    assert parsed.feed.language == "vi"
    assert parsed.feed.link == BASE + "/"
    assert [e.title for e in parsed.entries] == ["Nắng nóng miền Trung", "Hà Nội mưa lớn"]
    for entry, slug in zip(parsed.entries, ("nang-nong", "mua-lon"), strict=True):
        (enclosure,) = entry.enclosures
        assert enclosure.href == f"{BASE}/{slug}.mp3"
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == (out / f"{slug}.mp3").stat().st_size
        assert entry.guidislink is False
        assert entry.id == episode_guid(BASE, slug)
        assert entry.link == f"{BASE}/{slug}.html"
        seconds = round(EpisodeDocument.load(out / f"{slug}.json").duration)
        assert 2 <= seconds <= 7
        assert entry.itunes_duration == f"00:00:{seconds:02d}"
    assert parsed.entries[1].published_parsed[:3] == (2024, 5, 17)
    assert parsed.entries[0].summary == "Nhiệt độ lên tới 40 độ."


def test_channel_has_the_itunes_fields(out: Path) -> None:
    settings = FeedSettings(
        category="News",
        explicit=True,
        owner_name="Toà soạn",
        owner_email="toasoan@example.org",
        author="Báo Thử",
        image="https://bao.example.org/cover.jpg",
    )
    channel = ET.parse(write_feed(out, BASE, settings)).getroot().find("channel")
    assert channel is not None
    assert channel.findtext("language") == "vi"
    image = channel.find(f"{ITUNES}image")
    assert image is not None and image.get("href") == "https://bao.example.org/cover.jpg"
    category = channel.find(f"{ITUNES}category")
    assert category is not None and category.get("text") == "News"
    assert channel.findtext(f"{ITUNES}explicit") == "yes"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}name") == "Toà soạn"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}email") == "toasoan@example.org"
    assert channel.findtext(f"{ITUNES}author") == "Báo Thử"
    for item in channel.iter("item"):
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false"
        assert item.findtext(f"{ITUNES}duration")


def test_guids_and_bytes_are_stable_across_runs(out: Path) -> None:
    first = write_feed(out, BASE).read_bytes()
    guids = [e.id for e in feedparser.parse(first).entries]
    second = write_feed(out, BASE).read_bytes()
    assert [e.id for e in feedparser.parse(second).entries] == guids
    assert first == second
    assert len(set(guids)) == 2
    assert episode_guid("https://other.example.org", "mua-lon") not in guids


def test_a_cover_is_drawn_when_none_is_configured(out: Path) -> None:
    channel = ET.parse(write_feed(out, BASE)).getroot().find("channel")
    assert channel is not None
    image = channel.find(f"{ITUNES}image")
    assert image is not None and image.get("href") == f"{BASE}/cover.png"
    png = (out / "cover.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1400, 1400)


def test_an_existing_cover_is_used(out: Path) -> None:
    (out / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    write_feed(out, BASE)
    assert f'href="{BASE}/cover.jpg"' in (out / "feed.xml").read_text(encoding="utf-8")
    assert not (out / "cover.png").exists()


def test_settings_come_from_the_feed_table() -> None:
    settings = feed_settings_from_dict(
        {
            "engine": "espeak",
            "feed": {"title": "Tin sáng", "explicit": False, "owner_email": "a@b.vn"},
        }
    )
    assert settings.title == "Tin sáng"
    assert settings.owner_email == "a@b.vn"
    assert settings.with_overrides(title="Tin tối", author=None).title == "Tin tối"
    assert feed_settings_from_dict({}) == FeedSettings()


@pytest.mark.parametrize(
    "table",
    [
        {"colour": "red"},
        {"owner_email": "nobody"},
        {"image": "cover.gif"},
        {"explicit": "maybe"},
        {"title": ""},
    ],
)
def test_bad_feed_settings_are_config_errors(table: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        feed_settings_from_dict({"feed": table})


@pytest.mark.parametrize(
    "url", ["bao.example.org", "ftp://bao.example.org", "https://", "https://x.org/?q=1"]
)
def test_base_url_must_be_absolute_http(url: str) -> None:
    with pytest.raises(ConfigError, match="base URL"):
        check_base_url(url)


def test_cli_writes_the_feed_with_config_and_overrides(out: Path) -> None:
    config = {"feed": {"title": "Từ cấu hình", "owner_email": "cfg@example.org"}}
    result = CliRunner().invoke(
        feed_command,
        [str(out), "--base-url", BASE, "--owner-name", "Ban biên tập"],
        obj={"config": config, "config_path": None},
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out / "feed.xml")
    channel = ET.parse(out / "feed.xml").getroot().find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Từ cấu hình"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}name") == "Ban biên tập"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}email") == "cfg@example.org"


def test_cli_lets_config_errors_reach_the_group(out: Path) -> None:
    result = CliRunner().invoke(feed_command, [str(out), "--base-url", "not a url"], obj={})
    assert isinstance(result.exception, ConfigError)
    assert not (out / "feed.xml").exists()
