"""The one module that orders the stages: read, clean, normalize, split, speak, assemble,
then the publishing steps (tags, sidecars, page, index)."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .audio import Rendered
from .audio.brand import load_branding
from .config import Settings
from .errors import EngineError, InputError
from .fsutil import ensure_writable_dir, remove_stale_temps
from .inputs import read_article
from .models import Article, Episode, Removal, Script
from .output.artwork import cover_name, write_cover
from .output.captions import build_captions, write_captions, write_transcript
from .output.chapters import build_chapters, write_chapters
from .output.episode import Credits, EpisodeDocument, write_document
from .output.naming import (
    current_document,
    episode_guid,
    episode_stem,
    output_fingerprint,
    previous_guid,
    published_source,
    published_url,
    source_key,
)
from .output.page import index_lists, page_in_place, write_page
from .output.publishing import PublishingStep, file_in_place, write_folder_index
from .output.reservation import reserved_stem
from .output.tags import Picture, cover_picture, tag_episode
from .progress import Reporter, SilentReporter
from .rendering import EpisodeAudio
from .speech.cache import SegmentCache
from .speech.choice import EngineChoice, Voicing
from .speech.engines.base import Engine
from .text.clean import clean_article
from .text.lexicon import load_lexicon
from .text.normalize import Normalizer
from .text.script import build_script, sentence_segments

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


@dataclass(frozen=True)
class Plan:
    """An article ready to speak, and where its episode files go."""

    prepared: Prepared
    out_dir: Path
    stem: str
    """File name of the episode's files without extension."""
    fingerprint: str
    voicing: Voicing
    """The engine and voices the script was made for."""
    guid: str = ""
    """The episode's identity (``episode_guid``)."""
    named: bool = False
    """``stem`` was given by the caller, not chosen from the title."""

    def path(self, extension: str) -> Path:
        return self.out_dir / f"{self.stem}{extension}"


def episode_document(
    plan: Plan, rendered: Rendered, credits: Credits, cover: Picture | None = None
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
        engine=plan.voicing.name,
        voice=plan.voicing.label,
        date=credits.date,
        summary=article.paragraphs[0],
        artist=credits.artist,
        album=credits.album,
        paragraphs=paragraphs,
        segments=segments,
        source=published_source(article.source),
        source_sha256=article.source_sha256,
        source_key=source_key(article.source),
        fingerprint=plan.fingerprint,
        guid=plan.guid or episode_guid(article),
        url=published_url(article.meta.url),
        published=credits.published,
        image=cover_name(plan.stem, cover) if cover else None,
        chapters=build_chapters(
            article.title, paragraphs, segments, duration, article.meta.headings
        ),
        captions=build_captions(script, rendered.chunk_times),
    )


def settings_cover(settings: Settings) -> Picture | None:
    return cover_picture(Path(settings.tags.cover)) if settings.tags.cover else None


def publishing_steps(settings: Settings) -> tuple[PublishingStep, ...]:
    """What is done with an assembled MP3, in order.

    The JSON, with its fingerprint, marks the episode's audio done, so it comes after the
    MP3 is tagged and the episode's other files are in place. The index lists the whole
    folder: a batch writes it once, after the JSONs.
    """
    cover = settings_cover(settings)
    steps = (
        PublishingStep(
            "tagging", functools.partial(tag_episode, cover=cover), file_in_place(lambda d: d.audio)
        ),
        PublishingStep("captions", write_captions, file_in_place(lambda d: d.vtt_name)),
        PublishingStep("transcript", write_transcript, file_in_place(lambda d: d.transcript_name)),
        PublishingStep(
            "chapters",
            write_chapters,
            file_in_place(lambda d: d.chapters_name if d.chapters else None),
        ),
        PublishingStep(
            "cover", functools.partial(write_cover, cover=cover), file_in_place(lambda d: d.image)
        ),
        PublishingStep("page", write_page, page_in_place, player=True),
        PublishingStep("document", write_document, file_in_place(lambda d: d.json_name)),
        PublishingStep("index", write_folder_index, index_lists, player=True, per_batch=True),
    )
    return tuple(step for step in steps if settings.player or not step.player)


