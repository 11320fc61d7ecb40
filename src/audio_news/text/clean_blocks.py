"""Cleaning rules that look at several paragraphs at once: repeats, tails, captions, bylines."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import cache

from audio_news.text.clean_rules import LOWER, UPPER, Draft, Edit, key, phrases, trailing_credit
from audio_news.text.split import abbreviations
from audio_news.text.tables import alternation

LEAD_WINDOW = 3
"""How many leading paragraphs may hold a dateline, kicker, byline or navigation junk."""
CAPTION_MAX_CHARS = 240
"""A paragraph ending in a photo credit is a caption when its text is at most this long."""
REPEAT_MAX_CHARS = 250
"""Paragraphs repeated back to back are captions (alt text, then caption) up to this long."""
PHOTO_STORY_SHARE = 0.5
"""An article whose captions hold at least this share of its characters is a photo story."""
HEADLINE_MAX_CHARS = 160
"""A related-link headline after a "Tin liên quan" header is at most this long."""
TEASER_MIN_CHARS = 30
"""A teaser cut off with "..." must hold this many letters and digits to be recognised."""
TEASER_MAX_CHARS, TEASER_LIKENESS = 600, 0.85
"""A reworded teaser: at most this long, and this alike (difflib) to the lead's opening."""

_CHROME_GROUPS = ("advert", "read-more", "share-chrome", "video-player")
_SEPARATORS = r"[\s:.…!>|·•,\-–—]*"


@cache
def _all_chrome() -> re.Pattern[str]:
    table = phrases()
    words = [w for g in _CHROME_GROUPS for w in table[g]["phrases"]]
    words += table["related-tail"]["headers"]
    one = rf"(?<!\w){alternation(words, ignore_case=True)}(?!\w)"
    return re.compile(rf"^{_SEPARATORS}(?:{one}{_SEPARATORS})+$", re.IGNORECASE)


def phrase_rule(group: str) -> Callable[[Draft], Edit]:
    """Drop this group's phrases from paragraphs made only of chrome, and its whole-line patterns.

    "Quảng cáo Đọc tiếp" is all chrome: ``advert`` takes "Quảng cáo", ``read-more`` the rest.
    """
    table = phrases()[group]
    words = alternation(table["phrases"], ignore_case=True)
    mine = re.compile(rf"(?<!\w){words}(?!\w){_SEPARATORS}", re.IGNORECASE)
    lines = [re.compile(p, re.IGNORECASE) for p in table.get("patterns", [])]

    def apply(draft: Draft) -> Edit:
        kept: list[str] = []
        removed: list[str] = []
        for paragraph in draft.paragraphs:
            if any(p.search(paragraph) for p in lines):
                removed.append(paragraph)
                continue
            if _all_chrome().match(paragraph):
                found = [m.group().strip(" :.…>|·•,-–—") for m in mine.finditer(paragraph)]
                removed.extend(found)
                paragraph = mine.sub(" ", paragraph) if found else paragraph
                paragraph = " ".join(paragraph.split()).strip(" :.…>|·•,-–—")
            if paragraph:
                kept.append(paragraph)
        return Draft(draft.title, tuple(kept)), removed

    return apply


def _is_header(paragraph: str) -> bool:
    headers = phrases()["related-tail"]["headers"]
    bare = paragraph.strip(" :.…>|»").casefold()
    return any(bare == h.casefold() for h in headers)


def _is_headline(paragraph: str) -> bool:
    return len(paragraph) <= HEADLINE_MAX_CHARS and not paragraph.rstrip().endswith((".", ":"))


def related_tail(draft: Draft) -> Edit:
    """ "Xem thêm" / "Tin liên quan" boxes: the header and the headlines under it.

    When nothing but headlines follows the header, everything after it goes.
    """
    paras = list(draft.paragraphs)
    kept: list[str] = []
    removed: list[str] = []
    i = 0
    while i < len(paras):
        if not _is_header(paras[i]):
            kept.append(paras[i])
            i += 1
            continue
        removed.append(paras[i])
        i += 1
        while i < len(paras) and (_is_headline(paras[i]) or _is_header(paras[i])):
            removed.append(paras[i])
            i += 1
    return Draft(draft.title, tuple(kept)), removed


