"""The WebVTT captions and the JSON document written beside the MP3."""

from __future__ import annotations

import json
from pathlib import Path

from audio_news.models import Segment
from audio_news.output.episode import EpisodeDocument
from audio_news.output.sidecars import render_vtt, vtt_timestamp, write_sidecars

SEGMENTS = (
    Segment(text="Hội nghị toàn quốc", start=0.03, end=2.417, paragraph=0, spoken="hội nghị"),
    Segment(text='Giá <5% & "tăng"', start=3.6, end=3661.002, paragraph=1, spoken="giá tăng"),
)
DOCUMENT = EpisodeDocument(
    title="Hội nghị toàn quốc",
    audio="hoi-nghi-toan-quoc.mp3",
    duration=3662.123,
    engine="espeak",
    date="2023-12-28",
    summary="Giá tăng.",
    artist=None,
    album="Tin tức",
    paragraphs=("Hội nghị toàn quốc", 'Giá <5% & "tăng"'),
    segments=SEGMENTS,
)


def test_vtt_cues() -> None:
    assert vtt_timestamp(3661.0016) == "01:01:01.002"
    assert vtt_timestamp(-0.2) == "00:00:00.000"
    assert render_vtt(SEGMENTS) == (
        "WEBVTT\n\n"
        "1\n00:00:00.030 --> 00:00:02.417\nHội nghị toàn quốc\n\n"
        '2\n00:00:03.600 --> 01:01:01.002\nGiá &lt;5% &amp; "tăng"\n'
    )
    assert render_vtt([]) == "WEBVTT\n"


def test_write_sidecars_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_sidecars(DOCUMENT, out)
    text = (out / "hoi-nghi-toan-quoc.json").read_text(encoding="utf-8")
    assert "Hội nghị" in text and text.endswith("}\n")
    assert json.loads(text)["segments"][1] == {
        "text": 'Giá <5% & "tăng"',
        "start": 3.6,
        "end": 3661.002,
        "paragraph": 1,
        "spoken": "giá tăng",
    }
    assert EpisodeDocument.from_json(text) == DOCUMENT
    assert (out / "hoi-nghi-toan-quoc.vtt").read_text(encoding="utf-8") == render_vtt(SEGMENTS)
    assert sorted(p.name for p in out.iterdir()) == [
        "hoi-nghi-toan-quoc.json",
        "hoi-nghi-toan-quoc.vtt",
    ]
