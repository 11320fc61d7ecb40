"""The web player's files in the output folder: assets, one page per episode, an index."""

from __future__ import annotations

import html
import math
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from string import Template
from urllib.parse import quote

from ..fsutil import write_bytes_atomic, write_text_atomic
from .episode import EpisodeDocument, list_episodes
from .page_meta import episode_ld, json_ld, og_tags, series_ld, time_element

FAVICON_NAME = "favicon.ico"
ASSETS = ("player.js", "player.css", FAVICON_NAME)
"""Static files copied beside the episodes."""
INDEX_NAME = "index.html"
FEED_NAME = "feed.xml"
DEFAULT_INDEX_TITLE = "Bản tin âm thanh"


def clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss``, as the player shows it."""
    whole = max(0, math.floor(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def asset_bytes(name: str) -> bytes:
    """One of the player's files, as the package ships it."""
    return (resources.files("audio_news.output") / "player" / name).read_bytes()


def _template(name: str) -> Template:
    return Template(asset_bytes(name).decode("utf-8"))


def install_assets(out_dir: Path) -> list[Path]:
    """Copy ``player.js`` and ``player.css`` into ``out_dir`` when missing or outdated."""
    written = []
    for name in ASSETS:
        target = Path(out_dir) / name
        data = asset_bytes(name)
        try:
            current = target.read_bytes() if target.is_file() else None
        except OSError:
            current = None
        if current != data:
            write_bytes_atomic(target, data)
            written.append(target)
    return written


def _meta_line(episode: EpisodeDocument) -> str:
    parts = [html.escape(p) for p in (episode.artist, episode.album) if p]
    return " · ".join([time_element(episode), clock(episode.duration), *parts])


def _links(episode: EpisodeDocument) -> str:
    links = []
    if episode.url:
        links.append(f'<a href="{html.escape(episode.url)}" rel="noopener">Đọc bài gốc</a>')
    links.append(f'<a href="{quote(episode.audio)}" download>Tải MP3</a>')
    return " · ".join(links)


def _cover(episode: EpisodeDocument) -> str:
    if not episode.image:
        return ""
    return f'<img class="anp-cover" src="{quote(episode.image)}" alt="" width="320" height="320">'


def render_episode_page(episode: EpisodeDocument) -> str:
    """The standalone ``<slug>.html`` page; its transcript is the no-script fallback."""
    body = episode.paragraphs[1:] or tuple(s.text for s in episode.segments)
    transcript = "\n".join(f"<p>{html.escape(p)}</p>" for p in body)
    image = quote(episode.image) if episode.image else None
    return _template("episode.html").substitute(
        title=html.escape(episode.title),
        summary=html.escape(episode.summary),
        meta=_meta_line(episode),
        links=_links(episode),
        cover=_cover(episode),
        og=og_tags(episode.title, episode.summary, "article", image, quote(episode.audio)),
        ld=json_ld(episode_ld(episode)),
        json=quote(episode.json_name),
        audio=quote(episode.audio),
        vtt=quote(episode.vtt_name),
        transcript=transcript,
    )


def feed_title(out_dir: Path) -> str | None:
    """The channel title of ``out_dir``'s ``feed.xml``, when there is a readable one."""
    try:
        channel_title = ET.parse(Path(out_dir) / FEED_NAME).findtext("channel/title")
    except (OSError, ET.ParseError):
        return None
    return channel_title.strip() if channel_title and channel_title.strip() else None


def render_index(out_dir: Path, title: str | None = None) -> str:
    """An HTML page listing every episode in ``out_dir`` with its title and player.

    Its title is ``title``, else the feed's, else a default.
    """
    title = title or feed_title(out_dir) or DEFAULT_INDEX_TITLE
    episodes = list_episodes(out_dir)
    items = []
    for episode in episodes:
        items.append(
            '<article class="anp-item">\n'
            f'<h2><a href="{quote(episode.page_name)}">{html.escape(episode.title)}</a></h2>\n'
            f'<p class="anp-meta">{_meta_line(episode)}</p>\n'
            f'<div class="audio-news-player" data-episode="{quote(episode.json_name)}"'
            ' data-title="off" data-preload="none"></div>\n'
            "</article>"
        )
    if not items:
        items.append("<p>Chưa có bản tin nào.</p>")
    has_feed = (Path(out_dir) / FEED_NAME).is_file()
    feed_link = (
        f'<link rel="alternate" type="application/rss+xml" title="{html.escape(title)}"'
        f' href="{FEED_NAME}">'
        if has_feed
        else ""
    )
    image = next((quote(e.image) for e in episodes if e.image), None)
    return _template("index.html").substitute(
        title=html.escape(title),
        items="\n".join(items),
        feed_link=feed_link,
        og=og_tags(title, title, "website", image),
        ld=series_ld(title, episodes, FEED_NAME if has_feed else None),
    )


def write_page(episode: EpisodeDocument, out_dir: Path) -> Path:
    """Install the player assets and write ``<slug>.html`` for one episode; returns its path."""
    install_assets(out_dir)
    target = Path(out_dir) / episode.page_name
    write_text_atomic(target, render_episode_page(episode))
    return target


def write_index(out_dir: Path, title: str | None = None) -> Path:
    """Install the player assets and write ``index.html`` listing the episodes."""
    install_assets(out_dir)
    target = Path(out_dir) / INDEX_NAME
    write_text_atomic(target, render_index(out_dir, title))
    return target
