"""Typed, frozen settings in parts, with named defaults, and the TOML config file that feeds them.

Each part is checked once, when it is built: ``AudioSettings`` (how the episode sounds),
``EngineSettings`` (which voice speaks, and how many requests at once), ``InputLimits`` (what
an article may cost to read), ``TextSettings`` (lexicon, cleaning rules) and ``TagSettings``.
``Settings`` holds the parts and the few choices about where and how a run writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from platformdirs import user_cache_dir, user_config_dir

from .errors import ConfigError

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
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
DEFAULT_SERVE_HOST = "127.0.0.1"
DEFAULT_SERVE_PORT = 8000


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, not {value:g}")


_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}


def _fits(value: object, expected: object) -> bool:
    """Whether ``value`` is of the declared type; numbers must be finite, bools are not ints."""
    if isinstance(expected, types.UnionType):
        return any(_fits(value, option) for option in typing.get_args(expected))
    if expected is type(None):
        return value is None
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if typing.get_origin(expected) is frozenset:
        return isinstance(value, frozenset) and all(isinstance(v, str) for v in value)
    return isinstance(value, expected) if isinstance(expected, type) else True


def _describe(expected: object) -> str:
    options = typing.get_args(expected) if isinstance(expected, types.UnionType) else (expected,)
    named = [_TYPE_NAMES.get(o, "a list of names") for o in options if o is not type(None)]
    return " or ".join(named) + (" or unset" if type(None) in options else "")


def check_types(instance: Any) -> None:
    """Raise ``ConfigError`` naming the first field whose value is not of its declared type.

    A whole number given for a number field becomes a float, so ``1`` and ``1.0`` are one
    setting (and one fingerprint).
    """
    hints = typing.get_type_hints(type(instance))
    table = getattr(instance, "TABLE", "")
    for f in dataclasses.fields(instance):
        value = getattr(instance, f.name)
        if not _fits(value, hints[f.name]):
            key = f"{table}.{f.name}" if table else f.name
            raise ConfigError(f"{key} must be {_describe(hints[f.name])}, not {value!r:.40}")
        if hints[f.name] is float and not isinstance(value, float):
            object.__setattr__(instance, f.name, float(value))


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` within the years an episode can have, else ``ConfigError``."""
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        date = dt.date.fromisoformat(text)
    except ValueError as e:
        raise ConfigError(f"date must be YYYY-MM-DD, not {text!r:.40}") from e
    if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
        raise ConfigError(f"date must be between {EARLIEST_YEAR} and {LATEST_YEAR}, not {text}")
    return date


_VIETNAMESE_DATES = (
    re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"),
    re.compile(r"(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,\s*|\s+)năm\s+(\d{4})", re.I),
)
"""Day first, as Vietnamese writes a date: ``28/12/2023``, ``28-12-2023``, ``28.12.2023``,
``ngày 28 tháng 12 năm 2023``."""


