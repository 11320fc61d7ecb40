"""The episode document: the JSON beside each MP3, its one writer and its one reader.

The player, the page, the index, the feed, the server and the pipeline's up-to-date check
all read it through ``EpisodeDocument``; ``episode.schema.json`` beside this module says the
same in JSON Schema for other readers.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..config import TagSettings
from ..errors import InputError, reason
from ..fsutil import write_text_atomic
from ..models import Chapter, Cue, Metadata, Segment
from .episode_fields import (
    InvalidDocument,
    bounded_int,
    checked_fields,
    refuse_constant,
)

logger = logging.getLogger(__name__)

VERSION = 2
"""The document's format, as written."""
SCHEMA_NAME = "episode.schema.json"
MAX_DOCUMENT_BYTES = 50_000_000
"""Larger than any real episode document (a ten-hour article is a few MB)."""
"""The JSON Schema of the document, package data beside this module."""

OTHER_JSON_SUFFIXES = (".chapters.json", ".transcript.json", ".check.json")
"""JSON files beside an episode that are not its document."""


@dataclass(frozen=True)
class Credits:
    """Who an episode is by, what series it belongs to, and its date: resolved once, then
    used alike by the ID3 tags, the JSON, the page and the feed."""

    artist: str | None
    album: str | None
    date: str
    """``YYYY-MM-DD``."""
    published: str | None = None
    """The article's own date and time (ISO 8601 with offset), when it has one on ``date``."""

    @classmethod
    def resolve(cls, tags: TagSettings, meta: Metadata, today: dt.date | None = None) -> Credits:
        """The settings win; then the article's author, else its site; the date falls back
        to the article's, then to ``today``; the time is the article's when the date is."""
        date = tags.date or meta.date or (today or dt.date.today()).isoformat()
        published = meta.published if meta.published and meta.published[:10] == date else None
        return cls(
            artist=tags.artist or meta.author or meta.site_name,
            album=tags.album,
            date=date,
            published=published,
        )


