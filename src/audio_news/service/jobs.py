"""Jobs on disk: what was asked, how far it got, what it made. The one owner of ``job.json``.

A job lives in ``<state>/jobs/<id>/``: ``job.json`` (this module's document, written
atomically under a per-job lock), the article as received (``source.txt``, ``.md`` or
``.html``) and the request's lexicon entries (``lexicon.csv``). Workers on other machines
read and write the same folder, so it belongs on the storage they share. The id comes from
the article and its options, so the same request is the same job.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import fcntl
import hashlib
import io
import json
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import OutputError
from ..fsutil import make_dir, write_bytes_atomic, write_text_atomic
from ..text.lexicon import LexiconEntry

JOB_VERSION = 1
ID_HEX_CHARS = 24
"""96 bits of the request's sha256: collisions are out of reach for any newsroom."""
SOURCE_KINDS = ("text", "html", "markdown", "url")
SOURCE_SUFFIXES = {"text": ".txt", "html": ".html", "markdown": ".md"}
LEXICON_NAME = "lexicon.csv"

Status = Literal["queued", "running", "done", "failed"]
CallbackState = Literal["none", "pending", "delivered", "failed"]


@dataclass(frozen=True)
class JobRequest:
    """One article to speak, as the API accepted it."""

    kind: str
    """One of ``SOURCE_KINDS``."""
    content: str
    """The article itself, or its URL."""
    title: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    """Episode options (engine, voice, speed, bitrate, artist, album, date), set ones only."""
    lexicon: tuple[LexiconEntry, ...] = ()
    callback_url: str | None = None

    def job_id(self) -> str:
        """The same article with the same options is the same job; the callback is not part."""
        blob = json.dumps(
            {
                "kind": self.kind,
                "content": self.content,
                "title": self.title,
                "options": dict(self.options),
                "lexicon": [dataclasses.asdict(e) for e in self.lexicon],
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:ID_HEX_CHARS]

    def source_text(self) -> str:
        """The file a reader will read: the title added the way each format carries one."""
        if self.title is None:
            return self.content
        if self.kind == "text":
            return f"{self.title}\n\n{self.content}"
        if self.kind == "markdown":
            return f"---\ntitle: {json.dumps(self.title, ensure_ascii=False)}\n---\n{self.content}"
        raise ValueError(f"a title cannot be given with {self.kind}")

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["options"] = dict(self.options)
        data["content"] = self.content if self.kind == "url" else None  # kept in the source file
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], content: str) -> JobRequest:
        return cls(
            kind=data["kind"],
            content=content,
            title=data.get("title"),
            options=dict(data.get("options") or {}),
            lexicon=tuple(LexiconEntry(**e) for e in data.get("lexicon") or ()),
            callback_url=data.get("callback_url"),
        )


@dataclass(frozen=True)
class EpisodeFiles:
    """What a finished job made; names relative to the output folder."""

    title: str
    duration: float
    audio: str
    json: str
    vtt: str
    page: str | None = None


