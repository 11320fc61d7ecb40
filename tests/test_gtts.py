"""The gtts engine, the auto choice and the stand-in, over real HTTP to 127.0.0.1.

Every request goes through the real gTTS request builder and ``requests``; only the proxy
environment sends it to the local stand-in instead of Google.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import imageio_ffmpeg
import pytest

from audio_news.config import EngineSettings
from audio_news.errors import EngineError, EngineUnavailable, TransientEngineError
from audio_news.speech.choice import EngineChoice, engine_infos
from audio_news.speech.engines.gtts import GttsEngine, extract_audio
from audio_news.speech.engines.http import parse_retry_after
from support.gtts_standin import DROPPED, MS_PER_CHAR, GttsStandin, closed_port, serve_for_test

SENTENCE = "Thủ tướng Phạm Minh Chính chủ trì phiên họp Chính phủ thường kỳ tháng 12."
TRICKY = "TP. Hồ Chí Minh: giá 2,5 tỷ đồng, tăng 1.000 đồng/kg (ngày 28/12)."


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[GttsStandin]:
    yield from serve_for_test(monkeypatch)


@pytest.fixture
def unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send everything to a proxy port nobody listens on."""
    proxy = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, proxy)


def decoded_seconds(mp3: bytes) -> float:
    """Decode with ffmpeg; fails the test when the bytes are not MP3."""
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "mp3", "-i", "pipe:",
         "-f", "s16le", "-ac", "1", "-ar", "24000", "pipe:"],
        input=mp3, capture_output=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    return len(result.stdout) / 2 / 24_000


def test_one_chunk_is_one_request_with_the_exact_text(standin: GttsStandin) -> None:
    clip = GttsEngine().synthesize(TRICKY)
    assert clip.codec == "mp3" and clip.sample_rate == 24_000
    [seen] = standin.requests
    assert (seen.text, seen.lang, seen.status) == (TRICKY, "vi", 200)
    assert clip.data == standin.audio_for(TRICKY)
    expected = len(TRICKY) * MS_PER_CHAR / 1000
    assert decoded_seconds(clip.data) == pytest.approx(expected, abs=0.2)


def test_text_over_the_limit_is_refused_before_sending(standin: GttsStandin) -> None:
    engine = GttsEngine()
    with pytest.raises(EngineError, match="exceeds 100"):
        engine.synthesize("ư" * 101)
    with pytest.raises(EngineError, match="nothing to speak"):
        engine.synthesize("   ")
    assert standin.requests == []


def test_parallel_requests_come_back_to_their_own_text(standin: GttsStandin) -> None:
    standin.gather = 8  # each answer waits until eight requests are in flight together
    engine = GttsEngine()
    texts = [f"Câu thứ {i} trong bài, {'rất ' * i}dài." for i in range(16)]
    with ThreadPoolExecutor(8) as pool:
        clips = list(pool.map(engine.synthesize, texts))
    assert [c.data for c in clips] == [standin.audio_for(t) for t in texts]
    assert sorted(standin.texts) == sorted(texts)
    assert standin.peak_in_flight == 8, "one engine serves eight threads at once"


def test_429_is_transient_with_retry_after(standin: GttsStandin) -> None:
    standin.rate_limit_every, standin.retry_after = 1, 7
    with pytest.raises(TransientEngineError, match="429") as caught:
        GttsEngine().synthesize(SENTENCE)
    assert caught.value.retry_after == 7.0
    standin.retry_after = None
    with pytest.raises(TransientEngineError) as caught:
        GttsEngine().synthesize(SENTENCE)
    assert caught.value.retry_after is None


def test_every_nth_request_is_rate_limited(standin: GttsStandin) -> None:
    standin.rate_limit_every = 3
    engine = GttsEngine()
    outcomes = []
    for i in range(6):
        try:
            engine.synthesize(f"Câu {i}.")
            outcomes.append("ok")
        except TransientEngineError:
            outcomes.append("429")
    assert outcomes == ["ok", "ok", "429", "ok", "ok", "429"]


def test_500_is_transient(standin: GttsStandin) -> None:
    standin.server_error_every = 1
    with pytest.raises(TransientEngineError, match="500") as caught:
        GttsEngine().synthesize(SENTENCE)
    assert caught.value.retry_after is None


@pytest.mark.parametrize("status", [400, 403, 404])
def test_other_4xx_is_permanent(standin: GttsStandin, status: int) -> None:
    standin.force_status = status
    with pytest.raises(EngineError, match=str(status)) as caught:
        GttsEngine().synthesize(SENTENCE)
    assert not isinstance(caught.value, TransientEngineError)


def test_answer_without_audio_is_permanent(standin: GttsStandin) -> None:
    standin.no_audio = True
    with pytest.raises(EngineError, match="without audio") as caught:
        GttsEngine().synthesize(SENTENCE)
    assert not isinstance(caught.value, TransientEngineError)


