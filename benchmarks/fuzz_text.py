"""Fuzz the text stages for a while: bytes -> read -> clean -> split -> normalize -> chunk.

    python benchmarks/fuzz_text.py --seconds 120 [--seed 1] [--limit 1000]
    python benchmarks/fuzz_text.py --seconds 120 --atheris     # coverage-guided, if installed

Inputs are article files as Hypothesis draws them (``tests/support/text_strategies.py``: news-like
tokens in text, Markdown or HTML, in UTF-8/16, Windows-1258, mojibake or random bytes) and the
real articles of ``tests/data`` with random byte edits. Each input must come out as a script
or as one ``AudioNewsError`` with a one-line message; chunks must fit the limit and hold no
digit, and every stage must give the same answer twice. Prints how many inputs were tried and,
for every distinct failure, a minimal reproducer; exits 1 if there was any.

``--atheris`` runs the same check under libFuzzer (``pip install atheris``; optional, not a
project dependency), seeded with copies of ``tests/data``.
"""

from __future__ import annotations

import argparse
import importlib
import io
import logging
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from audio_news.errors import AudioNewsError  # noqa: E402
from audio_news.inputs import read_article  # noqa: E402
from audio_news.text.clean import clean_article  # noqa: E402
from audio_news.text.normalize import Normalizer  # noqa: E402
from audio_news.text.script import build_script  # noqa: E402
from audio_news.text.split import split_sentences  # noqa: E402
from support.text_strategies import article_bytes  # noqa: E402

CORPUS = sorted(p for p in (ROOT / "tests/data").iterdir() if p.suffix in {".txt", ".md", ".html"})
NORMALIZER = Normalizer()
BATCH = 200
LIMITS = (100, 1000)
NO_SHRINK = (Phase.explicit, Phase.generate)
"""Hypothesis shrinks drawn values, not bytes; ``minimize`` shrinks the failing bytes instead."""


class Broken(AssertionError):
    """An input broke an invariant of the text stages."""


def _visible(texts: list[str]) -> str:
    return "".join("".join(t.split()) for t in texts)


def check(data: bytes, limit: int) -> None:
    """Run every text stage on ``data``; raise on anything but a clean, one-line refusal."""
    try:
        article = read_article("-", stdin=io.BytesIO(data))
    except AudioNewsError as e:
        if not str(e) or "\n" in str(e):
            raise Broken(f"error message is not one line: {str(e)!r}") from e
        return
    for paragraph in article.paragraphs[:20]:
        sentences = split_sentences(paragraph)
        if " ".join(sentences) != " ".join(paragraph.split()):
            raise Broken("split_sentences lost or changed text")
        NORMALIZER.normalize(paragraph)
    cleaned = clean_article(article)
    if clean_article(article) != cleaned:
        raise Broken("clean_article gave two different answers")
    kept = cleaned.article
    raw = build_script(kept, lambda text: text, limit)
    if _visible([c.text for c in raw.chunks]) != _visible([kept.title, *kept.paragraphs]):
        raise Broken("the script lost or reordered cleaned text")
    script = build_script(kept, NORMALIZER.normalize, limit)
    if build_script(kept, NORMALIZER.normalize, limit) != script:
        raise Broken("build_script gave two different answers")
    for chunk in script.chunks:
        if not 0 < len(chunk.text) <= limit:
            raise Broken(f"chunk of {len(chunk.text)} characters (limit {limit})")
        if any(ch in "0123456789" for ch in chunk.text):
            raise Broken(f"digit left in a spoken chunk: {chunk.text!r}")


