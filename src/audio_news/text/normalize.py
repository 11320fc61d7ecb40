"""Turn one written sentence into plain Vietnamese words a speech engine reads well.

Normalization is the explicit, ordered list ``DEFAULT_RULES`` of small ``str -> str`` rules;
a caller may pass its own list. A user lexicon, when given, runs before every built-in rule,
so its readings win. Punctuation is kept for the splitter and the pauses; no ASCII digit is
left in the output.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

from .contexts import (
    read_gold_purity,
    read_house_numbers,
    read_minute_marks,
    read_phone_numbers,
    read_scores,
)
from .dates import (
    read_day_months,
    read_fractions,
    read_full_dates,
    read_month_names,
    read_months_with_year,
    read_times,
)
from .lexicon import UserLexicon, parse_csv
from .numbers import read_digits, read_number, read_ordinal
from .roman import read_roman_numerals
from .symbols import (
    expand_currency_signs,
    expand_units,
    read_codes,
    read_per,
    read_plates,
    read_symbols,
    spell_acronyms,
)
from .tables import read_data, read_toml

Rule = Callable[[str], str]

_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


@lru_cache(maxsize=1)
def builtin_abbreviations() -> UserLexicon:
    """The table in ``data/abbreviations.csv``."""
    return parse_csv(read_data("abbreviations.csv"), "abbreviations.csv")


def unicode_nfc(text: str) -> str:
    """Compose accents (NFC) and turn unusual spaces into plain ones."""
    text = unicodedata.normalize("NFC", text)
    return text.translate({0xA0: " ", 0x2009: " ", 0x202F: " ", 0x200B: None, 0xFEFF: None})


def expand_abbreviations(text: str) -> str:
    """UBND -> ủy ban nhân dân; TP.HCM -> Thành phố Hồ Chí Minh; Q.1 -> quận 1."""
    return builtin_abbreviations().apply(text)


_ABBREVIATION_ASIDE = re.compile(r"\s*\(([A-ZĐ][A-ZĐa-z.&-]{0,11}[A-ZĐ])\)")


def _initials(words: Sequence[str]) -> str:
    firsts = "".join(w[:1] for w in words).replace("đ", "d").replace("Đ", "D")
    bare = unicodedata.normalize("NFD", firsts)
    return "".join(c for c in bare if not unicodedata.combining(c)).upper()


def _says_again(before: str, abbreviation: str) -> bool:
    """Whether the words just before ``abbreviation`` are its full form."""
    spoken = builtin_abbreviations().spoken(abbreviation)
    words = before.split()
    if spoken is not None:
        wanted = spoken.casefold().split()
        if [w.casefold() for w in words[-len(wanted) :]] == wanted:
            return True
    letters = [c for c in abbreviation if c.isalpha()]
    return len(letters) >= 2 and _initials(words[-len(letters) :]) == "".join(letters).upper()


def drop_repeated_abbreviations(text: str) -> str:
    """Cảnh sát giao thông (CSGT) -> Cảnh sát giao thông: the full form is said once."""
    if "(" not in text:
        return text

    def drop(m: re.Match[str]) -> str:
        return "" if _says_again(m.string[: m.start()], m.group(1)) else m.group(0)

    return _ABBREVIATION_ASIDE.sub(drop, text)


_DOCUMENT_CODE = re.compile(
    r"(?<![\w/])(\d{1,5})(?:-[A-ZĐ][A-ZĐa-z]*)?(?:/(\d{4}))?"
    r"/([A-ZĐ][A-ZĐa-z]*(?:-[A-ZĐ][A-ZĐa-z]*)*)(?![\w-])"
)


def _issuer(part: str) -> str:
    table = read_toml("document_codes.toml")
    spoken = table["issuers"].get(part) or builtin_abbreviations().spoken(part)
    return spoken if spoken is not None else part


def read_document_codes(text: str) -> str:
    """số 12/2024/NĐ-CP -> số mười hai năm hai nghìn ... của Chính phủ; 4653/QĐ-UBND ->
    bốn nghìn ... của ủy ban nhân dân; 18-NQ/TW -> mười tám của Trung ương. No slash is
    left; the issuer is not said twice."""
    if "/" not in text:
        return text
    kinds = frozenset(read_toml("document_codes.toml")["kinds"])

    def spoken(m: re.Match[str]) -> str:
        number, year, letters = m.groups()
        words = [read_number(number)]
        if year:
            words.append(f"năm {read_number(year)}")
        issuers = [_issuer(p) for p in letters.split("-") if p not in kinds]
        if issuers and not m.string[m.end() :].lstrip().startswith("của"):
            words.append("của " + " ".join(issuers))
        return " ".join(words)

    return _DOCUMENT_CODE.sub(spoken, text)


_ORDINAL = re.compile(r"(?i)\b(thứ|hạng)\s+(\d{1,2})(?![\d]|[.,]\d)")


def read_ordinals(text: str) -> str:
    """thứ 2 -> thứ hai; thứ 4 -> thứ tư; lần thứ 9 -> lần thứ chín; hạng 1 -> hạng nhất."""
    return _ORDINAL.sub(lambda m: f"{m.group(1)} {read_ordinal(int(m.group(2)))}", text)


_RANGE = re.compile(r"(?<![\w.,/-])(" + _NUMBER + r")\s*[-–—]\s*(" + _NUMBER + r")(?![\w]|[.,/]\d)")


_NEGATIVE = re.compile(r"(?:^|(?<=[\s(]))(?<![\d%]\s)[-−](?=\d)")
"""A minus sign: after a space or a bracket, glued to its number, and not after another number
(which would make it a range)."""


def read_negatives(text: str) -> str:
    """hiệu số -17 -> hiệu số âm 17; nhiệt độ −5 độ C -> âm 5 độ C."""
    return _NEGATIVE.sub("âm ", text) if "-" in text or "−" in text else text


def read_ranges(text: str) -> str:
    """2020 – 2025 -> ... đến ...; 24-26 năm; 20-25 phần trăm; từ 4 - 6 triệu."""
    return _RANGE.sub(lambda m: f"{read_number(m.group(1))} đến {read_number(m.group(2))}", text)


_NUMBER_TOKEN = re.compile(
    r"(?<![\d])(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3}){2,}|\d+(?:\.\d+)+|\d+(?:,\d+)?)"
    r"(?![\d])"
)
"""A dotted number that is not in thousands (Campuchia 4.0, phiên bản 2.5) is read with chấm."""


def read_numbers(text: str) -> str:
    """34.118 -> ba mươi tư nghìn một trăm mười tám; 32,4 -> ba mươi hai phẩy bốn; 03 -> ba;
    4.0 -> bốn chấm không."""
    return _NUMBER_TOKEN.sub(lambda m: read_number(m.group(0)), text)


_SAID_TWICE = re.compile(r"(?<!\w)((?:[^\W\d_]+ ){0,5}[^\W\d_]+) \(\1\)", re.IGNORECASE)


def drop_spelled_repeats(text: str) -> str:
    """A number the writer spelled out again in brackets is said once: 2 (hai) ngày -> hai
    ngày (after the numbers are read, the bracket says the same words)."""
    return _SAID_TWICE.sub(r"\1", text) if "(" in text else text


_WORD_SLASH = re.compile(r"(?<=[^\W\d_]{2})\s?/\s?(?=[^\W\d_]{2})")
_RATIO = re.compile(r"(?i)\b(?:tỷ lệ|tỉ lệ)\b")


def read_word_slashes(text: str) -> str:
    """nâng cấp/hạ cấp -> nâng cấp hoặc hạ cấp; after tỷ lệ a slash is a ratio: tỷ lệ vay
    margin/vốn hóa -> margin trên vốn hóa."""
    if "/" not in text:
        return text
    ratio = _RATIO.search(text)

    def spoken(m: re.Match[str]) -> str:
        return " trên " if ratio is not None and ratio.start() < m.start() else " hoặc "

    return _WORD_SLASH.sub(spoken, text)


_DIGITS = re.compile(r"\d+")


def read_leftover_digits(text: str) -> str:
    """Safety net: any digit still present is read one by one."""
    return _DIGITS.sub(lambda m: f" {read_digits(m.group(0))} ", text)


_SPACES = re.compile(r"[ \t]{2,}")


def tidy_spaces(text: str) -> str:
    """Collapse runs of spaces left by the rules; trim the ends."""
    return _SPACES.sub(" ", text).strip()


DEFAULT_RULES: tuple[Rule, ...] = (
    unicode_nfc,
    drop_repeated_abbreviations,
    read_document_codes,
    read_house_numbers,
    read_phone_numbers,
    read_gold_purity,
    read_months_with_year,
    read_roman_numerals,
    read_full_dates,
    read_times,
    read_day_months,
    read_month_names,
    read_ordinals,
    read_scores,
    read_minute_marks,
    read_negatives,
    expand_abbreviations,
    expand_currency_signs,
    read_per,
    expand_units,
    read_plates,
    read_codes,
    read_ranges,
    read_fractions,
    read_numbers,
    drop_spelled_repeats,
    read_leftover_digits,
    read_word_slashes,
    read_symbols,
    spell_acronyms,
    tidy_spaces,
)
"""The order matters: dates before ranges (10-10-2024), units before codes (50cm),
abbreviations before acronym spelling (UBND), everything before the digit safety net."""


class Normalizer:
    """Applies the rules in order; pure and thread-safe (no state changes after init)."""

    def __init__(
        self, lexicon: UserLexicon | None = None, rules: Sequence[Rule] = DEFAULT_RULES
    ) -> None:
        chain = list(rules)
        if lexicon is not None and len(lexicon):
            chain.insert(1 if chain and chain[0] is unicode_nfc else 0, lexicon.apply)
        self.rules: tuple[Rule, ...] = tuple(chain)
        """The rules this normalizer applies, in order."""

    def normalize(self, sentence: str) -> str:
        """Return ``sentence`` as words to be spoken."""
        for rule in self.rules:
            sentence = rule(sentence)
        return sentence
