"""Hypothesis strategies for news-like text, shared by the property tests and the fuzzer.

Text is built from tokens a Vietnamese news article really holds (plain words, numbers, dates,
abbreviations from the lexicon data, Roman numerals after their trigger words, markup and
punctuation), glued with every kind of whitespace and sprinkled with random Unicode.
"""

from __future__ import annotations

import codecs
import os
import unicodedata
from collections.abc import Callable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from audio_news.text.normalize import builtin_abbreviations
from audio_news.text.roman import TRIGGERS
from audio_news.text.split import abbreviations
from audio_news.text.symbols import load_units

# The default test run is derandomized, so CI is repeatable; `fuzz` explores at random.
settings.register_profile(
    "properties",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=1_000_000,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
PROFILE = settings.get_profile(os.environ.get("AUDIO_NEWS_HYPOTHESIS_PROFILE", "properties"))
"""Settings for the property tests: modest by default, ``fuzz`` for many more examples."""

_VOCABULARY = (
    "người dân tỉnh thành phố kinh tế phát triển xã hội chính sách mới đầu tư hạ tầng giao "
    "thông giáo dục văn hóa hội nghị tổng kết công tác xây dựng Đảng cán bộ đại biểu chủ tịch "
    "nhân dân khu vực sáng nay cho biết trường học bệnh viện nông nghiệp xuất khẩu gạo cà phê "
    "Hà Nội Việt Nam Đà Nẵng Cần Thơ Nguyễn Trần Lê Phạm quốc hội nghị quyết thủ tướng"
)
_CANDIDATES = _VOCABULARY.split()


def _reserved() -> frozenset[str]:
    forms = builtin_abbreviations().written_forms() + list(load_units()) + list(abbreviations())
    return frozenset(f.casefold() for f in forms) | frozenset(TRIGGERS)


PLAIN_WORDS: tuple[str, ...] = tuple(
    dict.fromkeys(w for w in _CANDIDATES if w.casefold() not in _reserved() and len(w) > 1)
)
"""Words no normalization rule may change: no digit, not in any lexicon, unit or trigger table."""

ABBREVIATIONS: tuple[str, ...] = tuple(
    sorted(set(builtin_abbreviations().written_forms()) | abbreviations())
)
ROMAN = ("I", "II", "III", "IV", "V", "IX", "X", "XII", "XIV", "XIX", "XX", "XL", "MCM", "IIII")
NUMBERS = (
    "0", "03", "7", "15", "2024", "1.000", "1.000.000", "2,5", "32,4", "12/3", "12/3/2024",
    "1/2", "7h30", "19:45", "2-1", "2020 – 2025", "50%", "$100", "100.000đ", "5km", "3 ha",
    "14A-130.45", "PC67", "COVID-19", "U23", "1e10", "0x1F", "-7", "+84", "99,9%", "1.7.2024",
    "10-10-2024", "24-26", "thứ 2", "tháng 5/2024", "quý I/2024", "60 km/h", "20.000 đồng/lít",
)  # fmt: skip
PUNCTUATION = (
    ".", ",", ";", ":", "...", "…", "!", "?", "-", "–", "—", "\"", "“", "”", "'", "(", ")",
    "[", "]", "«", "»", "/.", "…/.", "&", "+", "=", "°", "~", "#", "*", "**", "_", "`", "|",
    ">>", "0:00 / 3:42", "Ảnh:", "(Ảnh: TTXVN)", "Xem thêm:", "[a](http://x.vn)", "<b>", "</p>",
)  # fmt: skip
WHITESPACE = (" ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2009", "\u200b", "\r\n")
JUNK_CHARS = "\u200d\ufeff\u00ad\u0301\u0323\u202e\x07\x1b🎉🇻🇳👍🏽\ud7ff\U0010fffd\x85\u2028"

plain_words = st.sampled_from(PLAIN_WORDS)
roman_phrases = st.tuples(st.sampled_from(TRIGGERS), st.sampled_from(ROMAN)).map(" ".join)
tokens = st.one_of(
    plain_words,
    plain_words,
    plain_words,
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(10**13), max_value=10**13).map(str),
    st.sampled_from(ABBREVIATIONS),
    roman_phrases,
    st.sampled_from(PUNCTUATION),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=4),
    st.text(alphabet=JUNK_CHARS, min_size=1, max_size=3),
)
separators = st.sampled_from(WHITESPACE)


@st.composite
def news_text(draw: st.DrawFn, max_tokens: int = 40) -> str:
    """One paragraph's worth of mixed tokens, each followed by whitespace or nothing."""
    parts = draw(st.lists(st.tuples(tokens, separators | st.just("")), max_size=max_tokens))
    return "".join(token + sep for token, sep in parts)


@st.composite
def plain_prose(draw: st.DrawFn, sentences: int = 3) -> str:
    """Ordinary body sentences: plain words, commas, a full stop; nothing any rule should drop."""
    out = []
    for _ in range(draw(st.integers(1, sentences))):
        words = draw(st.lists(plain_words, min_size=8, max_size=20))
        if draw(st.booleans()):
            words[len(words) // 2] += ","
        out.append(words[0][:1].upper() + words[0][1:] + " " + " ".join(words[1:]) + ".")
    return " ".join(out)


def _cp1258(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            try:
                out += decomposed.encode("cp1258")
            except UnicodeEncodeError:
                out += b"?"
    return bytes(out)


def _mojibake(text: str) -> bytes:
    return text.encode("utf-8").decode("latin-1").encode("utf-8")


ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-bom": lambda t: t.encode("utf-16"),
    "utf-16-le": lambda t: t.encode("utf-16-le", "surrogatepass"),
    "cp1258": _cp1258,
    "mojibake": _mojibake,
    "latin-1": lambda t: t.encode("latin-1", "replace"),
}


@st.composite
def article_text(draw: st.DrawFn) -> str:
    """A whole article as a file holds it: title line, paragraphs, maybe Markdown or HTML."""
    title = draw(news_text(max_tokens=10))
    paragraphs = draw(st.lists(news_text() | plain_prose(), max_size=6))
    shape = draw(st.sampled_from(["text", "markdown", "html"]))
    if shape == "markdown":
        body = "\n\n".join(paragraphs)
        return f"---\ntitle: {title}\n---\n# {title}\n\n{body}\n"
    if shape == "html":
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body>"
    return "\n".join([title, *paragraphs])


@st.composite
def article_bytes(draw: st.DrawFn) -> bytes:
    """An article file's bytes in one of the encodings seen in the wild, or random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2000))
    text = draw(article_text())
    data: bytes = ENCODINGS[draw(st.sampled_from(sorted(ENCODINGS)))](text)
    if draw(st.integers(0, 4)) == 0 and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at + 1 :]
    return data
