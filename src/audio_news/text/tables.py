"""The built-in data tables (``audio_news/data``) and the one way a word list becomes a regex.

Every text stage reads its tables through ``read_data`` / ``read_toml`` / ``csv_records`` and
turns a list of words into a pattern with ``alternation``, so the tables stay data and the
regex building is written once.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

_NEVER = "(?!)"
"""A pattern that matches nothing: the alternation of no words."""


def read_data(name: str) -> str:
    """The text of the built-in table ``audio_news/data/<name>``."""
    return (resources.files("audio_news") / "data" / name).read_text(encoding="utf-8")


@cache
def read_toml(name: str) -> dict[str, Any]:
    """A built-in TOML table, parsed once; callers must not change it."""
    return tomllib.loads(read_data(name))


def csv_records(text: str) -> csv.DictReader[str]:
    """The rows of CSV text as dicts keyed by its header; blank and '#' lines are skipped."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return csv.DictReader(io.StringIO("\n".join(lines)), skipinitialspace=True)


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    end: str | None = None
    """What must follow a word ending here ("" for nothing); None if no word ends here."""


def alternation(
    words: Iterable[str],
    *,
    ignore_case: bool = False,
    after: Callable[[str], str] | None = None,
) -> str:
    """A regex group matching any of ``words`` literally, the longest matching word first.

    The words are factored as a trie (shared prefixes written once), so ``re`` stays fast with
    hundreds of them. ``after(word)``, when given, is an assertion that must hold where that
    word ends (the first word to end at a node decides). With ``ignore_case`` (for patterns
    compiled case-insensitively) words that differ only in case share their branches, so the
    longest one still wins.
    """
    root = _Node()
    for word in words:
        node = root
        for ch in word.lower() if ignore_case else word:
            node = node.children.setdefault(ch, _Node())
        if node.end is None:
            node.end = after(word) if after is not None else ""
    if not root.children and root.end is None:
        return _NEVER
    return f"(?:{_render(root)})"


def _render(node: _Node) -> str:
    """Longer words before shorter ones: every child branch, then ending here."""
    branches = [re.escape(ch) + _render(child) for ch, child in sorted(node.children.items())]
    if node.end is not None:
        branches.append(node.end)
    if len(branches) == 1 and node.end is None:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
