"""What a publishing step is: a thing done with an assembled episode, and how to tell it
is done. ``pipeline.publishing_steps`` lists the steps in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .episode import EpisodeDocument
from .page import write_index
from .reservation import folder_lock

Done = Callable[[EpisodeDocument, Path], bool]
"""Whether a step's work for an episode (its document) is in the output folder."""


@dataclass(frozen=True)
class PublishingStep:
    """One thing done with an assembled episode; ``publishing_steps`` lists them in order."""

    name: str
    """Shown as the stage while it runs."""
    run: Callable[[EpisodeDocument, Path], object]
    """Takes the episode's document and the output folder."""
    done: Done
    """Whether what it makes is in the folder: an up-to-date episode has every step done."""
    player: bool = False
    """Part of the web player, which ``--no-player`` leaves out."""
    per_batch: bool = False
    """Run once after a batch's episodes (``Producer.finish``) rather than after each."""


def write_folder_index(_: EpisodeDocument, out_dir: Path) -> Path:
    """The index step: the folder's ``index.html``, listing its episodes."""
    with folder_lock(out_dir):  # runs at once each list the episodes of the others before them
        return write_index(out_dir)


def file_in_place(
    name: Callable[[EpisodeDocument], str | None],
) -> Callable[[EpisodeDocument, Path], bool]:
    """A step's ``done``: the file it writes (named by ``name``, None for none) is there."""

    def done(document: EpisodeDocument, out_dir: Path) -> bool:
        named = name(document)
        return named is None or (Path(out_dir) / named).is_file()

    return done