def parse_date(text: str) -> str:
    """``YYYY-MM-DD`` from that form or a Vietnamese one; ``ConfigError`` when neither."""
    value = " ".join(text.split())
    for pattern in _VIETNAMESE_DATES:
        match = pattern.fullmatch(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                value = dt.date(year, month, day).isoformat()
            except ValueError as e:
                raise ConfigError(f"no such date: {text!r:.40}") from e
            break
    else:
        if not _ISO_DATE.fullmatch(value):
            raise ConfigError(f"date must be YYYY-MM-DD or DD/MM/YYYY, not {text!r:.40}")
    return check_date(value).isoformat()


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
            _check_range(f"the {name} pause", value, 0.0, MAX_PAUSE_S)


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

    def __post_init__(self) -> None:
        check_types(self)
        _check_range("speed", self.speed, MIN_SPEED, MAX_SPEED)
        if self.bitrate_kbps not in MP3_BITRATES_KBPS:
            allowed = ", ".join(map(str, MP3_BITRATES_KBPS))
            raise ConfigError(f"bitrate must be one of {allowed} kbps, not {self.bitrate_kbps}")


@dataclass(frozen=True)
class EngineSettings:
    """Which engine speaks, in which language, and how many requests it may have in flight."""

    name: str = DEFAULT_ENGINE
    """``auto`` or a registered engine's name."""
    lang: str = DEFAULT_LANG
    """Language code passed to the engine."""
    jobs: int | None = None
    """Requests in flight; None picks the engine's own default."""

    def __post_init__(self) -> None:
        check_types(self)
        if not self.name.strip() or not self.lang.strip():
            raise ConfigError("the engine and the language must not be empty")
        if self.jobs is not None:
            _check_range("jobs", self.jobs, MIN_JOBS, MAX_JOBS)


@dataclass(frozen=True)
class InputLimits:
    """What reading one article may cost; these refuse input, they never change an episode."""

    max_input_chars: int = DEFAULT_MAX_INPUT_CHARS
    """Refuse articles longer than this."""
    max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES
    """Refuse URLs whose body is larger than this."""
    fetch_timeout: float = DEFAULT_FETCH_TIMEOUT_S
    """Seconds a URL download may take in all."""

    def __post_init__(self) -> None:
        check_types(self)
        if self.max_input_chars < 1 or self.max_download_bytes < 1:
            raise ConfigError("input size limits must be positive")
        _check_range("max_input_chars", self.max_input_chars, 1, MAX_INPUT_CHARS_LIMIT)
        _check_range("max_download_bytes", self.max_download_bytes, 1, 4 * MAX_INPUT_CHARS_LIMIT)
        if self.fetch_timeout <= 0:
            raise ConfigError("the fetch timeout must be positive")
        _check_range("the fetch timeout", self.fetch_timeout, 0, MAX_FETCH_TIMEOUT_S)


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
        return {
            "audio": dataclasses.asdict(self.audio),
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
"""The settings parts by attribute name; each is also a table of the config file."""

_FLAT_NAMES: dict[str, tuple[str, str]] = {
    f.name: (part, f.name)
    for part, cls in PARTS.items()
    for f in dataclasses.fields(cls)
    if f.name != "pauses" and not (part == "engine" and f.name == "name")
}
"""Flat keys (top level, ``[produce]``, keyword options) and the part field each sets."""
_FLAT_NAMES["engine"] = ("engine", "name")
_OWN_NAMES = {f.name for f in dataclasses.fields(Settings)} - set(PARTS)


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
    except RecursionError as e:
        raise ConfigError(f"cannot read config {path}: nested too deeply") from e


def _split_flat(flat: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Flat keys sorted into the parts' tables and ``Settings``' own fields."""
    unknown = set(flat) - set(_FLAT_NAMES) - _OWN_NAMES
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    tables: dict[str, dict[str, Any]] = {part: {} for part in PARTS}
    for key, value in flat.items():
        if key in _FLAT_NAMES:
            part, name = _FLAT_NAMES[key]
            tables[part][name] = value
    return tables, {k: v for k, v in flat.items() if k in _OWN_NAMES}


def _check_known(table_name: str, table: dict[str, Any], cls: type[Any]) -> None:
    unknown = set(table) - {f.name for f in dataclasses.fields(cls)}
    if unknown:
        names = ", ".join(f"{table_name}.{name}" for name in sorted(unknown))
        raise ConfigError(f"unknown setting(s): {names}")


def settings_from_dict(values: dict[str, Any], base: Settings | None = None) -> Settings:
    """Overlay a flat or sectioned dict (as in the TOML file) onto ``base``.

    Flat keys (top level or in ``[produce]``) are the parts' field names (``engine`` names the
    engine) and ``Settings``' own fields; a part's table (``[audio]``, ``[tags]``, ...) sets
    that part; pause lengths go in ``[pauses]``. Other tables (``[feed]``) belong to others.
    """
    base = base or Settings()
    flat = {k: v for k, v in values.items() if not isinstance(v, dict)}
    produce = values.get("produce", {})
    if isinstance(produce, dict):
        flat.update(produce)
    tables, own = _split_flat(flat)
    for part, cls in PARTS.items():
        table = values.get(part)  # ``engine`` is also a flat key, naming the engine
        if isinstance(table, dict):
            _check_known(part, table, cls)
            tables[part].update(table)
    _check_known("pauses", values.get("pauses", {}), Pauses)
    rules = tables["text"].get("disabled_rules")
    if isinstance(rules, list | tuple | set | frozenset):
        tables["text"]["disabled_rules"] = frozenset(rules)
    try:
        pauses = dataclasses.replace(base.audio.pauses, **values.get("pauses", {}))
        parts = {part: dataclasses.replace(getattr(base, part), **tables[part]) for part in PARTS}
        parts["audio"] = dataclasses.replace(parts["audio"], pauses=pauses)
        return dataclasses.replace(base, **parts, **own)
    except TypeError as e:
        raise ConfigError(f"invalid setting: {e}") from e
