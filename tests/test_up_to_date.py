"""When a re-run may skip an episode, on real ``audio-news produce`` runs with espeak: every
input file counts by its bytes, every file the episode owns must be there, and a run that
failed part-way is finished by the next one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from mutagen.id3 import ID3

from support.fault_helpers import assert_finished_files_sound, assert_one_line_error
from support.helpers import FFMPEG, run_cli

SLUG = "tin-thu-tp-hcm"
LEXICON = '[words]\n"TP.HCM" = "{spoken}"\n'


def _picture(path: Path, colour: str) -> Path:
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
         f"color=c={colour}:s=64x64", "-frames:v", "1", "-y", str(path)],
        check=True,
    )  # fmt: skip
    return path


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text("Tin thử TP.HCM\n\nHôm nay TP.HCM có mưa.\n", encoding="utf-8")
    (tmp_path / "lex.toml").write_text(LEXICON.format(spoken="Thành phố"), encoding="utf-8")
    _picture(tmp_path / "cover.png", "darkred")
    return tmp_path


def _produce(folder: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "produce", "a.txt", "--engine", "espeak", "-o", "out", "--cache-dir", "cache",
        "--lexicon", "lex.toml", "--cover", "cover.png", *more, cwd=folder,
    )  # fmt: skip


def _made(result: subprocess.CompletedProcess[str]) -> bool:
    """Whether the run made or completed the episode (it prints a line per episode made)."""
    assert result.returncode == 0, result.stderr
    return f"{SLUG}.mp3" in result.stdout


def _mp3_identity(out: Path) -> tuple[int, int]:
    """The MP3 file as the filesystem knows it: a new one after it was made again."""
    status = (out / f"{SLUG}.mp3").stat()
    return status.st_ino, status.st_mtime_ns


def _spoken(out: Path) -> str:
    document = json.loads((out / f"{SLUG}.json").read_text(encoding="utf-8"))
    return " ".join(segment["spoken"] for segment in document["segments"])


def test_an_edited_lexicon_or_replaced_cover_makes_the_episode_again(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = folder / "out"
    assert _made(_produce(folder))
    assert "Thành phố" in _spoken(out)
    skipped = _produce(folder)
    assert not _made(skipped) and "up to date, skipped" in skipped.stderr
    before = _mp3_identity(out)

    (folder / "lex.toml").write_text(LEXICON.format(spoken="Sài Gòn"), encoding="utf-8")
    assert _made(_produce(folder)), "an edited lexicon left the episode up to date"
    assert "Sài Gòn" in _spoken(out) and "Thành phố" not in _spoken(out)
    assert _mp3_identity(out) != before
    before = _mp3_identity(out)

    old_cover = (folder / "cover.png").read_bytes()
    _picture(folder / "cover.png", "navy")  # the same path, other bytes
    new_cover = (folder / "cover.png").read_bytes()
    assert new_cover != old_cover
    assert _made(_produce(folder)), "a replaced cover left the episode up to date"
    assert ID3(out / f"{SLUG}.mp3").getall("APIC")[0].data == new_cover
    assert _mp3_identity(out) != before
    assert not _made(_produce(folder))
    assert_finished_files_sound(out)


def test_deleted_files_of_an_episode_are_made_again_without_its_audio(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = folder / "out"
    assert _made(_produce(folder))
    audio = _mp3_identity(out)
    owned = [f"{SLUG}.vtt", f"{SLUG}.html", "index.html", f"{SLUG}.transcript.json", "player.js"]
    originals = {name: (out / name).read_bytes() for name in owned}

    for name in owned:
        (out / name).unlink()
        result = _produce(folder)
        if name == "index.html":  # the folder's, not the episode's: written again all the same
            assert not _made(result)
            assert "the folder's index is written again" in result.stderr, result.stderr
        else:
            assert _made(result), f"{name} deleted, yet the episode was up to date"
            assert "made again" in result.stderr, result.stderr
        assert (out / name).read_bytes() == originals[name], name
        assert _mp3_identity(out) == audio, f"{name} missing made the audio again"
    skipped = _produce(folder)
    assert not _made(skipped) and "up to date, skipped" in skipped.stderr
    assert_finished_files_sound(out)


def test_an_index_that_failed_after_the_json_is_written_by_the_next_run(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = folder / "out"
    (out / "index.html").mkdir(parents=True)  # a real fault: a folder where the file goes

    failed = _produce(folder)

    assert_one_line_error(failed, "index.html")
    assert (out / f"{SLUG}.json").is_file(), "the episode itself was complete"
    audio = _mp3_identity(out)
    (out / "index.html").rmdir()
    again = _produce(folder)
    assert not _made(again), "the episode lacked nothing of its own"
    assert "the folder's index is written again" in again.stderr
    assert 'data-episode="tin-thu-tp-hcm.json"' in (out / "index.html").read_text("utf-8")
    assert _mp3_identity(out) == audio
    assert not _made(_produce(folder))


def test_a_page_that_failed_leaves_no_json_and_the_next_run_finishes(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = folder / "out"
    (out / f"{SLUG}.html").mkdir(parents=True)

    failed = _produce(folder)

    assert_one_line_error(failed, f"{SLUG}.html")
    assert not (out / f"{SLUG}.json").exists(), "a JSON says the episode is complete"
    shutil.rmtree(out / f"{SLUG}.html")
    assert _made(_produce(folder))
    assert {f"{SLUG}.json", f"{SLUG}.html", "index.html"} <= set(os.listdir(out))
    assert not _made(_produce(folder))
    assert_finished_files_sound(out)
