"""Plain text: the first non-empty line is the title, every later non-empty line a paragraph."""

from __future__ import annotations

from ..errors import InputError
from ..models import Article, Metadata


def lines_of(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def parse_text(text: str, *, source: str, sha256: str, meta: Metadata | None = None) -> Article:
    """Build an ``Article`` from decoded plain text."""
    lines = lines_of(text)
    if not lines:
        raise InputError(f"{source} is empty")
    return Article(
        title=lines[0],
        paragraphs=tuple(lines[1:]),
        source=source,
        source_sha256=sha256,
        meta=meta or Metadata(),
    )
