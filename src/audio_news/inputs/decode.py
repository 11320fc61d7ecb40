"""Bytes to clean Unicode text: BOMs, UTF-8, legacy Vietnamese code pages, mojibake, binary."""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

from ..errors import InputError

log = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Letters only Vietnamese uses: ă đ ơ ư and the tone-marked vowels (Latin Extended Additional).
_VIETNAMESE = re.compile("[ăĂđĐơƠưƯ\u1ea0-\u1ef9]")
# What UTF-8 Vietnamese looks like after a trip through Latin-1 / Windows-1252.
_CP1252_HIGH = (
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122"
)
_MOJIBAKE = re.compile(f"(?:[ÃÄÆÅ][\u0080-\u00bf{_CP1252_HIGH}]|á[º»])")
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_BAD_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_TERMINAL_CODES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")
"""ANSI escape sequences (colours, cursor moves) from text copied out of a terminal."""
_FEW_CONTROLS = 8
"""Stray control characters (a bell, terminal colours) a text may hold and still be text."""
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)


def _utf16_without_bom(data: bytes) -> str | None:
    """Text written as UTF-16 with no BOM shows NULs in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    for zeros, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros > 0.4 * half and (even if encoding == "utf-16-le" else odd) < 0.05 * half:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was read as Windows-1252 or Latin-1, when that clearly helps."""
    found = len(_MOJIBAKE.findall(text))
    if found < 2:
        return text
    raw = bytearray()
    for ch in text:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return text
            raw.append(ord(ch))
    try:
        fixed = raw.decode("utf-8")
    except UnicodeDecodeError:
        return text
    if len(_MOJIBAKE.findall(fixed)) < found and _VIETNAMESE.search(fixed):
        log.info("repaired UTF-8 text that had been decoded as Latin-1")
        return fixed
    return text


def _legacy(data: bytes) -> str:
    """Windows-1258 when the result reads as Vietnamese, else Windows-1252 / Latin-1."""
    candidates: list[str] = []
    for encoding in ("cp1258", "cp1252"):
        try:
            candidates.append(unicodedata.normalize("NFC", data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    candidates.append(data.decode("latin-1"))
    return max(candidates, key=lambda s: len(_VIETNAMESE.findall(s)))


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag near its top."""
    match = _CHARSET.search(data[:8192])
    return match.group(1).decode("ascii").lower() if match else None


def decode_bytes(data: bytes, name: str, *, charset: str | None = None) -> str:
    """Decode ``data`` to NFC text with ``\\n`` line ends; ``InputError`` if it is not text.

    Order: a BOM; strict UTF-8; ``charset`` (from HTTP or a ``<meta>``); UTF-16 without BOM;
    then Windows-1258 or Windows-1252. UTF-8 that was once decoded as Latin-1 is repaired.
    """
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as e:
                raise InputError(f"{name} is not valid {encoding.upper()} text: {e.reason}") from e
            break
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _nearly_utf8(data, name) or _decode_non_utf8(data, charset)
    if "\x00" in text:
        text = _utf16_without_bom(data) or text
    text = _repair_mojibake(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _TERMINAL_CODES.sub("", text)
    _check_is_text(text, name)
    return unicodedata.normalize("NFC", text)


NEARLY_UTF8_SHARE = 0.02
"""At most this share of a text's non-ASCII characters may be invalid bytes for it still to
be UTF-8 (a byte garbled in transit, a character cut in half): more, and it is another
encoding."""
_FEW_INVALID = 3


def _nearly_utf8(data: bytes, name: str) -> str | None:
    """UTF-8 with its few invalid bytes dropped, when it is UTF-8 but for them; else None."""
    replaced = data.decode("utf-8", "replace")
    invalid = replaced.count("\ufffd") - data.count("\ufffd".encode())
    valid_non_ascii = sum(1 for ch in replaced if ord(ch) > 127) - invalid
    if valid_non_ascii < _FEW_INVALID or invalid > max(
        _FEW_INVALID, NEARLY_UTF8_SHARE * valid_non_ascii
    ):
        return None
    log.warning("%s: dropped what is not UTF-8 in %d places", name, invalid)
    return data.decode("utf-8", "ignore")


def _decode_non_utf8(data: bytes, charset: str | None) -> str:
    if charset:
        try:
            codecs.lookup(charset)
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            log.info("declared charset %s does not fit; guessing", charset)
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
    return _legacy(data)


def _check_is_text(text: str, name: str) -> None:
    if not text:
        return
    sample = text[:65536]
    bad = len(_BAD_CONTROLS.findall(sample))
    if "\x00" in sample or bad > max(_FEW_CONTROLS, len(sample) // 20):
        raise InputError(f"{name} is not text (it looks like a binary file)")
    printable = sum(1 for ch in sample if ch.isprintable() or ch.isspace() or ch in _INVISIBLE)
    if printable < 0.9 * len(sample):
        raise InputError(f"{name} is not text (it looks like a binary file)")
