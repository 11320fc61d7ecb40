"""What was meant against what was heard, in one normal form, and the word error rate.

The text meant first goes through the script's normalizer, so ``19`` is ``mười chín`` as the
engine was asked to say it (the recognizer writes numbers as words too). Then both sides get
NFC, lower case, and every character that is not a letter, mark or digit turned into a
space. Vietnamese writes one syllable per word, so words are what spaces separate.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Spell = Callable[[str], str]
"""Rewrites text the way the script speaks it (numbers, abbreviations); the normalizer."""

_KEPT = ("L", "M", "N")
"""Unicode categories a word is made of: letters, combining marks, digits."""


def _identity(text: str) -> str:
    return text


def normal_words(text: str, spell: Spell = _identity) -> tuple[str, ...]:
    """``text`` as spoken words: spelled, NFC, lower case, punctuation gone."""
    text = unicodedata.normalize("NFC", spell(text)).lower()
    kept = "".join(c if unicodedata.category(c)[0] in _KEPT else " " for c in text)
    return tuple(kept.split())


def word_errors(expected: Sequence[str], heard: Sequence[str]) -> int:
    """Fewest substitutions, deletions and insertions that turn ``expected`` into ``heard``."""
    if len(heard) > len(expected):
        expected, heard = heard, expected
    row = list(range(len(heard) + 1))
    for i, want in enumerate(expected, start=1):
        diagonal, row[0] = row[0], i
        for j, got in enumerate(heard, start=1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (want != got))
    return row[-1]


def error_rate(errors: int, words: int) -> float:
    """Errors per expected word; heard words where none were expected count as all wrong."""
    if words == 0:
        return 0.0 if errors == 0 else 1.0
    return errors / words


@dataclass(frozen=True)
class Comparison:
    """One segment's expected and heard words and the errors between them."""

    expected: tuple[str, ...]
    heard: tuple[str, ...]
    errors: int

    @property
    def words(self) -> int:
        return len(self.expected)

    @property
    def rate(self) -> float:
        return error_rate(self.errors, self.words)


def compare(expected: str, heard: str, spell: Spell = _identity) -> Comparison:
    """Compare the text meant (spelled by ``spell``) with the text heard, in the normal form."""
    want, got = normal_words(expected, spell), normal_words(heard)
    return Comparison(want, got, word_errors(want, got))
