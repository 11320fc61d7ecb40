"""End to end: the seed article in, a tagged, loudness-normalized MP3 and sidecars out."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode

from support.helpers import (
    SEED,
    SEED_SLUG,
    assert_valid_episode_file,
    ebur128,
    make_cover_png,
    run_cli,
    vtt_cues,
)

CAPTIONS = (
    "Các đại biểu dự Hội nghị tại điểm cầu tỉnh Bắc Kạn.",
    "Quang cảnh Hội nghị tại điểm cầu tỉnh Bắc Kạn.",
)


@pytest.fixture(scope="module")
def seed_episode(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    work = tmp_path_factory.mktemp("e2e")
    cover = make_cover_png(work / "cover.png")
    result = run_cli(
        "produce",
        str(SEED),
        "--engine",
        "espeak",
        "--artist",
        "Báo Bắc Kạn",
        "--album",
        "Tin tức",
        "--date",
        "2023-12-28",
        "--cover",
        str(cover),
        "--cache-dir",
        str(work / "cache"),
        cwd=work,
    )
    assert result.returncode == 0, result.stderr
    return work / "output", result.stdout


def test_seed_mp3_is_podcast_ready(seed_episode: tuple[Path, str]) -> None:
    out, _ = seed_episode
    mp3 = out / f"{SEED_SLUG}.mp3"
    audio = MP3(mp3)
    assert audio.info.sample_rate == 44100
    assert audio.info.channels == 1
    assert audio.info.bitrate == 64000
    assert audio.info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)
    assert 120 <= audio.info.length <= 900
    integrated, peak = ebur128(mp3)
    assert -17.0 <= integrated <= -15.0
    assert peak <= -1.0


def test_seed_mp3_has_id3v23_frames(seed_episode: tuple[Path, str]) -> None:
    out, _ = seed_episode
    tags = ID3(out / f"{SEED_SLUG}.mp3")
    assert tags.version == (2, 3, 0)
    assert (
        str(tags["TIT2"]) == "Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng năm 2023"
    )
    assert str(tags["TPE1"]) == "Báo Bắc Kạn"
    assert str(tags["TALB"]) == "Tin tức"
    assert str(tags["TCON"]) == "Podcast"
    assert str(tags["TLAN"]) == "vie"
    assert "2023" in str(tags.get("TYER") or tags.get("TDRC"))
    assert tags.getall("COMM")[0].text[0].startswith("Sáng 28/12, tại Hà Nội")
    transcript = tags.getall("USLT")[0].text
    assert "khóa XIV" in transcript and "khóa mười bốn" not in transcript, "written, not spoken"
    assert "khóa mười bốn" in str(tags["TXXX:spoken"])
    assert abs(int(str(tags["TLEN"])) / 1000 - MP3(out / f"{SEED_SLUG}.mp3").info.length) < 0.1
    (synced,) = tags.getall("SYLT")
    assert synced.format == 2 and len(synced.text) == 28
    assert synced.text[1][0].startswith("Sáng 28/12") and synced.text[1][1] > 0
    assert [ms for _, ms in synced.text] == sorted(ms for _, ms in synced.text)
    (toc,) = tags.getall("CTOC")
    chapters = [tags[f"CHAP:{element}"] for element in toc.child_element_ids]
    assert chapters and chapters[0].start_time == 0
    assert chapters[-1].end_time == int(str(tags["TLEN"]))
    assert str(tags["TXXX:engine"]) == "espeak"
    assert re.fullmatch(r"[0-9a-f]{64}", str(tags["TXXX:source_sha256"]))
    assert tags.getall("APIC")[0].mime == "image/png"


def test_seed_sidecars_match_audio(seed_episode: tuple[Path, str]) -> None:
    out, _ = seed_episode
    document = assert_valid_episode_file(out / f"{SEED_SLUG}.json")
    assert (document["artist"], document["album"], document["date"]) == (
        "Báo Bắc Kạn",
        "Tin tức",
        "2023-12-28",
    )
    duration = MP3(out / f"{SEED_SLUG}.mp3").info.length
    assert document["title"].startswith("Hội nghị toàn quốc")
    assert abs(document["duration"] - duration) < 0.1
    segments = document["segments"]
    assert segments[0]["paragraph"] == 0
    assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(segments))
    assert segments[0]["start"] >= 0 and segments[-1]["end"] <= duration + 0.05
    assert not any(caption in s["text"] for s in segments for caption in CAPTIONS)
    cues = vtt_cues((out / f"{SEED_SLUG}.vtt").read_text(encoding="utf-8"))
    assert len(cues) > len(segments), "long sentences are cut into several cues"
    for start, end, lines in cues:
        assert 1 <= len(lines) <= 2 and all(len(line) <= 42 for line in lines), lines
        assert 0 <= end - start <= 7.0
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(cues))
    assert cues[-1][1] <= duration + 0.05


def test_output_folder_holds_only_finished_files(seed_episode: tuple[Path, str]) -> None:
    out, _ = seed_episode
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.startswith(".") or n.endswith(".part")]
    for ext in (".mp3", ".json", ".vtt", ".html"):
        assert f"{SEED_SLUG}{ext}" in names


def test_script_speaks_title_then_clean_body(tmp_path: Path) -> None:
    result = run_cli("script", str(SEED), "--engine", "gtts", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng năm")
    assert all(0 < len(line) <= 100 for line in lines)
    text = " ".join(lines)
    for junk in ("0:00", "Xem thêm", "BBK", *CAPTIONS):
        assert junk not in text
    assert not re.search(r"\d", text)
    assert "khóa mười bốn" in text


def test_script_holds_every_body_paragraph_in_order(tmp_path: Path) -> None:
    result = run_cli("script", str(SEED), "--engine", "gtts", cwd=tmp_path)
    spoken = iter(re.findall(r"\w+", result.stdout.lower()))
    body = [line for line in SEED.read_text(encoding="utf-8").splitlines()[1:] if len(line) > 80]
    for paragraph in body:
        for word in re.findall(r"\w+", paragraph):
            if re.search(r"\d", word) or (word.isupper() and len(word) > 1):
                continue  # read aloud as other words by the normalizer
            assert word.lower() in spoken, f"missing or out of order: {word!r}"


def test_bad_input_is_one_line_and_nonzero(tmp_path: Path) -> None:
    missing = run_cli("produce", "no-such-article.txt", "--engine", "espeak", cwd=tmp_path)
    assert missing.returncode != 0
    assert len(missing.stderr.strip().splitlines()) == 1
    assert "Traceback" not in missing.stderr
    empty = run_cli("produce", "-", "--engine", "espeak", cwd=tmp_path, stdin=b"   \n")
    assert empty.returncode != 0
    assert len(empty.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "output").exists() or not any((tmp_path / "output").iterdir())


def test_python_api_takes_paths(tmp_path: Path) -> None:
    import audio_news

    article = tmp_path / "tin.txt"
    article.write_text("Mưa lớn ở Hà Nội\n\nChiều nay Hà Nội có mưa lớn.\n", encoding="utf-8")
    episode = audio_news.produce(article, tmp_path / "out", engine="espeak", quiet=True)
    mp3 = Path(episode.mp3_path)
    assert mp3.parent == tmp_path / "out" and mp3.name == "mua-lon-o-ha-noi.mp3"
    assert abs(MP3(mp3).info.length - episode.duration) < 0.1
