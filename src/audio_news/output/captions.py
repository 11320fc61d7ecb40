"""Captions: the written text cut into cues a viewer can read, timed by the synthesis.

A sentence is spoken as one or more chunks, and the assembly knows when each chunk's speech
starts and ends. Each chunk's share of the written sentence becomes one or more cues of at
most two lines of ``LINE_CHARS`` and at most ``MAX_CUE_SECONDS``; within a chunk the words are
timed in proportion to their length. The sentence timings stay in the episode document for
the player; the WebVTT file carries these cues.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

from ..fsutil import write_text_atomic
from ..models import Cue, Script, Segment
from .episode import EpisodeDocument

LINE_CHARS = 42
"""Characters a caption line holds, the broadcast custom."""
MAX_LINES = 2
MAX_CUE_SECONDS = 7.0
JSON_TRANSCRIPT_VERSION = "1.0.0"
"""The podcast namespace's JSON transcript format."""
SNAP_CHARS = 12
"""How far a chunk boundary may move in the written text to land after punctuation."""

_PUNCTUATION_GAP = re.compile(r"[,;:.!?…)\]”\"]\s")

Piece = tuple[str, float, float]
"""Written text and the (start, end) of its speech."""


def lines_of(text: str) -> list[str]:
    """The cue's text broken into caption lines."""
    return textwrap.wrap(text, LINE_CHARS, break_long_words=False, break_on_hyphens=False)


def _fits(text: str, seconds: float) -> bool:
    return len(lines_of(text)) <= MAX_LINES and seconds <= MAX_CUE_SECONDS


def _snap(text: str, position: int) -> int:
    """A word boundary near ``position``: just after punctuation if one is close."""
    if position <= 0 or position >= len(text):
        return max(0, min(position, len(text)))
    window = text[max(0, position - SNAP_CHARS) : position + SNAP_CHARS]
    offset = max(0, position - SNAP_CHARS)
    gaps = [offset + m.start() + 1 for m in _PUNCTUATION_GAP.finditer(window)]
    if gaps:
        return min(gaps, key=lambda g: abs(g - position))
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    return min(spaces, key=lambda s: abs(s - position), default=position)


def sentence_pieces(written: str, spoken: Sequence[tuple[str, float, float]]) -> list[Piece]:
    """The written sentence cut where its chunks (spoken text, start, end) meet."""
    written = " ".join(written.split())
    total = sum(len(text) for text, _, _ in spoken) or 1
    pieces: list[Piece] = []
    done = start_char = 0
    for n, (text, start, end) in enumerate(spoken):
        done += len(text)
        last = n == len(spoken) - 1
        cut = len(written) if last else _snap(written, round(done / total * len(written)))
        piece = written[start_char:cut].strip()
        if piece:
            pieces.append((piece, start, end))
        elif pieces:  # nothing of the written text is left for this chunk: extend the last
            pieces[-1] = (pieces[-1][0], pieces[-1][1], end)
        start_char = max(start_char, cut)
    return pieces


def _balanced(words: list[str], parts: int) -> list[list[str]]:
    """``words`` in ``parts`` runs of about equal length."""
    total = sum(len(w) + 1 for w in words)
    runs: list[list[str]] = [[]]
    done = 0
    for word in words:
        if runs[-1] and len(runs) < parts and done + len(word) / 2 > total * len(runs) / parts:
            runs.append([])
        runs[-1].append(word)
        done += len(word) + 1
    return runs


def _timed(runs: list[str], start: float, end: float, per_char: float) -> list[Cue]:
    """The runs as cues, each lasting as long as its characters (and the space after)."""
    cues, at = [], start
    for n, run in enumerate(runs):
        stop = end if n == len(runs) - 1 else at + (len(run) + 1) * per_char
        cues.append(Cue(round(at, 3), round(stop, 3), run))
        at = stop
    return cues


def piece_cues(text: str, start: float, end: float) -> list[Cue]:
    """One piece of speech as the fewest even cues that each fit."""
    words = text.split()
    seconds = max(0.0, end - start)
    per_char = seconds / max(1, len(text))
    parts = max(1, math.ceil(len(text) / (LINE_CHARS * MAX_LINES)))
    parts = max(parts, math.ceil(seconds / MAX_CUE_SECONDS))
    while True:
        runs = [" ".join(run) for run in _balanced(words, min(parts, len(words)))]
        cues = _timed(runs, start, end, per_char)
        if parts >= len(words) or all(_fits(c.text, c.end - c.start) for c in cues):
            return cues
        parts += 1


def build_captions(script: Script, chunk_times: Sequence[tuple[float, float]]) -> tuple[Cue, ...]:
    """Caption cues for a script spoken with these chunk timings."""
    by_sentence: dict[int, list[tuple[str, float, float]]] = {}
    for chunk, (start, end) in zip(script.chunks, chunk_times, strict=True):
        by_sentence.setdefault(chunk.sentence, []).append((chunk.text, start, end))
    written = script.written or script.sentences
    cues: list[Cue] = []
    for sentence, spoken in sorted(by_sentence.items()):
        for piece in sentence_pieces(written[sentence], spoken):
            cues.extend(piece_cues(*piece))
    return tuple(cues)


def captions_from_segments(segments: Sequence[Segment]) -> tuple[Cue, ...]:
    """Cues for a document made before captions were kept: each sentence one piece."""
    cues: list[Cue] = []
    for s in segments:
        if s.text.strip():
            cues.extend(piece_cues(" ".join(s.text.split()), s.start, max(s.end, s.start)))
    return tuple(cues)


def vtt_timestamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(cues: Sequence[Cue]) -> str:
    """WebVTT, one numbered cue each, its text on at most two lines."""
    blocks = [
        f"{n}\n{vtt_timestamp(c.start)} --> {vtt_timestamp(max(c.end, c.start))}\n"
        + "\n".join(_escape(line) for line in lines_of(c.text))
        for n, c in enumerate(cues, start=1)
    ]
    return "\n\n".join(["WEBVTT", *blocks]) + "\n"


def document_captions(document: EpisodeDocument) -> tuple[Cue, ...]:
    return document.captions or captions_from_segments(document.segments)


def write_captions(document: EpisodeDocument, out_dir: Path) -> Path:
    """Write ``<slug>.vtt`` atomically; returns its path."""
    target = Path(out_dir) / document.vtt_name
    write_text_atomic(target, render_vtt(document_captions(document)))
    return target


def json_transcript(document: EpisodeDocument) -> dict[str, object]:
    """The podcast namespace's JSON transcript: one segment per sentence, as written."""
    return {
        "version": JSON_TRANSCRIPT_VERSION,
        "segments": [
            {"startTime": s.start, "endTime": s.end, "body": s.text}
            for s in document.segments
            if s.text.strip()
        ],
    }


def write_transcript(document: EpisodeDocument, out_dir: Path) -> Path:
    """Write ``<slug>.transcript.json`` atomically; returns its path."""
    target = Path(out_dir) / document.transcript_name
    text = json.dumps(json_transcript(document), ensure_ascii=False, indent=1) + "\n"
    write_text_atomic(target, text)
    return target
