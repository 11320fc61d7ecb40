"""The gcloud, azure and fpt engines for real, through their vendors' local stand-ins."""

from __future__ import annotations

import json
import math
import time
from array import array
from pathlib import Path
from typing import Any

import pytest

from audio_news.config import EngineSettings, settings_from_dict
from audio_news.errors import (
    ClipPending,
    ConfigError,
    EngineError,
    EngineUnavailable,
    TransientEngineError,
)
from audio_news.models import Clip
from audio_news.speech.choice import engine_infos
from audio_news.speech.engines import create_engine
from audio_news.speech.engines import fpt as fpt_module
from audio_news.speech.engines import gcloud as gcloud_module
from audio_news.speech.engines.azure import ssml
from audio_news.speech.engines.base import Engine
from audio_news.speech.engines.fpt import speed_step
from audio_news.speech.engines.http import redact
from audio_news.speech.engines.wav import WavError, read_wav
from support.cloud_standins import (
    CREDENTIAL_VARIABLES,
    CloudStandin,
    FptStandin,
    serve_cloud,
    wav_file,
)

SENTENCE = "Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng năm 2023."
CODECS = {"gcloud": ("pcm_s16le", 24_000), "azure": ("pcm_s16le", 24_000), "fpt": ("mp3", 22_050)}
SPEED_SENT = {"gcloud": 1.5, "azure": 1.5, "fpt": 2.0}
"""What each vendor is told for speed 1.5 (FPT.AI's steps: round(3 * log2(1.5)) = 2)."""


def engine_for(standin: CloudStandin, **settings: Any) -> Engine:
    return create_engine(standin.vendor, EngineSettings(name=standin.vendor, **settings))


def speak(engine: Engine, text: str, speed: float = 1.0, deadline: float = 10.0) -> Clip:
    """``engine.synthesize``, asking again while its audio is pending, as the scheduler does."""
    give_up = time.monotonic() + deadline
    while True:
        try:
            return engine.synthesize(text, speed)
        except ClipPending as pending:
            if time.monotonic() > give_up:
                raise
            time.sleep(min(pending.retry_after, 0.05))


def pcm_of(clip: Clip) -> array[int]:
    if clip.codec == "pcm_s16le":
        return array("h", clip.data)
    from audio_news.audio.decode import iter_pcm

    return array("h", b"".join(iter_pcm([clip], [0], clip.sample_rate)))


def test_each_engine_speaks_real_audio_in_its_native_format(cloud: CloudStandin) -> None:
    engine = engine_for(cloud)
    clip = speak(engine, SENTENCE)
    assert (clip.codec, clip.sample_rate) == CODECS[cloud.vendor]
    samples = pcm_of(clip)
    assert 1.5 < len(samples) / clip.sample_rate < 15
    assert math.sqrt(sum(s * s for s in samples) / len(samples)) > 300, "speech, not silence"
    [call] = cloud.synthesized()
    assert call.text == SENTENCE
    assert engine.applies_speed and engine.max_chars >= 1500
    assert cloud.vendor in engine.voice_id and cloud.key not in engine.voice_id


def test_speed_goes_to_the_vendor(cloud: CloudStandin) -> None:
    engine = engine_for(cloud)
    normal, fast = speak(engine, SENTENCE), speak(engine, SENTENCE, speed=1.5)
    assert [c.speed for c in cloud.synthesized()] == [
        0.0 if cloud.vendor == "fpt" else 1.0,
        SPEED_SENT[cloud.vendor],
    ]
    assert len(pcm_of(fast)) < 0.8 * len(pcm_of(normal))


def test_a_chosen_voice_is_the_one_asked_for(cloud: CloudStandin) -> None:
    voice = {"gcloud": "vi-VN-Wavenet-A", "azure": "vi-VN-NamMinhNeural", "fpt": "leminh"}
    engine = engine_for(cloud, voice=voice[cloud.vendor])
    speak(engine, SENTENCE)
    assert voice[cloud.vendor] in engine.voice_id
    if cloud.vendor != "fpt":  # FPT.AI's voice is a header the stand-in records as such
        assert cloud.synthesized()[0].voice == voice[cloud.vendor]