def signature(error: BaseException) -> str:
    """What kind of failure, and where it was raised: two inputs with one signature are one bug."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"


def failure_of(data: bytes, limit: int) -> BaseException | None:
    try:
        check(data, limit)
    except Exception as e:
        return e
    return None


def minimize(data: bytes, limit: int, wanted: str, seconds: float = 20.0) -> bytes:
    """Delete ever smaller slices of ``data`` while it still fails the same way (ddmin-like)."""
    stop = time.monotonic() + seconds
    size = max(1, len(data) // 2)
    while size >= 1 and time.monotonic() < stop:
        at, shrunk = 0, False
        while at < len(data) and time.monotonic() < stop:
            candidate = data[:at] + data[at + size :]
            error = failure_of(candidate, limit)
            if error is not None and signature(error) == wanted:
                data, shrunk = candidate, True
            else:
                at += size
        if not shrunk:
            size //= 2
    return data


@dataclass
class Findings:
    tried: int = 0
    last: tuple[bytes, int] | None = None
    failures: dict[str, tuple[bytes, int, str]] = field(default_factory=dict)

    def run(self, data: bytes, limit: int) -> None:
        self.tried += 1
        try:
            check(data, limit)
        except Exception:
            self.last = (data, limit)
            raise

    def record(self) -> None:
        """Minimize and keep the input that just failed, unless its bug is already known."""
        if self.last is None:
            return
        data, limit = self.last
        self.last = None
        error = failure_of(data, limit)
        if error is None:
            return
        wanted = signature(error)
        if wanted in self.failures:
            return
        small = minimize(data, limit, wanted)
        error = failure_of(small, limit) or error
        text = "".join(traceback.format_exception(error, limit=-3))
        self.failures[wanted] = (small, limit, text)
        print(f"found: {wanted} ({len(data)} bytes, minimized to {len(small)})", flush=True)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random byte edits: overwrite, insert, delete, duplicate a slice, truncate."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not buf:
            buf += rng.randbytes(8)
        at = rng.randrange(len(buf))
        op = rng.randrange(5)
        if op == 0:
            buf[at] = rng.randrange(256)
        elif op == 1:
            buf[at:at] = rng.randbytes(rng.randint(1, 16))
        elif op == 2:
            del buf[at : at + rng.randint(1, 64)]
        elif op == 3:
            buf[at:at] = buf[at : at + rng.randint(1, 256)]
        else:
            del buf[at:]
    return bytes(buf)


corpus_mutants = st.builds(
    lambda path, rnd: mutate(path.read_bytes(), rnd), st.sampled_from(CORPUS), st.randoms()
)


def run_hypothesis(seconds: float, first_seed: int, limits: tuple[int, ...]) -> Findings:
    findings = Findings()
    stop = time.monotonic() + seconds
    inputs = st.one_of(article_bytes(), article_bytes(), corpus_mutants)
    batch = first_seed
    while time.monotonic() < stop:

        @seed(batch)
        @settings(settings.get_profile("fuzz"), max_examples=BATCH, phases=NO_SHRINK)
        @given(inputs, st.sampled_from(limits))
        def one_batch(data: bytes, limit: int) -> None:
            if time.monotonic() < stop:
                findings.run(data, limit)

        try:
            one_batch()
        except Exception:
            findings.record()
        batch += 1
    return findings


def run_atheris(seconds: float, limits: tuple[int, ...]) -> int:
    atheris: Any = importlib.import_module("atheris")  # optional, see the module docstring

    def one_input(data: bytes) -> None:
        if data:
            check(data[1:], limits[data[0] % len(limits)])

    with tempfile.TemporaryDirectory(prefix="fuzz-corpus-") as corpus:
        for path in CORPUS:
            shutil.copy(path, Path(corpus) / path.name)
        argv = [sys.argv[0], f"-max_total_time={int(seconds)}", "-max_len=4096", corpus]
        atheris.instrument_all()
        atheris.Setup(argv, one_input)
        atheris.Fuzz()
    return 0


def report(findings: Findings, seconds: float, out: Callable[[str], None] = print) -> int:
    rate = findings.tried / seconds if seconds else 0.0
    out(f"tried {findings.tried} inputs in {seconds:.0f} s ({rate:.0f}/s)")
    if not findings.failures:
        out("no failures")
        return 0
    for where, (data, limit, text) in findings.failures.items():
        out(f"\nFAILURE {where}")
        out(text.rstrip())
        out("reproduce (from benchmarks/):")
        out(f"  python -c 'import fuzz_text; fuzz_text.check({data!r}, {limit})'")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0, help="first Hypothesis seed")
    parser.add_argument("--limit", type=int, action="append", help="engine chunk limit(s)")
    parser.add_argument("--atheris", action="store_true", help="use atheris (libFuzzer)")
    args = parser.parse_args()
    limits = tuple(args.limit) if args.limit else LIMITS
    logging.disable(logging.WARNING)  # readers log what they skip; a fuzzer hits that a lot
    if args.atheris:
        return run_atheris(args.seconds, limits)
    started = time.monotonic()
    findings = run_hypothesis(args.seconds, args.seed, limits)
    return report(findings, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
