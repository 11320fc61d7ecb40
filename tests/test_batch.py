"""Batches: many articles or a folder in, one MP3 each; failures, re-runs and same-title articles.

Everything runs the real command (``python -m audio_news produce``) with the real espeak-ng
voice and reads the results back with mutagen and the JSON sidecars.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from mutagen.mp3 import MP3

from support.helpers import DATA, run_cli, vtt_cues

ARTICLE_SUFFIXES = (".txt", ".md", ".html")
SMALL = (
    DATA / "dantri_2022-12-24_photostory-giang-sinh.html",
    DATA / "text_vietnamnet_2024-11-05_mua-ngap-da-nang.md",
)


EXPECTED_PAIR = {"first.txt": "mua-lon-o-da-nang.mp3", "second.txt": "mua-lon-o-da-nang-2.mp3"}


def produce(*args: str, cwd: Path) -> tuple[int, str, str]:
    result = run_cli("produce", *args, "--engine", "espeak", "--cache-dir", "cache", cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout, result.stderr


def episodes(out: Path) -> dict[str, str]:
    """Each episode's MP3 file name by the source its JSON sidecar names."""
    found: dict[str, str] = {}
    for sidecar in sorted(out.glob("*.json")):
        if sidecar.name.endswith((".chapters.json", ".transcript.json")):
            continue
        document = json.loads(sidecar.read_text(encoding="utf-8"))
        mp3 = out / document["audio"]
        assert mp3.is_file() and mp3.stem == sidecar.stem
        assert document["source"] not in found, f"two episodes of {document['source']}"
        found[document["source"]] = mp3.name
    return found


def duration(mp3: Path) -> float:
    info: Any = MP3(mp3).info  # type: ignore[no-untyped-call]
    return float(info.length)


def mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}


def summary(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.endswith(" failed")]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.slow
def test_whole_corpus_makes_one_mp3_per_article_then_skips_it(tmp_path: Path) -> None:
    articles = sorted(p for p in DATA.iterdir() if p.suffix in ARTICLE_SUFFIXES)
    out = tmp_path / "out"
    started = time.perf_counter()
    code, stdout, stderr = produce(str(DATA), "-o", str(out), "--jobs", "2", cwd=tmp_path)
    seconds = time.perf_counter() - started
    assert code == 0, stderr
    assert summary(stderr) == f"{len(articles)} made, 0 up to date, 0 failed"
    assert len(stdout.splitlines()) == len(articles)

    made = episodes(out)
    assert set(made) == {p.name for p in articles}
    assert len(list(out.glob("*.mp3"))) == len(articles)
    for mp3 in made.values():
        assert duration(out / mp3) > 20
    same_title = [
        made["player_tuoitre_2024-05-17_truong-thi-mai.txt"],
        made["text_tuoitre_2024-05-17_truong-thi-mai.md"],
    ]
    slug = "trung-uong-dang-dong-y-cho-ba-truong-thi-mai-thoi-giu-cac-chuc-vu"
    assert sorted(same_title) == [f"{slug}-2.mp3", f"{slug}.mp3"]
    print(f"\n{len(articles)} corpus articles produced in {seconds:.1f} s")
    cues = [c for vtt in out.glob("*.vtt") for c in vtt_cues(vtt.read_text(encoding="utf-8"))]
    longest = max(len(line) for _, _, lines in cues for line in lines)
    slowest = max(end - start for start, end, _ in cues)
    assert max(len(lines) for _, _, lines in cues) <= 2
    assert longest <= 42 and slowest <= 7.0
    print(f"{len(cues)} caption cues: lines of at most {longest} characters, {slowest:.2f} s")

    before = mtimes(out)
    code, stdout, stderr = produce(str(DATA), "-o", str(out), "--jobs", "2", cwd=tmp_path)
    assert code == 0, stderr
    assert summary(stderr) == f"0 made, {len(articles)} up to date, 0 failed"
    assert stderr.count("up to date, skipped") == len(articles)
    assert stdout == ""
    assert mtimes(out) == before


def test_one_failed_article_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    sources = [str(SMALL[0]), "missing.txt", "empty.txt", str(SMALL[1])]
    code, stdout, stderr = produce(*sources, "-o", "out", "--jobs", "2", cwd=tmp_path)
    assert code != 0
    assert summary(stderr) == "2 made, 0 up to date, 2 failed"
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2, stderr
    assert "missing.txt" in errors[0] and "no such file" in errors[0]
    assert "empty.txt" in errors[1] and "empty" in errors[1].split("empty.txt", 1)[1]
    assert set(episodes(tmp_path / "out")) == {SMALL[0].name, SMALL[1].name}
    assert len(stdout.splitlines()) == 2


