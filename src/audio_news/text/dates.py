"""Dates, months, quarters and clock times.

28/12 -> hai mươi tám tháng mười hai; 5/9/2024, 1.7.2024 and 10-10-2024 -> ... năm ...;
tháng 10/2023 -> tháng mười năm ...; 14h30 -> mười bốn giờ ba mươi phút; 6h - 9h ->
sáu giờ đến chín giờ. A day-month written with a dot or a dash (16-5, 18.1) is a date only
after a word that says so (ngày, sáng, chiều, tối, ...); otherwise it is a range or a number.
"""

from __future__ import annotations

import re

from .numbers import read_int, read_month

_DAY_WORDS = (
    r"(?:ngày|sáng|trưa|chiều|tối|đêm|khuya|hôm|mồng|mùng|rạng sáng|từ|đến|tới)"
    r"(?:\s+(?:sớm|muộn|nay|qua|mai|tối|khuya))?(?:(?<=nay),)?"
)
"""Sáng sớm 30-9, tối muộn 12-3, hôm nay 25.4, chiều nay, 14-7: a day-month after these is a
date."""
_FRACTION_WORDS = r"(?:chiếm|khoảng|gần|hơn|bằng|còn|mất|tăng|giảm|được|vòng)"
"""After these a/b is a fraction: chiếm 1/3, vòng 1/8 (the round of sixteen)."""
_END = r"(?![\w]|[.,/-]\d)"


