"""Atomic file writes (a temp file in the target folder, fsync, then rename), and the
sweeping of temp files that runs killed part-way leave behind."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

TEMP_SUFFIX = ".part"
FOLDER_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})
"""Write errors that are the filesystem's, whichever file was being written."""
STALE_AFTER_S = 3600.0
"""A temp file untouched this long belongs to a run that died: no live run leaves one idle
for an hour (the longest allowed article encodes in minutes)."""


@contextlib.contextmanager
def atomic_path(target: Path, *, create: bool = True) -> Iterator[Path]:
    """Yield a temp path beside ``target``; on success it replaces ``target``.

    With ``create`` off, the temp path is only named, and neither it nor the folder is
    created: the caller writes it when ready, so nothing appears on disk until then.
    On any exception the temp file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    if create:
        make_dir(target.parent)
        try:
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent
            )
            os.close(fd)
        except OSError as e:
            raise OutputError(f"cannot write to {target.parent}: {e.strerror or e}") from e
    else:
        tmp_name = str(target.parent / f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
    tmp = Path(tmp_name)
    try:
        yield tmp
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OutputError:  # already says what could not be written (a nested atomic_path)
        tmp.unlink(missing_ok=True)
        raise
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise write_error(target, e) from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def make_dir(folder: Path) -> None:
    """Create ``folder`` and its parents if missing; ``OutputError`` when that fails."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot write to {folder}: {e.strerror or e}") from e


def write_error(target: Path, error: OSError) -> OutputError:
    """One line for a failed write; a full or read-only disk is the folder's, not the file's."""
    reason = error.strerror or str(error)
    if error.errno in FOLDER_ERRNOS:
        return OutputError(f"cannot write to {Path(target).parent}: {reason}")
    return OutputError(f"cannot write {target}: {reason}")


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(target: Path, text: str) -> None:
    write_bytes_atomic(target, text.encode("utf-8"))


_OUR_TEMP = re.compile(r"\..+\.(?:[a-z0-9_]{8}|[0-9a-f]{12}|\d)" + re.escape(TEMP_SUFFIX))
"""The temp names this module and the encoder make: ``.<name>.<mkstemp's 8 characters, 12 hex
digits or a part number>.part``."""


def is_our_temp(name: str) -> bool:
    """Whether a file name is one of our temp files: only those are ever swept."""
    return _OUR_TEMP.fullmatch(name) is not None


def remove_stale_temps(folder: Path, older_than_s: float = STALE_AFTER_S) -> int:
    """Delete our hidden temp files in ``folder`` not modified for ``older_than_s`` seconds.

    A run killed part-way (SIGKILL, power cut) cannot remove its temp files; they are
    hidden and never mistaken for output, and this sweeps them. Returns how many went.
    Files that vanish or cannot be removed meanwhile are skipped.
    """
    cutoff = time.time() - older_than_s
    removed = 0
    try:
        candidates = [
            p for p in Path(folder).glob(f".*{TEMP_SUFFIX}") if is_our_temp(p.name) and p.is_file()
        ]
    except OSError:
        return 0
    for path in candidates:
        try:
            if path.lstat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def ensure_writable_dir(folder: Path) -> None:
    """Prove a file can be made in ``folder`` (or, while it does not exist yet, in the
    nearest folder above it that does); else ``OutputError``. Creates nothing that stays.

    Lets a run fail before minutes of synthesis rather than at its first write.
    """
    folder = Path(folder)
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"cannot write to {folder}: {probe} is not a folder")
    try:
        fd, name = tempfile.mkstemp(prefix=".write-test.", suffix=TEMP_SUFFIX, dir=probe)
        os.close(fd)
        os.unlink(name)
    except OSError as e:
        raise OutputError(f"cannot write to {folder}: {e.strerror or e}") from e
