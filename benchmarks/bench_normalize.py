"""Normalization speed on the corpus sentences, next to a naive digits-only baseline.

Run: ``python benchmarks/bench_normalize.py [--runs 7]``. Prints sentences per second
(median over runs) for the full ``Normalizer`` and for a one-pass baseline that only reads
digit runs, and the ratio between them. Target: at least 2,000 sentences/s.
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from audio_news.text.normalize import Normalizer
from audio_news.text.numbers import read_integer_text

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data"
TARGET = 2000.0
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"'“‘(]?[A-ZĐÀ-Ỹ0-9])")


def corpus_sentences() -> list[str]:
    """Every body line of the corpus, cut crudely into sentences."""
    lines: list[str] = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in {".txt", ".md"}:
            lines.extend(path.read_text(encoding="utf-8").splitlines())
        elif path.suffix == ".html":
            page = path.read_text(encoding="utf-8")
            lines.extend(
                html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", p)))
                for p in re.findall(r"<p\b[^>]*>(.*?)</p>", page, re.S)
            )
    sentences: list[str] = []
    for line in lines:
        sentences.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return sentences


_DIGITS = re.compile(r"\d+")


def naive(sentence: str) -> str:
    """Baseline: one regex pass reading each digit run as an integer."""
    return _DIGITS.sub(lambda m: read_integer_text(m.group(0)), sentence)


def rate(function: Callable[[str], str], sentences: list[str], runs: int) -> float:
    """Median sentences per second over ``runs`` passes."""
    speeds = []
    for _ in range(runs):
        start = time.perf_counter()
        for sentence in sentences:
            function(sentence)
        speeds.append(len(sentences) / (time.perf_counter() - start))
    return statistics.median(speeds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sentences = corpus_sentences()
    normalizer = Normalizer()
    normalizer.normalize("UBND TP.HCM, 5-0, 28/12/2024, khóa XIV, 50km.")  # load the tables
    full = rate(normalizer.normalize, sentences, args.runs)
    base = rate(naive, sentences, args.runs)
    print(f"sentences: {len(sentences)} from {CORPUS}, runs: {args.runs} (median)")
    print(f"{'normalizer':<12} {full:>10,.0f} sentences/s")
    print(f"{'naive':<12} {base:>10,.0f} sentences/s")
    print(f"ratio naive/normalizer: {base / full:.1f}x slower than the digits-only pass")
    print(f"target {TARGET:,.0f} sentences/s: {'met' if full >= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
