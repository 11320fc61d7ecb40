"""The JSON timing document and the WebVTT captions."""

from __future__ import annotations

import json
from pathlib import Path

from audio_news.models import Segment
from audio_news.output.sidecars import episode_document, render_vtt, vtt_timestamp, write_sidecars

SEGMENTS = [
    Segment(text="Hội nghị toàn quốc", start=0.0304, end=2.41666, paragraph=0),
    Segment(text='Giá <5% & "tăng"', start=3.6, end=3661.0016, paragraph=1),
]


def _document() -> dict[str, object]:
    return episode_document(
        title="Hội nghị toàn quốc",
        audio_file="hoi-nghi-toan-quoc.mp3",
        duration=3662.12345,
        paragraphs=["Hội nghị toàn quốc", 'Giá <5% & "tăng"'],
        segments=SEGMENTS,
        engine="espeak",
        date="2023-12-28",
        summary="Giá tăng.",
        artist=None,
        album="Tin tức",
    )


def test_document_fields_and_rounding() -> None:
    doc = _document()
    assert doc["version"] == 1
    assert doc["audio"] == "hoi-nghi-toan-quoc.mp3"
    assert doc["duration"] == 3662.123
    assert doc["artist"] is None and doc["album"] == "Tin tức"
    assert doc["segments"] == [
        {"text": "Hội nghị toàn quốc", "start": 0.03, "end": 2.417, "paragraph": 0},
        {"text": 'Giá <5% & "tăng"', "start": 3.6, "end": 3661.002, "paragraph": 1},
    ]


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
    json_path, vtt_path = tmp_path / "out" / "ep.json", tmp_path / "out" / "ep.vtt"
    write_sidecars(json_path, vtt_path, _document(), SEGMENTS)
    assert json.loads(json_path.read_text(encoding="utf-8")) == _document()
    assert "Hội nghị" in json_path.read_text(encoding="utf-8")
    assert vtt_path.read_text(encoding="utf-8").startswith("WEBVTT\n\n1\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ep.json", "ep.vtt"]
