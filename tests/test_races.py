"""Several real ``audio-news produce`` processes writing into one folder at the same time."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
from pathlib import Path

from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from audio_news.config import Settings, settings_from_dict
from audio_news.pipeline import Producer
from support.fault_helpers import assert_finished_files_sound, start_cli, temp_files

TITLE = "Tin chung một tựa"
SLUG = "tin-chung-mot-tua"
BODIES = (
    "Hà Nội có mưa rào vào buổi chiều.",
    "Đà Nẵng nắng đẹp suốt cả ngày.",
    "Huế có sương mù vào sáng sớm.",
    "Cần Thơ có gió nhẹ về đêm.",
)


def _articles(folder: Path) -> list[Path]:
    paths = []
    for n, body in enumerate(BODIES, start=1):
        path = folder / f"bai-{n}.txt"
        path.write_text(f"{TITLE}\n\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


def _run_together(
    sources: list[Path], out: Path, cwd: Path
) -> list[subprocess.CompletedProcess[str]]:
    """One ``produce`` process per source, all started before any is waited for."""
    procs = [
        start_cli("produce", str(source), "--engine", "espeak", "-o", str(out),
                  "--cache-dir", str(cwd / "cache"), cwd=cwd)
        for source in sources
    ]  # fmt: skip
    results = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=180)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr))
    return results


def _episode(out: Path, json_name: str) -> tuple[dict[str, object], ID3, float]:
    document = json.loads((out / json_name).read_text(encoding="utf-8"))
    mp3 = out / str(document["audio"])
    return document, ID3(mp3), MP3(mp3).info.length


def test_four_articles_with_one_title_at_once_make_four_episodes(tmp_path: Path) -> None:
    sources = _articles(tmp_path)
    out = tmp_path / "out"

    results = _run_together(sources, out, tmp_path)

    for result in results:
        assert result.returncode == 0, result.stderr
    stems = {SLUG, *(f"{SLUG}-{n}" for n in range(2, 5))}
    assert {p.stem for p in out.glob("*.mp3")} == stems
    assert {p.stem for p in out.glob("*.json") if p.name.count(".") == 1} == stems
    by_key = {hashlib.sha256(str(s).encode()).hexdigest(): s for s in sources}
    described = {}
    for stem in sorted(stems):
        document, tags, length = _episode(out, f"{stem}.json")
        source = by_key[str(document["source_key"])]
        assert document["audio"] == f"{stem}.mp3"
        assert document["title"] == TITLE == str(tags["TIT2"])
        assert document["source_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
        assert str(tags["TXXX:source_sha256"]) == document["source_sha256"], stem
        body = source.read_text(encoding="utf-8").split("\n\n", 1)[1].strip()
        assert body in str(tags.getall("USLT")[0]), f"{stem}.mp3 speaks another article"
        assert abs(length - float(document["duration"])) < 0.1, stem  # type: ignore[arg-type]
        described[source] = stem
    assert len(described) == 4, "an article has two episodes and another none"
    # each process reports the one episode it made, and no two report the same file
    reported = [r.stdout.split(" (")[0].strip() for r in results]
    assert sorted(Path(p).stem for p in reported) == sorted(stems)
    for source, result in zip(sources, results, strict=True):
        assert Path(result.stdout.split(" (")[0].strip()).stem == described[source]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'data-episode="{stem}.json"' in index for stem in stems), "the index lost one"
    assert_finished_files_sound(out)
    assert temp_files(out) == [], "reservations are removed with the runs that made them"


def test_one_article_twice_at_once_makes_one_episode(tmp_path: Path) -> None:
    source = _articles(tmp_path)[0]
    out = tmp_path / "out"

    results = _run_together([source, source, source], out, tmp_path)

    for result in results:
        assert result.returncode == 0, result.stderr
    assert [p.name for p in sorted(out.glob("*.mp3"))] == [f"{SLUG}.mp3"]
    made = [r for r in results if r.stdout.strip()]
    skipped = [r for r in results if "up to date" in r.stderr]
    assert len(made) == 1 and len(skipped) == 2, [(r.stdout, r.stderr) for r in results]
    document, tags, length = _episode(out, f"{SLUG}.json")
    assert str(tags["TXXX:source_sha256"]) == document["source_sha256"]
    assert abs(length - float(document["duration"])) < 0.1  # type: ignore[arg-type]
    assert_finished_files_sound(out)
    assert temp_files(out) == []


def _settings(out: Path, cache: Path) -> Settings:
    return settings_from_dict(
        {"engine": "espeak", "out_dir": str(out), "cache_dir": str(cache), "quiet": True}
    )


def _holding(path: Path, record: dict[str, object]) -> int:
    """Lock ``path`` as a live run making the article of ``record`` does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(fd, json.dumps(record).encode())
    return fd


OTHER = {"source_key": "1" * 64, "source_sha256": "2" * 64, "pid": 1}


def test_a_name_being_made_for_another_article_is_passed_over(tmp_path: Path) -> None:
    source = _articles(tmp_path)[0]
    out = tmp_path / "out"
    producer = Producer(_settings(out, tmp_path / "cache"))
    plan = producer.plan(str(source))  # the service plans, then makes
    assert plan.stem == SLUG
    held = _holding(out / f".{SLUG}.lock", OTHER)
    try:
        episode = producer.make(plan)
    finally:
        os.close(held)
    assert episode.slug == f"{SLUG}-2"
    assert json.loads((out / f"{SLUG}-2.json").read_text(encoding="utf-8"))["audio"] == (
        f"{SLUG}-2.mp3"
    )
    assert not (out / f".{SLUG}-2.lock").exists()


def test_a_reservation_left_by_a_killed_run_does_not_hold_the_name(tmp_path: Path) -> None:
    source = _articles(tmp_path)[0]
    out = tmp_path / "out"
    out.mkdir()
    (out / f".{SLUG}.lock").write_text(json.dumps(OTHER), encoding="utf-8")  # no lock held

    episode = Producer(_settings(out, tmp_path / "cache")).produce(str(source))

    assert episode is not None and episode.slug == SLUG
    assert temp_files(out) == []
    assert temp_files(out) == []
