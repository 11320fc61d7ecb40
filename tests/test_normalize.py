"""Vietnamese normalization: a table of exact readings, plus checks over the whole corpus."""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from audio_news.text.normalize import DEFAULT_RULES, Normalizer, builtin_abbreviations
from audio_news.text.numbers import read_int, read_number
from audio_news.text.roman import TRIGGERS, roman_value

DATA = Path(__file__).parent / "data"


def _cases() -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / "normalize_cases.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        written, expected = line.split("\t")
        rows.append((written, expected))
    return rows


CASES = _cases()


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 150


@pytest.mark.parametrize(("written", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_reading(normalizer: Normalizer, written: str, expected: str) -> None:
    assert normalizer.normalize(written) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1_000_001, "một triệu không trăm linh một"),
        (20_000_300, "hai mươi triệu ba trăm"),
        (1_200_000_000, "một tỷ hai trăm triệu"),
        (5_000_000_000_000, "năm nghìn tỷ"),
        (3_000_015_000, "ba tỷ không trăm mười lăm nghìn"),
        (45, "bốn mươi lăm"),
        (94, "chín mươi tư"),
    ],
)
def test_integers(n: int, expected: str) -> None:
    assert read_int(n) == expected


def test_every_integer_reads_without_digits_and_roundtrips_structure() -> None:
    words = {
        "không",
        "một",
        "hai",
        "ba",
        "bốn",
        "năm",
        "sáu",
        "bảy",
        "tám",
        "chín",
        "mười",
        "mươi",
        "mốt",
        "tư",
        "lăm",
        "linh",
        "trăm",
        "nghìn",
        "triệu",
        "tỷ",
    }
    for n in list(range(0, 3000)) + [10**k + 5 for k in range(3, 13)]:
        spoken = read_int(n).split()
        assert set(spoken) <= words, n
    assert read_number("1.234.567") == read_int(1234567)


def test_roman_values_are_strict() -> None:
    assert roman_value("XIV") == 14
    assert roman_value("XXI") == 21
    for word in ("LIX", "MIX", "CD", "DC", "IIII", "VX", "IIV", ""):
        assert roman_value(word) is None


def test_user_lexicon_rule_runs_first() -> None:
    from audio_news.text.lexicon import LexiconEntry, UserLexicon

    lexicon = UserLexicon((LexiconEntry("TP.HCM", "Sài Gòn"),))
    normalizer = Normalizer(lexicon)
    assert normalizer.rules[1] == lexicon.apply
    assert len(normalizer.rules) == len(DEFAULT_RULES) + 1
    assert normalizer.normalize("Tại TP.HCM có 3 quận.") == "Tại Sài Gòn có ba quận."


def test_thread_safe(normalizer: Normalizer) -> None:
    inputs = [written for written, _ in CASES] * 5
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(normalizer.normalize, inputs))
    assert results == [normalizer.normalize(text) for text in inputs]


# --- the whole corpus -------------------------------------------------------------------

_JUNK = re.compile(
    r"https?://|^!?\[|^(layout|title|date|categories):|^---|^\d+:\d\d( / \d+:\d\d)?$"
)
"""Lines the clean stage removes before normalization: URLs, Markdown link/image lines, YAML
front matter and the audio player's 0:00 / 3:42. They are skipped here, nothing else."""


def _corpus_lines() -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for path in sorted(DATA.iterdir()):
        if path.suffix in {".txt", ".md"}:
            texts = path.read_text(encoding="utf-8").splitlines()
        elif path.suffix == ".html":
            page = path.read_text(encoding="utf-8")
            texts = [
                html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", p)))
                for p in re.findall(r"<p\b[^>]*>(.*?)</p>", page, re.S)
            ]
        else:
            continue
        lines.extend((path.name, t.strip()) for t in texts if t.strip())
    return lines


_TRIGGER_THEN_ROMAN = re.compile(
    r"(?i:\b(?:" + "|".join(re.escape(t) for t in TRIGGERS) + r"))\s+[IVX]+\b"
)


def test_corpus_is_read_completely(normalizer: Normalizer) -> None:
    lines = [(name, text) for name, text in _corpus_lines() if not _JUNK.search(text)]
    assert len(lines) > 300
    abbreviations = builtin_abbreviations()
    forms = [re.escape(f) for f in abbreviations.written_forms() if f[-1:].isalnum()]
    unexpanded = re.compile(r"(?<!\w)(?:" + "|".join(forms) + r")(?![^\W\d_])")
    problems = []
    for name, text in lines:
        spoken = normalizer.normalize(text)
        if re.search(r"[0-9]", spoken):
            problems.append((name, "digit", spoken))
        if _TRIGGER_THEN_ROMAN.search(spoken):
            problems.append((name, "roman", spoken))
        left = unexpanded.search(spoken)
        if left:
            problems.append((name, f"abbreviation {left.group(0)}", spoken))
    assert problems == []


def test_corpus_keeps_sentence_punctuation(normalizer: Normalizer) -> None:
    for _, text in _corpus_lines():
        spoken = normalizer.normalize(text)
        for mark in ".,;?!":
            if mark == "." and re.search(r"\d\.\d|[A-Z]\.", text):
                continue
            if mark == "," and re.search(r"\d,\d", text):
                continue
            assert spoken.count(mark) >= text.count(mark), (mark, text, spoken)
