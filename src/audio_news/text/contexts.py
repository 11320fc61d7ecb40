"""Numbers whose reading depends on the words around them: scores, goal minutes, phone numbers,
gold purity.

Việt Nam thắng Lào 2-0 -> hai - không (not "hai đến không"); 0912.345.678 -> không chín một
hai, ba bốn năm, sáu bảy tám; vàng 9999 -> vàng bốn số chín.
"""

from __future__ import annotations

import re

from .numbers import DIGITS, read_digits, read_number

_SCORE_WORDS = (
    r"tỷ số|tỉ số|thắng|thua|hòa|hoà|dẫn|dẫn trước|chiến thắng|đại thắng|chung cuộc|"
    r"thất bại|cách biệt|kết quả|gỡ hòa|gỡ hoà|gỡ|thắng đậm|thua đậm|đánh bại|vùi dập|hạ|"
    r"thành|lên|lợi thế"
)
_SCORE = re.compile(
    r"(?i:\b(" + _SCORE_WORDS + r"))((?:\s+(?:[A-ZĐ][\w]*|đậm|trước|với|thành|lên))*)"
    r"\s+(\d{1,2})\s*[-–]\s*(\d{1,2})(?![\w]|[.,/-]\d)"
)
_SCORE_BETWEEN_NAMES = re.compile(r"(?<=[^\W\d_])(\s+)(\d{1,2})\s*[-–]\s*(\d{1,2})(?=\s+[A-ZĐ])")
_NEEDS_SPORT = frozenset({"thành", "lên", "lợi thế"})
"""After these a score needs another sign of sport in the sentence ("chia thành 2-3 nhóm",
"lợi thế 2-3 điểm phần trăm")."""
_SPORT = re.compile(
    r"(?i)\b(?:tỷ số|tỉ số|bàn thắng|bàn|ghi|hiệp|phút|trận|thắng|thua|hòa|hoà|dẫn|gỡ)\b"
)


_HALF_TIME = re.compile(r"(?i)\b(hiệp\s+\d)\s*:\s*(\d{1,2})\s*[-–]\s*(\d{1,2})(?![\w]|[.,/-]\d)")
_MINUTE_MARK = re.compile(r"(?<![\w.,])(\d{1,3})(?:\+(\d{1,2}))?['′](?![\w'])")
"""A goal's minute in a scorers' list: Wongsa 27', Laohawiwat 45+4'."""


def read_minute_marks(text: str) -> str:
    """Taengoakson 8' -> Taengoakson phút 8; 45+4' -> phút 45 cộng 4."""

    def spoken(m: re.Match[str]) -> str:
        said = "" if m.string[: m.start()].rstrip().lower().endswith("phút") else "phút "
        extra = f" cộng {m.group(2)}" if m.group(2) else ""
        return f"{said}{m.group(1)}{extra}"

    return _MINUTE_MARK.sub(spoken, text) if "'" in text or "′" in text else text


def _score(home: str, away: str) -> str:
    return f"{read_number(home)} - {read_number(away)}"


def read_scores(text: str) -> str:
    """thắng Lào 6-0 -> thắng Lào sáu - không; tỷ số thành 2-0; Panama 2 - 1 Bolivia."""

    def after_word(m: re.Match[str]) -> str:
        if m.group(1).lower() in _NEEDS_SPORT and not _SPORT.search(text):
            return m.group(0)
        return f"{m.group(1)}{m.group(2)} {_score(m.group(3), m.group(4))}"

    def between_names(m: re.Match[str]) -> str:
        before = m.string[: m.start()].rsplit(None, 1)[-1:]
        if not before or not before[0][:1].isupper():
            return m.group(0)
        return f"{m.group(1)}{_score(m.group(2), m.group(3))}"

    if "-" not in text and "–" not in text:
        return text
    text = _HALF_TIME.sub(lambda m: f"{m.group(1)}: {_score(m.group(2), m.group(3))}", text)
    text = _SCORE.sub(after_word, text)
    return _SCORE_BETWEEN_NAMES.sub(between_names, text)


_HOUSE_NUMBER = re.compile(
    r"(?i:\b(số|nhà|ngõ|ngách|hẻm|kiệt))\s+(\d{1,4})/(\d{1,4}[A-Z]?)(?=\s+[A-ZĐ])"
)


def read_house_numbers(text: str) -> str:
    """số 24/18D Lê Hồng Phong -> số hai mươi tư trên mười tám D Lê Hồng Phong; hẻm 5/3 Nguyễn
    Trãi is an address, not the fifth of March."""
    if "/" not in text:
        return text
    return _HOUSE_NUMBER.sub(lambda m: f"{m.group(1)} {m.group(2)} trên {m.group(3)}", text)


_PHONE = re.compile(
    r"(?<![\w.,/-])(?:0\d{2,3}(?:[. ]\d{3,4}){2}|0\d{9,10}|1[89]00(?:[. ]?\d{2,4}){1,3})"
    r"(?![\w]|[.,]\d)"
)
_PHONE_DIGITS = {"0": (10, 11), "1": (8, 10)}
"""How many digits a number starting with 0 (mobile, landline) or 1800/1900 (hotline) has."""


def _phone_groups(digits: str) -> list[str]:
    return [digits[:4], digits[4:7], digits[7:]] if digits[0] == "0" else [digits[:4], digits[4:]]


def read_phone_numbers(text: str) -> str:
    """0912.345.678 and 0912 345 678 -> không chín một hai, ba bốn năm, sáu bảy tám;
    1900 1234 -> một chín không không, một hai ba bốn. Groups as written, else 4-3-3."""

    def spoken(m: re.Match[str]) -> str:
        written = m.group(0)
        digits = re.sub(r"\D", "", written)
        if len(digits) not in _PHONE_DIGITS[digits[0]]:
            return written
        groups = re.split(r"[. ]", written) if re.search(r"[. ]", written) else []
        groups = groups or _phone_groups(digits)
        return ", ".join(read_digits(g) for g in groups)

    return _PHONE.sub(spoken, text)


_PURITY = re.compile(r"(?<![\d.,])(9{3,4}|99[.,]99|999[.,]9)(?![\d]|[.,]\d)")
_GOLD = re.compile(r"(?i)\b(?:vàng|nhẫn|SJC|PNJ|DOJI|kim loại quý)\b")


def read_gold_purity(text: str) -> str:
    """vàng 9999 -> vàng bốn số chín; vàng 999,9 -> vàng bốn số chín (in gold news only)."""
    if "999" not in text and "99," not in text and "99." not in text:
        return text
    if not _GOLD.search(text):
        return text

    def spoken(m: re.Match[str]) -> str:
        nines = sum(c == "9" for c in m.group(0))
        return f"{DIGITS[nines]} số chín"

    return _PURITY.sub(spoken, text)
