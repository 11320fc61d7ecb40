"""``audio-news voices``: the voice catalog, with accents and list prices."""

from __future__ import annotations

import click

from ..speech.engines import ENGINE_NAMES
from ..speech.voices import catalog, table_rows

HEADER = ("engine", "id", "accent", "gender", "where", "price/1M chars")


@click.command("voices", short_help="List the voices, their accents and prices.")
@click.option("--engine", "engine", metavar="NAME", help="Only this engine's voices.")
def voices(engine: str | None) -> None:
    """List every voice: engine, id, accent (Bắc, Trung, Nam), gender, whether the text
    leaves this machine, and the vendor's list price per million characters.

    Pick one with `--voice ID` (or ENGINE:ID), or per section in the config file's
    [voices] table (title = ..., body = ...).
    """
    known = catalog()
    engines = {v.engine for v in known.voices}
    if engine is not None and engine not in engines:
        choices = ", ".join(sorted(engines))
        raise click.BadParameter(f"{engine!r}; the catalog has {choices}", param_hint="--engine")
    chosen = known.for_engine(engine) if engine else known.voices
    rows = [HEADER, *table_rows(chosen)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    missing = sorted({v.engine for v in chosen} - set(ENGINE_NAMES))
    click.echo(
        f"{len(chosen)} voices; list prices as of {known.prices_date.isoformat()}, "
        "before free tiers and discounts; * an accent the vendor does not document",
        err=True,
    )
    if missing:
        click.echo(f"not installed in this copy: {', '.join(missing)}", err=True)
