"""Roman numerals, read only where Vietnamese writing uses them: after a trigger word.

khóa XIV -> khóa mười bốn; khóa XII, XIII -> khóa mười hai, mười ba; khóa IV - VI -> khóa
bốn đến khóa sáu; lần thứ XI -> lần thứ mười một; Chiến tranh thế giới thứ II -> thứ hai.
Only I, V and X count (1-39), so a brand or a word such as LIX, MIX, CD or DC is never a
number, even after a trigger.
"""

from __future__ import annotations

import re

from .numbers import read_int, read_ordinal
from .tables import alternation

TRIGGERS = (
    "khóa", "khoá", "đại hội", "lần thứ", "thứ", "thế kỷ", "thế kỉ", "quý", "điều",
    "chương", "phần", "mục", "tập", "kỳ họp", "kì họp", "hội nghị", "hội nghị trung ương",
    "quân khu", "quân đoàn", "vùng", "khu vực", "giai đoạn", "đợt", "phụ lục", "loại",
    "hạng", "cấp", "thế chiến", "nhiệm kỳ", "nhiệm kì", "kỳ", "kì",
)  # fmt: skip
"""Words after which I, V, X are a number (matched whole-word, any letter case)."""

ORDINAL_TRIGGERS = frozenset({"thứ", "lần thứ"})
"""After these a numeral is an ordinal: thứ I -> thứ nhất, thứ IV -> thứ tư."""

_VALUES = {"I": 1, "V": 5, "X": 10}
_NUMERAL = r"[IVX]+(?![\w]|\.\w)"
_JOIN = r"(?:\s*,\s*|\s*[-–]\s*|\s+(?:và|hoặc|đến|tới)\s+)"
_TRIGGER = alternation(TRIGGERS, ignore_case=True)
_PATTERN = re.compile(
    r"(?i:(?<!\w)(" + _TRIGGER + r"))\s+(" + _NUMERAL + r"(?:" + _JOIN + _NUMERAL + r")*)"
)
_PARTS = re.compile(r"([IVX]+)|([^IVX]+)")
_DASH = re.compile(r"\s*[-–]\s*")


def roman_value(token: str) -> int | None:
    """'XIV' -> 14; None unless the token is a canonical numeral of I, V, X."""
    if not token or any(ch not in _VALUES for ch in token):
        return None
    total = 0
    for index, ch in enumerate(token):
        value = _VALUES[ch]
        following = _VALUES[token[index + 1]] if index + 1 < len(token) else 0
        total += -value if value < following else value
    return total if 0 < total < 40 and to_roman(total) == token else None


def to_roman(value: int) -> str:
    """14 -> 'XIV' (1-39)."""
    tens, units = divmod(value, 10)
    unit_forms = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
    return "X" * tens + unit_forms[units]


def _read_chain(trigger: str, chain: str) -> str | None:
    ordinal = trigger.lower() in ORDINAL_TRIGGERS
    words: list[str] = []
    for numeral, between in _PARTS.findall(chain):
        if between:
            words.append(f" đến {trigger} " if _DASH.fullmatch(between) else between)
            continue
        value = roman_value(numeral)
        if value is None:
            return None
        words.append(read_ordinal(value) if ordinal else read_int(value))
    return "".join(words)


def read_roman_numerals(text: str) -> str:
    """Read every numeral (and list of numerals) that follows a trigger word."""

    def spoken(m: re.Match[str]) -> str:
        chain = _read_chain(m.group(1), m.group(2))
        return m.group(0) if chain is None else f"{m.group(1)} {chain}"

    return _PATTERN.sub(spoken, text)
