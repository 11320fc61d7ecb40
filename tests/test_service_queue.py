"""The job actor's policy on Dramatiq's in-memory broker: outage retries and engine caps.

The pipeline is replaced by a stand-in whose engine fails or takes its time on demand, so
these run in a second; the real pipeline runs in the API and worker tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dramatiq")

from dramatiq.brokers.stub import StubBroker
from dramatiq.rate_limits import ConcurrentRateLimiter, RateLimiter
from dramatiq.rate_limits.backends import StubBackend

from audio_news import pipeline
from audio_news.errors import TransientEngineError
from audio_news.models import Episode
from audio_news.service.jobs import JobRequest, JobStore
from audio_news.service.queue import JobQueue, running_worker
from audio_news.service.runner import RunContext, run_job
from audio_news.service.settings import ServiceSettings
from support.service import wait_for


class Engine:
    """What the stand-in pipeline does: fail ``outages`` times, then take ``seconds``."""

    def __init__(self) -> None:
        self.outages, self.seconds = 0, 0.0
        self.calls, self.running, self.most_at_once = 0, 0, 0
        self.call_times: list[float] = []
        self.lock = threading.Lock()


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Engine:
    state = Engine()

    class StandInProducer:
        def __init__(self, settings: Any, reporter: Any = None) -> None:
            self.settings = settings

        def plan(self, source: str) -> str:
            return source

        def make(self, plan: str) -> Episode:
            with state.lock:
                state.calls += 1
                state.call_times.append(time.monotonic())
                if state.outages > 0:
                    state.outages -= 1
                    raise TransientEngineError("espeak: the engine is away", retry_after=None)
                state.running += 1
                state.most_at_once = max(state.most_at_once, state.running)
            time.sleep(state.seconds)
            with state.lock:
                state.running -= 1
            out = Path(self.settings.out_dir)
            paths = [str(out / f"tin{ext}") for ext in (".mp3", ".json", ".vtt")]
            return Episode("Tin", "tin", *paths, duration=1.0, segments=(), engine="espeak")

    monkeypatch.setattr(pipeline, "Producer", StandInProducer)
    return state


@pytest.fixture
def make_queue(tmp_path: Path) -> Iterator[Any]:
    started: list[Any] = []

    def make(**service: Any) -> tuple[JobQueue, JobStore]:
        settings = ServiceSettings(**service)
        context = RunContext(
            {}, str(tmp_path / "out"), str(tmp_path / "state"), settings.engine_retries
        )
        backend = StubBackend()  # type: ignore[no-untyped-call]

        def limiter(key: str, limit: int) -> RateLimiter:
            return ConcurrentRateLimiter(backend, key, limit=limit)  # type: ignore[no-untyped-call]

        queue = JobQueue(StubBroker(), settings, context, run_job, limiter)
        worker = running_worker(queue, threads=3, stop_timeout_s=5, poll_ms=100)
        worker.__enter__()
        started.append(worker)
        return queue, JobStore(tmp_path / "state")

    yield make
    for worker in started:
        worker.__exit__(None, None, None)


def submit(queue: JobQueue, store: JobStore, text: str) -> str:
    job, _ = store.submit(JobRequest("text", text, options={"engine": "espeak"}))
    queue.enqueue(job.id)
    return job.id


def test_an_engine_outage_is_retried_with_backoff(engine: Engine, make_queue: Any) -> None:
    queue, store = make_queue(retry_backoff=0.2, engine_retries=3)
    engine.outages = 2
    job_id = submit(queue, store, "Tin\nMột câu.")
    job = wait_for(lambda: (j := store.get(job_id)) and j.status == "done" and j, 20, "retries")
    assert engine.calls == 3 and job.engine_failures == 2 and job.attempts == 3
    gaps = [b - a for a, b in zip(engine.call_times, engine.call_times[1:], strict=False)]
    assert min(gaps) >= 0.2


def test_an_outage_past_the_retries_fails_the_job(engine: Engine, make_queue: Any) -> None:
    queue, store = make_queue(retry_backoff=0.05, engine_retries=1)
    engine.outages = 5
    job_id = submit(queue, store, "Tin\nMột câu.")
    job = wait_for(lambda: (j := store.get(job_id)) and j.finished and j, 20, "the job to fail")
    assert job.status == "failed" and job.error == "espeak: the engine is away"
    assert engine.calls == 2


def test_an_engine_cap_holds_across_jobs(engine: Engine, make_queue: Any) -> None:
    queue, store = make_queue(engine_limits=(("espeak", 1),))
    engine.seconds = 0.3
    ids = [submit(queue, store, f"Tin {n}\nMột câu.") for n in range(3)]

    def all_done() -> bool:
        return all((job := store.get(i)) is not None and job.status == "done" for i in ids)

    wait_for(all_done, 30, "three capped jobs")
    assert engine.most_at_once == 1 and engine.calls == 3


def test_a_deleted_job_is_skipped(engine: Engine, make_queue: Any) -> None:
    queue, store = make_queue()
    job, _ = store.submit(JobRequest("text", "Tin\nMột câu."))
    store.delete(job.id)
    queue.enqueue(job.id)
    time.sleep(0.3)
    assert engine.calls == 0 and store.get(job.id) is None