def test_a_wrong_key_is_one_permanent_line_without_the_key(
    cloud: CloudStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "WRONG-key-9f8e7d6c5b4a"
    variable = next(iter(cloud.credentials_env()))
    monkeypatch.setenv(variable, wrong)
    with pytest.raises(
        EngineError, match=rf"^{cloud.vendor}: the key was refused \(40[013]\)"
    ) as e:
        speak(engine_for(cloud), SENTENCE)
    assert not isinstance(e.value, TransientEngineError)
    assert "\n" not in str(e.value) and wrong not in str(e.value) and cloud.key not in str(e.value)


def test_429_is_transient_and_honours_retry_after(cloud: CloudStandin) -> None:
    cloud.rate_limit_every, cloud.retry_after = 1, 7
    with pytest.raises(TransientEngineError, match="429") as caught:
        speak(engine_for(cloud), SENTENCE)
    assert caught.value.retry_after == 7.0


def test_server_errors_are_transient(cloud: CloudStandin) -> None:
    cloud.server_error_every = 1
    with pytest.raises(TransientEngineError, match="503"):
        speak(engine_for(cloud), SENTENCE)


def test_a_malformed_answer_is_a_permanent_error(cloud: CloudStandin) -> None:
    cloud.malformed = True
    with pytest.raises(EngineError) as caught:
        speak(engine_for(cloud), SENTENCE)
    assert not isinstance(caught.value, TransientEngineError | ClipPending)


def test_over_long_chunks_are_refused_before_sending(cloud: CloudStandin) -> None:
    engine = engine_for(cloud)
    with pytest.raises(EngineError, match="exceeds"):
        engine.synthesize("ệ" * (engine.max_chars + 1 if cloud.vendor != "gcloud" else 1700))
    with pytest.raises(EngineError, match="nothing to speak"):
        engine.synthesize("  ")
    assert cloud.calls == []


def test_google_refusing_over_long_input_is_one_permanent_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    generator = serve_cloud(monkeypatch, "gcloud")
    standin = next(generator)
    monkeypatch.setattr(gcloud_module, "MAX_BYTES", 100_000)  # past our own check
    with pytest.raises(EngineError, match="5000 bytes") as caught:
        engine_for(standin).synthesize("ệ" * 1700)
    assert not isinstance(caught.value, TransientEngineError)
    assert str(caught.value).startswith("gcloud: Google answered 400 Bad Request: INVALID_ARGUMENT")
    generator.close()


def test_credentials_can_come_from_the_config_file(
    cloud: CloudStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    table = {"api_key": cloud.key}
    if cloud.vendor == "azure":
        table["region"] = "westeurope"
    settings = settings_from_dict({"engine": cloud.vendor, cloud.vendor: table})
    assert cloud.key not in repr(settings) and cloud.key not in str(settings.content())
    engine: Any = create_engine(cloud.vendor, settings.engine)
    assert engine.credential_source.startswith(f"[{cloud.vendor}] api_key")
    speak(engine, SENTENCE)
    [info] = [i for i in engine_infos(settings.engine) if i.name == cloud.vendor]
    assert info.available and info.is_default
    assert info.credentials == f"configured ([{cloud.vendor}] api_key" + (
        " + [azure] region (westeurope))" if cloud.vendor == "azure" else ")"
    )
    assert cloud.key not in info.detail and cloud.key not in info.credentials


def test_without_credentials_a_cloud_engine_is_unavailable_and_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    needed = {"gcloud": "GOOGLE_API_KEY", "azure": "AZURE_SPEECH_KEY", "fpt": "FPT_AI_API_KEY"}
    for vendor, variable in needed.items():
        with pytest.raises(EngineUnavailable, match=variable):
            create_engine(vendor, EngineSettings(name=vendor))
    infos = {i.name: i for i in engine_infos(EngineSettings(name="espeak"))}
    assert not any(infos[vendor].available for vendor in needed)


def test_gcloud_uses_application_default_credentials_from_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("google.auth")
    generator = serve_cloud(monkeypatch, "gcloud")
    standin: Any = next(generator)
    monkeypatch.delenv("GOOGLE_API_KEY")
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))
    with pytest.raises(EngineUnavailable, match="GOOGLE_APPLICATION_CREDENTIALS"):
        engine_for(standin)
    adc = tmp_path / "adc.json"
    adc.write_text(
        json.dumps(
            {"type": "authorized_user", "client_id": "id.apps", "client_secret": "secret",
             "refresh_token": standin.key}
        )
    )  # fmt: skip
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
    engine: Any = engine_for(standin)
    assert engine.credential_source.startswith("Application Default Credentials")
    speak(engine, SENTENCE)
    speak(engine, "Câu thứ hai.")
    assert [c.kind for c in standin.calls] == ["token", "synthesize", "synthesize"]
    adc.write_text(adc.read_text().replace(standin.key, "revoked"))
    with pytest.raises(EngineError, match="were refused: invalid_grant") as caught:
        speak(engine_for(standin), SENTENCE)
    assert "revoked" not in str(caught.value)
    generator.close()


