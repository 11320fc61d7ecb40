"""The voice catalog (``data/voices.toml``): every voice, its accent, gender and list price.

A voice is named by its id (``vi-VN-Wavenet-A``, ``banmai``) or, where two engines share an
id (gtts and espeak both have ``vi``), by ``ENGINE:ID``. The catalog is the one owner of that
file; cost estimates read their price from it.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..errors import ConfigError

ACCENTS = ("Bắc", "Trung", "Nam")
"""Northern, Central and Southern Vietnamese."""
GENDERS = ("female", "male")
PER_CHARS = 1_000_000
"""Prices are per this many characters."""


@dataclass(frozen=True)
class Voice:
    """One line of ``audio-news voices``."""

    engine: str
    id: str
    accent: str
    """One of ``ACCENTS``."""
    gender: str
    online: bool
    """Whether the text leaves this machine."""
    tier: str
    """The vendor's price tier, e.g. ``gcloud-wavenet``."""
    price: float | None
    """List price per million characters in ``currency``; None when the table has none."""
    currency: str
    accent_source: str = "by ear"
    """``vendor`` when the vendor documents the accent."""

    @property
    def qualified_id(self) -> str:
        return f"{self.engine}:{self.id}"

    def cost(self, characters: int) -> float | None:
        """Estimated cost of sending ``characters`` to this voice; None when unpriced."""
        return None if self.price is None else self.price * characters / PER_CHARS


@dataclass(frozen=True)
class Catalog:
    voices: tuple[Voice, ...]
    prices_date: dt.date
    """When the prices were read from the vendors' pricing pages."""
    tiers: dict[str, dict[str, Any]]

    def describe(self, engine: str, voice_id: str) -> Voice | None:
        """The catalog's voice ``voice_id`` of ``engine``; for one it does not list (a Piper
        file, a vendor's newer voice), a voice priced as the engine's only tier, if it has
        one. None when nothing is known about its price."""
        for voice in self.voices:
            if voice.engine == engine and voice.id.casefold() == voice_id.casefold():
                return voice
        tiers = [(name, t) for name, t in self.tiers.items() if t["engine"] == engine]
        if len(tiers) != 1:
            return None
        return _voice({"id": voice_id, "tier": tiers[0][0], "accent": "", "gender": ""}, self.tiers)

    def for_engine(self, engine: str) -> tuple[Voice, ...]:
        return tuple(v for v in self.voices if v.engine == engine)

    def default(self, engine: str) -> Voice | None:
        """The voice an engine speaks with when none is chosen: its first in the table."""
        found = self.for_engine(engine)
        return found[0] if found else None

    def find(self, name: str, engines: Iterable[str] | None = None) -> Voice:
        """The voice called ``name`` (``ID`` or ``ENGINE:ID``), among ``engines`` if given.

        A bare id two engines share goes to the first of ``engines`` that has it.
        """
        order = list(engines) if engines is not None else None
        engine, _, voice_id = name.rpartition(":") if ":" in name else ("", "", name)
        matches = [
            v
            for v in self.voices
            if v.id.casefold() == voice_id.casefold() and engine in ("", v.engine)
        ]
        if order is not None:
            matches = sorted(
                (v for v in matches if v.engine in order), key=lambda v: order.index(v.engine)
            )
        if not matches:
            where = f" among {', '.join(order)}" if order is not None else ""
            raise ConfigError(f"no voice {name!r}{where}; `audio-news voices` lists them")
        return matches[0]


def _voice(row: dict[str, Any], tiers: dict[str, dict[str, Any]]) -> Voice:
    tier = tiers[row["tier"]]
    voice = Voice(
        engine=tier["engine"],
        id=row["id"],
        accent=row["accent"],
        gender=row["gender"],
        online=bool(tier["online"]),
        tier=row["tier"],
        price=float(tier["price"]) if "price" in tier else None,
        currency=tier["currency"],
        accent_source=row.get("accent_source", "by ear"),
    )
    if voice.accent not in ("", *ACCENTS) or voice.gender not in ("", *GENDERS):
        raise ValueError(f"voice {voice.id}: accent {voice.accent!r}, gender {voice.gender!r}")
    return voice


def parse_catalog(text: str) -> Catalog:
    table = tomllib.loads(text)
    tiers = table["tiers"]
    voices = tuple(_voice(row, tiers) for row in table["voice"])
    if any(not (v.accent and v.gender) for v in voices):
        raise ValueError("every voice of the catalog needs an accent and a gender")
    return Catalog(voices, table["prices_date"], tiers)


@cache
def catalog() -> Catalog:
    """The catalog shipped with the package."""
    text = resources.files("audio_news").joinpath("data/voices.toml").read_text(encoding="utf-8")
    return parse_catalog(text)


def format_price(voice: Voice) -> str:
    if voice.price is None:
        return "unpriced"
    if voice.price == 0:
        return "free"
    return f"{voice.price:g} {voice.currency}"


def format_cost(voice: Voice | None, characters: int) -> str:
    """``1,234 characters, about 0.02 USD for gcloud:vi-VN-Wavenet-A``."""
    sent = f"{characters:,} characters"
    if voice is None:
        return f"{sent}, cost unknown (a voice not in the catalog)"
    cost = voice.cost(characters)
    if cost is None:
        return f"{sent}, cost unknown ({voice.qualified_id} has no list price in the catalog)"
    if cost == 0:
        return f"{sent}, free ({voice.qualified_id})"
    return f"{sent}, about {cost:.4f} {voice.currency} for {voice.qualified_id}"


def table_rows(voices: Sequence[Voice]) -> list[tuple[str, ...]]:
    """Rows of ``audio-news voices``: engine, id, accent, gender, where it runs, price."""
    return [
        (
            v.engine,
            v.id,
            v.accent if v.accent_source == "vendor" else f"{v.accent}*",
            v.gender,
            "online" if v.online else "offline",
            format_price(v),
        )
        for v in voices
    ]


def body_voice(label: str) -> str:
    """The body's voice of an episode's recorded voice (``title=A, body=B`` gives ``B``)."""
    return label.rpartition("body=")[2] if label.startswith("title=") else label


def estimate(engine: str, voice: str, characters: int) -> str:
    """What sending ``characters`` to ``engine``'s ``voice`` costs, as one phrase."""
    return format_cost(catalog().describe(engine, body_voice(voice)), characters)


def total_cost(spent: Iterable[tuple[str, str, int]]) -> str:
    """The estimated cost of several episodes, each (engine, voice, characters), summed per
    currency: ``about 0.52 USD``, or what could not be priced."""
    sums: dict[str, float] = {}
    unpriced = 0
    for engine, voice, characters in spent:
        found = catalog().describe(engine, body_voice(voice))
        cost = found.cost(characters) if found is not None else None
        if found is None or cost is None:
            unpriced += characters
        elif cost:
            sums[found.currency] = sums.get(found.currency, 0.0) + cost
    parts = [f"about {amount:.4f} {currency}" for currency, amount in sorted(sums.items())]
    if unpriced:
        parts.append(f"{unpriced:,} characters at no known price")
    return ", ".join(parts) or "free"
