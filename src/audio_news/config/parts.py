"""Typed, frozen settings in parts, with named defaults.

Each part is checked once, when it is built: ``AudioSettings`` (how the episode sounds),
``EngineSettings`` (which voice speaks, and how many requests at once), ``InputLimits`` (what
an article may cost to read), ``TextSettings`` (lexicon, cleaning rules) and ``TagSettings``.
``Settings`` holds the parts and the few choices about where and how a run writes.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from platformdirs import user_cache_dir

from ..errors import ConfigError
from .checks import check_date, check_range, check_types, shown

APP_NAME = "audio-news"

DEFAULT_OUT_DIR = "output"
DEFAULT_ENGINE = "auto"
DEFAULT_LANG = "vi"
DEFAULT_SPEED = 1.0
MIN_SPEED, MAX_SPEED = 0.5, 2.0
DEFAULT_BITRATE_KBPS = 64
MP3_BITRATES_KBPS = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
"""What MPEG-1 Layer III allows at 44.1 kHz."""
DEFAULT_LOUDNESS_LUFS = -16.0
DEFAULT_TRUE_PEAK_DBTP = -1.0
MIN_JOBS, MAX_JOBS = 1, 64
DEFAULT_MAX_INPUT_CHARS = 200_000
DEFAULT_MAX_DOWNLOAD_BYTES = 5_000_000
DEFAULT_FETCH_TIMEOUT_S = 20.0
MAX_FETCH_TIMEOUT_S = 3600.0
MAX_INPUT_CHARS_LIMIT = 20_000_000
MAX_PAUSE_S = 10.0
DEFAULT_SERVE_HOST = "127.0.0.1"
DEFAULT_SERVE_PORT = 8000


@dataclass(frozen=True)
class Pauses:
    """Silence inserted after each kind of boundary, in seconds."""

    TABLE: ClassVar[str] = "pauses"
    """The config file's table for these, named in errors."""

    clause: float = 0.25
    """After a chunk that ends inside a sentence."""
    sentence: float = 0.5
    """After a sentence."""
    paragraph: float = 0.9
    """After a paragraph."""
    title: float = 1.2
    """After the title."""

    def __post_init__(self) -> None:
        check_types(self)
        for name, value in dataclasses.asdict(self).items():
            check_range(f"the {name} pause", value, 0.0, MAX_PAUSE_S)


@dataclass(frozen=True)
class AudioSettings:
    """How the finished episode sounds; everything here shapes the rendered audio."""

    speed: float = DEFAULT_SPEED
    """Speaking speed, pitch kept."""
    bitrate_kbps: int = DEFAULT_BITRATE_KBPS
    """Constant MP3 bitrate."""
    loudness_lufs: float = DEFAULT_LOUDNESS_LUFS
    """Integrated loudness target."""
    true_peak_dbtp: float = DEFAULT_TRUE_PEAK_DBTP
    """Ceiling for true peak."""
    pauses: Pauses = field(default_factory=Pauses)
    intro: str | None = None
    """Path of audio (any format ffmpeg reads) played before the episode: a jingle."""
    outro: str | None = None
    """Path of audio played after the episode: a jingle or a spoken sign-off."""

    def __post_init__(self) -> None:
        check_types(self)
        check_range("speed", self.speed, MIN_SPEED, MAX_SPEED)
        if self.bitrate_kbps not in MP3_BITRATES_KBPS:
            allowed = ", ".join(map(str, MP3_BITRATES_KBPS))
            given = shown(self.bitrate_kbps)
            raise ConfigError(f"bitrate must be one of {allowed} kbps, not {given}")


ACCOUNT_TABLES = ("gcloud", "azure", "fpt")
"""Config file tables that each hold one cloud engine's account."""


@dataclass(frozen=True)
class Account:
    """One cloud engine's table in the config file, e.g. ``[azure]``.

    The engine's environment variables win over ``api_key`` and ``region``. Nothing here
    decides what an episode contains, so none of it reaches ``Settings.content()``.
    """

    api_key: str | None = field(default=None, repr=False)
    """The vendor's key; never printed, logged or stored with an episode."""
    region: str | None = None
    """Where the vendor's service lives, for those that ask (Azure: ``westeurope``)."""
    base_url: str | None = None
    """Another ``https://`` origin for the vendor's API: a proxy or a sovereign cloud."""

    def __post_init__(self) -> None:
        if self.base_url is not None and not self.base_url.startswith("https://"):
            raise ConfigError(f"base_url must start with https://, not {shown(self.base_url)}")