def nav_junk(draft: Draft) -> Edit:
    """Menu items glued before the first paragraph: "Tử vi vui Lịch sử đối đầu..."."""
    menu = alternation(phrases()["nav-junk"]["phrases"])
    leading = re.compile(rf"^(?:{menu}\s+)+(?=[{UPPER}])")
    paras = list(draft.paragraphs)
    removed: list[str] = []
    for i, paragraph in enumerate(paras[:LEAD_WINDOW]):
        match = leading.match(paragraph)
        if match is not None:
            removed.append(match.group().strip())
            paras[i] = paragraph[match.end() :]
    return Draft(draft.title, tuple(paras)), removed


def _offset_after(text: str, letters: int) -> int:
    """The index in ``text`` just after its first ``letters`` letters and digits."""
    seen = 0
    for i, c in enumerate(text):
        if c.isalnum():
            seen += 1
            if seen == letters:
                return i + 1
    return len(text)


def title_repeat(draft: Draft) -> Edit:
    """The title repeated as a paragraph (a Markdown link line) or glued before the lead.

    When the title was cut off ("...") and the glued copy is whole, the title becomes that copy.
    """
    title = draft.title.strip()
    truncated = title.endswith(("...", "…"))
    core = key(title.rstrip(" .…"))
    if len(core) < 10:
        return draft, []
    paras = list(draft.paragraphs)
    removed: list[str] = []
    for i, paragraph in enumerate(paras[: LEAD_WINDOW + 2]):
        pkey = key(paragraph.rstrip(" .…"))
        if pkey == core or (paragraph.rstrip().endswith(("...", "…")) and core.startswith(pkey)):
            removed.append(paragraph)
            paras[i] = ""
        elif pkey.startswith(core):
            cut = _offset_after(paragraph, len(core))
            if truncated:
                opening = " ".join(title.split()[:3])
                again = paragraph.find(opening, cut)
                if again <= 0 and _is_headline(paragraph):  # the whole title, as a heading
                    title = paragraph.strip()
                    removed.append(paragraph)
                    paras[i] = ""
                if again <= 0:  # else the lead itself, which the cut-short title only begins
                    continue
                cut = again
            rest = paragraph[cut:].lstrip(" :.-–—")
            if not rest or rest[0].isupper():
                glued = paragraph[:cut].strip()
                removed.append(glued)
                paras[i] = rest
                if truncated and len(glued) < 2 * len(title):
                    title = glued
    return Draft(title, tuple(p for p in paras if p)), removed


def _ends_cut_off(paragraph: str) -> bool:
    return paragraph.rstrip().endswith(("...", "…"))


def _nearly_opens(mine: str, later: str) -> bool:
    """Whether ``later`` opens with nearly the same letters as ``mine`` (a reworded teaser)."""
    alike = difflib.SequenceMatcher(None, mine, later[: len(mine)], autojunk=False).ratio
    return len(mine) < min(len(later), TEASER_MAX_CHARS) and alike() >= TEASER_LIKENESS


def teaser(draft: Draft) -> Edit:
    """A teaser the article says again: cut off with "..." and repeated word for word
    anywhere, or near the top and nearly the opening of the paragraph after it."""
    paras = draft.paragraphs
    keys = [key(p) for p in paras]

    def said_again(i: int) -> bool:
        mine = key(paras[i].rstrip(" .…"))
        if len(mine) < TEASER_MIN_CHARS:
            return False
        if _ends_cut_off(paras[i]) and mine in "\n".join(keys[:i] + keys[i + 1 :]):
            return True
        return i < LEAD_WINDOW and i + 1 < len(keys) and _nearly_opens(mine, keys[i + 1])

    gone = [said_again(i) for i in range(len(paras))]
    kept = tuple(p for p, g in zip(paras, gone, strict=True) if not g)
    return Draft(draft.title, kept), [p for p, g in zip(paras, gone, strict=True) if g]


def _caption_share(paras: list[str]) -> float:
    total = sum(len(p) for p in paras) or 1
    captions = sum(len(p) for p in paras if trailing_credit(p) is not None)
    return captions / total


