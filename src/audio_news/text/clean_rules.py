"""Cleaning rules that work inside one paragraph at a time, and the pieces all rules share.

Each function here takes a paragraph and returns ``(new_text, removed_pieces)``; an empty
``new_text`` drops the paragraph. ``per_paragraph`` turns one into a rule over a whole draft.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from .tables import alternation, read_toml

UPPER = "".join(c for c in map(chr, [*range(0x41, 0x250), *range(0x1E00, 0x1F00)]) if c.isupper())
"""Latin capitals, Vietnamese ones included, for use inside regex character classes."""
LOWER = "".join(c for c in map(chr, [*range(0x61, 0x250), *range(0x1E00, 0x1F00)]) if c.islower())
"""Latin small letters, Vietnamese ones included."""
CREDIT_MAX_WORDS = 7
CREDIT_MAX_CHARS = 120
"""A credit ending a paragraph ("- Ảnh: Hải Nguyễn - Nam Trần") has at most this many words
and sits within the paragraph's last ``CREDIT_MAX_CHARS`` characters."""


@dataclass(frozen=True)
class Draft:
    """An article's text while it is being cleaned."""

    title: str
    paragraphs: tuple[str, ...]


Edit = tuple[Draft, list[str]]
"""A rule's answer: the new draft and the pieces of text it removed, in order."""
TextFix = Callable[[str], tuple[str, list[str]]]
"""A fix to one paragraph: the new text (empty drops it) and the pieces removed."""


@dataclass(frozen=True)
class Rule:
    """A named cleaning step over the whole draft."""

    name: str
    apply: Callable[[Draft], Edit]


def per_paragraph(fix: TextFix, *, title: bool = False) -> Callable[[Draft], Edit]:
    """Apply ``fix`` to every paragraph (and to the title when ``title``)."""

    def apply(draft: Draft) -> Edit:
        removed: list[str] = []
        new_title = draft.title
        if title:
            new_title, pieces = fix(draft.title)
            removed.extend(pieces)
        kept: list[str] = []
        for paragraph in draft.paragraphs:
            text, pieces = fix(paragraph)
            removed.extend(pieces)
            if text.strip():
                kept.append(text)
        return Draft(new_title, tuple(kept)), removed

    return apply


def phrases() -> dict[str, Any]:
    """The phrase tables in ``data/clean_phrases.toml``, keyed by rule name."""
    return read_toml("clean_phrases.toml")


_NOT_WORD = re.compile(r"[\W_]+")


def key(text: str) -> str:
    """Text reduced to its lower-case letters and digits, for comparing paragraphs."""
    return _NOT_WORD.sub("", text.casefold())


def nfc(text: str) -> tuple[str, list[str]]:
    return unicodedata.normalize("NFC", text), []


_INVISIBLE = frozenset({"Cf", "Cc", "Co", "Cs", "Cn"})


def invisible_chars(text: str) -> tuple[str, list[str]]:
    """Zero-width, format, control, private-use and unassigned characters (U+FFFE ...);
    newlines and tabs are spaces."""
    if text.isprintable():
        return text, []
    gone = [c for c in text if unicodedata.category(c) in _INVISIBLE and not c.isspace()]
    if not gone:
        return text, []
    kept = "".join(c for c in text if c not in gone)
    return kept, [" ".join(sorted({f"U+{ord(c):04X}" for c in gone}))]


_MARK = "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_STACKED_MARKS = re.compile(f"{_MARK}{{3,}}|(?:^|(?<=\\s)){_MARK}+")
"""Runs of three combining marks or more, or marks on no letter at all ("zalgo" text):
after NFC a Vietnamese letter carries none, and an engine would name each one aloud."""


def stacked_marks(text: str) -> tuple[str, list[str]]:
    gone = _STACKED_MARKS.findall(text)
    if not gone:
        return text, []
    count = sum(len(g) for g in gone)
    return _STACKED_MARKS.sub("", text), [f"{count} combining marks"]


def spaces(text: str) -> tuple[str, list[str]]:
    """Non-breaking and other Unicode spaces become one ASCII space; ends are stripped."""
    return " ".join(text.split()), []


_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\U000e0020-\U000e007f]+")


def emoji(text: str) -> tuple[str, list[str]]:
    found = _EMOJI.findall(text)
    if not found:
        return text, []
    return " ".join(_EMOJI.sub(" ", text).split()), found


_TITLE_TAG = re.compile(r"^\[[^\[\]]{1,80}\]\s*(?=\S)")


def title_tag(draft: Draft) -> Edit:
    """A scraper's ``[keyword]`` tag before the title."""
    match = _TITLE_TAG.match(draft.title)
    if match is None:
        return draft, []
    return Draft(draft.title[match.end() :], draft.paragraphs), [match.group().strip()]


# No bracket inside a label and no parenthesis inside an address: each try stops at the next
# one, so a run of "[" or "[a](" costs linear time, not quadratic.
_MD_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_MD_LINK = re.compile(r"(?<!!)\[([^\[\]]+)\]\(([^()\s]*)(?:\s+\"[^\"()]*\")?\)")
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^>\s]+>")


