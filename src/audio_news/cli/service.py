"""``audio-news api``, ``worker`` and ``watch``: the newsroom service; the main group attaches them.

Their dependencies (FastAPI, Dramatiq, Redis, feedparser) are the ``service`` extra, imported
only when one of these commands runs.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import click

from ..errors import ConfigError

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


def _setup(ctx: click.Context, out_dir: str | None, state_dir: str | None, **service: Any) -> Any:
    """The service settings and the run context from the config file and the options."""
    _require_extra()
    from ..config import settings_from_dict
    from ..service.runner import RunContext
    from ..service.settings import service_settings_from_dict

    config = dict(_config(ctx))
    given = {k: v for k, v in service.items() if v is not None}
    if state_dir is not None:
        given["state_dir"] = state_dir
    config["service"] = {**config.get("service", {}), **given}
    if out_dir is not None:
        config["out_dir"] = out_dir
    settings = service_settings_from_dict(config)
    resolved_out = settings_from_dict(config).out_dir
    context = RunContext(
        config=config,
        out_dir=str(Path(resolved_out).resolve()),
        state_dir=str(settings.resolved_state_dir(resolved_out).resolve()),
        engine_retries=settings.engine_retries,
    )
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    return settings, context


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
    settings, context = _setup(ctx, out_dir, state_dir, workers=workers)
    import uvicorn

    from ..output.serve import bind_socket
    from ..service.api import create_api
    from ..service.queue import embedded_queue, redis_queue

    if broker:
        queue, pool = redis_queue(broker, settings, context), None
    else:
        queue, pool = embedded_queue(settings, context)
    app = create_api(settings, context, queue, pool)
    sock = bind_socket(host, port)
    where = f"http://{host}:{sock.getsockname()[1]}"
    mode = f"queue on {redact(broker)}" if broker else f"embedded pool of {settings.workers}"
    click.echo(f"audio-news API at {where} ({mode}); episodes in {context.out_dir}", err=True)
    config = uvicorn.Config(app, log_level="info", server_header=False, timeout_keep_alive=5)
    uvicorn.Server(config).run(sockets=[sock])


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
    settings, context = _setup(ctx, out_dir, state_dir)
    from ..service.queue import redis_queue, running_worker, worker_name

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
