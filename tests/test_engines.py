"""The espeak engine for real, and the engine registry."""

from __future__ import annotations

import dataclasses
import math
import threading
from array import array
from pathlib import Path

import pytest

from audio_news.config import EngineSettings
from audio_news.errors import ConfigError, EngineError, EngineUnavailable
from audio_news.models import Clip
from audio_news.speech.choice import EngineChoice, engine_chain, engine_infos
from audio_news.speech.engines import ENGINE_NAMES, create_engine
from audio_news.speech.engines import espeak as espeak_module
from audio_news.speech.engines.espeak import LEGACY_PARAMS, EspeakEngine, EspeakParams
from support.gtts_standin import closed_port

SEED = Path(__file__).parent / "data" / "baobackan_2023-12-28_hoi-nghi-to-chuc-xay-dung-dang.txt"
SHORT = "Hà Nội là thủ đô của Việt Nam."
LONG = (
    "Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng năm 2023 và triển khai "
    "nhiệm vụ năm 2024 được tổ chức theo hình thức trực tiếp kết hợp trực tuyến."
)


def seconds(clip: Clip) -> float:
    return len(clip.data) / 2 / clip.sample_rate


def rms(clip: Clip) -> float:
    samples = array("h", clip.data)
    return math.sqrt(sum(s * s for s in samples) / len(samples))


@pytest.fixture(scope="module")
def espeak() -> EspeakEngine:
    return EspeakEngine()


def test_espeak_speaks_vietnamese_as_pcm(espeak: EspeakEngine) -> None:
    clip = espeak.synthesize(SHORT)
    assert clip.codec == "pcm_s16le"
    assert clip.sample_rate == 22_050
    assert len(clip.data) % 2 == 0
    assert 1.0 < seconds(clip) < 6.0
    assert rms(clip) > 500, "speech, not silence"


def test_espeak_audio_follows_the_text(espeak: EspeakEngine) -> None:
    short, long = espeak.synthesize(SHORT), espeak.synthesize(LONG)
    other = espeak.synthesize("Thành phố Hồ Chí Minh có mưa lớn vào chiều nay.")
    assert seconds(long) > 2.5 * seconds(short)
    assert other.data != short.data


def test_espeak_identity_names_version_and_voice(espeak: EspeakEngine) -> None:
    assert espeak.name == "espeak"
    assert espeak.default_jobs == 1
    assert espeak.max_chars >= 100
    assert espeak.version[:1].isdigit()
    assert espeak.version in espeak.voice_id
    assert "vi" in espeak.voice_id


def test_espeak_rejects_blank_text(espeak: EspeakEngine) -> None:
    with pytest.raises(EngineError):
        espeak.synthesize(" \n\0 ")


def test_espeak_unknown_voice_is_unavailable() -> None:
    with pytest.raises(EngineUnavailable, match="no voice"):
        EspeakEngine(voice="xx-no-such-voice")


def test_espeak_is_safe_from_many_threads(espeak: EspeakEngine) -> None:
    alone = {text: seconds(espeak.synthesize(text)) for text in (SHORT, LONG)}
    results: list[tuple[str, float]] = []

    def speak(text: str) -> None:
        results.append((text, seconds(espeak.synthesize(text))))

    threads = [threading.Thread(target=speak, args=(t,)) for t in (SHORT, LONG) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6
    for text, length in results:
        assert length == pytest.approx(alone[text], rel=0.05)


def test_espeak_gives_the_same_bytes_whatever_was_spoken_before(espeak: EspeakEngine) -> None:
    first = espeak.synthesize(SHORT).data
    espeak.synthesize(LONG)
    other = EspeakEngine(params=EspeakParams(variant="m3", rate=150, pitch=30))
    other.synthesize(LONG)
    assert espeak.synthesize(SHORT).data == first
    assert espeak.synthesize(SHORT).data == first


def test_espeak_settings_change_the_voice_and_its_id() -> None:
    base = EspeakEngine(params=LEGACY_PARAMS)
    slow = EspeakEngine(params=dataclasses.replace(LEGACY_PARAMS, rate=100))
    assert "rate=175" in base.voice_id and "rate=100" in slow.voice_id
    assert seconds(slow.synthesize(SHORT)) > 1.3 * seconds(base.synthesize(SHORT))
    assert "voice=vi+f2" in EspeakEngine(params=EspeakParams(variant="f2")).voice_id


@pytest.mark.parametrize(
    "fields",
    [{"rate": 79}, {"rate": 451}, {"pitch": -1}, {"pitch_range": 101}, {"word_gap": 1.5},
     {"variant": "../f2"}, {"variant": "f2+m1"}],
)  # fmt: skip
def test_espeak_settings_out_of_range_are_config_errors(fields: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match="espeak"):
        EspeakParams(**fields)  # type: ignore[arg-type]


def test_espeak_unknown_variant_is_unavailable() -> None:
    with pytest.raises(EngineUnavailable, match="no voice variant 'nobody'"):
        EspeakEngine(params=EspeakParams(variant="nobody"))


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_espeak_voices_the_seed_in_process_and_keeps_no_library_state(
    espeak: EspeakEngine,
) -> None:
    """libespeak-ng runs inside this process, not as a program per sentence, and is unloaded
    after each utterance, so nothing of it carries over to the next (how fast it is belongs
    to benchmarks/run.py: a wall-clock bound here would fail on a busy machine)."""
    clip = espeak.synthesize(SEED.read_text(encoding="utf-8"))
    assert 120 < seconds(clip) < 900
    assert "libespeak-ng" not in Path("/proc/self/maps").read_text()


def first_engine(settings: EngineSettings, notes: list[str] | None = None) -> str:
    told = notes if notes is not None else []
    return EngineChoice(settings, told.append, probe=True).first().name


def test_registry_names() -> None:
    assert {"gtts", "espeak", "piper"} <= set(ENGINE_NAMES)


@pytest.mark.parametrize("name", ["nope", "auto", "", "ESPEAK"])
def test_unknown_engine_is_a_config_error(name: str) -> None:
    with pytest.raises(ConfigError, match="unknown engine"):
        create_engine(name, EngineSettings())


def test_settings_naming_an_unknown_engine_fail_everywhere() -> None:
    settings = EngineSettings(name="festival")
    with pytest.raises(ConfigError):
        engine_chain(settings)
    with pytest.raises(ConfigError):
        engine_infos(settings)


def test_named_espeak_resolves_without_probing_or_notes() -> None:
    notes: list[str] = []
    assert first_engine(EngineSettings(name="espeak"), notes) == "espeak"
    assert notes == []


def test_created_engines_follow_the_protocol() -> None:
    for name in ("gtts", "espeak"):  # piper needs a voice file: see test_piper
        engine = create_engine(name, EngineSettings())
        assert engine.name == name
        assert engine.max_chars > 0 and engine.default_jobs > 0
        assert engine.voice_id


def test_missing_espeak_library_is_unavailable_and_never_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import espeakng_loader

    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setattr(espeak_module, "_info", None)
    monkeypatch.setattr(
        espeakng_loader, "get_library_path", lambda: str(tmp_path / "libespeak-ng.so")
    )
    with pytest.raises(EngineUnavailable, match="cannot load libespeak-ng"):
        first_engine(EngineSettings(name="espeak"))
    infos = {info.name: info for info in engine_infos(EngineSettings(name="espeak"))}
    assert not infos["espeak"].available
    assert "cannot load" in infos["espeak"].detail
    assert infos["espeak"].is_default
    with pytest.raises(EngineUnavailable):
        first_engine(EngineSettings(name="auto"))
