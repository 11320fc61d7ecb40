"""Photo captions with neither a credit nor a full stop, which newspaper3k leaves between the
paragraphs of many outlets (Báo Thanh Hóa, GenK, Kênh 14): nothing marks them but their shape.

A caption is a line of prose that ends without a stop between paragraphs that end as sentences
do: alone, it has 15 to 40 words (a subheading is shorter, a paragraph that lost its stop
longer); in a run of such lines (a gallery), each has 10 to 30. What stays: the first
paragraph (a lead may lack its stop) and the last; lines introduced by a colon, or in a run
holding a line that ends with a comma (a list); runs of lines mostly in capitalised words or
numbers (table rows); every caption of a photo story; and everything when the captions would
be half the text or more (a gallery without credits).
"""

from __future__ import annotations

import re

from audio_news.text.clean_blocks import is_photo_story
from audio_news.text.clean_rules import Draft, Edit

ALONE_MIN_WORDS = 15
"""A single line without a stop this long is a caption."""
RUN_MIN_WORDS = 10
"""Each line of a run of captions has at least this many words."""
ALONE_MAX_WORDS, RUN_MAX_WORDS = 40, 30
"""A longer line without a stop is body text that lost its stop."""
PROSE_SHARE = 0.5
"""At least this share of the words of each caption in a run begin in lower case."""
MAX_SHARE = 0.5
"""Captions found in more than this share of the text's words are the text: none go."""

_ENDS_AS_SENTENCE = re.compile(r"(?:[.!?…:;\"'”’»]|[.!?…]\))\s*$")
_LIST_MARKER = re.compile(r"^(?:[-+*•–]\s|\d{1,2}[.)]\s|Bước\s+\d)")


def _is_prose(line: str) -> bool:
    words = [w for w in line.split() if any(c.isalpha() for c in w)]
    lower = sum(1 for w in words if w[0].islower())
    return bool(words) and lower / len(words) >= PROSE_SHARE


def _open_runs(paras: tuple[str, ...]) -> list[range]:
    """Runs of consecutive lines ending without a stop, the first and last paragraph aside."""
    runs: list[range] = []
    start = None
    for i in range(1, len(paras)):
        open_ended = i < len(paras) - 1 and _ENDS_AS_SENTENCE.search(paras[i]) is None
        if open_ended and start is None:
            start = i
        elif not open_ended and start is not None:
            runs.append(range(start, i))
            start = None
    return runs


def _captions(paras: tuple[str, ...], run: range) -> bool:
    least, most = (
        (ALONE_MIN_WORDS, ALONE_MAX_WORDS) if len(run) == 1 else (RUN_MIN_WORDS, RUN_MAX_WORDS)
    )
    lines = [paras[i] for i in run]
    if paras[run.start - 1].rstrip().endswith(":"):
        return False
    return all(
        least <= len(line.split()) <= most
        and (len(run) == 1 or _is_prose(line))
        and not line.rstrip().endswith(",")
        and _LIST_MARKER.match(line) is None
        for line in lines
    )


def bare_caption(draft: Draft) -> Edit:
    """Captions with neither credit nor full stop (see the module's notes for what stays)."""
    paras = draft.paragraphs
    if is_photo_story(paras):
        return draft, []
    gone = {i for run in _open_runs(paras) if _captions(paras, run) for i in run}
    words = sum(len(p.split()) for p in paras)
    if sum(len(paras[i].split()) for i in gone) > MAX_SHARE * words:
        return draft, []
    kept = tuple(p for i, p in enumerate(paras) if i not in gone)
    return Draft(draft.title, kept), [paras[i] for i in sorted(gone)]
