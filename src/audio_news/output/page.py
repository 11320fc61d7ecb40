"""The web player's files in the output folder: assets, one page per episode, an index."""

from __future__ import annotations

import html
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
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
ATOM_LINK = "{http://www.w3.org/2005/Atom}link"


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


def site_url(base_url: str | None) -> Callable[[str], str]:
    """A file's URL: absolute under ``base_url`` (link previews want that), else relative."""
    prefix = base_url.rstrip("/") + "/" if base_url else ""
    return lambda name: prefix + quote(name)


def render_episode_page(episode: EpisodeDocument, base_url: str | None = None) -> str:
    """The standalone ``<slug>.html`` page; its transcript is the no-script fallback.

    With ``base_url`` (where the folder is served) its ``og:`` and JSON-LD URLs are absolute.
    """
    url = site_url(base_url)
    body = episode.paragraphs[1:] or tuple(s.text for s in episode.segments)
    transcript = "\n".join(f"<p>{html.escape(p)}</p>" for p in body)
    image = url(episode.image) if episode.image else None
    page = url(episode.page_name) if base_url else None
    return _template("episode.html").substitute(
        title=html.escape(episode.title),
        summary=html.escape(episode.summary),
        meta=_meta_line(episode),
        links=_links(episode),
        cover=_cover(episode),
        og=og_tags(episode.title, episode.summary, "article", image, url(episode.audio), page),
        ld=json_ld(episode_ld(episode, url)),
        json=quote(episode.json_name),
        audio=quote(episode.audio),
        vtt=quote(episode.vtt_name),
        transcript=transcript,
    )


@dataclass(frozen=True)
class Channel:
    """What the folder's ``feed.xml`` says about the site, when there is a readable one."""

    title: str | None = None
    base_url: str | None = None
    """Where the folder is served: the feed's own URL (``atom:link rel="self"``) less its name."""


def read_channel(out_dir: Path) -> Channel:
    try:
        channel = ET.parse(Path(out_dir) / FEED_NAME).find("channel")
    except (OSError, ET.ParseError):
        return Channel()
    if channel is None:
        return Channel()
    title = (channel.findtext("title") or "").strip() or None
    base_url = None
    for link in channel.iter(ATOM_LINK):
        href = link.get("href") or ""
        if link.get("rel") == "self" and href.endswith("/" + FEED_NAME):
            base_url = href[: -len(FEED_NAME) - 1]
    return Channel(title, base_url)


def render_index(out_dir: Path, title: str | None = None) -> str:
    """An HTML page listing every episode in ``out_dir`` with its title and player.

    Its title is ``title``, else the feed's, else a default.
    """
    channel = read_channel(out_dir)
    title = title or channel.title or DEFAULT_INDEX_TITLE
    url = site_url(channel.base_url)
    episodes = list_episodes(out_dir)
    items = []
    for episode in episodes:
        items.append(
            '<article class="anp-item">\n'
            f'<h2><a href="{quote(episode.page_name)}">{html.escape(episode.title)}</a></h2>\n'
            f'<p class="anp-meta">{_meta_line(episode)}</p>\n'
            f'<div class="audio-news-player" {_listed(episode)}'
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
    image = next((url(e.image) for e in episodes if e.image), None)
    return _template("index.html").substitute(
        title=html.escape(title),
        items="\n".join(items),
        feed_link=feed_link,
        og=og_tags(
            title, title, "website", image, None, url(INDEX_NAME) if channel.base_url else None
        ),
        ld=series_ld(title, episodes, url, url(FEED_NAME) if has_feed else None),
    )


def _listed(episode: EpisodeDocument) -> str:
    """What of the index's entry for ``episode`` names it."""
    return f'data-episode="{quote(episode.json_name)}"'


def index_lists(episode: EpisodeDocument, out_dir: Path) -> bool:
    """Whether the folder's index is in place and lists ``episode``."""
    try:
        return _listed(episode) in (Path(out_dir) / INDEX_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def page_in_place(episode: EpisodeDocument, out_dir: Path) -> bool:
    """Whether ``episode``'s page and the player's assets it loads are in the folder."""
    names = (episode.page_name, *ASSETS)
    return all((Path(out_dir) / name).is_file() for name in names)


def write_page(episode: EpisodeDocument, out_dir: Path) -> Path:
    """Install the player assets and write ``<slug>.html`` for one episode; returns its path."""
    install_assets(out_dir)
    target = Path(out_dir) / episode.page_name
    write_text_atomic(target, render_episode_page(episode, read_channel(out_dir).base_url))
    return target


def write_index(out_dir: Path, title: str | None = None) -> Path:
    """Install the player assets and write ``index.html`` listing the episodes."""
    install_assets(out_dir)
    target = Path(out_dir) / INDEX_NAME
    write_text_atomic(target, render_index(out_dir, title))
    return target


def refresh_pages(out_dir: Path, title: str | None = None) -> None:
    """Write again the pages ``out_dir`` has, after its feed changed: the index links the
    feed and takes ``title``, and link previews get absolute URLs under the feed's."""
    out_dir = Path(out_dir)
    for episode in list_episodes(out_dir):
        if (out_dir / episode.page_name).is_file():
            write_page(episode, out_dir)
    if (out_dir / INDEX_NAME).is_file():
        write_index(out_dir, title)
