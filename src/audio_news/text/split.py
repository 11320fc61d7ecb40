"""Sentence splitting that knows Vietnamese news text, and chunking for an engine's limit.

A period ends a sentence only when whitespace and a capital letter or digit follow and the word
before it is not an abbreviation (``data/split_abbreviations.toml``) or an initial; numbers such
as ``2,5``, ``1.000`` and ``1.7.2024`` never end one because no space follows their dots. An
ellipsis ends a sentence only before a capital letter. Closing quotes stay with their sentence.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from audio_news.errors import ConfigError
from audio_news.text.tables import read_toml

CLOSING_QUOTES = "\"”’»)]'„"
"""Characters that may follow a sentence's final punctuation and still belong to it."""
OPENING_QUOTES = "\"“‘«([„'"
"""Characters that may open a sentence before its first letter."""
CLAUSE_ENDINGS = (",", ";", ":", "…", "...", "!", "?")
"""A word ending in one of these (before any closing quote) ends a clause."""
DASHES = frozenset({"-", "–", "—"})
"""A dash standing alone between words ends a clause, unless it joins two numbers."""

_END = re.compile(r"(\.{2,}|…|[.!?]+)([" + re.escape(CLOSING_QUOTES) + r"]*)\s+")
_TOKEN_BEFORE = re.compile(r"(\S+)$")


@cache
def abbreviations() -> frozenset[str]:
    """Every word of the abbreviation table, across its groups."""
    table = read_toml("split_abbreviations.toml")
    return frozenset(word for group in table.values() for word in group["words"])


def _is_abbreviation(token: str) -> bool:
    token = token.lstrip(OPENING_QUOTES)
    if not token:
        return False
    table = abbreviations()
    if token in table:
        return True
    last = token.rsplit(".", 1)[-1]
    return last in table or (len(last) == 1 and last.isupper())


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    punct, quotes = match.group(1), match.group(2)
    rest = text[match.end() :].lstrip(OPENING_QUOTES)
    if not rest:
        return True
    first = rest[0]
    if punct.startswith("..") or punct == "…":
        return first.isupper()
    if not (first.isupper() or first.isdigit()):
        return False
    if punct == "." and not quotes:
        before = _TOKEN_BEFORE.search(text, 0, match.start())
        if before is not None and _is_abbreviation(before.group(1)):
            return False
    return True


def split_sentences(paragraph: str) -> list[str]:
    """Cut a paragraph into sentences; joined with spaces they give the paragraph back."""
    text = " ".join(paragraph.split())
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if _is_boundary(text, match):
            end = match.start() + len(match.group(1)) + len(match.group(2))
            sentences.append(text[start:end])
            start = match.end()
    if start < len(text):
        sentences.append(text[start:])
    return sentences


def _ends_clause(word: str, following: str | None) -> bool:
    if word in DASHES:
        return True
    if following in DASHES:
        return False
    bare = word.rstrip(CLOSING_QUOTES)
    return bare.endswith(CLAUSE_ENDINGS)


def _clauses(words: list[str]) -> list[list[str]]:
    clauses: list[list[str]] = [[]]
    for i, word in enumerate(words):
        clauses[-1].append(word)
        following = words[i + 1] if i + 1 < len(words) else None
        if word in DASHES and _joins_numbers(words, i):
            continue
        if following is not None and _ends_clause(word, following):
            clauses.append([])
    return [c for c in clauses if c]


def _joins_numbers(words: list[str], i: int) -> bool:
    before = words[i - 1] if i > 0 else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    return before[-1:].isdigit() and after[:1].isdigit()


def _cut_word(word: str, max_chars: int) -> list[str]:
    pieces: list[str] = []
    while len(word) > max_chars:
        cut = max_chars
        while cut > 1 and unicodedata.combining(word[cut]):
            cut -= 1
        pieces.append(word[:cut])
        word = word[cut:]
    pieces.append(word)
    return pieces


def _pack(parts: list[str], max_chars: int) -> list[str]:
    """Join parts with spaces greedily into pieces of at most max_chars."""
    chunks: list[str] = []
    current = ""
    for part in parts:
        if not current:
            current = part
        elif len(current) + 1 + len(part) <= max_chars:
            current = f"{current} {part}"
        else:
            chunks.append(current)
            current = part
    if current:
        chunks.append(current)
    return chunks


@cache
def _break_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words never to cut between, words a cut may come just before)."""
    table = read_toml("split_breaks.toml")
    return frozenset(table["avoid_between"]["words"]), frozenset(table["prefer_before"]["words"])


def _cut_cost(left: str, right: str) -> int:
    avoid, prefer = _break_words()
    bare_left, bare_right = left.lower().strip(".,;:!?…\"'”“"), right.lower().strip("\"'“”(")
    if bare_left in avoid and bare_right in avoid:
        return 4 * CUT_PENALTY
    return 0 if bare_right in prefer else CUT_PENALTY


CUT_PENALTY = 400
"""Cost of a cut at an ordinary space; the squared slack of a piece is of the same order."""


def _cut_at_spaces(words: list[str], max_chars: int) -> list[str]:
    """Fewest pieces, then balanced lengths and cuts at natural places (least raggedness)."""
    parts = [piece for word in words for piece in _cut_word(word, max_chars)]
    n = len(parts)
    # best[i]: (pieces, cost, start of the last piece) for parts[:i]
    best: list[tuple[int, int, int]] = [(0, 0, 0)] + [(n + 1, 0, 0)] * n
    for end in range(1, n + 1):
        length = -1
        for start in range(end - 1, -1, -1):
            length += len(parts[start]) + 1
            if length > max_chars:
                break
            pieces, cost, _ = best[start]
            cost += (max_chars - length) ** 2 // max(1, max_chars // 10)
            if start > 0:
                cost += _cut_cost(parts[start - 1], parts[start])
            if (pieces + 1, cost) < best[end][:2]:
                best[end] = (pieces + 1, cost, start)
    chunks: list[str] = []
    end = n
    while end > 0:
        start = best[end][2]
        chunks.append(" ".join(parts[start:end]))
        end = start
    return chunks[::-1]


def chunk_text(sentence: str, max_chars: int) -> list[str]:
    """Cut a sentence into pieces of at most max_chars characters.

    Clauses (ending in a comma, semicolon, colon, ellipsis or a lone dash) are packed greedily;
    a clause longer than the limit is cut at spaces, and only a word longer than the limit is
    cut inside. Joined with spaces, the pieces give the sentence back (modulo whitespace).
    """
    if max_chars < 1:
        raise ConfigError(f"max_chars must be at least 1, not {max_chars}")
    words = sentence.split()
    if not words:
        return []
    text = " ".join(words)
    if len(text) <= max_chars:
        return [text]
    parts: list[str] = []
    for clause in _clauses(words):
        joined = " ".join(clause)
        if len(joined) <= max_chars:
            parts.append(joined)
        else:
            parts.extend(_cut_at_spaces(clause, max_chars))
    return _pack(parts, max_chars)
