"""Chunker time on hostile input (issue 12 item 13, issue 15 item 1).

Times ``text.split.chunk_text`` on 40,000 one-letter words and on the corpus sentences, at
gTTS's 100-character limit and at 5,000. The tests check only that the long input completes
with full pieces; the seconds live here. ``PYTHONPATH=old/src`` times an older chunker.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from audio_news.text.split import chunk_text, split_sentences

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data"


def _median(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _corpus_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted(CORPUS.glob("*.md")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            sentences.extend(split_sentences(paragraph))
    return sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    letters = " ".join(["a"] * 40_000)
    sentences = _corpus_sentences()
    for limit in (100, 5000):
        seconds = _median(lambda n=limit: chunk_text(letters, n), args.runs)
        print(f"40,000 one-letter words, limit {limit:>5}: {seconds:8.3f} s")
    seconds = _median(lambda: [chunk_text(s, 100) for s in sentences], args.runs)
    rate = len(sentences) / seconds if seconds else float("inf")
    print(f"corpus: {len(sentences)} sentences, limit 100: {rate:,.0f} sentences/s")


if __name__ == "__main__":
    main()
