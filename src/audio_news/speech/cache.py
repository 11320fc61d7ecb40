"""Content-addressed cache of synthesized clips, one checksummed file per entry.

An entry lives at ``<root>/<key[:2]>/<key>.clip``: a fixed header (magic, format
version, sample rate, codec length, payload length, SHA-256 of everything after the
header), the codec name, then the audio bytes. Entries are written to a temp file
beside their final name and renamed over it, so two processes writing the same key
both succeed and a reader sees either nothing or a whole entry. A file that fails its
checksum (truncated, flipped bits, a crash on a filesystem that reorders writes) is
deleted and reported as a miss, so the clip is simply synthesized again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError
from ..models import Clip

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
"""Bump when the key fields or the entry layout change; old entries then go unused."""

_MAGIC = b"ANCL"
_HEADER = struct.Struct("<4sBIHQ32s")
_SUFFIX = ".clip"
_TEMP_SUFFIX = ".part"


@dataclass(frozen=True)
class CacheInfo:
    """What ``audio-news cache info`` reports."""

    root: Path
    entries: int
    total_bytes: int


class SegmentCache:
    """Clips keyed by everything that decides their sound; safe to share between processes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @staticmethod
    def key(engine_name: str, voice_id: str, speed: float, text: str) -> str:
        """Hex SHA-256 over the format version and the fields, unambiguously framed."""
        fields = [FORMAT_VERSION, engine_name, voice_id, float(speed), text]
        blob = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def path_for(self, key: str) -> Path:
        if len(key) < 3 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.root / key[:2] / f"{key}{_SUFFIX}"

    def get(self, key: str) -> Clip | None:
        """The cached clip, or None on a miss; a damaged entry is deleted and is a miss."""
        path = self.path_for(key)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            log.warning("cannot read cache entry %s: %s", path, e.strerror or e)
            return None
        clip = _decode(blob)
        if clip is None:
            log.warning("damaged cache entry removed: %s", path)
            path.unlink(missing_ok=True)
        return clip

    def put(self, key: str, clip: Clip) -> None:
        """Store ``clip`` under ``key`` atomically; raise ``OutputError`` when it cannot."""
        path = self.path_for(key)
        blob = _encode(clip)
        tmp: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                prefix=f".{key[:16]}.", suffix=_TEMP_SUFFIX, dir=path.parent
            )
            tmp = Path(name)
            # No fsync: a cache entry lost or torn by a power cut fails its checksum and is redone.
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, path)
        except OSError as e:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            raise OutputError(f"cannot write cache entry {path}: {e.strerror or e}") from e

    def info(self) -> CacheInfo:
        entries = total = 0
        for path in self._entry_paths():
            try:
                total += path.stat().st_size
            except OSError:
                continue
            entries += 1
        return CacheInfo(root=self.root, entries=entries, total_bytes=total)

    def clear(self) -> int:
        """Remove every entry (and stale temp files); return how many entries went."""
        removed = 0
        for path in self._entry_paths():
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as e:
                raise OutputError(f"cannot remove {path}: {e.strerror or e}") from e
            removed += 1
        for shard in self._shards():
            for stale in shard.glob(f".*{_TEMP_SUFFIX}"):
                if stale.is_file() and not stale.is_symlink():
                    stale.unlink(missing_ok=True)
            # A shard still holding something (a writer's temp file, files not ours) stays.
            with contextlib.suppress(OSError):
                shard.rmdir()
        return removed

    def _shards(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(  # a link is never ours: clearing must not follow it out of the cache
            p
            for p in self.root.iterdir()
            if len(p.name) == 2 and _is_hex(p.name) and p.is_dir() and not p.is_symlink()
        )

    def _entry_paths(self) -> list[Path]:
        return [
            p
            for shard in self._shards()
            for p in shard.glob(f"*{_SUFFIX}")
            if not p.name.startswith(".") and not p.is_symlink() and p.is_file()
        ]


def _is_hex(name: str) -> bool:
    return all(c in "0123456789abcdef" for c in name)


def _encode(clip: Clip) -> bytes:
    codec = clip.codec.encode("ascii")
    body = codec + clip.data
    header = _HEADER.pack(
        _MAGIC,
        FORMAT_VERSION,
        clip.sample_rate,
        len(codec),
        len(clip.data),
        hashlib.sha256(body).digest(),
    )
    return header + body


def _decode(blob: bytes) -> Clip | None:
    if len(blob) < _HEADER.size:
        return None
    magic, version, rate, codec_len, data_len, digest = _HEADER.unpack_from(blob)
    body = blob[_HEADER.size :]
    if (
        magic != _MAGIC
        or version != FORMAT_VERSION
        or len(body) != codec_len + data_len
        or hashlib.sha256(body).digest() != digest
    ):
        return None
    try:
        codec = body[:codec_len].decode("ascii")
    except UnicodeDecodeError:
        return None
    return Clip(data=body[codec_len:], codec=codec, sample_rate=rate)


def format_cache_info(info: CacheInfo) -> str:
    """Three lines for ``audio-news cache info``."""
    return "\n".join(
        (
            f"cache folder: {info.root}",
            f"entries:      {info.entries}",
            f"size:         {_human_bytes(info.total_bytes)}",
        )
    )


def _human_bytes(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    size = n / 1000
    for unit in ("KB", "MB"):
        if size < 1000:
            return f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"
