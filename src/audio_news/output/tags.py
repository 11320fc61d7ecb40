"""ID3v2.3 tags: what podcast apps and Windows show for an episode."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mutagen.id3
from mutagen import MutagenError

from ..errors import AudioError, ConfigError
from ..fsutil import atomic_path
from ..models import Chapter
from .episode import EpisodeDocument

_id3: Any = mutagen.id3  # mutagen's frame classes are untyped

GENRE = "Podcast"
TOC_ID = "toc"
"""Element id of the CTOC frame listing the chapters."""
SPOKEN_DESC = "spoken"
"""TXXX description of the frame holding the script as the engine was asked to say it."""
_NO_OFFSET = 0xFFFFFFFF
"""CHAP byte offsets unset: players use the times."""
_PICTURE_TYPES = (
    (b"\xff\xd8\xff", b"\xff\xd9", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82", "image/png"),
)
"""Each format's first bytes, the marker its last bytes hold when complete, its MIME type."""
MAX_COVER_BYTES = 20_000_000
_END_SLACK = 64
"""Bytes some writers leave after a JPEG's end marker."""


@dataclass(frozen=True)
class Picture:
    """Cover art for APIC: a JPEG or PNG, read once."""

    mime: str
    data: bytes


@dataclass(frozen=True)
class TagData:
    title: str
    artist: str | None
    album: str | None
    date: str
    """``YYYY-MM-DD``."""
    summary: str
    transcript: str
    """USLT: the article as written, what a reader expects to see."""
    engine: str
    source_sha256: str | None
    cover: Picture | None
    spoken: str = ""
    """TXXX:spoken: the script as the engine was asked to say it."""
    duration_ms: int | None = None
    """TLEN."""
    url: str | None = None
    """WOAS: the original article."""
    synced: tuple[tuple[str, int], ...] = ()
    """SYLT: each sentence as written and when it starts, in milliseconds."""
    chapters: tuple[Chapter, ...] = ()
    """CHAP frames, listed in order by one CTOC."""
    language: str = "vie"
    """ISO 639-2 code for TLAN, COMM, USLT and SYLT."""
    voice: str = ""
    """The voice the engine spoke with (TXXX ``voice``)."""


