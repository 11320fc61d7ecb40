"""``produce`` as gtts-cli and edge-tts users expect it: ``-o NAME.mp3``, ``-o -``, ``--text``,
and dates written the Vietnamese way."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from audio_news.config import parse_date
from audio_news.errors import ConfigError
from support.helpers import SEED, run_cli

TEXT = "Xin chào quý vị. Hôm nay trời Hà Nội nắng nhẹ, gió mùa đã về."


def _produce(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("produce", *args, "--engine", "espeak", "--no-cache", "-q", cwd=cwd)


def test_o_name_mp3_names_the_file_and_its_sidecars(tmp_path: Path) -> None:
    made = _produce(str(SEED), "-o", "tin/ban-tin.mp3", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    names = {p.name for p in (tmp_path / "tin").iterdir()}
    assert {"ban-tin.mp3", "ban-tin.json", "ban-tin.vtt", "ban-tin.html"} <= names
    assert json.loads((tmp_path / "tin" / "ban-tin.json").read_bytes())["audio"] == "ban-tin.mp3"
    assert not (tmp_path / "tin" / "ban-tin.mp3").is_dir()


def test_o_dash_writes_only_the_mp3_to_stdout(tmp_path: Path) -> None:
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "audio_news",
            "produce",
            "--text",
            TEXT,
            "-o",
            "-",
            "--engine",
            "espeak",
            "--no-cache",
            "--date",
            "28/12/2023",
        ],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout[:3] == b"ID3"
    (tmp_path / "s.mp3").write_bytes(made.stdout)
    assert MP3(tmp_path / "s.mp3").info.length > 2
    tags = ID3(tmp_path / "s.mp3")
    assert str(tags["TIT2"]) == "Xin chào quý vị."
    assert "2023" in str(tags.get("TYER") or tags.get("TDRC"))
    assert list(tmp_path.iterdir()) == [tmp_path / "s.mp3"], "nothing else left behind"


def test_text_is_spoken_title_first(tmp_path: Path) -> None:
    made = _produce("--text", TEXT, "-o", "out", "--date", "ngày 2 tháng 9 năm 2024", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    (document,) = [
        json.loads(p.read_bytes())
        for p in (tmp_path / "out").glob("*.json")
        if p.name.count(".") == 1
    ]
    assert document["title"] == "Xin chào quý vị."
    assert document["paragraphs"][1] == "Hôm nay trời Hà Nội nắng nhẹ, gió mùa đã về."
    assert document["date"] == "2024-09-02"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text", "Xin chào."], "at least two sentences"),
        (["--text", TEXT, str(SEED)], "not both"),
        ([], "missing ARTICLE"),
        ([str(SEED), str(SEED), "-o", "x.mp3"], "exactly one article"),
        ([str(SEED), "--date", "31/02/2024"], "no such date"),
        ([str(SEED), "--date", "hôm qua"], "YYYY-MM-DD or DD/MM/YYYY"),
        ([str(SEED), "-o", ""], "not an empty name"),
        ([str(SEED), "-o", "out/index.mp3"], "the output folder's own files use that name"),
        ([str(SEED), "-o", "Feed.mp3"], "the output folder's own files use that name"),
    ],
)
def test_misuse_is_one_line_on_stderr(tmp_path: Path, args: list[str], message: str) -> None:
    made = _produce(*args, cwd=tmp_path)
    assert made.returncode != 0
    assert made.stderr.startswith("error: ") and message in made.stderr
    assert len(made.stderr.strip().splitlines()) == 1, made.stderr
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2023-12-28", "2023-12-28"),
        ("28/12/2023", "2023-12-28"),
        ("1-2-2024", "2024-02-01"),
        ("28.12.2023", "2023-12-28"),
        ("ngày 28 tháng 12 năm 2023", "2023-12-28"),
        ("Ngày 5 tháng 1, năm 2024", "2024-01-05"),
    ],
)
def test_dates_vietnamese_write(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["12/28/2023", "28/12/23", "2023/12/28", "", "ngày mai"])
def test_dates_that_are_not(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_date(text)


@pytest.mark.parametrize("title", ["Index", "FEED", "Player", "Cover", "favicon"])
def test_a_title_named_like_the_folders_own_files_gets_another_name(
    tmp_path: Path, title: str
) -> None:
    article = tmp_path / "tin.txt"
    article.write_text(f"{title}\n\nChiều nay Hà Nội có mưa lớn.\n", encoding="utf-8")
    made = _produce(str(article), "-o", "out", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    slug = title.lower()
    assert (tmp_path / "out" / f"{slug}-episode.mp3").is_file()
    assert not (tmp_path / "out" / f"{slug}.json").exists()
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert f"{slug}-episode.html" in index
