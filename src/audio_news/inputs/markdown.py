"""Markdown with optional YAML front matter; the body stays raw Markdown for the cleaner."""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from ..errors import InputError
from ..models import Article, Metadata
from .meta import clip, collapse, iso_date, iso_datetime

log = logging.getLogger(__name__)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_KEY_LINE = re.compile(r"^\s*[\w-]+\s*:")
_BLANK = re.compile(r"\n[ \t]*\n")
_BLOCK_START = re.compile(r"^(?:#{1,6}\s|>|[-*+]\s|\d{1,3}[.)]\s|\||!\[|```|~~~)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_LINK_ONLY = re.compile(r"^\[([^\]\n]+)\]\(\s*(\S+?)(?:\s+\"[^\"]*\")?\s*\)$")
_IMAGE_ONLY = re.compile(r"^!\[([^\]\n]*)\]\(\s*(\S+?)(?:\s+\"[^\"]*\")?\s*\)$")
# Scraper bots prefix titles with emoji and a bracketed keyword: "🔥 [Đài Loan] Tân tổng thống…".
_TITLE_TAG = re.compile(r"^[^\w\[]*\[[^\]\n]{1,100}\]\s+(?=\S)")

_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "url": ("url", "link", "source_url", "source", "canonical_url", "canonical", "original_url"),
    "image": ("image", "cover", "og_image", "featured_image", "thumbnail"),
    "author": ("author", "authors", "byline", "creator"),
    "date": ("date", "published", "published_at", "date_published", "pubdate", "publishdate"),
    "site_name": ("site_name", "sitename", "site", "publisher", "source_name"),
}


_TYPED_SCALARS = frozenset({"bool", "int", "float", "timestamp"})
"""YAML tags a plain scalar would otherwise get: front matter reads each as the text written,
so ``title: yes``, ``title: 0x...`` or ``date: 2024-13-45`` cannot lose a key, or all of them."""


@functools.cache
def _text_loader() -> Any:
    """libyaml's safe loader (fast, and it refuses absurd nesting) with every plain scalar
    but null read as a string."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [
            (tag, regexp) for tag, regexp in pairs if tag.rsplit(":", 1)[-1] not in _TYPED_SCALARS
        ]
        for first, pairs in base.yaml_implicit_resolvers.items()
    }
    return type("FrontMatterLoader", (base,), {"yaml_implicit_resolvers": resolvers})


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Front matter as a dict (empty when absent or unreadable) and the body after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    block, body = match.group(1), text[match.end() :]
    import yaml  # only articles with front matter pay for it

    try:
        data = yaml.load(block, Loader=_text_loader())
    except (yaml.YAMLError, RecursionError, ValueError) as e:
        data = None
        log.warning("ignoring unreadable YAML front matter: %s", str(e).splitlines()[0])
    if isinstance(data, dict):
        return {str(k).lower(): v for k, v in data.items()}, body
    first = next((line for line in block.split("\n") if line.strip()), "")
    if _KEY_LINE.match(first):
        return {}, body
    return {}, text


def _pick(front: dict[str, Any], field: str) -> object:
    for key in _KEYS[field]:
        value = front.get(key)
        if isinstance(value, dict):
            value = value.get("name") or value.get("url")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, (str, int, float)))
        if value not in (None, ""):
            return value
    return None


def _http(value: object) -> str | None:
    text = clip(value, 2000)
    return text if text and text.lower().startswith(("http://", "https://")) else None


def paragraphs_of(body: str) -> list[str]:
    """Blocks split on blank lines; soft-wrapped lines joined, block markers start anew."""
    out: list[str] = []
    for block in _BLANK.split(body):
        current: list[str] = []
        for raw in block.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if current and _BLOCK_START.match(line):
                out.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            out.append(" ".join(current))
    return out


def _title_from_front(value: object) -> str | None:
    title = clip(value, 1000)
    if not title:
        return None
    return _TITLE_TAG.sub("", title).strip() or title


def parse_markdown(text: str, *, source: str, sha256: str) -> Article:
    """Build an ``Article`` from decoded Markdown."""
    front, body = split_front_matter(text)
    paragraphs = paragraphs_of(body)
    title = _title_from_front(_pick(front, "title"))
    url = _http(_pick(front, "url"))
    image = clip(_pick(front, "image"), 2000)
    link_title: str | None = None
    # A bot's header: a link to the source and the lead image, before any text.
    while paragraphs:
        link = _LINK_ONLY.match(paragraphs[0])
        picture = _IMAGE_ONLY.match(paragraphs[0])
        if link and _http(link.group(2)) and link_title is None:
            link_title, url = collapse(link.group(1)), url or link.group(2)
        elif picture and image is None:
            image = picture.group(2)
        else:
            break
        paragraphs.pop(0)
    if not title:
        title = link_title
    if not title and paragraphs:
        heading = _HEADING.match(paragraphs[0])
        first = paragraphs.pop(0)
        title = collapse(heading.group(1)) if heading else first
    if not title:
        raise InputError(f"{source} has no text")
    headings = (_HEADING.match(p) for p in paragraphs if p.startswith("#"))
    meta = Metadata(
        author=clip(_pick(front, "author")),
        date=iso_date(_pick(front, "date")),
        published=iso_datetime(_pick(front, "date")),
        headings=tuple(collapse(h.group(1)) for h in headings if h and h.group(1).strip()),
        site_name=clip(_pick(front, "site_name")),
        url=url,
        image=image,
    )
    return Article(
        title=title,
        paragraphs=tuple(paragraphs),
        source=source,
        source_sha256=sha256,
        meta=meta,
    )
