"""Parallel, cached, retrying synthesis of a script's chunks.

Each distinct text is looked up in the segment cache and, on a miss, sent to the
engine once, by a bounded thread pool. One background thread schedules: it submits
requests while the adaptive limit allows, sleeps out backoffs itself (workers never
sleep, so nothing queued has to be waited for when a fatal error cancels the run),
and gives up with one clear ``EngineError`` line when tries or time run out. Clips
can be read as they arrive, so assembly starts on the first while the rest are made.
An engine whose audio comes later (FPT.AI's link) raises ``ClipPending``: the chunk is
asked for again when the engine says, with no try counted, and no worker waits meanwhile.

An engine that has its own rate control says so (``Engine.applies_speed``) and is asked
for the speed; for the others speed is applied to the assembled audio, so their clips do
not depend on it and the cache key uses speed 1.0: changing ``--speed`` re-synthesizes
nothing.
"""

from __future__ import annotations

import heapq
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from ..errors import ClipPending, ConfigError, EngineError, OutputError, TransientEngineError
from ..models import Clip
from .cache import SegmentCache
from .engines.base import Engine
from .retry import (
    DEFAULT_BASE_DELAY,
    DEFAULT_MAX_DELAY,
    DEFAULT_UNREACHED_DEADLINE,
    AimdLimiter,
    Backoff,
)
from .spool import ClipSpool

log = logging.getLogger(__name__)

CANCEL_CHECK_S = 0.25
WAITS_PER_TRY = 4
"""A service that answers "come back in N s" (Retry-After) is alive and rationing, not
failing: such answers cost a quarter of a try each, so a 429 storm is waited out while the
overall deadline still bounds the run."""
"""Longest the scheduler waits before noticing that its run was cancelled."""


@dataclass(frozen=True)
class SynthStats:
    """What one ``Synthesis`` run did."""

    requested: int
    """Engine calls made, failed tries included; 0 on a fully warm cache."""
    cached: int
    """Distinct texts served from the cache."""
    retried: int
    """Failed tries that were tried again."""
    seconds: float
    """Wall time of the whole run."""
    characters: int = 0
    """Characters of the texts the engine was asked for and answered (what a vendor bills)."""


