"""Pronunciation lexicons: written form -> spoken form, from a TOML or CSV file.

The newsroom's own lexicon (``--lexicon``) and the built-in abbreviation table share this
format. CSV: a header ``written,spoken[,whole_word][,case_sensitive][,before_name]``.
TOML: either a table ``[words]`` of ``"written" = "spoken"`` pairs, or ``[[entry]]`` tables
with the keys ``written``, ``spoken`` and the optional flags. Flags default to
``whole_word = true``, ``case_sensitive = true``, ``before_name = false``.
"""

from __future__ import annotations

import csv
import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..config.checks import shown
from ..errors import ConfigError, reason
from .lexicon_match import FormMatcher
from .tables import csv_records

_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)\S\Z")
MAX_LEXICON_BYTES = 20_000_000
"""A lexicon file larger than this is refused before it is read."""
MAX_WRITTEN_CHARS = 200
"""Longest written form an entry may match: a name, a code, a phrase."""
MAX_SPOKEN_CHARS = 1000
_TRUE = {"1", "true", "yes", "y", "có"}
_FALSE = {"0", "false", "no", "n", "không"}


@dataclass(frozen=True)
class LexiconEntry:
    """One written form and how to say it."""

    written: str
    spoken: str
    whole_word: bool = True
    """Match only where the written form is not part of a longer word (digits may follow)."""
    case_sensitive: bool = True
    """When false, 'faros' and 'FAROS' also match 'Faros'."""
    before_name: bool = False
    """Expand only before a number or a capitalised name (Q.1, P.Cô Giang, not 'bà P.')."""


