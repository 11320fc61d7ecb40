"""The web player's files in the output folder: assets, one page per episode, an index."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any, TypeGuard
from urllib.parse import quote

from ..errors import InputError
from ..fsutil import write_bytes_atomic, write_text_atomic

logger = logging.getLogger(__name__)

ASSETS = ("player.js", "player.css")
"""Static files copied beside the episodes."""
INDEX_NAME = "index.html"
FEED_NAME = "feed.xml"
DEFAULT_INDEX_TITLE = "Bản tin âm thanh"
EPISODE_VERSION = 1


@dataclass(frozen=True)
class EpisodeSegment:
    """One timed sentence of an episode's JSON sidecar."""

    text: str
    start: float
    end: float
    paragraph: int


@dataclass(frozen=True)
class EpisodeInfo:
    """An episode's JSON sidecar, checked."""

    slug: str
    """The JSON file's stem; names the ``.html`` page too."""
    title: str
    audio: str
    """File name of the MP3, beside the JSON."""
    duration: float
    engine: str
    date: str
    summary: str
    artist: str | None
    album: str | None
    paragraphs: tuple[str, ...]
    segments: tuple[EpisodeSegment, ...]

    @property
    def json_name(self) -> str:
        return f"{self.slug}.json"

    @property
    def vtt_name(self) -> str:
        return f"{self.slug}.vtt"

    @property
    def page_name(self) -> str:
        return f"{self.slug}.html"


def _require(ok: bool, path: Path, what: str) -> None:
    if not ok:
        raise InputError(f"{path.name} is not a valid episode file: {what}")


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _segment(raw: object, path: Path) -> EpisodeSegment:
    if not isinstance(raw, dict):
        raise InputError(f"{path.name} is not a valid episode file: a segment is not an object")
    text, start, end, paragraph = (raw.get(k) for k in ("text", "start", "end", "paragraph"))
    if not (
        isinstance(text, str)
        and _is_number(start)
        and _is_number(end)
        and isinstance(paragraph, int)
        and not isinstance(paragraph, bool)
    ):
        raise InputError(
            f"{path.name} is not a valid episode file: a segment needs text, start, end, paragraph"
        )
    return EpisodeSegment(text, float(start), float(end), paragraph)


def parse_episode(doc: Any, path: Path) -> EpisodeInfo:
    """Check a decoded sidecar; ``path`` names it in errors and gives the slug."""
    _require(isinstance(doc, dict), path, "not a JSON object")
    _require(doc.get("version") == EPISODE_VERSION, path, f"version is not {EPISODE_VERSION}")
    audio = doc.get("audio")
    _require(isinstance(audio, str) and audio.endswith(".mp3"), path, "audio must name an MP3")
    _require(
        Path(audio).name == audio and not audio.startswith("."),
        path,
        "audio must be a plain file name",
    )
    for key in ("title", "engine", "date", "summary"):
        _require(isinstance(doc.get(key), str), path, f"{key} must be a string")
    _require(bool(doc["title"].strip()), path, "title is empty")
    try:
        dt.date.fromisoformat(doc["date"])
    except ValueError as e:
        raise InputError(f"{path.name} is not a valid episode file: date must be YYYY-MM-DD") from e
    _require(
        _is_number(doc.get("duration")) and doc["duration"] >= 0,
        path,
        "duration must be a number of seconds",
    )
    _require(
        _optional_str(doc.get("artist")) and _optional_str(doc.get("album")),
        path,
        "artist and album must be strings or null",
    )
    paragraphs, segments = doc.get("paragraphs"), doc.get("segments")
    _require(
        isinstance(paragraphs, list) and all(isinstance(p, str) for p in paragraphs),
        path,
        "paragraphs must be a list of strings",
    )
    _require(isinstance(segments, list), path, "segments must be a list")
    return EpisodeInfo(
        slug=path.stem,
        title=doc["title"],
        audio=audio,
        duration=float(doc["duration"]),
        engine=doc["engine"],
        date=doc["date"],
        summary=doc["summary"],
        artist=doc.get("artist"),
        album=doc.get("album"),
        paragraphs=tuple(paragraphs),
        segments=tuple(_segment(s, path) for s in segments),
    )


