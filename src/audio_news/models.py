"""Frozen values passed between the pipeline's stages."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Metadata:
    """What a reader learned about an article besides its text."""

    author: str | None = None
    date: str | None = None
    """Publication date as ISO ``YYYY-MM-DD`` when known."""
    site_name: str | None = None
    url: str | None = None
    image: str | None = None
    """URL or path of a picture offered as cover art."""
    published: str | None = None
    """Publication date and time as ISO 8601 with its UTC offset, when the source gives a time."""
    headings: tuple[str, ...] = ()
    """Subheadings as the source marks them (HTML h2/h3, Markdown ``##``), in order; the
    chapters find them again among the cleaned paragraphs by their text."""


@dataclass(frozen=True)
class Article:
    """An article as read: a title and paragraphs of body text, cleaned or not yet."""

    title: str
    paragraphs: tuple[str, ...]
    source: str
    """Path, URL or ``-`` for stdin."""
    source_sha256: str
    """Hex digest of the raw bytes read."""
    meta: Metadata = field(default_factory=Metadata)
    dropped: tuple[Removal, ...] = ()
    """What the reader left out before cleaning (images, menus, captions ...), each with the
    reader's rule, so that ``clean --show-removed`` lists everything not spoken."""


@dataclass(frozen=True)
class Removal:
    """One piece of text that a reader or cleaning dropped, and the rule that dropped it."""

    rule: str
    text: str


class Boundary(enum.Enum):
    """What follows a chunk of speech; decides the pause after it."""

    CLAUSE = "clause"
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    TITLE = "title"
    END = "end"


@dataclass(frozen=True)
class Chunk:
    """One piece of text sent to an engine in one request."""

    text: str
    paragraph: int
    """0 is the title; body paragraphs count from 1."""
    sentence: int
    """Index of the sentence within the whole script, 0 being the title."""
    boundary: Boundary


@dataclass(frozen=True)
class Script:
    """Exactly what will be spoken, in order."""

    title: str
    chunks: tuple[Chunk, ...]
    sentences: tuple[str, ...]
    """The normalized sentences, index 0 the title; chunks point into this by ``sentence``."""
    written: tuple[str, ...] = ()
    """Each sentence as written in the article, for transcripts a reader follows."""


@dataclass(frozen=True)
class Clip:
    """Audio an engine produced for one chunk, as the engine encoded it."""

    data: bytes
    codec: str
    """``pcm_s16le`` (mono) or ``mp3``."""
    sample_rate: int


@dataclass(frozen=True)
class Segment:
    """A spoken sentence and where it sits in the finished episode."""

    text: str
    """The sentence as written."""
    start: float
    end: float
    paragraph: int
    spoken: str = ""
    """The sentence as the engine was asked to say it."""


@dataclass(frozen=True)
class Cue:
    """One caption: a few words of the written text and when they are heard."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Chapter:
    """A titled part of an episode, from a subheading or a group of paragraphs."""

    start: float
    end: float
    title: str


@dataclass(frozen=True)
class Episode:
    """A finished episode on disk."""

    title: str
    slug: str
    mp3_path: str
    json_path: str
    vtt_path: str
    duration: float
    segments: tuple[Segment, ...]
    engine: str
    """The one engine that spoke the whole episode."""
    loudness_lufs: float | None = None
    voice: str = ""
    """The voice it spoke with (``title=..., body=...`` when the sections differ)."""
    characters: int = 0
    """Characters sent to the engine for it; 0 when every clip came from the cache."""
