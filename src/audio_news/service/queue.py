"""Jobs on Dramatiq: over Redis for workers on many machines, or in-process by default.

Two actors: ``episode`` runs a job, ``callback`` delivers its status document. Dramatiq acks a
message only after its actor returns, so a worker killed mid-job leaves the message unacked;
the Redis broker hands it to a live worker once the dead one's heartbeat is
``heartbeat_timeout`` old. Retries (engine outages, callbacks, a full engine cap) are
Dramatiq's: the actor raises ``Retry`` with a backoff and the message waits on the delay queue.

The embedded queue is the same actors on Dramatiq's in-memory broker, served by a Dramatiq
worker in the API process whose threads hand each job to a small process pool (espeak is one
locked library per process, so jobs run in processes). Its messages die with the process; the
job store does not, and ``start`` queues again every job accepted but not finished.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import logging
import multiprocessing
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import compute_backoff
from dramatiq.rate_limits import ConcurrentRateLimiter, RateLimiter
from dramatiq.rate_limits.backends import RedisBackend, StubBackend

from ..errors import ConfigError
from .callbacks import CallbackError, deliver
from .jobs import JobStore, status_document
from .runner import Outcome, RunContext, run_job, slot_engine
from .settings import ServiceSettings

log = logging.getLogger(__name__)

NAMESPACE = "audio-news"
"""Prefix of every Redis key the service uses."""
EPISODE_QUEUE, CALLBACK_QUEUE = "episodes", "callbacks"
MAINTENANCE_CHANCE = 200_000
"""Of a million broker commands, how many also look for dead workers' messages to hand on:
with workers polling about once a second, a dead worker's jobs move within seconds of its
heartbeat timing out (Dramatiq's default, 1,000, can take many minutes on an idle queue)."""
SLOT_WAIT_MS = 2000
"""A job whose engine is at its cap waits about this long before trying again."""
WORKER_POLL_MS = 1000


def _retry_requested(retries: int, error: BaseException) -> bool:
    """Only ``Retry`` retries: every other failure is already recorded in the job store."""
    return isinstance(error, dramatiq.Retry)


def _backoff_ms(attempt: int, first_s: float, most_s: float) -> int:
    """Dramatiq's exponential backoff with jitter: about ``first_s`` at the first attempt."""
    first, most = int(first_s * 1000), int(most_s * 1000)
    return compute_backoff(max(attempt - 1, 0), factor=first, max_backoff=most)[1]


LEASE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
"""
"""Take or renew one of ``limit`` slots for ``lease`` ms; expired leases are dropped first."""


class LeaseRateLimiter(RateLimiter):
    """At most ``limit`` holders across every worker, each slot a lease renewed while held.

    Dramatiq's ``ConcurrentRateLimiter`` keeps a counter, which a worker killed while holding
    a slot never decrements; here a dead holder's lease simply runs out.
    """

    def __init__(self, backend: RedisBackend, key: str, *, limit: int, lease_ms: int) -> None:
        super().__init__(backend, key)  # type: ignore[no-untyped-call]
        self.client = backend.client
        self.limit, self.lease_ms = limit, lease_ms
        self.token = uuid.uuid4().hex
        self._script = self.client.register_script(LEASE_SCRIPT)
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def _take(self) -> bool:
        return bool(self._script(keys=[self.key], args=[self.token, self.limit, self.lease_ms]))

    def _renew(self) -> None:
        while not self._stop.wait(self.lease_ms / 3000):
            try:
                if not self._take():
                    log.warning("engine slot %s lost its lease", self.key)
            except Exception as e:  # Redis away: the lease may lapse, the job goes on
                log.warning("engine slot %s not renewed: %s", self.key, e)

    def _acquire(self) -> bool:
        if not self._take():
            return False
        self._renewer = threading.Thread(target=self._renew, name="slot-lease", daemon=True)
        self._renewer.start()
        return True

    def _release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        self.client.zrem(self.key, self.token)


Executor = Callable[[RunContext, str], Outcome]


class ProcessPool:
    """Runs jobs in ``size`` long-lived processes; a pool broken by a dead process is renewed."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._pool = self._new()

    def _new(self) -> concurrent.futures.ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")
        return concurrent.futures.ProcessPoolExecutor(self.size, mp_context=context)

    def __call__(self, context: RunContext, job_id: str) -> Outcome:
        with self._lock:
            pool = self._pool
        try:
            return pool.submit(run_job, context, job_id).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = self._new()
            log.error("job %s: a pool process died; the job will run again", job_id)
            raise dramatiq.Retry(delay=SLOT_WAIT_MS) from None

    def shutdown(self) -> None:
        """Stop now: jobs still running are marked ``running`` and run again at the next start."""
        with self._lock:
            pool = self._pool
        # The executor has no public way to stop a running call: end its processes.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()


class JobQueue:
    """The service's two actors on one broker, and how a job is run when one arrives."""

    def __init__(
        self,
        broker: dramatiq.Broker,
        service: ServiceSettings,
        context: RunContext,
        executor: Executor,
        limiter: Callable[[str, int], RateLimiter],
    ) -> None:
        self.broker, self.service, self.context = broker, service, context
        self.store = JobStore(Path(context.state_dir))
        self.executor = executor
        self._limiter = limiter
        time_limit = int(service.job_time_limit * 1000)
        self.episode_actor = dramatiq.actor(
            broker=broker,
            actor_name="audio_news.episode",
            queue_name=EPISODE_QUEUE,
            priority=10,
            time_limit=time_limit,
            retry_when=_retry_requested,
        )(self._run_episode)
        self.callback_actor = dramatiq.actor(
            broker=broker,
            actor_name="audio_news.callback",
            queue_name=CALLBACK_QUEUE,
            priority=0,
            time_limit=int(service.callback_timeout * 3000),
            retry_when=_retry_requested,
        )(self._deliver_callback)

    def enqueue(self, job_id: str) -> None:
        self.episode_actor.send(job_id)

    def _slot(self, engine: str) -> contextlib.AbstractContextManager[bool]:
        limit = self.service.engine_limit(engine)
        if limit is None:
            return contextlib.nullcontext(True)
        return self._limiter(f"{NAMESPACE}:engine-slots:{engine}", limit).acquire(
            raise_on_failure=False
        )

    def _run_episode(self, job_id: str) -> None:
        job = self.store.get(job_id)
        if job is None or job.finished:
            return
        with self._slot(slot_engine(job.request.options)) as acquired:
            if not acquired:
                raise dramatiq.Retry(delay=SLOT_WAIT_MS)
            outcome = self.executor(self.context, job_id)
        if outcome.kind == "retry":
            service, failures = self.service, job.engine_failures + 1
            delay = _backoff_ms(failures, service.retry_backoff, service.retry_backoff_max)
            if outcome.retry_after is not None:
                delay = max(delay, int(outcome.retry_after * 1000))
            raise dramatiq.Retry(delay=delay)
        if outcome.kind in ("done", "failed") and job.request.callback_url:
            self.callback_actor.send(job_id)

    def _deliver_callback(self, job_id: str) -> None:
        job = self.store.get(job_id)
        if job is None or job.callback != "pending" or not job.request.callback_url:
            return
        service = self.service
        if not service.callback_secret:
            self.store.update(job_id, callback="failed", callback_error="no callback secret")
            return
        base = (service.public_url or "").rstrip("/")
        body = json.dumps(status_document(job, base, with_callback=False), ensure_ascii=False)
        attempts = job.callback_attempts + 1
        try:
            deliver(
                job.request.callback_url,
                body.encode(),
                service.callback_secret,
                timeout=service.callback_timeout,
                allow_private=service.allow_private_callbacks,
            )
        except ConfigError as e:  # the address became one we do not call
            self.store.update(
                job_id, callback="failed", callback_attempts=attempts, callback_error=str(e)
            )
        except CallbackError as e:
            final = attempts > service.callback_retries
            self.store.update(
                job_id,
                callback="failed" if final else "pending",
                callback_attempts=attempts,
                callback_error=str(e),
            )
            log.warning("job %s: %s (try %d)", job_id, e, attempts)
            if not final:
                delay = _backoff_ms(attempts, service.callback_backoff, 600.0)
                raise dramatiq.Retry(delay=delay) from None
        else:
            self.store.update(
                job_id, callback="delivered", callback_attempts=attempts, callback_error=None
            )

    def recover(self) -> int:
        """Queue again what an embedded queue lost with its process; returns how many."""
        jobs = self.store.unfinished()
        for job in jobs:
            self.enqueue(job.id)
        for job in self.store.undelivered():
            self.callback_actor.send(job.id)
        return len(jobs)


def check_broker_url(url: str) -> str:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"broker must be a redis://, rediss:// or unix:// URL, not {url!r}")
    return url


