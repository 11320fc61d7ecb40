"""Options several commands share, and turning the options given into settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..config import (
    DEFAULT_FETCH_TIMEOUT_S,
    DEFAULT_MAX_DOWNLOAD_BYTES,
    DEFAULT_MAX_INPUT_CHARS,
    Settings,
    settings_from_dict,
)


def settings_for(ctx: click.Context, **given: Any) -> Settings:
    """Config file values, overlaid with the options the user actually gave."""
    overrides = {k: v for k, v in given.items() if v is not None and v != ()}
    for name in ("disabled_rules", "allowed_hosts"):
        if name in overrides:
            overrides[name] = list(overrides[name])
    base = settings_from_dict(ctx.obj["config"])
    return settings_from_dict(overrides, base)


def engine_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--engine``, ``--voice`` and ``--voice-model``: who speaks."""
    for option in reversed(
        [
            click.option(
                "--engine",
                metavar="NAME[,NAME...]",
                help="Engine, or engines to try in order (gcloud,gtts,espeak); "
                "see `audio-news engines` [default: auto].",
            ),
            click.option(
                "--voice",
                metavar="ID",
                help="A voice from `audio-news voices` (ID or ENGINE:ID).",
            ),
            click.option(
                "--voice-model",
                type=click.Path(dir_okay=False),
                help="Piper voice file (.onnx, with its .onnx.json beside it).",
            ),
        ]
    ):
        f = option(f)
    return f


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
                help="Time limit for downloading a URL, redirects included "
                f"[default: {DEFAULT_FETCH_TIMEOUT_S:g}].",
            ),
            click.option(
                "--allow-private-hosts",
                "allow_private_hosts",
                is_flag=True,
                default=None,
                help="Fetch URLs from loopback, private and other non-public addresses too.",
            ),
            click.option(
                "--allow-host",
                "allowed_hosts",
                multiple=True,
                metavar="ADDRESS[/BITS]",
                help="A non-public address or network to fetch from all the same (repeatable).",
            ),
        ]
    ):
        f = option(f)
    return f
