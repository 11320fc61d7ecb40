"""Finding a lexicon's written forms in text, in time linear in the text and the lexicon.

Forms that must start a word are indexed by their first run of letters (or digits) and tried
where such a run starts, longest form first: a dictionary lookup per word, whatever the size
of the lexicon. The few forms that may start inside a word go into one regular expression.
Compiling a single alternation of every form cost 13 s for 100,000 entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from .tables import alternation

_RUN = re.compile(r"[^\W\d_]+|\d+")
"""A word's first run: letters, or digits. 'abc1' starts with 'abc', as the form 'abc' does."""
_RUN_START = re.compile(r"(?<!\w)(?:[^\W\d_]+|\d+)")


class Form(Protocol):
    @property
    def written(self) -> str: ...

    @property
    def whole_word(self) -> bool: ...

    @property
    def case_sensitive(self) -> bool: ...


def _ends_clean(form: Form, text: str, end: int) -> bool:
    """Whole-word forms ending in a letter or digit may not run into a following letter."""
    if not (form.whole_word and form.written[-1:].isalnum()):
        return True
    return end >= len(text) or not (text[end].isalpha())


def _starts_words(form: Form) -> bool:
    return form.whole_word and form.written[:1].isalnum()


def _end_assertion(form: Form) -> str:
    return r"(?![^\W\d_])" if form.whole_word and form.written[-1:].isalnum() else ""


def _loose_pattern(forms: Sequence[Form]) -> re.Pattern[str] | None:
    """One alternation per letter case, longest form first, each with its end assertion."""
    groups: dict[bool, dict[str, str]] = {}
    for form in forms:
        groups.setdefault(form.case_sensitive, {}).setdefault(form.written, _end_assertion(form))
    parts = []
    for case_sensitive, ends in groups.items():
        body = alternation(ends, ignore_case=not case_sensitive, after=ends.__getitem__)
        parts.append(body if case_sensitive else f"(?i:{body})")
    return re.compile("|".join(parts)) if parts else None


def _longest_first(form: Form) -> int:
    return -len(form.written)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    form: Form


class FormMatcher:
    """Every non-overlapping occurrence of the forms, leftmost first, longest at a place."""

    def __init__(self, forms: Sequence[Form]) -> None:
        self._exact: dict[str, list[Form]] = {}
        self._folded: dict[str, list[Form]] = {}
        loose: list[Form] = []
        self._loose_exact: dict[str, Form] = {}
        self._loose_folded: dict[str, Form] = {}
        for form in forms:
            if not _starts_words(form):
                loose.append(form)
                if form.case_sensitive:
                    self._loose_exact.setdefault(form.written, form)
                else:
                    self._loose_folded.setdefault(form.written.casefold(), form)
                continue
            run = _RUN.match(form.written)
            assert run is not None  # the form starts with a letter or digit
            index = self._exact if form.case_sensitive else self._folded
            key = run.group(0) if form.case_sensitive else run.group(0).casefold()
            index.setdefault(key, []).append(form)
        for candidates in (*self._exact.values(), *self._folded.values()):
            candidates.sort(key=_longest_first)
        self._loose = _loose_pattern(loose)

    def _at(self, text: str, start: int, run: str) -> Hit | None:
        exact = self._exact.get(run, [])
        folded = self._folded.get(run.casefold(), [])
        candidates = (
            sorted([*exact, *folded], key=_longest_first) if exact and folded else exact or folded
        )
        for form in candidates:
            end = start + len(form.written)
            piece = text[start:end]
            if form.case_sensitive:
                same = piece == form.written
            else:
                same = piece.casefold() == form.written.casefold()
            if same and _ends_clean(form, text, end):
                return Hit(start, end, form)
        return None

    def _next_indexed(self, text: str, pos: int) -> Hit | None:
        for run in _RUN_START.finditer(text, pos):
            hit = self._at(text, run.start(), run.group(0))
            if hit is not None:
                return hit
        return None

    def _next_loose(self, text: str, pos: int) -> Hit | None:
        while self._loose is not None:
            found = self._loose.search(text, pos)
            if found is None:
                return None
            written = found.group(0)
            form = self._loose_exact.get(written) or self._loose_folded.get(written.casefold())
            if form is not None:
                return Hit(found.start(), found.end(), form)
            pos = found.start() + 1
        return None

    def find(self, text: str) -> Iterator[Hit]:
        pos = 0
        indexed = self._next_indexed(text, pos)
        loose = self._next_loose(text, pos)
        while indexed is not None or loose is not None:
            hits = [h for h in (indexed, loose) if h is not None]
            hit = min(hits, key=lambda h: (h.start, -(h.end - h.start)))
            yield hit
            pos = hit.end
            if indexed is not None and indexed.start < pos:
                indexed = self._next_indexed(text, pos)
            if loose is not None and loose.start < pos:
                loose = self._next_loose(text, pos)
