"""The checks every settings part makes of itself: declared types, ranges, dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import types
import typing
from typing import Any

from ..errors import ConfigError

EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


SHOWN_CHARS = 40
"""How much of a refused value an error message quotes."""


def shown(value: object) -> str:
    """``value`` as an error message quotes it: short, and never a failure of its own."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a {value.bit_length()}-bit number"
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__} nested too deeply"
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        given = f"{value:g}" if isinstance(value, float) else shown(value)
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, not {given}")


MAX_FLOAT_BITS = 1023
"""A whole number given for a number field must convert to a float."""
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
        if isinstance(value, int) and not isinstance(value, bool):
            return value.bit_length() <= MAX_FLOAT_BITS
        return isinstance(value, float) and math.isfinite(value)
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
            raise ConfigError(f"{key} must be {_describe(hints[f.name])}, not {shown(value)}")
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
        raise ConfigError(f"date must be YYYY-MM-DD, not {shown(text)}") from e
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
                raise ConfigError(f"no such date: {shown(text)}") from e
            break
    else:
        if not _ISO_DATE.fullmatch(value):
            raise ConfigError(f"date must be YYYY-MM-DD or DD/MM/YYYY, not {shown(text)}")
    return check_date(value).isoformat()
