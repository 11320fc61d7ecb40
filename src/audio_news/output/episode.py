"""The episode document: the JSON beside each MP3, its one writer and its one reader.

The player, the page, the index, the feed, the server and the pipeline's up-to-date check
all read it through ``EpisodeDocument``; ``episode.schema.json`` beside this module says the
same in JSON Schema for other readers.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from ..config import TagSettings
from ..errors import InputError
from ..fsutil import write_text_atomic
from ..models import Chapter, Cue, Metadata, Segment

logger = logging.getLogger(__name__)

VERSION = 2
"""The document's format, as written."""
READABLE_VERSIONS = (1, 2)
"""Formats a reader accepts; version 1 lacks the fields added since, which read as empty."""
SCHEMA_NAME = "episode.schema.json"
MAX_DOCUMENT_BYTES = 50_000_000
"""Larger than any real episode document (a ten-hour article is a few MB)."""
MAX_INT_DIGITS = 20
"""Whole numbers in a document are counts and versions; more digits than this is not one."""
"""The JSON Schema of the document, package data beside this module."""

OTHER_JSON_SUFFIXES = (".chapters.json", ".transcript.json", ".check.json")
"""JSON files beside an episode that are not its document."""

_AUDIO_NAME = re.compile(r"[^./\\][^/\\]*\.mp3")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")
_FILE_NAME = re.compile(r"[^./\\][^/\\]*\.(?:jpg|png)")


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
    """Path, URL or ``-`` the article was read from."""
    source_sha256: str | None = None
    """Hex digest of the article's bytes as read."""
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
            raw = json.loads(text, parse_constant=_refuse_constant, parse_int=_bounded_int)
        except RecursionError:
            raise InputError(f"{name} is not a valid episode file: nested too deeply") from None
        except (ValueError, UnicodeDecodeError) as e:
            reason = " ".join(str(e).split())[:120]
            raise InputError(f"{name} is not a valid episode file: not JSON ({reason})") from e
        try:
            return _from_raw(raw)
        except _Invalid as e:
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


# -- checking a decoded document ------------------------------------------------------------


class _Invalid(Exception):
    """Why a decoded document is refused; ``from_json`` names the file."""


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a {len(digits)}-digit number")
    return int(digits)


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _fail(reason: str) -> NoReturn:
    raise _Invalid(reason)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_optional_datetime(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_optional_file_name(value: object) -> bool:
    return value is None or (isinstance(value, str) and _FILE_NAME.fullmatch(value) is not None)


def _is_audio_name(value: object) -> bool:
    return isinstance(value, str) and _AUDIO_NAME.fullmatch(value) is not None


_FIELDS: tuple[tuple[str, Callable[[object], bool], str], ...] = (
    ("audio", _is_audio_name, "audio must be the plain file name of an MP3"),
    ("title", _is_str, "title must be a string"),
    ("engine", _is_str, "engine must be a string"),
    ("voice", _is_optional_str, "voice must be a string"),
    ("date", _is_date, "date must be YYYY-MM-DD"),
    ("summary", _is_str, "summary must be a string"),
    ("duration", _is_number, "duration must be a number of seconds"),
    ("artist", _is_optional_str, "artist must be a string or null"),
    ("album", _is_optional_str, "album must be a string or null"),
    ("source", _is_optional_str, "source must be a string or null"),
    ("source_sha256", _is_optional_str, "source_sha256 must be a string or null"),
    ("fingerprint", _is_optional_str, "fingerprint must be a string or null"),
    ("guid", _is_optional_str, "guid must be a string or null"),
    ("url", _is_optional_str, "url must be a string or null"),
    ("published", _is_optional_datetime, "published must be an ISO 8601 date and time or null"),
    ("image", _is_optional_file_name, "image must be the plain file name of a picture or null"),
)
"""Each scalar field, its check, and the reason given when the check fails."""


def _segment(raw: object) -> Segment:
    if not isinstance(raw, dict):
        _fail("a segment is not an object")
    raw = {"spoken": "", **raw}
    if not (
        _is_str(raw.get("text"))
        and _is_str(raw["spoken"])
        and _is_number(raw.get("start"))
        and _is_number(raw.get("end"))
        and _is_int(raw.get("paragraph"))
        and raw["paragraph"] >= 0
    ):
        _fail("a segment needs text, start, end and paragraph (and spoken, if any, a string)")
    return Segment(
        raw["text"], float(raw["start"]), float(raw["end"]), raw["paragraph"], spoken=raw["spoken"]
    )


def _timed(raw: object, key: str, what: str) -> tuple[float, float, str]:
    if not (
        isinstance(raw, dict)
        and _is_number(raw.get("start"))
        and _is_number(raw.get("end"))
        and _is_str(raw.get(key))
    ):
        _fail(f"a {what} needs start, end and {key}")
    return float(raw["start"]), float(raw["end"]), raw[key]


def _timed_list(raw: dict[str, Any], name: str, key: str, what: str) -> list[Any]:
    items = raw.get(name, [])
    if not isinstance(items, list):
        _fail(f"{name} must be a list")
    return [_timed(item, key, what) for item in items]


def _from_raw(raw: object) -> EpisodeDocument:
    if not isinstance(raw, dict):
        _fail("not a JSON object")
    if raw.get("version") not in READABLE_VERSIONS or isinstance(raw.get("version"), bool):
        _fail(f"version is not one of {', '.join(map(str, READABLE_VERSIONS))}")
    for key, check, reason in _FIELDS:
        if not check(raw.get(key)):  # a missing key reads as null
            _fail(reason)
    if not raw["title"].strip():
        _fail("title is empty")
    if raw["duration"] < 0:
        _fail("duration must be a number of seconds")
    paragraphs, segments = raw.get("paragraphs"), raw.get("segments")
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        _fail("paragraphs must be a list of strings")
    if not isinstance(segments, list):
        _fail("segments must be a list")
    return EpisodeDocument(
        title=raw["title"],
        audio=raw["audio"],
        duration=float(raw["duration"]),
        engine=raw["engine"],
        voice=raw.get("voice") or "",
        date=raw["date"],
        summary=raw["summary"],
        artist=raw.get("artist"),
        album=raw.get("album"),
        paragraphs=tuple(paragraphs),
        segments=tuple(_segment(s) for s in segments),
        source=raw.get("source"),
        source_sha256=raw.get("source_sha256"),
        fingerprint=raw.get("fingerprint"),
        guid=raw.get("guid"),
        url=raw.get("url"),
        published=raw.get("published"),
        image=raw.get("image"),
        chapters=tuple(Chapter(*c) for c in _timed_list(raw, "chapters", "title", "chapter")),
        captions=tuple(Cue(*c) for c in _timed_list(raw, "captions", "text", "caption")),
    )
