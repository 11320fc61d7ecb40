"""Small helpers shared by the readers: dates to ISO, whitespace, titles."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

_WS = re.compile(r"\s+")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YMD_SLASH = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
# Paths such as /2024/07/02/ or an id that starts with the date, as in -20221224100422289.htm.
_URL_PATH_DATE = re.compile(r"/(20\d{2})/(\d{2})/(\d{2})(?:/|$)")
_URL_ID_DATE = re.compile(r"[-_/](20\d{2})(\d{2})(\d{2})\d{4,}(?:\.\w+)?$")


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold: C0 controls, lone surrogates, U+FFFE and U+FFFF."""


def xml_text(text: str) -> str:
    """``text`` without the characters an XML tree or document cannot carry."""
    return _NOT_XML.sub("", text)


_UNSPOKEN_MARKUP = re.compile(
    r"<(script|style|template|svg)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.I | re.S
)
_ENTITY = re.compile(r"&#?\w{1,32};")


def page_text_length(html: str) -> int:
    """About how many characters of text a page shows: markup and whitespace not counted.

    Cheap enough to run before parsing, so an oversized page is refused before the work.
    """
    text = _ENTITY.sub("&", _UNSPOKEN_MARKUP.sub(" ", html))
    return len(text) - sum(len(run) - 1 for run in _WS.findall(text))


def collapse(text: str) -> str:
    """Runs of whitespace (including line breaks of reflowed markup) become one space."""
    return _WS.sub(" ", text).strip()


def _valid(year: str, month: str, day: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` from a date, a datetime, or a string in ISO, RFC 2822 or D/M/Y form."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()[:200]
    for pattern in (_ISO, _YMD_SLASH):
        match = pattern.search(text)
        if match:
            return _valid(*match.groups())
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    match = _DMY.search(text)
    if match:
        day, month, year = match.groups()
        return _valid(year, month, day)
    return None


_ISO_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?"
)
DEFAULT_OFFSET = dt.timezone(dt.timedelta(hours=7))
"""Vietnam time, assumed when a source gives a time without its offset."""


def _offset(zone: str) -> dt.tzinfo:
    if zone == "Z":
        return dt.UTC
    parsed = dt.datetime.strptime(zone.replace(":", ""), "%z").tzinfo
    assert parsed is not None  # %z always gives one
    return parsed


def _rfc2822(text: str) -> str | None:
    if ":" not in text:
        return None
    try:
        stamp = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=DEFAULT_OFFSET)
    return stamp.isoformat(timespec="seconds")


def iso_datetime(value: object) -> str | None:
    """ISO 8601 date and time with offset, when ``value`` has a time of day; else None."""
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, str):
        match = _ISO_TIME.search(value.strip()[:200])
        if not match:
            return _rfc2822(value.strip()[:200])
        year, month, day, hour, minute, second, zone = match.groups()
        try:
            stamp = dt.datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
            )
            if zone:
                stamp = stamp.replace(tzinfo=_offset(zone))
        except ValueError:
            return None
    else:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=DEFAULT_OFFSET)
    return stamp.isoformat(timespec="seconds")


def date_from_url(url: str | None) -> str | None:
    """The publication date many news sites write into their article URLs."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    for pattern in (_URL_PATH_DATE, _URL_ID_DATE):
        match = pattern.search(path)
        if match:
            return _valid(*match.groups())
    return None


MAX_NUMBER_BITS = 64


def clip(value: object, limit: int = 500) -> str | None:
    """A metadata value as a single-line string of sane length, or None."""
    if value is None or isinstance(value, (dict, list, tuple, set, bool)):
        return None
    if isinstance(value, int) and value.bit_length() > MAX_NUMBER_BITS:
        return None  # YAML read a 5,000-digit hex title as a number: not a title
    text = collapse(str(value))
    return text[:limit] or None


def shorten(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters with "…" when longer."""
    text = collapse(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[:limit]) + "…"
