"""Chapters: from the article's subheadings, else from groups of paragraphs a few minutes long.

They go into the episode document, the MP3's ID3 CHAP and CTOC frames (``tags``), and
``<slug>.chapters.json`` in the podcast namespace's JSON chapters format, which the feed
links with ``podcast:chapters``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..fsutil import write_text_atomic
from ..models import Chapter, Segment
from .episode import EpisodeDocument

JSON_CHAPTERS_VERSION = "1.2.0"
JSON_CHAPTERS_TYPE = "application/json+chapters"
GROUP_SECONDS = 180.0
"""Without subheadings, a new chapter starts at the first paragraph after this long."""
MIN_GROUPED_SECONDS = 2 * GROUP_SECONDS
"""Episodes shorter than this, without subheadings, are one chapter."""
TITLE_CHARS = 60
"""A chapter named after its opening words keeps about this many characters of them."""

_NOT_WORD = re.compile(r"\W+")


def _key(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())


def _opening_words(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= TITLE_CHARS:
        return flat
    return flat[: TITLE_CHARS + 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _paragraph_starts(segments: Sequence[Segment]) -> dict[int, float]:
    starts: dict[int, float] = {}
    for s in segments:
        starts.setdefault(s.paragraph, s.start)
    return starts


def _heading_starts(
    paragraphs: Sequence[str], headings: Sequence[str], starts: dict[int, float]
) -> list[tuple[float, str]]:
    wanted = {_key(h) for h in headings if _key(h)}
    return [
        (starts[n], " ".join(text.split()))
        for n, text in enumerate(paragraphs)
        if n > 0 and n in starts and _key(text) in wanted
    ]


def _group_starts(
    paragraphs: Sequence[str], starts: dict[int, float], duration: float
) -> list[tuple[float, str]]:
    if duration < MIN_GROUPED_SECONDS:
        return []
    found: list[tuple[float, str]] = []
    last = 0.0
    for n in sorted(starts):
        at = starts[n]
        if n > 0 and at - last >= GROUP_SECONDS and duration - at >= GROUP_SECONDS / 2:
            found.append((at, _opening_words(paragraphs[n])))
            last = at
    return found


def build_chapters(
    title: str,
    paragraphs: Sequence[str],
    segments: Sequence[Segment],
    duration: float,
    headings: Sequence[str] = (),
) -> tuple[Chapter, ...]:
    """The episode's chapters, the first from 0 s (the title and lead), the last to the end.

    ``paragraphs`` has the title at index 0, as the episode document does.
    """
    starts = _paragraph_starts(segments)
    marks = _heading_starts(paragraphs, headings, starts) or _group_starts(
        paragraphs, starts, duration
    )
    if not marks or marks[0][0] > 0:
        marks.insert(0, (0.0, title))
    else:
        marks[0] = (0.0, marks[0][1])
    ends = [start for start, _ in marks[1:]] + [duration]
    return tuple(
        Chapter(round(start, 3), round(max(end, start), 3), name)
        for (start, name), end in zip(marks, ends, strict=True)
    )


def json_chapters(document: EpisodeDocument) -> dict[str, Any]:
    """The podcast namespace's JSON chapters document for an episode."""
    data: dict[str, Any] = {"version": JSON_CHAPTERS_VERSION, "title": document.title}
    if document.artist:
        data["author"] = document.artist
    if document.album:
        data["podcastName"] = document.album
    data["fileName"] = document.audio
    data["chapters"] = [
        {"startTime": c.start, "endTime": c.end, "title": c.title} for c in document.chapters
    ]
    return data


def write_chapters(document: EpisodeDocument, out_dir: Path) -> Path | None:
    """Write ``<slug>.chapters.json`` atomically; None for a document without chapters."""
    if not document.chapters:
        return None
    target = Path(out_dir) / document.chapters_name
    text = json.dumps(json_chapters(document), ensure_ascii=False, indent=2) + "\n"
    write_text_atomic(target, text)
    return target
