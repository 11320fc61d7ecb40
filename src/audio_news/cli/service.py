"""``audio-news api``, ``worker`` and ``watch``: the newsroom service; the main group attaches them.

Their dependencies (FastAPI, Dramatiq, Redis, feedparser) are the ``service`` extra, imported
only when one of these commands runs.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import click

from ..errors import ConfigError
from .options import engine_option, settings_for

BROKER_ENV = "AUDIO_NEWS_BROKER"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

F = TypeVar("F", bound=Callable[..., Any])


def _config(ctx: click.Context) -> dict[str, Any]:
    config: dict[str, Any] = (ctx.obj or {}).get("config") or {}
    return config


def _require_extra() -> None:
    try:
        import dramatiq  # noqa: F401
        import fastapi  # noqa: F401
        import redis  # noqa: F401
    except ImportError as e:
        raise ConfigError(
            f"the service needs its extra installed: pip install 'audio-news[service]' ({e.name})"
        ) from e


def redact(url: str) -> str:
    """``url`` without its password, for logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _service_config(ctx: click.Context, out_dir: str | None, **service: Any) -> dict[str, Any]:
    """The config file with the options given on the command line laid over it."""
    config = dict(_config(ctx))
    given = {k: v for k, v in service.items() if v is not None}
    config["service"] = {**config.get("service", {}), **given}
    if out_dir is not None:
        config["out_dir"] = out_dir
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    return config


def _folder_options(f: F) -> F:
    f = click.option(
        "--state-dir",
        type=click.Path(file_okay=False),
        help="Jobs' state, shared by API and workers [default: OUT_DIR/.service].",
    )(f)
    return click.option(
        "-o",
        "--out-dir",
        type=click.Path(file_okay=False),
        help="Where episodes land, shared by API and workers [default: config, else output].",
    )(f)


def _broker_option(required: bool) -> Callable[[F], F]:
    return click.option(
        "--broker",
        envvar=BROKER_ENV,
        required=required,
        metavar="URL",
        help="Redis URL, e.g. redis://127.0.0.1:6379/0"
        + ("." if required else " [default: none, the embedded pool]."),
    )


@click.command("api", short_help="Run the HTTP API for a CMS.")
@_broker_option(required=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="0 picks a free one.")
@click.option("--workers", type=int, help="Jobs at once in the embedded pool [default: 2].")
@_folder_options
@click.pass_context
def api(
    ctx: click.Context,
    /,
    broker: str | None,
    host: str,
    port: int,
    workers: int | None,
    out_dir: str | None,
    state_dir: str | None,
) -> None:
    """Serve the API: POST articles to /v1/episodes, follow them, fetch the episodes.

    Without --broker the jobs run here, on a pool of worker processes, and jobs accepted but
    not finished run again after a restart. With --broker they go to `audio-news worker`s.
    """
    _require_extra()
    import uvicorn

    from ..output.serve import bind_socket
    from ..service.api import build_api

    config = _service_config(ctx, out_dir, state_dir=state_dir, workers=workers)
    app = build_api(config, broker)
    sock = bind_socket(host, port)
    where = f"http://{host}:{sock.getsockname()[1]}"
    mode = f"queue on {redact(broker)}" if broker else "embedded pool"
    click.echo(f"audio-news API at {where} ({mode})", err=True)
    server = uvicorn.Config(app, log_level="info", server_header=False, timeout_keep_alive=5)
    uvicorn.Server(server).run(sockets=[sock])


@click.command("worker", short_help="Run jobs from the Redis queue.")
@_broker_option(required=True)
@click.option("--threads", default=1, show_default=True, type=int, help="Messages handled at once.")
@_folder_options
@click.pass_context
def worker(
    ctx: click.Context, /, broker: str, threads: int, out_dir: str | None, state_dir: str | None
) -> None:
    """Make episodes for jobs on the Redis queue, until SIGTERM or Ctrl+C.

    A job running at a stop is finished first; a worker killed outright loses nothing: its
    job goes to another worker once the heartbeat timeout has passed.
    """
    _require_extra()
    from ..service.queue import redis_queue, running_worker
    from ..service.runner import make_context, worker_name
    from ..service.settings import service_settings_from_dict

    config = _service_config(ctx, out_dir, state_dir=state_dir)
    settings = service_settings_from_dict(config)
    context = make_context(config, settings)

    if not 1 <= threads <= 64:
        raise ConfigError(f"threads must be between 1 and 64, not {threads}")
    queue = redis_queue(broker, settings, context)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with running_worker(queue, threads):
        click.echo(f"worker {worker_name()} ready on {redact(broker)}", err=True)
        while not stop.wait(1.0):
            pass
        click.echo("stopping: finishing the jobs in hand", err=True)


@click.command("watch", short_help="Make episodes from RSS/Atom feeds as items appear.")
@click.argument("feeds", nargs=-1, required=True, metavar="FEED_URL...")
@click.option(
    "--interval", default=300.0, show_default=True, type=float, help="Seconds between polls."
)
@click.option("--once", is_flag=True, help="Poll once and exit (for cron); exit 1 on failures.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Also make items published from this date on (backfill) [default: only new ones].",
)
@click.option("--base-url", help="Public URL of OUT_DIR: keep its podcast feed.xml up to date.")
@engine_option
@_folder_options
@click.pass_context
def watch(
    ctx: click.Context,
    /,
    feeds: tuple[str, ...],
    interval: float,
    once: bool,
    since: Any,
    base_url: str | None,
    state_dir: str | None,
    **voicing: Any,
) -> None:
    """Poll FEED_URLs and make an episode for each new item, again when an item changes.

    The first poll of a feed only notes its items (use --since to make them); state is kept
    in the state folder, so a restart redoes nothing. One bad item never stops the rest.
    """
    try:
        import feedparser  # noqa: F401
    except ImportError as e:
        raise ConfigError(
            "watch needs its extra installed: pip install 'audio-news[service]'"
        ) from e
    from ..output.feed import check_base_url
    from ..service.settings import service_settings_from_dict
    from ..service.watch import Watcher

    if interval < 1:
        raise ConfigError("interval must be at least 1 second")
    settings = settings_for(ctx, quiet=True, **voicing)
    given = {"state_dir": state_dir} if state_dir else {}
    service = service_settings_from_dict({"service": {**_config(ctx).get("service", {}), **given}})
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    watcher = Watcher(
        settings,
        service.resolved_state_dir(settings.out_dir),
        since=since.date() if since else None,
        on_error=lambda message: click.echo(f"error: {message}", err=True),
    )
    public_url = check_base_url(base_url) if base_url is not None else None
    _poll(ctx, watcher, feeds, Path(settings.out_dir), public_url, None if once else interval)


def _poll(
    ctx: click.Context,
    watcher: Any,
    feeds: tuple[str, ...],
    out_dir: Path,
    base_url: str | None,
    interval: float | None,
) -> None:
    """Poll every ``interval`` seconds until a signal; once when ``interval`` is None."""
    from ..output.feed import feed_settings_from_dict, write_feed

    feed_settings = feed_settings_from_dict(_config(ctx))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    while True:
        report = watcher.poll(feeds)
        click.echo(f"poll: {report}", err=True)
        if base_url and (report.made or report.updated or not (out_dir / "feed.xml").exists()):
            write_feed(out_dir, base_url, feed_settings)
        if interval is None:
            if report.failed:
                sys.exit(1)
            return
        if stop.wait(interval):
            return