def load_episode(json_path: Path) -> EpisodeInfo:
    """Read and check ``<slug>.json``."""
    try:
        doc = json.loads(Path(json_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"cannot read episode file {json_path}: {e}") from e
    return parse_episode(doc, Path(json_path))


def list_episodes(out_dir: Path) -> list[EpisodeInfo]:
    """Valid episodes in ``out_dir`` whose MP3 exists, newest date first."""
    episodes = []
    for path in sorted(Path(out_dir).glob("*.json")):
        if path.name.startswith("."):
            continue
        try:
            episode = load_episode(path)
        except InputError as e:
            logger.info("skipping %s", e)
            continue
        if (path.parent / episode.audio).is_file():
            episodes.append(episode)
    return sorted(episodes, key=lambda e: e.date, reverse=True)


def clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss``, as the player shows it."""
    whole = max(0, math.floor(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _asset_bytes(name: str) -> bytes:
    return (resources.files("audio_news.output") / "player" / name).read_bytes()


def _template(name: str) -> Template:
    return Template(_asset_bytes(name).decode("utf-8"))


def install_assets(out_dir: Path) -> list[Path]:
    """Copy ``player.js`` and ``player.css`` into ``out_dir`` when missing or outdated."""
    written = []
    for name in ASSETS:
        target = Path(out_dir) / name
        data = _asset_bytes(name)
        try:
            current = target.read_bytes() if target.is_file() else None
        except OSError:
            current = None
        if current != data:
            write_bytes_atomic(target, data)
            written.append(target)
    return written


def _meta_line(episode: EpisodeInfo) -> str:
    parts = [episode.date, clock(episode.duration)]
    parts += [p for p in (episode.artist, episode.album) if p]
    return html.escape(" · ".join(parts))


def render_episode_page(episode: EpisodeInfo) -> str:
    """The standalone ``<slug>.html`` page; its transcript is the no-script fallback."""
    body = episode.paragraphs[1:] or tuple(s.text for s in episode.segments)
    transcript = "\n".join(f"<p>{html.escape(p)}</p>" for p in body)
    return _template("episode.html").substitute(
        title=html.escape(episode.title),
        summary=html.escape(episode.summary),
        meta=_meta_line(episode),
        json=quote(episode.json_name),
        audio=quote(episode.audio),
        vtt=quote(episode.vtt_name),
        transcript=transcript,
    )


def render_index(out_dir: Path, title: str = DEFAULT_INDEX_TITLE) -> str:
    """An HTML page listing every episode in ``out_dir`` with its title and player."""
    items = []
    for episode in list_episodes(out_dir):
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
    feed = Path(out_dir) / FEED_NAME
    feed_link = (
        f'<link rel="alternate" type="application/rss+xml" href="{FEED_NAME}">'
        if feed.is_file()
        else ""
    )
    return _template("index.html").substitute(
        title=html.escape(title), items="\n".join(items), feed_link=feed_link
    )


def write_player(out_dir: Path, json_path: Path) -> Path:
    """Install the player assets and write ``<slug>.html`` for one episode; returns its path."""
    episode = load_episode(json_path)
    install_assets(out_dir)
    target = Path(out_dir) / episode.page_name
    write_text_atomic(target, render_episode_page(episode))
    return target


def write_index(out_dir: Path, title: str = DEFAULT_INDEX_TITLE) -> Path:
    """Install the player assets and write ``index.html`` listing the episodes."""
    install_assets(out_dir)
    target = Path(out_dir) / INDEX_NAME
    write_text_atomic(target, render_index(out_dir, title))
    return target
