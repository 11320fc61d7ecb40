"""Chunk boundaries that fall inside a word or phrase, on the corpus articles (issue 15 item 1).

Builds each corpus article's gTTS script (100 characters a chunk) and prints every boundary
inside a sentence as ``word word | word word``, flagged when it splits an entry of the shipped
word list (``data/split_words.toml``), a run of capitalized words, a spoken number or a number
and its unit, or an "X - Y" pair. The word lists are read from this checkout's files, not
imported, so the same judge can score an older chunker:
``PYTHONPATH=/path/to/old/src python benchmarks/chunk_faults.py``.
"""

from __future__ import annotations

import argparse
import itertools
import tomllib
from pathlib import Path

from audio_news.config import Settings
from audio_news.pipeline import prepare

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "audio_news" / "data"
CORPUS = ROOT / "tests" / "data"
PUNCT = ".,;:!?…\"'”“’‘()[]«»"
DASHES = {"-", "–", "—"}


def _tables() -> tuple[set[str], set[str], set[str]]:
    words = tomllib.loads((DATA / "split_words.toml").read_text(encoding="utf-8"))
    breaks = tomllib.loads((DATA / "split_breaks.toml").read_text(encoding="utf-8"))
    entries = {w.lower() for group in words.values() for w in group["words"]}
    return entries, set(breaks["avoid_between"]["words"]), set(breaks["after_number"]["words"])


def _bare(word: str) -> str:
    return word.strip(PUNCT).lower()


def _named(word: str) -> bool:
    return word.lstrip(PUNCT)[:1].isupper()


def _splits_pair(left: list[str], right: list[str]) -> bool:
    """A cut next to a dash between two names, or anywhere inside a short bracket."""
    words, cut = left + right, len(left)
    for i in range(max(1, cut - 2), min(len(words) - 1, cut + 2)):
        named = _named(words[i - 1]) and _named(words[i + 1]) and words[i - 1][-1] not in PUNCT
        if words[i] in DASHES and named and abs(i + 0.5 - cut) <= 1.5:
            return True
    opened = [w for w in left[-6:] if "(" in w or ")" in w]
    return bool(opened) and "(" in opened[-1] and any(")" in w for w in right[:6])


def fault(left: list[str], right: list[str]) -> str:
    """Why the cut between the words ``left`` and ``right`` is a fault, or ""."""
    entries, numbers, units = _tables()
    last, first = left[-1], right[0]
    if last[-1:] in ",;:.!?…":
        return ""
    if _splits_pair(left, right):
        return "X - Y pair"
    tail, head = [_bare(w) for w in left[-2:]], [_bare(w) for w in right[:2]]
    for i in range(len(tail)):
        for j in range(1, len(head) + 1):
            if " ".join(tail[i:] + head[:j]) in entries:
                return "word or phrase"
    if last[:1].isupper() and first[:1].isupper() and len(left) > 1:
        return "name run"
    if (tail[-1] in numbers or tail[-1][:1].isdigit()) and (head[0] in numbers | units):
        return "number and unit" if head[0] in units else "spoken number"
    return ""


def boundaries(max_chars: int) -> list[tuple[str, str, str, str]]:
    """(file, left words, right words, fault) for every cut inside a sentence."""
    rows = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix not in (".txt", ".md", ".html"):
            continue
        chunks = prepare(str(path), Settings(), max_chars).script.chunks
        for a, b in itertools.pairwise(chunks):
            if a.sentence != b.sentence:
                continue
            left, right = a.text.split(), b.text.split()
            rows.append((path.name, " ".join(left[-2:]), " ".join(right[:2]), fault(left, right)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-chars", type=int, default=100)
    parser.add_argument("--faults-only", action="store_true")
    args = parser.parse_args()
    rows = boundaries(args.max_chars)
    for name, left, right, why in rows:
        if why or not args.faults_only:
            print(f"{'FAULT' if why else 'ok   '} {left:>28} | {right:<28} {why:16} {name}")
    faults = sum(1 for row in rows if row[3])
    print(f"{len(rows)} boundaries inside sentences, {faults} inside a word or phrase")


if __name__ == "__main__":
    main()
