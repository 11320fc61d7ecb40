"""Faults and limits, on real runs of ``python -m audio_news``: kills, races, full or
read-only disks, oversized or slow inputs, an unreachable Google."""

from __future__ import annotations

import dataclasses
import errno
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from audio_news.config import AudioSettings, EngineSettings, settings_from_dict
from audio_news.errors import EngineError, OutputError
from audio_news.fsutil import ensure_writable_dir, remove_stale_temps
from audio_news.models import Clip
from audio_news.pipeline import Producer, prepare
from audio_news.speech.cache import SegmentCache
from audio_news.speech.engines import create_engine
from audio_news.speech.engines.gtts import MAX_CHARS as GTTS_MAX_CHARS
from support.article_server import Site, serving
from support.fault_helpers import (
    ARTICLE,
    SLUG,
    assert_finished_files_sound,
    assert_one_line_error,
    child_env,
    kill_run,
    start_cli,
    temp_files,
    tmpfs,
    wait_until,
)
from support.gtts_standin import GttsStandin, closed_port

EPISODE_FILES = {f"{SLUG}{ext}" for ext in (".mp3", ".json", ".vtt", ".html")}
RESERVATION = f".{SLUG}.lock"
"""What a killed run leaves besides temp files: its name's lock file, which nobody holds
any more; the next run in the folder removes it."""


