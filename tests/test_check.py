"""The listening check with the real recognizer: natural speech passes; a real espeak episode
made by the real pipeline is understood, and copies of it with a silenced, a swapped and a
truncated segment are flagged; the command prints, writes its report and gates publishing.

Natural speech: ``tests/data/natural/`` (six clips of the vieneu package, Apache-2.0; see the
README there).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("vietasr", reason="the check extra is not installed: pip install -e '.[check]'")

from audio_news.listen.check import EpisodeCheck, check_episode
from audio_news.listen.recognizer import SAMPLE_RATE, load_recognizer
from audio_news.listen.report import REPORT_VERSION, write_report
from audio_news.pipeline import produce
from audio_news.text.normalize import Normalizer
from support.helpers import DATA, FFMPEG, run_cli

NATURAL = DATA / "natural"
ARTICLE = """Mưa lớn ở Đà Nẵng

Cơn mưa lớn kéo dài từ khoảng ba giờ sáng đã khiến nước ngập nhiều tuyến phố ở Đà Nẵng.
Nhà thờ trên khắp cả nước rực rỡ ánh đèn đón người dân đến làm lễ, vui chơi.
Cụ thể, một số thương nhân đầu mối báo cáo về kho chứa xăng dầu chưa đúng với thực tế.
Sự kiện có sự tham gia và ủng hộ của đông đảo khách mời và loạt sao Việt đình đám.
Hai bên đã hoàn tất thủ tục đăng bộ sang tên cho căn nhà này.
"""
SWAPPED, FROM, SILENCED, TRUNCATED = 1, 3, 2, 4


def listen(json_path: Path) -> EpisodeCheck:
    return check_episode(json_path, load_recognizer(), Normalizer().normalize)


def _pcm(mp3: Path) -> bytearray:
    args = [FFMPEG, "-v", "error", "-i", str(mp3), "-ac", "1", "-ar", str(SAMPLE_RATE)]
    return bytearray(subprocess.run([*args, "-f", "s16le", "-"], capture_output=True).stdout)


def _encode(pcm: bytes, mp3: Path) -> None:
    raw = ["-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "-"]
    cmd = [FFMPEG, "-v", "error", "-y", *raw, "-c:a", "libmp3lame", "-b:a", "64k", str(mp3)]
    subprocess.run(cmd, input=bytes(pcm), check=True)


def _span(document: dict[str, object], index: int) -> slice:
    segment = document["segments"][index]  # type: ignore[index]
    return slice(round(segment["start"] * SAMPLE_RATE) * 2, round(segment["end"] * SAMPLE_RATE) * 2)


def corrupted_copy(json_path: Path, folder: Path, faults: tuple[str, ...]) -> Path:
    """A copy of the episode with some segments' audio broken as ``faults`` say."""
    folder.mkdir()
    document = json.loads(json_path.read_text(encoding="utf-8"))
    pcm = _pcm(json_path.parent / document["audio"])
    if "silence" in faults:
        at = _span(document, SILENCED)
        pcm[at] = bytes(at.stop - at.start)
    if "swap" in faults:
        at, source = _span(document, SWAPPED), _span(document, FROM)
        moved = pcm[source][: at.stop - at.start]
        pcm[at] = moved + bytes(at.stop - at.start - len(moved))
    if "truncate" in faults:
        at = _span(document, TRUNCATED)
        keep = at.start + (at.stop - at.start) * 2 // 5 // 2 * 2
        pcm[keep : at.stop] = bytes(at.stop - keep)
    _encode(pcm, folder / document["audio"])
    target = folder / json_path.name
    shutil.copyfile(json_path, target)
    return target


