"""The ``audio-news`` command: the only place options become settings."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from ..config import (
    DEFAULT_BITRATE_KBPS,
    DEFAULT_FETCH_TIMEOUT_S,
    DEFAULT_MAX_DOWNLOAD_BYTES,
    DEFAULT_MAX_INPUT_CHARS,
    DEFAULT_OUT_DIR,
    DEFAULT_SPEED,
    MAX_SPEED,
    MIN_SPEED,
    Settings,
    load_config_file,
    settings_from_dict,
)
from ..errors import AudioNewsError
from ..version import __version__

ENGINE_CHOICES = ("auto", "gtts", "espeak")


def _settings(ctx: click.Context, **given: Any) -> Settings:
    """Config file values, overlaid with the options the user actually gave."""
    overrides = {k: v for k, v in given.items() if v is not None and v != ()}
    if "disabled_rules" in overrides:
        overrides["disabled_rules"] = list(overrides["disabled_rules"])
    base = settings_from_dict(ctx.obj["config"])
    return settings_from_dict(overrides, base)


def engine_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--engine",
        type=click.Choice(ENGINE_CHOICES),
        help="Voice: gtts (Google, online), espeak (offline), auto (gtts if Google answers).",
    )(f)


def text_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option(
                "--lexicon",
                type=click.Path(dir_okay=False),
                help="Your pronunciation lexicon (TOML or CSV).",
            ),
            click.option(
                "--disable-rule",
                "disabled_rules",
                multiple=True,
                metavar="NAME",
                help="Turn off a cleaning rule (see `audio-news clean --rules`).",
            ),
            click.option(
                "--max-chars",
                "max_input_chars",
                type=int,
                help=f"Refuse longer articles [default: {DEFAULT_MAX_INPUT_CHARS}].",
            ),
            click.option(
                "--max-download",
                "max_download_bytes",
                type=int,
                metavar="BYTES",
                help=f"Refuse larger downloads [default: {DEFAULT_MAX_DOWNLOAD_BYTES}].",
            ),
            click.option(
                "--timeout",
                "fetch_timeout",
                type=float,
                metavar="SECONDS",
                help=f"Time limit for downloading a URL [default: {DEFAULT_FETCH_TIMEOUT_S:g}].",
            ),
        ]
    ):
        f = option(f)
    return f


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
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False),
    help=f"Folder for the episodes [default: {DEFAULT_OUT_DIR}].",
)
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
@click.option("--date", help="Episode date, YYYY-MM-DD [default: the article's, else today].")
@click.option(
    "--cover", type=click.Path(exists=True, dir_okay=False), help="Cover art (JPEG or PNG)."
)
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
@click.option("-f", "--force", is_flag=True, help="Remake episodes that are already up to date.")
@click.option("-q", "--quiet", is_flag=True, default=None, help="No progress bars or notes.")
@text_options
@click.pass_context
def produce(
    ctx: click.Context,
    /,
    articles: tuple[str, ...],
    no_cache: bool,
    no_player: bool,
    force: bool,
    artist: str | None,
    album: str | None,
    date: str | None,
    cover: str | None,
    **options: Any,
) -> None:
    """Make one MP3 episode per ARTICLE (file, folder, URL, or - for stdin)."""
    from ..inputs import expand_sources
    from .batch import run_batch

    tags = {"artist": artist, "album": album, "date": date, "cover": cover}
    settings = _settings(ctx, **options, **{k: v for k, v in tags.items() if v is not None})
    if no_cache:
        settings = dataclasses.replace(settings, use_cache=False)
    if no_player:
        settings = dataclasses.replace(settings, player=False)
    failures = run_batch(expand_sources(articles), settings, force=force)
    if failures:
        sys.exit(1)


@cli.command(short_help="Show exactly what will be spoken.")
@click.argument("article")
@engine_option
@text_options
@click.pass_context
def script(ctx: click.Context, /, **options: Any) -> None:
    """Print exactly what will be spoken: the title, then one line per chunk."""
    from ..pipeline import prepare
    from ..speech.engines import resolve_engine

    article = options.pop("article")
    settings = _settings(ctx, **options)
    engine = resolve_engine(settings.engine, lambda message: click.echo(message, err=True))
    prepared = prepare(article, settings, engine.max_chars)
    for chunk in prepared.script.chunks:
        click.echo(chunk.text)


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
    settings = _settings(ctx, **options)
    cleaned, removed = read_and_clean(article, settings)
    if show_removed:
        for line in format_removed(removed):
            click.echo(line)
        return
    click.echo(cleaned.title)
    for paragraph in cleaned.paragraphs:
        click.echo(paragraph)


@cli.command(short_help="List the speech engines and the default.")
@click.pass_context
def engines(ctx: click.Context) -> None:
    """List the speech engines, whether each works here, and the default."""
    from ..speech.engines import engine_infos

    settings = _settings(ctx)
    for info in engine_infos(settings.engine):
        state = "available" if info.available else "unavailable"
        default = " (default)" if info.is_default else ""
        click.echo(f"{info.name:8} {state:12} {info.detail}{default}")


@cli.group()
def cache() -> None:
    """Inspect or empty the segment cache."""


@cache.command("info")
@click.option("--cache-dir", type=click.Path(file_okay=False))
@click.pass_context
def cache_info(ctx: click.Context, cache_dir: str | None) -> None:
    """Show where the cache is, how many clips it holds and its size."""
    from ..speech.cache import SegmentCache, format_cache_info

    settings = _settings(ctx, cache_dir=cache_dir)
    click.echo(format_cache_info(SegmentCache(settings.resolved_cache_dir()).info()))


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(file_okay=False))
@click.pass_context
def cache_clear(ctx: click.Context, cache_dir: str | None) -> None:
    """Delete every cached clip."""
    from ..speech.cache import SegmentCache

    settings = _settings(ctx, cache_dir=cache_dir)
    removed = SegmentCache(settings.resolved_cache_dir()).clear()
    click.echo(f"removed {removed} cached clips")


def _attach_publish_commands() -> None:
    from .publish import feed, serve

    cli.add_command(feed)
    cli.add_command(serve)


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
