"""Cleaning rules for page chrome that newspapers print between paragraphs.

Credits that are not photo credits (BBC's "Nguồn hình ảnh, Getty Images", "Nguồn: Reuters"),
keyword lines ("Từ khóa: ..."), "ĐỌC THÊM" and ">>" teasers, a video's label ending in a colon
and a date line under the title. The words they look for are in ``data/clean_phrases.toml``.
"""

from __future__ import annotations

import re
from functools import cache

from audio_news.text.clean_rules import UPPER, Draft, Edit, phrases
from audio_news.text.tables import alternation

LABEL_MAX_CHARS = 160
"""A video label ("Video: Cảnh sát khống chế đối tượng:") is at most this long."""
LINE_MAX_CHARS = 300
"""A keyword line or a BBC caption line is at most this long."""
SOURCE_MAX_WORDS = 8
"""A source credit ("Nguồn: Bộ Tài chính") names at most this many words."""
DATE_WINDOW = 3
"""How many leading paragraphs may be the article's date line."""


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    table = phrases()["chrome"]
    line = alternation(table["caption-lines"], ignore_case=True)
    tags = alternation(table["tag-lines"], ignore_case=True)
    labels = alternation(table["video-labels"], ignore_case=True)
    teaser = alternation(table["teasers"])
    return {
        "caption-line": re.compile(rf"^(?:{line})\s*,", re.IGNORECASE),
        "tag-line": re.compile(rf"^(?:{tags})\s*:", re.IGNORECASE),
        "video-label": re.compile(rf"^(?:{labels})\b[^.!?]*:$", re.IGNORECASE),
        "source": re.compile(r"(?:^|(?<=[.!?…])\s+)\(?Nguồn\s*:\s*([^.!?:;()]{1,80}?)\)?\.?$"),
        "teaser-line": re.compile(rf"^(?:{teaser})(?:\s*[:>]+\s*|\s+)(?=[{UPPER}\d\"“])"),
        "teaser-end": re.compile(rf"(?<=[.!?…\"”])\s+(?:{teaser}|>>+)\s*[:>]*\s*\S.{{0,200}}$"),
    }


def _drop_lines(draft: Draft, name: str, max_chars: int) -> Edit:
    pattern = _patterns()[name]
    kept: list[str] = []
    removed: list[str] = []
    for paragraph in draft.paragraphs:
        if len(paragraph) <= max_chars and pattern.search(paragraph):
            removed.append(paragraph)
        else:
            kept.append(paragraph)
    return Draft(draft.title, tuple(kept)), removed


def caption_line(draft: Draft) -> Edit:
    """BBC's caption lines: "Nguồn hình ảnh, Getty Images", "Chụp lại hình ảnh, Ông X ..."."""
    return _drop_lines(draft, "caption-line", LINE_MAX_CHARS)


def tag_line(draft: Draft) -> Edit:
    """Keyword lines: "Từ khóa: giá vàng, SJC", "Tags: ...", "Chủ đề: Kinh tế"."""
    return _drop_lines(draft, "tag-line", LINE_MAX_CHARS)


def video_label(draft: Draft) -> Edit:
    """A video's label ending in a colon: "Video: Cảnh sát khống chế đối tượng:"."""
    return _drop_lines(draft, "video-label", LABEL_MAX_CHARS)


def source_credit(text: str) -> tuple[str, list[str]]:
    """A source credit on its own or ending a paragraph: "Nguồn: Reuters"; the text stays."""
    if "Nguồn" not in text:
        return text, []
    match = _patterns()["source"].search(text)
    if match is None or len(match.group(1).split()) > SOURCE_MAX_WORDS:
        return text, []
    return text[: match.start()].rstrip(), [match.group().strip()]


def teaser_link(text: str) -> tuple[str, list[str]]:
    """A link to another article: "ĐỌC THÊM Giá vàng lập đỉnh", or after a sentence: ">> ..."."""
    patterns = _patterns()
    if patterns["teaser-line"].match(text) and len(text) <= LINE_MAX_CHARS:
        return "", [text]
    match = patterns["teaser-end"].search(text)
    if match is None:
        return text, []
    return text[: match.start()], [match.group().strip()]


_WEEKDAY = r"(?:Thứ (?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|Chủ nhật)"
_DATE_LINE = re.compile(
    rf"^(?:(?:Cập nhật|Đăng|Ngày đăng)\s*:?\s*)?(?:{_WEEKDAY},?\s*)?(?:ngày\s+)?"
    r"\d{1,2}\s+tháng\s+\d{1,2},?\s+(?:năm\s+)?\d{4}"
    r"(?:\s*[-–,]?\s*(?:lúc\s+)?\d{1,2}[:h]\d{2})?(?:\s*\(?GMT\s*[+-]\s*\d{1,2}\)?)?$",
    re.IGNORECASE,
)


def date_line(draft: Draft) -> Edit:
    """The article's date under the title, written out: "5 tháng 12 2024"."""
    paras = list(draft.paragraphs)
    removed: list[str] = []
    for i in range(min(DATE_WINDOW, len(paras) - 1) - 1, -1, -1):
        if _DATE_LINE.match(paras[i]):
            removed.append(paras.pop(i))
    return Draft(draft.title, tuple(paras)), removed[::-1]
