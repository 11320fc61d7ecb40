"""Parallel synthesis: order, dedup, bounded pool, retries, backoff, AIMD, cancellation, cache."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from audio_news.config import EngineSettings
from audio_news.errors import ClipPending, ConfigError, EngineError, TransientEngineError
from audio_news.models import Clip
from audio_news.speech.cache import SegmentCache
from audio_news.speech.engines import create_engine
from audio_news.speech.retry import AimdLimiter, Backoff
from audio_news.speech.synthesis import WAITS_PER_TRY, Synthesis, SynthStats
from support.gtts_standin import closed_port, serve_for_test

TOO_MANY = "HTTP 429 Too Many Requests"


def synthesize_chunks(
    engine: object, texts: Sequence[str], **options: object
) -> tuple[Sequence[Clip], SynthStats]:
    """Synthesize ``texts`` and wait for every clip."""
    with Synthesis(engine, texts, **options) as run:  # type: ignore[arg-type]
        return run.clips, run.result()


Failure = Callable[[int, str], Exception | None]


def fake_clip(text: str) -> Clip:
    """PCM derived from the text alone, so a wrong or misplaced clip is visible."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return Clip(data=digest * (1 + len(text) % 7), codec="pcm_s16le", sample_rate=22_050)


class FakeEngine:
    """A deterministic engine: optional latency, failures chosen by call number and text."""

    name = "fake"
    max_chars = 100
    applies_speed = False

    def __init__(
        self,
        *,
        default_jobs: int = 2,
        latency: float | Callable[[str], float] = 0.0,
        fail: Failure | None = None,
        voice: str = "vi/1",
    ) -> None:
        self.default_jobs = default_jobs
        self.latency = latency
        self.fail = fail
        self.voice = voice
        self.calls: list[str] = []
        self.speeds: set[float] = set()
        self.answered: list[str] = []
        self.call_times: list[tuple[str, float]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.gate: threading.Event | None = None
        """When set, every call blocks on it (a request that hangs)."""
        self._lock = threading.Lock()

    @property
    def voice_id(self) -> str:
        return self.voice

    def synthesize(self, text: str, speed: float = 1.0) -> Clip:
        with self._lock:
            self.speeds.add(speed)
            self.calls.append(text)
            self.call_times.append((text, time.monotonic()))
            number = len(self.calls)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            concurrent = self.in_flight
        try:
            if self.gate is not None:
                self.gate.wait(10)
            delay = self.latency(text) if callable(self.latency) else self.latency
            if delay:
                time.sleep(delay)
            error = self.fail(number, text) if self.fail else None
            if error is None and self.overloaded(concurrent):
                error = TransientEngineError(TOO_MANY)
            if error is not None:
                raise error
            with self._lock:
                self.answered.append(text)
            return fake_clip(text)
        finally:
            with self._lock:
                self.in_flight -= 1

    def overloaded(self, concurrent: int) -> bool:
        return False


class TolerantOfTwo(FakeEngine):
    """A server that answers 429 whenever more than two requests are in flight."""

    def overloaded(self, concurrent: int) -> bool:
        return concurrent > 2


def texts_of(n: int) -> list[str]:
    return [f"Câu số {i}: tin tức hôm nay." for i in range(n)]


def run(
    engine: FakeEngine,
    texts: Sequence[str],
    *,
    jobs: int | None = None,
    cache: SegmentCache | None = None,
    **kwargs: object,
) -> tuple[list[Clip], SynthStats]:
    options: dict[str, object] = {"base_delay": 0.005, "max_delay": 0.05, "rng": random.Random(7)}
    options.update(kwargs)
    return synthesize_chunks(
        engine,
        texts,
        speed=1.0,
        jobs=jobs,
        cache=cache,
        **options,  # type: ignore[arg-type]
    )


def synth_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("synth-fake")]


