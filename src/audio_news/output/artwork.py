"""Cover art for podcast apps: square, 1400-3000 px, RGB; made so when a given picture is not.

The MP3 keeps the picture as given (APIC); ``<slug>.jpg`` or ``.png`` beside it, which the
feed, the page and the lock screen show, is the picture made to Apple's rules.
"""

from __future__ import annotations

import struct
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from ..audio.ffmpeg import run_ffmpeg
from ..errors import AudioError, OutputError
from ..fsutil import atomic_path, write_bytes_atomic
from .episode import EpisodeDocument
from .tags import Picture

MIN_PIXELS, MAX_PIXELS = 1400, 3000
"""The square sizes Apple Podcasts accepts."""
COVER_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)
"""Fonts with Vietnamese letters to print the title with; without one the cover is plain."""
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_PNG_RGB = 2


@dataclass(frozen=True)
class Shape:
    width: int
    height: int
    rgb: bool
    """Three colour channels, no alpha, no palette, not grey or CMYK."""

    @property
    def fit_for_podcasts(self) -> bool:
        return self.rgb and self.width == self.height and MIN_PIXELS <= self.width <= MAX_PIXELS


def _png_shape(data: bytes) -> Shape | None:
    if len(data) < 26 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return Shape(width, height, data[25] == _PNG_RGB)


def _jpeg_shape(data: bytes) -> Shape | None:
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker in (0xFF, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 1 if marker == 0xFF else 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _SOF_MARKERS:
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return Shape(width, height, data[at + 9] == 3)
        at += 2 + length
    return None


def picture_shape(picture: Picture) -> Shape | None:
    """Size and colour model of a JPEG or PNG, read from its header; None if unreadable."""
    if picture.mime == "image/png":
        return _png_shape(picture.data)
    return _jpeg_shape(picture.data)


def _extension(picture: Picture) -> str:
    return ".png" if picture.mime == "image/png" else ".jpg"


def cover_name(stem: str, picture: Picture) -> str:
    """File name of an episode's cover art beside its MP3."""
    return f"{stem}{_extension(picture)}"


def podcast_picture(picture: Picture) -> Picture:
    """``picture`` if podcast apps take it as it is, else a copy scaled and padded to a
    square of 1400-3000 px in RGB (a picture whose header cannot be read is re-encoded)."""
    shape = picture_shape(picture)
    if shape is not None and shape.fit_for_podcasts:
        return picture
    side = min(MAX_PIXELS, max(MIN_PIXELS, shape.width, shape.height) if shape else MIN_PIXELS)
    ext = _extension(picture)
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / f"in{ext}", Path(tmp) / f"out{ext}"
        source.write_bytes(picture.data)
        scale = (
            f"scale={side}:{side}:force_original_aspect_ratio=decrease,"
            f"pad={side}:{side}:(ow-iw)/2:(oh-ih)/2:color=white,format=rgb24"
        )
        quality = ["-q:v", "2"] if ext == ".jpg" else []
        args = ["-loglevel", "error", "-y", "-i", str(source), "-vf", scale, "-frames:v", "1"]
        try:
            run_ffmpeg([*args, *quality, str(target)])
        except AudioError as e:
            raise OutputError(f"cannot make the cover art square: {e}") from e
        return Picture(picture.mime, target.read_bytes())


def write_cover(document: EpisodeDocument, out_dir: Path, cover: Picture | None = None) -> None:
    """Write the episode's cover art, made fit for podcast apps, as ``document.image``."""
    if cover is None or document.image is None:
        return
    target = Path(out_dir) / document.image
    data = podcast_picture(cover).data
    if not target.is_file() or target.read_bytes() != data:
        write_bytes_atomic(target, data)


def draw_cover(target: Path, title: str) -> Path:
    """Draw a square PNG cover (a blue gradient with the title) with ffmpeg."""
    size = MIN_PIXELS
    source = (
        f"gradients=s={size}x{size}:c0=0x0b5cad:c1=0x062f5a"
        f":x0=0:y0=0:x1={size}:y1={size}:nb_colors=2:seed=1"
    )
    font = next((f for f in COVER_FONTS if Path(f).is_file()), None)
    with tempfile.TemporaryDirectory() as tmp, atomic_path(target) as out:
        text_filter = ""
        if font:
            text_file = Path(tmp) / "title.txt"
            text_file.write_text("\n".join(textwrap.wrap(title, 16)[:5]), encoding="utf-8")
            text_filter = (
                f",drawtext=fontfile={font}:textfile={text_file}:fontcolor=white:fontsize=120"
                ":line_spacing=24:x=(w-text_w)/2:y=(h-text_h)/2:expansion=none"
            )
        args = [
            "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", source + text_filter + ",format=rgb24",
            "-frames:v", "1", "-f", "image2", "-c:v", "png", str(out),
        ]  # fmt: skip
        try:
            run_ffmpeg(args)
        except AudioError as e:
            raise OutputError(f"cannot draw the cover {target}: {e}") from e
    return target
