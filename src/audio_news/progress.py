"""How the pipeline tells a person what it is doing, without knowing about terminals."""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    """Receives the pipeline's notes and progress; the CLI renders them."""

    def note(self, message: str) -> None:
        """A one-line remark worth showing (engine choice, skipped episode)."""

    def start_article(self, name: str, chunks: int) -> None:
        """Synthesis of an article with ``chunks`` chunks begins."""

    def advance(self, chunks: int = 1) -> None:
        """``chunks`` more chunks are ready."""

    def stage(self, name: str) -> None:
        """A later stage (assembling, encoding) begins."""

    def finish_article(self) -> None:
        """The current article is done or failed."""


class SilentReporter:
    """Reports nothing; the default for the Python API and for ``--quiet``."""

    def note(self, message: str) -> None:
        pass

    def start_article(self, name: str, chunks: int) -> None:
        pass

    def advance(self, chunks: int = 1) -> None:
        pass

    def stage(self, name: str) -> None:
        pass

    def finish_article(self) -> None:
        pass
