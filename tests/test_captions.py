"""Captions cut to what a viewer can read, timed by the chunks the synthesis spoke."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from audio_news.models import Boundary, Chunk, Cue, Script, Segment
from audio_news.output.captions import (
    LINE_CHARS,
    MAX_CUE_SECONDS,
    build_captions,
    captions_from_segments,
    lines_of,
    piece_cues,
    render_vtt,
    sentence_pieces,
    vtt_timestamp,
    write_captions,
    write_transcript,
)
from audio_news.output.episode import EpisodeDocument, write_document

LONG = (
    "Theo báo cáo của Bộ Công Thương, trong năm 2023 giá xăng dầu trong nước đã được điều "
    "chỉnh 36 lần, trong đó có 17 lần tăng, 15 lần giảm và 4 lần giữ nguyên, bám sát diễn "
    "biến của thị trường thế giới."
)


def _script(written: str, chunks: list[str]) -> Script:
    return Script(
        title="Tin",
        chunks=(
            Chunk("tin", 0, 0, Boundary.TITLE),
            *(Chunk(text, 1, 1, Boundary.CLAUSE) for text in chunks),
        ),
        sentences=("tin", " ".join(chunks)),
        written=("Tin", written),
    )


def _check(cues: tuple[Cue, ...] | list[Cue]) -> None:
    for cue in cues:
        assert len(lines_of(cue.text)) <= 2, cue
        assert all(len(line) <= LINE_CHARS for line in lines_of(cue.text)), cue
        assert cue.end - cue.start <= MAX_CUE_SECONDS + 1e-6, cue
    assert all(a.end <= b.start + 1e-6 for a, b in itertools.pairwise(cues))


def test_a_long_sentence_becomes_short_cues_inside_its_chunks() -> None:
    chunks = [
        "theo báo cáo của bộ công thương, trong năm hai nghìn không trăm hai mươi ba",
        "giá xăng dầu trong nước đã được điều chỉnh ba mươi sáu lần,",
        "trong đó có mười bảy lần tăng, mười lăm lần giảm và bốn lần giữ nguyên,",
        "bám sát diễn biến của thị trường thế giới.",
    ]
    times = [(0.0, 0.8), (2.0, 7.5), (7.8, 11.9), (12.1, 17.0), (17.2, 19.9)]
    cues = build_captions(_script(LONG, chunks), times)
    _check(cues)
    assert cues[0] == Cue(0.0, 0.8, "Tin")
    assert " ".join(c.text for c in cues[1:]) == LONG, "every written word, once, in order"
    assert cues[-1].end == 19.9
    starts = {c.start for c in cues}
    assert {2.0, 7.8, 12.1, 17.2} <= starts, "each chunk starts a cue"


def test_pieces_follow_punctuation_near_the_chunk_boundary() -> None:
    pieces = sentence_pieces(
        "Một, hai ba bốn năm sáu.", [("một", 0, 1), ("hai ba bốn năm sáu", 1, 3)]
    )
    assert [p[0] for p in pieces] == ["Một,", "hai ba bốn năm sáu."]


@pytest.mark.parametrize("seconds", [1.0, 30.0])
def test_piece_cues_fit_by_length_and_by_time(seconds: float) -> None:
    cues = piece_cues(LONG, 10.0, 10.0 + seconds)
    _check(cues)
    assert cues[0].start == 10.0 and cues[-1].end == 10.0 + seconds
    assert " ".join(c.text for c in cues) == LONG


def test_documents_without_captions_get_them_from_their_sentences() -> None:
    cues = captions_from_segments([Segment(LONG, 1.0, 20.0, 1), Segment("Hết.", 21.0, 22.0, 2)])
    _check(cues)
    assert cues[-1] == Cue(21.0, 22.0, "Hết.")


def test_vtt_lines_and_escaping() -> None:
    assert vtt_timestamp(3661.0016) == "01:01:01.002"
    assert vtt_timestamp(-0.2) == "00:00:00.000"
    text = 'Giá <5% & "tăng" ' + "rất " * 12
    assert render_vtt([Cue(0.03, 2.417, text.strip())]) == (
        "WEBVTT\n\n1\n00:00:00.030 --> 00:00:02.417\n"
        'Giá &lt;5% &amp; "tăng" rất rất rất rất rất rất\nrất rất rất rất rất rất\n'
    )
    assert render_vtt([]) == "WEBVTT\n"


DOCUMENT = EpisodeDocument(
    title="Hội nghị toàn quốc",
    audio="hoi-nghi-toan-quoc.mp3",
    duration=12.0,
    engine="espeak",
    date="2023-12-28",
    summary="Giá tăng.",
    artist=None,
    album="Tin tức",
    paragraphs=("Hội nghị toàn quốc", "Giá tăng."),
    segments=(
        Segment("Hội nghị toàn quốc", 0.03, 2.4, 0, spoken="hội nghị toàn quốc"),
        Segment("Giá tăng.", 3.6, 11.0, 1, spoken="giá tăng"),
    ),
    captions=(Cue(0.03, 2.4, "Hội nghị toàn quốc"), Cue(3.6, 11.0, "Giá tăng.")),
)


def test_files_beside_the_mp3(tmp_path: Path) -> None:
    write_captions(DOCUMENT, tmp_path)
    write_transcript(DOCUMENT, tmp_path)
    write_document(DOCUMENT, tmp_path)
    vtt = (tmp_path / "hoi-nghi-toan-quoc.vtt").read_text(encoding="utf-8")
    assert vtt == render_vtt(DOCUMENT.captions)
    transcript = json.loads((tmp_path / "hoi-nghi-toan-quoc.transcript.json").read_bytes())
    assert transcript["version"] == "1.0.0"
    assert transcript["segments"][1] == {"startTime": 3.6, "endTime": 11.0, "body": "Giá tăng."}
    text = (tmp_path / "hoi-nghi-toan-quoc.json").read_text(encoding="utf-8")
    assert EpisodeDocument.from_json(text) == DOCUMENT
