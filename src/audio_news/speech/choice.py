"""Which engines a run may use, in which order, with which voices; and ``audio-news engines``.

``--engine gcloud,gtts,espeak`` is a chain: each episode is made whole by the first engine
that succeeds. ``auto`` is the chain ``[licensed engines with credentials] + [piper, when a
voice model is set] + gtts + espeak``. Deciding it never touches the network: an engine
module may offer ``configured(settings) -> bool`` (are its credentials there?) and
``unreachable(settings) -> str | None`` (a quick probe); only the probe talks to a host, and
only a run that synthesizes calls it, once per engine.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType

from ..config import EngineSettings
from ..errors import ConfigError, EngineError, EngineUnavailable
from . import engines
from .engines import AUTO, ENGINE_NAMES, create_engine
from .engines.base import Engine
from .voices import Voice, catalog

log = logging.getLogger(__name__)

LICENSED = ("gcloud", "azure", "fpt")
"""Engines a newsroom pays for; ``auto`` prefers those whose credentials are configured."""
LOCAL_NEURAL = ("piper",)
"""Engines ``auto`` uses next, when configured (a voice model given)."""
FREE = ("gtts", "espeak")
"""What ``auto`` always ends with: Google Translate's voice, then the offline one."""

Notify = Callable[[str], None]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{engines.__name__}.{name}")


def configured(name: str, settings: EngineSettings) -> bool:
    """Whether engine ``name`` has what it needs to be asked (credentials, a voice file).

    Engines whose module has no ``configured`` need nothing.
    """
    check = getattr(_module(name), "configured", None)
    return True if check is None else bool(check(settings))


def unreachable(name: str, settings: EngineSettings) -> str | None:
    """None when engine ``name`` answers its quick probe (or has none), else why not."""
    probe = getattr(_module(name), "unreachable", None)
    return None if probe is None else probe(settings)


def _voice_engine(settings: EngineSettings) -> str | None:
    """The engine the chosen voice belongs to, when a voice is chosen."""
    if settings.voice is None:
        return None
    return _find(settings.voice, ENGINE_NAMES).engine


def engine_chain(settings: EngineSettings) -> tuple[str, ...]:
    """The engines to try, in order, without touching the network."""
    names = settings.names
    if names == (AUTO,):
        chosen = _voice_engine(settings)
        if chosen is not None:  # a voice named is an engine named
            return (chosen,)
        preferred = (*LICENSED, *LOCAL_NEURAL)
        usable = [n for n in preferred if n in ENGINE_NAMES and configured(n, settings)]
        return (*usable, *FREE)
    if AUTO in names:
        raise ConfigError("auto stands alone; list the engines to try instead")
    for name in names:
        if name not in ENGINE_NAMES:
            create_engine(name, settings)  # raises the registry's one-line error
    return tuple(dict.fromkeys(names))


def _find(name: str, engines_: tuple[str, ...]) -> Voice:
    """A catalog voice, or for ``ENGINE:ID`` of an engine in ``engines_`` any id at all."""
    engine, sep, voice_id = name.partition(":")
    if sep and engine in engines_:
        found = catalog().describe(engine, voice_id)
        return found or Voice(engine, voice_id, "", "", True, "", None, "")
    return catalog().find(name, engines_)


def settings_for(name: str, settings: EngineSettings, chain: tuple[str, ...]) -> EngineSettings:
    """The settings engine ``name`` is built with: the chosen voices that are its own."""

    def own(voice: str | None, strict: bool) -> str | None:
        if voice is None:
            return None
        try:
            found = _find(voice, chain)
        except ConfigError:
            if strict:
                raise
            _find(voice, ENGINE_NAMES)  # a misspelt voice is an error all the same
            return None
        return found.id if found.engine == name else None

    # The body's voice must be one the run can speak; the title's, when no engine of the run
    # has it, gives way to the body's.
    body, title = own(settings.voice, strict=True), own(settings.title_voice, strict=False)
    return dataclasses.replace(
        settings, name=name, voice=body, title_voice=None if title == body else title
    )


def voice_name(engine: Engine, settings: EngineSettings) -> str:
    """The voice an engine speaks with, as the episode records it."""
    spoken = getattr(engine, "voice", None)
    if isinstance(spoken, str) and spoken:
        return spoken
    if settings.voice:
        return settings.voice
    default = catalog().default(engine.name)
    return default.id if default is not None else engine.name


@dataclass(frozen=True)
class Voicing:
    """An engine ready to make an episode, and the voices it speaks it with."""

    engine: Engine
    """Speaks the body (and the title, unless ``title`` is set)."""
    voice: str
    title: Engine | None = None
    """Speaks the title in the voice ``title_voice``, when the config gives it another."""
    title_voice: str | None = None

    @property
    def name(self) -> str:
        return self.engine.name

    @property
    def voice_id(self) -> str:
        """What decides the audio besides the text (cache keys, the up-to-date fingerprint)."""
        if self.title is None:
            return self.engine.voice_id
        return f"title: {self.title.voice_id}; body: {self.engine.voice_id}"

    @property
    def label(self) -> str:
        """The voice as the JSON and the ID3 tag record it."""
        if self.title_voice is None:
            return self.voice
        return f"title={self.title_voice}, body={self.voice}"


