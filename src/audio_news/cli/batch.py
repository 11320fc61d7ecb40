"""Many articles in one run: one failure does not stop the others."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from ..config import Settings
from ..errors import AudioNewsError, reason
from ..models import Episode
from ..pipeline import Producer
from ..speech.voices import total_cost
from .console import make_reporter


@dataclass(frozen=True)
class Failure:
    source: str
    message: str


BUG_CHARS = 200
"""How much of an unexpected error's text the line for its source quotes."""


def _describe(episode: Episode, seconds: float) -> str:
    loudness = f", {episode.loudness_lufs:.1f} LUFS" if episode.loudness_lufs is not None else ""
    voice = f" {episode.voice}" if episode.voice else ""
    return (
        f"{episode.mp3_path} ({episode.duration:.1f} s, {len(episode.segments)} segments"
        f"{loudness}, {episode.engine}{voice}, {_spending([episode])}, made in {seconds:.1f} s)"
    )


def _spending(episodes: Sequence[Episode]) -> str:
    """Characters sent and what they cost, for the batch summary."""
    characters = sum(e.characters for e in episodes)
    cost = total_cost((e.engine, e.voice, e.characters) for e in episodes)
    return f"{characters:,} characters, {cost}"


def _bug(error: Exception) -> str:
    named = type(error).__name__
    return f"{named}: {reason(error, BUG_CHARS)}" if str(error).strip() else named


def run_batch(
    sources: Sequence[str],
    settings: Settings,
    *,
    force: bool,
    after: Callable[[Episode], object] | None = None,
    stem: str | None = None,
    stdin: BinaryIO | None = None,
    report: TextIO | None = None,
) -> list[Failure]:
    """Produce every source in order; print one line per episode (on ``report``, stdout by
    default) and a summary. ``stem`` names the files of a single episode; ``after`` runs on
    each episode made (the listening check), and its errors fail that source."""
    report = report or sys.stdout
    reporter, live = make_reporter(settings.quiet, len(sources))
    failures: list[Failure] = []
    made: list[Episode] = []
    skipped = 0
    with live or contextlib.nullcontext():
        producer = Producer(settings, reporter)
        for source in sources:
            started = time.perf_counter()
            try:
                episode = producer.produce(source, force=force, stdin=stdin, stem=stem)
            except AudioNewsError as e:
                failures.append(Failure(source, str(e)))
                continue
            except Exception as e:  # a bug: it fails this source, never the rest of the batch
                if len(sources) == 1:
                    raise
                failures.append(Failure(source, f"internal error, please report it: {_bug(e)}"))
                continue
            if episode is None:
                skipped += 1
                continue
            made.append(episode)
            if not settings.quiet:
                print(_describe(episode, time.perf_counter() - started), file=report)
            if after is not None:
                try:
                    after(episode)
                except AudioNewsError as e:
                    failures.append(Failure(source, str(e)))
        try:
            producer.finish()  # the index, once for the whole batch
        except AudioNewsError as e:
            failures.append(Failure(settings.out_dir, str(e)))
    if len(sources) > 1 and not settings.quiet:
        summary = f"{len(made)} made, {skipped} up to date, {len(failures)} failed"
        print(summary, file=sys.stderr)
        print(f"sent: {_spending(made)}", file=sys.stderr)
    for failure in failures:
        named = failure.source in failure.message
        if (len(sources) > 1 or settings.quiet) and not named:
            print(f"error: {failure.source}: {failure.message}", file=sys.stderr)
        else:
            print(f"error: {failure.message}", file=sys.stderr)
    return failures
