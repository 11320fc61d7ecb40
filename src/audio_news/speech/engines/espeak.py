"""Offline engine: libespeak-ng from the espeakng-loader wheel, loaded in-process with ctypes.

libespeak-ng keeps state from one utterance to the next that no call resets: the waveform
generator's pitch-flutter phase, roughness cycle and gain live in function-level statics,
and its noise generator is seeded from the clock when the library starts. The same text
therefore sounded a little different (and lasted a few samples more or less) depending on
what had been spoken before it in the process, so ``--jobs`` and batch order changed the
MP3. Each utterance is therefore spoken by a fresh copy of the library: it is loaded,
started, given the voice, seeded, used once and unloaded (about 4 ms), so a clip depends
on its text and settings only.
"""

from __future__ import annotations

import _ctypes
import ctypes
import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import ConfigError, EngineError, EngineUnavailable
from ...models import Clip

log = logging.getLogger(__name__)

NAME = "espeak"
MAX_CHARS = 1000
"""espeak-ng takes any length; the pipeline still hands it sentence-sized chunks. Cutting
sentences into clauses of 60 or 30 characters was heard worse, not better."""
DEFAULT_JOBS = 1
"""One utterance at a time (the library is loaded for each): more threads would only queue."""
CALLBACK_BUFFER_MS = 1000
"""Audio per callback; larger means fewer trips from C back into Python."""
RANDOM_SEED = 1
"""Seed of espeak-ng's noise generator for every utterance (it seeds from the clock)."""

DEFAULT_VARIANT = "f2"
"""Voice variant from espeak-ng's ``voices/!v`` (empty: the language's own voice).

Chosen by measurement (``benchmarks/bench_intelligibility.py``, 29 corpus sentences heard
by viet-asr): word error rate 0.69 with the defaults below, against 0.89 at espeak-ng's own
settings. Of about twenty variants tried at 120 wpm, f2, f5 and f3 did best; the language's
own voice, the male variants and klatt did worse."""
DEFAULT_RATE = 120
"""Words per minute (espeak-ng: 80-450, its own default 175); 100 and 145 were both worse."""
DEFAULT_PITCH = 50
"""Base pitch, 0-100 (espeak-ng's default 50); 30, 40 and 70 were no better."""
DEFAULT_PITCH_RANGE = 80
"""Pitch range, 0-100: 0 is monotone, 50 espeak-ng's default. Wider tones are heard better:
80 beat 50 and 65 and matched 100."""
DEFAULT_WORD_GAP = 0
"""Extra pause between words, in units of 10 ms; any (20 or 50 ms) made it worse."""

# Constants from espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EE_OK = 0
_RATE, _PITCH, _RANGE, _WORDGAP = 1, 3, 4, 7
_PHONEMES_IPA = 0x02

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


def _in_range(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"espeak {name} must be a whole number from {low} to {high}, not {value}")


@dataclass(frozen=True)
class EspeakParams:
    """What espeak-ng lets us set besides the language; the defaults are the tuned ones."""

    variant: str = DEFAULT_VARIANT
    """Voice variant name (``f2``, ``m3`` ...), empty for the language's own voice."""
    rate: int = DEFAULT_RATE
    """Words per minute."""
    pitch: int = DEFAULT_PITCH
    """Base pitch, 0-100."""
    pitch_range: int = DEFAULT_PITCH_RANGE
    """Pitch range, 0-100."""
    word_gap: int = DEFAULT_WORD_GAP
    """Extra pause between words, units of 10 ms."""

    def __post_init__(self) -> None:
        _in_range("rate", self.rate, 80, 450)
        _in_range("pitch", self.pitch, 0, 100)
        _in_range("pitch range", self.pitch_range, 0, 100)
        _in_range("word gap", self.word_gap, 0, 100)
        if any(c in self.variant for c in "/\\+\0") or self.variant.startswith("."):
            raise ConfigError(f"espeak variant must be a plain name, not {self.variant!r}")

    def voice_name(self, language: str) -> str:
        """The name espeak-ng selects: ``vi+f2``, or the language alone."""
        return f"{language}+{self.variant}" if self.variant and "+" not in language else language

    def describe(self, language: str) -> str:
        return (
            f"voice={self.voice_name(language)} rate={self.rate} pitch={self.pitch}"
            f" range={self.pitch_range} gap={self.word_gap}"
        )


