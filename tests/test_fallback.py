"""Engine chains: an episode is made whole by one engine, a failure half-way remakes it whole
with the next; ``auto`` decides without the network; the episode records engine and voice.

The failing engine is the real gtts engine, talking real HTTP to the local stand-in, which is
told to refuse (403) once a few chunks are made, or reached through a closed port.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from audio_news.cli.main import cli
from audio_news.config import EngineSettings, Settings, settings_from_dict
from audio_news.errors import ConfigError, EngineError
from audio_news.models import Episode
from audio_news.pipeline import Producer
from audio_news.progress import SilentReporter
from audio_news.speech.choice import EngineChoice, engine_chain
from support.gtts_standin import GttsStandin, closed_port
from support.helpers import DATA, FFMPEG, run_cli

ARTICLE = DATA / "text_vietnamnet_2024-11-05_mua-ngap-da-nang.md"


class Recorder(SilentReporter):
    """Keeps the pipeline's notes."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def note(self, message: str) -> None:
        self.notes.append(message)


def settings(tmp_path: Path, name: str, engine: str, **engine_options: object) -> Settings:
    base = settings_from_dict(
        {"engine": engine, "out_dir": str(tmp_path / name), "cache_dir": str(tmp_path / name)}
    )
    return dataclasses.replace(
        base, engine=dataclasses.replace(base.engine, jobs=1, **engine_options)
    )


def decoded_sha256(mp3: Path) -> str:
    pcm = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(mp3), "-f", "s16le", "-"], capture_output=True, check=True
    ).stdout
    return hashlib.sha256(pcm).hexdigest()


def recorded(episode: Episode) -> tuple[str, str, str, str]:
    document = json.loads(Path(episode.json_path).read_text(encoding="utf-8"))
    tags = ID3(episode.mp3_path)
    return (
        document["engine"],
        document["voice"],
        str(tags["TXXX:engine"]),
        str(tags["TXXX:voice"]),
    )


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[GttsStandin]:
    with GttsStandin() as server:
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        yield server


def refuse_after(standin: GttsStandin, answered: int) -> threading.Thread:
    """From another thread: once ``answered`` requests got audio, every later one gets 403."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while len(standin.requests) < answered and time.monotonic() < deadline:
            time.sleep(0.002)
        standin.force_status = 403

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_a_failure_half_way_remakes_the_whole_episode_with_the_next_engine(
    standin: GttsStandin, tmp_path: Path
) -> None:
    """Made in fresh processes, the fallback episode is bit for bit espeak's own episode."""
    watcher = refuse_after(standin, answered=3)
    common = ("--jobs", "1", "--cache-dir", "cache", "--no-player")
    chain = run_cli(
        "produce",
        str(ARTICLE),
        "--engine",
        "gtts,espeak",
        "-o",
        "chain",
        *common,
        cwd=tmp_path,
        env=dict(os.environ),
    )
    watcher.join()
    assert chain.returncode == 0, chain.stderr
    statuses = [r.status for r in standin.requests]
    assert statuses.count(200) >= 3 and 403 in statuses, "gtts really failed half-way"
    assert "engine: gtts failed (gtts: Google answered 403" in chain.stderr
    assert "making it again with espeak" in chain.stderr

    alone = run_cli(
        "produce",
        str(ARTICLE),
        "--engine",
        "espeak",
        "-o",
        "alone",
        *common,
        cwd=tmp_path,
        env=dict(os.environ),
    )
    assert alone.returncode == 0, alone.stderr
    [made] = (tmp_path / "chain").glob("*.mp3")
    [reference] = (tmp_path / "alone").glob("*.mp3")
    document = json.loads(made.with_suffix(".json").read_text(encoding="utf-8"))
    tags = ID3(made)
    assert (document["engine"], document["voice"]) == ("espeak", "vi")
    assert (str(tags["TXXX:engine"]), str(tags["TXXX:voice"])) == ("espeak", "vi")
    assert decoded_sha256(made) == decoded_sha256(reference), (
        "the fallback episode is exactly espeak's: no gtts clip in it"
    )
    expected = json.loads(reference.with_suffix(".json").read_text(encoding="utf-8"))
    assert document["segments"] == expected["segments"]


def test_an_unreachable_first_engine_is_skipped_quickly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()
    for key in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(key, f"http://127.0.0.1:{port}")
    reporter = Recorder()
    producer = Producer(settings(tmp_path, "out", "gtts,espeak"), reporter)
    episode = producer.produce(str(ARTICLE))
    assert episode is not None and episode.engine == "espeak"
    assert reporter.notes[0].startswith("engine: skipping gtts: gtts: unreachable: ")


def test_the_last_engine_failing_is_the_error_and_leaves_nothing(
    standin: GttsStandin, tmp_path: Path
) -> None:
    standin.force_status = 403
    out = tmp_path / "out"
    with pytest.raises(EngineError, match="gtts: Google answered 403"):
        Producer(settings(tmp_path, "out", "gtts")).produce(str(ARTICLE))
    assert not out.exists() or not any(out.glob("*.mp3"))


