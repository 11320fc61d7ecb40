"""Local neural engine: a Piper voice (``.onnx`` + ``.onnx.json``) run in-process by onnxruntime.

Piper voices are VITS models that read phoneme ids. The ids come from the voice's own table
(``phoneme_id_map`` in the ``.onnx.json``); the phonemes come from espeak-ng, the phonemizer
the voices were trained on, through the same libespeak-ng the ``espeak`` engine loads. Text
is cut into clauses here, so that the punctuation the model expects after each clause is
kept (espeak-ng's ``TextToPhonemes`` drops it); each sentence is one model run.

onnxruntime and numpy are the optional extra ``audio-news[piper]`` and import lazily.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...config import EngineSettings
from ...errors import EngineError, EngineUnavailable
from ...models import Clip

log = logging.getLogger(__name__)

NAME = "piper"
MAX_CHARS = 400
"""A chunk is one model run per sentence in it; longer runs only cost memory."""
DEFAULT_JOBS = 1
"""One run already keeps every core busy (onnxruntime's own thread pool)."""
INSTALL_HINT = "pip install 'audio-news[piper]'"
SENTENCE_GAP_S = 0.2
"""Silence between two sentences of one chunk (the pipeline's pauses go between chunks)."""

PAD, BOS, EOS = "_", "^", "$"
"""Piper's padding, start and end symbols, each in every voice's ``phoneme_id_map``."""
_SENTENCE_ENDS = frozenset(".!?")
_SPACED_AFTER = frozenset(",:;")
"""A clause ending in these runs on: a space follows it, as in Piper's training data."""
_CLAUSE = re.compile(r"(.*?)([.!?,:;…]+)[\"'”’»)\]]*(?:\s+|$)|(.+?)\s*$", re.DOTALL)
_LANGUAGE_SWITCH = re.compile(r"\([^)]*\)")
"""espeak-ng marks words read in another language as ``(en)...(vi)``; Piper drops the marks."""


@dataclass(frozen=True)
class VoiceConfig:
    """What this engine reads from a voice's ``.onnx.json``."""

    sample_rate: int
    espeak_voice: str
    """The espeak-ng voice that phonemizes for this model, e.g. ``vi`` or ``en-us``."""
    phoneme_id_map: Mapping[str, Sequence[int]]
    noise_scale: float = 0.667
    length_scale: float = 1.0
    """Larger is slower; the run's speed divides it."""
    noise_w: float = 0.8
    num_speakers: int = 1

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VoiceConfig:
        if data.get("phoneme_type", "espeak") != "espeak":
            raise ValueError(
                f"phoneme_type {data['phoneme_type']!r} is not supported (espeak only)"
            )
        inference = data.get("inference", {})
        id_map = {str(k): tuple(int(i) for i in v) for k, v in data["phoneme_id_map"].items()}
        missing = {PAD, BOS, EOS} - set(id_map)
        if missing:
            raise ValueError(f"phoneme_id_map lacks {', '.join(sorted(missing))}")
        return cls(
            sample_rate=int(data["audio"]["sample_rate"]),
            espeak_voice=str(data["espeak"]["voice"]),
            phoneme_id_map=id_map,
            noise_scale=float(inference.get("noise_scale", cls.noise_scale)),
            length_scale=float(inference.get("length_scale", cls.length_scale)),
            noise_w=float(inference.get("noise_w", cls.noise_w)),
            num_speakers=int(data.get("num_speakers", 1)),
        )


def load_voice_config(path: Path) -> VoiceConfig:
    try:
        return VoiceConfig.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError as e:
        raise EngineUnavailable(f"piper: cannot read {path}: {e.strerror or e}") from e
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise EngineUnavailable(f"piper: {path} is not a Piper voice config: {e}") from e


def clauses(text: str) -> list[tuple[str, str]]:
    """``text`` cut after each run of clause punctuation: (words, the punctuation mark).

    The mark is one of ``. ! ? , : ;`` (an ellipsis counts as a full stop), or empty for a
    last clause without punctuation.
    """
    found: list[tuple[str, str]] = []
    for match in _CLAUSE.finditer(" ".join(text.split())):
        words, marks, tail = match.group(1), match.group(2), match.group(3)
        if tail is not None:
            found.append((tail, ""))
        elif words.strip():
            mark = next((m for m in marks if m in _SENTENCE_ENDS | _SPACED_AFTER), ".")
            found.append((words.strip(), mark))
    return found


def sentence_phonemes(text: str, phonemize: Any) -> list[list[str]]:
    """Phonemes (one code point each, as Piper decomposes them) of each sentence of ``text``.

    ``phonemize(words) -> list[str]`` gives the IPA of each clause espeak-ng finds in
    ``words``.
    """
    sentences: list[list[str]] = []
    current: list[str] = []
    for words, mark in clauses(text):
        ipa = " ".join(_LANGUAGE_SWITCH.sub("", p) for p in phonemize(words)).strip()
        if not ipa:
            continue
        spoken = ipa + mark + (" " if mark in _SPACED_AFTER else "")
        if current and current[-1] != " ":
            current.append(" ")
        current.extend(unicodedata.normalize("NFD", spoken))
        if mark in _SENTENCE_ENDS:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def phoneme_ids(phonemes: Sequence[str], id_map: Mapping[str, Sequence[int]]) -> list[int]:
    """Piper's model input: start, pad, each phoneme followed by pad, end.

    Phonemes the voice has no id for are left out (logged at debug level).
    """
    ids = [*id_map[BOS], *id_map[PAD]]
    for phoneme in phonemes:
        known = id_map.get(phoneme)
        if known is None:
            log.debug("piper: no id for phoneme %r", phoneme)
            continue
        ids += [*known, *id_map[PAD]]
    return [*ids, *id_map[EOS]]


def _config_path(model: Path) -> Path:
    return model.with_name(model.name + ".json")


def _digest(model: Path, config: Path) -> str:
    digest = hashlib.sha256(config.read_bytes())
    with model.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


class PiperEngine:
    """A Piper voice, run on the CPU; safe to call from many threads."""

    name = NAME
    max_chars = MAX_CHARS
    default_jobs = DEFAULT_JOBS
    applies_speed = True

    def __init__(self, model: str | Path) -> None:
        try:
            import numpy
            import onnxruntime
        except ImportError as e:
            raise EngineUnavailable(f"piper: onnxruntime is not installed: {INSTALL_HINT}") from e
        from .espeak import phonemize

        self._np: Any = numpy
        model = Path(model).expanduser()
        config_path = _config_path(model)
        for path in (model, config_path):
            if not path.is_file():
                raise EngineUnavailable(f"piper: voice file not found: {path}")
        self.config = load_voice_config(config_path)
        self.model_name = model.name.removesuffix(".onnx")
        try:
            options = onnxruntime.SessionOptions()
            options.log_severity_level = 3  # warnings about unused initializers are noise
            self._session = onnxruntime.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime raises its own untyped errors for a bad file
            raise EngineUnavailable(f"piper: cannot load {model}: {e}") from e
        self._phonemize = phonemize
        try:
            phonemize(self.config.espeak_voice, "a")
        except EngineError as e:
            raise EngineUnavailable(f"piper: {model.name} needs {e}") from e
        self._digest = _digest(model, config_path)

    @property
    def voice(self) -> str:
        """The voice file's name, e.g. ``vi_VN-vais1000-medium``."""
        return self.model_name

    @property
    def voice_id(self) -> str:
        return f"piper {self.model_name} sha256={self._digest}"

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        np = self._np
        voice = self.config.espeak_voice
        sentences = sentence_phonemes(text, lambda words: self._phonemize(voice, words))
        if not sentences:
            raise EngineError(f"piper: nothing to speak in {text[:40]!r}")
        gap = np.zeros(round(SENTENCE_GAP_S * self.config.sample_rate), dtype=np.float32)
        parts: list[Any] = []
        for phonemes in sentences:
            if parts:
                parts.append(gap)
            parts.append(self._run(phoneme_ids(phonemes, self.config.phoneme_id_map), speed))
        audio = np.clip(np.concatenate(parts), -1.0, 1.0)
        pcm = (audio * 32767.0).astype("<i2").tobytes()
        return Clip(data=pcm, codec="pcm_s16le", sample_rate=self.config.sample_rate)

    def _run(self, ids: list[int], speed: float) -> Any:
        np, config = self._np, self.config
        inputs = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array(
                [config.noise_scale, config.length_scale / speed, config.noise_w],
                dtype=np.float32,
            ),
        }
        if config.num_speakers > 1:
            inputs["sid"] = np.array([0], dtype=np.int64)
        try:
            output = self._session.run(None, inputs)[0]
        except Exception as e:  # onnxruntime's errors have no common base class
            raise EngineError(f"piper: the model failed on {len(ids)} phoneme ids: {e}") from e
        return np.asarray(output, dtype=np.float32).reshape(-1)


def configured(settings: EngineSettings) -> bool:
    """Piper speaks only with a voice model given (``--voice-model``)."""
    return settings.voice_model is not None


def create(settings: EngineSettings) -> PiperEngine:
    if settings.voice_model is None:
        raise EngineUnavailable(
            "piper: needs a voice model: --voice-model PATH/vi_VN-vais1000-medium.onnx"
        )
    return PiperEngine(settings.voice_model)