def test_rerun_skips_up_to_date_episodes_unless_forced(tmp_path: Path) -> None:
    sources = [str(p) for p in SMALL]
    code, _, stderr = produce(*sources, "-o", "out", cwd=tmp_path)
    assert code == 0, stderr
    out = tmp_path / "out"
    before = mtimes(out)

    code, stdout, stderr = produce(*sources, "-o", "out", cwd=tmp_path)
    assert code == 0, stderr
    assert summary(stderr) == "0 made, 2 up to date, 0 failed"
    assert stdout == ""
    assert mtimes(out) == before

    code, stdout, stderr = produce(*sources, "-o", "out", "--force", cwd=tmp_path)
    assert code == 0, stderr
    assert summary(stderr) == "2 made, 0 up to date, 0 failed"
    after = mtimes(out)
    for name in episodes(out).values():
        assert after[name] > before[name], name


def test_articles_with_one_title_do_not_overwrite_each_other(tmp_path: Path) -> None:
    first = tmp_path / "first.txt"
    second = tmp_path / "second.txt"
    first.write_text("Mưa lớn ở Đà Nẵng\n\nNước ngập nhiều tuyến phố.\n", encoding="utf-8")
    second.write_text("Mưa lớn ở Đà Nẵng\n\nĐường lên Sơn Trà sạt lở.\n", encoding="utf-8")
    code, _, stderr = produce("first.txt", "second.txt", "first.txt", "-o", "out", cwd=tmp_path)
    assert code == 0, stderr
    assert summary(stderr) == "2 made, 1 up to date, 0 failed"
    out = tmp_path / "out"
    assert episodes(out) == EXPECTED_PAIR

    code, _, stderr = produce("second.txt", "first.txt", "-o", "out", cwd=tmp_path)
    assert summary(stderr) == "0 made, 2 up to date, 0 failed"

    first.write_text("Mưa lớn ở Đà Nẵng\n\nNước ngập sâu nhiều tuyến phố.\n", encoding="utf-8")
    code, _, stderr = produce("first.txt", "-o", "out", cwd=tmp_path)
    assert code == 0, stderr
    assert episodes(out) == EXPECTED_PAIR
    assert len(list(out.glob("*.mp3"))) == 2


def test_a_folder_gives_only_its_own_regular_articles(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Tin một\n\nNội dung tin. Câu hai.\n", encoding="utf-8")
    (folder / "README.md").write_text("# Dự án\n\nCách dùng thư mục này.\n", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("Mật khẩu\n\nKhông được đọc điều này.\n", encoding="utf-8")
    (folder / "secret.txt").symlink_to(secret)
    (folder / "alias.txt").symlink_to(folder / "a.txt")
    os.mkfifo(folder / "pipe.txt")  # opening it would wait for a writer forever
    code, _, err = produce("in", "-o", "out", cwd=tmp_path)
    assert code == 0, err
    assert list(episodes(tmp_path / "out").values()) == ["tin-mot.mp3"]
    assert "skipping in/README.md: a folder's README is not an article" in err
    assert "skipping in/pipe.txt: not a regular file" in err
    assert f"skipping secret.txt: it links to {secret}, outside the folder" in err


def test_a_fifo_given_by_name_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "a.txt").write_text("Tin một\n\nNội dung tin. Câu hai.\n", encoding="utf-8")
    code, _, err = produce("pipe.txt", "a.txt", "-o", "out", cwd=tmp_path)
    assert code == 1
    assert "error: cannot read pipe.txt: not a regular file" in err
    assert list(episodes(tmp_path / "out").values()) == ["tin-mot.mp3"]


def test_malformed_json_in_the_output_folder_breaks_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (out / "huge.json").write_text('{"version": 2, "duration": 1' + "0" * 400 + "}")
    (out / "tin-mot.json").write_text('{"version": 2, "title": ' + "[" * 5000, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Tin một\n\nNội dung tin. Câu hai.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Tin hai\n\nNội dung khác. Câu ba.\n", encoding="utf-8")
    code, _, err = produce("a.txt", "b.txt", "-o", "out", cwd=tmp_path)
    assert code == 0, err
    assert sorted(p.name for p in out.glob("*.mp3")) == ["tin-hai.mp3", "tin-mot.mp3"]
    fed = run_cli("feed", "out", "--base-url", "https://bao.example.vn/", cwd=tmp_path)
    assert fed.returncode == 0 and "Traceback" not in fed.stderr, fed.stderr
    assert (out / "feed.xml").read_text(encoding="utf-8").count("<item>") == 2


def test_the_published_source_holds_no_path_and_two_same_named_files_stay_apart(
    tmp_path: Path,
) -> None:
    for folder, body in (("a", "Nội dung một. Câu hai."), ("b", "Nội dung khác. Câu ba.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "tin.txt").write_text(f"Tin\n\n{body}\n", encoding="utf-8")
    for folder in ("a", "b"):
        code, _, err = produce(str(tmp_path / folder / "tin.txt"), "-o", "out", cwd=tmp_path)
        assert code == 0, err
    sidecars = [p for p in (tmp_path / "out").glob("tin*.json") if p.name.count(".") == 1]
    documents = [json.loads(p.read_text(encoding="utf-8")) for p in sidecars]
    assert sorted(d["audio"] for d in documents) == ["tin-2.mp3", "tin.mp3"]
    assert all(d["source"] == "tin.txt" and str(tmp_path) not in json.dumps(d) for d in documents)