def markdown_image(text: str) -> tuple[str, list[str]]:
    found = _MD_IMAGE.findall(text)
    return (" ".join(_MD_IMAGE.sub(" ", text).split()), found) if found else (text, [])


def markdown_link(text: str) -> tuple[str, list[str]]:
    """Links keep their text and lose their address; bare autolinks go."""
    removed = [m.group(2) for m in _MD_LINK.finditer(text)]
    removed += _AUTOLINK.findall(text)
    if not removed:
        return text, []
    text = _AUTOLINK.sub(" ", _MD_LINK.sub(r"\1", text))
    return " ".join(text.split()), removed


_URL = r"(?:https?://|www\.)[^\s()<>\[\]]*[^\s()<>\[\].,;:!?'\"”’]"
_URL_ASIDE = re.compile(rf"\s*\(\s*{_URL}\s*\)")
_BARE_URL = re.compile(rf"(?<![\w@/]){_URL}", re.IGNORECASE)


def _host(address: str) -> str:
    with_scheme = address if "://" in address else f"http://{address}"
    host = urlsplit(with_scheme).hostname or ""
    return host.removeprefix("www.")


def url(text: str) -> tuple[str, list[str]]:
    """Web addresses: one in parentheses or standing alone as the paragraph goes; one in a
    sentence is read as its host name only."""
    if "http" not in text and "www." not in text:
        return text, []
    if _BARE_URL.fullmatch(text.strip()):
        return "", [text.strip()]
    removed = [m.group().strip() for m in _URL_ASIDE.finditer(text)]
    text = _URL_ASIDE.sub("", text)

    def to_host(match: re.Match[str]) -> str:
        removed.append(match.group())
        return _host(match.group())

    text = _BARE_URL.sub(to_host, text)
    return " ".join(text.split()), removed


_HEADING = re.compile(r"^#{1,6}\s+|\s+#+$")
_QUOTE_OR_BULLET = re.compile(r"^(?:>(?!>)|[-*+](?=\s))\s*")
_RULE_LINE = re.compile(r"^([-*_])(?:\s*\1){2,}$")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def markdown_markers(text: str) -> tuple[str, list[str]]:
    """Heading hashes, blockquote and bullet markers, horizontal rules, stray HTML tags."""
    if _RULE_LINE.match(text):
        return "", [text]
    if text[:1] not in "#>-*+" and "<" not in text and not text.endswith("#"):
        return text, []
    tags = _HTML_TAG.findall(text)
    text = _HTML_TAG.sub(" ", text)
    text = _QUOTE_OR_BULLET.sub("", _HEADING.sub("", text))
    return " ".join(text.split()), tags


_EMPHASIS = (
    re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(?<![\w*])(\*)(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])(_)(?=[^\s_])([^_]+?)(?<=[^\s_])_(?![\w_])"),
    re.compile(r"(`)([^`]+)`"),
)


def markdown_emphasis(text: str) -> tuple[str, list[str]]:
    if not any(mark in text for mark in "*_~`"):
        return text, []
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\2", text)
    return text, []


_CLOCK = r"(?:\d{1,2}:)?\d{1,2}:\d{2}"
_PLAYER_ONLY = re.compile(rf"^(?:{_CLOCK}(?:\s*/\s*{_CLOCK})?\s*)+$")
_PLAYER_ANY = re.compile(rf"(?<![\d:]){_CLOCK}\s*/\s*{_CLOCK}(?![\d:])(?:\s+0:00(?!\S))?")


def player(text: str) -> tuple[str, list[str]]:
    """An audio player's clock: ``0:00 / 3:42``, a lone ``0:00``."""
    if ":" not in text:
        return text, []
    if _PLAYER_ONLY.match(text):
        return "", [text]
    found = _PLAYER_ANY.findall(text)
    return (" ".join(_PLAYER_ANY.sub(" ", text).split()), found) if found else (text, [])


def newsletter(text: str) -> tuple[str, list[str]]:
    """A newsletter promo: "Thư TinHãy nhận thư tin hàng ngày... Đăng ký"."""
    table = phrases()["newsletter"]
    if len(text) > 400 or not any(m.casefold() in text.casefold() for m in table["markers"]):
        return text, []
    ending = re.compile(alternation(table["calls"], ignore_case=True) + r"\W*$", re.IGNORECASE)
    return ("", [text]) if ending.search(text) else (text, [])


_RELATED_START = re.compile(
    r"^(?:>>+|»+|(?:Xem|Đọc) (?:thêm|tiếp|ngay)\s*(?::|>+)|Tin liên quan\s*:"
    r"|Mời (?:quý )?(?:vị |bạn )?(?:độc giả )?(?:xem|đón đọc|theo dõi)\b)",
    re.IGNORECASE,
)
_RELATED_END = re.compile(r"(?<=[.!?…\"”])\s+(?:Xem|Đọc) thêm\s*(?::|>+).{0,200}$", re.IGNORECASE)


