"""Readers: a path, URL or ``-`` in, an ``Article`` (title, raw paragraphs, metadata) out.

The paragraphs are as the source has them; junk removal is ``text.clean``'s job.
"""

from __future__ import annotations

import hashlib
import logging
import stat
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..config import InputLimits
from ..errors import InputError
from ..models import Article
from .decode import declared_charset, decode_bytes
from .detect import (
    ARTICLE_SUFFIXES,
    Kind,
    check_url,
    is_jina,
    kind_from_content_type,
    kind_from_name,
    sniff,
    url_scheme,
)
from .markdown import parse_markdown
from .meta import page_text_length
from .text import parse_text

if TYPE_CHECKING:
    from .url import Fetched

__all__ = ["expand_sources", "read_article"]

log = logging.getLogger(__name__)

_CHARS_SETTING = "max_input_chars"
_PAGE_TEXT_FACTOR = 2
"""A page may show this many times the article limit in text (menus, comments, teasers)."""


def _too_large(name: str, max_chars: int) -> InputError:
    return InputError(
        f"{name} is too large: over the limit of {max_chars:,} characters "
        f"(raise it with --max-chars or the {_CHARS_SETTING} setting)"
    )


def _read_stream(stream: BinaryIO, limit: int, name: str, max_chars: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        if isinstance(chunk, str):
            raise InputError(f"{name} must be opened in binary mode")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_large(name, max_chars)


def _read_file(source: str, limit: int, max_chars: int) -> bytes:
    path = Path(source)
    try:
        if path.is_dir():
            raise InputError(f"{source} is a folder; give the articles in it")
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or a device would block or never end
            raise InputError(f"cannot read {source}: not a regular file")
        with path.open("rb") as fh:
            return _read_stream(fh, limit, source, max_chars)
    except FileNotFoundError as e:
        raise InputError(f"cannot read {source}: no such file") from e
    except OSError as e:
        raise InputError(f"cannot read {source}: {e.strerror or e}") from e


def _download(url: str, limits: InputLimits) -> Fetched:
    from .guard import HostPolicy  # requests loads only when a URL is read
    from .url import fetch

    policy = HostPolicy.from_limits(limits)
    return fetch(
        url, max_bytes=limits.max_download_bytes, timeout=limits.fetch_timeout, hosts=policy
    )


def read_article(
    source: str,
    limits: InputLimits | None = None,
    *,
    stdin: BinaryIO | None = None,
) -> Article:
    """Read one article from a file path, an http(s) URL, or ``-`` (bytes from ``stdin``).

    The kind comes from the URL's content type, the file extension, or the content itself.
    Raises ``InputError`` (``FetchError`` for downloads) for anything unreadable, empty,
    not text, or longer than ``limits.max_input_chars`` characters of article text.
    """
    limits = limits or InputLimits()
    max_chars = limits.max_input_chars
    raw_limit = max(4 * max_chars, limits.max_download_bytes)
    kind: Kind | None = None
    charset: str | None = None
    url: str | None = None
    if source == "-":
        stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError("no standard input to read")
        name = "standard input"
        data = _read_stream(stream, raw_limit, name, max_chars)
    elif url_scheme(source) is not None:
        check_url(source)
        fetched = _download(source, limits)
        name, data, charset, url = source, fetched.data, fetched.charset, fetched.url
        kind = kind_from_content_type(fetched.content_type) or kind_from_name(fetched.url)
    else:
        name = source
        data = _read_file(source, raw_limit, max_chars)
        kind = kind_from_name(source)
    sha256 = hashlib.sha256(data).hexdigest()
    if kind in (Kind.HTML, None):
        charset = charset or declared_charset(data)
    text = decode_bytes(data, name, charset=charset)
    if not text.strip():
        raise InputError(f"{name} is empty")
    kind = kind or sniff(text)
    if kind is Kind.TEXT and is_jina(text):  # a Jina Reader page saved as .txt
        kind = Kind.MARKDOWN
    if kind is Kind.HTML:
        from .html import parse_html  # trafilatura and lxml load only for HTML

        if page_text_length(text) > _PAGE_TEXT_FACTOR * max_chars:
            raise _too_large(name, max_chars)
        article = parse_html(text, source=source, sha256=sha256, url=url)
    else:
        if len(text) > max_chars:
            raise _too_large(name, max_chars)
        parse = parse_markdown if kind is Kind.MARKDOWN else parse_text
        article = parse(text, source=source, sha256=sha256)
    if len(article.title) + sum(len(p) for p in article.paragraphs) > max_chars:
        raise _too_large(name, max_chars)
    if url is not None and article.meta.url != url:
        article = replace(article, meta=replace(article.meta, url=url))
    return article


def expand_sources(args: Sequence[str]) -> list[str]:
    """Folders become their article files (.txt, .md, .html ...), sorted; the rest as given.

    In a folder, what is not a regular file, a link to a file outside the folder and the
    folder's README are left out, each with a warning.
    """
    out: list[str] = []
    for arg in args:
        path = Path(arg)
        if arg == "-" or url_scheme(arg) is not None or not path.is_dir():
            out.append(arg)
            continue
        found = sorted(
            (p for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and _is_article(p)),
            key=lambda p: p.name,
        )
        if not found:
            raise InputError(f"folder {arg} holds no articles (.txt, .md or .html files)")
        out.extend(str(p) for p in found)
    return out


def _is_article(path: Path) -> bool:
    """Whether a folder's entry is one of its articles; says why when it is not."""
    if path.stem.lower() == "readme":
        log.warning("skipping %s: a folder's README is not an article", path)
        return False
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(path.parent.resolve()):
            log.warning("skipping %s: it links to %s, outside the folder", path.name, target)
            return False
    if not path.is_file():
        if path.exists():
            log.warning("skipping %s: not a regular file", path)
        return False
    return True
