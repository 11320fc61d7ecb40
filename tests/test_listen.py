"""The listening check's parts that need no recognizer: the normal form, word errors,
loudness frames and finding episodes."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

from audio_news.errors import InputError
from audio_news.listen.check import (
    SILENCE_DBFS,
    SOUND_DBFS,
    find_episodes,
    frame_levels,
    speech_seconds,
)
from audio_news.listen.compare import compare, error_rate, normal_words, word_errors
from audio_news.listen.recognizer import SAMPLE_RATE
from audio_news.text.normalize import Normalizer
from support.helpers import DATA

NATURAL = DATA / "natural"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Xin chào, Hà Nội!", ("xin", "chào", "hà", "nội")),
        ("  “Bêu tên”  (di động) — vậy…", ("bêu", "tên", "di", "động", "vậy")),
        ("Covid-19", ("covid", "19")),
        ("HOÀ BÌNH", ("hoà", "bình")),
        ("Hoa\u0300 thuận", ("hoà", "thuận")),  # decomposed tone mark: NFC first
        ("", ()),
        ("... ; !", ()),
    ],
)
def test_normal_words(text: str, words: tuple[str, ...]) -> None:
    assert normal_words(text) == words


def test_numbers_are_spelled_as_the_script_spells_them() -> None:
    spell = Normalizer().normalize
    meant = "Đến cuối thế kỷ 19, ngành đánh bắt cá được thương mại hóa."
    heard = "đến cuối thế kỷ mười chín ngành đánh bắt cá được thương mại hóa"
    result = compare(meant, heard, spell)
    assert result.errors == 0
    assert result.words == 14
    assert compare(meant, heard).errors > 0, "without spelling, 19 is not mười chín"


@pytest.mark.parametrize(
    ("expected", "heard", "errors"),
    [
        ("a b c", "a b c", 0),
        ("a b c", "a x c", 1),
        ("a b c", "a c", 1),
        ("a b c", "a b c d", 1),
        ("a b c", "", 3),
        ("", "a b", 2),
        ("a b c d", "b c d a", 2),
    ],
)
def test_word_errors(expected: str, heard: str, errors: int) -> None:
    assert word_errors(expected.split(), heard.split()) == errors
    assert word_errors(heard.split(), expected.split()) == errors


def test_error_rate_edges() -> None:
    assert error_rate(0, 0) == 0.0
    assert error_rate(2, 0) == 1.0
    assert error_rate(3, 12) == 0.25
    assert error_rate(20, 10) == 2.0, "insertions may push a rate past 1"


def _tone(seconds: float, amplitude: int) -> bytes:
    step = 2 * math.pi * 220 / SAMPLE_RATE
    count = round(seconds * SAMPLE_RATE)
    return array("h", (round(amplitude * math.sin(step * n)) for n in range(count))).tobytes()


def test_frame_levels_and_speech_span() -> None:
    quiet = bytes(round(0.5 * SAMPLE_RATE) * 2)
    pcm = quiet + _tone(1.0, 8000) + quiet
    levels = frame_levels(pcm)
    assert len(levels) == 100
    assert levels[0] == -math.inf
    assert max(levels) == pytest.approx(20 * math.log10(8000 / 32768 / math.sqrt(2)), abs=0.2)
    assert speech_seconds(levels) == pytest.approx(1.0, abs=0.04)
    faint = frame_levels(_tone(1.0, 100))
    assert max(faint) < SILENCE_DBFS < SOUND_DBFS
    assert speech_seconds(faint) == 0.0


def test_find_episodes_from_mp3_json_and_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    shutil.copytree(NATURAL, folder)
    (folder / "vieneu.check.json").write_text("{}", encoding="utf-8")
    (folder / "notes.json").write_text("[]", encoding="utf-8")
    document = json.loads((folder / "vieneu.json").read_text(encoding="utf-8"))
    document["audio"] = "missing.mp3"
    (folder / "orphan.json").write_text(json.dumps(document), encoding="utf-8")
    expected = [folder / "vieneu.json"]
    assert find_episodes([folder]) == expected
    assert find_episodes([folder / "vieneu.mp3", folder / "vieneu.json"]) == expected
    with pytest.raises(InputError, match="no episode document"):
        find_episodes([tmp_path / "nothing.mp3"])
    with pytest.raises(InputError, match="give an episode"):
        find_episodes([folder / "LICENSE-Apache-2.0.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no episodes"):
        find_episodes([tmp_path / "empty"])


def test_without_the_extra_check_says_how_to_install(tmp_path: Path) -> None:
    shutil.copytree(NATURAL, tmp_path / "natural")
    hide = "import sys; sys.modules['vietasr'] = None; from audio_news.cli import main; main()"
    for args in (["check", "natural"], ["produce", "natural/vieneu.json", "--check"]):
        result = subprocess.run(
            [sys.executable, "-c", hide, *args], cwd=tmp_path, capture_output=True, text=True
        )
        assert result.returncode == 1
        assert result.stderr == (
            "error: the listening check needs its recognizer: pip install 'audio-news[check]'\n"
        )
    assert not (tmp_path / "output").exists(), "nothing produced before failing"