def is_photo_story(paragraphs: tuple[str, ...]) -> bool:
    """Whether captions carry the article: then they are spoken, without their credits."""
    return _caption_share(list(paragraphs)) >= PHOTO_STORY_SHARE


def caption_repeat(draft: Draft) -> Edit:
    """A short paragraph repeated back to back (alt text, then caption): every copy goes.

    In a photo story, where captions are the text, one copy stays.
    """
    keep_one = is_photo_story(draft.paragraphs)
    paras = list(draft.paragraphs)
    keys = [key(p) for p in paras]
    kept: list[str] = []
    removed: list[str] = []
    i = 0
    while i < len(paras):
        j = i + 1
        while j < len(paras) and keys[j] == keys[i]:
            j += 1
        if j - i > 1 and len(paras[i]) <= REPEAT_MAX_CHARS and keys[i]:
            removed.extend(paras[i + 1 : j] if keep_one else paras[i:j])
            if keep_one:
                kept.append(paras[i])
        else:
            kept.extend(paras[i:j])
        i = j
    return Draft(draft.title, tuple(kept)), removed


_GALLERY_INTRO = re.compile(r"(?:hình ảnh|ảnh|clip|video)[^.!?]*:$", re.IGNORECASE)
_NAME = rf"[{UPPER}][{LOWER}{UPPER}]*"
_GLUED_CAPTION = re.compile(
    rf"^[^.!?:]{{8,160}}?\s+(?:Ảnh|Video)\s*:\s*(?:{_NAME}\s+)+?(?={_NAME}\s+[{LOWER}])"
)


def _is_caption(paragraph: str) -> bool:
    match = trailing_credit(paragraph)
    return match is not None and match.start() <= CAPTION_MAX_CHARS


def caption(draft: Draft) -> Edit:
    """Caption paragraphs ending in a photo credit, with the gallery intro ("Một số hình ảnh:").

    Kept in a photo story; a caption glued before the next sentence always goes.
    """
    story = is_photo_story(draft.paragraphs)
    kept: list[str] = []
    removed: list[str] = []
    for paragraph in draft.paragraphs:
        only_credit = (m := trailing_credit(paragraph)) is not None and m.start() == 0
        if only_credit or (not story and _is_caption(paragraph)):
            if kept and _GALLERY_INTRO.search(kept[-1]) and len(kept[-1]) <= 200:
                removed.append(kept.pop())
            removed.append(paragraph)
            continue
        glued = _GLUED_CAPTION.match(paragraph)
        if glued is not None and not story:
            removed.append(glued.group().strip())
            paragraph = paragraph[glued.end() :]
        kept.append(paragraph)
    return Draft(draft.title, tuple(kept)), removed


_DATETIME = (
    r"(?:(?:Thứ (?:hai|ba|tư|năm|sáu|bảy)|Chủ nhật),?\s*)?\d{1,2}/\d{1,2}/\d{4}"
    r"(?:\s*[-–,]?\s*\d{1,2}[:h]\d{2})?(?:\s*\(GMT\s*[+-]\s*\d{1,2}\))?"
)
_WORD = rf"[{UPPER}][{LOWER}{UPPER}.]*"
_NAMES = rf"{_WORD}(?:\s+{_WORD}){{0,4}}"
_BYLINE_LINE = re.compile(
    rf"^(?:{_NAMES}(?:\s*[-–,/]\s*{_NAMES})*(?:\s*\((?:[Tt]ổng hợp|[Tt]heo [^()]{{1,40}})\))?"
    rf"(?:\s*[-–,]\s*{_DATETIME})?|{_DATETIME})$"
)
_CAPS = rf"[{UPPER}][{UPPER}.]*"
_GLUED_BYLINE = re.compile(
    rf"(?<=[.!?…\"”’])\s+({_CAPS}(?:\s+{_CAPS}){{0,4}}(?:\s*[-–,/]\s*{_CAPS}(?:\s+{_CAPS}){{0,4}})*)$"
)
_NOT_BYLINE_START = ("Theo ", "Nguồn")


def _is_byline(paragraph: str) -> bool:
    return (
        len(paragraph) <= 100
        and not paragraph.startswith(_NOT_BYLINE_START)
        and _BYLINE_LINE.match(paragraph) is not None
    )