def _valid(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def read_date(day: int, month: int, year: int | None = None) -> str:
    """5, 9, 2024 -> năm tháng chín năm hai nghìn không trăm hai mươi tư."""
    spoken = f"{read_int(day)} tháng {read_month(month)}"
    if year is not None:
        spoken += f" năm {read_int(year)}"
    return spoken


_FULL_DATE = re.compile(r"(?<![\w.,/-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _END)
_DATE_RANGE = re.compile(
    r"(?<![\w.,/-])(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}))?\s*[-–—]\s*"
    r"(\d{1,2})([/.-])(\d{1,2})\6(\d{4})" + _END
)


def _full_date(m: re.Match[str], first: int) -> str | None:
    day, month, year = int(m.group(first)), int(m.group(first + 2)), m.group(first + 3)
    if not _valid(day, month):
        return None
    return read_date(day, month, int(year) if year else None)


def read_full_dates(text: str) -> str:
    """28.7.1929 - 28.7.2009, 20/11-18/12/2022 (the year once, at the end), 5/9/2024,
    1.7.2024, 10-10-2024."""

    def date_range(m: re.Match[str]) -> str:
        start, end = _full_date(m, 1), _full_date(m, 5)
        return f"{start} đến {end}" if start and end else m.group(0)

    def date(m: re.Match[str]) -> str:
        return _full_date(m, 1) or m.group(0)

    return _FULL_DATE.sub(date, _DATE_RANGE.sub(date_range, text))


_QUARTER_YEAR = re.compile(r"(?i)\b(quý\s+(?:[IVX]+|\d))\s*/\s*(\d{4})\b")
_MONTH_RANGE_YEAR = re.compile(
    r"(?i)\b(tháng)\s+(\d{1,2})\s*[-–—]\s*(\d{1,2})\s*[/.-]\s*(\d{4})" + _END
)
_MONTH_YEAR = re.compile(r"(?i)\b(tháng)\s+(\d{1,2})\s*[/.-]\s*(\d{4})" + _END)


def read_months_with_year(text: str) -> str:
    """tháng 10/2023, tháng 4-2016, tháng 12.2023, tháng 1 - 7.2017, quý IV/2023."""

    def month_range(m: re.Match[str]) -> str:
        first, last = int(m.group(2)), int(m.group(3))
        if not (1 <= first <= 12 and 1 <= last <= 12):
            return m.group(0)
        return (
            f"{m.group(1)} {read_month(first)} đến tháng {read_month(last)}"
            f" năm {read_int(int(m.group(4)))}"
        )

    def month_year(m: re.Match[str]) -> str:
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return m.group(0)
        return f"{m.group(1)} {read_month(month)} năm {read_int(int(m.group(3)))}"

    text = _QUARTER_YEAR.sub(lambda m: f"{m.group(1)} năm {m.group(2)}", text)
    text = _MONTH_RANGE_YEAR.sub(month_range, text)
    return _MONTH_YEAR.sub(month_year, text)


_DAY_RANGE_MONTH = re.compile(
    r"(?<![\w.,/-])(\d{1,2})\s*[-–]\s*(\d{1,2})/(\d{1,2})(?:/(\d{4}))?" + _END
)
_DAY_MONTH_SLASH = re.compile(r"(?<![\w.,/-])(\d{1,2})/(\d{1,2})" + _END)
_FRACTION_BEFORE = re.compile(r"(?i)\b" + _FRACTION_WORDS + r"\s+$")
_FRACTION = re.compile(r"(?<![\w.,/-])(\d+)/(\d+)" + _END)
_FRACTION_AFTER = re.compile(
    r"\s+(?:chiều (?:cao|dài|rộng)|diện tích|dân số|số (?:người|vốn|phiếu|ghế)|tổng số|lượng|"
    r"thời gian|quãng đường|trong số|quân số)\b",
    re.IGNORECASE,
)
"""Before these a/b is a fraction: đến 2/3 chiều cao, 1/4 dân số."""
_DAY_MONTH_CONTEXT = re.compile(r"(?i)\b(" + _DAY_WORDS + r")\s+(\d{1,2})[.-](\d{1,2})" + _END)


_BOUND_WORDS = ("từ", "đến", "tới")
_COUNTED = re.compile(
    r"\s+(?!(?:đến|tới|và|hoặc|sang|tại|ở|trong|trên|với|khi|để|của|lúc|vào|cho|theo|này|"
    r"vừa|qua|sau|trước|thì|là|đã|sẽ|nhưng|mà)\b|năm \d)[^\W\d_]",
    re.IGNORECASE,
)
"""từ 5-6 người: a word after the pair that is not a preposition or conjunction is what it
counts, so the pair is a range, not a date."""


_COUNT_OF_TOTAL = re.compile(
    r"(?<![\w.,/-])(\d{1,3})/(\d{1,3})(?=\s+(?:kỳ|lần|trận|mùa|người|đội|câu|ca|tỉnh|nước|"
    r"quốc gia|thành viên|trường hợp|địa phương|ngân hàng|doanh nghiệp|công ty)\b)"
)
"""thua 3/5 kỳ, 4/6 lần: so many of a count, read "ba trên năm kỳ", never a date."""


def read_day_months(text: str) -> str:
    """28/12; 24-26/12; ngày 16-5; tối 18.1; fractions where the words say so (chiếm 1/3);
    3/5 kỳ -> ba trên năm kỳ."""

    def day_range(m: re.Match[str]) -> str:
        first, last, month = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not (_valid(first, month) and _valid(last, month) and first < last):
            return m.group(0)
        year = int(m.group(4)) if m.group(4) else None
        return f"{read_int(first)} đến {read_date(last, month, year)}"

    def slash(m: re.Match[str]) -> str:
        day, month = int(m.group(1)), int(m.group(2))
        before = m.string[max(0, m.start() - 12) : m.start()]
        fraction = _FRACTION_BEFORE.search(before) or _FRACTION_AFTER.match(m.string, m.end())
        if not _valid(day, month) or fraction:
            return m.group(0)
        return read_date(day, month)

    def context(m: re.Match[str]) -> str:
        day, month = int(m.group(2)), int(m.group(3))
        counted = m.group(1).lower() in _BOUND_WORDS and _COUNTED.match(m.string, m.end())
        if not _valid(day, month) or counted:
            return m.group(0)
        return f"{m.group(1)} {read_date(day, month)}"

    text = _COUNT_OF_TOTAL.sub(
        lambda m: f"{read_int(int(m.group(1)))} trên {read_int(int(m.group(2)))}", text
    )
    text = _DAY_RANGE_MONTH.sub(day_range, text)
    text = _DAY_MONTH_CONTEXT.sub(context, text)
    return _DAY_MONTH_SLASH.sub(slash, text)


def read_fractions(text: str) -> str:
    """What is left of a/b after the date rules is a fraction: 1/3 -> một phần ba."""
    return _FRACTION.sub(
        lambda m: f"{read_int(int(m.group(1)))} phần {read_int(int(m.group(2)))}", text
    )


_CLOCK = r"(\d{1,2})(?:h(\d{2})?|g(\d{2}))(?!\w)|(\d{1,2}):(\d{2})(?::\d{2})?(?![\d:])"
_TIME = re.compile(r"(?<![\w.,:])(?:" + _CLOCK + r")")
_TIME_RANGE = re.compile(r"(?<![\w.,:])(\d{1,2}h(?:\d{2})?)\s*[-–]\s*(\d{1,2}h(?:\d{2})?)(?!\w)")
_MINUTES_WORD = re.compile(r"\s*phút\b")


def read_clock(hour: int, minute: int) -> str | None:
    """14, 30 -> mười bốn giờ ba mươi phút; 8, 0 -> tám giờ."""
    if hour > 24 or minute > 59:
        return None
    spoken = f"{read_int(hour)} giờ"
    if minute:
        spoken += f" {read_int(minute)} phút"
    return spoken


def read_times(text: str) -> str:
    """14h30, 8h, 08h00, 19h, 18:40, 6h - 9h."""

    def clock(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            hour, minute = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
        else:
            hour, minute = int(m.group(4)), int(m.group(5))
        spoken = read_clock(hour, minute)
        if spoken is None:
            return m.group(0)
        if minute and _MINUTES_WORD.match(m.string, m.end()):
            spoken = spoken.removesuffix(" phút")
        return spoken

    text = _TIME_RANGE.sub(lambda m: f"{m.group(1)} đến {m.group(2)}", text)
    return _TIME.sub(clock, text)


_MONTH_WORD = re.compile(r"(?i)\b(tháng)\s+(\d{1,2})(?![\d]|[.,/-]\d)")


def read_month_names(text: str) -> str:
    """tháng 4 -> tháng tư; tháng 1 -> tháng một (see ``read_month``)."""

    def month(m: re.Match[str]) -> str:
        number = int(m.group(2))
        return f"{m.group(1)} {read_month(number)}" if 1 <= number <= 12 else m.group(0)

    return _MONTH_WORD.sub(month, text)
