"""Properties of the text stages (clean, normalize, split): for any text they hold.

They never crash (only ``AudioNewsError`` may come out), never lose body text, keep chunks
within the engine's limit, and give the same answer every time. Examples per property: the
``properties`` Hypothesis profile (200); ``AUDIO_NEWS_HYPOTHESIS_PROFILE=fuzz`` runs many more.
"""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from audio_news.errors import AudioNewsError
from audio_news.inputs import read_article
from audio_news.models import Article
from audio_news.text.clean import clean_article
from audio_news.text.normalize import Normalizer
from audio_news.text.script import build_script
from audio_news.text.split import chunk_text, split_sentences
from support.text_strategies import (
    PROFILE,
    article_bytes,
    news_text,
    plain_prose,
    plain_words,
    separators,
    tokens,
)

NORMALIZER = Normalizer()
limits = st.sampled_from([1, 2, 7, 40, 100, 1000]) | st.integers(1, 300)
paragraph_lists = st.lists(news_text(), max_size=6)


def _article(title: str, paragraphs: list[str]) -> Article:
    return Article(title=title, paragraphs=tuple(paragraphs), source="-", source_sha256="0")


def _visible(texts: list[str]) -> str:
    """Every non-whitespace character, in order."""
    return "".join("".join(t.split()) for t in texts)


def _identity(text: str) -> str:
    return text


# -- split and chunk ----------------------------------------------------------------------------


@PROFILE
@given(news_text(), paragraph_lists, limits)
def test_script_keeps_every_character_in_order_within_limits(
    title: str, paragraphs: list[str], max_chars: int
) -> None:
    article = _article(title, paragraphs)
    script = build_script(article, _identity, max_chars)
    chunks = [chunk.text for chunk in script.chunks]
    assert _visible(chunks) == _visible([title, *paragraphs])
    assert all(0 < len(c) <= max_chars and c == " ".join(c.split()) for c in chunks)
    words = " ".join([title, *paragraphs]).split()
    if all(len(w) <= max_chars for w in words):
        assert " ".join(chunks).split() == words
    assert build_script(article, _identity, max_chars) == script


@PROFILE
@given(news_text(max_tokens=80))
def test_sentences_give_the_paragraph_back(paragraph: str) -> None:
    sentences = split_sentences(paragraph)
    assert " ".join(sentences) == " ".join(paragraph.split())
    assert all(s and s == s.strip() for s in sentences)
    assert split_sentences(paragraph) == sentences


def _clusters(text: str) -> list[str]:
    """A character and the combining marks after it."""
    clusters: list[str] = []
    for char in text:
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


@PROFILE
@given(news_text(max_tokens=80), limits)
@example("xạ\u0301 ệ\u0300\u0301", 2)
@example("0\u0816", 1)
def test_chunks_never_cut_an_accent_from_its_letter(sentence: str, max_chars: int) -> None:
    sentence = unicodedata.normalize("NFC", sentence)
    if any(len(c) > max_chars for c in _clusters(sentence)) or any(
        unicodedata.combining(word[0]) for word in sentence.split()
    ):
        return
    for piece in chunk_text(sentence, max_chars):
        assert not unicodedata.combining(piece[0]), (piece, sentence)


# -- normalize ----------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")


@PROFILE
@given(st.lists(st.tuples(tokens, separators, st.none() | plain_words), max_size=40))
def test_normalize_keeps_plain_words_in_order(parts: list[tuple[str, str, str | None]]) -> None:
    """Words with no digit that no table knows come out unchanged and in order, whatever
    stands around them (each between spaces)."""
    text = "".join(tok + sep + (f" {word} " if word else "") for tok, sep, word in parts)
    expected = [word for _, _, word in parts if word]
    out = iter(_WORD.findall(NORMALIZER.normalize(text)))
    for word in expected:
        assert any(token == word for token in out), (word, text)