@dataclass(frozen=True)
class Job:
    """The state of one job, as ``job.json`` holds it."""

    id: str
    request: JobRequest
    status: Status = "queued"
    progress: float = 0.0
    created: str = ""
    updated: str = ""
    attempts: int = 0
    """Runs started, redeliveries included."""
    worker: str | None = None
    """``host:pid`` of the worker that last started it."""
    engine_failures: int = 0
    """Runs that ended in an engine outage; past the limit the job fails."""
    error: str | None = None
    episode: EpisodeFiles | None = None
    callback: CallbackState = "none"
    callback_attempts: int = 0
    callback_error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["request"] = self.request.to_dict()
        data["version"] = JOB_VERSION
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], content: str) -> Job:
        values = {f.name: data[f.name] for f in dataclasses.fields(cls) if f.name in data}
        values["request"] = JobRequest.from_dict(data["request"], content)
        if data.get("episode"):
            values["episode"] = EpisodeFiles(**data["episode"])
        return cls(**values)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def lexicon_csv(entries: tuple[LexiconEntry, ...]) -> str:
    """The entries in the CSV form ``text.lexicon`` reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [f.name for f in dataclasses.fields(LexiconEntry)]
    writer.writerow(names)
    for entry in entries:
        values = (getattr(entry, name) for name in names)
        writer.writerow([str(v).lower() if isinstance(v, bool) else v for v in values])
    return out.getvalue()


class JobStore:
    """Job folders under ``root``; safe to share between processes and machines."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root) / "jobs"

    def folder(self, job_id: str) -> Path:
        if not (len(job_id) == ID_HEX_CHARS and all(c in "0123456789abcdef" for c in job_id)):
            raise KeyError(job_id)
        return self.root / job_id

    def source_path(self, job: Job) -> str:
        """What to hand ``Producer.produce``: the saved article, or the URL."""
        if job.request.kind == "url":
            return job.request.content
        return str(self.folder(job.id) / f"source{SOURCE_SUFFIXES[job.request.kind]}")

    def lexicon_path(self, job: Job) -> Path | None:
        return self.folder(job.id) / LEXICON_NAME if job.request.lexicon else None

    @contextlib.contextmanager
    def _locked(self, job_id: str) -> Iterator[Path]:
        folder = self.folder(job_id)
        try:
            handle = (folder / ".lock").open("a")
        except FileNotFoundError:
            raise KeyError(job_id) from None
        except OSError as e:
            raise OutputError(f"cannot lock job {job_id}: {e.strerror or e}") from e
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield folder

    def _read(self, folder: Path) -> Job | None:
        try:
            data = json.loads((folder / "job.json").read_text(encoding="utf-8"))
            request = data["request"]
            if request["kind"] == "url":
                content = request["content"]
            else:
                suffix = SOURCE_SUFFIXES[request["kind"]]
                content = (folder / f"source{suffix}").read_text(encoding="utf-8")
            return Job.from_dict(data, content)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # not written yet, or being deleted

    def _write(self, folder: Path, job: Job) -> None:
        write_text_atomic(folder / "job.json", json.dumps(job.to_dict(), ensure_ascii=False))

    def get(self, job_id: str) -> Job | None:
        try:
            return self._read(self.folder(job_id))
        except KeyError:
            return None

    def submit(self, request: JobRequest) -> tuple[Job, bool]:
        """The job for ``request``, and whether it now needs running.

        A new request, or one whose job failed, is (re)queued; a job queued, running or done
        is returned as it is. Concurrent submits of one request make one job.
        """
        job_id = request.job_id()
        folder = self.folder(job_id)
        make_dir(self.root)
        with contextlib.suppress(FileExistsError):
            folder.mkdir()
        with self._locked(job_id):
            job = self._read(folder)
            if job is not None and job.status != "failed":
                return job, False
            if job is None:
                self._write_inputs(folder, request)
            stamp = now_iso()
            fresh = Job(job_id, request, created=job.created if job else stamp, updated=stamp)
            self._write(folder, fresh)
            return fresh, True

    def _write_inputs(self, folder: Path, request: JobRequest) -> None:
        if request.kind != "url":
            name = f"source{SOURCE_SUFFIXES[request.kind]}"
            write_bytes_atomic(folder / name, request.source_text().encode("utf-8"))
        if request.lexicon:
            write_text_atomic(folder / LEXICON_NAME, lexicon_csv(request.lexicon))

    def update(self, job_id: str, **changes: Any) -> Job | None:
        """Apply ``changes`` to the job; None (and nothing written) when it was deleted."""
        try:
            with self._locked(job_id) as folder:
                job = self._read(folder)
                if job is None:
                    return None
                job = dataclasses.replace(job, updated=now_iso(), **changes)
                self._write(folder, job)
                return job
        except KeyError:
            return None

    def delete(self, job_id: str) -> Job | None:
        """Remove the job's folder; returns the job as it was, or None when there was none."""
        try:
            with self._locked(job_id) as folder:
                job = self._read(folder)
                shutil.rmtree(folder, ignore_errors=True)
                return job
        except KeyError:
            return None

    def all(self) -> list[Job]:
        """Every readable job, newest first."""
        try:
            folders = [p for p in self.root.iterdir() if p.is_dir()]
        except OSError:
            return []
        jobs = [job for job in map(self._read, folders) if job is not None]
        jobs.sort(key=lambda j: (j.created, j.id), reverse=True)
        return jobs

    def unfinished(self) -> list[Job]:
        """Jobs accepted but not finished, oldest first: what a restarted pool picks up."""
        return [job for job in reversed(self.all()) if not job.finished]

    def undelivered(self) -> list[Job]:
        """Finished jobs whose callback is still to be sent."""
        return [job for job in self.all() if job.finished and job.callback == "pending"]


def status_document(job: Job, base_url: str, *, with_callback: bool = True) -> dict[str, Any]:
    """The job as clients see it (``GET /v1/episodes/{id}`` and callbacks).

    ``base_url`` is where the API is reached, without a trailing slash; it may be empty,
    which leaves the links relative.
    """
    doc: dict[str, Any] = {
        "id": job.id,
        "status": job.status,
        "progress": job.progress,
        "created": job.created,
        "updated": job.updated,
        "links": {"self": f"{base_url}/v1/episodes/{job.id}"},
    }
    if job.status == "failed":
        doc["error"] = job.error or "failed"
    if job.status == "done" and job.episode is not None:
        files = f"{base_url}/files"
        episode = job.episode
        doc["episode"] = {
            "title": episode.title,
            "duration": episode.duration,
            "audio": f"{files}/{episode.audio}",
            "json": f"{files}/{episode.json}",
            "vtt": f"{files}/{episode.vtt}",
            "page": f"{files}/{episode.page}" if episode.page else None,
        }
    if with_callback and job.request.callback_url:
        doc["callback"] = {"state": job.callback, "attempts": job.callback_attempts}
    return doc