def redis_queue(url: str, service: ServiceSettings, context: RunContext) -> JobQueue:
    """The queue on Redis; a worker runs jobs in its own thread (``run_job`` inline)."""
    broker = RedisBroker(  # type: ignore[no-untyped-call]
        url=check_broker_url(url),
        namespace=NAMESPACE,
        heartbeat_timeout=int(service.heartbeat_timeout * 1000),
        maintenance_chance=MAINTENANCE_CHANCE,
    )
    backend = RedisBackend(client=broker.client)
    lease_ms = int(service.heartbeat_timeout * 1000)

    def limiter(key: str, limit: int) -> RateLimiter:
        return LeaseRateLimiter(backend, key, limit=limit, lease_ms=lease_ms)

    return JobQueue(broker, service, context, run_job, limiter)


def embedded_queue(service: ServiceSettings, context: RunContext) -> tuple[JobQueue, ProcessPool]:
    """The queue in this process, its jobs run by a pool of ``service.workers`` processes."""
    pool = ProcessPool(service.workers)
    backend = StubBackend()  # type: ignore[no-untyped-call]

    def limiter(key: str, limit: int) -> RateLimiter:
        return ConcurrentRateLimiter(backend, key, limit=limit)  # type: ignore[no-untyped-call]

    return JobQueue(StubBroker(), service, context, pool, limiter), pool


@contextlib.contextmanager
def running_worker(
    queue: JobQueue,
    threads: int,
    stop_timeout_s: float | None = None,
    poll_ms: int = WORKER_POLL_MS,
) -> Iterator[dramatiq.Worker]:
    """A Dramatiq worker serving ``queue``; each thread takes one message at a time.

    Stopping waits ``stop_timeout_s`` (default: the job time limit) for running jobs.
    """
    worker = dramatiq.Worker(queue.broker, worker_threads=threads, worker_timeout=poll_ms)
    worker.queue_prefetch = 1  # a busy worker leaves the next job to an idle one
    worker.start()
    try:
        yield worker
    finally:
        wait_s = queue.service.job_time_limit if stop_timeout_s is None else stop_timeout_s
        worker.stop(timeout=int(wait_s * 1000))


def embedded_threads(service: ServiceSettings) -> int:
    """One thread per pool process, and one more so a callback need not wait for a job."""
    return service.workers + 1
