"""Markdown with optional YAML front matter or a Jina Reader header, read as Markdown."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from ..errors import InputError
from ..models import Article, Metadata
from .detect import JINA_BODY, is_jina
from .markdown_blocks import render
from .meta import clip, collapse, iso_date, iso_datetime

log = logging.getLogger(__name__)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_KEY_LINE = re.compile(r"^\s*[\w-]+\s*:")
_JINA_LINE = re.compile(r"([A-Z][A-Za-z ]{0,30}):[ \t]*(.*)")
_JINA_KEYS = {"title": "title", "url source": "url", "published time": "date"}
_TITLE_SITE = re.compile(r"(.{10,}?)\s+[-|–—]\s+([^-|–—]{2,40})")
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


def split_jina(text: str) -> tuple[dict[str, Any], str] | None:
    """A Jina Reader page (``Title:``, ``URL Source:``, ``Published Time:``, then ``Markdown
    Content:``) as front matter and its Markdown; None when ``text`` is not one."""
    if not is_jina(text):
        return None
    head, _, body = text.partition(JINA_BODY)
    front: dict[str, Any] = {}
    for line in head.split("\n"):
        match = _JINA_LINE.fullmatch(line.strip())
        if match and match.group(1).lower() in _JINA_KEYS:
            front[_JINA_KEYS[match.group(1).lower()]] = match.group(2).strip()
    return front, body


def _squash(text: str) -> str:
    """Lower case ASCII letters only: "Tuổi Trẻ" is "tuoitre", as in a host name."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", plain.encode("ascii", "ignore").decode().lower())


def _without_site(title: str, url: str) -> tuple[str, str | None]:
    """A page title without the site's name after it ("... - VnExpress"), and that name."""
    match = _TITLE_SITE.fullmatch(title)
    host = urlsplit(url).hostname or ""
    if match:
        site = _squash(match.group(2))
        if site and any(len(label) >= 4 and label in site for label in host.split(".")):
            return match.group(1).strip(), match.group(2).strip()
    return title, None


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


def _title_from_front(value: object) -> str | None:
    title = clip(value, 1000)
    if not title:
        return None
    return _TITLE_TAG.sub("", title).strip() or title


def parse_markdown(text: str, *, source: str, sha256: str) -> Article:
    """Build an ``Article`` from decoded Markdown (with YAML front matter or a Jina header)."""
    jina = split_jina(text)
    front, body = jina if jina is not None else split_front_matter(text)
    rendered = render(body)
    blocks = rendered.blocks
    title = _title_from_front(_pick(front, "title"))
    url = _http(_pick(front, "url"))
    site_name = clip(_pick(front, "site_name"))
    if jina is not None and title and url:
        title, site_name = _without_site(title, url)
    image = clip(_pick(front, "image"), 2000) or rendered.lead_image
    if rendered.lead_link is not None:  # a bot's header: a link to the source, then the text
        link_title, href = rendered.lead_link
        title = title or collapse(link_title) or None
        url = url or _http(href)
    if not title and blocks:
        title = blocks.pop(0).text
    if not title:
        raise InputError(f"{source} has no text")
    meta = Metadata(
        author=clip(_pick(front, "author")),
        date=iso_date(_pick(front, "date")),
        published=iso_datetime(_pick(front, "date")),
        headings=tuple(b.text for b in blocks if b.kind == "head" and b.text != title),
        site_name=site_name,
        url=url,
        image=image,
    )
    return Article(
        title=title,
        paragraphs=tuple(b.text for b in blocks),
        source=source,
        source_sha256=sha256,
        meta=meta,
        dropped=tuple(rendered.dropped),
    )
