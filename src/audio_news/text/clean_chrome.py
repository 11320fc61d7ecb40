"""Cleaning rules for page chrome that newspapers print between paragraphs.

Credits that are not photo credits (BBC's "Nguồn hình ảnh, Getty Images", "Nguồn: Reuters"),
keyword lines ("Từ khóa: ..."), "ĐỌC THÊM" and ">>" teasers, a video's label ending in a colon,
a date line under the title, and a closing pointer to links or tables. The words they look
for are in ``data/clean_phrases.toml``.
"""

from __future__ import annotations

import re
from functools import cache

from audio_news.text.clean_rules import UPPER, Draft, Edit, key, phrases
from audio_news.text.split import split_sentences
from audio_news.text.tables import alternation

LABEL_MAX_CHARS = 160
"""A video label ("Video: Cảnh sát khống chế đối tượng:") is at most this long."""
LINE_MAX_CHARS = 300
"""A keyword line or a BBC caption line is at most this long."""
SOURCE_MAX_WORDS = 8
"""A source credit ("Nguồn: Bộ Tài chính") names at most this many words."""
DATE_WINDOW = 3
"""How many leading paragraphs may be the article's date line."""
TEASER_WINDOW = 2
"""How many leading paragraphs may be the feed's teaser."""


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
        "teaser-site": re.compile(
            rf"(?<=[.!?…])\s+[-–—|]\s+(?:{alternation(phrases()['dateline']['sites'])})\.?\s*$",
            re.IGNORECASE,
        ),
        "title-site": re.compile(
            rf"\s+[-–—|]\s+(?:{alternation(phrases()['dateline']['sites'])})\s*$", re.IGNORECASE
        ),
        "glued-related": re.compile(
            rf"^[{UPPER}\d][^.!?]{{15,200}}?\s(?:{alternation(phrases()['dateline']['codes'])})"
            rf"\s*[-–]\s+[{UPPER}]"
        ),
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
    r"(?:\d{1,2}\s+tháng\s+\d{1,2},?\s+(?:năm\s+)?\d{4}|\d{1,2}/\d{1,2}/\d{4})"
    r"(?:\s*[-–,]?\s*(?:lúc\s+)?\d{1,2}[:h]\d{2})?(?:\s*\(?GMT\s*[+-]\s*\d{1,2}\)?)?$",
    re.IGNORECASE,
)


_AGO_LINE = re.compile(r"^\d{1,2}\s+(?:phút|giờ|tiếng|ngày|tuần)\s+trước$", re.IGNORECASE)
_DESK_DATE_LINE = re.compile(
    rf"^[^.!?]{{2,60}}?\s*[-–|,]\s*{_WEEKDAY},?\s*(?:ngày\s+)?\d{{1,2}}/\d{{1,2}}/\d{{4}}"
    r"(?:\s*[-–,]?\s*\d{1,2}[:h]\d{2})?(?:\s*\(?GMT\s*[+-]\s*\d{1,2}\)?)?$",
    re.IGNORECASE,
)


def date_line(draft: Draft) -> Edit:
    """The article's date under the title: "5 tháng 12 2024", "6 giờ trước", or after the desk's
    name "Ban Thời sự/VOV-Chủ nhật, ngày 12/05/2024 14:00 GMT+7"."""
    paras = list(draft.paragraphs)
    removed: list[str] = []
    for i in range(min(DATE_WINDOW, len(paras) - 1) - 1, -1, -1):
        line = paras[i]
        if _DATE_LINE.match(line) or _AGO_LINE.match(line) or _DESK_DATE_LINE.match(line):
            removed.append(paras.pop(i))
    return Draft(draft.title, tuple(paras)), removed[::-1]


def title_site(draft: Draft) -> Edit:
    """The outlet's name a page title ends with: "12 quân nhân ... - BBC News Tiếng Việt"."""
    match = _patterns()["title-site"].search(draft.title)
    if match is None or match.start() == 0:
        return draft, []
    return Draft(draft.title[: match.start()], draft.paragraphs), [match.group().strip(" -–—|")]