def build_voicing(name: str, settings: EngineSettings, chain: tuple[str, ...]) -> Voicing:
    """Engine ``name`` with its voices; ``EngineUnavailable`` when it cannot run here."""
    own = settings_for(name, settings, chain)
    engine = create_engine(name, own)
    voice = voice_name(engine, own)
    if own.title_voice is None:
        return Voicing(engine, voice)
    title_settings = dataclasses.replace(own, voice=own.title_voice, title_voice=None)
    title = create_engine(name, title_settings)
    return Voicing(engine, voice, title, voice_name(title, title_settings))


class EngineChoice:
    """The engines of one run, each built (and probed) the first time it is needed."""

    def __init__(self, settings: EngineSettings, notify: Notify, *, probe: bool) -> None:
        self.settings = settings
        self.chain = engine_chain(settings)
        self._notify = notify
        self._probe = probe
        self._ready: dict[str, Voicing | EngineError] = {}

    @classmethod
    def fixed(cls, engine: Engine, settings: EngineSettings) -> EngineChoice:
        """A run with one engine, already built."""
        choice = cls(dataclasses.replace(settings, name=engine.name), lambda _: None, probe=False)
        choice.chain = (engine.name,)
        choice._ready[engine.name] = Voicing(engine, voice_name(engine, settings))
        return choice

    def voicings(self, after: str | None = None) -> Iterator[Voicing]:
        """The usable engines in order (those after ``after``, if given); the ones that
        cannot run are skipped with a note saying why."""
        start = 0 if after is None else self.chain.index(after) + 1
        for name in self.chain[start:]:
            ready = self._get(name)
            if isinstance(ready, Voicing):
                yield ready

    def first(self) -> Voicing:
        """The engine a run starts with; the last engine's error when none can run."""
        for voicing in self.voicings():
            if self.settings.names == (AUTO,):
                rest = [n for n in self.chain if n != voicing.name]
                then = f"; then {', '.join(rest)} if it fails" if rest else ""
                self._notify(f"engine: {voicing.name} (auto{self._why(voicing.name)}{then})")
            return voicing
        raise self._last_error()

    def next_after(self, name: str) -> Voicing | None:
        return next(self.voicings(after=name), None)

    def _why(self, name: str) -> str:
        if name in LICENSED:
            return ": its credentials are configured"
        if name in LOCAL_NEURAL:
            return ": a voice model is set"
        return ": no licensed engine configured" if name == FREE[0] else ""

    def _get(self, name: str) -> Voicing | EngineError:
        if name not in self._ready:
            self._ready[name] = self._build(name)
            if isinstance(self._ready[name], EngineError) and len(self.chain) > 1:
                self._notify(f"engine: skipping {name}: {self._ready[name]}")
        return self._ready[name]

    def _build(self, name: str) -> Voicing | EngineError:
        try:
            voicing = build_voicing(name, self.settings, self.chain)
        except EngineUnavailable as e:
            return e
        reason = unreachable(name, self.settings) if self._probe else None
        if reason is not None:
            return EngineUnavailable(f"{name}: unreachable: {reason}")
        return voicing

    def _last_error(self) -> EngineError:
        errors = [e for e in self._ready.values() if isinstance(e, EngineError)]
        if len(self.chain) == 1 and errors:
            return errors[-1]
        detail = f": {errors[-1]}" if errors else ""
        return EngineUnavailable(f"none of the engines {', '.join(self.chain)} can run{detail}")


@dataclass(frozen=True)
class EngineInfo:
    """One line of ``audio-news engines``."""

    name: str
    available: bool
    """Whether the engine can run here and, for an online one, answered its probe."""
    credentials: str
    """``configured``, ``not configured`` (its key or voice file is missing) or ``needs none``."""
    detail: str
    """What it is, or why it cannot run."""
    is_default: bool
    """Whether a run with the current settings would start with it."""


def _info(name: str, settings: EngineSettings) -> tuple[bool, str, str]:
    needs = hasattr(_module(name), "configured")
    has = configured(name, settings)
    credentials = ("configured" if has else "not configured") if needs else "needs none"
    try:
        voicing = build_voicing(name, settings, ENGINE_NAMES)
    except EngineUnavailable as e:
        return False, credentials, str(e)
    reason = unreachable(name, settings)
    if reason is not None:
        return False, credentials, f"does not answer: {reason}"
    source = getattr(voicing.engine, "credential_source", "")
    if source:  # where the key came from (a variable or a config table), never the key
        credentials = f"configured ({source})"
    jobs = voicing.engine.default_jobs
    return True, credentials, f"{voicing.label}; {voicing.engine.voice_id}; {jobs} at once"


def engine_infos(settings: EngineSettings) -> list[EngineInfo]:
    """Every registered engine: credentials, whether it runs and answers, and the one a run
    would start with (the first of its chain that runs)."""
    chain = engine_chain(settings)
    found = {name: _info(name, settings) for name in ENGINE_NAMES}
    default = next((n for n in chain if n in found and found[n][0]), chain[0])
    return [
        EngineInfo(name, available, credentials, detail, is_default=name == default)
        for name, (available, credentials, detail) in found.items()
    ]
