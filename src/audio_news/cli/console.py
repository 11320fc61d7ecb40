"""Terminal rendering of the pipeline's progress: rich bars on a TTY, nothing otherwise."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..progress import Reporter, SilentReporter

if TYPE_CHECKING:
    from rich.progress import TaskID


class NotesOnlyReporter(SilentReporter):
    """Prints notes to stderr, no bars: for pipes and logs."""

    def note(self, message: str) -> None:
        print(message, file=sys.stderr)


class RichReporter:
    """One bar for the batch and one for the chunks of the article being made."""

    def __init__(self, articles: int) -> None:
        # Imported here: runs without a terminal (pipes, cron, benchmarks) never load rich.
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.batch: TaskID | None = (
            self.progress.add_task("articles", total=articles) if articles > 1 else None
        )
        self.current: TaskID | None = None
        self.name = ""

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def note(self, message: str) -> None:
        self.console.print(message, markup=False, highlight=False)

    def start_article(self, name: str, chunks: int) -> None:
        self.name = name[:40]
        self.current = self.progress.add_task(self.name, total=chunks)

    def advance(self, chunks: int = 1) -> None:
        if self.current is not None:
            self.progress.advance(self.current, chunks)

    def stage(self, name: str) -> None:
        # Stages overlap synthesis, whose chunk count the bar still shows: keep the article.
        if self.current is not None:
            self.progress.update(self.current, description=f"{self.name[:24]}: {name}")

    def finish_article(self) -> None:
        if self.current is not None:
            self.progress.remove_task(self.current)
            self.current = None
        if self.batch is not None:
            self.progress.advance(self.batch)


def make_reporter(quiet: bool, articles: int) -> tuple[Reporter, RichReporter | None]:
    """The reporter for this terminal, and the live display to start when there is one."""
    if quiet:
        return SilentReporter(), None
    if sys.stderr.isatty():
        live = RichReporter(articles)
        return live, live
    return NotesOnlyReporter(), None
