"""ASCII file names from Vietnamese titles."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG_CHARS = 80
FALLBACK_SLUG = "episode"

_FOLDS = str.maketrans({"đ": "d", "Đ": "D"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slugify(title: str, max_chars: int = MAX_SLUG_CHARS) -> str:
    """Lower-case ASCII words joined by ``-``, cut at a word boundary.

    Never empty and never contains a path separator or a leading dot.
    """
    decomposed = unicodedata.normalize("NFKD", title.translate(_FOLDS))
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_WORD.sub("-", ascii_only).strip("-")
    if len(slug) > max_chars:
        cut = slug[: max_chars + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_chars]
        slug = slug.strip("-")
    return slug or FALLBACK_SLUG