class Producer:
    """Makes episodes one after another with one normalizer and cache, and the run's engines:
    each episode is made whole by the first of them that succeeds.

    A batch calls ``finish`` after its last episode, for the steps run once per batch.
    """

    def __init__(
        self, settings: Settings, reporter: Reporter | None = None, engine: Engine | None = None
    ) -> None:
        self.settings = settings
        self.reporter = reporter or SilentReporter()
        self.cover = settings_cover(settings)  # a bad cover fails here, before any work
        self.branding = load_branding(settings.audio)  # and so does a bad intro or outro
        self.steps = publishing_steps(settings)
        if engine is not None:
            self.choice = EngineChoice.fixed(engine, settings.engine)
        else:
            self.choice = EngineChoice(settings.engine, self.reporter.note, probe=True)
        self.voicing = self.choice.first()
        lexicon = load_lexicon(settings.text.lexicon) if settings.text.lexicon else None
        self.normalizer = Normalizer(lexicon)
        self.inputs: dict[str, str | None] = {
            "lexicon": lexicon.sha256 if lexicon else None,
            "cover": hashlib.sha256(self.cover.data).hexdigest() if self.cover else None,
            **(self.branding.fingerprint() if self.branding else {}),
        }
        """The SHA-256 of each file read besides the articles, for the fingerprint."""
        self.cache = SegmentCache(settings.resolved_cache_dir()) if settings.use_cache else None
        self.audio = EpisodeAudio(settings, self.reporter, self.cache, self.branding)
        # The last episode made since ``finish`` ran, and its folder.
        self._unfinished: tuple[EpisodeDocument, Path] | None = None

    @property
    def engine(self) -> Engine:
        """The engine episodes are first tried with."""
        return self.voicing.engine

    def plan(self, source: str, stdin: BinaryIO | None = None, stem: str | None = None) -> Plan:
        """Read and script ``source`` and decide where its episode goes: ``stem`` names its
        files, else the title's slug does (``make`` reserves it, or the next free one)."""
        article, removed = read_and_clean(source, self.settings, stdin)
        return self._plan_for(article, removed, self.voicing, stem, named=bool(stem))

    def _plan_for(
        self,
        article: Article,
        removed: tuple[Removal, ...],
        voicing: Voicing,
        stem: str | None = None,
        *,
        named: bool = False,
    ) -> Plan:
        """The plan of an article already read, scripted for ``voicing``'s engine."""
        script = build_script(article, self.normalizer.normalize, voicing.engine.max_chars)
        prepared = Prepared(article, removed, script)
        out_dir = Path(self.settings.out_dir)
        stem = stem or episode_stem(out_dir, article)
        fingerprint = output_fingerprint(article, self.settings, voicing, self.inputs)
        guid = episode_guid(article, previous_guid(out_dir / f"{stem}.json"))
        return Plan(prepared, out_dir, stem, fingerprint, voicing, guid, named)

    def produce(
        self,
        source: str,
        *,
        force: bool = True,
        stdin: BinaryIO | None = None,
        stem: str | None = None,
    ) -> Episode | None:
        """Make one episode; None when it was already up to date and ``force`` is off."""
        article, removed = read_and_clean(source, self.settings, stdin)
        with reserved_stem(Path(self.settings.out_dir), article, stem) as reserved:
            plan = self._plan_for(article, removed, self.voicing, reserved, named=bool(stem))
            if not force:
                json_path, mp3_path = plan.path(".json"), plan.path(".mp3")
                current = current_document(json_path, mp3_path, plan.fingerprint)
                if current is not None:
                    return self._complete(plan, current)
            return self._make_whole(plan)

    def _complete(self, plan: Plan, document: EpisodeDocument) -> Episode | None:
        """Make again what is missing of an episode whose audio is up to date (a deleted
        caption file or page), from its document; None when the episode lacks nothing.

        The folder's index is the batch's: one that does not list the episode yet (another
        run made it a moment ago and is about to list it) is written again at ``finish``,
        and the episode counts as up to date.
        """
        pending = self._unfinished is not None  # the batch's index is written anyway
        missing = [
            step
            for step in self.steps
            if not (step.per_batch and pending) and not step.done(document, plan.out_dir)
        ]
        if any(step.per_batch for step in missing):
            self._unfinished = (document, plan.out_dir)
        own = [step for step in missing if not step.per_batch]
        if not own:
            again = "; the folder's index is written again" if missing else ""
            self.reporter.note(f"up to date, skipped: {plan.path('.mp3')}{again}")
            return None
        names = ", ".join(step.name for step in own)
        self.reporter.note(f"up to date but for its {names}, made again: {plan.path('.mp3')}")
        for step in own:
            step.run(document, plan.out_dir)
        return _episode(plan, document)

    def make(self, plan: Plan) -> Episode:
        """Make one planned episode under its name, reserved for the while; a name the title
        gave that another run took meanwhile gives way to the next free one."""
        article, removed = plan.prepared.article, plan.prepared.removed
        given = plan.stem if plan.named else None
        with reserved_stem(plan.out_dir, article, given) as reserved:
            if reserved != plan.stem:
                plan = self._plan_for(article, removed, plan.voicing, reserved)
            return self._make_whole(plan)

    def _make_whole(self, plan: Plan) -> Episode:
        """Make one planned episode; when its engine fails, make it again, from the start,
        with the next engine of the run (never a mix of two engines' clips)."""
        while True:
            try:
                return self._make(plan)
            except EngineError as e:
                after = self.choice.next_after(plan.voicing.name)
                if after is None:
                    raise
                self.reporter.note(
                    f"engine: {plan.voicing.name} failed ({e}); making it again with {after.name}"
                )
                article, removed = plan.prepared.article, plan.prepared.removed
                plan = self._plan_for(article, removed, after, plan.stem, named=plan.named)

    def _make(self, plan: Plan) -> Episode:
        """Synthesize, assemble and publish one planned episode with its one engine."""
        ensure_writable_dir(plan.out_dir)  # fail before synthesis, not after it
        remove_stale_temps(plan.out_dir)
        self.reporter.start_article(plan.stem, len(plan.prepared.script.chunks))
        try:
            rendered, characters = self.audio.render(
                plan.prepared.script, plan.voicing, plan.path(".mp3")
            )
            credits = Credits.resolve(self.settings.tags, plan.prepared.article.meta)
            document = episode_document(plan, rendered, credits, self.cover)
            self.publish(document, plan.out_dir)
        finally:
            self.reporter.finish_article()
        return _episode(plan, document, rendered.loudness_lufs, characters)

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


def _episode(
    plan: Plan, document: EpisodeDocument, loudness: float | None = None, characters: int = 0
) -> Episode:
    return Episode(
        title=document.title,
        slug=plan.stem,
        mp3_path=str(plan.path(".mp3")),
        json_path=str(plan.path(".json")),
        vtt_path=str(plan.path(".vtt")),
        duration=document.duration,
        segments=document.segments,
        engine=document.engine,
        voice=document.voice,
        loudness_lufs=loudness,
        characters=characters,
    )


def produce(
    source: str | os.PathLike[str], out_dir: str | os.PathLike[str] = "output", **options: object
) -> Episode:
    """Make one episode from ``source`` (path, URL or ``-``) into ``out_dir``.

    ``options`` are ``Settings`` fields, e.g. ``engine="espeak"``, ``speed=1.2``.
    """
    from .config import settings_from_dict

    settings = settings_from_dict({**options, "out_dir": os.fspath(out_dir)})
    producer = Producer(settings)
    episode = producer.make(producer.plan(os.fspath(source)))
    producer.finish()
    return episode
