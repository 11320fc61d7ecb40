"""A podcast feed for the episodes in an output folder: RSS 2.0 with Apple's iTunes tags and
the podcast namespace (guid, transcripts, chapters, locked)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from feedgen.feed import FeedGenerator

from ..errors import ConfigError
from ..fsutil import write_bytes_atomic
from ..inputs.meta import xml_text
from .artwork import draw_cover, podcast_picture
from .chapters import JSON_CHAPTERS_TYPE
from .episode import EpisodeDocument, list_episodes
from .page import FEED_NAME
from .podcast_namespace import (
    EXTENSION_NAME,
    PodcastIndexEntryExtension,
    PodcastIndexExtension,
    Transcript,
    feed_guid,
)
from .tags import cover_picture

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
"""Names the item guid of a document made before episodes had their own."""
IMAGE_SUFFIXES = (".jpg", ".png")
COVER_NAMES = ("cover.jpg", "cover.png")
FITTED_PREFIX = "cover-podcast"
"""``cover.jpg`` made square 1400-3000 px RGB is written beside it under this name."""


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
    locked: bool = False
    """podcast:locked: ask other platforms not to import the feed."""
    guid: str | None = None
    """podcast:guid; when unset, named by the feed's URL as the namespace specifies. Set it
    to keep the podcast's identity when the feed moves."""
    type: str = "episodic"
    """itunes:type: ``episodic`` (newest first) or ``serial``."""

    def __post_init__(self) -> None:
        for name in ("title", "description", "category", "owner_name", "owner_email"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"feed {name} must be a non-empty string")
        for name in ("title", "description", "category", "owner_name", "owner_email", "author"):
            value = getattr(self, name)
            if isinstance(value, str) and xml_text(value) != value:
                raise ConfigError(f"feed {name} holds a control character that XML cannot carry")
        if "@" not in self.owner_email:
            raise ConfigError(f"feed owner_email is not an email address: {self.owner_email}")
        if self.image is not None and not self.image.lower().endswith(IMAGE_SUFFIXES):
            raise ConfigError(f"feed image must be a .jpg or .png URL, not {self.image}")
        for name in ("explicit", "locked"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"feed {name} must be true or false")
        if self.type not in ("episodic", "serial"):
            raise ConfigError(f"feed type must be episodic or serial, not {self.type!r}")

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


def episode_guid(episode: EpisodeDocument) -> str:
    """The item's guid, the same wherever the folder is served: the episode's own identity,
    or for a document made before it had one, a name-based UUID of its source's bytes."""
    if episode.guid:
        return f"urn:uuid:{episode.guid}"
    name = episode.source_sha256 or episode.slug
    return f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, name)}"


def _pub_date(episode: EpisodeDocument) -> dt.datetime:
    """The article's own date and time when known, else its date at noon Vietnam time."""
    if episode.published:
        return dt.datetime.fromisoformat(episode.published)
    day = dt.date.fromisoformat(episode.date)
    return dt.datetime(day.year, day.month, day.day, PUBLISH_HOUR, tzinfo=VIETNAM_TZ)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _fitted_cover(out_dir: Path, name: str) -> str:
    """``name`` if podcast apps take it as it is, else a fitted copy written beside it."""
    path = out_dir / name
    picture = cover_picture(path)
    fitted = podcast_picture(picture)
    if fitted is picture:
        return name
    fitted_name = f"{FITTED_PREFIX}{path.suffix}"
    target = out_dir / fitted_name
    if not target.is_file() or target.read_bytes() != fitted.data:
        write_bytes_atomic(target, fitted.data)
    return fitted_name


def _image_url(
    out_dir: Path, base: str, settings: FeedSettings, episodes: list[EpisodeDocument]
) -> str:
    """The configured URL; else the folder's cover; else the newest episode's; else drawn."""
    if settings.image:
        return settings.image
    for name in COVER_NAMES:
        if (out_dir / name).is_file():
            return f"{base}/{quote(_fitted_cover(out_dir, name))}"
    for episode in episodes:
        if episode.image and (out_dir / episode.image).is_file():
            return f"{base}/{quote(episode.image)}"
    draw_cover(out_dir / COVER_NAMES[1], settings.title)
    return f"{base}/{COVER_NAMES[1]}"


