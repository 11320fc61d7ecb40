"""One job's run in this process: its settings, ``Producer.produce``, progress and outcome.

Both the queue workers and the embedded pool's processes call ``run_job``; it records what
happened in the job store and tells the caller whether the job wants another try.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..config import Settings, settings_from_dict
from ..errors import AudioNewsError, EngineUnavailable, TransientEngineError, reason
from ..fsutil import remove_stale_temps
from ..models import Episode
from .jobs import EpisodeFiles, Job, JobStore
from .settings import ServiceSettings

log = logging.getLogger(__name__)

OPTION_SETTINGS = {
    "engine": "engine",
    "voice": "lang",
    "speed": "speed",
    "bitrate": "bitrate_kbps",
    "artist": "artist",
    "album": "album",
    "date": "date",
}
"""Request options and the settings they set."""
PROGRESS_EVERY_S = 0.5
"""Progress is written at most this often: each write is a file on shared storage."""
SYNTHESIS_SHARE = 0.9
"""The part of ``progress`` that synthesis fills; assembly and tagging take the rest."""
RETRYABLE = (TransientEngineError, EngineUnavailable)
"""Engine outages: the job waits and tries again; other errors fail it at once."""


@dataclass(frozen=True)
class RunContext:
    """What a process needs to run jobs; plain data, so it crosses to pool processes."""

    config: dict[str, Any]
    """The parsed config file: the base of every job's settings."""
    out_dir: str
    state_dir: str
    engine_retries: int


def make_context(config: dict[str, Any], service: ServiceSettings) -> RunContext:
    """The run context for a parsed config file: its output and state folders, resolved."""
    out_dir = settings_from_dict(config).out_dir
    return RunContext(
        config=config,
        out_dir=str(Path(out_dir).resolve()),
        state_dir=str(service.resolved_state_dir(out_dir).resolve()),
        engine_retries=service.engine_retries,
    )


@dataclass(frozen=True)
class Outcome:
    kind: Literal["done", "failed", "retry", "gone"]
    """``gone``: the job was deleted before or while it ran."""
    message: str | None = None
    retry_after: float | None = None
    """Seconds the engine asked us to wait, when it said."""


def episode_dir(out_dir: str | Path, job_id: str) -> Path:
    """Each job's episode in its own folder: no two jobs share a file name."""
    return Path(out_dir) / job_id


def slot_engine(options: dict[str, Any] | Any) -> str:
    """The engine whose concurrency cap a job counts against; ``auto`` prefers gtts."""
    name = str(options.get("engine") or "auto")
    return "gtts" if name == "auto" else name


def option_values(options: dict[str, Any] | Any) -> dict[str, Any]:
    return {OPTION_SETTINGS[k]: v for k, v in options.items() if v is not None}


def job_settings(context: RunContext, store: JobStore, job: Job) -> Settings:
    """The config file's settings, overlaid with the job's options and its own folder."""
    values = option_values(job.request.options)
    lexicon = store.lexicon_path(job)
    if lexicon is not None:
        values["lexicon"] = str(lexicon)
    values.update(out_dir=str(episode_dir(context.out_dir, job.id)), quiet=True)
    return settings_from_dict(values, settings_from_dict(context.config))


class JobProgress:
    """A ``Reporter`` that writes the job's progress to the store, now and then."""

    def __init__(self, store: JobStore, job_id: str) -> None:
        self.store, self.job_id = store, job_id
        self.total, self.done, self.last_write = 0, 0, 0.0

    def note(self, message: str) -> None:
        log.info("job %s: %s", self.job_id, message)

    def start_article(self, name: str, chunks: int) -> None:
        self.total, self.done = max(chunks, 1), 0

    def advance(self, chunks: int = 1) -> None:
        self.done += chunks
        self._write(SYNTHESIS_SHARE * min(self.done / max(self.total, 1), 1.0))

    def stage(self, name: str) -> None:
        pass

    def finish_article(self) -> None:
        pass

    def _write(self, progress: float) -> None:
        now = time.monotonic()
        if now - self.last_write >= PROGRESS_EVERY_S:
            self.last_write = now
            self.store.update(self.job_id, progress=round(progress, 3))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _files(context: RunContext, job: Job, episode: Episode, settings: Settings) -> EpisodeFiles:
    folder = episode_dir(context.out_dir, job.id)
    page = folder / f"{episode.slug}.html"
    return EpisodeFiles(
        title=episode.title,
        duration=round(episode.duration, 3),
        audio=f"{job.id}/{Path(episode.mp3_path).name}",
        json=f"{job.id}/{Path(episode.json_path).name}",
        vtt=f"{job.id}/{Path(episode.vtt_path).name}",
        page=f"{job.id}/{page.name}" if settings.player and page.is_file() else None,
    )


def _finish(store: JobStore, job: Job, **changes: Any) -> Job | None:
    callback = "pending" if job.request.callback_url else "none"
    return store.update(job.id, progress=1.0, callback=callback, **changes)


def run_job(context: RunContext, job_id: str) -> Outcome:
    """Make the job's episode; the store says ``running`` meanwhile, then the outcome."""
    from ..pipeline import Producer  # the pipeline loads in the processes that run jobs

    store = JobStore(Path(context.state_dir))
    job = store.get(job_id)
    if job is None:
        return Outcome("gone")
    if job.status == "done":  # a redelivery of a job that finished before its ack
        return Outcome("done")
    if job.attempts > 0:  # an earlier run died: its temp files are this job's alone
        remove_stale_temps(episode_dir(context.out_dir, job_id), older_than_s=0)
    job = store.update(
        job_id, status="running", attempts=job.attempts + 1, progress=0.0, worker=worker_name()
    )
    if job is None:
        return Outcome("gone")
    try:
        settings = job_settings(context, store, job)
        producer = Producer(settings, reporter=JobProgress(store, job_id))
        episode = producer.make(producer.plan(store.source_path(job)))
    except RETRYABLE as e:
        return _engine_outage(context, store, job, e)
    except AudioNewsError as e:
        _finish(store, job, status="failed", error=reason(e, None))
        return Outcome("failed", reason(e, None))
    except Exception:
        log.exception("job %s failed on a bug", job_id)
        message = "internal error while making the episode (see the worker's log)"
        _finish(store, job, status="failed", error=message)
        return Outcome("failed", message)
    if _finish(store, job, status="done", episode=_files(context, job, episode, settings)) is None:
        shutil.rmtree(episode_dir(context.out_dir, job_id), ignore_errors=True)  # deleted
        return Outcome("gone")
    return Outcome("done")


def _engine_outage(context: RunContext, store: JobStore, job: Job, error: Exception) -> Outcome:
    failures = job.engine_failures + 1
    message = reason(error, None)
    if failures > context.engine_retries:
        _finish(store, job, status="failed", error=message, engine_failures=failures)
        return Outcome("failed", message)
    store.update(job.id, status="queued", engine_failures=failures)
    log.warning("job %s: engine outage (try %d): %s", job.id, failures, message)
    retry_after = error.retry_after if isinstance(error, TransientEngineError) else None
    return Outcome("retry", message, retry_after)
