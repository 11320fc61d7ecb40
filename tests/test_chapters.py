"""Chapters from an article's subheadings: in the document, the JSON chapters file, the
MP3's CHAP and CTOC frames, and what ffprobe lists."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
from mutagen.id3 import ID3

from audio_news.models import Chapter, Segment
from audio_news.output.chapters import GROUP_SECONDS, build_chapters
from audio_news.output.feed import write_feed
from support.helpers import run_cli

FFPROBE = shutil.which("ffprobe")
REQUIRE_FFPROBE = "AUDIO_NEWS_REQUIRE_FFPROBE"
"""Set (as .ci/run does) to fail rather than skip when ffprobe is missing."""

ARTICLE = """---
title: Hà Nội đón đợt mưa lớn đầu mùa
date: 2024-05-17T06:30:00+07:00
url: https://bao.example.vn/ha-noi-mua-lon-20240517.html
---

Sáng nay, mưa lớn kéo dài ở nhiều quận nội thành Hà Nội.

## Giao thông ùn tắc

Nhiều tuyến phố ngập sâu. Hàng trăm xe máy chết máy giữa đường.

## Dự báo thời tiết

Cơ quan khí tượng dự báo mưa sẽ giảm từ chiều tối.
"""
SLUG = "ha-noi-don-dot-mua-lon-dau-mua"
TITLES = ["Hà Nội đón đợt mưa lớn đầu mùa", "Giao thông ùn tắc", "Dự báo thời tiết"]


def _segments(starts: list[float]) -> list[Segment]:
    return [Segment(f"Câu {n}.", s, s + 1, n) for n, s in enumerate(starts)]


def test_subheadings_start_chapters_and_the_first_covers_the_lead() -> None:
    paragraphs = ["Tin", "Mở đầu.", "**Giao thông** ùn tắc", "Nội dung.", "Dự báo", "Hết."]
    chapters = build_chapters(
        "Tin", paragraphs, _segments([0, 2, 10, 12, 20, 22]), 30.0, ["Giao thông ùn tắc", "Dự báo"]
    )
    assert chapters == (
        Chapter(0.0, 10.0, "Tin"),
        Chapter(10.0, 20.0, "**Giao thông** ùn tắc"),
        Chapter(20.0, 30.0, "Dự báo"),
    )


def test_without_subheadings_long_episodes_are_grouped_by_paragraphs() -> None:
    starts = [n * 60.0 for n in range(12)]
    paragraphs = ["Tin", *(f"Đoạn thứ {n} của bài viết." for n in range(1, 12))]
    chapters = build_chapters("Tin", paragraphs, _segments(starts), 12 * 60.0)
    assert [c.start for c in chapters] == [0.0, 180.0, 360.0, 540.0]
    assert chapters[1].title == "Đoạn thứ 3 của bài viết."
    assert all(b.start - a.start >= GROUP_SECONDS for a, b in itertools.pairwise(chapters))
    assert chapters[-1].end == 720.0


def test_short_episodes_without_subheadings_are_one_chapter() -> None:
    chapters = build_chapters("Tin", ["Tin", "Một.", "Hai."], _segments([0, 2, 4]), 6.0)
    assert chapters == (Chapter(0.0, 6.0, "Tin"),)


@pytest.fixture(scope="module")
def episode(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("chapters")
    (work / "tin.md").write_text(ARTICLE, encoding="utf-8")
    made = run_cli("produce", "tin.md", "--engine", "espeak", "-o", "out", "--no-cache", cwd=work)
    assert made.returncode == 0, made.stderr
    return work / "out"


def test_chapters_in_the_document_the_json_file_and_the_id3_frames(episode: Path) -> None:
    document = json.loads((episode / f"{SLUG}.json").read_bytes())
    assert [c["title"] for c in document["chapters"]] == TITLES
    chapters = json.loads((episode / f"{SLUG}.chapters.json").read_bytes())
    assert chapters["version"] == "1.2.0" and chapters["fileName"] == f"{SLUG}.mp3"
    assert [c["title"] for c in chapters["chapters"]] == TITLES
    assert [c["startTime"] for c in chapters["chapters"]] == [
        c["start"] for c in document["chapters"]
    ]
    tags = ID3(episode / f"{SLUG}.mp3")
    (toc,) = tags.getall("CTOC")
    frames = [tags[f"CHAP:{element}"] for element in toc.child_element_ids]
    assert [str(f.sub_frames["TIT2"]) for f in frames] == TITLES
    assert [f.start_time for f in frames] == [
        round(c["start"] * 1000) for c in document["chapters"]
    ]
    assert str(tags["WOAS"]) == "https://bao.example.vn/ha-noi-mua-lon-20240517.html"


def test_ffprobe_lists_the_chapters(episode: Path) -> None:
    if FFPROBE is None:
        if os.environ.get(REQUIRE_FFPROBE):
            raise RuntimeError("ffprobe is required here but not installed")
        pytest.skip("ffprobe is not installed (apt-get install ffmpeg)")
    probe = subprocess.run(
        [FFPROBE, "-v", "error", "-show_chapters", "-of", "json", str(episode / f"{SLUG}.mp3")],
        capture_output=True,
        check=True,
    )
    listed = sorted(json.loads(probe.stdout)["chapters"], key=lambda c: float(c["start_time"]))
    assert [c["tags"]["title"] for c in listed] == TITLES
    assert float(listed[0]["start_time"]) == 0.0


def test_the_feed_links_chapters_and_transcripts_that_exist(episode: Path) -> None:
    guids = []
    for base in ("https://bao.example.vn/podcast", "http://cdn.example.net/a/b/"):
        parsed = feedparser.parse(write_feed(episode, base).read_bytes())
        assert not parsed.bozo, parsed.bozo_exception
        assert "podcast" in parsed.namespaces
        (entry,) = parsed.entries
        guids.append(entry.id)
        text = (episode / "feed.xml").read_text(encoding="utf-8")
        for name in (f"{SLUG}.chapters.json", f"{SLUG}.vtt", f"{SLUG}.transcript.json"):
            assert f'url="{base.rstrip("/")}/{name}"' in text
            assert (episode / name).is_file()
        assert entry.published_parsed[:5] == (2024, 5, 16, 23, 30), "06:30 in Vietnam, in UTC"
    document = json.loads((episode / f"{SLUG}.json").read_bytes())
    assert guids == [f"urn:uuid:{document['guid']}"] * 2


def test_a_remade_episode_keeps_its_guid(episode: Path) -> None:
    before = json.loads((episode / f"{SLUG}.json").read_bytes())["guid"]
    work = episode.parent
    again = ("tin.md", "--engine", "espeak", "-o", "out", "--no-cache", "-f", "--speed", "1.2")
    made = run_cli("produce", *again, cwd=work)
    assert made.returncode == 0, made.stderr
    assert json.loads((episode / f"{SLUG}.json").read_bytes())["guid"] == before
