"""Units, currencies, symbols, codes and spelled-out acronyms.

Tables: ``data/units.csv`` (units and currencies) and ``LETTER_NAMES`` below (how a letter is
said when an acronym or a code is spelled: PC67 -> pê xê sáu mươi bảy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .numbers import read_digits, read_int
from .tables import alternation, csv_records, read_data

LETTER_NAMES = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê",
    "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "lờ", "M": "mờ", "N": "nờ", "O": "o",
    "P": "pê", "Q": "quy", "R": "rờ", "S": "ét", "T": "tê", "U": "u", "V": "vê",
    "W": "vê kép", "X": "ích", "Y": "i", "Z": "dét",
}  # fmt: skip
"""Vietnamese names of letters, short forms (lờ, mờ, nờ) as acronyms are usually spelled."""

SYMBOL_WORDS = {"&": "và", "+": "cộng", "=": "bằng", "°": "độ", "~": "khoảng", "#": "số"}
"""Symbols read as a word wherever they stand between two spaces or letters."""

_VOWELS = set("AEIOUYÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ")


@dataclass(frozen=True)
class Unit:
    """A unit or currency written after a number."""

    written: str
    spoken: str
    standalone: bool
    """Expand even without a number before it (km2 yes; m, ha, đ no)."""


@lru_cache(maxsize=1)
def load_units() -> dict[str, Unit]:
    """The table in ``data/units.csv``, keyed by written form."""
    rows = csv_records(read_data("units.csv"))
    return {
        row["written"]: Unit(row["written"], row["spoken"], row["standalone"] == "true")
        for row in rows
    }


@lru_cache(maxsize=1)
def _unit_pattern() -> re.Pattern[str]:
    return re.compile(r"(?<![^\W\d_])" + alternation(load_units()) + r"(?![^\W\d_]|\d)")


def _after_number(text: str, start: int) -> bool:
    if start >= 1 and text[start - 1].isdigit():
        return True
    return start >= 2 and text[start - 1] == " " and text[start - 2].isdigit()


def _replace_unit(match: re.Match[str]) -> str:
    unit = load_units()[match.group(0)]
    after_number = _after_number(match.string, match.start())
    if not unit.standalone and not after_number:
        return match.group(0)
    joined = match.start() > 0 and match.string[match.start() - 1].isalnum()
    return (" " if joined else "") + unit.spoken


def expand_units(text: str) -> str:
    """50-70cm -> 50-70 xăng ti mét; 58% -> 58 phần trăm; 3 ha -> 3 héc ta."""
    return _unit_pattern().sub(_replace_unit, text)


_DOLLAR = re.compile(r"(?:US)?\$\s?(\d[\d.,]*\d|\d)(\s?(?:tỷ|tỉ|triệu|nghìn|ngàn))?")
_DOLLAR_AFTER = re.compile(r"(?<=\d)\s?\$")


def expand_currency_signs(text: str) -> str:
    """$100 -> 100 đô la; $2 tỷ -> 2 tỷ đô la; 5$ -> 5 đô la."""
    if "$" not in text:
        return text
    text = _DOLLAR.sub(lambda m: f"{m.group(1)}{m.group(2) or ''} đô la", text)
    return _DOLLAR_AFTER.sub(" đô la", text)


_PER = re.compile(r"\b(đồng|đô la Mỹ|đô la|USD|nghìn|triệu|tỷ|tỉ|ki lô mét|mét|người)\s*/\s*(?=\w)")


def read_per(text: str) -> str:
    """1.000 đồng/lít -> ... đồng một lít; 60 km/h is a unit of its own (units.csv)."""
    return _PER.sub(lambda m: f"{m.group(1)} một ", text)


_SYMBOL = re.compile(r"\s*([&+=°~#])\s*(?=[\w])")


def read_symbols(text: str) -> str:
    """GD & ĐT -> GD và ĐT; GMT+7 -> GMT cộng 7 (only symbols followed by a word or number)."""
    return _SYMBOL.sub(lambda m: f" {SYMBOL_WORDS[m.group(1)]} ", text)


def spell(letters: str) -> str:
    """Spell letters by their Vietnamese names: 'PC' -> pê xê."""
    return " ".join(LETTER_NAMES.get(ch.upper(), ch) for ch in letters)


def _has_vowel(letters: str) -> bool:
    return any(ch.upper() in _VOWELS for ch in letters)


_PLATE = re.compile(r"(?<!\w)(\d{2})([A-Z]{1,2})(\d?)-(\d{3}\.\d{2}|\d{3,5})(?!\d)")


def read_plates(text: str) -> str:
    """Licence plates: 14A-130 -> mười bốn a một ba không (series digits one by one)."""

    def spoken(m: re.Match[str]) -> str:
        words = [read_int(int(m.group(1))), spell(m.group(2))]
        if m.group(3):
            words.append(read_digits(m.group(3)))
        words.append(read_digits(m.group(4)))
        return " ".join(words)

    return _PLATE.sub(spoken, text)


_CODE = re.compile(r"(?<![\w.,])(?=[\w-]*\d)(?=[\w-]*[^\W\d_])\w+(?:-\w+)*")
_CODE_PART = re.compile(r"\d+|[^\W\d_]+")


def _read_code_part(part: str) -> str:
    if part.isdecimal():
        if len(part) <= 3 and not part.startswith("0"):
            return read_int(int(part))
        return read_digits(part)
    if len(part) >= 2 and _has_vowel(part):
        return part
    return spell(part)


def read_codes(text: str) -> str:
    """Tokens mixing letters and digits: PC67 -> pê xê sáu mươi bảy; COVID-19 -> COVID mười
    chín; U23 -> u hai mươi ba. Digit runs of up to three digits are amounts, longer ones
    or ones with a leading zero are read digit by digit."""

    def spoken(m: re.Match[str]) -> str:
        return " ".join(_read_code_part(p) for p in _CODE_PART.findall(m.group(0)))

    return _CODE.sub(spoken, text)


_ACRONYM = re.compile(r"(?<![\w.])[A-ZĐ]{2,6}(?![\w])")


def spell_acronyms(text: str) -> str:
    """Upper-case tokens without a vowel cannot be Vietnamese words: NTMP -> nờ tê mờ pê."""

    def spoken(m: re.Match[str]) -> str:
        token = m.group(0)
        return token if _has_vowel(token) else spell(token)

    return _ACRONYM.sub(spoken, text)
