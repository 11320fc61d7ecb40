"""Retry policy for engine requests: backoff with full jitter, and an AIMD in-flight limit."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

DEFAULT_BASE_DELAY = 0.5
"""Seconds; the first retry waits up to this long."""
DEFAULT_MAX_DELAY = 16.0
"""Seconds; no single backoff waits longer than this (unless the server asks)."""
DEFAULT_UNREACHED_DEADLINE = 45.0
"""Seconds to keep trying while no request of the run has ever succeeded."""


@dataclass
class Backoff:
    """Exponential backoff with full jitter.

    After the ``n``-th failure, wait ``uniform(0, min(max_delay, base_delay * 2**(n-1)))``.
    """

    base_delay: float = DEFAULT_BASE_DELAY
    max_delay: float = DEFAULT_MAX_DELAY
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the ``failures``-th failed try of one request.

        A server's ``retry_after`` is a floor; a little jitter on top keeps the
        requests that were told the same thing from all coming back at once.
        """
        ceiling = min(self.max_delay, self.base_delay * 2 ** max(0, failures - 1))
        if retry_after is not None and retry_after > 0:
            return retry_after + self.rng.uniform(0, min(ceiling, self.base_delay))
        return self.rng.uniform(0, ceiling)


class AimdLimiter:
    """How many requests may be in flight: halved on a rejection, +1 per window of successes.

    Rejections from requests sent before the last decrease do not count again,
    so one burst of 429s from a full window halves the limit once, not once per request.
    """

    def __init__(self, ceiling: int) -> None:
        if ceiling < 1:
            raise ValueError("ceiling must be at least 1")
        self.ceiling = ceiling
        self._limit = float(ceiling)
        self._last_decrease = float("-inf")

    @property
    def allowed(self) -> int:
        return max(1, int(self._limit))

    def on_success(self) -> None:
        self._limit = min(float(self.ceiling), self._limit + 1.0 / self.allowed)

    def on_rejection(self, sent_at: float, now: float) -> None:
        """A request sent at ``sent_at`` was rejected (429, 5xx, timeout) at ``now``."""
        if sent_at < self._last_decrease:
            return
        self._limit = max(1.0, self._limit / 2)
        self._last_decrease = now
