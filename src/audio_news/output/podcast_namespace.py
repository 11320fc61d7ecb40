"""A small feedgen extension for what its own podcast extension does not write.

The podcast namespace (Podcasting 2.0): ``podcast:guid`` and ``podcast:locked`` on the
channel, ``podcast:transcript`` and ``podcast:chapters`` on items. And the two iTunes tags
feedgen spells the old way: ``itunes:explicit`` as Apple documents it, ``true``/``false``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
FEED_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The namespace the podcast namespace names for ``podcast:guid``."""
EXTENSION_NAME = "podcastindex"


def feed_guid(feed_url: str) -> str:
    """``podcast:guid`` as the namespace specifies: UUIDv5 of the feed URL without its
    scheme and trailing slashes."""
    parts = urlsplit(feed_url)
    bare = re.sub(r"/+$", "", feed_url[len(parts.scheme) + 3 :] if parts.scheme else feed_url)
    return str(uuid.uuid5(FEED_GUID_NAMESPACE, bare))


@dataclass(frozen=True)
class Transcript:
    url: str
    type: str
    """MIME type: ``text/vtt``, ``application/json`` ..."""
    language: str = "vi"
    rel: str | None = None
    """``captions`` when the file is timed captions."""


class PodcastIndexExtension(BaseExtension):  # type: ignore[misc]
    """Channel tags: ``podcast:guid``, ``podcast:locked``, ``itunes:explicit``."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._locked: tuple[bool, str | None] | None = None
        self._explicit: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "itunes": ITUNES_NS}

    def guid(self, value: str) -> None:
        self._guid = value

    def locked(self, locked: bool, owner: str | None = None) -> None:
        self._locked = (locked, owner)

    def explicit(self, explicit: bool) -> None:
        self._explicit = explicit

    def extend_rss(self, rss_feed: Any) -> Any:
        channel = rss_feed[0]
        if self._explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = (
                "true" if self._explicit else "false"
            )
        if self._guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self._guid
        if self._locked is not None:
            locked, owner = self._locked
            element = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            element.text = "yes" if locked else "no"
            if owner:
                element.set("owner", owner)
        return rss_feed


class PodcastIndexEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item tags: ``podcast:transcript`` and ``podcast:chapters``."""

    def __init__(self) -> None:
        self._transcripts: list[Transcript] = []
        self._chapters: tuple[str, str] | None = None

    def transcript(self, transcript: Transcript) -> None:
        self._transcripts.append(transcript)

    def chapters(self, url: str, type: str = "application/json+chapters") -> None:
        self._chapters = (url, type)

    def extend_rss(self, entry: Any) -> Any:
        for t in self._transcripts:
            element = xml_elem(f"{{{PODCAST_NS}}}transcript", entry)
            element.set("url", t.url)
            element.set("type", t.type)
            element.set("language", t.language)
            if t.rel:
                element.set("rel", t.rel)
        if self._chapters is not None:
            element = xml_elem(f"{{{PODCAST_NS}}}chapters", entry)
            element.set("url", self._chapters[0])
            element.set("type", self._chapters[1])
        return entry
