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
from audio_news.text.breaks import DASHES, EXTRA_PIECE, SHORT_PENALTY, gap_costs, joins_pair
from audio_news.text.tables import read_toml

CLOSING_QUOTES = "\"”’»)]'„"
"""Characters that may follow a sentence's final punctuation and still belong to it."""
OPENING_QUOTES = "\"“‘«([„'"
"""Characters that may open a sentence before its first letter."""
CLAUSE_ENDINGS = (",", ";", ":", "…", "...", "!", "?")
"""A word ending in one of these (before any closing quote) ends a clause."""

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
        if word in DASHES and joins_pair(words, i):
            continue
        if following is not None and _ends_clause(word, following):
            clauses.append([])
    return [c for c in clauses if c]


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


def _cut_at_spaces(words: list[str], max_chars: int) -> list[str]:
    """Balanced pieces, each cut at the cheapest gap near its ideal length.

    The ideal length is what is left divided by the fewest pieces it still needs; the scan
    for one piece reads at most ``max_chars`` characters and a piece is rarely shorter than
    a quarter of the limit, so the work is linear in the length of the clause.
    """
    parts = [piece for word in words for piece in _cut_word(word, max_chars)]
    costs = gap_costs(parts)
    starts = [0]
    for part in parts:
        starts.append(starts[-1] + len(part) + 1)
    n, first, chunks = len(parts), 0, []
    while first < n:
        rest = starts[n] - starts[first] - 1
        if rest <= max_chars:
            chunks.append(" ".join(parts[first:]))
            break
        pieces = -(-rest // max_chars)
        target = rest / pieces
        best, best_end = None, first + 1
        end = first + 1
        while end < n and starts[end] - starts[first] - 1 <= max_chars:
            length = starts[end] - starts[first] - 1
            score = costs[end - 1] + round((length - target) ** 2 * 10 / max_chars)
            if 2 * length < target:
                score += SHORT_PENALTY
            if rest - length - 1 > (pieces - 1) * max_chars:
                score += EXTRA_PIECE
            if best is None or score < best:
                best, best_end = score, end
            end += 1
        chunks.append(" ".join(parts[first:best_end]))
        first = best_end
    return chunks


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