def teaser_site(draft: Draft) -> Edit:
    """A feed teaser ending with the outlet's name, "... ngày 29/6. - VnExpress.": the name
    goes, and the whole teaser when it then repeats the paragraph after it."""
    pattern = _patterns()["teaser-site"]
    paras = list(draft.paragraphs)
    removed: list[str] = []
    for i in range(min(TEASER_WINDOW, len(paras))):
        match = pattern.search(paras[i])
        if match is None or match.start() == 0:
            continue
        teaser = paras[i][: match.start()]
        if i + 1 < len(paras) and key(teaser) == key(paras[i + 1]):
            removed.append(paras[i])
            paras[i] = ""
        else:
            removed.append(match.group().strip(" -–—|."))
            paras[i] = teaser
    return Draft(draft.title, tuple(p for p in paras if p)), removed


def glued_related(draft: Draft) -> Edit:
    """Another article's title and lead run together after the body, its agency code between
    them: "Bão Mặt Trời mạnh nhất trong 20 năm ... ngoạn mục VTV.vn - Trái Đất đã đón ..."."""
    pattern = _patterns()["glued-related"]
    paras = list(draft.paragraphs)
    removed: list[str] = []
    for i in range(len(paras) - 1, 0, -1):
        if pattern.match(paras[i]):
            removed.append(paras.pop(i))
    return Draft(draft.title, tuple(paras)), removed[::-1]


_FEED_CUT = re.compile(r"\s(?:\.\.\.|…)$")
"""A feed's teaser is cut at a space and ends " ..."; a writer's own ellipsis is glued."""


def teaser_sentences(draft: Draft) -> Edit:
    """What is left of a feed teaser cut with " ..." after the teaser rule: its unfinished last
    sentence and the sentences the body says again go; whole sentences the body lacks stay."""
    paras = list(draft.paragraphs)
    removed: list[str] = []
    for i in range(min(TEASER_WINDOW, len(paras) - 1)):
        if not _FEED_CUT.search(paras[i]):
            continue
        others = "\n".join(key(p) for p in paras[i + 1 :])
        sentences = split_sentences(paras[i])
        removed.append(sentences.pop())
        kept = [s for s in sentences if key(s) not in others]
        removed.extend(s for s in sentences if key(s) in others)
        paras[i] = " ".join(kept)
    return Draft(draft.title, tuple(p for p in paras if p)), removed


POINTER_TAIL_LINES = 3
"""At most this many link or table titles follow the closing pointer."""
HEADING_MAX_WORDS = 12
"""A subheading: a line of at most this many words with no stop at its end."""


def _is_heading(paragraph: str) -> bool:
    return len(paragraph.split()) <= HEADING_MAX_WORDS and not paragraph.rstrip().endswith(
        (".", "!", "?", ":", ";", "…")
    )


_POINTER = re.compile(
    r"(?:\btại đây|\b(?:các |những )?(?:đường )?link(?: sau| dưới đây)?|\bliên kết (?:sau|dưới đây)"
    r"|\b(?:bảng|video|clip) (?:sau|dưới đây))\s*:\s*$",
    re.IGNORECASE,
)


def pointer_tail(draft: Draft) -> Edit:
    """The article's end pointing at what a listener cannot follow, with the titles of the
    links or tables after it and a subheading over it: "... tra cứu danh sách tại đây:",
    "truy cập các link sau:"."""
    paras = draft.paragraphs
    for i in range(len(paras) - 1, max(0, len(paras) - 1 - POINTER_TAIL_LINES) - 1, -1):
        if i > 0 and _POINTER.search(paras[i]):
            titles = paras[i + 1 :]
            if any(p.rstrip().endswith((".", "!", "?")) for p in titles):
                break
            if i > 1 and _is_heading(paras[i - 1]):  # the subheading over the links
                i -= 1
            return Draft(draft.title, paras[:i]), list(paras[i:])
    return draft, []
