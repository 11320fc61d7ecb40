"""Fuzz the files a newsroom writes by hand: front matter, the config file, lexicons.

    python benchmarks/fuzz_files.py --seconds 600 [--seed 1]

Each input is a seed file (real front matter from ``tests/data``, the README's config and
lexicon examples) with a hostile value put in place of one of its values (huge and hex
numbers, nan, deep nesting, long strings, control characters, impossible dates, wrong
types) or random byte edits. Front matter goes through ``read_article`` and the text stages,
a config file through ``load_config_file`` and ``settings_from_dict``, a lexicon through
``load_lexicon`` and a normalizer that uses it. Each must give a result or one
``AudioNewsError`` with a one-line message. Prints counts per kind and, for every distinct
failure, the input that caused it; exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import io
import logging
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from audio_news.config import load_config_file, settings_from_dict  # noqa: E402
from audio_news.errors import AudioNewsError  # noqa: E402
from audio_news.inputs import read_article  # noqa: E402
from audio_news.text.clean import clean_article  # noqa: E402
from audio_news.text.lexicon import load_lexicon  # noqa: E402
from audio_news.text.normalize import Normalizer  # noqa: E402
from audio_news.text.script import build_script  # noqa: E402
from fuzz_text import mutate  # noqa: E402  (the byte edits the text fuzzer makes)

SENTENCE = "Ngày 5/6/2024, UBND TP.HCM chi 1.200 tỷ đồng cho FLC và ĐT741."
CONFIG_SEED = """\
engine = "espeak"
out_dir = "output"
lang = "vi"
speed = 1.1
bitrate_kbps = 64
player = true
use_cache = true
disabled_rules = ["bylines"]

[tags]
artist = "Báo Bắc Kạn"
album = "Bản tin sáng"
date = "2024-01-01"

[pauses]
title = 1.2
sentence = 0.35

[feed]
title = "Bản tin âm thanh"
explicit = false
"""
LEXICON_TOML_SEED = """\
[words]
FLC = "ép en xi"
"Vingroup" = "vin gờ rúp"

[[entry]]
written = "ĐT741"
spoken = "đường tỉnh bảy bốn mốt"
case_sensitive = true
whole_word = true
"""
LEXICON_CSV_SEED = (
    "written,spoken,whole_word,case_sensitive\nFLC,ép en xi,true,false\nĐT741,đường tỉnh,1,1\n"
)
HOSTILE = (
    "0x" + "f" * 5000,
    "9" * 5000,
    "1e999",
    "nan",
    "-inf",
    "2024-13-45",
    "0001-01-01",
    "yes",
    "no",
    "null",
    "~",
    "[" * 3000 + "]" * 3000,
    "{a = " * 2000 + "1" + "}" * 2000,
    '"' + "a" * 200_000 + '"',
    '"\x00\x01\x1b\ufffe\ud7ff"',
    '"' + "\u0301" * 5000 + '"',
    "[1, 2, 3]",
    "{}",
    "5",
    "-1",
    "true",
    '""',
    "&a [*a, *a, *a, *a]",
    "!!python/object:os.system ls",
)


def front_matter_seeds() -> list[str]:
    seeds = []
    for path in sorted((ROOT / "tests/data").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            seeds.append(text[:4000])
    return seeds


def with_hostile_value(text: str, rng: random.Random, separator: str) -> str:
    """``text`` with the value of one ``key<separator>value`` line replaced."""
    lines = text.split("\n")
    keyed = [i for i, line in enumerate(lines) if separator in line and not line.startswith("#")]
    if not keyed:
        return text
    at = rng.choice(keyed)
    key = lines[at].split(separator, 1)[0]
    lines[at] = f"{key}{separator}{rng.choice(HOSTILE)}"
    return "\n".join(lines)


def check_front_matter(data: bytes, work: Path) -> None:
    article = read_article("-", stdin=io.BytesIO(data))
    cleaned = clean_article(article).article
    build_script(cleaned, Normalizer().normalize, 1000)


def check_config(data: bytes, work: Path) -> None:
    path = work / "config.toml"
    path.write_bytes(data)
    settings_from_dict(load_config_file(path))


def check_lexicon(suffix: str) -> Callable[[bytes, Path], None]:
    def check(data: bytes, work: Path) -> None:
        path = work / f"lexicon{suffix}"
        path.write_bytes(data)
        Normalizer(load_lexicon(path)).normalize(SENTENCE)

    return check


def one_line_or_raise(check: Callable[[bytes, Path], None], data: bytes, work: Path) -> str:
    """``ok`` or ``refused`` (a one-line ``AudioNewsError``); anything else propagates."""
    try:
        check(data, work)
    except AudioNewsError as e:
        if not str(e) or "\n" in str(e):
            raise AssertionError(f"error message is not one line: {str(e)!r}") from e
        return "refused"
    return "ok"


def draw(rng: random.Random, seeds: dict[str, tuple[list[str], str]]) -> tuple[str, bytes]:
    kind = rng.choice(sorted(seeds))
    texts, separator = seeds[kind]
    text = rng.choice(texts)
    for _ in range(rng.randint(1, 3)):
        text = with_hostile_value(text, rng, separator)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.3:
        data = mutate(data, rng)
    return kind, data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    sys.setrecursionlimit(1000)  # the interpreter's default, whatever a test runner set
    rng = random.Random(args.seed)
    seeds: dict[str, tuple[list[str], str]] = {
        "front matter": (front_matter_seeds(), ": "),
        "config": ([CONFIG_SEED], " = "),
        "lexicon toml": ([LEXICON_TOML_SEED], " = "),
        "lexicon csv": ([LEXICON_CSV_SEED], ","),
    }
    checks = {
        "front matter": check_front_matter,
        "config": check_config,
        "lexicon toml": check_lexicon(".toml"),
        "lexicon csv": check_lexicon(".csv"),
    }
    counts: Counter[tuple[str, str]] = Counter()
    failures: dict[str, tuple[str, bytes, str]] = {}
    stop = time.monotonic() + args.seconds
    with tempfile.TemporaryDirectory(prefix="fuzz-files-") as tmp:
        while time.monotonic() < stop:
            kind, data = draw(rng, seeds)
            try:
                counts[kind, one_line_or_raise(checks[kind], data, Path(tmp))] += 1
            except Exception as e:
                counts[kind, "FAILED"] += 1
                frame = traceback.extract_tb(e.__traceback__)[-1]
                where = f"{kind}: {type(e).__name__} at {Path(frame.filename).name}:{frame.lineno}"
                failures.setdefault(where, (kind, data[:300], str(e)[:200]))
    for kind in sorted(checks):
        row = ", ".join(f"{counts[kind, what]} {what}" for what in ("ok", "refused", "FAILED"))
        print(f"{kind:13} {row}")
    for where, (_kind, data, message) in failures.items():
        print(f"\nFAILURE {where}: {message}\n  input starts {data!r}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
