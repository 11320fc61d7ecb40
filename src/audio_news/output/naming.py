"""Naming an episode: ASCII file names from Vietnamese titles, a name no other article holds,
the guid it keeps for life, and the fingerprint that says whether it is up to date."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..config import Settings
from ..errors import InputError
from ..inputs.detect import url_scheme
from ..models import Article
from ..version import __version__
from .episode import EpisodeDocument

MAX_SLUG_CHARS = 80
FALLBACK_SLUG = "episode"
FOLDER_STEMS = frozenset({"index", "feed", "player", "cover", "favicon"})
"""Names of the output folder's own files (index.html, feed.xml, player.js, cover.png,
favicon.ico ...): an episode named so would overwrite one of them."""

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


class Speaker(Protocol):
    """What made an episode's voice: an engine, or an engine with its voices."""

    @property
    def name(self) -> str: ...

    @property
    def voice_id(self) -> str: ...


def output_fingerprint(
    article: Article,
    settings: Settings,
    engine: Speaker,
    inputs: Mapping[str, str | None] | None = None,
) -> str:
    """What decides an episode's content; an unchanged fingerprint means up to date.

    ``inputs`` names the bytes of each file the run reads besides the article (the lexicon,
    the cover, the intro and outro) by their SHA-256: a file edited in place counts.
    """
    relevant: dict[str, object] = {
        "version": __version__,
        "source": article.source_sha256,
        "engine": engine.name,
        "voice": engine.voice_id,
        "settings": settings.content(),
        "inputs": dict(inputs or {}),
    }
    blob = json.dumps(relevant, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def current_document(json_path: Path, mp3_path: Path, fingerprint: str) -> EpisodeDocument | None:
    """The document at ``json_path`` when it and the MP3 it describes are what ``fingerprint``
    makes now: the episode's audio is up to date (its other files may still be missing)."""
    if not mp3_path.is_file():
        return None
    try:
        document = EpisodeDocument.load(json_path)
    except InputError:
        return None
    if document.fingerprint != fingerprint or document.audio != mp3_path.name:
        return None
    return document


EPISODE_NAMESPACE = uuid.UUID("3f0c5a52-8f1e-4d7b-9a0e-6c2b1d4e5f70")
"""Names the guid of an episode whose article has no URL, from the article's bytes."""


def episode_guid(article: Article, previous: str | None = None) -> str:
    """An episode's identity for life: the one it was first given under its name, else
    one named by the article's URL, else by its bytes. Never by where it is served."""
    if previous:
        return previous
    if article.meta.url:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, article.meta.url))
    return str(uuid.uuid5(EPISODE_NAMESPACE, article.source_sha256))


def previous_guid(json_path: Path) -> str | None:
    try:
        return EpisodeDocument.load(json_path).guid
    except InputError:
        return None


_SECRET_PARAM = re.compile(
    r"(?:^|[_.-])(?:token|key|apikey|secret|password|passwd|pwd|auth|sig|signature|session"
    r"|sessionid|sid|credential|credentials|code|jwt)(?:$|[_.-])",
    re.IGNORECASE,
)
"""Query parameters that may carry a credential, left out of a published URL."""


def published_url(url: str | None) -> str | None:
    """``url`` as the episode may show it: no ``user:password@``, no credential parameters."""
    if not url:
        return url
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return url
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _SECRET_PARAM.search(k)
        ]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def published_source(source: str) -> str:
    """Where the article came from, as the published JSON says it: a URL without
    credentials or query, a file by its name (never a local path)."""
    if source == "-":
        return source
    if url_scheme(source) is not None:
        parts = urlsplit(published_url(source) or source)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return Path(source).name


def source_key(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()


def same_article(article: Article, key: str | None, sha256: str | None) -> bool:
    """Whether an episode made from the source named by ``key`` (``source_key``) with bytes
    ``sha256`` is ``article``'s: the same path or URL (edited or not), or the same bytes."""
    if article.source != "-" and key == source_key(article.source):
        return True
    return sha256 == article.source_sha256


def held_by_another(json_path: Path, article: Article) -> bool:
    """Whether the episode document at ``json_path`` was made from a different article."""
    try:
        document = EpisodeDocument.load(json_path)
    except InputError:
        return False
    # written before source_key existed, when ``source`` was the path or URL as given
    legacy = document.source_key is None and document.source == article.source != "-"
    if legacy or document.source_sha256 is None:
        return False
    return not same_article(article, document.source_key, document.source_sha256)


def stem_candidates(article: Article) -> Iterator[str]:
    """The names an episode of ``article`` may take, in order: the title's slug, then
    ``slug-2``, ``slug-3``...; ``index-episode`` and the like for a slug the folder's own
    files use."""
    slug = slugify(article.title)
    if slug in FOLDER_STEMS:
        slug = f"{slug}-{FALLBACK_SLUG}"
    yield slug
    for n in itertools.count(2):
        yield f"{slug}-{n}"


def episode_stem(out_dir: Path, article: Article) -> str:
    """The first of ``stem_candidates`` no other article holds.

    Two articles with one title never overwrite each other; the same article (same source
    or same bytes) keeps its name, so a re-run finds it up to date. Runs at the same time
    choose through ``reservation.reserved_stem``, which also skips names being made.
    """
    return next(
        s for s in stem_candidates(article) if not held_by_another(out_dir / f"{s}.json", article)
    )