def _content_html(episode: EpisodeDocument) -> str:
    """``content:encoded``: the article as written, and a link to the original."""
    paragraphs = episode.paragraphs[1:] or tuple(s.text for s in episode.segments)
    body = "".join(f"<p>{html.escape(xml_text(p))}</p>" for p in paragraphs)
    if episode.url:
        body += f'<p><a href="{html.escape(episode.url)}">Đọc bài gốc</a></p>'
    return body


def _add_item(
    fg: FeedGenerator, episode: EpisodeDocument, out_dir: Path, base: str, number: int | None
) -> None:
    mp3 = out_dir / episode.audio
    entry = fg.add_entry(order="append")
    entry.title(xml_text(episode.title))
    entry.guid(episode_guid(episode), permalink=False)
    entry.link(href=f"{base}/{quote(episode.page_name)}")
    entry.pubDate(_pub_date(episode))
    entry.content(_content_html(episode), type="CDATA")
    entry.description(xml_text(episode.summary or episode.title))
    entry.enclosure(f"{base}/{quote(episode.audio)}", str(mp3.stat().st_size), "audio/mpeg")
    entry.podcast.itunes_duration(_duration(episode.duration))
    entry.podcast.itunes_episode_type("full")
    if number is not None:
        entry.podcast.itunes_episode(number)
    if episode.artist:
        entry.podcast.itunes_author(xml_text(episode.artist))
    if episode.image and (out_dir / episode.image).is_file():
        entry.podcast.itunes_image(f"{base}/{quote(episode.image)}")
    extra = getattr(entry, EXTENSION_NAME)
    for name, kind, rel in (
        (episode.vtt_name, "text/vtt", "captions"),
        (episode.transcript_name, "application/json", None),
    ):
        if (out_dir / name).is_file():
            extra.transcript(Transcript(f"{base}/{quote(name)}", kind, "vi", rel))
    if episode.chapters and (out_dir / episode.chapters_name).is_file():
        extra.chapters(f"{base}/{quote(episode.chapters_name)}", JSON_CHAPTERS_TYPE)


def build_feed(out_dir: Path, base_url: str, settings: FeedSettings) -> bytes:
    """The RSS document for every episode in ``out_dir``, newest first."""
    base = check_base_url(base_url)
    out_dir = Path(out_dir)
    episodes = sorted(list_episodes(out_dir), key=_pub_date, reverse=True)
    feed_url = f"{base}/{FEED_NAME}"
    home = settings.link or f"{base}/"
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension(
        EXTENSION_NAME, PodcastIndexExtension, PodcastIndexEntryExtension, atom=False
    )
    fg.title(settings.title)
    fg.link(href=feed_url, rel="self", type="application/rss+xml")
    fg.link(href=home, rel="alternate")  # after the self link: feedgen's <link> is the last
    fg.description(settings.description)
    fg.language("vi")
    fg.generator("audio-news")
    fg.podcast.itunes_category(settings.category)
    fg.podcast.itunes_owner(name=settings.owner_name, email=settings.owner_email)
    fg.podcast.itunes_author(settings.author or settings.owner_name)
    fg.podcast.itunes_summary(settings.description)
    fg.podcast.itunes_type(settings.type)
    extra = getattr(fg, EXTENSION_NAME)
    extra.explicit(settings.explicit)
    extra.guid(settings.guid or feed_guid(feed_url))
    extra.locked(settings.locked, settings.owner_email)
    image = _image_url(out_dir, base, settings, episodes)
    fg.podcast.itunes_image(image)
    fg.image(url=image, title=settings.title, link=home)
    if episodes:
        fg.lastBuildDate(max(_pub_date(e) for e in episodes))
    for n, episode in enumerate(episodes):
        # A serial podcast numbers its episodes, oldest first; an episodic one need not.
        number = len(episodes) - n if settings.type == "serial" else None
        _add_item(fg, episode, out_dir, base, number)
    rss: bytes = fg.rss_str(pretty=True)
    return rss


def write_feed(out_dir: Path, base_url: str, settings: FeedSettings | None = None) -> Path:
    """Write ``feed.xml`` into ``out_dir`` atomically; returns its path."""
    target = Path(out_dir) / FEED_NAME
    write_bytes_atomic(target, build_feed(out_dir, base_url, settings or FeedSettings()))
    return target
