"""The one exception root and its few subclasses.

The CLI turns any ``AudioNewsError`` into one line on stderr and a non-zero exit;
anything else escaping is a bug.
"""

from __future__ import annotations

REASON_CHARS = 120
"""How much of another library's error text one of our messages quotes."""


class AudioNewsError(Exception):
    """Root of every error this package raises on purpose."""


class InputError(AudioNewsError, ValueError):
    """The article cannot be read, is empty, too large or not text."""


class FetchError(InputError):
    """A URL could not be downloaded."""


class EngineError(AudioNewsError):
    """A speech engine is unavailable or failed to synthesize."""


class EngineUnavailable(EngineError):
    """The requested engine cannot run on this machine or cannot be reached."""


class TransientEngineError(EngineError):
    """A request failed in a way worth retrying (429, 5xx, timeout, reset)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        """Seconds the server asked us to wait, when it said."""


class ClipPending(EngineError):
    """The engine took the text but its audio is not ready yet; ask again later.

    Not a failure: the scheduler asks again after ``retry_after`` without counting a try or
    slowing down. The engine remembers what it is waiting for.
    """

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        """Seconds until the engine wants to be asked again."""


class AudioError(AudioNewsError):
    """Decoding, assembling or encoding audio failed."""


class ConfigError(AudioNewsError, ValueError):
    """An option or config file value is invalid."""


class CheckUnavailable(AudioNewsError):
    """The listening check's speech recognizer is not installed or cannot start."""


class OutputError(AudioNewsError, OSError):
    """An output file could not be written."""


def reason(error: BaseException, limit: int | None = REASON_CHARS) -> str:
    """``error``'s text as part of a one-line message: whitespace collapsed, at most ``limit``
    characters (no limit with None), the error's type when it says nothing."""
    text = " ".join(str(error).split())
    return text[:limit] if text else type(error).__name__
