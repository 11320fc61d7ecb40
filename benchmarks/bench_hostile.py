"""Time and memory of the inputs issue 12 item 13 calls quadratic or unbounded, in two trees.

Each case runs ``audio-news script`` (read, clean, normalize, chunk: everything before the
engine) in a fresh process, for this checkout and, with ``--baseline TREE``, for another
checkout side by side (``git worktree add /tmp/old <commit>``). It prints the median seconds,
the peak memory and how the run ended, then the ratio baseline/this.

    python benchmarks/bench_hostile.py --baseline /tmp/old --runs 3
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
TITLE = "Tin thử"


def _nested_ads(folder: Path) -> Path:
    paragraphs = "".join(
        f"<p>Đoạn văn số {i} nói về tin tức trong ngày.</p>" for i in range(40_000)
    )
    html = "<html><body>" + '<div class="ad-box">' * 250 + paragraphs + "</div>" * 250
    path = folder / "nested_ads.html"
    path.write_text(html + "</body></html>", encoding="utf-8")
    return path


def _big_table(folder: Path) -> Path:
    rows = "".join(
        f"<tr><td>Ô {i}</td><td>giá {i * 3}</td><td>ghi chú dài hơn một chút {i}</td></tr>"
        for i in range(54_000)
    )
    path = folder / "table.html"
    path.write_text(f"<html><body><p>Bảng giá.</p><table>{rows}</table></body></html>", "utf-8")
    return path


def _deep_nesting(folder: Path) -> Path:
    inner = "<div>" * 3000 + "<p>Đoạn trong cùng.</p>" + "</div>" * 3000
    after = "".join(f"<p>Đoạn sau thứ {i}.</p>" for i in range(3))
    path = folder / "deep.html"
    path.write_text(f"<html><body><h1>{TITLE}</h1>{inner}{after}</body></html>", "utf-8")
    return path


def _one_letter_words(folder: Path) -> Path:
    path = folder / "letters.txt"
    path.write_text(f"{TITLE}\n{' '.join(['a'] * 40_000)}\n", encoding="utf-8")
    return path


def _tiny(folder: Path) -> Path:
    path = folder / "tiny.txt"
    path.write_text(f"{TITLE}\n\nHôm nay trời đẹp và mọi người đi chơi.\n", encoding="utf-8")
    return path


def _lexicon(folder: Path) -> Path:
    rng = random.Random(5)
    letters = "abcdeghiklmnopqrstuvxy"
    lines = ["written,spoken"]
    for i in range(100_000):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
        lines.append(f"{word}{i},từ số {i}")
    path = folder / "lexicon.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], list[str]]


CASES = (
    Case(
        "250 nested ad divs, 40k paragraphs",
        lambda d: [str(_nested_ads(d)), "--max-chars", "5000000"],
    ),
    Case("4.9 MB table (refused)", lambda d: [str(_big_table(d))]),
    Case("3,000-deep nesting", lambda d: [str(_deep_nesting(d))]),
    Case("40k one-letter words", lambda d: [str(_one_letter_words(d))]),
    Case("100k-entry lexicon", lambda d: [str(_tiny(d)), "--lexicon", str(_lexicon(d))]),
)


@dataclass(frozen=True)
class Timing:
    seconds: float
    peak_mb: float
    ended: str


def _run_once(tree: Path, args: list[str]) -> Timing:
    """One run in a fresh process: its seconds, its own peak memory, how it ended."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, "-m", "audio_news", "script", *args, "--engine", "espeak"]
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        lines = stderr.read().decode("utf-8", "replace").strip().splitlines() or ["?"]
    ended = "ok" if child.returncode == 0 else re.sub(r"\S*/", "", lines[-1])[:50]
    return Timing(seconds, usage.ru_maxrss / 1024, ended)


def _time(tree: Path, args: list[str], runs: int) -> Timing:
    results = [_run_once(tree, args) for _ in range(runs)]
    seconds = statistics.median(r.seconds for r in results)
    return Timing(seconds, max(r.peak_mb for r in results), results[-1].ended)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--baseline", type=Path, help="another checkout to time side by side")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    trees = [("this", HERE)] + (
        [("baseline", options.baseline.resolve())] if options.baseline else []
    )
    with tempfile.TemporaryDirectory() as folder:
        for case in CASES:
            args = case.make(Path(folder))
            timings = {label: _time(tree, args, options.runs) for label, tree in trees}
            cells = "  ".join(
                f"{label} {t.seconds:7.2f} s {t.peak_mb:6.0f} MB ({t.ended})"
                for label, t in timings.items()
            )
            ratio = ""
            if "baseline" in timings and timings["this"].seconds:
                ratio = (
                    f"  baseline/this {timings['baseline'].seconds / timings['this'].seconds:5.1f}x"
                )
            print(f"{case.name:<36} {cells}{ratio}", flush=True)


if __name__ == "__main__":
    main()
