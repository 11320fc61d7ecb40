"""``audio-news check``, and the check that ``produce --check`` runs after each episode."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click

from ..config import Settings
from ..errors import CheckUnavailable
from ..listen.check import DEFAULT_THRESHOLD, EpisodeCheck, check_episode, find_episodes
from ..listen.recognizer import INSTALL_HINT, available, load_recognizer
from ..listen.report import format_table, write_report
from ..models import Episode

Echo = Callable[[str], None]


def require_recognizer() -> None:
    """Fail in one line, before any work, when the ``check`` extra is missing."""
    if not available():
        raise CheckUnavailable(INSTALL_HINT)


class Listener:
    """Checks episodes one after another with one recognizer and one normalizer."""

    def __init__(
        self, settings: Settings, threshold: float = DEFAULT_THRESHOLD, verbose: bool = False
    ) -> None:
        from ..pipeline import make_normalizer

        require_recognizer()
        self.spell = make_normalizer(settings).normalize
        self.threshold = threshold
        self.verbose = verbose

    def check(self, json_path: Path, echo: Echo, only_flagged: bool = False) -> EpisodeCheck:
        """Check one episode, write its report, and print its table."""
        recognizer = load_recognizer(self.verbose)
        result = check_episode(json_path, recognizer, self.spell, self.threshold)
        report = write_report(result)
        echo(f"{result.episode.audio}: {result.episode.title}")
        for line in format_table(result, only_flagged):
            echo(line)
        echo(f"report: {report}")
        return result


def checker_for_batch(settings: Settings) -> Callable[[Episode], EpisodeCheck]:
    """What ``produce --check`` runs on each episode made: its flagged rows and figures."""
    listener = Listener(settings)

    def echo(line: str) -> None:
        if not settings.quiet:
            click.echo(line)

    def after(episode: Episode) -> EpisodeCheck:
        return listener.check(Path(episode.json_path), echo, only_flagged=True)

    return after


def _failure(result: EpisodeCheck, over: float) -> str:
    faults = [s.index for s in result.segments if s.faulty]
    reasons = [f"WER {result.rate:.2f} > {over:g}"] if result.rate > over else []
    if faults:
        reasons.append("faulty segments " + ", ".join(f"#{i}" for i in faults))
    return f"{result.episode.audio}: {'; '.join(reasons)}"


@click.command("check", short_help="Listen to episodes and report what was not understood.")
@click.argument("episodes", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Flag segments whose word error rate is above this.",
)
@click.option(
    "--fail-over",
    type=click.FloatRange(0.0),
    metavar="RATE",
    help="Exit 1 if an episode's word error rate is above RATE, or a segment is silent, "
    "too short or long, or sounds like another segment.",
)
@click.option(
    "--lexicon",
    type=click.Path(dir_okay=False),
    help="The pronunciation lexicon the episodes were made with.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show the recognizer's own log lines.")
@click.pass_context
def check(
    ctx: click.Context,
    /,
    episodes: Sequence[Path],
    threshold: float,
    fail_over: float | None,
    lexicon: str | None,
    verbose: bool,
) -> None:
    """Recognize each segment of EPISODE (an .mp3 beside its .json, or a folder of them),
    compare it with its text, print a table and write <slug>.check.json beside it."""
    from .main import fail
    from .options import settings_for

    require_recognizer()
    settings = settings_for(ctx, lexicon=lexicon)
    listener = Listener(settings, threshold, verbose)
    failed = []
    for n, json_path in enumerate(find_episodes(episodes)):
        if n:
            click.echo("")
        result = listener.check(json_path, click.echo)
        if fail_over is not None and result.fails(fail_over):
            failed.append(_failure(result, fail_over))
    if failed:
        for line in failed[:-1]:
            click.echo(f"error: {line}", err=True)
        fail(failed[-1], 1)