def related_link(text: str) -> tuple[str, list[str]]:
    """A related-article link: ">> Chi tiết mức án...", "Xem thêm: ..."."""
    if _RELATED_START.match(text) and len(text) <= 250:
        return "", [text]
    match = _RELATED_END.search(text)
    if match is None:
        return text, []
    return text[: match.start()], [match.group().strip()]


@cache
def _credit_hints() -> tuple[str, ...]:
    """The first word of every credit opener: a paragraph without one has no credit."""
    table = phrases()["photo-credit"]
    return tuple({w.split()[0] for w in table["words"] + table["bare"]})


@cache
def credit_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Credits in parentheses anywhere, credits ending a paragraph, colon-less end credits."""
    table = phrases()["photo-credit"]
    words, bare = alternation(table["words"]), alternation(table["bare"])
    any_case = {k: alternation(table[k], ignore_case=True) for k in ("words", "bare")}
    inside = re.compile(
        rf"\s*\((?:{any_case['words']}\s*:\s*[^()]{{1,60}}|{any_case['bare']})\)", re.IGNORECASE
    )
    name = rf"(?:[{UPPER}]\.\s?){{0,3}}[^\s.!?:;()][^.!?:;()]{{0,60}}?"  # T.ĐIỂU, Q.Đ.
    trailing = re.compile(
        rf"(?:\s*[-–—|]\s*|\s+|^)(?:\((?:{words})\s*:\s*{name}\)|(?:{words})\s*:\s*{name})"
        rf"\.?\s*$|(?:\s*[-–—]\s*|\s+|^)\(?{bare}\)?\.?$"
    )
    capital = rf"[{UPPER}][{UPPER}{LOWER}]*"
    no_colon = re.compile(
        rf"(?<=[.!?…])\s+(?:Ảnh|Video)\s+{capital}(?:\s+{capital}){{0,3}}\s*\.?\s*$"
    )
    return inside, trailing, no_colon


def trailing_credit(text: str) -> re.Match[str] | None:
    """Where a photo credit ends the paragraph, if one does."""
    _, trailing, no_colon = credit_patterns()
    tail = max(0, len(text) - CREDIT_MAX_CHARS)
    if not any(hint in text[tail:] for hint in _credit_hints()):
        return None
    match = trailing.search(text, tail)
    if match is not None and len(match.group().split()) <= CREDIT_MAX_WORDS:
        return match
    return no_colon.search(text, tail)


def photo_credit(text: str) -> tuple[str, list[str]]:
    """Photo and video credits: "(Ảnh: Reuters)", "- Ảnh: NAM TRẦN", "... Ảnh Hồ Giáp"."""
    inside, _, _ = credit_patterns()
    removed = [m.strip() for m in inside.findall(text)]
    text = inside.sub("", text)
    match = trailing_credit(text)
    if match is not None:
        removed.append(match.group().strip(" -–—|"))
        text = text[: match.start()]
    return text.strip(), removed


_CLOSING_MARK = re.compile(r"\s*(?:\.{1,3}|…)?\s*/\.\s*$")


def closing_mark(text: str) -> tuple[str, list[str]]:
    """The official-press end marks ``…/.``, ``../.`` and ``/.``: the sentence keeps a period."""
    if not text.rstrip().endswith("/."):
        return text, []
    match = _CLOSING_MARK.search(text)
    if match is None:
        return text, []
    return text[: match.start()] + ".", [match.group().strip()]


_SPACE_BEFORE = re.compile(r"\s+([,.;:!?])(?=\s|$)")
_ELLIPSIS_PERIOD = re.compile(r"(\.{3}|…)\s*\.(?=\s|$)")
_ELLIPSIS_GLUED = re.compile(rf"(?<=[{LOWER}{UPPER}\d\"”])(\.{{3}}|…)(?=[{UPPER}])")
_INLINE_BULLET = re.compile(rf"(?<=[.!?…:])\s+[-–•]\s+(?=[{UPPER}\d])")


def space_before_punctuation(text: str) -> tuple[str, list[str]]:
    """Stray spaces before punctuation ("phạt nguội ."), an ellipsis followed by a period, and
    an ellipsis glued to the next sentence ("bảo vệ…Do đó" -> "bảo vệ… Do đó")."""
    text = _ELLIPSIS_PERIOD.sub(r"\1", _SPACE_BEFORE.sub(r"\1", text))
    return _ELLIPSIS_GLUED.sub(r"\1 ", text), []


def inline_bullet(text: str) -> tuple[str, list[str]]:
    """List dashes run into one paragraph: "... xuất hiện. - Với iPhone 7: ..." loses the dash."""
    matches = [m.group().strip() for m in _INLINE_BULLET.finditer(text)]
    return (_INLINE_BULLET.sub(" ", text), matches) if matches else (text, [])


def punctuation_only(text: str) -> tuple[str, list[str]]:
    """A paragraph with no letter or digit in it."""
    return (text, []) if any(c.isalnum() for c in text) else ("", [text])