def test_a_base_url_sends_requests_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="https://"):
        settings_from_dict({"gcloud": {"base_url": "http://plain.example"}})
    generator = serve_cloud(monkeypatch, "azure")
    standin = next(generator)
    monkeypatch.setenv("AZURE_SPEECH_REGION", "eastus")  # the base URL names the region itself
    settings = settings_from_dict(
        {"azure": {"base_url": "https://westeurope.tts.speech.microsoft.com/"}}
    )
    engine = create_engine("azure", settings.engine)
    speak(engine, SENTENCE)
    assert len(standin.synthesized()) == 1
    generator.close()


def test_azure_escapes_the_text_into_ssml(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Giá <b>tăng</b> 5% & \"giảm\" 'nhẹ' ]]> \x01"
    document = ssml(text, "vi-VN-HoaiMyNeural", 1.25)
    assert "<b>" not in document and "&lt;b&gt;" in document and 'rate="+25%"' in document
    generator = serve_cloud(monkeypatch, "azure")
    standin = next(generator)
    speak(engine_for(standin), text)
    assert standin.synthesized()[0].text == text.replace("\x01", " ")
    generator.close()


def test_azure_checks_its_region(monkeypatch: pytest.MonkeyPatch) -> None:
    generator = serve_cloud(monkeypatch, "azure")
    standin = next(generator)
    monkeypatch.setenv("AZURE_SPEECH_REGION", "eastus")
    with pytest.raises(EngineError, match=r"azure: the key was refused \(401\)"):
        engine_for(standin).synthesize(SENTENCE)
    monkeypatch.setenv("AZURE_SPEECH_REGION", "evil.example/x")
    with pytest.raises(ConfigError, match="region"):
        engine_for(standin)
    generator.close()


@pytest.fixture
def fpt(monkeypatch: pytest.MonkeyPatch) -> Any:
    yield from serve_cloud(monkeypatch, "fpt")


def test_fpt_polls_its_link_until_the_audio_is_there_without_the_key(fpt: FptStandin) -> None:
    fpt.not_ready_polls = 3
    engine = engine_for(fpt)
    with pytest.raises(ClipPending) as first:
        engine.synthesize(SENTENCE)
    assert first.value.retry_after == fpt_module.FIRST_POLL_S
    waits = []
    for _ in range(3):
        with pytest.raises(ClipPending) as later:
            engine.synthesize(SENTENCE)
        waits.append(later.value.retry_after)
    assert waits == sorted(waits) and waits[-1] <= fpt_module.MAX_POLL_S
    clip = engine.synthesize(SENTENCE)
    assert clip.codec == "mp3"
    polls = [c.status for c in fpt.calls if c.kind == "poll"]
    assert polls == [404, 404, 404, 200]
    assert len(fpt.synthesized()) == 1, "polling never sends the text again"
    assert not fpt.key_seen_at_link


def test_fpt_gives_a_link_up_after_its_deadline(
    fpt: FptStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    fpt.not_ready_polls = 10_000
    monkeypatch.setattr(fpt_module, "POLL_DEADLINE_S", 0.3)
    engine = engine_for(fpt)
    with pytest.raises(TransientEngineError, match="not ready after"):
        speak(engine, SENTENCE)
    fpt.not_ready_polls = 0
    speak(engine, SENTENCE)  # asked again, the text is sent anew
    assert len(fpt.synthesized()) == 2


def test_fpt_refusing_a_text_is_permanent_and_short_texts_are_padded(fpt: FptStandin) -> None:
    engine = engine_for(fpt)
    speak(engine, "Ồ")
    assert fpt.synthesized()[0].text == "Ồ.."
    with pytest.raises(EngineError, match=r"FPT\.AI refused the text"):
        engine_for(fpt, voice="nobody").synthesize(SENTENCE)


@pytest.mark.parametrize(
    ("speed", "step"), [(0.5, -3), (0.8, -1), (1.0, 0), (1.1, 0), (1.25, 1), (1.5, 2), (2.0, 3)]
)
def test_fpt_speed_steps(speed: float, step: int) -> None:
    assert speed_step(speed) == step


def test_redact_masks_secrets_and_keeps_one_short_line() -> None:
    line = redact("bad key s3cr3t\nin  request " + "x" * 500, ["s3cr3t", None])
    assert "s3cr3t" not in line and "\n" not in line and len(line) <= 160 and "***" in line


def test_wav_reader_takes_16_bit_mono_only(tmp_path: Path) -> None:
    wav = read_wav(wav_file(b"\x01\x00" * 100, 24_000))
    assert (wav.sample_rate, len(wav.pcm)) == (24_000, 200)
    with pytest.raises(WavError):
        read_wav(b"ID3 not a wav")
    stereo = bytearray(wav_file(b"\0" * 8, 24_000))
    stereo[22] = 2
    with pytest.raises(WavError, match="2 channel"):
        read_wav(bytes(stereo))
