"""Offline engine: libespeak-ng from the espeakng-loader wheel, loaded in-process with ctypes."""

from __future__ import annotations

import ctypes
import logging
import threading
from typing import Any

from ...errors import EngineError, EngineUnavailable
from ...models import Clip

log = logging.getLogger(__name__)

NAME = "espeak"
MAX_CHARS = 1000
"""espeak-ng takes any length; the pipeline still hands it clause-sized chunks."""
DEFAULT_JOBS = 1
"""The library is one global state behind a lock: more threads would only queue."""
CALLBACK_BUFFER_MS = 1000
"""Audio per callback; larger means fewer trips from C back into Python."""

# Constants from espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EE_OK = 0
_PHONEMES_IPA = 0x02

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Library:
    """The one libespeak-ng instance of this process; every call holds ``lock``."""

    def __init__(self) -> None:
        try:
            import espeakng_loader

            lib_path = espeakng_loader.get_library_path()
            data_path = espeakng_loader.get_data_path()
            self._lib = ctypes.CDLL(lib_path)
        except (ImportError, OSError, RuntimeError) as e:
            raise EngineUnavailable(f"espeak: cannot load libespeak-ng: {e}") from e
        self.lock = threading.Lock()
        self._declare()
        rate = self._lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, CALLBACK_BUFFER_MS, data_path.encode(), _INITIALIZE_DONT_EXIT
        )
        if rate <= 0:
            raise EngineUnavailable(f"espeak: libespeak-ng failed to start (data: {data_path})")
        self.sample_rate: int = rate
        self.version: str = self._lib.espeak_Info(None).decode("ascii", "replace")
        self._voice: str | None = None
        self._pcm: list[bytes] = []
        # Kept on the instance: the C side holds only a raw pointer to it.
        self._callback = _SynthCallback(self._collect)
        self._lib.espeak_SetSynthCallback(self._callback)

    def _declare(self) -> None:
        lib = self._lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
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
        lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p

    def _collect(self, wav: Any, numsamples: int, events: int | None) -> int:
        if numsamples > 0 and wav:
            self._pcm.append(ctypes.string_at(wav, numsamples * 2))
        return 0

    def set_voice(self, voice: str) -> None:
        """Select ``voice``; the caller holds ``lock``."""
        if voice == self._voice:
            return
        if self._lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
            raise EngineUnavailable(f"espeak: no voice {voice!r} in espeak-ng {self.version}")
        self._voice = voice

    def synthesize(self, text: str) -> bytes:
        """16-bit mono PCM for ``text``; the caller holds ``lock``."""
        data = text.encode("utf-8") + b"\0"
        self._pcm = []
        lib = self._lib
        status = lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        if status != _EE_OK:
            raise EngineError(f"espeak: synthesis failed with status {status}")
        lib.espeak_Synchronize()
        pcm, self._pcm = b"".join(self._pcm), []
        return pcm

    def phonemes(self, text: str) -> list[str]:
        """IPA phonemes of each clause espeak-ng finds in ``text``; the caller holds ``lock``.

        Punctuation is not in them: espeak-ng reads it as the end of a clause.
        """
        data = ctypes.create_string_buffer(text.encode("utf-8"))
        pointer = ctypes.c_void_p(ctypes.addressof(data))
        clauses: list[str] = []
        while pointer.value:  # espeak-ng sets it to NULL after the last clause
            found = self._lib.espeak_TextToPhonemes(
                ctypes.byref(pointer), _CHARS_UTF8, _PHONEMES_IPA
            )
            if found:
                clauses.append(found.decode("utf-8", "replace"))
        return clauses


_library: _Library | None = None
_library_lock = threading.Lock()


def _load() -> _Library:
    global _library
    with _library_lock:
        if _library is None:
            _library = _Library()
        return _library


def phonemize(voice: str, text: str) -> list[str]:
    """IPA phonemes of each clause of ``text`` in espeak-ng ``voice`` (e.g. ``vi``, ``en-us``).

    The phonemizer Piper voices were trained on; safe to call from any thread.
    """
    library = _load()
    with library.lock:
        library.set_voice(voice)
        return library.phonemes(text.replace("\0", " "))


class EspeakEngine:
    """Vietnamese (or any espeak-ng voice) speech, offline, as 16-bit mono PCM."""

    name = NAME
    max_chars = MAX_CHARS
    default_jobs = DEFAULT_JOBS
    applies_speed = False

    def __init__(self, voice: str = "vi") -> None:
        self._lib = _load()
        self._voice = voice
        with self._lib.lock:
            self._lib.set_voice(voice)

    @property
    def version(self) -> str:
        """The libespeak-ng version string, e.g. ``1.52.0``."""
        return self._lib.version

    @property
    def voice(self) -> str:
        return self._voice

    @property
    def voice_id(self) -> str:
        return f"espeak-ng {self._lib.version} voice={self._voice}"

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        text = text.replace("\0", " ").strip()
        if not text:
            raise EngineError("espeak: nothing to speak")
        with self._lib.lock:
            self._lib.set_voice(self._voice)
            pcm = self._lib.synthesize(text)
        if not pcm:
            raise EngineError(f"espeak: no audio for {text[:40]!r}")
        return Clip(data=pcm, codec="pcm_s16le", sample_rate=self._lib.sample_rate)
