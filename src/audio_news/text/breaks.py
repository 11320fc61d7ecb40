"""What a cut between two words costs, for the chunker (``split.py``).

Vietnamese writes one syllable per space, so a space is often inside a word ("ung thư"), a
set phrase ("so với") or a name ("Sở Tài chính"). Each gap between words gets a cost: free
before a linking word, dearer just after one, forbidden inside an entry of
``data/split_words.toml``, a run of capitalized words, a spoken number or a number and its
unit (``data/split_breaks.toml``), a name and the number after it ("World Cup hai nghìn …"),
a negation and its verb, a short bracket or quotation, or an "X - Y" pair. A forbidden gap is
still taken when nothing else fits the limit. There is no segmenter: the word list plus
these rules stand in for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from audio_news.text.tables import read_toml

DASHES = frozenset({"-", "–", "—"})
"""A dash standing alone between words ends a clause, unless it joins a pair."""

ORDINARY = 200
"""Cost of a cut at an ordinary space; a piece 45 characters off its ideal length (of 100)
costs about the same."""
AFTER_LINK = 300
"""Cost of a cut just after a linking word ("của | Đảng"), which leaves it dangling."""
FORBIDDEN = 10_000
"""Cost of a cut inside a word, name, number or pair."""
SHORT_PENALTY = 5_000
"""Added for a piece under half its ideal length: taken only to avoid a forbidden cut."""
EXTRA_PIECE = 3_000
"""Added for a cut that leaves more than the fewest pieces can hold: one more request."""
BRACKET_WORDS = 12
"""A bracket of at most this many words is kept whole ("(giảm từ không phẩy hai mươi lăm đến
một điểm)" is ten)."""
QUOTE_WORDS = 24
"""A quotation of at most this many words (a quoted headline) is kept whole when it fits."""
LONGEST_ENTRY = 6
"""Syllables in the longest word-list entry that is looked for."""

_QUESTION_TAILS = frozenset({"hay", "hoặc"})
"""Before these a negation ends a question ("có can thiệp hay không") and may end a piece."""
_PUNCT = ".,;:!?…\"'”“’‘()[]«»„"
_BREAKS_AFTER = ',;:!?…"”’)]»'


@dataclass(frozen=True)
class _Tables:
    entries: frozenset[str]
    """Multi-syllable words and phrases, lower case."""
    linking: frozenset[str]
    """Words and phrases a cut may come just before."""
    numbers: frozenset[str]
    """Spoken number words: no cut between two of them."""
    units: frozenset[str]
    """Words that stay with a number before them."""
    holding: frozenset[str]
    """Words a piece never ends on (a negation, a quantifier)."""
    naming: frozenset[str]
    """Words that stay with the capitalised name after them ("tiếng Pháp")."""
    governing: frozenset[str]
    """Words that stay with the number after them ("lúc hai mươi giờ")."""
    directions: frozenset[str]
    """Compass points: a dash between two makes a pair ("tây - tây bắc")."""


@cache
def _tables() -> _Tables:
    words = read_toml("split_words.toml")
    breaks = read_toml("split_breaks.toml")
    entries = frozenset(w.lower() for group in words.values() for w in group["words"])
    linking = frozenset(breaks["prefer_before"]["words"]) | frozenset(words["linking"]["words"])
    return _Tables(
        entries,
        linking,
        frozenset(breaks["avoid_between"]["words"]),
        frozenset(breaks["after_number"]["words"]),
        frozenset(breaks["avoid_after"]["words"]),
        frozenset(breaks["before_name"]["words"]),
        frozenset(breaks["before_number"]["words"]),
        frozenset(breaks["directions"]["words"]),
    )


def dangling_words(words: list[str]) -> int:
    """How many of the last words only lead into what would follow them: a linking word, a
    negation or quantifier ("... sức khỏe sau khi" ends in two)."""
    tables = _tables()
    count = 0
    while count < len(words):
        last = _bare(words[len(words) - 1 - count])
        pair = " ".join(_bare(w) for w in words[len(words) - 2 - count : len(words) - count])
        if count + 2 <= len(words) and pair in tables.linking:
            count += 2
        elif last in tables.linking or last in tables.holding:
            count += 1
        else:
            return count
    return count


def _bare(word: str) -> str:
    return word.strip(_PUNCT).lower()


def _capitalized(word: str) -> bool:
    first = word.lstrip(_PUNCT)[:1]
    return first.isupper() or first.isdigit()


