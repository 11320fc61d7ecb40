"""A podcast feed (RSS 2.0 with the iTunes namespace) for the episodes in an output folder."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import tempfile
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from feedgen.feed import FeedGenerator

from ..audio.ffmpeg import run_ffmpeg
from ..errors import AudioError, ConfigError, OutputError
from ..fsutil import atomic_path, write_bytes_atomic
from .episode import EpisodeDocument, list_episodes
from .page import FEED_NAME

logger = logging.getLogger(__name__)

DEFAULT_FEED_TITLE = "Bản tin âm thanh"
DEFAULT_FEED_DESCRIPTION = "Tin tức tiếng Việt, đọc thành tiếng."
DEFAULT_CATEGORY = "News"
DEFAULT_OWNER_NAME = "audio-news"
DEFAULT_OWNER_EMAIL = "podcast@example.com"
PUBLISH_HOUR = 12
"""Episodes carry a date only; they are stamped at noon Vietnam time."""
VIETNAM_TZ = dt.timezone(dt.timedelta(hours=7))
GUID_NAMESPACE = uuid.UUID("9c3a8f5e-2b1d-4c7e-9a60-5d1f0e7b3a21")
"""Fixed, so a guid depends only on the feed's base URL and the episode's slug."""
IMAGE_SUFFIXES = (".jpg", ".png")
COVER_NAMES = ("cover.jpg", "cover.png")
COVER_PIXELS = 1400
"""The smallest square Apple Podcasts accepts."""
COVER_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)
"""Fonts with Vietnamese letters to print the title with; without one the cover is plain."""


@dataclass(frozen=True)
class FeedSettings:
    """The channel's own fields; read from the ``[feed]`` table of the config file."""

    title: str = DEFAULT_FEED_TITLE
    description: str = DEFAULT_FEED_DESCRIPTION
    link: str | None = None
    """The podcast's web page; the base URL when unset."""
    image: str | None = None
    """Cover art URL (``.jpg`` or ``.png``, 1400-3000 px square). When unset, ``cover.jpg``
    or ``cover.png`` in the output folder; one is drawn there when neither exists."""
    category: str = DEFAULT_CATEGORY
    """An Apple Podcasts category, e.g. ``News``."""
    explicit: bool = False
    owner_name: str = DEFAULT_OWNER_NAME
    owner_email: str = DEFAULT_OWNER_EMAIL
    """Shown to podcast directories only; set your own."""
    author: str | None = None
    """itunes:author; the owner's name when unset."""

    def __post_init__(self) -> None:
        for name in ("title", "description", "category", "owner_name", "owner_email"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"feed {name} must be a non-empty string")
        if "@" not in self.owner_email:
            raise ConfigError(f"feed owner_email is not an email address: {self.owner_email}")
        if self.image is not None and not self.image.lower().endswith(IMAGE_SUFFIXES):
            raise ConfigError(f"feed image must be a .jpg or .png URL, not {self.image}")
        if not isinstance(self.explicit, bool):
            raise ConfigError("feed explicit must be true or false")

    def with_overrides(self, **values: Any) -> FeedSettings:
        """A copy with every value that is not None replaced."""
        return _replace(self, {k: v for k, v in values.items() if v is not None})


def _replace(base: FeedSettings, values: dict[str, Any]) -> FeedSettings:
    names = {f.name for f in dataclasses.fields(FeedSettings)}
    unknown = set(values) - names
    if unknown:
        raise ConfigError(f"unknown feed setting(s): {', '.join(sorted(unknown))}")
    try:
        return dataclasses.replace(base, **values)
    except (TypeError, AttributeError) as e:
        raise ConfigError(f"invalid feed setting: {e}") from e


def feed_settings_from_dict(config: dict[str, Any]) -> FeedSettings:
    """``FeedSettings`` from the ``[feed]`` table of a parsed config file."""
    table = config.get("feed", {})
    if not isinstance(table, dict):
        raise ConfigError("[feed] in the config file must be a table")
    return _replace(FeedSettings(), table)