def test_cli_chain_names_the_engine_that_made_it(tmp_path: Path) -> None:
    env = {**os.environ, "HTTPS_PROXY": f"http://127.0.0.1:{closed_port()}"}
    result = run_cli(
        *("produce", str(ARTICLE), "--engine", "gtts, espeak", "--cache-dir", "cache"),
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    episodes = [p for p in (tmp_path / "output").glob("*.json") if "." not in p.stem]
    [document] = [json.loads(p.read_text()) for p in episodes]  # not .chapters/.transcript
    assert (document["engine"], document["voice"]) == ("espeak", "vi")
    assert "skipping gtts" in result.stderr
    assert "characters, free, made in" in result.stdout


# -- choosing engines without the network --------------------------------------------------


def test_auto_chain_is_licensed_then_piper_then_gtts_then_espeak(tmp_path: Path) -> None:
    assert engine_chain(EngineSettings()) == ("gtts", "espeak")
    model = str(tmp_path / "vi_VN-vais1000-medium.onnx")
    assert engine_chain(EngineSettings(voice_model=model)) == ("piper", "gtts", "espeak")
    assert engine_chain(EngineSettings(name="espeak, gtts,espeak")) == ("espeak", "gtts")
    assert engine_chain(EngineSettings(voice="espeak:vi-vn-x-south")) == ("espeak",)


@pytest.mark.parametrize(
    ("engine", "voice", "message"),
    [
        ("auto,espeak", None, "auto stands alone"),
        ("espeak,festival", None, "unknown engine 'festival'"),
        ("auto", "no-such-voice", "no voice 'no-such-voice'"),
        ("gtts", "vi-vn-x-south", "no voice 'vi-vn-x-south' among gtts"),
    ],
)
def test_bad_chains_and_voices_are_one_line(engine: str, voice: str | None, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        EngineChoice(EngineSettings(name=engine, voice=voice), print, probe=False).first()


def test_licensed_engine_with_credentials_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("audio_news.speech.engines.gcloud", reason="the gcloud engine lands apart")
    monkeypatch.setenv("GOOGLE_API_KEY", "test-key")
    assert engine_chain(EngineSettings())[0] == "gcloud"


class Blackhole:
    """A proxy that accepts connections and never answers: a probe through it would hang."""

    def __enter__(self) -> int:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        port: int = self.sock.getsockname()[1]
        return port

    def connections(self) -> int:
        """How many connections reached it (each waits in the backlog until taken here)."""
        self.sock.setblocking(False)
        taken = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return taken
            conn.close()
            taken += 1

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def test_script_with_auto_does_not_probe_and_tells_the_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blackhole = Blackhole()
    with blackhole as port:
        for key in ("HTTPS_PROXY", "https_proxy"):
            monkeypatch.setenv(key, f"http://127.0.0.1:{port}")
        result = CliRunner(mix_stderr=False).invoke(cli, ["script", str(ARTICLE), "--cost"])
        assert blackhole.connections() == 0, "script probed the network"
    assert result.exit_code == 0, result.output
    assert "engine: gtts (auto: no licensed engine configured" in result.stderr
    cost = [line for line in result.stderr.splitlines() if line.startswith("cost: ")]
    assert cost and cost[0].endswith("characters, free (gtts:vi)")
    chunks = result.stdout.splitlines()
    assert max(len(line) for line in chunks) <= 100, "chunked for gtts"
    shown = int(cost[0].split()[1].replace(",", ""))
    assert shown == sum(len(text) for text in set(chunks))


# -- a voice per section -------------------------------------------------------------------


def test_title_and_body_voices_come_from_the_config(tmp_path: Path) -> None:
    config = {
        "engine": "espeak",
        "out_dir": str(tmp_path / "out"),
        "cache_dir": str(tmp_path / "cache"),
        "voices": {"title": "espeak:vi-vn-x-south", "body": "espeak:vi"},
    }
    both = settings_from_dict(config)
    assert (both.engine.voice, both.engine.title_voice) == ("espeak:vi", "espeak:vi-vn-x-south")
    episode = Producer(both).produce(str(ARTICLE))
    assert episode is not None
    label = "title=vi-vn-x-south, body=vi"
    assert recorded(episode) == ("espeak", label, "espeak", label)

    plain = settings_from_dict({**config, "voices": {}, "out_dir": str(tmp_path / "plain")})
    same = Producer(plain).produce(str(ARTICLE))
    assert same is not None and same.voice == "vi"
    title, first_body = episode.segments[0], episode.segments[1]
    plain_title, plain_body = same.segments[0], same.segments[1]
    assert title.end - title.start != pytest.approx(plain_title.end - plain_title.start, abs=0.05)
    assert first_body.end - first_body.start == pytest.approx(
        plain_body.end - plain_body.start, abs=0.05
    ), "the body keeps its voice"
    with pytest.raises(ConfigError, match=r"\[voices\] has lead"):
        settings_from_dict({"voices": {"lead": "vi"}})