def produce_args(out: Path, cache: Path, *more: str, engine: str = "espeak") -> list[str]:
    return [
        "produce", str(ARTICLE), "--engine", engine, "-o", str(out), "--cache-dir", str(cache),
        *more,
    ]  # fmt: skip


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI to the end."""
    proc = start_cli(*args, cwd=cwd, env=env)
    stdout, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def gtts_chunks() -> int:
    settings = settings_from_dict({"engine": "gtts"})
    return len({c.text for c in prepare(str(ARTICLE), settings, GTTS_MAX_CHARS).script.chunks})


def cache_entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.clip")) if cache.is_dir() else []


# -- SIGKILL part-way ------------------------------------------------------------------------


def test_kill_during_synthesis_leaves_nothing_and_rerun_resumes(tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    total = gtts_chunks()
    with GttsStandin(latency=0.2) as standin:
        env = child_env(standin.env())
        proc = start_cli(*produce_args(out, cache, "-j", "2", engine="gtts"), cwd=tmp_path, env=env)
        assert wait_until(lambda: len(standin.requests) >= total // 2, proc, timeout=60)
        kill_run(proc)
        assert standin.wait_idle(), "requests in flight at the kill are answered, to no one"
        answered_before_kill = len(standin.requests)
        assert assert_finished_files_sound(out) == []
        assert temp_files(out) == [RESERVATION], "only the name it had reserved, hidden"
        store = SegmentCache(cache)  # a torn entry would fail its checksum and be redone
        kept = sum(store.get(entry.stem) is not None for entry in cache_entries(cache))
        assert answered_before_kill - 2 <= kept <= answered_before_kill  # 2 were in flight

        standin.reset()
        standin.latency = 0.0
        result = run(produce_args(out, cache, engine="gtts"), tmp_path, env)

        assert result.returncode == 0, result.stderr
        assert len(standin.requests) == total - kept < total
    assert set(assert_finished_files_sound(out)) >= EPISODE_FILES
    assert temp_files(out) == []


def _encoding_under_way(out: Path) -> bool:
    try:
        return any(p.stat().st_size > 0 for p in out.glob(".*.part"))
    except OSError:  # a temp file renamed or removed between glob and stat
        return False


def test_kill_during_encoding_leaves_no_broken_file_and_rerun_uses_cache(
    tmp_path: Path,
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    with GttsStandin() as standin:
        env = child_env(standin.env())
        proc = start_cli(*produce_args(out, cache, engine="gtts"), cwd=tmp_path, env=env)
        assert wait_until(lambda: _encoding_under_way(out), proc, timeout=60), "missed encoding"
        kill_run(proc)
        assert not {".mp3", ".json"} & {p.suffix for p in out.iterdir() if p.name[0] != "."}
        assert_finished_files_sound(out)
        leftovers = set(temp_files(out)) - {RESERVATION}
        assert leftovers and all(name.endswith(".part") for name in leftovers)

        standin.reset()
        result = run(produce_args(out, cache, engine="gtts"), tmp_path, env)

        assert result.returncode == 0, result.stderr
        assert standin.requests == []
    assert set(assert_finished_files_sound(out)) >= EPISODE_FILES
    # The killed run's temp files are hidden and harmless; once stale they are swept.
    fresh = set(temp_files(out))
    assert fresh and remove_stale_temps(out) == 0
    an_hour_ago = time.time() - 3600
    for name in fresh:
        os.utime(out / name, (an_hour_ago, an_hour_ago))
    assert remove_stale_temps(out, older_than_s=1800) == len(fresh)
    assert temp_files(out) == []
    assert set(assert_finished_files_sound(out)) >= EPISODE_FILES


# -- two runs at once ------------------------------------------------------------------------


def test_two_runs_of_one_episode_at_once_both_succeed(tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    procs = [start_cli(*produce_args(out, cache), cwd=tmp_path) for _ in range(2)]
    results = [proc.communicate(timeout=120) for proc in procs]

    for proc, (_, stderr) in zip(procs, results, strict=True):
        assert proc.returncode == 0, stderr
    names = set(assert_finished_files_sound(out))
    assert EPISODE_FILES | {"index.html", "player.js", "player.css"} <= names
    assert temp_files(out) == [] and temp_files(cache) == []


# -- full or read-only disks -----------------------------------------------------------------


@pytest.mark.parametrize(
    "size", ["200k", "1500k"], ids=["full-while-encoding", "full-while-joining"]
)
def test_full_output_disk_is_one_clear_error(tmp_path: Path, size: str) -> None:
    """The MP3 is about 950 KB: 200 KB fills up in the encoder, 1.5 MB when the parts
    (kept until then) are joined into the temp MP3."""
    with tmpfs(tmp_path / "small", f"size={size}") as out:
        result = run(produce_args(out, tmp_path / "cache"), tmp_path)
        line = assert_one_line_error(result, "no space left", str(out))
        assert ".part" not in line
        assert sorted(p.name for p in out.iterdir()) == []


def test_read_only_output_folder_is_one_clear_error(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "ro,size=1m") as out:
        for target in (out, out / "sub"):
            result = run(produce_args(target, tmp_path / "cache"), tmp_path)
            assert_one_line_error(result, "read-only", str(out))
            with pytest.raises(OutputError, match="Read-only file system"):
                ensure_writable_dir(target)
        assert sorted(p.name for p in out.iterdir()) == []


@pytest.mark.parametrize("options", ["size=64k", "ro,size=64k"], ids=["full", "read-only"])
def test_unwritable_cache_only_warns(tmp_path: Path, options: str) -> None:
    out = tmp_path / "out"
    with tmpfs(tmp_path / "cache", options) as cache:
        result = run(produce_args(out, cache), tmp_path)
        assert result.returncode == 0, result.stderr
        warnings = result.stderr.strip().splitlines()
        assert len(warnings) == 1 and "cache" in warnings[0], result.stderr
        assert temp_files(cache) == []
    assert set(assert_finished_files_sound(out)) >= EPISODE_FILES


# -- the JSON is the mark of a finished episode ----------------------------------------------


def test_failed_mp3_rename_leaves_no_json_claiming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The MP3 goes into place before its JSON; a JSON beside a stale MP3 would read as done."""
    out = tmp_path / "out"
    settings = settings_from_dict(
        {"engine": "espeak", "out_dir": str(out), "cache_dir": str(tmp_path / "cache")}
    )
    first = Producer(settings).produce(str(ARTICLE))
    assert first is not None
    faster = dataclasses.replace(settings, audio=dataclasses.replace(settings.audio, speed=1.5))
    real_replace = os.replace

    def replace_failing_for_mp3(src: str | Path, dst: str | Path) -> None:
        if str(dst).endswith(".mp3"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(src, dst)

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", replace_failing_for_mp3)
        with pytest.raises(OutputError, match="Input/output error"):
            Producer(faster).produce(str(ARTICLE))
    assert_finished_files_sound(out)  # the JSON still describes the MP3 beside it
    assert temp_files(out) == []

    remade = Producer(faster).produce(str(ARTICLE), force=False)

    assert remade is not None, "a stale MP3 was taken as up to date"
    assert remade.duration < first.duration * 0.8
    assert_finished_files_sound(out)


class FailsPartway:
    """Real espeak for the first chunks, then a fatal error: assembly is reading by then."""

    def __init__(self, good_chunks: int) -> None:
        self.inner = create_engine("espeak", EngineSettings())
        self.name, self.max_chars, self.default_jobs = "espeak", self.inner.max_chars, 1
        self.applies_speed = False
        self.voice_id = self.inner.voice_id
        self.good_chunks = good_chunks
        self.calls = 0

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        self.calls += 1
        if self.calls > self.good_chunks:
            raise EngineError("espeak: synthesis failed with status 1")
        return self.inner.synthesize(text)


def test_an_engine_failing_while_assembly_reads_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    settings = settings_from_dict({"engine": "espeak", "out_dir": str(out), "use_cache": False})
    engine = FailsPartway(good_chunks=5)
    with pytest.raises(EngineError, match="status 1"):
        Producer(settings, engine=engine).produce(str(ARTICLE))
    assert engine.calls == 6, "nothing is asked for after the failure"
    assert not out.exists(), "the output folder is made only when encoding starts"


# -- limits ----------------------------------------------------------------------------------


def test_input_size_limit_is_one_line_and_can_be_raised(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    body = "Hà Nội hôm nay trời nắng đẹp, người dân đi làm sớm. " * 6
    article.write_text(f"Tin thời tiết\n{body}\n", encoding="utf-8")
    huge = tmp_path / "huge.txt"
    huge.write_text("Tin dài\n" + "chữ " * 60_000 + "\n", encoding="utf-8")  # 240,009 chars
    out = tmp_path / "out"
    espeak = ["--engine", "espeak", "-o", str(out), "--cache-dir", str(tmp_path / "cache")]

    too_long = run(["produce", str(huge), *espeak], tmp_path)
    assert_one_line_error(too_long, "too large", "200,000 characters", "--max-chars")
    assert not (tmp_path / "cache").exists(), "refused before anything was synthesized"
    lowered = run(["produce", str(article), *espeak, "--max-chars", "100"], tmp_path)
    assert_one_line_error(lowered, "too large", "100 characters")
    assert not out.exists()

    raised = run(["clean", str(huge), "--max-chars", "300000"], tmp_path)
    assert raised.returncode == 0, raised.stderr
    assert raised.stdout.count("chữ") == 60_000


@pytest.fixture(scope="module")
def article_site() -> Iterator[Site]:
    with serving() as site:
        yield site


@pytest.mark.usefixtures("allow_private_hosts")
@pytest.mark.parametrize("path", ["/big", "/big-chunked"], ids=["declared", "chunked"])
def test_download_size_limit_is_one_line(tmp_path: Path, article_site: Site, path: str) -> None:
    out = tmp_path / "out"
    result = run(
        ["produce", article_site.url + path, "--engine", "espeak", "-o", str(out),
         "--max-download", "100000"],
        tmp_path,
    )  # fmt: skip
    assert_one_line_error(result, "download limit", "100,000 bytes")
    assert not out.exists()


@pytest.mark.usefixtures("allow_private_hosts")
def test_download_limit_can_be_raised(tmp_path: Path, article_site: Site) -> None:
    page = article_site.url + "/page.html"  # 113 KB of HTML
    allowed = run(["clean", page, "--max-download", "200000"], tmp_path)
    assert allowed.returncode == 0, allowed.stderr
    assert len(allowed.stdout.splitlines()) > 5


@pytest.mark.usefixtures("allow_private_hosts")
@pytest.mark.parametrize(
    ("path", "timeout"), [("/slow", "0.5"), ("/drip", "1")], ids=["no-answer", "dripping"]
)
def test_download_timeout_is_one_line_and_quick(
    tmp_path: Path, article_site: Site, path: str, timeout: str
) -> None:
    out = tmp_path / "out"
    result = run(
        ["produce", article_site.url + path, "--engine", "espeak", "-o", str(out),
         "--timeout", timeout],
        tmp_path,
    )  # fmt: skip
    assert_one_line_error(result, "cannot fetch", "time")
    assert article_site.left_early(path), "the run gave up before the server was done"
    assert not out.exists()


# -- Google out of reach ---------------------------------------------------------------------


def test_gtts_out_of_reach_fails_fast_with_one_line(tmp_path: Path) -> None:
    """A proxy port nobody listens on, and a proxy that cannot reach Google: both runs at once."""
    dead = f"http://127.0.0.1:{closed_port()}"
    with GttsStandin(refuse=True) as refusing:
        envs = {
            "dead-proxy": child_env({"HTTPS_PROXY": dead, "https_proxy": dead}),
            "refusing-proxy": child_env(refusing.env()),
        }
        procs = {
            name: start_cli(
                *produce_args(tmp_path / name, tmp_path / "cache", engine="gtts"),
                cwd=tmp_path,
                env=env,
            )
            for name, env in envs.items()
        }
        for name, proc in procs.items():
            stdout, stderr = proc.communicate(timeout=90)
            result = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
            assert_one_line_error(result, "gtts", "unreachable")  # its probe, before any text
            assert not (tmp_path / name).exists()
        assert refusing.requests == []
        # Fast = few tries: the probe is refused and no article text is ever sent.
        assert refusing.refused_tunnels == 1


class SpeaksAtItsOwnRate:
    """Real espeak that claims rate control: told the speed, it says the text as given."""

    applies_speed = True

    def __init__(self) -> None:
        self.inner = create_engine("espeak", EngineSettings())
        self.name, self.max_chars, self.default_jobs = "espeak", self.inner.max_chars, 1
        self.voice_id = self.inner.voice_id + " rate-control"
        self.speeds: set[float] = set()

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        self.speeds.add(speed)
        return self.inner.synthesize(text)


def test_assembly_does_not_stretch_what_an_engine_spoke_at_the_speed(tmp_path: Path) -> None:
    def made(speed: float, engine: object | None, out: str) -> float:
        settings = settings_from_dict(
            {"engine": "espeak", "out_dir": str(tmp_path / out), "use_cache": False}
        )
        settings = dataclasses.replace(settings, audio=AudioSettings(speed=speed))
        episode = Producer(settings, engine=engine).produce(str(ARTICLE))  # type: ignore[arg-type]
        assert episode is not None
        return episode.duration

    own_rate = SpeaksAtItsOwnRate()
    told = made(1.5, own_rate, "told")
    assert own_rate.speeds == {1.5}
    normal = made(1.0, None, "normal")
    stretched = made(1.5, None, "stretched")
    assert abs(told - normal) < 0.05 * normal
    assert stretched < 0.8 * normal


def test_ctrl_c_during_encoding_leaves_no_temp_files(tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    with GttsStandin() as standin:
        env = child_env(standin.env())
        proc = start_cli(*produce_args(out, cache, engine="gtts"), cwd=tmp_path, env=env)
        assert wait_until(lambda: _encoding_under_way(out), proc, timeout=60), "missed encoding"
        proc.send_signal(signal.SIGINT)  # what Ctrl+C sends to the command
        _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert temp_files(out) == []


def test_the_sweep_removes_only_temp_files_we_name(tmp_path: Path) -> None:
    ours = [
        ".tin.mp3.ab12cd_x.part",
        ".tin.json.0123456789ab.part",
        ".tin.mp3.ab12cd_x.part.1.part",
    ]
    theirs = [".download.part", ".video.mkv.part", ".Notes.txt.ABCDEFGH.part"]
    an_hour_ago = time.time() - 7200
    for name in ours + theirs:
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (an_hour_ago, an_hour_ago))
    assert remove_stale_temps(tmp_path) == len(ours)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(theirs)