def test_timeout_is_transient_and_prompt(standin: GttsStandin) -> None:
    standin.latency = 10.0
    engine = GttsEngine(timeout=(1.0, 0.4))
    with pytest.raises(TransientEngineError, match="timed out"):
        engine.synthesize(SENTENCE)
    assert standin.in_flight == 1, "given up while the stand-in was still working on it"
    assert standin.arrived == 1, "one try: retrying is the scheduler's job"


def test_refused_connections_are_transient(unreachable: None) -> None:
    with pytest.raises(TransientEngineError, match="connection failed"):
        GttsEngine(timeout=(1.0, 1.0)).synthesize(SENTENCE)


def test_dropped_connection_is_transient_and_the_next_request_works(
    standin: GttsStandin,
) -> None:
    standin.drop_every = 2
    engine = GttsEngine()
    engine.synthesize("Câu một.")
    with pytest.raises(TransientEngineError, match="dropped"):
        engine.synthesize("Câu hai.")
    assert engine.synthesize("Câu ba.").data == standin.audio_for("Câu ba.")
    assert [r.status for r in standin.requests] == [200, DROPPED, 200]


def test_proxy_that_cannot_reach_google_is_transient(standin: GttsStandin) -> None:
    standin.refuse = True
    with pytest.raises(TransientEngineError):
        GttsEngine().synthesize(SENTENCE)
    assert standin.refused_tunnels == 1, "one try: retrying is the scheduler's job"


def test_untrusted_certificate_is_permanent(
    standin: GttsStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with pytest.raises(EngineError, match="certificate") as caught:
        GttsEngine().synthesize(SENTENCE)
    assert not isinstance(caught.value, TransientEngineError)
    assert standin.requests == []


def first_engine(settings: EngineSettings, notes: list[str]) -> str:
    """The engine a synthesizing run starts with (it probes Google first)."""
    return EngineChoice(settings, notes.append, probe=True).first().name


def test_auto_picks_gtts_when_google_answers(standin: GttsStandin) -> None:
    notes: list[str] = []
    assert first_engine(EngineSettings(name="auto"), notes) == "gtts"
    assert notes == ["engine: gtts (auto: no licensed engine configured; then espeak if it fails)"]
    assert standin.requests == [], "the probe speaks no text"


def test_auto_falls_back_to_espeak_quickly_when_unreachable(unreachable: None) -> None:
    notes: list[str] = []
    assert first_engine(EngineSettings(name="auto"), notes) == "espeak"
    skipped, chosen = notes
    assert skipped.startswith("engine: skipping gtts: gtts: unreachable: ")
    assert chosen.startswith("engine: espeak (auto")


def test_named_gtts_fails_fast_and_never_falls_back(unreachable: None) -> None:
    notes: list[str] = []
    with pytest.raises(EngineUnavailable, match=r"^gtts: unreachable: "):
        first_engine(EngineSettings(name="gtts"), notes)
    assert notes == []
    with pytest.raises(TransientEngineError):
        GttsEngine().synthesize(SENTENCE)


def test_engine_infos_follow_reachability(
    standin: GttsStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    infos = {i.name: i for i in engine_infos(EngineSettings())}
    assert infos["gtts"].available and infos["gtts"].is_default
    assert infos["espeak"].available and not infos["espeak"].is_default
    assert "espeak-ng" in infos["espeak"].detail
    named = {i.name: i for i in engine_infos(EngineSettings(name="espeak"))}
    assert named["espeak"].is_default and not named["gtts"].is_default
    standin.stop()
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{closed_port()}")
    offline = {i.name: i for i in engine_infos(EngineSettings())}
    assert not offline["gtts"].available
    assert offline["gtts"].detail.startswith("does not answer: ")
    assert offline["espeak"].is_default and not offline["gtts"].is_default


def test_real_gtts_cli_works_through_the_standin(standin: GttsStandin, tmp_path: Path) -> None:
    cli = Path(sys.executable).with_name("gtts-cli")
    out = tmp_path / "cli.mp3"
    subprocess.run([str(cli), "-l", "vi", SENTENCE, "-o", str(out)], check=True, timeout=30)
    assert standin.texts == [SENTENCE]
    assert decoded_seconds(out.read_bytes()) > 1.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        ("0.5", 0.5),
        ("-3", 0.0),
        (" 12 ", 12.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_parse_retry_after_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    seconds = parse_retry_after(when)
    assert seconds is not None and 25 < seconds <= 30
    past = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    assert parse_retry_after(past) == 0.0


def test_extract_audio_rejects_bad_payloads() -> None:
    with pytest.raises(EngineError, match="without audio"):
        extract_audio(')]}\'\n\n[["wrb.fr","jQ1olc",null,null,null,[3],"generic"]]')
    assert extract_audio('[["wrb.fr","jQ1olc","[\\"SUQz\\"]",null]]') == b"ID3"


def test_unreadable_ca_bundle_is_permanent_and_means_unreachable(
    standin: GttsStandin, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with pytest.raises(EngineError, match="CA certificate") as caught:
        GttsEngine().synthesize(SENTENCE)
    assert not isinstance(caught.value, TransientEngineError)
    notes: list[str] = []
    assert first_engine(EngineSettings(), notes) == "espeak"
    assert "CA certificate" in notes[0]