@dataclass(frozen=True)
class EpisodeDocument:
    """An episode as its JSON describes it: timings in seconds, rounded to milliseconds."""

    title: str
    audio: str
    """File name of the MP3, beside the JSON; its stem names the episode's other files."""
    duration: float
    engine: str
    """The one engine that spoke the whole episode."""
    date: str
    """``YYYY-MM-DD``."""
    summary: str
    artist: str | None
    album: str | None
    paragraphs: tuple[str, ...]
    """Index 0 is the title; then the body paragraphs as written."""
    segments: tuple[Segment, ...]
    """One per spoken sentence, in order; ``paragraph`` indexes ``paragraphs``."""
    source: str | None = None
    """Where the article was read from, as published: a file's name, a URL without
    credentials or query, or ``-``."""
    source_sha256: str | None = None
    """Hex digest of the article's bytes as read."""
    source_key: str | None = None
    """Hex SHA-256 of where the article came from as given (its path or full URL): tells two
    articles apart without publishing a local path or a URL's credentials."""
    fingerprint: str | None = None
    """What decided the episode's content; unchanged means the episode is up to date."""
    voice: str = ""
    """The voice the engine spoke with (empty when the engine has one voice)."""
    guid: str | None = None
    """The episode's identity for life (a UUID): from its source URL, else kept from the
    episode first made under this name; the feed's item guid."""
    url: str | None = None
    """The original article's web address."""
    published: str | None = None
    """Date and time of publication, ISO 8601 with offset, when known."""
    image: str | None = None
    """File name of the episode's cover art beside the MP3."""
    chapters: tuple[Chapter, ...] = ()
    captions: tuple[Cue, ...] = ()
    """Caption cues: at most two short lines and a few seconds each."""

    @property
    def slug(self) -> str:
        return Path(self.audio).stem

    @property
    def json_name(self) -> str:
        return f"{self.slug}.json"

    @property
    def vtt_name(self) -> str:
        return f"{self.slug}.vtt"

    @property
    def page_name(self) -> str:
        return f"{self.slug}.html"

    @property
    def transcript_name(self) -> str:
        return f"{self.slug}.transcript.json"

    @property
    def chapters_name(self) -> str:
        return f"{self.slug}.chapters.json"

    @property
    def written_text(self) -> str:
        """The article as a reader sees it: the body paragraphs, blank lines between."""
        return "\n\n".join(self.paragraphs[1:] or (s.text for s in self.segments))

    def spoken_paragraphs(self) -> list[str]:
        """What the engine was asked to say, one string per paragraph, the title first."""
        by_paragraph: dict[int, list[str]] = {}
        for segment in self.segments:
            by_paragraph.setdefault(segment.paragraph, []).append(segment.spoken)
        return [" ".join(by_paragraph[p]) for p in sorted(by_paragraph)]

    def to_dict(self) -> dict[str, Any]:
        """The document as JSON values, keys in the order they are written."""
        return {
            "version": VERSION,
            "title": self.title,
            "audio": self.audio,
            "duration": self.duration,
            "engine": self.engine,
            "voice": self.voice,
            "date": self.date,
            "summary": self.summary,
            "artist": self.artist,
            "album": self.album,
            "paragraphs": list(self.paragraphs),
            "segments": [
                {
                    "text": s.text,
                    "start": s.start,
                    "end": s.end,
                    "paragraph": s.paragraph,
                    "spoken": s.spoken,
                }
                for s in self.segments
            ],
            "source": self.source,
            "source_sha256": self.source_sha256,
            "source_key": self.source_key,
            "fingerprint": self.fingerprint,
            "guid": self.guid,
            "url": self.url,
            "published": self.published,
            "image": self.image,
            "chapters": [{"start": c.start, "end": c.end, "title": c.title} for c in self.chapters],
            "captions": [{"start": c.start, "end": c.end, "text": c.text} for c in self.captions],
        }

    def to_json(self) -> str:
        """The file's text: indented UTF-8 JSON ending in a newline."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes, name: str = "episode") -> EpisodeDocument:
        """Parse and check a document; ``InputError`` with a one-line reason naming ``name``."""
        try:
            raw = json.loads(text, parse_constant=refuse_constant, parse_int=bounded_int)
        except RecursionError:
            raise InputError(f"{name} is not a valid episode file: nested too deeply") from None
        except (ValueError, UnicodeDecodeError) as e:
            raise InputError(f"{name} is not a valid episode file: not JSON ({reason(e)})") from e
        try:
            return cls(**checked_fields(raw))
        except InvalidDocument as e:
            raise InputError(f"{name} is not a valid episode file: {e}") from None
        except (RecursionError, OverflowError, ValueError, TypeError) as e:
            kind = type(e).__name__
            raise InputError(
                f"{name} is not a valid episode file: unexpected values ({kind})"
            ) from e

    @classmethod
    def load(cls, path: Path) -> EpisodeDocument:
        """Read and check ``<slug>.json``."""
        path = Path(path)
        try:
            if path.stat().st_size > MAX_DOCUMENT_BYTES:
                raise InputError(
                    f"{path.name} is not a valid episode file: over {MAX_DOCUMENT_BYTES} bytes"
                )
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read episode file {path}: {e}") from e
        return cls.from_json(text, path.name)


def write_document(document: EpisodeDocument, out_dir: Path) -> Path:
    """Write ``<slug>.json`` atomically; with its fingerprint it marks the episode done."""
    target = Path(out_dir) / document.json_name
    write_text_atomic(target, document.to_json())
    return target


def list_episodes(out_dir: Path) -> list[EpisodeDocument]:
    """Valid episodes in ``out_dir`` whose MP3 exists beside them, newest date first."""
    episodes = []
    for path in sorted(Path(out_dir).glob("*.json")):
        if path.name.startswith(".") or path.name.endswith(OTHER_JSON_SUFFIXES):
            continue
        try:
            episode = EpisodeDocument.load(path)
        except InputError as e:
            logger.info("skipping %s", e)
            continue
        if episode.json_name != path.name:
            logger.info("skipping %s: it describes %s", path.name, episode.audio)
        elif (path.parent / episode.audio).is_file():
            episodes.append(episode)
    return sorted(episodes, key=lambda e: e.date, reverse=True)


def schema() -> dict[str, Any]:
    """The document's JSON Schema, as shipped with the package."""
    data: dict[str, Any] = json.loads(
        (resources.files("audio_news.output") / SCHEMA_NAME).read_text(encoding="utf-8")
    )
    return data
