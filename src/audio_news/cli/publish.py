"""``audio-news feed`` and ``audio-news serve``; the main group attaches them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..config import DEFAULT_SERVE_HOST, DEFAULT_SERVE_PORT

_OUTPUT_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


def _config(ctx: click.Context) -> dict[str, Any]:
    obj = ctx.obj or {}
    config: dict[str, Any] = obj.get("config") or {}
    return config


@click.command("feed", short_help="Write a podcast RSS feed for a folder.")
@click.argument("output_dir", type=_OUTPUT_DIR)
@click.option("--base-url", required=True, help="Public URL the folder is served at.")
@click.option("--title", help="Podcast title [config: feed.title].")
@click.option("--description", help="Podcast description [config: feed.description].")
@click.option("--link", help="Podcast web page [default: the base URL].")
@click.option("--image", help="Cover art URL, .jpg or .png [default: cover.png in the folder].")
@click.option("--category", help="Apple Podcasts category [default: News].")
@click.option("--explicit/--no-explicit", default=None, help="itunes:explicit [default: no].")
@click.option("--owner-name", help="itunes:owner name.")
@click.option("--owner-email", help="itunes:owner email.")
@click.option("--author", help="itunes:author [default: the owner's name].")
@click.pass_context
def feed(ctx: click.Context, /, output_dir: Path, base_url: str, **overrides: Any) -> None:
    """Write OUTPUT_DIR/feed.xml, a podcast feed of the episodes in OUTPUT_DIR."""
    from ..output.feed import feed_settings_from_dict, write_feed
    from ..output.page import refresh_pages

    settings = feed_settings_from_dict(_config(ctx)).with_overrides(**overrides)
    click.echo(str(write_feed(output_dir, base_url, settings)))
    refresh_pages(output_dir, settings.title)


@click.command("serve", short_help="Serve episodes, player and feed over HTTP.")
@click.argument("output_dir", type=_OUTPUT_DIR)
@click.option("--host", default=DEFAULT_SERVE_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=DEFAULT_SERVE_PORT,
    show_default=True,
    type=int,
    help="Port to listen on; 0 picks a free one.",
)
def serve(output_dir: Path, host: str, port: int) -> None:
    """Serve OUTPUT_DIR over HTTP: an index at /, episode pages, audio with seeking."""
    from ..output.serve import LocalServer

    server = LocalServer(output_dir, host=host, port=port, log_level="info")
    click.echo(f"Serving {output_dir} at {server.url} (Ctrl+C to stop)")
    server.run()