def check_base_url(base_url: str) -> str:
    """``base_url`` without its trailing slash; it must be an absolute http(s) URL."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"base URL must look like https://host/path, not {base_url!r}")
    return base_url.rstrip("/")


def episode_guid(base_url: str, slug: str) -> str:
    """Stable across re-runs: a name-based UUID of the base URL and the slug."""
    return f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, f'{check_base_url(base_url)}/{slug}')}"


def _pub_date(episode: EpisodeDocument) -> dt.datetime:
    day = dt.date.fromisoformat(episode.date)
    return dt.datetime(day.year, day.month, day.day, PUBLISH_HOUR, tzinfo=VIETNAM_TZ)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def make_cover(target: Path, title: str) -> Path:
    """Draw a square PNG cover (a blue gradient with the title) with ffmpeg."""
    source = (
        f"gradients=s={COVER_PIXELS}x{COVER_PIXELS}:c0=0x0b5cad:c1=0x062f5a"
        f":x0=0:y0=0:x1={COVER_PIXELS}:y1={COVER_PIXELS}:nb_colors=2"
    )
    font = next((f for f in COVER_FONTS if Path(f).is_file()), None)
    with tempfile.TemporaryDirectory() as tmp, atomic_path(target) as out:
        text_filter = ""
        if font:
            text_file = Path(tmp) / "title.txt"
            text_file.write_text("\n".join(textwrap.wrap(title, 16)[:5]), encoding="utf-8")
            text_filter = (
                f",drawtext=fontfile={font}:textfile={text_file}:fontcolor=white:fontsize=120"
                ":line_spacing=24:x=(w-text_w)/2:y=(h-text_h)/2"
            )
        args = [
            "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", source + text_filter + ",format=rgb24",
            "-frames:v", "1", "-f", "image2", "-c:v", "png", str(out),
        ]  # fmt: skip
        try:
            run_ffmpeg(args)
        except AudioError as e:
            raise OutputError(f"cannot draw the cover {target}: {e}") from e
    return target


def _image_url(out_dir: Path, base: str, settings: FeedSettings) -> str:
    if settings.image:
        return settings.image
    for name in COVER_NAMES:
        if (out_dir / name).is_file():
            return f"{base}/{name}"
    make_cover(out_dir / COVER_NAMES[1], settings.title)
    return f"{base}/{COVER_NAMES[1]}"


def build_feed(out_dir: Path, base_url: str, settings: FeedSettings) -> bytes:
    """The RSS document for every episode in ``out_dir``, newest first."""
    base = check_base_url(base_url)
    out_dir = Path(out_dir)
    episodes = list_episodes(out_dir)
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title(settings.title)
    fg.link(href=settings.link or f"{base}/", rel="alternate")
    fg.description(settings.description)
    fg.language("vi")
    fg.generator("audio-news")
    fg.podcast.itunes_category(settings.category)
    fg.podcast.itunes_explicit("yes" if settings.explicit else "no")
    fg.podcast.itunes_owner(name=settings.owner_name, email=settings.owner_email)
    fg.podcast.itunes_author(settings.author or settings.owner_name)
    fg.podcast.itunes_summary(settings.description)
    image = _image_url(out_dir, base, settings)
    fg.podcast.itunes_image(image)
    fg.image(url=image, title=settings.title, link=settings.link or f"{base}/")
    if episodes:
        fg.lastBuildDate(max(_pub_date(e) for e in episodes))
    for episode in episodes:
        mp3 = out_dir / episode.audio
        entry = fg.add_entry(order="append")
        entry.title(episode.title)
        entry.guid(episode_guid(base, episode.slug), permalink=False)
        entry.link(href=f"{base}/{quote(episode.page_name)}")
        entry.pubDate(_pub_date(episode))
        entry.description(episode.summary or episode.title)
        entry.enclosure(f"{base}/{quote(episode.audio)}", str(mp3.stat().st_size), "audio/mpeg")
        entry.podcast.itunes_duration(_duration(episode.duration))
        if episode.artist:
            entry.podcast.itunes_author(episode.artist)
    rss: bytes = fg.rss_str(pretty=True)
    return rss


def write_feed(out_dir: Path, base_url: str, settings: FeedSettings | None = None) -> Path:
    """Write ``feed.xml`` into ``out_dir`` atomically; returns its path."""
    target = Path(out_dir) / FEED_NAME
    write_bytes_atomic(target, build_feed(out_dir, base_url, settings or FeedSettings()))
    return target
