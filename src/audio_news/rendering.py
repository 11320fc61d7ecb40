"""An episode's audio: the render cache's copy of its speech, else synthesis and assembly
now; then its intro and outro. ``pipeline.Producer`` asks for it once per episode."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .audio import Rendered, render_episode
from .audio.brand import Branding, brand_episode
from .audio.render_cache import load_render, render_key, store_render
from .config import AudioSettings, Settings
from .errors import OutputError
from .fsutil import atomic_path, make_dir
from .models import Script
from .progress import Reporter
from .speech.cache import SegmentCache
from .speech.choice import Voicing
from .speech.sections import SectionSynthesis
from .speech.synthesis import Synthesis, SynthStats

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EpisodeAudio:
    """Makes a run's MP3s: its settings, progress, segment cache and branding."""

    settings: Settings
    reporter: Reporter
    cache: SegmentCache | None
    branding: Branding | None

    def render(self, script: Script, voicing: Voicing, mp3: Path) -> tuple[Rendered, int]:
        """The episode's MP3 at ``mp3``, untagged, from the render cache or made now, with
        its intro and outro; and the characters sent to the engine for it (0 from the cache)."""
        # Not created up front: a run killed during synthesis leaves nothing behind.
        with atomic_path(mp3, create=False) as tmp_mp3:
            rendered, characters = self._speech(script, voicing, tmp_mp3)
            if self.branding is not None:
                self.reporter.stage("branding")
                rendered = brand_episode(tmp_mp3, rendered, self.branding, self.settings.audio)
            return rendered, characters

    def _speech(self, script: Script, voicing: Voicing, tmp_mp3: Path) -> tuple[Rendered, int]:
        """The spoken episode into ``tmp_mp3``: the render cache's copy, else made now."""
        audio = dataclasses.replace(self.settings.audio, intro=None, outro=None)
        key = render_key(voicing.name, voicing.voice_id, script.chunks, audio)
        cached = load_render(self.cache, key) if self.cache is not None else None
        if cached is not None:
            make_dir(tmp_mp3.parent)
            tmp_mp3.write_bytes(cached[0])
            self.reporter.advance(len(script.chunks))
            return cached[1], 0
        with self._synthesis(script, voicing) as synthesis:
            rendered = render_episode(
                synthesis.clips,
                script.chunks,
                self._audio(voicing),
                tmp_mp3,
                self.reporter.stage,
            )
            stats: SynthStats = synthesis.result()
        self._keep_render(key, tmp_mp3, rendered)
        return rendered, stats.characters

    def _synthesis(self, script: Script, voicing: Voicing) -> Synthesis | SectionSynthesis:
        """Synthesis of the script's chunks, to run while assembly reads its clips."""
        texts = [chunk.text for chunk in script.chunks]
        options: dict[str, Any] = {
            "speed": self.settings.audio.speed,
            "jobs": self.settings.engine.jobs,
            "cache": self.cache,
            "on_done": self.reporter.advance,
        }
        if voicing.title is None:
            return Synthesis(voicing.engine, texts, **options)
        titles = sum(1 for chunk in script.chunks if chunk.paragraph == 0)
        return SectionSynthesis(voicing.title, voicing.engine, texts, titles, **options)

    def _audio(self, voicing: Voicing) -> AudioSettings:
        """What assembly applies: no stretching when the engine spoke at the run's speed."""
        audio = self.settings.audio
        return dataclasses.replace(audio, speed=1.0) if voicing.engine.applies_speed else audio

    def _keep_render(self, key: str, mp3: Path, rendered: Rendered) -> None:
        if self.cache is None:
            return
        try:
            store_render(self.cache, key, mp3, rendered)
        except OutputError as e:
            # Only a shortcut for the next run; an unwritable cache was already reported.
            log.debug("render not cached: %s", e)
