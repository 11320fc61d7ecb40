"""The one module that orders the stages: read, clean, normalize, split, speak, assemble,
then the publishing steps (tags, sidecars, page, index)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import uuid
from collections.abc import Callable
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
from .output.artwork import cover_name, write_cover
from .output.captions import build_captions, write_captions, write_transcript
from .output.chapters import build_chapters, write_chapters
from .output.episode import Credits, EpisodeDocument, write_document
from .output.naming import slugify
from .output.page import write_index, write_page
from .output.tags import Picture, cover_picture, tag_episode
from .progress import Reporter, SilentReporter
from .speech.cache import SegmentCache
from .speech.engines import resolve_engine
from .speech.engines.base import Engine
from .speech.synthesis import Synthesis
from .text.clean import clean_article
from .text.lexicon import load_lexicon
from .text.normalize import Normalizer
from .text.script import build_script, sentence_segments
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
        return EpisodeDocument.load(json_path).fingerprint == fingerprint
    except InputError:
        return False


EPISODE_NAMESPACE = uuid.UUID("3f0c5a52-8f1e-4d7b-9a0e-6c2b1d4e5f70")
"""Names the guid of an episode whose article has no URL, from the article's bytes."""


def episode_guid(article: Article, previous: str | None = None) -> str:
    """An episode's identity for life: the one it was first given under its name, else
    one named by the article's URL, else by its bytes. Never by where it is served."""
    if previous:
        return previous
    if article.meta.url:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, article.meta.url))
    return str(uuid.uuid5(EPISODE_NAMESPACE, article.source_sha256))


def _previous_guid(json_path: Path) -> str | None:
    try:
        return EpisodeDocument.load(json_path).guid
    except InputError:
        return None


def _held_by_another(json_path: Path, article: Article) -> bool:
    """Whether the episode document at ``json_path`` was made from a different article."""
    try:
        document = EpisodeDocument.load(json_path)
    except InputError:
        return False
    if document.source == article.source != "-":
        return False
    return document.source_sha256 not in (None, article.source_sha256)


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
    guid: str = ""
    """The episode's identity (``episode_guid``)."""

    def path(self, extension: str) -> Path:
        return self.out_dir / f"{self.stem}{extension}"


def episode_document(
    plan: Plan,
    rendered: Rendered,
    engine: str,
    credits: Credits,
    cover: Picture | None = None,
) -> EpisodeDocument:
    """The document of a planned episode once its audio is assembled."""
    article = plan.prepared.article
    script = plan.prepared.script
    paragraphs = (article.title, *article.paragraphs)
    segments = sentence_segments(script, rendered.chunk_times)
    duration = round(rendered.duration, 3)
    return EpisodeDocument(
        title=article.title,
        audio=plan.path(".mp3").name,
        duration=duration,
        engine=engine,
        date=credits.date,
        summary=article.paragraphs[0],
        artist=credits.artist,
        album=credits.album,
        paragraphs=paragraphs,
        segments=segments,
        source=article.source,
        source_sha256=article.source_sha256,
        fingerprint=plan.fingerprint,
        guid=plan.guid or episode_guid(article),
        url=article.meta.url,
        published=credits.published,
        image=cover_name(plan.stem, cover) if cover else None,
        chapters=build_chapters(
            article.title, paragraphs, segments, duration, article.meta.headings
        ),
        captions=build_captions(script, rendered.chunk_times),
    )


@dataclass(frozen=True)
class PublishingStep:
    """One thing done with an assembled episode; ``publishing_steps`` lists them in order."""

    name: str
    """Shown as the stage while it runs."""
    run: Callable[[EpisodeDocument, Path], object]
    """Takes the episode's document and the output folder."""
    player: bool = False
    """Part of the web player, which ``--no-player`` leaves out."""
    per_batch: bool = False
    """Run once after a batch's episodes (``Producer.finish``) rather than after each."""


def _write_index(_: EpisodeDocument, out_dir: Path) -> Path:
    return write_index(out_dir)


def settings_cover(settings: Settings) -> Picture | None:
    return cover_picture(Path(settings.tags.cover)) if settings.tags.cover else None


def publishing_steps(settings: Settings) -> tuple[PublishingStep, ...]:
    """What is done with an assembled MP3, in order.

    The JSON, with its fingerprint, marks the episode done, so it comes after the MP3 is
    tagged and the other files are in place. The index lists the whole folder: a batch
    writes it once.
    """
    cover = settings_cover(settings)
    steps = (
        PublishingStep("tagging", functools.partial(tag_episode, cover=cover)),
        PublishingStep("captions", write_captions),
        PublishingStep("transcript", write_transcript),
        PublishingStep("chapters", write_chapters),
        PublishingStep("cover", functools.partial(write_cover, cover=cover)),
        PublishingStep("document", write_document),
        PublishingStep("page", write_page, player=True),
        PublishingStep("index", _write_index, player=True, per_batch=True),
    )
    return tuple(step for step in steps if settings.player or not step.player)


