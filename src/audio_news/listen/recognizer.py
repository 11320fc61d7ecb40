"""The offline Vietnamese recognizer of the ``check`` extra, loaded lazily, once per process.

viet-asr ships its model inside the wheel, so nothing is downloaded. It reads 16 kHz mono
16-bit PCM and answers lower-case words without punctuation. Its native library writes its
own log lines to stderr; they are silenced unless asked for.
"""

from __future__ import annotations

import importlib.util
import threading
from typing import Any, Protocol

from ..errors import CheckUnavailable

SAMPLE_RATE = 16_000
"""What the recognizer reads: mono 16-bit PCM at this rate."""
PRESET = "transcribe"
"""viet-asr's pipeline of voice activity detection and recognition; no rewriting of numbers."""
INSTALL_HINT = "the listening check needs its recognizer: pip install 'audio-news[check]'"
QUIET_LOG_LEVEL = 5
"""viet-asr's native log level that prints nothing (its info lines are level 2)."""
VERBOSE_LOG_LEVEL = 2
MIN_SAMPLES = SAMPLE_RATE // 10
"""Shorter audio is not sent: nobody says a word in under 0.1 s."""


class Recognizer(Protocol):
    """Turns speech into words."""

    name: str
    """What recognized, for reports (``viet-asr 0.1.0``)."""

    def transcribe(self, pcm: bytes) -> str:
        """Words heard in ``pcm`` (16 kHz mono s16le); empty when nothing was said."""
        ...


def available() -> bool:
    """Whether the ``check`` extra is installed."""
    return importlib.util.find_spec("vietasr") is not None


def set_log_level(verbose: bool) -> None:
    """Let the recognizer's own log lines through (``verbose``) or keep them off stderr."""
    from vietasr.ffi import native

    native.lib.vietasr_set_log_level(VERBOSE_LOG_LEVEL if verbose else QUIET_LOG_LEVEL)


class VietAsr:
    """viet-asr's ``transcribe`` pipeline; one call at a time."""

    def __init__(self, verbose: bool = False) -> None:
        if not available():
            raise CheckUnavailable(INSTALL_HINT)
        try:
            import numpy
            import vietasr

            set_log_level(verbose)
            self._pipeline: Any = vietasr.Pipeline.preset(PRESET)
        except (ImportError, OSError, RuntimeError) as e:
            raise CheckUnavailable(f"the recognizer cannot start: {e}") from e
        self._numpy: Any = numpy
        self.name = f"viet-asr {vietasr.__version__}"
        self._lock = threading.Lock()

    def transcribe(self, pcm: bytes) -> str:
        if len(pcm) // 2 < MIN_SAMPLES:
            return ""
        samples = self._numpy.frombuffer(pcm[: len(pcm) // 2 * 2], dtype=self._numpy.int16)
        with self._lock:
            try:
                result = self._pipeline.transcribe(samples, sample_rate=float(SAMPLE_RATE))
            except RuntimeError as e:
                raise CheckUnavailable(f"the recognizer failed: {e}") from e
        return " ".join(str(result.text).split())


_loaded: VietAsr | None = None
_load_lock = threading.Lock()


def load_recognizer(verbose: bool = False) -> VietAsr:
    """The process's recognizer, started on first use (2-4 s, about 235 MB) and then reused."""
    global _loaded
    with _load_lock:
        if _loaded is None:
            _loaded = VietAsr(verbose)
        else:
            set_log_level(verbose)
        return _loaded
