"""How well the offline recognizer understands the espeak voice: old settings against new.

Run: ``python benchmarks/bench_intelligibility.py [--per-article 2] [--try variant=f5,rate=130]``
(needs ``pip install -e '.[check]'``). Takes the first sentences of 8-30 words of each corpus
article as the script speaks them, has espeak-ng say each (cut into chunks as the pipeline
cuts them, joined by the clause pause), recognizes it, and prints the word error rate of the
old settings (espeak-ng's own defaults) and of the new defaults side by side, plus any
``--try`` settings. Then it produces one corpus article with espeak and times
``audio-news check`` on it in a child process: the recognizer's real-time factor, the whole
command's time and its peak memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from audio_news.audio.decode import resample
from audio_news.config import Settings
from audio_news.listen.compare import compare
from audio_news.listen.recognizer import SAMPLE_RATE, load_recognizer
from audio_news.pipeline import prepare, produce
from audio_news.speech.engines.espeak import LEGACY_PARAMS, EspeakEngine, EspeakParams
from audio_news.text.split import chunk_text

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data"
CHECKED_ARTICLE = CORPUS / "text_vietnamnet_2024-11-05_mua-ngap-da-nang.md"
MIN_WORDS, MAX_WORDS = 8, 30


def corpus_sentences(per_article: int) -> list[str]:
    """The first ``per_article`` sentences of 8-30 words of each article, as spoken."""
    sentences: list[str] = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix not in {".txt", ".md", ".html"} or path.name.startswith("player_"):
            continue  # player_* repeats another article
        script = prepare(str(path), Settings(), EspeakEngine.max_chars).script
        fit = [s for s in script.sentences[1:] if MIN_WORDS <= len(s.split()) <= MAX_WORDS]
        sentences.extend(fit[:per_article])
    return sentences


def spoken(engine: EspeakEngine, sentence: str, pause_s: float) -> bytes:
    """The sentence as the pipeline has it spoken, at the recognizer's rate."""
    rate = 0
    pieces = []
    for chunk in chunk_text(sentence, engine.max_chars):
        clip = engine.synthesize(chunk)
        rate = clip.sample_rate
        pieces.append(clip.data)
    gap = bytes(round(pause_s * rate) * 2)
    return resample(gap.join(pieces), rate, SAMPLE_RATE)


def error_rate(params: EspeakParams, sentences: list[str], verbose: bool) -> tuple[float, int]:
    engine = EspeakEngine(params=params)
    recognizer = load_recognizer()
    pause = Settings().pauses.clause
    errors = words = 0
    for sentence in sentences:
        result = compare(sentence, recognizer.transcribe(spoken(engine, sentence, pause)))
        errors, words = errors + result.errors, words + result.words
        if verbose:
            print(f"  {result.rate:4.2f}  {' '.join(result.heard)}")
    return errors / words, words


def parse_try(spec: str) -> EspeakParams:
    """``variant=f5,rate=130`` -> those settings, the rest the new defaults."""
    fields = {f.name: f.type for f in dataclasses.fields(EspeakParams)}
    values: dict[str, object] = {}
    for item in filter(None, spec.split(",")):
        key, _, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if key not in fields:
            raise SystemExit(f"unknown espeak setting {key!r}; known: {', '.join(fields)}")
        values[key] = value.strip() if key == "variant" else int(value)
    return dataclasses.replace(EspeakParams(), **values)  # type: ignore[arg-type]


def check_speed(article: Path) -> str:
    """Produce ``article`` with espeak, then time ``audio-news check`` on it in a child."""
    with tempfile.TemporaryDirectory() as work:
        episode = produce(str(article), out_dir=work, engine="espeak", use_cache=False)
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "audio_news", "check", episode.mp3_path],
            stdout=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit("audio-news check failed")
        report = json.loads(Path(episode.json_path).with_suffix(".check.json").read_text())
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return (
        f"check of {article.name}: {report['audio_seconds']:.1f} s of audio in"
        f" {len(report['segments'])} segments, recognized in {report['recognition_seconds']:.1f} s"
        f" (real-time factor {report['real_time_factor']:.2f}); whole command {wall:.1f} s,"
        f" peak memory {peak_mb:.0f} MB; episode WER {report['wer']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-article", type=int, default=2, help="sentences per article")
    parser.add_argument("--try", dest="tries", action="append", default=[], metavar="SETTINGS")
    parser.add_argument("--article", type=Path, default=CHECKED_ARTICLE, help="for the check")
    parser.add_argument("--skip-check", action="store_true", help="only the error rates")
    parser.add_argument("-v", "--verbose", action="store_true", help="print what was heard")
    args = parser.parse_args()

    sentences = corpus_sentences(args.per_article)
    recognizer = load_recognizer()
    rows = [("old", LEGACY_PARAMS), ("new", EspeakParams())]
    rows += [("try", parse_try(spec)) for spec in args.tries]
    version = EspeakEngine(params=LEGACY_PARAMS).version
    print(f"espeak-ng {version}, {len(sentences)} corpus sentences, heard by {recognizer.name}")
    results = []
    for label, params in rows:
        started = time.perf_counter()
        rate, words = error_rate(params, sentences, args.verbose)
        seconds = time.perf_counter() - started
        results.append(rate)
        described = params.describe("vi")
        print(f"{label:4} WER {rate:.3f} over {words} words ({seconds:.0f} s)  {described}")
    print(f"old -> new: WER {results[0]:.3f} -> {results[1]:.3f}")
    if not args.skip_check:
        print(check_speed(args.article))


if __name__ == "__main__":
    main()