@dataclass(frozen=True)
class UserLexicon:
    """An ordered set of entries, found in text word by word (longest form first)."""

    entries: tuple[LexiconEntry, ...]
    sha256: str | None = field(default=None, compare=False)
    """Hex digest of the file the entries were read from: it decides episodes' content."""
    _matcher: FormMatcher = field(init=False, repr=False, compare=False)
    _exact: dict[str, LexiconEntry] = field(init=False, repr=False, compare=False)
    _folded: dict[str, LexiconEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact: dict[str, LexiconEntry] = {}
        folded: dict[str, LexiconEntry] = {}
        for entry in self.entries:
            if entry.case_sensitive:
                exact.setdefault(entry.written, entry)
            else:
                folded.setdefault(entry.written.casefold(), entry)
        object.__setattr__(self, "_matcher", FormMatcher(self.entries))
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_folded", folded)

    def _lookup(self, written: str) -> LexiconEntry | None:
        return self._exact.get(written) or self._folded.get(written.casefold())

    def __len__(self) -> int:
        return len(self.entries)

    @staticmethod
    def _spoken(text: str, start: int, end: int, entry: LexiconEntry) -> str | None:
        """How to say the form found at ``text[start:end]``; None to leave it as written."""
        after = text[end : end + 2]
        if entry.before_name and not _starts_name(after, _after_place(text, start)):
            return None
        if _is_initials(entry.written) and _PERSON_BEFORE.search(text, max(0, start - 24), start):
            return None
        spoken = entry.spoken
        if after[:1].isalnum():
            spoken += " "
        if start > 0 and text[start - 1].isalnum():
            spoken = " " + spoken
        if entry.written.endswith(".") and not text[end:].strip():
            spoken += "."
        if _SENTENCE_START.search(text, max(0, start - 24), start + 1) and not spoken[:1].isspace():
            spoken = spoken[:1].upper() + spoken[1:]
        return spoken

    def spoken(self, written: str) -> str | None:
        """How ``written`` is said when it is one of this lexicon's forms, else None."""
        entry = self._lookup(written)
        return None if entry is None else entry.spoken

    def apply(self, text: str) -> str:
        """Replace every written form in ``text`` with its spoken form."""
        pieces: list[str] = []
        done = 0
        for hit in self._matcher.find(text):
            entry = hit.form
            assert isinstance(entry, LexiconEntry)
            spoken = self._spoken(text, hit.start, hit.end, entry)
            if spoken is not None:
                pieces += (text[done : hit.start], spoken)
                done = hit.end
        return "".join(pieces) + text[done:] if pieces else text

    def written_forms(self) -> list[str]:
        """Every written form, in file order."""
        return [entry.written for entry in self.entries]


_PERSON_BEFORE = re.compile(r"(?i)\b(?:ông|bà|anh|chị|em|cháu|chú|bé|cụ|bị cáo|bị can)\s+$")
"""After these, capitals are a person's initials (ông NĐT, bị cáo HCV), not an abbreviation."""


def _is_initials(written: str) -> bool:
    return len(written) >= 2 and written.isalpha() and written.isupper()


_PLACE_BEFORE = re.compile(r"(?i)\b(?:tại|ở|thuộc|trú|về|đến)\s+$")
"""After these, "P. Trần Hưng Đạo" is a ward; elsewhere "Nguyễn Văn P. Trần ..." may end a
person's initials."""


def _after_place(text: str, start: int) -> bool:
    return _PLACE_BEFORE.search(text, max(0, start - 12), start) is not None


def _starts_name(after: str, after_place: bool = False) -> bool:
    first = after[:1]
    if first == " ":
        first = after[1:2]
        return first.isdigit() or (after_place and first.isupper())
    return first.isdigit() or first.isupper()


def _flag(value: object, default: bool, name: str, where: str) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if not isinstance(value, str | int) or (isinstance(value, int) and value not in (0, 1)):
        raise ConfigError(f"{where}: {name} must be true or false, not {shown(value)}")
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{where}: {name} must be true or false, not {shown(value)}")


def _text(row: Mapping[str, object], key: str, limit: int, where: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ConfigError(f"{where}: '{key}' must be text, not {shown(value)}")
    if len(value) > limit:
        raise ConfigError(f"{where}: '{key}' is over {limit} characters")
    return value.strip()


def _entry(row: Mapping[str, object], where: str) -> LexiconEntry:
    written = _text(row, "written", MAX_WRITTEN_CHARS, where)
    spoken = _text(row, "spoken", MAX_SPOKEN_CHARS, where)
    if not written or not spoken:
        raise ConfigError(f"{where}: each entry needs a non-empty 'written' and 'spoken'")
    return LexiconEntry(
        written=written,
        spoken=spoken,
        whole_word=_flag(row.get("whole_word"), True, "whole_word", where),
        case_sensitive=_flag(row.get("case_sensitive"), True, "case_sensitive", where),
        before_name=_flag(row.get("before_name"), False, "before_name", where),
    )


def parse_csv(text: str, source: str = "<csv>", sha256: str | None = None) -> UserLexicon:
    """Entries from CSV text with a ``written,spoken,...`` header; '#' lines are comments."""
    reader = csv_records(text)
    try:
        if reader.fieldnames is None or not {"written", "spoken"} <= set(reader.fieldnames):
            raise ConfigError(f"{source}: the CSV header must name 'written' and 'spoken' columns")
        entries = [
            _entry(
                {k: v for k, v in row.items() if k is not None and v is not None},
                f"{source} row {number}",
            )
            for number, row in enumerate(reader, start=2)
        ]
    except csv.Error as e:
        raise ConfigError(f"{source}: not valid CSV ({e})") from e
    return UserLexicon(tuple(entries), sha256)


def parse_toml(text: str, source: str = "<toml>", sha256: str | None = None) -> UserLexicon:
    """Entries from TOML text: a ``[words]`` table and/or ``[[entry]]`` tables."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(f"{source}: not valid TOML (nested too deeply)") from None
    except ValueError as e:  # TOMLDecodeError, or a number past the int-to-str digit limit
        raise ConfigError(f"{source}: not valid TOML ({reason(e)})") from e
    entries: list[LexiconEntry] = []
    words = data.get("words", {})
    if not isinstance(words, dict):
        raise ConfigError(f'{source}: [words] must be a table of "written" = "spoken"')
    entries.extend(
        _entry({"written": k, "spoken": v}, f"{source} [words] {k!r}") for k, v in words.items()
    )
    tables = data.get("entry", [])
    if not isinstance(tables, list):
        raise ConfigError(f"{source}: entries must be written as [[entry]] tables")
    for number, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: [[entry]] number {number} is not a table")
        entries.append(_entry(table, f"{source} [[entry]] number {number}"))
    if not entries:
        raise ConfigError(f"{source}: no [words] or [[entry]] found")
    return UserLexicon(tuple(entries), sha256)


def load_lexicon(path: str | Path) -> UserLexicon:
    """Read a user lexicon from a ``.toml`` or ``.csv`` file."""
    path = Path(path)
    try:
        if not path.exists():
            raise ConfigError(f"cannot read lexicon {path}: no such file")
        if not path.is_file():  # a FIFO or a device such as /dev/zero would never end
            raise ConfigError(f"cannot read lexicon {path}: not a regular file")
        with path.open("rb") as fh:
            data = fh.read(MAX_LEXICON_BYTES + 1)
        if len(data) > MAX_LEXICON_BYTES:
            raise ConfigError(f"lexicon {path} is over {MAX_LEXICON_BYTES} bytes")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(f"cannot read lexicon {path}: not UTF-8 text") from e
    except OSError as e:
        raise ConfigError(f"cannot read lexicon {path}: {e.strerror or e}") from e
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return parse_toml(text, str(path), hashlib.sha256(data).hexdigest())
    if suffix == ".csv":
        return parse_csv(text, str(path), hashlib.sha256(data).hexdigest())
    raise ConfigError(f"lexicon {path}: use a .toml or .csv file")