def joins_pair(words: list[str], i: int) -> bool:
    """Whether the lone dash ``words[i]`` joins an "X - Y" pair rather than ending a clause.

    It does between two numbers ("2020 – 2025", a spoken score "hai - một"), between two
    capitalized words ("Nguyễn Văn Linh - Lê Đình Lý", "Đoàn kết - Phát triển") and inside a bracket
    ("(mua vào - bán ra)").
    """
    if i == 0 or i + 1 >= len(words):
        return False
    before, after = words[i - 1], words[i + 1]
    if before[-1:].isdigit() and after[:1].isdigit():
        return True
    tables = _tables()
    if _bare(before) in tables.numbers and _bare(after) in tables.numbers:
        return True
    if _bare(before) in tables.directions and _bare(after) in tables.directions:
        return True
    if before[-1:] in _BREAKS_AFTER:
        return False
    left_named = _capitalized(before) or (i > 1 and _capitalized(words[i - 2]))
    if left_named and _capitalized(after):
        return True
    return _inside_bracket(words, i)


def _inside_bracket(words: list[str], i: int) -> bool:
    for j in range(i - 1, max(-1, i - BRACKET_WORDS), -1):
        if ")" in words[j]:
            return False
        if words[j].startswith("("):
            return True
    return False


def _forbidden_gaps(words: list[str], bare: list[str]) -> set[int]:
    """Gap i lies between words[i] and words[i + 1]."""
    tables = _tables()
    gaps: set[int] = set()
    for i in range(len(words)):
        gaps.update(_entry_gaps(words, bare, i))
        if i + 1 == len(words) or words[i][-1:] in _BREAKS_AFTER:
            continue
        left, right = bare[i], bare[i + 1]
        if _capitalized(words[i + 1]) and _continues_name(words, i):
            gaps.add(i)
        is_number = left in tables.numbers or left[:1].isdigit()
        if _capitalized(words[i]) and right in tables.numbers and words[i + 1][:1] != "(":
            gaps.add(i)
        ends_question = i > 0 and bare[i - 1] in _QUESTION_TAILS  # "... hay không | tôi"
        if left in tables.holding and right not in tables.numbers and not ends_question:
            gaps.add(i)
        named = left in tables.naming or " ".join(bare[max(0, i - 1) : i + 1]) in tables.naming
        if named and _capitalized(words[i + 1]) and not right[:1].isdigit():
            gaps.add(i)
        if left in tables.governing and (right in tables.numbers or right[:1].isdigit()):
            gaps.add(i)
        if is_number and (right in tables.numbers or right in tables.units):
            gaps.add(i)
        if words[i + 1] in DASHES and joins_pair(words, i + 1):
            gaps.update((i, i + 1))
        if words[i].startswith("("):
            gaps.update(_bracket_gaps(words, i))
        if words[i].startswith("“"):
            gaps.update(_quote_gaps(words, i))
    return gaps


def _continues_name(words: list[str], i: int) -> bool:
    """Whether a capitalized words[i + 1] goes on the name that words[i] is in: "Nguyễn Văn",
    or a lower-case syllable of one ("Sở Tài chính Hà Nội", "Công an Thành phố")."""
    if _capitalized(words[i]):
        return True
    if i == 0 or not _capitalized(words[i - 1]) or words[i - 1][-1:] in _BREAKS_AFTER:
        return False
    return _bare(words[i]) not in _tables().linking


def _entry_gaps(words: list[str], bare: list[str], i: int) -> range:
    """The gaps inside the longest word-list entry starting at word i."""
    entries = _tables().entries
    for size in range(min(LONGEST_ENTRY, len(words) - i), 1, -1):
        span = words[i : i + size]
        joined = " ".join(bare[i : i + size])
        if joined in entries and not any(w[-1:] in _BREAKS_AFTER for w in span[:-1]):
            return range(i, i + size - 1)
    return range(0)


def _bracket_gaps(words: list[str], i: int) -> range:
    for j in range(i, min(len(words), i + BRACKET_WORDS)):
        if ")" in words[j]:
            return range(i, j)
    return range(0)


def _quote_gaps(words: list[str], i: int) -> range:
    for j in range(i, min(len(words), i + QUOTE_WORDS)):
        if "”" in words[j]:
            return range(i, j)
    return range(0)


def gap_costs(words: list[str]) -> list[int]:
    """The cost of a cut after each word but the last."""
    tables = _tables()
    bare = [_bare(w) for w in words]
    costs: list[int] = []
    for i in range(len(words) - 1):
        if words[i][-1:] in _BREAKS_AFTER:
            costs.append(0)
            continue
        ahead = (bare[i + 1], " ".join(bare[i + 1 : i + 3]), " ".join(bare[i + 1 : i + 4]))
        if bare[i] in tables.linking:
            costs.append(AFTER_LINK)
        elif any(phrase in tables.linking for phrase in ahead):
            costs.append(0)
        else:
            costs.append(ORDINARY)
    for gap in _forbidden_gaps(words, bare):
        if gap < len(costs):
            costs[gap] = FORBIDDEN
    return costs