class Producer:
    """Makes episodes one after another with one engine, normalizer and cache.

    A batch calls ``finish`` after its last episode, for the steps run once per batch.
    """

    def __init__(
        self, settings: Settings, reporter: Reporter | None = None, engine: Engine | None = None
    ) -> None:
        self.settings = settings
        self.reporter = reporter or SilentReporter()
        self.cover = settings_cover(settings)  # a bad cover fails here, before any work
        self.steps = publishing_steps(settings)
        self.engine = engine or self._pick_engine()
        self.normalizer = make_normalizer(settings)
        self.cache = SegmentCache(settings.resolved_cache_dir()) if settings.use_cache else None
        # The last episode made since ``finish`` ran, and its folder.
        self._unfinished: tuple[EpisodeDocument, Path] | None = None

    def _pick_engine(self) -> Engine:
        return resolve_engine(self.settings.engine, self.reporter.note)

    def plan(self, source: str, stdin: BinaryIO | None = None, stem: str | None = None) -> Plan:
        """Read and script ``source`` and decide where its episode goes: ``stem`` names its
        files, else the title's slug does."""
        prepared = prepare(source, self.settings, self.engine.max_chars, self.normalizer, stdin)
        out_dir = Path(self.settings.out_dir)
        stem = stem or episode_stem(out_dir, prepared.article)
        fingerprint = output_fingerprint(prepared.article, self.settings, self.engine)
        guid = episode_guid(prepared.article, _previous_guid(out_dir / f"{stem}.json"))
        return Plan(prepared, out_dir, stem, fingerprint, guid)

    def produce(
        self,
        source: str,
        *,
        force: bool = True,
        stdin: BinaryIO | None = None,
        stem: str | None = None,
    ) -> Episode | None:
        """Make one episode; None when it was already up to date and ``force`` is off."""
        plan = self.plan(source, stdin, stem)
        if not force and is_up_to_date(plan.path(".json"), plan.path(".mp3"), plan.fingerprint):
            self.reporter.note(f"up to date, skipped: {plan.path('.mp3')}")
            return None
        return self.make(plan)

    def make(self, plan: Plan) -> Episode:
        """Synthesize, assemble and publish one planned episode."""
        ensure_writable_dir(plan.out_dir)  # fail before synthesis, not after it
        remove_stale_temps(plan.out_dir)
        self.reporter.start_article(plan.stem, len(plan.prepared.script.chunks))
        try:
            rendered = self._render(plan)
            credits = Credits.resolve(self.settings.tags, plan.prepared.article.meta)
            document = episode_document(plan, rendered, self.engine.name, credits, self.cover)
            self.publish(document, plan.out_dir)
        finally:
            self.reporter.finish_article()
        return Episode(
            title=document.title,
            slug=plan.stem,
            mp3_path=str(plan.path(".mp3")),
            json_path=str(plan.path(".json")),
            vtt_path=str(plan.path(".vtt")),
            duration=document.duration,
            segments=document.segments,
            engine=document.engine,
            loudness_lufs=rendered.loudness_lufs,
        )

    def publish(self, document: EpisodeDocument, out_dir: Path) -> None:
        """Run the publishing steps that follow each episode."""
        for step in self.steps:
            if not step.per_batch:
                self.reporter.stage(step.name)
                step.run(document, out_dir)
        self._unfinished = (document, out_dir)

    def finish(self) -> None:
        """Run the steps done once per batch (the index), if an episode was made since."""
        if self._unfinished is None:
            return
        document, out_dir = self._unfinished
        self._unfinished = None
        for step in self.steps:
            if step.per_batch:
                step.run(document, out_dir)

    def _render(self, plan: Plan) -> Rendered:
        """The episode's MP3, untagged and in place: from the render cache, or made now."""
        script = plan.prepared.script
        key = render_key(self.engine.name, self.engine.voice_id, script.chunks, self.settings.audio)
        cached = load_render(self.cache, key) if self.cache is not None else None
        synthesis: Synthesis | None = None
        try:
            # Not created up front: a run killed during synthesis leaves nothing behind.
            with atomic_path(plan.path(".mp3"), create=False) as tmp_mp3:
                if cached is not None:
                    make_dir(plan.out_dir)
                    tmp_mp3.write_bytes(cached[0])
                    self.reporter.advance(len(script.chunks))
                    return cached[1]
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
                return rendered
        finally:
            if synthesis is not None:
                synthesis.cancel()

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


def produce(source: str, out_dir: str = "output", **options: object) -> Episode:
    """Make one episode from ``source`` (path, URL or ``-``) into ``out_dir``.

    ``options`` are ``Settings`` fields, e.g. ``engine="espeak"``, ``speed=1.2``.
    """
    from .config import settings_from_dict

    settings = settings_from_dict({**options, "out_dir": out_dir})
    producer = Producer(settings)
    episode = producer.make(producer.plan(source))
    producer.finish()
    return episode
