"""Where ``produce`` puts an episode: a folder, a named file, or stdout; and ``--text``."""

from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import click

from ..config import Settings
from ..output.naming import FOLDER_STEMS


@dataclasses.dataclass(frozen=True)
class OutputTarget:
    """Where ``-o`` puts the episodes."""

    folder: str | None = None
    """None: the configured folder."""
    stem: str | None = None
    """The one episode's file name without ``.mp3``; None: the title's slug."""
    stdout: bool = False


def output_target(out: str | None, count: int) -> OutputTarget:
    """``-o DIR``, ``-o DIR/NAME.mp3`` (one article) or ``-o -`` (one article, to stdout)."""
    if out is None:
        return OutputTarget()
    if not out.strip():
        raise click.UsageError("-o needs a folder, a NAME.mp3 or -, not an empty name")
    if out == "-" or out.lower().endswith(".mp3"):
        if count != 1:
            raise click.UsageError(f"-o {out} takes exactly one article, not {count}")
        if out == "-":
            return OutputTarget(stdout=True)
        path = Path(out)
        if path.is_dir():
            raise click.UsageError(f"-o {out} is a folder; give a file name or the folder")
        if not path.stem or path.stem.startswith(".") or path.stem.endswith(_RESERVED_STEMS):
            raise click.UsageError(f"-o {out}: not a usable episode file name")
        if path.stem.lower() in FOLDER_STEMS:
            raise click.UsageError(f"-o {out}: the output folder's own files use that name")
        return OutputTarget(folder=str(path.parent), stem=path.stem)
    return OutputTarget(folder=out)


_RESERVED_STEMS = (".chapters", ".transcript", ".check")
"""Endings of the episode's other files' names, which an episode's own name must not have."""


def text_article(text: str) -> str:
    """``--text`` as a plain-text article: the first sentence the title, the rest the body."""
    from ..text.split import split_sentences

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        return "\n".join(lines)
    sentences = split_sentences(lines[0]) if lines else []
    if len(sentences) < 2:
        raise click.UsageError("--text needs a title and a body: at least two sentences")
    return f"{sentences[0]}\n{' '.join(sentences[1:])}\n"


def produce_to_stdout(source: str, settings: Settings, stdin: BinaryIO | None) -> list[Any]:
    """Make the episode in a temporary folder and copy its MP3 to stdout; notes go to stderr."""
    from .batch import run_batch

    stem = "episode"
    with tempfile.TemporaryDirectory(prefix="audio-news-") as tmp:
        settings = dataclasses.replace(settings, out_dir=tmp)
        failures = run_batch(
            [source], settings, force=True, stem=stem, stdin=stdin, report=sys.stderr
        )
        if not failures:
            with (Path(tmp) / f"{stem}.mp3").open("rb") as mp3:
                shutil.copyfileobj(mp3, sys.stdout.buffer)
            sys.stdout.buffer.flush()
    return failures
