"""ID3v2.3 tags: what podcast apps and Windows show for an episode."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mutagen.id3
from mutagen import MutagenError

from ..errors import AudioError, ConfigError

_id3: Any = mutagen.id3  # mutagen's frame classes are untyped

GENRE = "Podcast"
_PICTURE_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


@dataclass(frozen=True)
class TagData:
    title: str
    artist: str | None
    album: str | None
    date: str
    """``YYYY-MM-DD``."""
    summary: str
    transcript: str
    engine: str
    source_sha256: str
    cover: Path | None
    voice: str = ""
    """The engine's voice, as ``Engine.voice_id`` names it."""
    language: str = "vie"
    """ISO 639-2 code for TLAN, COMM and USLT."""


def cover_picture(path: Path) -> tuple[str, bytes]:
    """(MIME type, bytes) of a JPEG or PNG, recognised by its magic bytes."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise ConfigError(f"cannot read cover {path}: {e.strerror or e}") from e
    for magic, mime in _PICTURE_TYPES:
        if data.startswith(magic):
            return mime, data
    raise ConfigError(f"cover must be a JPEG or PNG picture: {path}")


def write_tags(mp3: Path, tags: TagData) -> None:
    """Replace any ID3 tag on ``mp3`` with an ID3v2.3 tag built from ``tags``."""
    picture = cover_picture(tags.cover) if tags.cover is not None else None
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
    id3.add(_id3.TXXX(encoding=1, desc="engine", text=tags.engine))
    if tags.voice:
        id3.add(_id3.TXXX(encoding=1, desc="voice", text=tags.voice))
    id3.add(_id3.TXXX(encoding=1, desc="source_sha256", text=tags.source_sha256))
    if picture is not None:
        mime, data = picture
        id3.add(_id3.APIC(encoding=1, mime=mime, type=3, desc="Cover", data=data))
    id3.update_to_v23()  # TDRC becomes TYER + TDAT, the v2.3 spelling of a date
    try:
        id3.save(mp3, v2_version=3)
    except (MutagenError, OSError) as e:
        raise AudioError(f"cannot write tags to {mp3}: {e}") from e