class Synthesis:
    """Synthesis of a script's texts in a background thread, readable while it runs.

    Nothing runs until ``start``; used as a context manager, it starts on entry and is
    cancelled on exit::

        with Synthesis(engine, texts, speed=1.0, jobs=None, cache=None) as run:
            assemble(run.clips)
            run.result()

    Once started, ``clips`` can be read: reading a clip not yet made waits for it, and raises
    the run's error if it failed. ``jobs`` bounds requests in flight (None:
    ``engine.default_jobs``); the bound is halved when the engine reports a transient
    failure and regrows on successes. ``on_done(n)`` is called, from the background
    thread, each time ``n`` more input texts have their clip. Until one request of the
    run succeeds, the time allowed is ``unreached_deadline_s`` instead of ``deadline_s``,
    so an unreachable service fails fast.
    """

    def __init__(
        self,
        engine: Engine,
        texts: Sequence[str],
        *,
        speed: float,
        jobs: int | None,
        cache: SegmentCache | None,
        on_done: Callable[[int], None] | None = None,
        deadline_s: float = 600.0,
        max_tries: int = 6,
        base_delay: float = DEFAULT_BASE_DELAY,
        max_delay: float = DEFAULT_MAX_DELAY,
        unreached_deadline_s: float = DEFAULT_UNREACHED_DEADLINE,
        rng: random.Random | None = None,
    ) -> None:
        workers = engine.default_jobs if jobs is None else jobs
        if workers < 1:
            raise ConfigError(f"jobs must be at least 1, not {workers}")
        if max_tries < 1:
            raise ConfigError(f"max_tries must be at least 1, not {max_tries}")
        self.clips = ClipSpool(len(texts))
        self._engine = engine
        self._texts = texts
        self._speed = speed if engine.applies_speed else 1.0
        self._cache = cache
        self._on_done = on_done
        self._scheduler = _Scheduler(
            engine,
            speed=self._speed,
            workers=workers,
            max_tries=max_tries,
            deadline_s=deadline_s,
            unreached_deadline_s=unreached_deadline_s,
            backoff=Backoff(base_delay, max_delay, rng or random.Random()),
        )
        self._stats: SynthStats | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="synthesis", daemon=True)

    def start(self) -> Synthesis:
        """Start the run in its background thread."""
        self._thread.start()
        return self

    def __enter__(self) -> Synthesis:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.cancel()

    def result(self) -> SynthStats:
        """Wait for the run; its figures, or its error raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._stats is not None
        return self._stats

    def cancel(self) -> None:
        """Start no more requests and wait for the scheduling thread to stop; requests
        already sent finish on their own. A run never started stays so."""
        self._scheduler.cancelled.set()
        if self._thread.ident is not None:
            self._thread.join()

    def _run(self) -> None:
        try:
            self._stats = self._synthesize()
        except BaseException as e:  # handed to the reader and to result()
            self._error = e
            self.clips.close(e)
        else:
            self.clips.close(None)

    def _synthesize(self) -> SynthStats:
        started = time.monotonic()
        engine, cache, results = self._engine, self._cache, self.clips
        positions: dict[str, list[int]] = {}
        for index, text in enumerate(self._texts):
            positions.setdefault(text, []).append(index)
        voice = engine.voice_id
        keys = {text: SegmentCache.key(engine.name, voice, self._speed, text) for text in positions}
        cache_broken = False
        characters = 0

        def deliver(text: str, clip: Clip, fresh: bool) -> None:
            nonlocal cache_broken, characters
            results.store(positions[text], clip)
            if fresh:
                characters += len(text)
            if fresh and cache is not None and not cache_broken:
                try:
                    cache.put(keys[text], clip)
                except OutputError as e:
                    cache_broken = True
                    log.warning("segment cache disabled for this run: %s", e)
            if self._on_done is not None:
                self._on_done(len(positions[text]))

        missing: list[str] = []
        for text in positions:
            clip = cache.get(keys[text]) if cache is not None else None
            if clip is None:
                missing.append(text)
            else:
                deliver(text, clip, fresh=False)

        scheduler = self._scheduler
        if missing:
            scheduler.run(missing, lambda text, clip: deliver(text, clip, fresh=True))
        if results.missing:
            raise EngineError(f"{engine.name}: {results.missing} chunk(s) got no audio")
        stats = SynthStats(
            requested=scheduler.requested,
            cached=len(positions) - len(missing),
            retried=scheduler.retried,
            seconds=time.monotonic() - started,
            characters=characters,
        )
        log.debug("synthesis: %s", stats)
        return stats


class _Scheduler:
    """Runs the requests for one list of distinct texts; lives for one call."""

    def __init__(
        self,
        engine: Engine,
        *,
        speed: float,
        workers: int,
        max_tries: int,
        deadline_s: float,
        unreached_deadline_s: float,
        backoff: Backoff,
    ) -> None:
        self.engine = engine
        self.speed = speed
        self.workers = workers
        self.max_tries = max_tries
        self.deadline_s = deadline_s
        self.unreached_deadline_s = min(deadline_s, unreached_deadline_s)
        self.backoff = backoff
        self.limiter = AimdLimiter(workers)
        self.requested = 0
        self.retried = 0
        self.succeeded = False
        self.last_error = ""
        self.cancelled = threading.Event()

    def run(self, texts: list[str], deliver: Callable[[str, Clip], None]) -> None:
        start = time.monotonic()
        ready = list(range(len(texts)))  # a heap: earliest chunk first, retries included
        delayed: list[tuple[float, int]] = []
        running: dict[Future[Clip], tuple[int, float]] = {}
        failures = [0.0] * len(texts)  # weighted: a wait costs 1 / WAITS_PER_TRY
        attempts = [0] * len(texts)
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix=f"synth-{self.engine.name}")
        try:
            while ready or delayed or running:
                if self.cancelled.is_set():
                    raise EngineError(f"{self.engine.name}: synthesis cancelled")
                now = time.monotonic()
                while delayed and delayed[0][0] <= now:
                    heapq.heappush(ready, heapq.heappop(delayed)[1])
                deadline = self._deadline(start)
                if now >= deadline:
                    raise self._timed_out(now - start, len(running) + len(ready) + len(delayed))
                while ready and len(running) < self.limiter.allowed:
                    index = heapq.heappop(ready)
                    future = pool.submit(self.engine.synthesize, texts[index], self.speed)
                    running[future] = (index, now)
                    self.requested += 1

                wake = min(deadline, now + CANCEL_CHECK_S)
                if delayed:
                    wake = min(wake, delayed[0][0])
                if not running:
                    self.cancelled.wait(max(0.0, wake - now))
                    continue
                done, _ = wait(running, timeout=max(0.0, wake - now), return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: running[f][0]):
                    index, sent = running.pop(future)
                    try:
                        clip = future.result()
                    except ClipPending as e:  # the service answered; its audio comes later
                        self.succeeded = True
                        heapq.heappush(delayed, (time.monotonic() + e.retry_after, index))
                        continue
                    except TransientEngineError as e:
                        retry_at = self._after_failure(e, failures, attempts, index, sent, start)
                        heapq.heappush(delayed, (retry_at, index))
                        continue
                    self.succeeded = True
                    self.limiter.on_success()
                    deliver(texts[index], clip)
        finally:
            # Requests already running finish on their own; nothing queued is started.
            pool.shutdown(wait=False, cancel_futures=True)

    def _deadline(self, start: float) -> float:
        return start + (self.deadline_s if self.succeeded else self.unreached_deadline_s)

    def _after_failure(
        self,
        error: TransientEngineError,
        failures: list[float],
        attempts: list[int],
        index: int,
        sent: float,
        start: float,
    ) -> float:
        """Count a failed try; return when to try again, or raise when that is pointless."""
        now = time.monotonic()
        failures[index] += 1 if error.retry_after is None else 1 / WAITS_PER_TRY
        attempts[index] += 1
        tries = attempts[index]
        self.last_error = _one_line(error, self.engine.name)
        name, last = self.engine.name, self.last_error
        if failures[index] >= self.max_tries - 1e-9:
            raise EngineError(f"{name}: gave up after {_tries(tries)}: {last}") from error
        deadline = self._deadline(start)
        if error.retry_after is not None and now + error.retry_after >= deadline:
            raise EngineError(
                f"{name}: asked to wait {error.retry_after:.0f} s, past the deadline: {last}"
            ) from error
        retry_at = now + self.backoff.delay(tries, error.retry_after)
        if retry_at >= deadline:
            raise EngineError(
                f"{name}: gave up after {_tries(tries)} in {now - start:.0f} s: {last}"
            ) from error
        self.limiter.on_rejection(sent, now)
        self.retried += 1
        log.debug("%s: retry %d in %.2f s: %s", name, tries, retry_at - now, self.last_error)
        return retry_at

    def _timed_out(self, elapsed: float, left: int) -> EngineError:
        detail = f": {self.last_error}" if self.last_error else ""
        return EngineError(
            f"{self.engine.name}: gave up after {elapsed:.0f} s with {left} chunk(s) left{detail}"
        )


def _tries(n: int) -> str:
    return "1 try" if n == 1 else f"{n} tries"


def _one_line(error: Exception, engine_name: str) -> str:
    """The error's first line, without the engine name our own message already starts with."""
    lines = str(error).strip().splitlines()
    line = lines[0] if lines else type(error).__name__
    return line.removeprefix(f"{engine_name}: ")
