"""The segment cache: keys, checksummed entries, damage detection, two processes at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from audio_news.config import Settings
from audio_news.errors import OutputError
from audio_news.models import Clip
from audio_news.speech.cache import CacheInfo, SegmentCache, format_cache_info

PCM = Clip(data=bytes(range(256)) * 40, codec="pcm_s16le", sample_rate=22_050)
MP3 = Clip(data=b"\xff\xfb\x90\x64" + b"\x00" * 500, codec="mp3", sample_rate=24_000)


def key_of(text: str) -> str:
    return SegmentCache.key("espeak", "vi/espeak-ng 1.51", 1.0, text)


def test_round_trip_keeps_codec_rate_and_bytes(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    cache.put(key_of("một"), PCM)
    cache.put(key_of("hai"), MP3)
    assert cache.get(key_of("một")) == PCM
    assert cache.get(key_of("hai")) == MP3
    assert cache.get(key_of("ba")) is None


def test_entries_are_sharded_by_key_prefix(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    key = key_of("một")
    cache.put(key, PCM)
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.clip")] == [
        f"{key[:2]}/{key}.clip"
    ]
    assert not list(tmp_path.rglob("*.part")), "no temp file left behind"


def test_key_depends_on_every_field_and_is_stable() -> None:
    base = SegmentCache.key("gtts", "vi@com", 1.0, "Xin chào")
    assert base == SegmentCache.key("gtts", "vi@com", 1, "Xin chào")
    assert len(base) == 64 and int(base, 16) >= 0
    variants = {
        SegmentCache.key("espeak", "vi@com", 1.0, "Xin chào"),
        SegmentCache.key("gtts", "vi@com.vn", 1.0, "Xin chào"),
        SegmentCache.key("gtts", "vi@com", 1.25, "Xin chào"),
        SegmentCache.key("gtts", "vi@com", 1.0, "Xin chào."),
        SegmentCache.key("gtts", "vi@com", 1.0, "Xin chao"),
    }
    assert len(variants) == 5 and base not in variants
    # Fields are framed, so moving text from one field into the next changes the key.
    assert SegmentCache.key("a", "b c", 1.0, "d") != SegmentCache.key("a b", "c", 1.0, "d")


def test_rejects_keys_that_could_escape_the_root(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    for bad in ("../../etc/passwd", "ab", "ABCDEF", ""):
        with pytest.raises(ValueError):
            cache.get(bad)


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_damaged_entry_is_a_miss_and_is_removed(tmp_path: Path, damage: str) -> None:
    cache = SegmentCache(tmp_path)
    key = key_of("một")
    cache.put(key, PCM)
    path = cache.path_for(key)
    blob = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(blob[: len(blob) - 100])
    elif damage == "flip":
        path.write_bytes(blob[:-1] + bytes([blob[-1] ^ 0x01]))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"not a clip at all" * 10)
    assert cache.get(key) is None
    assert not path.exists()
    cache.put(key, PCM)
    assert cache.get(key) == PCM


def test_info_counts_entries_and_bytes(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path / "cache")
    assert cache.info() == CacheInfo(root=tmp_path / "cache", entries=0, total_bytes=0)
    for word in ("một", "hai", "ba"):
        cache.put(key_of(word), PCM)
    info = cache.info()
    assert info.entries == 3
    assert info.total_bytes == sum(p.stat().st_size for p in (tmp_path / "cache").rglob("*.clip"))
    assert info.total_bytes > 3 * len(PCM.data)


def test_clear_removes_entries_and_temp_files_but_nothing_else(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    for word in ("một", "hai", "ba", "bốn"):
        cache.put(key_of(word), PCM)
    shard = cache.path_for(key_of("một")).parent
    (shard / f".{key_of('một')[:16]}.abc.part").write_bytes(b"half written")
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "zz").mkdir()
    (tmp_path / "zz" / "keep.clip").write_bytes(b"not in a hex shard")

    assert cache.clear() == 4
    assert cache.info().entries == 0
    assert cache.get(key_of("một")) is None
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "notes.txt",
        "zz",
        "zz/keep.clip",
    ]
    assert cache.clear() == 0


def test_clear_never_follows_a_link_and_goes_past_what_it_cannot_remove(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / f"{'ab' * 32}.clip").write_bytes(b"someone else's file")
    cache = SegmentCache(root)
    for word in ("một", "hai", "ba"):
        cache.put(key_of(word), PCM)
    (root / "ab").symlink_to(elsewhere, target_is_directory=True)  # a shard that is a link
    shard = cache.path_for(key_of("một")).parent
    (shard / f"{'cd' * 32}.clip").mkdir()  # a folder named like an entry
    (shard / f"{'ef' * 32}.clip").symlink_to(elsewhere / f"{'ab' * 32}.clip")

    assert cache.clear() == 3
    assert (elsewhere / f"{'ab' * 32}.clip").read_bytes() == b"someone else's file"
    assert cache.get(key_of("hai")) is None and cache.get(key_of("ba")) is None


def test_clear_on_a_missing_root_is_zero(tmp_path: Path) -> None:
    assert SegmentCache(tmp_path / "nowhere").clear() == 0


def test_put_into_an_unusable_root_raises_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(OutputError, match="cannot write cache entry"):
        SegmentCache(blocker).put(key_of("một"), PCM)


def test_format_cache_info() -> None:
    text = format_cache_info(CacheInfo(root=Path("/tmp/c"), entries=12, total_bytes=3_456_789))
    assert text.splitlines() == ["cache folder: /tmp/c", "entries:      12", "size:         3.5 MB"]
    assert "size:         999 bytes" in format_cache_info(CacheInfo(Path("/x"), 1, 999))
    assert "size:         1.2 GB" in format_cache_info(CacheInfo(Path("/x"), 1, 1_234_000_000))


def test_default_root_is_the_user_cache_dir(tmp_path: Path) -> None:
    # conftest points XDG_CACHE_HOME at a temp folder.
    root = Settings().resolved_cache_dir()
    assert root.name == "audio-news" and "cache" in root.parts
    assert Settings(cache_dir=str(tmp_path)).resolved_cache_dir() == tmp_path


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from audio_news.speech.cache import SegmentCache
    from audio_news.models import Clip

    root, key, fill, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    clip = Clip(data=bytes([fill]) * 200_000, codec="pcm_s16le", sample_rate=22_050)
    cache = SegmentCache(Path(root))
    Path(f"{go}.ready.{fill}").touch()
    while not go.exists():
        time.sleep(0.001)
    for _ in range(150):
        cache.put(key, clip)
    """
)


