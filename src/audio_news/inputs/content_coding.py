"""A response's ``Content-Encoding`` undone by us, a piece at a time, never past the byte cap.

The body is read raw and inflated here with ``max_length``, so what one read may grow to is
bounded by the room left under the cap whatever the transport library's version does. One
coding at most: ``gzip, gzip`` (a few KB that inflate to gigabytes) is refused, and so is a
coding we did not ask for.
"""

from __future__ import annotations

import zlib
from typing import Protocol

from ..errors import FetchError

ACCEPT_ENCODING = "gzip, deflate"
"""What we ask for: the codings the standard library inflates with a bound on the output."""
_GZIP_MAGIC = b"\x1f\x8b"


class Decoder(Protocol):
    def decode(self, data: bytes, room: int) -> bytes:
        """``data`` inflated; more than ``room`` bytes back means the cap is passed."""
        ...

    def end(self) -> None:
        """The body is over: refuse a stream cut short."""
        ...


class _Identity:
    def decode(self, data: bytes, room: int) -> bytes:
        return data

    def end(self) -> None:
        pass


class _Zlib:
    """gzip (every member of a multi-member body) or deflate (zlib-wrapped, or raw as some
    servers send it)."""

    def __init__(self, url: str, coding: str) -> None:
        self._url, self._coding = url, coding
        self._wbits = 16 + zlib.MAX_WBITS if coding == "gzip" else 0
        self._head = b""  # deflate: the first two bytes tell zlib-wrapped from raw
        self._inflater: zlib._Decompress | None = None
        self._started = False

    def _new(self, data: bytes) -> zlib._Decompress:
        wbits = self._wbits
        if not wbits:  # RFC 1950 header: compression method 8 and a multiple of 31
            wrapped = data[0] & 0x0F == 8 and int.from_bytes(data[:2], "big") % 31 == 0
            wbits = zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
        return zlib.decompressobj(wbits)

    def decode(self, data: bytes, room: int) -> bytes:
        if self._inflater is None:
            data = self._head + data
            if not self._wbits and len(data) < 2:
                self._head = data
                return b""
            self._inflater = self._new(data)
        self._started = self._started or bool(data)
        out = bytearray()
        try:
            while data:
                out += self._inflater.decompress(data, room + 1 - len(out))
                if len(out) > room or not self._inflater.eof:
                    break  # under max_length, zlib has taken all of ``data``
                data = self._inflater.unused_data
                if self._wbits and data.startswith(_GZIP_MAGIC):
                    self._inflater = self._new(data)  # the next gzip member
                else:
                    break  # trailing bytes after the stream are ignored, as browsers do
        except zlib.error as e:
            raise FetchError(f"cannot fetch {self._url}: damaged {self._coding} data ({e})") from e
        return bytes(out)

    def end(self) -> None:
        cut = self._inflater is not None and self._started and not self._inflater.eof
        if cut or self._head:
            raise FetchError(f"cannot fetch {self._url}: the {self._coding} data is cut short")


def decoder_for(header: str | None, url: str) -> Decoder:
    """The decoder for a ``Content-Encoding`` header; ``FetchError`` for one we refuse."""
    codings = [c.strip().lower() for c in (header or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1:
        raise FetchError(
            f"cannot fetch {url}: stacked content encodings ({', '.join(codings)}) are refused"
        )
    if not codings:
        return _Identity()
    coding = {"x-gzip": "gzip"}.get(codings[0], codings[0])
    if coding not in ("gzip", "deflate"):
        raise FetchError(f"cannot fetch {url}: content encoding {coding} is not supported")
    return _Zlib(url, coding)
