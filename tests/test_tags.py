"""ID3v2.3 tags written on a real MP3 and read back with mutagen."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from audio_news.errors import ConfigError
from audio_news.output.tags import TagData, cover_picture, write_tags

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
"""A complete 1x1 PNG."""
JPEG = b"\xff\xd8\xff\xe0" + bytes(64) + b"\xff\xd9"  # SOI, padding, EOI


@pytest.fixture
def mp3(tmp_path: Path) -> Path:
    path = tmp_path / "tone.mp3"
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i"]
    cmd += ["sine=frequency=440:duration=1", "-ar", "44100", "-ac", "1", "-b:a", "64k"]
    subprocess.run([*cmd, str(path)], check=True)
    return path


def _tags(cover: Path | None = None, **kw: str | None) -> TagData:
    picture = cover_picture(cover) if cover is not None else None
    values: dict[str, str | None] = {
        "title": "Hội nghị toàn quốc",
        "artist": "Báo Bắc Kạn",
        "album": "Tin tức",
        "date": "2023-12-28",
        "summary": "Sáng 28/12, hội nghị tổng kết.",
        "transcript": "Hội nghị toàn quốc.\nSáng 28/12, hội nghị tổng kết.",
        "engine": "espeak",
        "source_sha256": "ab" * 32,
    } | kw
    return TagData(cover=picture, **values)  # type: ignore[arg-type]


def test_frames_round_trip_as_id3v23(mp3: Path, tmp_path: Path) -> None:
    cover = tmp_path / "cover.png"
    cover.write_bytes(PNG)
    write_tags(mp3, _tags(cover))
    raw = ID3(mp3, translate=False)
    assert raw.version == (2, 3, 0)
    assert (str(raw["TYER"]), str(raw["TDAT"])) == ("2023", "2812")
    id3 = ID3(mp3)
    assert str(id3["TIT2"]) == "Hội nghị toàn quốc"
    assert str(id3["TPE1"]) == "Báo Bắc Kạn"
    assert str(id3["TALB"]) == "Tin tức"
    assert str(id3["TDRC"]) == "2023-12-28"
    assert str(id3["TCON"]) == "Podcast"
    assert str(id3["TLAN"]) == "vie"
    comm = id3.getall("COMM")[0]
    assert (comm.lang, str(comm)) == ("vie", "Sáng 28/12, hội nghị tổng kết.")
    uslt = id3.getall("USLT")[0]
    assert uslt.lang == "vie" and uslt.text.endswith("hội nghị tổng kết.")
    assert str(id3["TXXX:engine"]) == "espeak"
    assert str(id3["TXXX:source_sha256"]) == "ab" * 32
    apic = id3.getall("APIC")[0]
    assert (apic.mime, apic.type, apic.data) == ("image/png", 3, PNG)
    assert MP3(mp3).info.length == pytest.approx(1.0, abs=0.1)


def test_retagging_replaces_and_optional_frames_are_left_out(mp3: Path, tmp_path: Path) -> None:
    cover = tmp_path / "cover.jpg"
    cover.write_bytes(JPEG)
    write_tags(mp3, _tags(cover))
    write_tags(mp3, _tags(None, artist=None, album=None, title="Khác"))
    id3 = ID3(mp3)
    assert str(id3["TIT2"]) == "Khác"
    assert "TPE1" not in id3 and "TALB" not in id3
    assert not id3.getall("APIC")


def test_a_cover_that_is_not_a_picture_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "cover.png"
    bad.write_text("not a picture")
    with pytest.raises(ConfigError, match="JPEG or PNG"):
        cover_picture(bad)
    with pytest.raises(ConfigError, match="cannot read cover"):
        cover_picture(tmp_path / "missing.jpg")


@pytest.mark.parametrize("cut", [20, 40, len(PNG) - 4])
def test_a_cover_cut_short_is_a_config_error(tmp_path: Path, cut: int) -> None:
    truncated = tmp_path / "cover.png"
    truncated.write_bytes(PNG[:cut])
    with pytest.raises(ConfigError, match="cut short"):
        cover_picture(truncated)
    jpeg = tmp_path / "cover.jpg"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
    with pytest.raises(ConfigError, match="cut short"):
        cover_picture(jpeg)


def test_a_device_as_cover_is_refused_before_it_is_read() -> None:
    with pytest.raises(ConfigError, match="not a regular file"):
        cover_picture(Path("/dev/zero"))
