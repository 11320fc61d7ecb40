"""From a cleaned article to the exact list of chunks an engine will speak."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..models import Article, Boundary, Chunk, Script, Segment
from .split import chunk_text, split_sentences

Normalize = Callable[[str], str]


def _chunk_sentence(
    text: str, paragraph: int, sentence: int, max_chars: int, last: Boundary
) -> list[Chunk]:
    pieces = chunk_text(text, max_chars)
    return [
        Chunk(piece, paragraph, sentence, last if i == len(pieces) - 1 else Boundary.CLAUSE)
        for i, piece in enumerate(pieces)
    ]


def build_script(article: Article, normalize: Normalize, max_chars: int) -> Script:
    """Split, normalize and chunk; the title is sentence 0 of paragraph 0."""
    written = [article.title]
    sentences = [normalize(article.title)]
    chunks = _chunk_sentence(sentences[0], 0, 0, max_chars, Boundary.TITLE)
    for paragraph_no, paragraph in enumerate(article.paragraphs, start=1):
        pairs = [(raw, normalize(raw)) for raw in split_sentences(paragraph)]
        pairs = [(raw, text) for raw, text in pairs if text.strip()]
        for i, (raw, text) in enumerate(pairs):
            boundary = Boundary.PARAGRAPH if i == len(pairs) - 1 else Boundary.SENTENCE
            chunks += _chunk_sentence(text, paragraph_no, len(sentences), max_chars, boundary)
            sentences.append(text)
            written.append(raw)
    if chunks:
        last = chunks[-1]
        chunks[-1] = Chunk(last.text, last.paragraph, last.sentence, Boundary.END)
    return Script(
        title=sentences[0], chunks=tuple(chunks), sentences=tuple(sentences), written=tuple(written)
    )


def sentence_segments(
    script: Script, chunk_times: Sequence[tuple[float, float]]
) -> tuple[Segment, ...]:
    """One segment per sentence, from its first chunk's start to its last chunk's end."""
    spans: dict[int, tuple[float, float, int]] = {}
    for chunk, (start, end) in zip(script.chunks, chunk_times, strict=True):
        first = spans.get(chunk.sentence)
        spans[chunk.sentence] = (first[0] if first else start, end, chunk.paragraph)
    return tuple(
        Segment(script.written[i], round(s, 3), round(e, 3), p, spoken=script.sentences[i])
        for i, (s, e, p) in sorted(spans.items())
    )