def wait_for_no_synth_threads(timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while synth_threads() and time.monotonic() < end:
        time.sleep(0.01)
    return not synth_threads()


# --- order, dedup, pool size ---------------------------------------------------------------


def test_clips_come_back_in_input_order_when_answers_do_not() -> None:
    texts = texts_of(24)
    # Earlier chunks answer later, so completion order is roughly reversed.
    engine = FakeEngine(latency=lambda t: 0.002 * (24 - int(t.split()[2].rstrip(":"))))
    clips, stats = run(engine, texts, jobs=8)
    assert list(clips) == [fake_clip(t) for t in texts]
    assert engine.answered != texts, "the test needs answers out of order"
    characters = sum(len(t) for t in texts)  # what a vendor bills: every text, once
    assert stats == SynthStats(
        requested=24, cached=0, retried=0, seconds=stats.seconds, characters=characters
    )


def test_duplicate_texts_are_synthesized_once() -> None:
    texts = ["Một.", "Hai.", "Một.", "Ba.", "Hai.", "Một."]
    engine = FakeEngine()
    done: list[int] = []
    clips, stats = run(engine, texts, jobs=3, on_done=done.append)
    assert sorted(engine.calls) == ["Ba.", "Hai.", "Một."]
    assert list(clips) == [fake_clip(t) for t in texts]
    assert sum(done) == len(texts) and sorted(done) == [1, 2, 3]
    assert stats.requested == 3


def test_pool_is_bounded_by_jobs_and_defaults_to_the_engine() -> None:
    engine = FakeEngine(default_jobs=3, latency=0.02)
    run(engine, texts_of(30))
    assert engine.max_in_flight == 3
    engine = FakeEngine(default_jobs=3, latency=0.02)
    run(engine, texts_of(40), jobs=8)
    assert engine.max_in_flight == 8


def test_no_texts_no_work() -> None:
    engine = FakeEngine()
    clips, stats = run(engine, [])
    assert list(clips) == [] and engine.calls == []
    assert (stats.requested, stats.cached, stats.retried) == (0, 0, 0)


@pytest.mark.parametrize("bad", [{"jobs": 0}, {"max_tries": 0}])
def test_invalid_limits_are_config_errors(bad: dict[str, int]) -> None:
    with pytest.raises(ConfigError):
        run(FakeEngine(), ["x"], **bad)  # type: ignore[arg-type]


# --- retries -------------------------------------------------------------------------------


def test_429_on_every_fourth_request_still_yields_every_clip_in_order() -> None:
    texts = texts_of(50)
    engine = FakeEngine(
        latency=0.002, fail=lambda n, _t: TransientEngineError(TOO_MANY) if n % 4 == 0 else None
    )
    clips, stats = run(engine, texts, jobs=8)
    assert list(clips) == [fake_clip(t) for t in texts]
    failures = len(engine.calls) // 4
    assert stats.retried == failures > 10
    assert stats.requested == len(engine.calls) == len(texts) + failures


def test_gives_up_after_max_tries_with_one_line() -> None:
    engine = FakeEngine(
        fail=lambda _n, text: TransientEngineError(TOO_MANY) if text == "bad" else None
    )
    with pytest.raises(EngineError) as info:
        run(engine, ["ok", "bad", "later"], jobs=1)
    assert str(info.value) == f"fake: gave up after 6 tries: {TOO_MANY}"
    assert isinstance(info.value.__cause__, TransientEngineError)
    assert engine.calls.count("bad") == 6


def test_max_tries_applies_before_any_success_too() -> None:
    engine = FakeEngine(
        fail=lambda _n, _t: TransientEngineError("fake: HTTP 503 Service Unavailable")
    )
    with pytest.raises(EngineError, match=r"^fake: gave up after 3 tries: HTTP 503 Service \w+$"):
        run(engine, ["a"], max_tries=3)
    assert len(engine.calls) == 3


def test_backoff_ceilings_double_up_to_the_cap() -> None:
    class Highest(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b

    backoff = Backoff(base_delay=0.02, max_delay=0.1, rng=Highest())
    assert [backoff.delay(n) for n in range(1, 6)] == [0.02, 0.04, 0.08, 0.1, 0.1]
    waits = [Backoff(base_delay=0.02, rng=random.Random(n)).delay(3) for n in range(50)]
    assert all(0 <= w <= 0.08 for w in waits) and len(set(waits)) == 50, "full jitter"


def test_each_retry_waits_its_backoff() -> None:
    engine = FakeEngine(fail=lambda n, _t: TransientEngineError(TOO_MANY) if n <= 4 else None)
    clips, stats = run(engine, ["x"], base_delay=0.02, max_delay=1.0, rng=random.Random(1))
    assert list(clips) == [fake_clip("x")] and stats.retried == 4
    times = [t for _, t in engine.call_times]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    drawn = Backoff(base_delay=0.02, max_delay=1.0, rng=random.Random(1))
    waits = [drawn.delay(n) for n in range(1, 5)]
    assert all(gap >= wait for gap, wait in zip(gaps, waits, strict=True)), (gaps, waits)


def test_retry_after_is_a_floor_for_the_next_try() -> None:
    engine = FakeEngine(
        fail=lambda n, _t: TransientEngineError(TOO_MANY, retry_after=0.3) if n == 1 else None
    )
    clips, _ = run(engine, ["x"], base_delay=0.001)
    assert list(clips) == [fake_clip("x")]
    (_, first), (_, second) = engine.call_times
    assert second - first >= 0.3


def test_a_storm_of_waits_is_waited_out() -> None:
    """Every other answer is "come back shortly": a chunk may be told so many times in a row,
    which costs it a quarter of a try each, so the run completes."""
    engine = FakeEngine(
        latency=0.002,
        fail=lambda n, _t: TransientEngineError(TOO_MANY, retry_after=0.001) if n % 2 else None,
    )
    texts = texts_of(40)
    clips, stats = run(engine, texts, jobs=8, base_delay=0.001)
    assert list(clips) == [fake_clip(t) for t in texts]
    assert stats.retried == len(engine.calls) - len(texts) >= len(texts) - 1


def test_waits_alone_give_up_after_their_share_of_tries() -> None:
    engine = FakeEngine(fail=lambda _n, _t: TransientEngineError(TOO_MANY, retry_after=0.001))
    with pytest.raises(EngineError, match=r"^fake: gave up after 24 tries: HTTP 429"):
        run(engine, ["x"], base_delay=0.001, max_delay=0.002)
    assert len(engine.calls) == 6 * WAITS_PER_TRY


def test_retry_after_past_the_deadline_gives_up_at_once() -> None:
    engine = FakeEngine(fail=lambda _n, _t: TransientEngineError(TOO_MANY, retry_after=3600))
    with pytest.raises(EngineError, match=r"^fake: asked to wait 3600 s, past the deadline: HTTP"):
        run(engine, ["x"])
    assert len(engine.calls) == 1


# --- an engine that cannot be reached --------------------------------------------------------


def unreachable(_n: int, _t: str) -> Exception:
    return TransientEngineError("cannot reach the speech service: [Errno 111] Connection refused")


def test_never_reached_fails_within_the_short_deadline() -> None:
    engine = FakeEngine(latency=0.01, fail=unreachable)
    started = time.monotonic()
    with pytest.raises(EngineError) as info:
        run(
            engine,
            texts_of(20),
            jobs=8,
            max_tries=1000,
            base_delay=0.05,
            max_delay=0.2,
            unreached_deadline_s=0.6,
        )
    # it gives up once the next try would land past the deadline: at most max_delay before it
    assert time.monotonic() - started >= 0.6 - 0.2
    message = str(info.value)
    assert "\n" not in message
    assert re.match(r"fake: gave up after \d+ tr(?:y|ies) in \d+ s: ", message), "the deadline"
    assert message.endswith(": cannot reach the speech service: [Errno 111] Connection refused")
    assert len(engine.calls) < 100, "backoff and the halved pool keep the attempts few"
    assert wait_for_no_synth_threads()


def test_default_policy_gives_up_on_an_unreachable_service_well_within_a_minute() -> None:
    # With the default base and cap, six tries of backoff cannot outlast 45 s even at
    # the top of every jitter range; the unreached deadline is the stop beyond that.
    backoff = Backoff(rng=random.Random(0))
    worst = sum(min(backoff.max_delay, backoff.base_delay * 2 ** (n - 1)) for n in range(1, 6))
    assert worst < 45
    engine = FakeEngine(fail=unreachable)
    with pytest.raises(EngineError, match="gave up after 6 tries"):
        synthesize_chunks(
            engine, ["x"], speed=1.0, jobs=None, cache=None, rng=random.Random(0), base_delay=0.01
        )
    assert len(engine.calls) == 6


def test_a_request_that_hangs_is_abandoned_at_the_deadline() -> None:
    engine = FakeEngine()
    engine.gate = threading.Event()
    try:
        with pytest.raises(EngineError, match=r"^fake: gave up after 0 s with 4 chunk\(s\) left$"):
            run(engine, texts_of(4), jobs=2, unreached_deadline_s=0.3)
        assert engine.in_flight == 2, "given up while both requests still hang"
        assert len(engine.calls) == 2, "nothing queued was started"
    finally:
        engine.gate.set()
    assert wait_for_no_synth_threads()


def test_after_one_success_the_long_deadline_applies() -> None:
    engine = FakeEngine(fail=lambda n, _t: TransientEngineError(TOO_MANY) if 2 <= n <= 6 else None)
    clips, stats = run(
        engine,
        ["a", "b"],
        jobs=1,
        base_delay=0.1,
        max_delay=0.1,
        unreached_deadline_s=0.05,
        rng=random.Random(3),
    )
    assert list(clips) == [fake_clip("a"), fake_clip("b")] and stats.retried == 5


# --- fatal errors cancel promptly ------------------------------------------------------------


def test_a_fatal_error_cancels_outstanding_work_promptly() -> None:
    fatal = EngineError("fake: no Vietnamese voice installed")
    engine = FakeEngine(latency=0.05, fail=lambda n, _t: fatal if n == 3 else None)
    with pytest.raises(EngineError) as info:
        run(engine, texts_of(200), jobs=4)
    assert info.value is fatal
    assert len(engine.calls) <= 12, "work still queued must not be started"
    assert wait_for_no_synth_threads(), "worker threads end once their one request returns"


def test_an_unexpected_exception_propagates_and_cancels() -> None:
    engine = FakeEngine(latency=0.02, fail=lambda n, _t: KeyError("bug") if n == 2 else None)
    with pytest.raises(KeyError):
        run(engine, texts_of(100), jobs=2)
    assert len(engine.calls) <= 6
    assert wait_for_no_synth_threads()


# --- clips readable while synthesis runs -----------------------------------------------------


def synthesis(engine: FakeEngine, texts: Sequence[str], **kwargs: object) -> Synthesis:
    """A run of one job and quick retries, not started yet."""
    options: dict[str, object] = {"base_delay": 0.005, "max_delay": 0.05, "rng": random.Random(7)}
    options.update(kwargs)
    return Synthesis(engine, texts, speed=1.0, jobs=1, cache=None, **options)  # type: ignore[arg-type]


def test_first_clips_are_readable_before_the_last_is_made() -> None:
    texts = texts_of(6)
    last_may_finish = threading.Event()

    def hold_the_last(text: str) -> float:
        if text == texts[-1]:
            last_may_finish.wait(10)
        return 0.0

    engine = FakeEngine(default_jobs=1, latency=hold_the_last)
    with synthesis(engine, texts) as run:
        try:
            early = [run.clips[i] for i in range(5)]
            assert texts[-1] not in engine.answered, "the last clip is still being made"
            assert early == [fake_clip(t) for t in texts[:5]]
        finally:
            last_may_finish.set()
        assert run.result().requested == 6
        assert run.clips[5] == fake_clip(texts[5])


def test_a_reader_waiting_for_a_clip_gets_the_runs_error() -> None:
    fatal = EngineError("fake: voice data missing")
    engine = FakeEngine(latency=0.02, fail=lambda n, _t: fatal if n == 3 else None)
    with synthesis(engine, texts_of(5)) as run:
        assert run.clips[1] == fake_clip(texts_of(5)[1])
        with pytest.raises(EngineError) as info:
            run.clips[2]
        assert info.value is fatal
        with pytest.raises(EngineError):
            run.result()


def test_a_run_cancelled_before_it_starts_requests_nothing() -> None:
    engine = FakeEngine()
    run = synthesis(engine, texts_of(3))
    run.cancel()
    with run, pytest.raises(EngineError, match="cancelled"):
        run.result()
    assert engine.calls == []


def test_leaving_the_block_cancels_the_run() -> None:
    engine = FakeEngine(latency=0.02)
    with synthesis(engine, texts_of(200)) as run:
        assert run.clips[0] == fake_clip(texts_of(200)[0])
    made = len(engine.calls)
    assert made < 20
    time.sleep(0.1)
    assert len(engine.calls) == made
    with pytest.raises(EngineError, match="cancelled"):
        run.result()
    assert wait_for_no_synth_threads()


# --- adaptive concurrency --------------------------------------------------------------------


class FixedLimiter(AimdLimiter):
    def on_rejection(self, sent_at: float, now: float) -> None:
        pass


def test_pool_slows_down_when_the_server_pushes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = texts_of(60)
    adaptive = TolerantOfTwo(latency=0.01)
    clips, stats = run(adaptive, texts, jobs=8)
    assert list(clips) == [fake_clip(t) for t in texts]
    assert stats.retried < len(texts)
    # The same server and retry budget, but a pool that never slows down, fails.
    monkeypatch.setattr("audio_news.speech.synthesis.AimdLimiter", FixedLimiter)
    with pytest.raises(EngineError, match="gave up after 6 tries: HTTP 429"):
        run(TolerantOfTwo(latency=0.01), texts, jobs=8)


def test_aimd_limiter_halves_once_per_window_and_regrows() -> None:
    limiter = AimdLimiter(8)
    assert limiter.allowed == 8
    limiter.on_rejection(sent_at=1.0, now=2.0)
    assert limiter.allowed == 4
    limiter.on_rejection(sent_at=1.5, now=2.1)  # sent before the decrease: same window
    assert limiter.allowed == 4
    limiter.on_rejection(sent_at=2.2, now=3.0)
    assert limiter.allowed == 2
    for t in (3.1, 3.2, 3.3):
        limiter.on_rejection(sent_at=t + 0.05, now=t + 0.1)
    assert limiter.allowed == 1
    limiter.on_success()
    assert limiter.allowed == 2
    for _ in range(2):
        limiter.on_success()
    assert limiter.allowed == 3
    for _ in range(100):
        limiter.on_success()
    assert limiter.allowed == 8
    with pytest.raises(ValueError):
        AimdLimiter(0)


def test_backoff_is_full_jitter_under_a_doubling_capped_ceiling() -> None:
    backoff = Backoff(base_delay=0.5, max_delay=4.0, rng=random.Random(42))
    for failures, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 4.0), (9, 4.0)]:
        samples = [backoff.delay(failures) for _ in range(400)]
        assert all(0 <= s <= ceiling for s in samples)
        assert max(samples) > 0.9 * ceiling and min(samples) < 0.1 * ceiling
    with_server_hint = [backoff.delay(1, retry_after=2.0) for _ in range(100)]
    assert all(2.0 <= s <= 2.5 for s in with_server_hint)


