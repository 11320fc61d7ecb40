"""A voice per section: the title synthesized by one voice, the body by another, read as one.

Each section is its own ``Synthesis`` (its own cache keys, its own limits); assembly reads
their clips as one sequence, title first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import Clip
from .engines.base import Engine
from .spool import ClipSequence
from .synthesis import Synthesis, SynthStats


class JoinedClips(ClipSequence):
    """Several clip sequences read one after another."""

    def __init__(self, parts: Sequence[Sequence[Clip]]) -> None:
        self._parts = parts

    def __len__(self) -> int:
        return sum(len(part) for part in self._parts)

    def clip(self, index: int) -> Clip:
        for part in self._parts:
            if index < len(part):
                return part[index]
            index -= len(part)
        raise IndexError(index)


class SectionSynthesis:
    """The first ``title_chunks`` texts spoken by ``title``, the rest by ``body``.

    Offers what ``Synthesis`` offers the pipeline: ``start()`` or a ``with`` block,
    ``clips``, ``result()`` and ``cancel()``.
    """

    def __init__(
        self,
        title: Engine,
        body: Engine,
        texts: Sequence[str],
        title_chunks: int,
        **options: Any,
    ) -> None:
        self._parts = [
            Synthesis(title, texts[:title_chunks], **options),
            Synthesis(body, texts[title_chunks:], **options),
        ]
        self.clips = JoinedClips([part.clips for part in self._parts])

    def start(self) -> SectionSynthesis:
        for part in self._parts:
            part.start()
        return self

    def __enter__(self) -> SectionSynthesis:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.cancel()

    def result(self) -> SynthStats:
        stats = [part.result() for part in self._parts]
        return SynthStats(
            requested=sum(s.requested for s in stats),
            cached=sum(s.cached for s in stats),
            retried=sum(s.retried for s in stats),
            seconds=max(s.seconds for s in stats),
            characters=sum(s.characters for s in stats),
        )

    def cancel(self) -> None:
        for part in self._parts:
            part.cancel()