def cover_picture(path: Path) -> Picture:
    """A JPEG or PNG read from ``path``, recognised by its magic bytes."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():  # a FIFO or /dev/zero would never end
            raise ConfigError(f"cannot read cover {path}: not a regular file")
        with path.open("rb") as fh:
            data = fh.read(MAX_COVER_BYTES + 1)
    except OSError as e:
        raise ConfigError(f"cannot read cover {path}: {e.strerror or e}") from e
    if len(data) > MAX_COVER_BYTES:
        raise ConfigError(f"cover {path} is over {MAX_COVER_BYTES} bytes")
    for magic, end, mime in _PICTURE_TYPES:
        if data.startswith(magic):
            if end not in data[-_END_SLACK:]:
                raise ConfigError(f"cover {path} is cut short: the picture ends too soon")
            return Picture(mime, data)
    raise ConfigError(f"cover must be a JPEG or PNG picture: {path}")


def write_tags(mp3: Path, tags: TagData) -> None:
    """Replace any ID3 tag on ``mp3`` with an ID3v2.3 tag built from ``tags``."""
    try:
        _id3.ID3(mp3).delete(mp3)
    except _id3.ID3NoHeaderError:
        pass
    except (MutagenError, OSError) as e:
        raise AudioError(f"cannot read tags of {mp3}: {e}") from e
    id3 = _id3.ID3()
    lang = tags.language
    id3.add(_id3.TIT2(encoding=1, text=tags.title))
    if tags.artist:
        id3.add(_id3.TPE1(encoding=1, text=tags.artist))
    if tags.album:
        id3.add(_id3.TALB(encoding=1, text=tags.album))
    id3.add(_id3.TDRC(encoding=1, text=tags.date))
    id3.add(_id3.TCON(encoding=1, text=GENRE))
    id3.add(_id3.TLAN(encoding=1, text=lang))
    id3.add(_id3.COMM(encoding=1, lang=lang, desc="", text=tags.summary))
    id3.add(_id3.USLT(encoding=1, lang=lang, desc="", text=tags.transcript))
    if tags.spoken:
        id3.add(_id3.TXXX(encoding=1, desc=SPOKEN_DESC, text=tags.spoken))
    if tags.synced:
        # format 2: times in milliseconds; type 1: lyrics (the transcript)
        id3.add(_id3.SYLT(encoding=1, lang=lang, format=2, type=1, desc="", text=tags.synced))
    if tags.duration_ms is not None:
        id3.add(_id3.TLEN(encoding=1, text=str(tags.duration_ms)))
    if tags.url:
        id3.add(_id3.WOAS(url=tags.url))
    _add_chapters(id3, tags.chapters)
    id3.add(_id3.TXXX(encoding=1, desc="engine", text=tags.engine))
    if tags.voice:
        id3.add(_id3.TXXX(encoding=1, desc="voice", text=tags.voice))
    if tags.source_sha256:
        id3.add(_id3.TXXX(encoding=1, desc="source_sha256", text=tags.source_sha256))
    if tags.cover is not None:
        cover = tags.cover
        id3.add(_id3.APIC(encoding=1, mime=cover.mime, type=3, desc="Cover", data=cover.data))
    id3.update_to_v23()  # TDRC becomes TYER + TDAT, the v2.3 spelling of a date
    try:
        id3.save(mp3, v2_version=3)
    except (MutagenError, OSError) as e:
        raise AudioError(f"cannot write tags to {mp3}: {e}") from e


def _add_chapters(id3: Any, chapters: tuple[Chapter, ...]) -> None:
    """One CHAP frame per chapter, with its title, and a top-level ordered CTOC of them."""
    if not chapters:
        return
    ids = [f"ch{n}" for n in range(len(chapters))]
    for element_id, chapter in zip(ids, chapters, strict=True):
        id3.add(
            _id3.CHAP(
                element_id=element_id,
                start_time=round(chapter.start * 1000),
                end_time=round(chapter.end * 1000),
                start_offset=_NO_OFFSET,
                end_offset=_NO_OFFSET,
                sub_frames=[_id3.TIT2(encoding=1, text=chapter.title)],
            )
        )
    flags = _id3.CTOCFlags.TOP_LEVEL | _id3.CTOCFlags.ORDERED
    id3.add(
        _id3.CTOC(
            element_id=TOC_ID,
            flags=flags,
            child_element_ids=ids,
            sub_frames=[_id3.TIT2(encoding=1, text="Mục lục")],
        )
    )


def _web_url(value: str | None) -> str | None:
    return value if value and value.lower().startswith(("http://", "https://")) else None


def episode_tags(episode: EpisodeDocument, cover: Picture | None = None) -> TagData:
    """The tags of an episode: the same title, credits, summary, chapters and timings its
    JSON holds; the written text as lyrics, what the engine was asked to say beside it."""
    return TagData(
        title=episode.title,
        artist=episode.artist,
        album=episode.album,
        date=episode.date,
        summary=episode.summary,
        transcript=episode.written_text,
        engine=episode.engine,
        source_sha256=episode.source_sha256,
        cover=cover,
        voice=episode.voice,
        spoken="\n\n".join(episode.spoken_paragraphs()),
        duration_ms=round(episode.duration * 1000),
        url=_web_url(episode.url) or _web_url(episode.source),
        synced=tuple((s.text, round(s.start * 1000)) for s in episode.segments if s.text),
        chapters=episode.chapters,
    )


def tag_episode(episode: EpisodeDocument, out_dir: Path, cover: Picture | None = None) -> Path:
    """Tag ``out_dir/<audio>``: a tagged copy replaces it in one rename, so the MP3 in the
    folder is whole at every moment. Returns its path."""
    mp3 = Path(out_dir) / episode.audio
    with atomic_path(mp3) as tmp:
        shutil.copyfile(mp3, tmp)
        write_tags(tmp, episode_tags(episode, cover))
    return mp3