@PROFILE
@given(news_text(max_tokens=60))
def test_normalize_leaves_no_digit_and_is_deterministic(text: str) -> None:
    try:
        out = NORMALIZER.normalize(text)
    except AudioNewsError:
        return
    assert not re.search(r"[0-9]", out), out
    assert NORMALIZER.normalize(text) == out
    assert out == out.strip()


# -- clean --------------------------------------------------------------------------------------


@PROFILE
@given(news_text(max_tokens=10), paragraph_lists)
def test_clean_never_crashes_and_is_deterministic(title: str, paragraphs: list[str]) -> None:
    article = _article(title, paragraphs)
    try:
        result = clean_article(article)
    except AudioNewsError:
        return
    assert clean_article(article) == result
    cleaned = result.article
    assert all(p == p.strip() and p for p in cleaned.paragraphs)
    for text in (cleaned.title, *cleaned.paragraphs):
        assert not [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cs")], text


@PROFILE
@given(st.lists(plain_prose(), min_size=1, max_size=5, unique=True), st.data())
def test_clean_keeps_ordinary_body_paragraphs(paragraphs: list[str], data: st.DataObject) -> None:
    """Paragraphs of ordinary sentences are body text: cleaning keeps every one of them."""
    title = data.draw(plain_prose(sentences=1)).rstrip(".")
    result = clean_article(_article(title, paragraphs))
    assert result.article.paragraphs == tuple(paragraphs), result.removed
    assert result.article.title == title


@PROFILE
@given(news_text(max_tokens=10), paragraph_lists, st.sampled_from([100, 1000]))
def test_cleaned_body_reaches_the_script(title: str, paragraphs: list[str], limit: int) -> None:
    """Every word cleaning keeps is in the script, in order (normalization aside)."""
    try:
        cleaned = clean_article(_article(title, paragraphs)).article
    except AudioNewsError:
        return
    script = build_script(cleaned, _identity, limit)
    assert _visible([c.text for c in script.chunks]) == _visible(
        [cleaned.title, *cleaned.paragraphs]
    )


# -- the whole text path, from bytes --------------------------------------------------------------


@PROFILE
@given(article_bytes(), st.sampled_from([100, 1000]))
def test_text_path_from_bytes_never_crashes(data: bytes, limit: int) -> None:
    """Bytes in any encoding (or none) through read, clean, normalize and chunk."""
    try:
        article = read_article("-", stdin=io.BytesIO(data))
        cleaned = clean_article(article).article
        script = build_script(cleaned, NORMALIZER.normalize, limit)
    except AudioNewsError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert all(0 < len(c.text) <= limit for c in script.chunks)
    assert not any(re.search(r"[0-9]", c.text) for c in script.chunks)


# -- regressions found by the hostile-input suite and the fuzzer --------------------------------


@pytest.mark.parametrize("text", ["x³1", "m²5 a³", "CO₂ 2", "⁵B", "U²³", "½3"])
def test_codes_with_superscript_or_fraction_digits_do_not_crash(text: str) -> None:
    """'x³1' once reached int('³'): str.isdigit() is true for superscripts, int() refuses them."""
    out = NORMALIZER.normalize(text)
    assert not re.search(r"[0-9]", out)


def test_terminal_colours_and_a_few_controls_are_still_text() -> None:
    """A pasted terminal line (colour codes, a bell, a backspace) was refused as binary."""
    data = (
        "Tiêu đề\x07\n\x1b[1;31mĐây là câu văn\x1b[0m có màu.\x08\x7f\n"
        "Một đoạn nữa cho đủ dài để đọc.\n"
    ).encode()
    article = read_article("-", stdin=io.BytesIO(data))
    assert "[1;31m" not in " ".join(article.paragraphs)
    cleaned = clean_article(article).article
    assert cleaned.paragraphs[0] == "Đây là câu văn có màu."


def test_a_title_that_is_only_a_player_clock_is_removed() -> None:
    """'0:00 / 3:42' as the first line was read aloud as the episode title."""
    result = clean_article(_article("0:00 / 3:42", ["Nội dung bài viết ở đây."]))
    assert result.article.title == "Nội dung bài viết ở đây."  # the text's first line instead