LEGACY_PARAMS = EspeakParams(variant="", rate=175, pitch=50, pitch_range=50, word_gap=0)
"""espeak-ng's own defaults, which this engine used before it was tuned."""


@dataclass(frozen=True)
class _Paths:
    library: str
    data: str


def _paths() -> _Paths:
    try:
        import espeakng_loader

        return _Paths(espeakng_loader.get_library_path(), espeakng_loader.get_data_path())
    except (ImportError, OSError, RuntimeError) as e:
        raise EngineUnavailable(f"espeak: cannot load libespeak-ng: {e}") from e


def _unload(lib: ctypes.CDLL) -> None:
    close = getattr(_ctypes, "FreeLibrary" if sys.platform == "win32" else "dlclose", None)
    if close is not None:
        close(lib._handle)


def _declare(lib: ctypes.CDLL) -> None:
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.argtypes = []
    lib.espeak_Synchronize.restype = ctypes.c_int
    lib.espeak_Terminate.argtypes = []
    lib.espeak_Terminate.restype = ctypes.c_int
    lib.espeak_TextToPhonemes.argtypes = [
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_int,
        ctypes.c_int,
    ]
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p


class _Instance:
    """A freshly loaded, started libespeak-ng; only ``_session`` makes one."""

    def __init__(self, lib: ctypes.CDLL, sample_rate: int) -> None:
        self.lib = lib
        self.sample_rate = sample_rate
        self.version: str = lib.espeak_Info(None).decode("ascii", "replace")
        self._pcm: list[bytes] = []
        # Kept on the instance: the C side holds only a raw pointer to it.
        self._callback = _SynthCallback(self._collect)
        lib.espeak_SetSynthCallback(self._callback)
        if hasattr(lib, "espeak_ng_SetRandSeed"):
            lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
            lib.espeak_ng_SetRandSeed(RANDOM_SEED)

    def _collect(self, wav: Any, numsamples: int, events: int | None) -> int:
        if numsamples > 0 and wav:
            self._pcm.append(ctypes.string_at(wav, numsamples * 2))
        return 0

    def configure(self, language: str, params: EspeakParams) -> None:
        name = params.voice_name(language)
        if self.lib.espeak_SetVoiceByName(name.encode()) != _EE_OK:
            raise EngineUnavailable(f"espeak: no voice {name!r} in espeak-ng {self.version}")
        settings = (
            (_RATE, params.rate),
            (_PITCH, params.pitch),
            (_RANGE, params.pitch_range),
            (_WORDGAP, params.word_gap),
        )
        for parameter, value in settings:
            if self.lib.espeak_SetParameter(parameter, value, 0) != _EE_OK:
                raise EngineError(f"espeak: cannot set parameter {parameter} to {value}")

    def synthesize(self, text: str) -> bytes:
        """16-bit mono PCM for ``text``."""
        data = text.encode("utf-8") + b"\0"
        self._pcm = []
        status = self.lib.espeak_Synth(
            data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        if status != _EE_OK:
            raise EngineError(f"espeak: synthesis failed with status {status}")
        self.lib.espeak_Synchronize()
        pcm, self._pcm = b"".join(self._pcm), []
        return pcm

    def phonemes(self, text: str) -> list[str]:
        """IPA phonemes of each clause espeak-ng finds in ``text``.

        Punctuation is not in them: espeak-ng reads it as the end of a clause.
        """
        data = ctypes.create_string_buffer(text.encode("utf-8"))
        pointer = ctypes.c_void_p(ctypes.addressof(data))
        clauses: list[str] = []
        while pointer.value:  # espeak-ng sets it to NULL after the last clause
            found = self.lib.espeak_TextToPhonemes(
                ctypes.byref(pointer), _CHARS_UTF8, _PHONEMES_IPA
            )
            if found:
                clauses.append(found.decode("utf-8", "replace"))
        return clauses


_LOCK = threading.Lock()
"""Held while a copy of the library is loaded: loading the same file twice shares it."""


@contextmanager
def _session() -> Iterator[_Instance]:
    """Load and start libespeak-ng with fresh state; unload it afterwards."""
    paths = _paths()
    with _LOCK:
        try:
            lib = ctypes.CDLL(paths.library)
        except OSError as e:
            raise EngineUnavailable(f"espeak: cannot load libespeak-ng: {e}") from e
        try:
            _declare(lib)
            rate = lib.espeak_Initialize(
                _AUDIO_OUTPUT_SYNCHRONOUS,
                CALLBACK_BUFFER_MS,
                os.fsencode(paths.data),
                _INITIALIZE_DONT_EXIT,
            )
            if rate <= 0:
                raise EngineUnavailable(f"espeak: libespeak-ng cannot start (data: {paths.data})")
            try:
                yield _Instance(lib, rate)
            finally:
                lib.espeak_Terminate()
        finally:
            _unload(lib)


@dataclass(frozen=True)
class _LibraryInfo:
    version: str
    sample_rate: int


_info: _LibraryInfo | None = None


def _library_info() -> _LibraryInfo:
    global _info
    if _info is None:
        with _session() as instance:
            _info = _LibraryInfo(instance.version, instance.sample_rate)
    return _info


def phonemize(voice: str, text: str) -> list[str]:
    """IPA phonemes of each clause of ``text`` in espeak-ng ``voice`` (e.g. ``vi``, ``en-us``).

    The phonemizer Piper voices were trained on; safe to call from any thread, and like
    speech it comes from a fresh copy of the library, so it leaves no state behind.
    """
    with _session() as instance:
        if instance.lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
            raise EngineUnavailable(f"espeak: no voice {voice!r} in espeak-ng {instance.version}")
        return instance.phonemes(text.replace("\0", " "))


def _check_variant(variant: str) -> None:
    if variant and not (Path(_paths().data) / "voices" / "!v" / variant).is_file():
        raise EngineUnavailable(f"espeak: no voice variant {variant!r} in espeak-ng's data")


class EspeakEngine:
    """Vietnamese (or any espeak-ng voice) speech, offline, as 16-bit mono PCM."""

    name = NAME
    max_chars = MAX_CHARS
    default_jobs = DEFAULT_JOBS
    applies_speed = False

    def __init__(self, voice: str = "vi", params: EspeakParams | None = None) -> None:
        self._voice = voice
        self.params = params or EspeakParams()
        info = _library_info()
        self._sample_rate = info.sample_rate
        self._version = info.version
        _check_variant(self.params.variant)
        with _session() as instance:
            instance.configure(voice, self.params)

    @property
    def version(self) -> str:
        """The libespeak-ng version string, e.g. ``1.52.0``."""
        return self._version

    @property
    def voice(self) -> str:
        return self._voice

    @property
    def voice_id(self) -> str:
        return f"espeak-ng {self._version} {self.params.describe(self._voice)}"

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        text = text.replace("\0", " ").strip()
        if not text:
            raise EngineError("espeak: nothing to speak")
        with _session() as instance:
            instance.configure(self._voice, self.params)
            pcm = instance.synthesize(text)
        if not pcm:
            raise EngineError(f"espeak: no audio for {text[:40]!r}")
        return Clip(data=pcm, codec="pcm_s16le", sample_rate=self._sample_rate)
