"""The ``audio-news`` command: the only place options become settings."""

from __future__ import annotations

import dataclasses
import io
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from ..config import (
    DEFAULT_BITRATE_KBPS,
    DEFAULT_OUT_DIR,
    DEFAULT_SPEED,
    MAX_SPEED,
    MIN_SPEED,
    load_config_file,
    parse_date,
)
from ..errors import AudioNewsError
from ..version import __version__
from .options import engine_option, settings_for, text_options
from .targets import output_target, produce_to_stdout, text_article


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="audio-news")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML config file [default: ./audio-news.toml, else the user config dir's config.toml].",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Turn news articles (Vietnamese first) into podcast-ready MP3 episodes.

    \b
    audio-news produce article.txt        make output/<title>.mp3 (+ .json, .vtt, .html)
    audio-news script article.txt         show exactly what will be spoken
    audio-news clean article.html --show-removed
    """
    ctx.obj = {"config": load_config_file(config_path), "config_path": config_path}


@cli.command(short_help="Make MP3 episodes from articles.")
@click.argument("articles", nargs=-1)
@click.option(
    "-o",
    "--out",
    "--out-dir",
    "out",
    metavar="DIR|NAME.mp3|-",
    help=f"Folder for the episodes [default: {DEFAULT_OUT_DIR}]; with one article, NAME.mp3 "
    "names its file (the others beside it share the name) and - writes the MP3 to stdout.",
)
@click.option("--text", help="Speak this text: its first sentence is the title, the rest the body.")
@engine_option
@click.option(
    "--speed",
    type=float,
    help=f"Speaking speed {MIN_SPEED:g}-{MAX_SPEED:g}, pitch kept [default: {DEFAULT_SPEED:g}].",
)
@click.option(
    "--bitrate",
    "bitrate_kbps",
    type=int,
    metavar="KBPS",
    help=f"MP3 bitrate, 32-320 kbps CBR [default: {DEFAULT_BITRATE_KBPS}].",
)
@click.option("--artist", help="ID3 artist: the publication or author.")
@click.option("--album", help="ID3 album: the podcast or series name.")
@click.option(
    "--date",
    help="Episode date, YYYY-MM-DD or DD/MM/YYYY (28/12/2023, ngày 28 tháng 12 năm 2023) "
    "[default: the article's, else today].",
)
@click.option(
    "--cover", type=click.Path(exists=True, dir_okay=False), help="Cover art (JPEG or PNG)."
)
@click.option("--intro", metavar="FILE", help="Audio played before each episode [config: intro].")
@click.option("--outro", metavar="FILE", help="Audio played after each episode [config: outro].")
@click.option(
    "-j",
    "--jobs",
    type=int,
    help="Synthesis requests in flight [default: the engine's, see `audio-news engines`].",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    help="Segment cache folder [default: the user cache dir].",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the segment cache.")
@click.option("--no-player", is_flag=True, help="Do not write the web player page.")
@click.option(
    "--check",
    "listen",
    is_flag=True,
    help="Listen to each episode made and write <slug>.check.json (needs the check extra).",
)
@click.option("-f", "--force", is_flag=True, help="Remake episodes that are already up to date.")
@click.option("-q", "--quiet", is_flag=True, default=None, help="No progress bars or notes.")
@text_options
@click.pass_context
def produce(
    ctx: click.Context,
    /,
    articles: tuple[str, ...],
    out: str | None,
    text: str | None,
    no_cache: bool,
    no_player: bool,
    listen: bool,
    force: bool,
    artist: str | None,
    album: str | None,
    date: str | None,
    cover: str | None,
    **options: Any,
) -> None:
    """Make one MP3 episode per ARTICLE (file, folder, URL, or - for stdin), or of --text."""
    from ..inputs import expand_sources
    from .batch import run_batch

    if (text is None) == (not articles):
        raise click.UsageError("give ARTICLE(s) or --text, not both" if text else "missing ARTICLE")
    sources = expand_sources(articles) if articles else ["-"]
    target = output_target(out, len(sources))
    tags = {"artist": artist, "album": album, "cover": cover}
    if date is not None:
        tags["date"] = parse_date(date)
    given = {**options, **{k: v for k, v in tags.items() if v is not None}}
    settings = settings_for(ctx, **given, **({"out_dir": target.folder} if target.folder else {}))
    if no_cache:
        settings = dataclasses.replace(settings, use_cache=False)
    if no_player or target.stdout:
        settings = dataclasses.replace(settings, player=False)
    after = None
    if listen:
        from .check import checker_for_batch

        after = checker_for_batch(settings)
    stdin = io.BytesIO(text_article(text).encode("utf-8")) if text is not None else None
    if target.stdout:
        failures = produce_to_stdout(sources[0], settings, stdin)
    else:
        failures = run_batch(
            sources, settings, force=force, after=after, stem=target.stem, stdin=stdin
        )
    if failures:
        sys.exit(1)


@cli.command(short_help="Show exactly what will be spoken.")
@click.argument("article")
@engine_option
@click.option(
    "--cost", is_flag=True, help="Also print the characters sent and their estimated cost."
)
@text_options
@click.pass_context
def script(ctx: click.Context, /, article: str, cost: bool, **options: Any) -> None:
    """Print exactly what will be spoken: the title, then one line per chunk.

    Nothing is sent anywhere: the engine is the first of the run's, as far as can be told
    without asking the network.
    """
    from ..pipeline import prepare
    from ..speech.choice import EngineChoice
    from ..speech.voices import estimate

    settings = settings_for(ctx, **options)
    choice = EngineChoice(settings.engine, lambda note: click.echo(note, err=True), probe=False)
    voicing = choice.first()
    prepared = prepare(article, settings, voicing.engine.max_chars)
    for chunk in prepared.script.chunks:
        click.echo(chunk.text)
    if cost:
        characters = sum(len(text) for text in {chunk.text for chunk in prepared.script.chunks})
        click.echo(f"cost: {estimate(voicing.name, voicing.label, characters)}", err=True)


@cli.command(short_help="Show the cleaned article, or what was removed.")
@click.argument("article", required=False)
@click.option(
    "--show-removed", is_flag=True, help="Print what was removed, each line with its rule."
)
@click.option("--rules", "list_rules", is_flag=True, help="List the cleaning rules and exit.")
@text_options
@click.pass_context
def clean(
    ctx: click.Context, /, article: str | None, show_removed: bool, list_rules: bool, **options: Any
) -> None:
    """Print the cleaned article: the title, then one paragraph per line."""
    from ..pipeline import read_and_clean
    from ..text.clean import RULE_NAMES, format_removed

    if list_rules:
        click.echo("\n".join(RULE_NAMES))
        return
    if article is None:
        raise click.UsageError("missing ARTICLE")
    settings = settings_for(ctx, **options)
    cleaned, removed = read_and_clean(article, settings)
    if show_removed:  # what the reader left out, then what cleaning took
        for line in format_removed((*cleaned.dropped, *removed)):
            click.echo(line)
        return
    click.echo(cleaned.title)
    for paragraph in cleaned.paragraphs:
        click.echo(paragraph)


@cli.command(short_help="List the speech engines and the default.")
@engine_option
@click.pass_context
def engines(ctx: click.Context, /, **options: Any) -> None:
    """List the speech engines: whether each is set up (credentials, a voice file), runs here
    and answers, and the one a run starts with."""
    from ..speech.choice import engine_infos

    settings = settings_for(ctx, **options)
    for info in engine_infos(settings.engine):
        state = "available" if info.available else "unavailable"
        default = " (default)" if info.is_default else ""
        setup = f"setup: {info.credentials}"
        click.echo(f"{info.name:8} {state:12} {setup:22} {info.detail}{default}")


@cli.group()
def cache() -> None:
    """Inspect or empty the segment cache."""


@cache.command("info")
@click.option("--cache-dir", type=click.Path(file_okay=False))
@click.pass_context
def cache_info(ctx: click.Context, cache_dir: str | None) -> None:
    """Show where the cache is, how many clips it holds and its size."""
    from ..speech.cache import SegmentCache, format_cache_info

    settings = settings_for(ctx, cache_dir=cache_dir)
    click.echo(format_cache_info(SegmentCache(settings.resolved_cache_dir()).info()))


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(file_okay=False))
@click.pass_context
def cache_clear(ctx: click.Context, cache_dir: str | None) -> None:
    """Delete every cached clip."""
    from ..speech.cache import SegmentCache

    settings = settings_for(ctx, cache_dir=cache_dir)
    removed = SegmentCache(settings.resolved_cache_dir()).clear()
    click.echo(f"removed {removed} cached clips")


def _attach_publish_commands() -> None:
    from .check import check
    from .publish import feed, serve
    from .voices import voices

    cli.add_command(check)
    cli.add_command(feed)
    cli.add_command(serve)
    cli.add_command(voices)


_attach_publish_commands()


def _attach_service_commands() -> None:
    from .service import api, watch, worker

    cli.add_command(api)
    cli.add_command(worker)
    cli.add_command(watch)


_attach_service_commands()


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def main() -> None:
    """Run the CLI: our errors and usage errors are one line on stderr and a non-zero exit."""
    try:
        cli.main(prog_name="audio-news", standalone_mode=False)
    except AudioNewsError as e:
        fail(str(e), 1)
    except click.UsageError as e:
        hint = f" (see '{e.ctx.command_path} --help')" if e.ctx else ""
        fail(f"{e.format_message()}{hint}", e.exit_code)
    except click.ClickException as e:
        fail(e.format_message(), e.exit_code)
    except (KeyboardInterrupt, click.Abort):
        fail("interrupted", 130)
    except BrokenPipeError:
        sys.exit(141)


__all__ = ["cli", "main"]