# --- the cache -----------------------------------------------------------------------------


def test_warm_run_makes_no_engine_calls(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    texts = [*texts_of(30), "Câu số 3: tin tức hôm nay."]
    cold_clips, cold = run(FakeEngine(), texts, jobs=4, cache=cache)
    assert (cold.requested, cold.cached) == (30, 0)
    engine = FakeEngine()
    done: list[int] = []
    warm_clips, warm = run(engine, texts, jobs=4, cache=cache, on_done=done.append)
    assert engine.calls == []
    assert list(warm_clips) == list(cold_clips) == [fake_clip(t) for t in texts]
    assert (warm.requested, warm.cached, warm.retried) == (0, 30, 0)
    assert sum(done) == len(texts)


def test_speed_does_not_force_resynthesis(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    run(FakeEngine(), texts_of(5), cache=cache)
    engine = FakeEngine()
    synthesize_chunks(engine, texts_of(5), speed=1.5, jobs=None, cache=cache)
    assert engine.calls == []


class RateControlEngine(FakeEngine):
    """An engine with its own rate control, as the cloud voices have."""

    applies_speed = True


def test_an_engine_without_rate_control_is_always_asked_for_speed_one() -> None:
    engine = FakeEngine()
    synthesize_chunks(engine, texts_of(3), speed=1.5, jobs=None, cache=None)
    assert engine.speeds == {1.0}


def test_an_engine_with_rate_control_speaks_at_the_speed_and_caches_per_speed(
    tmp_path: Path,
) -> None:
    cache = SegmentCache(tmp_path)
    engine = RateControlEngine()
    synthesize_chunks(engine, texts_of(3), speed=1.5, jobs=None, cache=cache)
    assert engine.speeds == {1.5}
    again = RateControlEngine()
    synthesize_chunks(again, texts_of(3), speed=1.5, jobs=None, cache=cache)
    assert again.calls == []
    slower = RateControlEngine()
    synthesize_chunks(slower, texts_of(3), speed=0.8, jobs=None, cache=cache)
    assert sorted(slower.calls) == sorted(texts_of(3))
    assert slower.speeds == {0.8}


def test_editing_one_sentence_resynthesizes_only_it(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    texts = texts_of(10)
    run(FakeEngine(), texts, cache=cache)
    edited = [*texts[:4], "Một câu đã sửa.", *texts[5:]]
    engine = FakeEngine()
    clips, stats = run(engine, edited, cache=cache)
    assert engine.calls == ["Một câu đã sửa."]
    assert list(clips) == [fake_clip(t) for t in edited]
    assert (stats.requested, stats.cached) == (1, 9)


def test_another_voice_misses_the_cache(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    run(FakeEngine(voice="vi/1"), texts_of(3), cache=cache)
    engine = FakeEngine(voice="vi/2")
    run(engine, texts_of(3), cache=cache)
    assert len(engine.calls) == 3


def test_a_corrupt_entry_is_redone(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    texts = texts_of(6)
    run(FakeEngine(), texts, cache=cache)
    victim = cache.path_for(SegmentCache.key("fake", "vi/1", 1.0, texts[2]))
    victim.write_bytes(victim.read_bytes()[:40])
    engine = FakeEngine()
    clips, _ = run(engine, texts, cache=cache)
    assert engine.calls == [texts[2]]
    assert list(clips) == [fake_clip(t) for t in texts]
    assert cache.get(SegmentCache.key("fake", "vi/1", 1.0, texts[2])) == fake_clip(texts[2])


def test_an_unwritable_cache_warns_but_synthesis_succeeds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="audio_news.speech.synthesis"):
        clips, _ = run(FakeEngine(), texts_of(5), cache=SegmentCache(blocker))
    assert list(clips) == [fake_clip(t) for t in texts_of(5)]
    warnings = [r for r in caplog.records if "segment cache disabled" in r.getMessage()]
    assert len(warnings) == 1


# --- the real engines ----------------------------------------------------------------------

SENTENCES = [
    "Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng năm 2023.",
    "Sáng 28 tháng 12, Ban Tổ chức Trung ương tổ chức hội nghị.",
    "Các đại biểu dự hội nghị tại điểm cầu tỉnh Bắc Kạn.",
    "Sáng 28 tháng 12, Ban Tổ chức Trung ương tổ chức hội nghị.",
    "Quang cảnh hội nghị.",
]


def test_espeak_through_the_pool_and_cache(tmp_path: Path) -> None:
    espeak = create_engine("espeak", EngineSettings())
    cache = SegmentCache(tmp_path)
    cold, cold_stats = synthesize_chunks(espeak, SENTENCES, speed=1.0, jobs=None, cache=cache)
    assert (cold_stats.requested, cold_stats.cached) == (4, 0)
    assert cold_stats.characters == sum(len(t) for t in set(SENTENCES)), "a repeat is not sent"
    assert [c.codec for c in cold] == ["pcm_s16le"] * 5
    assert cold[1] == cold[3]
    # Longer sentences give longer audio, so a clip in the wrong slot would show.
    lengths = [len(c.data) for c in cold]
    assert lengths[0] > lengths[2] > lengths[4] > 0
    # libespeak-ng's output differs by a few samples from call to call, so compare lengths.
    direct = espeak.synthesize(SENTENCES[2])
    assert abs(len(cold[2].data) - len(direct.data)) < 0.02 * len(direct.data)
    warm, warm_stats = synthesize_chunks(espeak, SENTENCES, speed=1.0, jobs=None, cache=cache)
    assert list(warm) == list(cold)
    assert (warm_stats.requested, warm_stats.cached, warm_stats.characters) == (0, 4, 0)


def test_gtts_standin_answering_429_to_every_fourth_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [f"Đoạn thứ {i} của bài báo hôm nay." for i in range(30)]
    with contextlib.ExitStack() as stack:
        standin = stack.enter_context(
            contextlib.contextmanager(serve_for_test)(
                monkeypatch, rate_limit_every=4, retry_after=0.05, latency=0.01
            )
        )
        gtts = create_engine("gtts", EngineSettings())
        clips, stats = synthesize_chunks(
            gtts,
            texts,
            speed=1.0,
            jobs=None,
            cache=None,
            base_delay=0.02,
            rng=random.Random(5),
        )
        seen = standin.requests
    assert [c.data for c in clips] == [standin.audio_for(t) for t in texts]
    assert {c.codec for c in clips} == {"mp3"}
    refused = [r for r in seen if r.status == 429]
    assert len(refused) == len(seen) // 4 and stats.retried == len(refused) > 5
    assert sorted({r.text for r in seen}) == sorted(texts)


def test_gtts_unreachable_fails_fast_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, dead)
    gtts = create_engine("gtts", EngineSettings())
    with pytest.raises(EngineError) as info:
        synthesize_chunks(
            gtts, texts_of(20), speed=1.0, jobs=None, cache=None, base_delay=0.05, max_delay=0.2
        )
    message = str(info.value)
    assert message.startswith("gtts: gave up after 6 tries: ") and "connection" in message
    assert "tries: gtts:" not in message, "the engine name is said once"
    assert "\n" not in message


def test_audio_that_comes_later_is_asked_for_again_without_counting_a_try() -> None:
    asked: dict[str, int] = {}

    def pending_twice(_n: int, text: str) -> Exception | None:
        asked[text] = asked.get(text, 0) + 1
        return ClipPending("not ready", retry_after=0.02) if asked[text] <= 2 else None

    engine = FakeEngine(default_jobs=4, fail=pending_twice)
    texts = texts_of(6)
    started = time.monotonic()
    clips, stats = run(engine, texts, max_tries=1)
    assert [c.data for c in clips] == [fake_clip(t).data for t in texts]
    assert stats.retried == 0 and stats.requested == 18
    assert all(n == 3 for n in asked.values())
    assert time.monotonic() - started < 2.0


def test_pending_audio_is_bounded_by_the_deadline() -> None:
    def never_ready(_n: int, _text: str) -> Exception:
        return ClipPending("not ready", retry_after=0.05)

    started = time.monotonic()
    with pytest.raises(EngineError, match=r"fake: gave up after \d+ s with 2 chunk\(s\) left"):
        run(FakeEngine(fail=never_ready), texts_of(2), deadline_s=0.5)
    assert time.monotonic() - started < 2.0
