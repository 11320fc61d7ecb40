"""The podcast feed, read back with feedparser and ElementTree."""

from __future__ import annotations

import shutil
import struct
import subprocess
import uuid
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
from support.helpers import FFMPEG

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
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
        assert entry.id == episode_guid(EpisodeDocument.load(out / f"{slug}.json"))
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
    assert channel.findtext(f"{ITUNES}explicit") == "true"
    assert channel.findtext(f"{ITUNES}type") == "episodic"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}name") == "Toà soạn"
    assert channel.findtext(f"{ITUNES}owner/{ITUNES}email") == "toasoan@example.org"
    assert channel.findtext(f"{ITUNES}author") == "Báo Thử"
    for item in channel.iter("item"):
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false"
        assert item.findtext(f"{ITUNES}duration")


def test_guids_and_bytes_are_stable_across_runs_and_base_urls(out: Path) -> None:
    first = write_feed(out, BASE).read_bytes()
    guids = [e.id for e in feedparser.parse(first).entries]
    second = write_feed(out, BASE).read_bytes()
    assert [e.id for e in feedparser.parse(second).entries] == guids
    assert first == second
    assert len(set(guids)) == 2
    moved = write_feed(out, "http://cdn.example.net/tin").read_bytes()
    assert [e.id for e in feedparser.parse(moved).entries] == guids


def test_a_cover_is_drawn_when_none_is_configured(out: Path) -> None:
    channel = ET.parse(write_feed(out, BASE)).getroot().find("channel")
    assert channel is not None
    image = channel.find(f"{ITUNES}image")
    assert image is not None and image.get("href") == f"{BASE}/cover.png"
    png = (out / "cover.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1400, 1400)


def _picture(path: Path, size: str, pix_fmt: str = "yuvj420p") -> Path:
    args = ["-f", "lavfi", "-i", f"color=c=darkred:s={size}", "-frames:v", "1"]
    subprocess.run(
        [FFMPEG, "-loglevel", "error", "-y", *args, "-pix_fmt", pix_fmt, str(path)], check=True
    )
    return path


def test_an_existing_cover_that_fits_is_used_as_it_is(out: Path) -> None:
    _picture(out / "cover.jpg", "1400x1400")
    write_feed(out, BASE)
    assert f'href="{BASE}/cover.jpg"' in (out / "feed.xml").read_text(encoding="utf-8")
    assert not (out / "cover.png").exists()
    assert not (out / "cover-podcast.jpg").exists()


def test_a_cover_too_small_or_not_square_is_made_square(out: Path) -> None:
    _picture(out / "cover.png", "600x300", "rgba")
    write_feed(out, BASE)
    assert f'href="{BASE}/cover-podcast.png"' in (out / "feed.xml").read_text(encoding="utf-8")
    png = (out / "cover-podcast.png").read_bytes()
    assert struct.unpack(">II", png[16:24]) == (1400, 1400)
    assert png[25] == 2  # RGB, no alpha


def test_the_podcast_namespace_tags(out: Path) -> None:
    settings = FeedSettings(owner_email="toasoan@example.org", locked=True)
    path = write_feed(out, BASE, settings)
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.namespaces["podcast"] == "https://podcastindex.org/namespace/1.0"
    channel = ET.parse(path).getroot().find("channel")
    assert channel is not None
    bare = "bao.example.org/podcast/feed.xml"
    expected = uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), bare)
    assert channel.findtext(f"{PODCAST}guid") == str(expected)
    locked = channel.find(f"{PODCAST}locked")
    assert locked is not None and locked.text == "yes"
    assert locked.get("owner") == "toasoan@example.org"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link is not None and self_link.get("href") == f"{BASE}/feed.xml"
    for item in channel.iter("item"):
        (vtt,) = item.findall(f"{PODCAST}transcript")
        assert vtt.get("type") == "text/vtt" and vtt.get("rel") == "captions"
        assert vtt.get("language") == "vi"
        assert (out / (vtt.get("url") or "").removeprefix(f"{BASE}/")).is_file()
        content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
        assert content.startswith("<p>") and "</p>" in content


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
        {"title": "Bản tin\x01"},
        {"author": "Báo\ufffe"},
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


def test_characters_xml_cannot_carry_are_left_out_of_the_feed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    make_episode(
        out,
        slug="tin-thu",
        title="Tin \x01thử\ufffe",
        body=(("Câu \x1b[31mmột\x0b.",),),
        extra={"artist": "Báo\x02 Thử", "summary": "Tóm\uffff tắt"},
    )
    write_feed(out, BASE)
    parsed = feedparser.parse(str(out / "feed.xml"))
    assert not parsed.bozo
    entry = parsed.entries[0]
    assert (entry.title, entry.author, entry.summary) == ("Tin thử", "Báo Thử", "Tóm tắt")
    assert "Câu [31mmột." in entry.content[0].value


def test_the_drawn_cover_shows_a_title_as_written_never_expanded(tmp_path: Path) -> None:
    """drawtext expands %{...} unless told not to: 'Tin %{n}' was drawn as 'Tin 0'."""
    from audio_news.output.artwork import draw_cover

    written = draw_cover(tmp_path / "a.png", "Tin %{n}").read_bytes()
    expanded = draw_cover(tmp_path / "b.png", "Tin 0").read_bytes()
    again = draw_cover(tmp_path / "c.png", "Tin 0").read_bytes()
    assert expanded == again, "the same title must draw the same cover"
    assert written != expanded