def test_two_processes_writing_one_key_both_succeed_and_readers_never_see_a_torn_entry(
    tmp_path: Path,
) -> None:
    root, go = tmp_path / "cache", tmp_path / "go"
    key = key_of("cùng một câu")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root), key, str(fill), str(go)],
            stderr=subprocess.PIPE,
        )
        for fill in (0x11, 0x22)
    ]
    cache = SegmentCache(root)
    ready = [Path(f"{go}.ready.{fill}") for fill in (0x11, 0x22)]
    deadline = time.monotonic() + 30
    while not all(p.exists() for p in ready) and time.monotonic() < deadline:
        time.sleep(0.005)
    go.touch()
    seen: set[int] = set()
    reads = 0
    while any(w.poll() is None for w in writers):
        clip = cache.get(key)
        reads += 1
        if clip is None:
            # A miss is fine only before the first entry landed; after that get() would
            # have deleted a damaged entry, which is exactly what must not happen.
            assert not seen, "an entry that had been written turned unreadable"
            continue
        assert clip.data in (b"\x11" * 200_000, b"\x22" * 200_000)
        seen.add(clip.data[0])
    for w in writers:
        _, err = w.communicate()
        assert w.returncode == 0, err.decode()
    assert reads > 10 and seen
    assert cache.get(key) is not None
    assert cache.info().entries == 1
    assert not list(root.rglob("*.part"))