@dataclass(frozen=True)
class EngineSettings:
    """Which engine speaks, in which language, and how many requests it may have in flight."""

    name: str = DEFAULT_ENGINE
    """``auto``, a registered engine's name, or several in the order to try them
    (``gcloud,gtts,espeak``): each episode is made whole by the first that succeeds."""
    lang: str = DEFAULT_LANG
    """Language code passed to the engine."""
    jobs: int | None = None
    """Requests in flight; None picks the engine's own default."""
    voice: str | None = None
    """A voice of the catalog (``audio-news voices``), ``ID`` or ``ENGINE:ID``; None lets each
    engine use its default voice."""
    title_voice: str | None = None
    """The title's voice, when it differs from ``voice`` (config ``[voices] title``)."""
    voice_model: str | None = None
    """Path of a Piper voice (``.onnx``, its ``.onnx.json`` beside it) for the piper engine."""
    accounts: Mapping[str, Account] = field(default_factory=dict, repr=False, hash=False)
    """Cloud engines' accounts by engine name, from the config file's tables."""

    def account(self, engine: str) -> Account:
        """``engine``'s account as configured; an empty one when the file has none."""
        return self.accounts.get(engine, Account())

    def __post_init__(self) -> None:
        check_types(self)
        if not self.name.strip() or not self.lang.strip():
            raise ConfigError("the engine and the language must not be empty")
        if self.jobs is not None:
            check_range("jobs", self.jobs, MIN_JOBS, MAX_JOBS)
        if not self.names:
            raise ConfigError(f"no engine named in {shown(self.name)}")

    @property
    def names(self) -> tuple[str, ...]:
        """The engines of ``name``, in order (``("auto",)`` for auto)."""
        return tuple(part.strip() for part in self.name.split(",") if part.strip())


@dataclass(frozen=True)
class InputLimits:
    """What reading one article may cost; these refuse input, they never change an episode."""

    max_input_chars: int = DEFAULT_MAX_INPUT_CHARS
    """Refuse articles longer than this."""
    max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES
    """Refuse URLs whose body is larger than this."""
    fetch_timeout: float = DEFAULT_FETCH_TIMEOUT_S
    """Seconds a URL download may take in all: connecting, every redirect, the whole body."""
    allow_private_hosts: bool = False
    """Fetch from loopback, private and other non-public addresses too (``inputs.guard``)."""
    allowed_hosts: frozenset[str] = frozenset()
    """Non-public addresses or networks (``10.0.0.5``, ``192.168.1.0/24``) fetched anyway."""

    def __post_init__(self) -> None:
        check_types(self)
        if self.max_input_chars < 1 or self.max_download_bytes < 1:
            raise ConfigError("input size limits must be positive")
        check_range("max_input_chars", self.max_input_chars, 1, MAX_INPUT_CHARS_LIMIT)
        check_range("max_download_bytes", self.max_download_bytes, 1, 4 * MAX_INPUT_CHARS_LIMIT)
        if self.fetch_timeout <= 0:
            raise ConfigError("the fetch timeout must be positive")
        check_range("the fetch timeout", self.fetch_timeout, 0, MAX_FETCH_TIMEOUT_S)
        for host in self.allowed_hosts:
            try:
                ipaddress.ip_network(host, strict=False)
            except ValueError as e:
                raise ConfigError(
                    f"allowed_hosts: {shown(host)} is not an IP address or network"
                ) from e


@dataclass(frozen=True)
class TextSettings:
    """How the article's text becomes the script."""

    lexicon: str | None = None
    """Path of a user pronunciation lexicon (TOML or CSV)."""
    disabled_rules: frozenset[str] = frozenset()
    """Names of cleaning rules turned off."""

    def __post_init__(self) -> None:
        check_types(self)


@dataclass(frozen=True)
class TagSettings:
    """What goes into the MP3's ID3 tags beyond the title."""

    artist: str | None = None
    """TPE1: publication or author."""
    album: str | None = None
    """TALB: podcast or series name."""
    date: str | None = None
    """TDRC/TYER, ``YYYY-MM-DD``; today when unset."""
    cover: str | None = None
    """Path to a JPEG or PNG picture for APIC."""

    def __post_init__(self) -> None:
        check_types(self)
        if self.date is not None:
            check_date(self.date)


@dataclass(frozen=True)
class Settings:
    """Everything one ``produce`` run needs to know; built once, at the edge."""

    audio: AudioSettings = field(default_factory=AudioSettings)
    engine: EngineSettings = field(default_factory=EngineSettings)
    limits: InputLimits = field(default_factory=InputLimits)
    text: TextSettings = field(default_factory=TextSettings)
    tags: TagSettings = field(default_factory=TagSettings)
    out_dir: str = DEFAULT_OUT_DIR
    """Folder the episode files land in."""
    cache_dir: str | None = None
    """Segment cache folder; None means the user cache dir."""
    use_cache: bool = True
    quiet: bool = False
    """No progress bars or notes on stderr."""
    player: bool = True
    """Write the web player page beside each episode."""

    def __post_init__(self) -> None:
        check_types(self)
        if not self.out_dir.strip():
            raise ConfigError("the output folder must not be empty")

    def resolved_cache_dir(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir else Path(user_cache_dir(APP_NAME))

    def content(self) -> dict[str, Any]:
        """The parts that decide what an episode contains, as plain data.

        The render cache key takes the ``audio`` part of this, the up-to-date fingerprint all of
        it: where files go, how fast they are made and what may be read are not here.
        """
        audio = dataclasses.asdict(self.audio)
        del audio["intro"], audio["outro"]  # their bytes count, not their paths (naming.py)
        return {
            "audio": audio,
            "text": {
                "lexicon": self.text.lexicon,
                "disabled_rules": sorted(self.text.disabled_rules),
            },
            "tags": dataclasses.asdict(self.tags),
            "player": self.player,
        }


PARTS: dict[str, type[Any]] = {
    "audio": AudioSettings,
    "engine": EngineSettings,
    "limits": InputLimits,
    "text": TextSettings,
    "tags": TagSettings,
}
