"""A title the feed cut short with " ...": its last word completed from the body, then the
title ended at its last whole clause. ``title_repeat`` (clean_blocks) runs first and takes the
whole title when the body repeats it."""

from __future__ import annotations

import re
from collections import Counter

from audio_news.text.breaks import dangling_words
from audio_news.text.clean_rules import Draft, Edit

TITLE_MIN_WORDS = 4
"""A title cut back to its last whole clause keeps at least this many words."""
SEEN_MIN = 2
"""A cut word is completed only from a pair the body writes this many times or more..."""
SHARE_MIN = 0.75
"""... and that makes up this share of the times the body writes the cut word."""

_FEED_CUT = re.compile(r"\s(?:\.\.\.|…)$")
"""A feed cuts at a space and ends " ..."; a writer's own ellipsis is glued to the word."""
_CLAUSE_END = re.compile(r"[?!](?=\s)|[;:,](?=\s)|\s[-–—](?=\s)")
_WORD = re.compile(r"[^\W\d_]+")


def _next_words(word: str, body: str) -> Counter[str]:
    """What follows each time the body writes ``word``, in the same case, as a word of its
    own; a sentence or clause ending after it counts as an empty word."""
    found: Counter[str] = Counter()
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)(\s+([^\W\d_]+))?")
    for match in pattern.finditer(body):
        found[match.group(2) or ""] += 1
    return found


def title_word(draft: Draft) -> Edit:
    """A cut title whose last syllable the body nearly always follows with the same one, the
    rest of its word: "... các xã biên ..." where the body writes "biên giới" 7 times and
    "biên cương" once (Biên phòng, in capitals, is another word) -> "... các xã biên giới ..."."""
    title = draft.title.strip()
    if not _FEED_CUT.search(title):
        return draft, []
    head = _FEED_CUT.sub("", title)
    last = _WORD.fullmatch(head.rsplit(None, 1)[-1])
    if last is None:
        return draft, []
    found = _next_words(last.group(), "\n".join(draft.paragraphs))
    if not found:
        return draft, []
    following, seen = found.most_common(1)[0]
    if not following or seen < SEEN_MIN or seen < SHARE_MIN * found.total():
        return draft, []
    return Draft(f"{head} {following} ...", draft.paragraphs), []


def title_cut(draft: Draft) -> Edit:
    """A cut title ends at its last whole clause, else loses the words that only lead into
    what was cut: "... VNG bị công an điều tra; báo Việt ..." -> "... VNG bị công an điều
    tra"; "... tình trạng sức khỏe sau khi ..." -> "... tình trạng sức khỏe"."""
    title = draft.title.strip()
    if not _FEED_CUT.search(title):
        return draft, []
    words = _FEED_CUT.sub("", title).split()
    ends = list(_CLAUSE_END.finditer(_FEED_CUT.sub("", title)))
    if ends:
        last = ends[-1]
        head = title[: last.end() if last.group() in "?!" else last.start()].rstrip()
    elif (dangling := dangling_words(words)) > 0:
        head = " ".join(words[:-dangling])
    else:
        return draft, []
    if len(head.split()) < TITLE_MIN_WORDS:
        return draft, []
    return Draft(head, draft.paragraphs), [title[len(head) :].strip(" ;:,-–—")]