@pytest.fixture(scope="module")
def espeak_episode(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("listen")
    article = work / "mua.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    episode = produce(str(article), out_dir=str(work / "out"), engine="espeak", use_cache=False)
    return Path(episode.json_path)


@pytest.fixture(scope="module")
def broken(espeak_episode: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("broken") / "out"
    return corrupted_copy(espeak_episode, folder, ("silence", "swap", "truncate"))


@pytest.fixture(scope="module")
def broken_check(broken: Path) -> EpisodeCheck:
    return listen(broken)


def test_natural_speech_passes(tmp_path: Path) -> None:
    shutil.copytree(NATURAL, tmp_path / "natural")
    result = listen(tmp_path / "natural" / "vieneu.json")
    assert result.flagged == (), [(s.index, s.flags, s.comparison.heard) for s in result.segments]
    assert result.rate < 0.25
    assert result.words == 89, "19 counts as two spoken words, mười chín"
    assert not result.fails(0.25)


def test_espeak_episode_is_understood(espeak_episode: Path) -> None:
    result = listen(espeak_episode)
    assert len(result.segments) == 6
    assert not any(s.faulty for s in result.segments), [(s.index, s.flags) for s in result.segments]
    assert result.rate < 0.8
    assert 0 < result.real_time_factor < 3


def test_silenced_swapped_and_truncated_segments_are_flagged(broken_check: EpisodeCheck) -> None:
    result = broken_check
    flags = {s.index: s.flags for s in result.segments}
    assert "silent" in flags[SILENCED]
    assert "other" in flags[SWAPPED]
    assert result.segments[SWAPPED].sounds_like == FROM
    assert "short" in flags[TRUNCATED]
    for index in set(flags) - {SILENCED, SWAPPED, TRUNCATED}:
        assert not result.segments[index].faulty, (index, flags[index])
    assert result.fails(1.0), "a fault fails any gate"


def test_report_beside_the_episode(broken: Path, broken_check: EpisodeCheck) -> None:
    result = broken_check
    path = write_report(result)
    assert path == broken.with_name(broken.stem + ".check.json")
    report = json.loads(path.read_text(encoding="utf-8"))
    assert report["version"] == REPORT_VERSION
    assert report["audio"] == result.episode.audio
    assert report["engine"] == "espeak"
    assert report["wer"] == round(result.rate, 4)
    assert set(report["faults"]) == {SILENCED, SWAPPED, TRUNCATED}
    silenced = report["segments"][SILENCED]
    assert silenced["heard"] == "" and silenced["wer"] == 1.0 and silenced["flags"] == ["silent"]
    assert report["segments"][SWAPPED]["sounds_like"] == FROM
    assert not list(path.parent.glob(".*.part"))


def test_command_prints_writes_and_gates(espeak_episode: Path, tmp_path: Path) -> None:
    silenced = corrupted_copy(espeak_episode, tmp_path / "silenced", ("silence",))
    good_mp3 = espeak_episode.with_suffix(".mp3")
    result = run_cli(
        "check", str(good_mp3), str(silenced.with_suffix(".mp3")), "--fail-over", "0.95",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stdout.count("episode WER") == 2
    assert "silent" in result.stdout
    errors = result.stderr.strip().splitlines()
    assert errors == [f"error: {silenced.stem}.mp3: faulty segments #{SILENCED}"], result.stderr
    for json_path in (espeak_episode, silenced):
        assert json_path.with_name(json_path.stem + ".check.json").is_file()


def test_recognizer_logs_only_when_asked(tmp_path: Path) -> None:
    shutil.copytree(NATURAL, tmp_path / "natural")
    quiet = run_cli("check", "natural", "--fail-over", "0.3", cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    assert "report: natural/vieneu.check.json" in quiet.stdout
    loud = run_cli("check", "natural/vieneu.mp3", "--verbose", cwd=tmp_path)
    assert loud.returncode == 0, loud.stderr
    assert "[vietasr]" in loud.stderr


def test_produce_check_reports_each_episode(tmp_path: Path) -> None:
    article = tmp_path / "tin.txt"
    article.write_text("Tin ngắn\n\nHai bên đã hoàn tất thủ tục đăng bộ sang tên.\n", "utf-8")
    result = run_cli("produce", str(article), "--engine", "espeak", "--check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "episode WER" in result.stdout
    assert "[vietasr]" not in result.stderr
    assert (tmp_path / "output" / "tin-ngan.check.json").is_file()
