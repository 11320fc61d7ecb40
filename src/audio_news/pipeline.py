"""The one module that orders the stages: read, clean, normalize, split, speak, assemble, tag."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .audio import Rendered, render_episode
from .audio.render_cache import load_render, render_key, store_render
from .config import AudioSettings, Settings
from .errors import InputError, OutputError
from .fsutil import atomic_path, ensure_writable_dir, make_dir, remove_stale_temps
from .inputs import read_article
from .models import Article, Episode, Removal, Script
from .output.naming import slugify
from .output.page import write_index, write_player
from .output.sidecars import episode_document, write_sidecars
from .output.tags import TagData, write_tags
from .progress import Reporter, SilentReporter
from .speech.cache import SegmentCache
from .speech.engines import resolve_engine
from .speech.engines.base import Engine
from .speech.synthesis import Synthesis
from .text.clean import clean_article
from .text.lexicon import load_lexicon
from .text.normalize import Normalizer
from .text.script import build_script, script_paragraphs, sentence_segments
from .version import __version__

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """An article read, cleaned and turned into the script an engine will speak."""

    article: Article
    removed: tuple[Removal, ...]
    script: Script


def make_normalizer(settings: Settings) -> Normalizer:
    lexicon = load_lexicon(settings.text.lexicon) if settings.text.lexicon else None
    return Normalizer(lexicon)


def read_and_clean(
    source: str, settings: Settings, stdin: BinaryIO | None = None
) -> tuple[Article, tuple[Removal, ...]]:
    """Read ``source`` and drop what a listener must never hear."""
    raw = read_article(source, settings.limits, stdin=stdin)
    result = clean_article(raw, settings.text.disabled_rules)
    if not result.article.title.strip():
        raise InputError(f"{source}: no title found")
    if not any(p.strip() for p in result.article.paragraphs):
        raise InputError(f"{source}: no article text left after cleaning")
    return result.article, result.removed


def prepare(
    source: str,
    settings: Settings,
    max_chars: int,
    normalizer: Normalizer | None = None,
    stdin: BinaryIO | None = None,
) -> Prepared:
    article, removed = read_and_clean(source, settings, stdin)
    normalizer = normalizer or make_normalizer(settings)
    return Prepared(article, removed, build_script(article, normalizer.normalize, max_chars))


def output_fingerprint(article: Article, settings: Settings, engine: Engine) -> str:
    """What decides an episode's content; an unchanged fingerprint means up to date."""
    relevant = {
        "version": __version__,
        "source": article.source_sha256,
        "engine": engine.name,
        "voice": engine.voice_id,
        "settings": settings.content(),
    }
    blob = json.dumps(relevant, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def is_up_to_date(json_path: Path, mp3_path: Path, fingerprint: str) -> bool:
    if not mp3_path.is_file():
        return False
    try:
        document = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and document.get("fingerprint") == fingerprint


def _held_by_another(json_path: Path, article: Article) -> bool:
    """Whether the episode sidecar at ``json_path`` was made from a different article."""
    try:
        document = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(document, dict) or document.get("source") == article.source != "-":
        return False
    return document.get("source_sha256") not in (None, article.source_sha256)


def episode_stem(out_dir: Path, article: Article) -> str:
    """The title's slug, or ``slug-2``, ``slug-3``... when another article already holds it.

    Two articles with one title never overwrite each other; the same article (same source
    or same bytes) keeps its name, so a re-run finds it up to date.
    """
    slug = slugify(article.title)
    stem, n = slug, 1
    while _held_by_another(out_dir / f"{stem}.json", article):
        n += 1
        stem = f"{slug}-{n}"
    return stem


@dataclass(frozen=True)
class Plan:
    """An article ready to speak, and where its episode files go."""

    prepared: Prepared
    out_dir: Path
    stem: str
    """File name of the episode's files without extension."""
    fingerprint: str

    def path(self, extension: str) -> Path:
        return self.out_dir / f"{self.stem}{extension}"


class Producer:
    """Makes episodes one after another with one engine, normalizer and cache."""

    def __init__(
        self, settings: Settings, reporter: Reporter | None = None, engine: Engine | None = None
    ) -> None:
        self.settings = settings
        self.reporter = reporter or SilentReporter()
        self.engine = engine or self._pick_engine()
        self.normalizer = make_normalizer(settings)
        self.cache = SegmentCache(settings.resolved_cache_dir()) if settings.use_cache else None

    def _pick_engine(self) -> Engine:
        return resolve_engine(self.settings.engine, self.reporter.note)

    def plan(self, source: str, stdin: BinaryIO | None = None) -> Plan:
        """Read and script ``source`` and decide where its episode goes."""
        prepared = prepare(source, self.settings, self.engine.max_chars, self.normalizer, stdin)
        out_dir = Path(self.settings.out_dir)
        stem = episode_stem(out_dir, prepared.article)
        fingerprint = output_fingerprint(prepared.article, self.settings, self.engine)
        return Plan(prepared, out_dir, stem, fingerprint)

    def produce(
        self, source: str, *, force: bool = True, stdin: BinaryIO | None = None
    ) -> Episode | None:
        """Make one episode; None when it was already up to date and ``force`` is off."""
        plan = self.plan(source, stdin)
        if not force and is_up_to_date(plan.path(".json"), plan.path(".mp3"), plan.fingerprint):
            self.reporter.note(f"up to date, skipped: {plan.path('.mp3')}")
            return None
        return self.make(plan)

    def make(self, plan: Plan) -> Episode:
        """Synthesize, assemble, tag and write one planned episode."""
        ensure_writable_dir(plan.out_dir)  # fail before synthesis, not after it
        remove_stale_temps(plan.out_dir)
        script = plan.prepared.script
        key = render_key(self.engine.name, self.engine.voice_id, script.chunks, self.settings.audio)
        self.reporter.start_article(plan.stem, len(script.chunks))
        synthesis: Synthesis | None = None
        try:
            cached = load_render(self.cache, key) if self.cache is not None else None
            # Not created up front: a run killed during synthesis leaves nothing behind.
            with atomic_path(plan.path(".mp3"), create=False) as tmp_mp3:
                if cached is not None:
                    make_dir(plan.out_dir)
                    tmp_mp3.write_bytes(cached[0])
                    rendered = cached[1]
                    self.reporter.advance(len(script.chunks))
                else:
                    synthesis = self._start_synthesis(script)
                    rendered = render_episode(
                        synthesis.clips,
                        script.chunks,
                        self._audio_settings(),
                        tmp_mp3,
                        self.reporter.stage,
                    )
                    synthesis.result()
                    self._keep_render(key, tmp_mp3, rendered)
                self.reporter.stage("tagging")
                write_tags(tmp_mp3, self._tag_data(plan))
            return self._write_sidecars(plan, rendered)
        finally:
            if synthesis is not None:
                synthesis.cancel()
            self.reporter.finish_article()

    def _start_synthesis(self, script: Script) -> Synthesis:
        """Synthesis of the script's chunks, running while assembly reads its clips."""
        return Synthesis(
            self.engine,
            [chunk.text for chunk in script.chunks],
            speed=self.settings.audio.speed,
            jobs=self.settings.engine.jobs,
            cache=self.cache,
            on_done=self.reporter.advance,
        )

    def _audio_settings(self) -> AudioSettings:
        """What assembly applies: no stretching when the engine spoke at the run's speed."""
        audio = self.settings.audio
        return dataclasses.replace(audio, speed=1.0) if self.engine.applies_speed else audio

    def _keep_render(self, key: str, mp3: Path, rendered: Rendered) -> None:
        if self.cache is None:
            return
        try:
            store_render(self.cache, key, mp3, rendered)
        except OutputError as e:
            # Only a shortcut for the next run; an unwritable cache was already reported.
            log.debug("render not cached: %s", e)

    def _write_sidecars(self, plan: Plan, rendered: Rendered) -> Episode:
        settings, article, script = self.settings, plan.prepared.article, plan.prepared.script
        mp3_path, json_path, vtt_path = (plan.path(ext) for ext in (".mp3", ".json", ".vtt"))
        segments = sentence_segments(script, rendered.chunk_times)
        document = episode_document(
            title=article.title,
            audio_file=mp3_path.name,
            duration=rendered.duration,
            paragraphs=[article.title, *article.paragraphs],
            segments=segments,
            engine=self.engine.name,
            date=self._date(article),
            summary=article.paragraphs[0],
            artist=settings.tags.artist or article.meta.author,
            album=settings.tags.album,
        )
        document.update(
            source=article.source, source_sha256=article.source_sha256, fingerprint=plan.fingerprint
        )
        # The JSON, with its fingerprint, marks the episode done: it goes after the MP3.
        write_sidecars(json_path, vtt_path, document, segments)
        if settings.player:
            write_player(plan.out_dir, json_path)
            write_index(plan.out_dir)
        return Episode(
            title=article.title,
            slug=plan.stem,
            mp3_path=str(mp3_path),
            json_path=str(json_path),
            vtt_path=str(vtt_path),
            duration=rendered.duration,
            segments=segments,
            engine=self.engine.name,
            loudness_lufs=rendered.loudness_lufs,
        )

    def _date(self, article: Article) -> str:
        return self.settings.tags.date or article.meta.date or dt.date.today().isoformat()

    def _tag_data(self, plan: Plan) -> TagData:
        article, script = plan.prepared.article, plan.prepared.script
        tags = self.settings.tags
        return TagData(
            title=article.title,
            artist=tags.artist or article.meta.author or article.meta.site_name,
            album=tags.album,
            date=self._date(article),
            summary=article.paragraphs[0],
            transcript="\n\n".join(script_paragraphs(script)),
            engine=self.engine.name,
            source_sha256=article.source_sha256,
            cover=Path(tags.cover) if tags.cover else None,
            voice=self.engine.voice_id,
        )


def produce(source: str, out_dir: str = "output", **options: object) -> Episode:
    """Make one episode from ``source`` (path, URL or ``-``) into ``out_dir``.

    ``options`` are ``Settings`` fields, e.g. ``engine="espeak"``, ``speed=1.2``.
    """
    from .config import settings_from_dict

    settings = settings_from_dict({**options, "out_dir": out_dir})
    producer = Producer(settings)
    return producer.make(producer.plan(source))
