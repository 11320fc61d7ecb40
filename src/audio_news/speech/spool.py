"""Clips kept in a temp file in input order, readable while they are still being stored."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Sequence
from typing import overload

from ..models import Clip


class ClipSequence(Sequence[Clip]):
    """A read-only sequence of clips made or fetched one at a time by ``clip``."""

    def clip(self, index: int) -> Clip:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Clip: ...
    @overload
    def __getitem__(self, index: slice) -> list[Clip]: ...
    def __getitem__(self, index: int | slice) -> Clip | list[Clip]:
        if isinstance(index, slice):
            return [self.clip(i) for i in range(*index.indices(len(self)))]
        return self.clip(index)


class ClipSpool(ClipSequence):
    """Clips in input order, their audio spooled to an anonymous temp file.

    Two hours of speech is hundreds of MB of PCM; holding only offsets keeps memory flat
    while assembly reads the clips back one at a time. Until ``close`` is called, reading
    a clip not yet stored waits for it.
    """

    def __init__(self, size: int) -> None:
        # Owned for the spool's whole life; the OS deletes it when it is closed or collected.
        self._file = tempfile.TemporaryFile(prefix="audio-news-clips-")  # noqa: SIM115
        self._records: list[tuple[int, int, str, int] | None] = [None] * size
        self._changed = threading.Condition()
        self._closed = False
        self._error: BaseException | None = None

    def store(self, indexes: Sequence[int], clip: Clip) -> None:
        with self._changed:
            offset = self._file.seek(0, os.SEEK_END)
            self._file.write(clip.data)
            for index in indexes:
                self._records[index] = (offset, len(clip.data), clip.codec, clip.sample_rate)
            self._changed.notify_all()

    def close(self, error: BaseException | None) -> None:
        """No more clips will come; readers of a missing clip get ``error``."""
        with self._changed:
            self._closed, self._error = True, error
            self._changed.notify_all()

    @property
    def missing(self) -> int:
        with self._changed:
            return sum(record is None for record in self._records)

    def __len__(self) -> int:
        return len(self._records)

    def clip(self, index: int) -> Clip:
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._records[index] is not None)
            record = self._records[index]
            if record is None:
                if self._error is not None:
                    raise self._error
                raise IndexError(f"clip {index} was never synthesized")
            offset, length, codec, sample_rate = record
            self._file.seek(offset)
            data = self._file.read(length)
        return Clip(data, codec, sample_rate)
