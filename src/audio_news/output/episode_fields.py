"""Checking a decoded episode document, field by field, with the reason each refusal gives."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any, NoReturn

from ..models import Chapter, Cue, Segment

READABLE_VERSIONS = (1, 2)
"""Formats a reader accepts; version 1 lacks the fields added since, which read as empty."""
MAX_INT_DIGITS = 20
"""Whole numbers in a document are counts and versions; more digits than this is not one."""

_AUDIO_NAME = re.compile(r"[^./\\][^/\\]*\.mp3")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")
_FILE_NAME = re.compile(r"[^./\\][^/\\]*\.(?:jpg|png)")


class InvalidDocument(Exception):
    """Why a decoded document is refused; ``from_json`` names the file."""


def bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a {len(digits)}-digit number")
    return int(digits)


def refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _fail(reason: str) -> NoReturn:
    raise InvalidDocument(reason)


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
    ("source_key", _is_optional_str, "source_key must be a string or null"),
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


def checked_fields(raw: object) -> dict[str, Any]:
    """The fields of a decoded document, checked; ``InvalidDocument`` says what is wrong."""
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
    return dict(
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
        source_key=raw.get("source_key"),
        fingerprint=raw.get("fingerprint"),
        guid=raw.get("guid"),
        url=raw.get("url"),
        published=raw.get("published"),
        image=raw.get("image"),
        chapters=tuple(Chapter(*c) for c in _timed_list(raw, "chapters", "title", "chapter")),
        captions=tuple(Cue(*c) for c in _timed_list(raw, "captions", "text", "caption")),
    )
