"""Reading numbers aloud in Vietnamese, the way a Northern newsreader does.

Choices: ``linh`` (not ``lẻ``) for a zero tens digit, ``nghìn`` (not ``ngàn``), ``tỷ``;
a units 4 after a tens digit of 2 or more is ``tư`` (hai mươi tư), a 1 is ``mốt``, a 5 after
any tens digit is ``lăm``.
"""

from __future__ import annotations

import re

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

_SCALES = ("", "nghìn", "triệu")
_BILLION = 1_000_000_000
MAX_DIGITS = 18
"""Longer digit strings are read one digit at a time (they are codes, not amounts)."""

_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_ENGLISH_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:,\d{3}){2,}|[1-9]\d{0,2},\d00")
"""Commas between thousands, as English writes them: two or more groups (1,250,000), or one
group ending in 00 (55,900 tỷ), which a Vietnamese decimal never does (it would be 55,9)."""


def _read_tens_units(n: int) -> str:
    tens, units = divmod(n, 10)
    if tens == 0:
        return DIGITS[units]
    words = ["mười" if tens == 1 else DIGITS[tens] + " mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 4 and tens >= 2:
        words.append("tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return " ".join(words)


def _read_group(n: int, full: bool) -> str:
    """Read 0 < n < 1000; ``full`` when a higher group precedes (so 5 -> không trăm linh năm)."""
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not full:
        return _read_tens_units(rest)
    words = [DIGITS[hundreds], "trăm"]
    if rest == 0:
        return " ".join(words)
    if rest < 10:
        words.append("linh")
    words.append(_read_tens_units(rest))
    return " ".join(words)


def _read_below_billion(n: int, full: bool) -> str:
    groups: list[int] = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words.append(_read_group(group, full or bool(words)))
        if _SCALES[index]:
            words.append(_SCALES[index])
    return " ".join(words)


def read_int(n: int) -> str:
    """21 -> hai mươi mốt; 105 -> một trăm linh năm; 2023 -> hai nghìn không trăm hai mươi ba."""
    if n < 0:
        return "âm " + read_int(-n)
    if n == 0:
        return DIGITS[0]
    if n < _BILLION:
        return _read_below_billion(n, False)
    high, low = divmod(n, _BILLION)
    words = read_int(high) + " tỷ"
    if low:
        words += " " + _read_below_billion(low, True)
    return words


def read_digits(digits: str) -> str:
    """Read each digit: '087' -> không tám bảy."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdecimal())


def read_integer_text(digits: str) -> str:
    """Read a run of ASCII digits as an amount; leading zeros are dropped ('03' -> ba), but a
    long run starting with 0 is a phone number or a code ('0912345678' digit by digit)."""
    if len(digits.lstrip("0")) > MAX_DIGITS or (digits.startswith("0") and len(digits) >= 4):
        return read_digits(digits)
    return read_int(int(digits))


def read_fraction_digits(digits: str) -> str:
    """Digits after a decimal comma: '5' -> năm, '25' -> hai mươi lăm, '05' -> không năm."""
    if digits.startswith("0") or len(digits) > 3:
        return read_digits(digits)
    return read_int(int(digits))


def read_number(text: str) -> str:
    """Read a written Vietnamese number: '1.234.567', '2,5', '32,4', '03', '4.300', and the
    English '55,900'."""
    if _ENGLISH_THOUSANDS.fullmatch(text):
        return read_integer_text(text.replace(",", ""))
    whole, _, decimals = text.partition(",")
    if _THOUSANDS.fullmatch(whole):
        spoken = read_integer_text(whole.replace(".", ""))
    elif "." in whole:
        spoken = " chấm ".join(read_integer_text(part) for part in whole.split(".") if part)
    else:
        spoken = read_integer_text(whole)
    if decimals:
        spoken += " phẩy " + read_fraction_digits(decimals)
    return spoken


def read_ordinal(n: int) -> str:
    """The word after 'thứ': 1 -> nhất, 4 -> tư, otherwise the cardinal."""
    if n == 1:
        return "nhất"
    if n == 4:
        return "tư"
    return read_int(n)


def read_month(n: int) -> str:
    """The word after 'tháng'. Calendar months as news bulletins read them: tháng một (not
    giêng, which is the lunar month), tháng tư, tháng mười hai (not chạp)."""
    return "tư" if n == 4 else read_int(n)
