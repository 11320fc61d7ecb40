"""Typed, frozen settings with named defaults, and the TOML config file that feeds them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir, user_config_dir

from .errors import ConfigError

APP_NAME = "audio-news"

DEFAULT_OUT_DIR = "output"
DEFAULT_ENGINE = "auto"
DEFAULT_LANG = "vi"
DEFAULT_BITRATE_KBPS = 64
DEFAULT_SAMPLE_RATE = 44_100
DEFAULT_LOUDNESS_LUFS = -16.0
DEFAULT_TRUE_PEAK_DBTP = -1.0
DEFAULT_GTTS_JOBS = 8
DEFAULT_MAX_INPUT_CHARS = 200_000
DEFAULT_MAX_DOWNLOAD_BYTES = 5_000_000
DEFAULT_FETCH_TIMEOUT_S = 20.0
MIN_SPEED, MAX_SPEED = 0.5, 2.0
DEFAULT_SERVE_HOST = "127.0.0.1"
DEFAULT_SERVE_PORT = 8000
MP3_BITRATES_KBPS = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
"""What MPEG-1 Layer III allows at 44.1 kHz."""


@dataclass(frozen=True)
class Pauses:
    """Silence inserted after each kind of boundary, in seconds."""

    clause: float = 0.25
    """After a chunk that ends inside a sentence."""
    sentence: float = 0.5
    """After a sentence."""
    paragraph: float = 0.9
    """After a paragraph."""
    title: float = 1.2
    """After the title."""


@dataclass(frozen=True)
class TagSettings:
    """What goes into the MP3's ID3 tags beyond the title."""

    def __post_init__(self) -> None:
        if self.date is not None:
            try:
                dt.date.fromisoformat(self.date)
            except ValueError as e:
                raise ConfigError(f"date must be YYYY-MM-DD, not {self.date!r}") from e

    artist: str | None = None
    """TPE1: publication or author."""
    album: str | None = None
    """TALB: podcast or series name."""
    date: str | None = None
    """TDRC/TYER, ``YYYY-MM-DD``; today when unset."""
    cover: str | None = None
    """Path to a JPEG or PNG picture for APIC."""


@dataclass(frozen=True)
class Settings:
    """Everything one ``produce`` run needs to know; built once, at the edge."""

    out_dir: str = DEFAULT_OUT_DIR
    """Folder the episode files land in."""
    engine: str = DEFAULT_ENGINE
    """``auto``, ``gtts`` or ``espeak``."""
    lang: str = DEFAULT_LANG
    """Language code passed to the engine."""
    speed: float = 1.0
    """Playback speed, 0.5-2.0, pitch kept."""
    bitrate_kbps: int = DEFAULT_BITRATE_KBPS
    """Constant MP3 bitrate."""
    loudness_lufs: float = DEFAULT_LOUDNESS_LUFS
    """Integrated loudness target."""
    true_peak_dbtp: float = DEFAULT_TRUE_PEAK_DBTP
    """Ceiling for true peak."""
    pauses: Pauses = field(default_factory=Pauses)
    tags: TagSettings = field(default_factory=TagSettings)
    jobs: int | None = None
    """Requests in flight; None picks the engine's default."""
    cache_dir: str | None = None
    """Segment cache folder; None means the user cache dir."""
    use_cache: bool = True
    lexicon: str | None = None
    """Path of a user pronunciation lexicon (TOML or CSV)."""
    disabled_rules: frozenset[str] = frozenset()
    """Names of cleaning rules turned off."""
    max_input_chars: int = DEFAULT_MAX_INPUT_CHARS
    """Refuse articles longer than this."""
    max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES
    """Refuse URLs whose body is larger than this."""
    fetch_timeout: float = DEFAULT_FETCH_TIMEOUT_S
    """Seconds a URL download may take in all."""
    quiet: bool = False
    """No progress bars or notes on stderr."""
    player: bool = True
    """Write the web player page beside each episode."""

    def __post_init__(self) -> None:
        if not MIN_SPEED <= self.speed <= MAX_SPEED:
            raise ConfigError(
                f"speed must be between {MIN_SPEED} and {MAX_SPEED}, not {self.speed}"
            )
        if self.bitrate_kbps not in MP3_BITRATES_KBPS:
            allowed = ", ".join(map(str, MP3_BITRATES_KBPS))
            raise ConfigError(f"bitrate must be one of {allowed} kbps, not {self.bitrate_kbps}")
        if self.jobs is not None and not 1 <= self.jobs <= 64:
            raise ConfigError(f"jobs must be between 1 and 64, not {self.jobs}")
        if self.max_input_chars < 1 or self.max_download_bytes < 1:
            raise ConfigError("input size limits must be positive")
        if self.fetch_timeout <= 0:
            raise ConfigError("the fetch timeout must be positive")

    def resolved_cache_dir(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir else Path(user_cache_dir(APP_NAME))


def default_config_path() -> Path:
    """``./audio-news.toml`` when present, else the user config dir's ``config.toml``."""
    local = Path("audio-news.toml")
    if local.is_file():
        return local
    return Path(user_config_dir(APP_NAME)) / "config.toml"


def load_config_file(path: Path | None) -> dict[str, Any]:
    """Read the TOML config; a missing default file is an empty config."""
    explicit = path is not None
    path = path or default_config_path()
    if not path.is_file():
        if explicit:
            raise ConfigError(f"config file not found: {path}")
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"cannot read config {path}: {e}") from e


def settings_from_dict(values: dict[str, Any], base: Settings | None = None) -> Settings:
    """Overlay a flat or sectioned dict (as in the TOML file) onto ``base``.

    Keys: the ``Settings`` field names at top level or in ``[produce]``; ``artist``,
    ``album``, ``date``, ``cover`` in ``[tags]`` or top level; pause lengths in ``[pauses]``.
    """
    base = base or Settings()
    flat: dict[str, Any] = {k: v for k, v in values.items() if not isinstance(v, dict)}
    flat.update(values.get("produce", {}))
    tag_values = {k: flat.pop(k) for k in ("artist", "album", "date", "cover") if k in flat}
    tag_values.update(values.get("tags", {}))
    names = {f.name for f in dataclasses.fields(Settings)} - {"pauses", "tags"}
    unknown = set(flat) - names
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    if "disabled_rules" in flat:
        flat["disabled_rules"] = frozenset(flat["disabled_rules"])
    try:
        tags = dataclasses.replace(base.tags, **tag_values)
        pauses = dataclasses.replace(base.pauses, **values.get("pauses", {}))
        return dataclasses.replace(base, tags=tags, pauses=pauses, **flat)
    except TypeError as e:
        raise ConfigError(f"invalid setting: {e}") from e
