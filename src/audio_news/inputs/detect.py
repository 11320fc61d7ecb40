"""Which reader an input needs: by URL scheme, file extension, content type or content."""

from __future__ import annotations

import enum
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ..errors import InputError

URL_SCHEMES = frozenset({"http", "https"})
ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"})


class Kind(enum.Enum):
    """The reader an article needs."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


_BY_SUFFIX = {
    ".txt": Kind.TEXT,
    ".text": Kind.TEXT,
    ".md": Kind.MARKDOWN,
    ".markdown": Kind.MARKDOWN,
    ".html": Kind.HTML,
    ".htm": Kind.HTML,
    ".xhtml": Kind.HTML,
}
_BY_CONTENT_TYPE = {
    "text/html": Kind.HTML,
    "application/xhtml+xml": Kind.HTML,
    "text/markdown": Kind.MARKDOWN,
    "text/x-markdown": Kind.MARKDOWN,
    "text/plain": None,
}
ACCEPTED_CONTENT_TYPES = frozenset(_BY_CONTENT_TYPE)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:[ \t]*#.*\n|[ \t]*\n)*[ \t]*[\w-]+[ \t]*:")
_HTML_START = re.compile(
    r"\A(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
    re.I | re.S,
)
_HTML_ANYWHERE = re.compile(r"<(?:html|body|article|p|div)[\s>]", re.I)
JINA_BODY = "\nMarkdown Content:"
"""The line after which a Jina Reader page holds its Markdown."""
_JINA_HEAD = re.compile(
    r"\ATitle:[^\n]*\n(?:[ \t]*\n|[A-Z][A-Za-z ]{0,30}:[^\n]*\n){0,20}?Markdown Content:"
)


def is_jina(text: str) -> bool:
    """Whether ``text`` is a page as Jina Reader gives it: ``Title:``, ``URL Source:``,
    ``Published Time:`` lines, then ``Markdown Content:`` and the page as Markdown."""
    return text.startswith("Title:") and _JINA_HEAD.match(text[:8192]) is not None


def url_scheme(source: str) -> str | None:
    """The scheme of ``source`` if it is written as a URL (``x://`` or a known scheme)."""
    match = _SCHEME.match(source)
    if not match:
        return None
    scheme = match.group(1).lower()
    if source[match.end() :].startswith("//") or scheme in {"file", "data", "javascript", "mailto"}:
        return scheme
    return None


def check_url(source: str) -> str:
    """Return ``source`` if it is an http(s) URL with a host, else raise ``InputError``."""
    scheme = url_scheme(source)
    if scheme not in URL_SCHEMES:
        raise InputError(f"unsupported URL scheme {scheme!r} in {source}: only http and https")
    try:
        host = urlsplit(source).hostname
    except ValueError as e:
        raise InputError(f"invalid URL {source}: {e}") from e
    if not host:
        raise InputError(f"invalid URL {source}: no host")
    return source


def kind_from_name(name: str) -> Kind | None:
    """Kind by file extension (of a path, or of a URL's path)."""
    path = urlsplit(name).path if url_scheme(name) else name
    return _BY_SUFFIX.get(PurePosixPath(path.replace("\\", "/")).suffix.lower())


def kind_from_content_type(content_type: str | None) -> Kind | None:
    """Kind by an HTTP ``Content-Type`` media type; None when the content must decide."""
    if not content_type:
        return None
    return _BY_CONTENT_TYPE.get(content_type.split(";")[0].strip().lower())


def sniff(text: str) -> Kind:
    """Kind by content: YAML front matter or a Jina Reader page is Markdown, an HTML document is
    HTML, else text."""
    head = text[:4096]
    if _FRONT_MATTER.match(head) or is_jina(text):
        return Kind.MARKDOWN
    if _HTML_START.match(head):
        return Kind.HTML
    if head.lstrip().startswith("<") and _HTML_ANYWHERE.search(head):
        return Kind.HTML
    return Kind.TEXT
