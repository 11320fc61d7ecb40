"""Reserving an episode's name, so that runs writing into one folder at the same time never
choose the same one, and one article made twice at once becomes one episode.

A run chooses a name while it holds a lock on the folder, and takes the name by locking
``.<stem>.lock`` beside the episode, a file that says whose article it is. It keeps that lock
until the episode is complete or has failed. Both are ``flock`` locks: the kernel drops them
with a run that dies, so a killed run never blocks the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError
from ..fsutil import make_dir
from ..models import Article
from .naming import held_by_another, same_article, source_key, stem_candidates

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"


def lock_path(out_dir: Path, stem: str) -> Path:
    """The file whose lock reserves ``stem`` in ``out_dir``: hidden, so never published."""
    return Path(out_dir) / f".{stem}{LOCK_SUFFIX}"


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (not removed or replaced)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


@contextlib.contextmanager
def folder_lock(out_dir: Path) -> Iterator[None]:
    """Hold the lock on ``out_dir``, made if missing: one run at a time chooses a name in it
    or lists it in its index."""
    out_dir = Path(out_dir)
    while True:
        make_dir(out_dir)
        try:
            fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except FileNotFoundError:
            continue  # removed meanwhile by a run that failed in it
        except OSError as e:
            raise OutputError(f"cannot write to {out_dir}: {e.strerror or e}") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _same_file(fd, out_dir):
                yield
                return
        finally:
            os.close(fd)


@dataclass(frozen=True)
class Reservation:
    """A name taken in the output folder: its lock file, open and locked."""

    stem: str
    path: Path
    fd: int

    def release(self) -> None:
        """Remove the lock file, then drop the lock; a run waiting on it chooses again."""
        with contextlib.suppress(OSError):
            if _same_file(self.fd, self.path):
                self.path.unlink()
        os.close(self.fd)


def _take(path: Path) -> int | None:
    """Lock ``path``, made if missing; its descriptor, or None while another run holds it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        if _same_file(fd, path):
            return fd
        os.close(fd)  # its holder removed it between our open and our lock


def _owned_by(path: Path, article: Article) -> bool:
    """Whether the run holding ``path`` makes ``article``: its record names the article."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return same_article(article, record["source_key"], record["source_sha256"])
    except (OSError, ValueError, TypeError, KeyError):
        return False


def _record(fd: int, article: Article) -> None:
    record = {
        "source_key": source_key(article.source),
        "source_sha256": article.source_sha256,
        "pid": os.getpid(),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)


def _choose(out_dir: Path, article: Article, stem: str | None) -> Reservation | Path:
    """Under the folder lock: the first name free for ``article`` (only ``stem``, when given),
    taken; or the lock file to wait on, when that name is being made for the same article
    (or is the given ``stem``) by another run."""
    names: Iterable[str] = (stem,) if stem else stem_candidates(article)
    for name in names:
        path = lock_path(out_dir, name)
        fd = _take(path)
        if fd is None:
            if stem or _owned_by(path, article):
                return path
            continue
        reservation = Reservation(name, path, fd)
        if not stem and held_by_another(out_dir / f"{name}.json", article):
            reservation.release()
            continue
        _record(fd, article)
        return reservation
    raise AssertionError("stem_candidates never ends")


def _sweep(out_dir: Path) -> None:
    """Under the folder lock: remove the reservations of runs that died (nobody holds them)."""
    for path in out_dir.glob(f".*{LOCK_SUFFIX}"):
        fd = _take(path)
        if fd is not None:
            Reservation(path.name, path, fd).release()


def _wait(path: Path) -> None:
    """Until the run holding ``path`` lets it go."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    finally:
        os.close(fd)


def reserve(out_dir: Path, article: Article, stem: str | None = None) -> Reservation:
    """Take a name for ``article``'s episode in ``out_dir``: ``stem``, once no other run
    holds it, else the first of ``stem_candidates`` that no other article holds or is
    being made under. When a run is making the same article, wait for it and choose again
    (its episode is then this one's, perhaps up to date)."""
    out_dir = Path(out_dir)
    while True:
        try:
            with folder_lock(out_dir):
                _sweep(out_dir)
                chosen = _choose(out_dir, article, stem)
        except OutputError:
            raise
        except OSError as e:
            raise OutputError(f"cannot write to {out_dir}: {e.strerror or e}") from e
        if isinstance(chosen, Reservation):
            return chosen
        log.info("%s is being made by another run: waiting for it", chosen.name)
        _wait(chosen)


@contextlib.contextmanager
def reserved_stem(out_dir: Path, article: Article, stem: str | None = None) -> Iterator[str]:
    """``reserve`` a name for the block; a failed block that found no folder leaves none."""
    out_dir = Path(out_dir)
    created = not out_dir.exists()
    reservation = reserve(out_dir, article, stem)
    try:
        yield reservation.stem
    except BaseException:
        reservation.release()
        if created:
            with folder_lock(out_dir), contextlib.suppress(OSError):
                out_dir.rmdir()  # only while empty: another run's files keep it
        raise
    reservation.release()