def byline(draft: Draft) -> Edit:
    """Author lines at the start or end, and a name in capitals glued after the last sentence."""
    paras = list(draft.paragraphs)
    removed: list[str] = []
    while paras and len(paras) > 1 and _is_byline(paras[-1]):
        removed.append(paras.pop())
    for i in range(min(LEAD_WINDOW, len(paras) - 1) - 1, -1, -1):
        if _is_byline(paras[i]):
            removed.append(paras.pop(i))
    if paras:
        match = _GLUED_BYLINE.search(paras[-1])
        if match is not None and sum(c.isalpha() for c in match.group(1)) >= 4:
            removed.append(match.group(1))
            paras[-1] = paras[-1][: match.start()]
    return Draft(draft.title, tuple(paras)), removed


def _is_kicker(paragraph: str) -> bool:
    letters = [c for c in paragraph if c.isalpha()]
    return (
        len(letters) >= 3
        and len(paragraph) <= 80
        and all(c.isupper() for c in letters)
        and not paragraph.endswith(".")
    )


def kicker(draft: Draft) -> Edit:
    """A section label in capitals on its own line before the body: "ĐÀI LOAN - TRUNG QUỐC"."""
    paras = list(draft.paragraphs)
    removed: list[str] = []
    i = 0
    while i < min(LEAD_WINDOW, len(paras) - 1):
        if _is_kicker(paras[i]):
            removed.append(paras.pop(i))
        else:
            i += 1
    return Draft(draft.title, tuple(paras)), removed


@cache
def _dateline_patterns() -> tuple[re.Pattern[str], ...]:
    table = phrases()["dateline"]
    places = alternation(table["places"])
    dash = r"\s*[-–—]\s*"
    return (
        re.compile(rf"^\([^()]{{2,30}}\){dash}(?=\S)"),
        re.compile(rf"^(?:{alternation(table['codes'])}|[{UPPER}]{{2,6}}){dash}(?=[{UPPER}\d])"),
        re.compile(rf"^{places}{dash}(?=[{UPPER}])"),
        re.compile(rf"^{places}(?=[{UPPER}][{LOWER}])"),
    )


def dateline(draft: Draft) -> Edit:
    """Agency codes and location stamps before the lead: "BBK - ", "(Dân trí) - ", "Hà Nội-"."""
    paras = list(draft.paragraphs)
    removed: list[str] = []
    for i in range(min(2, len(paras))):
        changed = True
        while changed:
            changed = False
            for pattern in _dateline_patterns():
                match = pattern.match(paras[i])
                if match is not None and match.end() < len(paras[i]):
                    removed.append(match.group().strip())
                    paras[i] = paras[i][match.end() :]
                    changed = True
    return Draft(draft.title, tuple(paras)), removed


def duplicate(draft: Draft) -> Edit:
    """The same paragraph said again later: the first copy stays."""
    seen: set[str] = set()
    kept: list[str] = []
    removed: list[str] = []
    for paragraph in draft.paragraphs:
        k = key(paragraph)
        if len(k) >= 15 and k in seen:
            removed.append(paragraph)
            continue
        seen.add(k)
        kept.append(paragraph)
    return Draft(draft.title, tuple(kept)), removed


_INITIAL_END = re.compile(r"(?<!\S)(\S+)\.$")


def _breaks_mid_sentence(before: str, after: str) -> bool:
    if not after or not (after[0].isdigit() or after[0].islower()):
        return False
    match = _INITIAL_END.search(before)
    if match is not None:
        word = match.group(1).rsplit(".", 1)[-1]
        return word in abbreviations() or (len(word) == 1 and word.isupper())
    return after[0].islower() and not before.endswith((".", "!", "?", "…", ":", '"', "”"))


def broken_line(draft: Draft) -> Edit:
    """A sentence broken across lines ("...hỗ trợ ông T." / "400 triệu đồng.") is joined."""
    kept: list[str] = []
    for paragraph in draft.paragraphs:
        if kept and _breaks_mid_sentence(kept[-1], paragraph):
            kept[-1] = f"{kept[-1]} {paragraph}"
        else:
            kept.append(paragraph)
    return Draft(draft.title, tuple(kept)), []
