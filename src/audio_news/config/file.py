"""The TOML config file, and overlaying its flat or sectioned values onto settings."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

from ..errors import ConfigError, reason
from .parts import ACCOUNT_TABLES, APP_NAME, PARTS, Account, Pauses, Settings

_FLAT_NAMES: dict[str, tuple[str, str]] = {
    f.name: (part, f.name)
    for part, cls in PARTS.items()
    for f in dataclasses.fields(cls)
    if f.name not in ("pauses", "accounts") and not (part == "engine" and f.name == "name")
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
    except UnicodeDecodeError as e:
        raise ConfigError(f"cannot read config {path}: not UTF-8 text") from e
    except OSError as e:
        raise ConfigError(f"cannot read config {path}: {e.strerror or e}") from e
    except ValueError as e:  # TOMLDecodeError, or a number past the int-to-str digit limit
        raise ConfigError(f"cannot read config {path}: {reason(e)}") from e
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


SECTION_VOICES = {"body": "voice", "title": "title_voice"}
"""The ``[voices]`` table of the config file: a voice per section, as engine settings."""


def _section_voices(table: dict[str, Any]) -> dict[str, Any]:
    unknown = set(table) - set(SECTION_VOICES)
    if unknown:
        sections = ", ".join(SECTION_VOICES)
        raise ConfigError(f"[voices] has {', '.join(sorted(unknown))}; its keys are {sections}")
    return {SECTION_VOICES[section]: voice for section, voice in table.items()}


def _accounts(values: dict[str, Any], base: Mapping[str, Account]) -> dict[str, Account] | None:
    """``base`` overlaid with the account tables in ``values``; None when there are none."""
    tables = {name: values[name] for name in ACCOUNT_TABLES if isinstance(values.get(name), dict)}
    if not tables:
        return None
    accounts = dict(base)
    for name, table in tables.items():
        unknown = set(table) - {f.name for f in dataclasses.fields(Account)}
        if unknown:
            raise ConfigError(f"unknown setting(s) in [{name}]: {', '.join(sorted(unknown))}")
        accounts[name] = dataclasses.replace(accounts.get(name, Account()), **table)
    return accounts


def settings_from_dict(values: dict[str, Any], base: Settings | None = None) -> Settings:
    """Overlay a flat or sectioned dict (as in the TOML file) onto ``base``.

    Flat keys (top level or in ``[produce]``) are the parts' field names (``engine`` names the
    engine) and ``Settings``' own fields; a part's table (``[audio]``, ``[tags]``, ...) sets
    that part; pause lengths go in ``[pauses]``, a voice per section in ``[voices]`` (``title``,
    ``body``), a cloud engine's account in its own table (``[gcloud]``, ``[azure]``, ``[fpt]``).
    Other tables (``[feed]``) belong to others.
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
    for part, name in (("text", "disabled_rules"), ("limits", "allowed_hosts")):
        names = tables[part].get(name)
        if isinstance(names, list | tuple | set | frozenset):
            tables[part][name] = frozenset(names)
    voices = values.get("voices", {})
    if isinstance(voices, dict):
        tables["engine"].update(_section_voices(voices))
    accounts = _accounts(values, base.engine.accounts)
    if accounts is not None:
        tables["engine"]["accounts"] = accounts
    try:
        pauses = dataclasses.replace(base.audio.pauses, **values.get("pauses", {}))
        parts = {part: dataclasses.replace(getattr(base, part), **tables[part]) for part in PARTS}
        parts["audio"] = dataclasses.replace(parts["audio"], pauses=pauses)
        return dataclasses.replace(base, **parts, **own)
    except TypeError as e:
        raise ConfigError(f"invalid setting: {e}") from e
